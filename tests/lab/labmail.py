#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
#
# Reference mail clients for the lab, from Python's standard library: they
# log in, send and read back over the lab's real servers, so tests can check
# the lab itself and look at what postie did through a second, independent
# client. Settings come from the environment that DIR/lab.env exports
# (LAB_HOST, LAB_*_PORT, LAB_CA, LAB_PASS_<user>).
#
#   labmail.py imap-login USER starttls|tls     log in, print CAPABILITY
#   labmail.py pop3-login USER stls|tls         log in, print "N SIZE" (STAT)
#   labmail.py smtp-send USER starttls|tls|mx plain|login|none FROM TO...
#                                               <MESSAGE (mx: the plain MX
#                                               port; none: no AUTH)
#   labmail.py imap-fetch USER [MAILBOX [N]]    message N (default: the
#                                               last) byte for byte on stdout
#   labmail.py imap-count USER [MAILBOX]        print the number of messages
#
# Options (before the command): --password PW replaces the user's password,
# --servername NAME is the name the certificate must match (default
# localhost). Certificates are always verified against LAB_CA, with the
# host name. A refusal prints "<protocol>: <code> <text>" on stderr and
# exits 3; any other failure exits 1.

import imaplib
import os
import poplib
import smtplib
import ssl
import sys

TIMEOUT = 20


class Refused(Exception):
    pass


def env(name):
    v = os.environ.get(name)
    if v is None:
        sys.exit("labmail: %s is not set (source the lab's lab.env)" % name)
    return v


def tls_context():
    ctx = ssl.create_default_context(cafile=env("LAB_CA"))
    ctx.check_hostname = True
    ctx.verify_mode = ssl.CERT_REQUIRED
    return ctx


class Lab:
    def __init__(self, user, password, servername):
        self.user = user
        self.password = (password if password is not None
                         else env("LAB_PASS_" + user))
        self.host = env("LAB_HOST")
        self.servername = servername

    def port(self, name):
        return int(env("LAB_%s_PORT" % name))

    def imap(self, mode):
        ctx = tls_context()
        if mode == "tls":
            conn = IMAP4_SSL_Named(self.servername, self.host,
                                   self.port("IMAPS"), ctx)
        elif mode == "starttls":
            conn = imaplib.IMAP4(self.host, self.port("IMAP"),
                                 timeout=TIMEOUT)
            conn.host = self.servername   # the name STARTTLS checks
            if "STARTTLS" not in conn.capabilities:
                raise Refused("imap: no STARTTLS in %r" % (conn.capabilities,))
            conn.starttls(ssl_context=ctx)
        else:
            sys.exit("labmail: IMAP mode is starttls or tls, not %r" % mode)
        try:
            conn.login(self.user, self.password)
        except imaplib.IMAP4.error as e:
            raise Refused("imap: NO %s" % e)
        return conn


class IMAP4_SSL_Named(imaplib.IMAP4_SSL):
    # imaplib checks the certificate against the host it connects to; the
    # lab's certificate names both localhost and 127.0.0.1, and a test may
    # ask for another name to see verification fail.
    def __init__(self, servername, host, port, ctx):
        self._servername = servername
        super().__init__(host, port, ssl_context=ctx, timeout=TIMEOUT)

    def _create_socket(self, timeout):
        sock = imaplib.IMAP4._create_socket(self, timeout)
        return self.ssl_context.wrap_socket(sock,
                                            server_hostname=self._servername)


def cmd_imap_login(lab, args):
    if len(args) != 1:
        sys.exit("usage: labmail.py imap-login USER starttls|tls")
    conn = lab.imap(args[0])
    typ, data = conn.capability()
    print(data[0].decode("ascii", "replace"))
    conn.logout()


def cmd_imap_fetch(lab, args):
    mailbox = args[0] if args else "INBOX"
    conn = lab.imap("tls")
    typ, data = conn.select(mailbox, readonly=True)
    if typ != "OK":
        raise Refused("imap: cannot select %r: %r" % (mailbox, data))
    count = int(data[0])
    n = int(args[1]) if len(args) > 1 else count
    if n < 1 or n > count:
        raise Refused("imap: no message %d in %r (it holds %d)"
                      % (n, mailbox, count))
    typ, data = conn.fetch(str(n), "(BODY.PEEK[])")
    if typ != "OK" or not data or not isinstance(data[0], tuple):
        raise Refused("imap: FETCH %d failed: %r" % (n, data))
    sys.stdout.buffer.write(data[0][1])
    conn.logout()


def cmd_imap_count(lab, args):
    mailbox = args[0] if args else "INBOX"
    conn = lab.imap("tls")
    typ, data = conn.select(mailbox, readonly=True)
    if typ != "OK":
        raise Refused("imap: cannot select %r: %r" % (mailbox, data))
    print(int(data[0]))
    conn.logout()


def cmd_pop3_login(lab, args):
    if len(args) != 1:
        sys.exit("usage: labmail.py pop3-login USER stls|tls")
    ctx = tls_context()
    if args[0] == "tls":
        conn = POP3_SSL_Named(lab.servername, lab.host, lab.port("POP3S"),
                              ctx)
    elif args[0] == "stls":
        conn = poplib.POP3(lab.host, lab.port("POP3"), timeout=TIMEOUT)
        conn.host = lab.servername
        if "STLS" not in conn.capa():
            raise Refused("pop3: no STLS in CAPA")
        conn.stls(context=ctx)
    else:
        sys.exit("labmail: POP3 mode is stls or tls, not %r" % args[0])
    try:
        conn.user(lab.user)
        conn.pass_(lab.password)
    except poplib.error_proto as e:
        raise Refused("pop3: %s" % e)
    count, size = conn.stat()
    print("%d %d" % (count, size))
    conn.quit()


class POP3_SSL_Named(poplib.POP3_SSL):
    def __init__(self, servername, host, port, ctx):
        self._servername = servername
        super().__init__(host, port, context=ctx, timeout=TIMEOUT)

    def _create_socket(self, timeout):
        sock = poplib.POP3._create_socket(self, timeout)
        return self.context.wrap_socket(sock,
                                        server_hostname=self._servername)


def cmd_smtp_send(lab, args):
    if len(args) < 4:
        sys.exit("usage: labmail.py smtp-send USER starttls|tls|mx "
                 "plain|login|none FROM TO... <MESSAGE")
    mode, mech, sender, rcpts = args[0], args[1].upper(), args[2], args[3:]
    if mech not in ("PLAIN", "LOGIN", "NONE"):
        sys.exit("labmail: AUTH mechanism is plain, login or none, not %r"
                 % mech)
    message = sys.stdin.buffer.read()
    ctx = tls_context()
    try:
        if mode == "tls":
            conn = SMTP_SSL_Named(lab.servername, lab.host,
                                  lab.port("SMTPS"), ctx)
            conn.ehlo("client.lab.test")
        elif mode == "starttls":
            conn = smtplib.SMTP(lab.host, lab.port("SMTP"),
                                local_hostname="client.lab.test",
                                timeout=TIMEOUT)
            conn._host = lab.servername  # the name STARTTLS checks
            conn.ehlo()
            if conn.has_extn("auth"):
                raise Refused("smtp: AUTH offered before STARTTLS")
            conn.starttls(context=ctx)
            conn.ehlo()
        elif mode == "mx":
            conn = smtplib.SMTP(lab.host, lab.port("MX"),
                                local_hostname="client.example.org",
                                timeout=TIMEOUT)
            conn.ehlo()
        else:
            sys.exit("labmail: SMTP mode is starttls or tls, not %r" % mode)
        if mech != "NONE":
            conn.user, conn.password = lab.user, lab.password
            auth = conn.auth_plain if mech == "PLAIN" else conn.auth_login
            conn.auth(mech, auth, initial_response_ok=False)
        refused = conn.sendmail(sender, rcpts, message)
        for rcpt, (code, text) in refused.items():
            print("smtp: %d %s (%s)" % (code, text.decode("ascii", "replace"),
                                        rcpt), file=sys.stderr)
        conn.quit()
        if refused:
            sys.exit(3)
    except smtplib.SMTPResponseException as e:
        raise Refused("smtp: %d %s" % (e.smtp_code,
                                       e.smtp_error.decode("ascii", "replace")))
    except smtplib.SMTPRecipientsRefused as e:
        raise Refused("smtp: all recipients refused:\n" + "\n".join(
            "smtp: %d %s (%s)" % (code, text.decode("ascii", "replace"), rcpt)
            for rcpt, (code, text) in e.recipients.items()))


class SMTP_SSL_Named(smtplib.SMTP_SSL):
    def __init__(self, servername, host, port, ctx):
        self._servername = servername
        super().__init__(host, port, local_hostname="client.lab.test",
                         context=ctx, timeout=TIMEOUT)

    def _get_socket(self, host, port, timeout):
        sock = smtplib.SMTP._get_socket(self, host, port, timeout)
        return self.context.wrap_socket(sock,
                                        server_hostname=self._servername)


COMMANDS = {
    "imap-login": cmd_imap_login,
    "imap-fetch": cmd_imap_fetch,
    "imap-count": cmd_imap_count,
    "pop3-login": cmd_pop3_login,
    "smtp-send": cmd_smtp_send,
}


def main(argv):
    password, servername = None, "localhost"
    while argv and argv[0].startswith("--"):
        if argv[0] == "--password" and len(argv) > 1:
            password, argv = argv[1], argv[2:]
        elif argv[0] == "--servername" and len(argv) > 1:
            servername, argv = argv[1], argv[2:]
        else:
            sys.exit("labmail: unknown option %r" % argv[0])
    if len(argv) < 2 or argv[0] not in COMMANDS:
        sys.exit("usage: labmail.py [--password PW] [--servername NAME] "
                 "%s USER ..." % "|".join(sorted(COMMANDS)))
    lab = Lab(argv[1], password, servername)
    try:
        COMMANDS[argv[0]](lab, argv[2:])
    except Refused as e:
        print(e, file=sys.stderr)
        return 3
    except (OSError, imaplib.IMAP4.error, poplib.error_proto,
            smtplib.SMTPException) as e:
        print("labmail: %s: %s" % (argv[0], e), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
