#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
#
# A scripted, misbehaving server for protocol tests (SMTP, IMAP, POP3: it
# knows no protocol). It listens on 127.0.0.1, writes its port to a file,
# and for each connection plays a script of expected client lines and
# canned replies, recording both sides in a transcript. It can split what
# it sends at every byte or at random points, stall, reset the
# connection, inject bytes after a STARTTLS go-ahead, switch to TLS with a
# given certificate, or serve TLS from the first byte.
#
# usage: scriptsrv.py --script FILE --port-file FILE [--log FILE]
#                     [--cert PEM --key PEM] [--implicit-tls]
#                     [--split none|byte|random] [--seed N] [--conns N]
#                     [--data-out FILE] [--weak] [--max-tls 1.0|1.1|1.2]
#
# Script lines (one command each; '#' starts a comment line):
#   send TEXT         send TEXT + CRLF (TEXT may be empty)
#   raw PYSTRING      send the bytes of a Python string literal, as is
#                     ("raw '220 go\r\n250 injected\r\n'"), in one write
#   expect GLOB       read one line; it must match GLOB (fnmatch, case
#                     sensitive) or the connection is closed
#   expect-data       read a DATA body up to the lone "."; unstuff it and
#                     append it to --data-out
#   skip-data         read up to the lone "." without keeping it
#   starttls          start TLS on the connection (server side)
#   stall SECONDS     wait without reading or writing
#   big N CHAR        send N bytes of CHAR with no line end
#   lines N TEXT      send TEXT + CRLF N times
#   forever TEXT      send TEXT + CRLF until the client goes away
#   reset             close with an RST (SO_LINGER 0)
#   close             close normally
#   wait-close        read until the client closes (or 30 s)
# The transcript has "C: line" for what the client sent, "S: line" for
# lines sent, and "!: note" for events (EOF, mismatch, TLS errors).

import argparse
import fnmatch
import random
import socket
import ssl
import struct
import sys
import time
import warnings

# Old protocol versions are deprecated: serving them is the point.
warnings.simplefilter("ignore", DeprecationWarning)


class Conn:
    def __init__(self, sock, args, log):
        self.sock = sock
        self.args = args
        self.log = log
        self.buf = b""
        self.rng = random.Random(args.seed)

    def note(self, kind, text):
        self.log.write("%s: %s\n" % (kind, text))
        self.log.flush()

    def write(self, data):
        split = self.args.split
        if split == "none" or len(data) > 65536:
            self.sock.sendall(data)
            return
        i = 0
        while i < len(data):
            n = 1 if split == "byte" else self.rng.randint(1, 7)
            self.sock.sendall(data[i:i + n])
            i += n
            time.sleep(0.0005)

    def send_line(self, text):
        self.note("S", text)
        self.write(text.encode("utf-8", "surrogateescape") + b"\r\n")

    def read_line(self, limit=1 << 20):
        while b"\n" not in self.buf:
            try:
                chunk = self.sock.recv(65536)
            except (ConnectionError, ssl.SSLError, OSError) as exc:
                self.note("!", "read error: %s" % exc)
                return None
            if not chunk:
                return None
            self.buf += chunk
            if len(self.buf) > limit:
                self.note("!", "client line too long")
                return None
        line, self.buf = self.buf.split(b"\n", 1)
        if line.endswith(b"\r"):
            line = line[:-1]
        return line.decode("utf-8", "surrogateescape")

    def read_data(self):
        body = []
        while True:
            line = self.read_line()
            if line is None:
                self.note("!", "EOF in DATA")
                return None
            if line == ".":
                self.note("C", ".")
                return "".join(body)
            if line.startswith("."):
                line = line[1:]
            body.append(line + "\r\n")


def tls_context(args):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    if args.weak or args.max_tls:
        # serve what a modern client must refuse: small keys, SHA-1,
        # old protocol versions
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
        ctx.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
    if args.max_tls:
        ctx.maximum_version = {
            "1.0": ssl.TLSVersion.TLSv1,
            "1.1": ssl.TLSVersion.TLSv1_1,
            "1.2": ssl.TLSVersion.TLSv1_2,
        }[args.max_tls]
    ctx.load_cert_chain(args.cert, args.key)
    return ctx


def run(conn, script, args):
    for raw_cmd in script:
        cmd, _, arg = raw_cmd.partition(" ")
        if cmd == "send":
            conn.send_line(arg)
        elif cmd == "raw":
            data = eval(arg, {"__builtins__": {}}).encode(
                "utf-8", "surrogateescape")
            conn.note("S", repr(data))
            conn.sock.sendall(data)
        elif cmd == "expect":
            line = conn.read_line()
            if line is None:
                conn.note("!", "EOF (expected %s)" % arg)
                return
            conn.note("C", line)
            if not fnmatch.fnmatchcase(line, arg):
                conn.note("!", "mismatch: expected %s" % arg)
                return
        elif cmd in ("expect-data", "skip-data"):
            body = conn.read_data()
            if body is None:
                return
            if cmd == "expect-data" and args.data_out:
                with open(args.data_out, "a", newline="") as f:
                    f.write(body)
        elif cmd == "starttls":
            if conn.buf:
                conn.note("!", "client sent bytes before the handshake")
            try:
                conn.sock = tls_context(args).wrap_socket(
                    conn.sock, server_side=True)
                conn.note("!", "tls up")
            except (ssl.SSLError, OSError) as exc:
                conn.note("!", "tls handshake failed: %s" % exc)
                return
        elif cmd == "stall":
            conn.note("!", "stall %s" % arg)
            time.sleep(float(arg))
        elif cmd == "big":
            n, ch = arg.split(" ", 1)
            conn.note("S", "<%s bytes of %s>" % (n, ch))
            try:
                conn.sock.sendall(ch.encode() * int(n))
            except OSError as exc:
                conn.note("!", "write error: %s" % exc)
                return
        elif cmd == "lines":
            n, text = arg.split(" ", 1)
            conn.note("S", "<%s x %s>" % (n, text))
            data = (text + "\r\n").encode() * int(n)
            try:
                conn.sock.sendall(data)
            except OSError as exc:
                conn.note("!", "write error: %s" % exc)
                return
        elif cmd == "forever":
            conn.note("S", "<forever %s>" % arg)
            data = (arg + "\r\n").encode() * 1000
            try:
                while True:
                    conn.sock.sendall(data)
            except OSError as exc:
                conn.note("!", "client went away: %s" % exc)
                return
        elif cmd == "reset":
            conn.note("!", "reset")
            conn.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                 struct.pack("ii", 1, 0))
            conn.sock.close()
            return
        elif cmd == "close":
            conn.note("!", "close")
            return
        elif cmd == "wait-close":
            conn.sock.settimeout(30)
            while True:
                line = conn.read_line()
                if line is None:
                    conn.note("!", "client closed")
                    return
                conn.note("C", line)
        else:
            raise SystemExit("scriptsrv: unknown command %r" % cmd)
    # End of script: note anything the client still says, briefly.
    conn.sock.settimeout(2)
    while True:
        line = conn.read_line()
        if line is None:
            break
        conn.note("C", line)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--script", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", default="/dev/stderr")
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--implicit-tls", action="store_true")
    ap.add_argument("--split", default="none",
                    choices=["none", "byte", "random"])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--conns", type=int, default=1)
    ap.add_argument("--data-out")
    ap.add_argument("--weak", action="store_true")
    ap.add_argument("--max-tls", choices=["1.0", "1.1", "1.2"])
    args = ap.parse_args()

    with open(args.script) as f:
        script = [l.rstrip("\n") for l in f
                  if l.strip() and not l.lstrip().startswith("#")]

    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(4)
    srv.settimeout(120)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.getsockname()[1])
    import os
    os.rename(tmp, args.port_file)

    log = open(args.log, "a")
    for _ in range(args.conns):
        try:
            sock, _addr = srv.accept()
        except socket.timeout:
            log.write("!: no connection\n")
            break
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.settimeout(60)
        conn = Conn(sock, args, log)
        try:
            if args.implicit_tls:
                try:
                    conn.sock = tls_context(args).wrap_socket(
                        sock, server_side=True)
                except (ssl.SSLError, OSError) as exc:
                    conn.note("!", "tls handshake failed: %s" % exc)
                    sock.close()
                    continue
            run(conn, script, args)
        except (ConnectionError, OSError) as exc:
            conn.note("!", "connection error: %s" % exc)
        finally:
            try:
                conn.sock.close()
            except OSError:
                pass
    log.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
