#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The mail lab: a private, real Dovecot (IMAP, POP3, LMTP) and a real
# Postfix (submission, smtps, a plain MX port) on 127.0.0.1, living in one
# directory, on free ephemeral ports, for integration tests. Mail sent by
# one lab user through Postfix is delivered over LMTP into another's
# Maildir, where Dovecot serves it over IMAP and POP3. Certificates come
# from a CA made for each lab. Nothing is written outside the directory
# and only the processes the lab started are ever signalled.
#
# Commands:
#   lab.sh start DIR          make DIR (if needed), configure and start both
#                             servers, write DIR/lab.env; on failure print
#                             the servers' own log lines and exit non-zero
#   lab.sh stop DIR           stop what start started, by PID; TERM first,
#                             KILL after LAB_STOP_TIMEOUT seconds (default 5)
#   lab.sh restart DIR        stop and start again on the same ports, with
#                             the same certificates and mailboxes and the
#                             LAB_* settings of now (say, another
#                             LAB_DOVECOT_EXTRA)
#   lab.sh wait-mail DIR USER COUNT [TIMEOUT]
#                             wait until USER's INBOX holds at least COUNT
#                             messages (TIMEOUT seconds, default 10)
#   lab.sh count DIR USER     print how many messages USER's INBOX holds
#   lab.sh put DIR USER FILE [FOLDER]
#                             store FILE byte for byte as a new message in
#                             USER's FOLDER (default INBOX), through doveadm
#   lab.sh doveadm DIR ARGS.. run doveadm against the lab's Dovecot
#   lab.sh logs DIR           print both servers' logs
#
# Sourced by a test (after tests/lib.sh), it defines lab_start DIR (start,
# load DIR/lab.env into the shell, export it, and stop the lab at exit),
# lab_stop DIR and lab_wait_mail DIR USER COUNT [TIMEOUT]:
#
#	. "$TESTS_DIR/lab/lab.sh"
#	lab_start "$TEST_TMP/lab" || bail "no mail lab"
#
# DIR/lab.env holds shell assignments: LAB_DIR, LAB_HOST (127.0.0.1),
# LAB_IMAP_PORT (STARTTLS), LAB_IMAPS_PORT, LAB_POP3_PORT (STLS),
# LAB_POP3S_PORT, LAB_SMTP_PORT (submission: STARTTLS required before
# AUTH), LAB_SMTPS_PORT (implicit TLS), LAB_MX_PORT (plain SMTP, no AUTH,
# accepts mail for the lab's domain only), LAB_CA (CA certificate),
# LAB_CA_KEY, LAB_CERT, LAB_KEY (server certificate for localhost and
# 127.0.0.1), LAB_CERT_KIND, LAB_PYTHON, LAB_DOMAIN (lab.test),
# LAB_USERS ("alice bob carol"), LAB_PASS_<user>, LAB_MAILDIR_<user>,
# LAB_DOVECOT_CONF, LAB_POSTFIX_CONF,
# LAB_DOVECOT_LOG, LAB_POSTFIX_LOG, and the processes started:
# LAB_DOVECOT_PID, LAB_POSTFIX_PID, LAB_WATCHDOG_PID (may be empty).
# Users log in as "alice" or "alice@lab.test". carol's password holds a
# space, a double quote and a backslash, to exercise quoting.
#
# Environment read by start:
#   LAB_DOVECOT_EXTRA   text appended to dovecot.conf; later settings win,
#                       e.g. to stop advertising MOVE:
#                       LAB_DOVECOT_EXTRA='imap_capability = IMAP4rev1 IDLE'
#                       or 'ssl = required' to refuse plaintext logins
#   LAB_POSTFIX_EXTRA   lines appended to Postfix's main.cf, e.g.
#                       'message_size_limit = 100000'
#   LAB_CERT_KIND       the server certificate both servers present:
#                       good (default: from the lab CA, for localhost and
#                       127.0.0.1), or a bad one for clients to refuse:
#                       expired, notyet (valid from 2090), selfsigned,
#                       wronghost (mail.example.org only), san-mismatch
#                       (CN localhost, SAN other.example.org)
#   LAB_MAIL_USER       system user owning the Maildirs (default: mail)
#   LAB_OWNER_PID       when set, a watchdog stops the lab once that
#                       process is gone (lab_start sets it to the test)
#   LAB_DEBUG=1         verbose server logs (auth and mail debugging)
#   LAB_START_TIMEOUT   seconds for every port to answer (default 15)
#   LAB_STOP_TIMEOUT    seconds before stop sends KILL (default 5)
#   LAB_PYTHON          the python3 to run (default /usr/bin/python3)
#
# Start needs root (Postfix's master does), the Debian packages
# dovecot-core, dovecot-imapd, dovecot-pop3d, dovecot-lmtpd, postfix,
# openssl and python3 (tests/deps.sh installs them). DIR and every
# directory above it must be searchable by the servers' unprivileged
# users; start grants o+x to DIR and to its parents inside $TMPDIR or /tmp
# and refuses other places that lack it.

LAB_DOMAIN_DEFAULT=lab.test

# Debian's python3 (a test dependency) starts faster than the shims some
# version managers put first in PATH, and a lab runs it several times.
if [ -z "${LAB_PYTHON:-}" ]; then
	if [ -x /usr/bin/python3 ]; then
		LAB_PYTHON=/usr/bin/python3
	else
		LAB_PYTHON=python3
	fi
fi
LAB_USERS_DEFAULT="alice bob carol"

lab_die() {
	echo "lab: $*" >&2
	return 1
}

# lab_kv NAME VALUE: print NAME=VALUE as a shell assignment, VALUE quoted
# (without starting a process unless VALUE holds a single quote)
lab_kv() {
	case $2 in
	*\'*) printf "%s='%s'\n" "$1" \
		"$(printf '%s' "$2" | sed "s/'/'\\\\''/g")" ;;
	*) printf "%s='%s'\n" "$1" "$2" ;;
	esac
}

lab_pass_of() {
	case $1 in
	alice) printf '%s\n' 'alice-lab-pw' ;;
	bob) printf '%s\n' 'bob-lab-pw' ;;
	carol) printf '%s\n' 'car ol"\pw' ;;
	esac
}

# lab_abs DIR: absolute physical path of an existing directory
lab_abs() {
	(cd "$1" 2>/dev/null && pwd -P)
}

# lab_free_ports N: N distinct ports that nobody listens on right now. The
# kernel picks them (bind to port 0); all are held at once so they differ.
# Another program may still take one before our servers bind it, so start
# retries with new ports when a bind fails.
lab_free_ports() {
	"$LAB_PYTHON" -c '
import socket, sys
held = []
for _ in range(int(sys.argv[1])):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    held.append(s)
print(" ".join(str(s.getsockname()[1]) for s in held))
' "$1"
}

# lab_probe TIMEOUT CA PORT:MODE:GREETING...: wait until each port answers
# with a line starting with GREETING; MODE tls first makes a TLS handshake
# that verifies the certificate against CA for localhost (no check when CA
# is empty: a lab may serve a bad certificate on purpose).
lab_probe() {
	"$LAB_PYTHON" -c '
import socket, ssl, sys, time
deadline = time.monotonic() + float(sys.argv[1])
if sys.argv[2]:
    ctx = ssl.create_default_context(cafile=sys.argv[2])
else:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
for spec in sys.argv[3:]:
    port, mode, want = spec.split(":", 2)
    while True:
        err = None
        try:
            with socket.create_connection(("127.0.0.1", int(port)), 2) as s:
                s.settimeout(max(0.5, deadline - time.monotonic()))
                if mode == "tls":
                    s = ctx.wrap_socket(s, server_hostname="localhost")
                line = s.makefile("rb").readline().decode("ascii", "replace")
                if line.startswith(want):
                    break
                err = "greeting %r" % line
        except (OSError, ssl.SSLError) as e:
            err = str(e)
        if time.monotonic() > deadline:
            sys.exit("lab: port %s not ready: %s" % (port, err))
        time.sleep(0.05)
' "$@"
}

# lab_pstart PID: the start time of process PID, to tell it from a later
# process that reused the number; empty when there is no such process.
lab_pstart() {
	ps -o lstart= -p "$1" 2>/dev/null | sed 's/  */ /g;s/^ //;s/ $//'
}

# lab_alive PID: the process exists and is not a zombie
lab_alive() {
	st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
	case $st in
	Z* | "") return 1 ;;
	esac
	return 0
}

# lab_descendants PID...: every live descendant of the PIDs, one a line
lab_descendants() {
	ps -e -o pid= -o ppid= 2>/dev/null | awk -v roots="$*" '
		{ parent[$1] = $2 }
		END {
			n = split(roots, r, " ")
			for (i = 1; i <= n; i++) want[r[i]] = 1
			do {
				grew = 0
				for (p in parent)
					if (!(p in want) && (parent[p] in want)) {
						want[p] = 1; found[p] = 1; grew = 1
					}
			} while (grew)
			for (p in found) print p
		}'
}

# lab_living PID...: those of the PIDs that are alive (not zombies), on
# one line; one ps for all, as stop polls this ten times a second
lab_living() {
	ps -e -o pid= -o stat= 2>/dev/null | awk -v pids="$*" '
		BEGIN { n = split(pids, p, " "); for (i = 1; i <= n; i++) w[p[i]] = 1 }
		($1 in w) && $2 !~ /^Z/ { printf "%s%s", sep, $1; sep = " " }
		END { print "" }'
}

# lab_tail_logs DIR [N]: what the servers said, for a failure report:
# their errors and warnings (each once) when there are any, else the
# last N lines of each log
lab_tail_logs() {
	for f in "$1/dovecot/start.out" "$1/postfix/start.out" \
		"$1/dovecot/dovecot.log" "$1/postfix/postfix.log"; do
		[ -s "$f" ] || continue
		echo "lab: --- $f:" >&2
		awk -v n="${2:-25}" '
			{
				line[NR] = $0
				key = $0
				sub(/^[A-Z][a-z][a-z] +[0-9]+ [0-9:]+ /, "", key)
				gsub(/\[[0-9]+\]/, "", key)
				if (tolower($0) ~ /fatal|error|panic|warning|failed/ &&
					!(key in seen)) {
					seen[key] = 1
					bad[++nbad] = $0
				}
			}
			END {
				if (nbad)
					for (i = 1; i <= nbad && i <= n; i++) print bad[i]
				else
					for (i = NR > n ? NR - n + 1 : 1; i <= NR; i++)
						print line[i]
			}' "$f" | sed 's/^/lab:   /' >&2
	done
}

# Give o+x to DIR and to the parents between it and the temporary
# directory, which mktemp makes private; anywhere else only check.
lab_open_path() {
	tmp=$(lab_abs "${TMPDIR:-/tmp}")
	p=$1
	while [ -n "$p" ] && [ "$p" != / ]; do
		case $p/ in
		"$tmp"/?* | /tmp/?*)
			[ "$p" = "$tmp" ] || chmod o+x "$p" || return 1
			;;
		*)
			[ "$p" = "$1" ] && { chmod o+x "$p" || return 1; }
			perm=$(ls -ld "$p" | cut -c10)
			case $perm in
			x | t) ;;
			*) lab_die "'$p' is not searchable by other users; the" \
				"servers' users must reach '$1' (chmod o+x it or" \
				"use a directory under ${TMPDIR:-/tmp})"
				return 1 ;;
			esac
			;;
		esac
		p=${p%/*}
	done
}

# lab_make_tls DIR: the lab's CA and the server's certificate, of the kind
# LAB_CERT_KIND names (see the top of this file)
lab_make_tls() {
	t=$1/tls
	kind=${LAB_CERT_KIND:-good}
	cn=localhost san="DNS:localhost,IP:127.0.0.1"
	case $kind in
	good | expired | notyet | selfsigned) ;;
	wronghost) cn=mail.example.org san="DNS:mail.example.org" ;;
	san-mismatch) san="DNS:other.example.org" ;;
	*) lab_die "LAB_CERT_KIND '$kind' is none of good, expired, notyet," \
		"selfsigned, wronghost, san-mismatch"
		return 1 ;;
	esac
	mkdir -p "$t" && chmod 0755 "$t" || return 1
	tag=$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
	{
		openssl req -x509 -new -newkey ec \
			-pkeyopt ec_paramgen_curve:prime256v1 -nodes \
			-keyout "$t/ca.key" -out "$t/ca.crt" -days 3650 \
			-subj "/O=postie lab/CN=postie lab CA $tag" \
			-addext "basicConstraints=critical,CA:TRUE" \
			-addext "keyUsage=critical,keyCertSign,cRLSign" &&
		openssl req -new -newkey ec \
			-pkeyopt ec_paramgen_curve:prime256v1 -nodes \
			-keyout "$t/server.key" -out "$t/server.csr" \
			-subj "/O=postie lab/CN=$cn" &&
		printf '%s\n' \
			"basicConstraints=critical,CA:FALSE" \
			"keyUsage=critical,digitalSignature,keyEncipherment" \
			"extendedKeyUsage=serverAuth" \
			"subjectAltName=$san" \
			"subjectKeyIdentifier=hash" \
			"authorityKeyIdentifier=keyid" >"$t/server.ext" &&
		case $kind in
		expired | notyet)
			# Only "openssl ca" takes dates in the past or the future.
			: >"$t/index.txt" &&
			printf '%s\n' "[ca]" "default_ca = lab" "[lab]" \
				"database = $t/index.txt" "new_certs_dir = $t" \
				"serial = $t/ca.srl" "default_md = sha256" \
				"policy = any" "unique_subject = no" \
				"[any]" "commonName = supplied" \
				"organizationName = optional" >"$t/ca.cnf" &&
			od -An -N8 -tx1 /dev/urandom | tr -d ' \n' >"$t/ca.srl" &&
			echo >>"$t/ca.srl" &&
			if [ "$kind" = expired ]; then
				dates="-startdate 20200101000000Z -enddate 20210101000000Z"
			else
				dates="-startdate 20900101000000Z -enddate 20910101000000Z"
			fi &&
			openssl ca -batch -notext -config "$t/ca.cnf" \
				-cert "$t/ca.crt" -keyfile "$t/ca.key" $dates \
				-extfile "$t/server.ext" -in "$t/server.csr" \
				-out "$t/server.crt"
			;;
		selfsigned)
			openssl x509 -req -in "$t/server.csr" -key "$t/server.key" \
				-days 3650 -extfile "$t/server.ext" -out "$t/server.crt"
			;;
		*)
			openssl x509 -req -in "$t/server.csr" -CA "$t/ca.crt" \
				-CAkey "$t/ca.key" -CAcreateserial -CAserial "$t/ca.srl" \
				-days 3650 -extfile "$t/server.ext" -out "$t/server.crt"
			;;
		esac
	} >"$t/openssl.out" 2>&1 || {
		sed 's/^/lab:   /' "$t/openssl.out" >&2
		lab_die "cannot make the lab's certificates"
		return 1
	}
	chmod 0600 "$t/ca.key" "$t/server.key"
	chmod 0644 "$t/ca.crt" "$t/server.crt"
}

# Dovecot: the users, the configuration; the ports come as arguments.
lab_dovecot_conf() {
	D=$1
	cat <<EOF
# Made by tests/lab/lab.sh for this lab only.
instance_name = postie-lab-${D##*/}-$$
base_dir = $D/run
state_dir = $D/dovecot/state
log_path = $D/dovecot/dovecot.log
info_log_path = $D/dovecot/dovecot.log
debug_log_path = $D/dovecot/dovecot.log
hostname = mail.$lab_domain
postmaster_address = postmaster@$lab_domain
protocols = imap pop3 lmtp
listen = 127.0.0.1
default_login_user = dovenull
default_internal_user = dovecot
first_valid_uid = $lab_uid
last_valid_uid = $lab_uid
first_valid_gid = $lab_gid
last_valid_gid = $lab_gid
mail_location = maildir:~/Maildir
mail_max_userip_connections = 200
auth_mechanisms = plain login
# Tests try wrong passwords on purpose: answer at once, and no growing
# penalty per address (anvil's auth penalty is off without its socket).
auth_failure_delay = 0
login_greeting = postie lab ready.
ssl = yes
ssl_cert = <$D/tls/server.crt
ssl_key = <$D/tls/server.key
ssl_min_protocol = TLSv1.2
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%n $D/dovecot/users
}
userdb {
  driver = passwd-file
  args = username_format=%n $D/dovecot/users
}
namespace inbox {
  inbox = yes
  separator = /
  mailbox Drafts {
    special_use = \\Drafts
    auto = subscribe
  }
  mailbox Sent {
    special_use = \\Sent
    auto = subscribe
  }
  mailbox Trash {
    special_use = \\Trash
    auto = subscribe
  }
  mailbox Junk {
    special_use = \\Junk
    auto = subscribe
  }
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $2
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = $3
    ssl = yes
  }
}
service pop3-login {
  inet_listener pop3 {
    address = 127.0.0.1
    port = $4
  }
  inet_listener pop3s {
    address = 127.0.0.1
    port = $5
    ssl = yes
  }
}
service lmtp {
  unix_listener lmtp {
    mode = 0666
  }
}
service auth {
  unix_listener auth-client {
    mode = 0666
  }
}
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
EOF
	if [ "${LAB_DEBUG:-0}" = 1 ]; then
		printf '%s\n' "auth_debug = yes" "mail_debug = yes" \
			"auth_verbose = yes" "verbose_ssl = yes"
	fi
	if [ -n "${LAB_DOVECOT_EXTRA:-}" ]; then
		printf '# LAB_DOVECOT_EXTRA\n%s\n' "$LAB_DOVECOT_EXTRA"
	fi
}

lab_postfix_main() {
	D=$1
	maps=""
	for u in $lab_users; do
		maps="$maps${maps:+, }$u@$lab_domain=$u"
	done
	cat <<EOF
# Made by tests/lab/lab.sh for this lab only.
compatibility_level = 3.6
queue_directory = $D/postfix/spool
data_directory = $D/postfix/data
mail_owner = postfix
setgid_group = postdrop
syslog_name = postfix-lab
maillog_file = $D/postfix/postfix.log
maillog_file_prefixes = $D/postfix
myhostname = mail.$lab_domain
mydomain = $lab_domain
myorigin = $lab_domain
mydestination =
relay_domains =
alias_maps =
alias_database =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.1/32
smtpd_banner = \$myhostname ESMTP postie lab
biff = no
append_dot_mydomain = no
readme_directory = no
smtpd_peername_lookup = no
smtp_dns_support_level = disabled
# Mail for the lab's users goes to Dovecot over LMTP; nothing leaves.
virtual_mailbox_domains = $lab_domain
virtual_mailbox_maps = inline:{ $maps }
virtual_transport = lmtp:unix:$D/run/lmtp
default_transport = error:5.7.1 the lab delivers only to $lab_domain
smtpd_relay_restrictions = reject_unauth_destination
smtpd_sasl_type = dovecot
smtpd_sasl_path = $D/run/auth-client
smtpd_sasl_auth_enable = no
smtpd_tls_cert_file = $D/tls/server.crt
smtpd_tls_key_file = $D/tls/server.key
smtpd_tls_security_level = may
# Dovecot's LMTP (2.3) does not offer SMTPUTF8, so Postfix would accept
# SMTPUTF8 mail only to bounce it at delivery: do not offer it either.
# Raw UTF-8 in headers still passes, as 8-bit data.
smtputf8_enable = no
# A lab answers at once and retries deferred mail within a second or so.
smtpd_error_sleep_time = 0
in_flow_delay = 0
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 4s
delay_warning_time = 0
EOF
	if [ "${LAB_DEBUG:-0}" = 1 ]; then
		printf '%s\n' "debug_peer_list = 127.0.0.1" "smtpd_tls_loglevel = 1"
	fi
	if [ -n "${LAB_POSTFIX_EXTRA:-}" ]; then
		printf '# LAB_POSTFIX_EXTRA\n%s\n' "$LAB_POSTFIX_EXTRA"
	fi
}

# Only the lab's own listeners: none of the system's ports (25, 587, 465).
lab_postfix_master() {
	cat <<EOF
# Made by tests/lab/lab.sh for this lab only. No chroot: the lab's paths
# are absolute and outside any jail.
127.0.0.1:$1 inet n - n - - smtpd
  -o syslog_name=postfix-lab/submission
  -o smtpd_tls_security_level=encrypt
  -o smtpd_tls_auth_only=yes
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_client_restrictions=permit_sasl_authenticated,reject
127.0.0.1:$2 inet n - n - - smtpd
  -o syslog_name=postfix-lab/smtps
  -o smtpd_tls_wrappermode=yes
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_client_restrictions=permit_sasl_authenticated,reject
127.0.0.1:$3 inet n - n - - smtpd
  -o syslog_name=postfix-lab/mx
pickup     unix  n - n 60 1 pickup
cleanup    unix  n - n - 0 cleanup
qmgr       unix  n - n 300 1 qmgr
tlsmgr     unix  - - n 1000? 1 tlsmgr
rewrite    unix  - - n - - trivial-rewrite
bounce     unix  - - n - 0 bounce
defer      unix  - - n - 0 bounce
trace      unix  - - n - 0 bounce
verify     unix  - - n - 1 verify
flush      unix  n - n 1000? 0 flush
proxymap   unix  - - n - - proxymap
proxywrite unix  - - n - 1 proxymap
smtp       unix  - - n - - smtp
relay      unix  - - n - - smtp
showq      unix  n - n - - showq
error      unix  - - n - - error
retry      unix  - - n - - error
discard    unix  - - n - - discard
lmtp       unix  - - n - - lmtp
anvil      unix  - - n - 1 anvil
scache     unix  - - n - 1 scache
postlog    unix-dgram n - n - 1 postlogd
EOF
}

# "postfix start" checks a whole installation first (the permissions of
# every file, the names of queue files), which takes seconds. A fresh lab
# needs only its queue directories, made here as postfix-files lists
# them, and the master, started as the script would (-w: wait until it is
# up, then detach).
lab_postfix_start() {
	q=$1/postfix/spool
	pf_conf=$1/postfix/conf
	# Few commands, not one per directory: each process costs.
	{
		set -- "$1" "$1/postfix/data"
		for d in active bounce corrupt defer deferred flush hold incoming \
			private saved trace maildrop public; do
			set -- "$@" "$q/$d"
		done
		mkdir -p "$q/pid" "$@" && shift &&
		chown postfix "$@" && chmod 0700 "$@" &&
		chgrp postdrop "$q/maildrop" "$q/public" &&
		chmod 0730 "$q/maildrop" && chmod 0710 "$q/public" ||
			return 1
		# Ask postconf only when the master is in none of the usual
		# places.
		for pf_master in /usr/lib/postfix/sbin/master \
			/usr/libexec/postfix/master /usr/lib/postfix/master ""; do
			[ -x "$pf_master" ] && break
		done
		if [ -z "$pf_master" ]; then
			pf_master=$(postconf -c "$pf_conf" -h daemon_directory)/master ||
				return 1
		fi
		"$pf_master" -c "$pf_conf" -w
	} </dev/null >"$1/postfix/start.out" 2>&1
}

# lab_postfix_pid DIR: the PID of the lab's Postfix master, if it runs
lab_postfix_pid() {
	pf_pid=$(sed -n '1s/[^0-9]//gp' "$1/postfix/spool/pid/master.pid" \
		2>/dev/null)
	[ -n "$pf_pid" ] || return 0
	case $(ps -o args= -p "$pf_pid" 2>/dev/null) in
	*"master -c $1/postfix/conf"*) echo "$pf_pid" ;;
	esac
}

# lab_bind_failed FILE...: a start failed because a port was taken
lab_bind_failed() {
	cat "$@" 2>/dev/null | grep -qi 'address already in use'
}

# lab_write_env: DIR/lab.env from what start found, replaced atomically
lab_write_env() {
	{
		echo "# The mail lab in this directory (tests/lab/lab.sh)."
		lab_kv LAB_DIR "$D"
		echo "LAB_HOST=127.0.0.1"
		echo "LAB_DOMAIN=$lab_domain"
		lab_kv LAB_USERS "$lab_users"
		echo "LAB_IMAP_PORT=$p_imap"
		echo "LAB_IMAPS_PORT=$p_imaps"
		echo "LAB_POP3_PORT=$p_pop3"
		echo "LAB_POP3S_PORT=$p_pop3s"
		echo "LAB_SMTP_PORT=$p_smtp"
		echo "LAB_SMTPS_PORT=$p_smtps"
		echo "LAB_MX_PORT=$p_mx"
		lab_kv LAB_CA "$D/tls/ca.crt"
		lab_kv LAB_CA_KEY "$D/tls/ca.key"
		lab_kv LAB_CERT "$D/tls/server.crt"
		lab_kv LAB_KEY "$D/tls/server.key"
		lab_kv LAB_PYTHON "$LAB_PYTHON"
		lab_kv LAB_CERT_KIND "${LAB_CERT_KIND:-good}"
		vars="LAB_DIR LAB_HOST LAB_DOMAIN LAB_USERS LAB_IMAP_PORT"
		vars="$vars LAB_IMAPS_PORT LAB_POP3_PORT LAB_POP3S_PORT LAB_SMTP_PORT"
		vars="$vars LAB_SMTPS_PORT LAB_MX_PORT LAB_CA LAB_CA_KEY LAB_CERT"
		vars="$vars LAB_KEY LAB_PYTHON LAB_CERT_KIND"
		for u in $lab_users; do
			lab_kv "LAB_PASS_$u" "$(lab_pass_of "$u")"
			lab_kv "LAB_MAILDIR_$u" "$D/mail/$u/Maildir"
			vars="$vars LAB_PASS_$u LAB_MAILDIR_$u"
		done
		lab_kv LAB_DOVECOT_CONF "$D/dovecot/dovecot.conf"
		lab_kv LAB_POSTFIX_CONF "$D/postfix/conf"
		lab_kv LAB_DOVECOT_LOG "$D/dovecot/dovecot.log"
		lab_kv LAB_POSTFIX_LOG "$D/postfix/postfix.log"
		echo "LAB_DOVECOT_PID=$lab_dpid"
		lab_kv LAB_DOVECOT_START "$lab_dstart"
		echo "LAB_POSTFIX_PID=$lab_ppid"
		lab_kv LAB_POSTFIX_START "$lab_pfstart"
		echo "LAB_WATCHDOG_PID=$lab_wpid"
		lab_kv LAB_WATCHDOG_START "$lab_wstart"
		vars="$vars LAB_DOVECOT_CONF LAB_POSTFIX_CONF LAB_DOVECOT_LOG"
		vars="$vars LAB_POSTFIX_LOG LAB_DOVECOT_PID LAB_POSTFIX_PID"
		vars="$vars LAB_WATCHDOG_PID"
		echo "export $vars"
	} >"$D/lab.env.new" && mv "$D/lab.env.new" "$D/lab.env"
}

lab_cmd_start() {
	[ $# -eq 1 ] || { lab_die "usage: lab.sh start DIR"; return 2; }
	[ "$(id -u)" -eq 0 ] ||
		{ lab_die "start needs root (Postfix's master runs as root)"; return 1; }
	for c in dovecot doveadm postfix openssl "$LAB_PYTHON" ps; do
		command -v "$c" >/dev/null 2>&1 ||
			PATH=$PATH:/usr/sbin:/sbin command -v "$c" >/dev/null 2>&1 ||
			{ lab_die "'$c' is missing (run tests/deps.sh install)"; return 1; }
	done
	PATH=$PATH:/usr/sbin:/sbin
	for u in dovecot dovenull postfix; do
		id "$u" >/dev/null 2>&1 ||
			{ lab_die "system user '$u' is missing" \
				"(run tests/deps.sh install)"; return 1; }
	done
	mkdir -p "$1" || return 1
	D=$(lab_abs "$1") || { lab_die "cannot use '$1'"; return 1; }
	case $D in
	*[!A-Za-z0-9._/+-]*)
		lab_die "'$D': use a path of letters, digits and ._+-/ only"
		return 1 ;;
	esac
	# Unix sockets live under DIR/run; their paths must fit sun_path.
	[ ${#D} -le 70 ] ||
		{ lab_die "'$D' is too long for the servers' unix sockets"; return 1; }
	if [ -f "$D/lab.env" ] &&
		(. "$D/lab.env" && lab_alive "$LAB_DOVECOT_PID"); then
		lab_die "a lab is already running in '$D' (lab.sh stop it first)"
		return 1
	fi
	lab_open_path "$D" || return 1

	lab_domain=$LAB_DOMAIN_DEFAULT
	lab_users=$LAB_USERS_DEFAULT
	lab_muser=${LAB_MAIL_USER:-mail}
	lab_uid=$(id -u "$lab_muser" 2>/dev/null) && lab_gid=$(id -g "$lab_muser") ||
		{ lab_die "no system user '$lab_muser' to own the mail"; return 1; }
	[ "$lab_uid" -ne 0 ] || { lab_die "the mail user must not be root"; return 1; }

	# A restart keeps the certificates and the ports; start afresh makes
	# new ones. Both keep the Maildirs.
	if [ -n "${lab_restart:-}" ]; then
		lab_fixed4="$p_imap $p_imaps $p_pop3 $p_pop3s"
		lab_fixed3="$p_smtp $p_smtps $p_mx"
		rm -rf "$D/run" "$D/dovecot" "$D/postfix" "$D/lab.env"
	else
		lab_fixed4="" lab_fixed3=""
		rm -rf "$D/run" "$D/dovecot" "$D/postfix" "$D/tls" "$D/lab.env"
	fi
	mkdir -p "$D/dovecot/state" "$D/postfix/conf" "$D/postfix/spool" \
		"$D/run" "$D/mail" || return 1
	chmod 0755 "$D/dovecot" "$D/postfix" "$D/run"
	if [ -z "${lab_restart:-}" ]; then
		lab_make_tls "$D" || return 1
	fi

	: >"$D/dovecot/users"
	set --
	for u in $lab_users; do
		printf '%s:{PLAIN}%s:%s:%s::%s::\n' "$u" "$(lab_pass_of "$u")" \
			"$lab_uid" "$lab_gid" "$D/mail/$u" >>"$D/dovecot/users"
		set -- "$@" "$D/mail/$u/Maildir/cur" "$D/mail/$u/Maildir/new" \
			"$D/mail/$u/Maildir/tmp"
	done
	mkdir -p "$@" || return 1
	chown -R "$lab_uid:$lab_gid" "$D/mail" && chmod -R go-rwx "$D/mail" &&
		chown "root:$(id -g dovecot)" "$D/dovecot/users" &&
		chmod 0640 "$D/dovecot/users" || return 1

	# Dovecot binds its listeners before it detaches and exits non-zero
	# when a bind fails; Postfix's "start" waits for the master to report.
	# So both fail at once on a taken port, and we retry with new ones.
	tries=0
	while :; do
		tries=$((tries + 1))
		ports=${lab_fixed4:-$(lab_free_ports 4)} || return 1
		set -- $ports
		p_imap=$1 p_imaps=$2 p_pop3=$3 p_pop3s=$4
		lab_dovecot_conf "$D" "$@" >"$D/dovecot/dovecot.conf"
		rm -f "$D/dovecot/dovecot.log"
		dovecot -c "$D/dovecot/dovecot.conf" </dev/null \
			>"$D/dovecot/start.out" 2>&1 && break
		if [ -z "$lab_fixed4" ] && [ $tries -lt 5 ] &&
			lab_bind_failed "$D/dovecot/start.out" \
			"$D/dovecot/dovecot.log"; then
			continue
		fi
		lab_tail_logs "$D"
		lab_die "Dovecot did not start"
		return 1
	done
	# The detached master writes its PID file a moment after the command
	# returns; until then, find it by the configuration it was given.
	lab_n=0
	while :; do
		lab_dpid=$(cat "$D/run/master.pid" 2>/dev/null)
		[ -n "$lab_dpid" ] && lab_alive "$lab_dpid" && break
		lab_dpid=$(ps -e -o pid= -o args= | awk -v c="$D/dovecot/dovecot.conf" \
			'$2 ~ /dovecot$/ && $3 == "-c" && $4 == c { print $1; exit }')
		[ $lab_n -lt 50 ] || break
		lab_n=$((lab_n + 1))
		sleep 0.1
	done
	[ -n "$lab_dpid" ] && lab_alive "$lab_dpid" || {
		lab_tail_logs "$D"
		lab_die "Dovecot did not stay up"
		return 1
	}
	lab_dstart=$(lab_pstart "$lab_dpid")

	# Postfix needs Dovecot's auth and LMTP sockets: start it second.
	tries=0
	while :; do
		tries=$((tries + 1))
		ports=${lab_fixed3:-$(lab_free_ports 3)} ||
			{ lab_cmd_stop_pids "$lab_dpid"; return 1; }
		set -- $ports
		p_smtp=$1 p_smtps=$2 p_mx=$3
		# A setting of LAB_POSTFIX_EXTRA replaces ours, rather than
		# making Postfix warn of an "overriding earlier entry".
		lab_postfix_main "$D" | awk -v extra="${LAB_POSTFIX_EXTRA:-}" '
			BEGIN {
				n = split(extra, l, "\n")
				for (i = 1; i <= n; i++)
					if (match(l[i], /^[ \t]*[a-z0-9_]+[ \t]*=/)) {
						k = substr(l[i], 1, RLENGTH - 1)
						gsub(/[ \t]/, "", k)
						mine[k] = 1
					}
			}
			/^# LAB_POSTFIX_EXTRA$/ { extra_part = 1 }
			{ k = $1 }
			extra_part || !(k in mine) { print }' \
			>"$D/postfix/conf/main.cf"
		lab_postfix_master "$@" >"$D/postfix/conf/master.cf"
		# Postfix will not read a main.cf changed in the last second
		# (it might be half written) and sleeps until it is older.
		touch -t 200001010000 "$D/postfix/conf/main.cf" \
			"$D/postfix/conf/master.cf"
		lab_postfix_start "$D" && break
		if [ -z "$lab_fixed3" ] && [ $tries -lt 5 ] &&
			lab_bind_failed "$D/postfix/start.out" \
			"$D/postfix/postfix.log"; then
			continue
		fi
		lab_tail_logs "$D"
		lab_cmd_stop_pids "$lab_dpid" $(lab_postfix_pid "$D")
		lab_die "Postfix did not start"
		return 1
	done
	lab_ppid=$(lab_postfix_pid "$D")
	[ -n "$lab_ppid" ] && lab_alive "$lab_ppid" || {
		lab_tail_logs "$D"
		lab_cmd_stop_pids "$lab_dpid"
		lab_die "Postfix did not stay up"
		return 1
	}
	lab_pfstart=$(lab_pstart "$lab_ppid")

	lab_probe_ca=$D/tls/ca.crt
	[ "${LAB_CERT_KIND:-good}" = good ] || lab_probe_ca=""
	if ! lab_probe "${LAB_START_TIMEOUT:-15}" "$lab_probe_ca" \
		"$p_imap:plain:* OK" "$p_imaps:tls:* OK" "$p_pop3:plain:+OK" \
		"$p_pop3s:tls:+OK" "$p_smtp:plain:220" "$p_smtps:tls:220" \
		"$p_mx:plain:220"; then
		lab_tail_logs "$D"
		lab_cmd_stop_pids "$lab_ppid" "$lab_dpid"
		lab_die "the servers do not answer"
		return 1
	fi

	# lab.env exists before the watchdog starts, which stops watching
	# once it is gone (the directory was removed); written again with
	# the watchdog's PID.
	lab_wpid="" lab_wstart=""
	lab_write_env || { lab_cmd_stop_pids "$lab_ppid" "$lab_dpid"; return 1; }
	if [ -n "${LAB_OWNER_PID:-}" ]; then
		# A test killed hard cannot stop its lab: this does it. It is in
		# a session of its own so that a signal to the test's process
		# group does not take it down before it has done its job.
		lab_self=$(cd "$(dirname "$0")" && pwd -P)/lab.sh
		lab_setsid=$(command -v setsid) || lab_setsid=""
		$lab_setsid sh -c '
			trap "" HUP INT TERM
			while kill -0 "$1" 2>/dev/null && [ -f "$2/lab.env" ]; do
				sleep 1
			done
			[ -f "$2/lab.env" ] && LAB_FROM_WATCHDOG=1 sh "$3" stop "$2"
		' lab-watchdog "$LAB_OWNER_PID" "$D" "$lab_self" \
			</dev/null >/dev/null 2>&1 &
		lab_wpid=$!
		lab_wstart=$(lab_pstart "$lab_wpid")
	fi

	lab_write_env
}

# lab_cmd_stop_pids PID...: TERM the PIDs, wait for them and everything
# they started, then KILL what is left. Callers pass only PIDs they have
# checked are the lab's.
lab_cmd_stop_pids() {
	lab_set=""
	for p in "$@"; do
		[ -n "$p" ] && lab_alive "$p" && lab_set="$lab_set $p"
	done
	[ -n "$lab_set" ] || return 0
	lab_all="$lab_set $(lab_descendants $lab_set | tr '\n' ' ')"
	# Dovecot's master, told alone, takes a second or more to wind its
	# helpers down; each of them exits at once on TERM, so tell them all.
	kill -TERM $lab_all 2>/dev/null
	lab_limit=$(( ${LAB_STOP_TIMEOUT:-5} * 10 ))
	lab_n=0
	while :; do
		lab_left=$(lab_living $lab_all)
		[ -n "$lab_left" ] || return 0
		[ $lab_n -lt $lab_limit ] || break
		# and whatever was started meanwhile
		[ $lab_n -eq 3 ] && kill -TERM $lab_left 2>/dev/null
		lab_n=$((lab_n + 1))
		sleep 0.1
	done
	echo "lab: still running after ${LAB_STOP_TIMEOUT:-5}s, killing: $lab_left" >&2
	kill -KILL $lab_left 2>/dev/null
	lab_n=0
	while [ $lab_n -lt 30 ]; do
		lab_left2=$(lab_living $lab_left)
		[ -n "$lab_left2" ] || return 0
		lab_n=$((lab_n + 1))
		sleep 0.1
	done
	lab_die "cannot stop: $lab_left2"
}

# lab_ours PID START: PID is still the process start recorded
lab_ours() {
	[ -n "$1" ] && [ -n "$2" ] && lab_alive "$1" &&
		[ "$(lab_pstart "$1")" = "$2" ]
}

lab_cmd_stop() {
	[ $# -eq 1 ] || { lab_die "usage: lab.sh stop DIR"; return 2; }
	[ -f "$1/lab.env" ] || { lab_die "no lab in '$1' (no lab.env)"; return 1; }
	(
		. "$1/lab.env" || exit 1
		# The watchdog goes first, so that it does not stop us twice;
		# when it is the one stopping, it must not kill itself.
		if [ -z "${LAB_FROM_WATCHDOG:-}" ] &&
			lab_ours "$LAB_WATCHDOG_PID" "$LAB_WATCHDOG_START"; then
			w="$LAB_WATCHDOG_PID $(lab_descendants "$LAB_WATCHDOG_PID" | tr '\n' ' ')"
			kill -KILL $w 2>/dev/null
		fi
		set --
		lab_ours "$LAB_POSTFIX_PID" "$LAB_POSTFIX_START" &&
			set -- "$@" "$LAB_POSTFIX_PID"
		lab_ours "$LAB_DOVECOT_PID" "$LAB_DOVECOT_START" &&
			set -- "$@" "$LAB_DOVECOT_PID"
		lab_cmd_stop_pids "$@"
	)
}

# restart: stop, then start again on the same ports with the same
# certificates and mailboxes, and with the LAB_* settings given now, so a
# test can watch a client through a server restart or a changed server
lab_cmd_restart() {
	[ $# -eq 1 ] || { lab_die "usage: lab.sh restart DIR"; return 2; }
	[ -f "$1/lab.env" ] || { lab_die "no lab in '$1' (no lab.env)"; return 1; }
	lab_cmd_stop "$1" || return 1
	eval "$(. "$1/lab.env" && for v in IMAP IMAPS POP3 POP3S SMTP SMTPS MX; do
		eval "echo p_$(echo "$v" | tr A-Z a-z)=\$LAB_${v}_PORT"
	done)"
	LAB_CERT_KIND=$(. "$1/lab.env" && echo "$LAB_CERT_KIND")
	lab_restart=1
	lab_cmd_start "$1"
}

lab_inbox() {
	[ -f "$1/lab.env" ] || { lab_die "no lab in '$1' (no lab.env)"; return 1; }
	lab_md=$(. "$1/lab.env" && eval "printf %s \"\${LAB_MAILDIR_$2:-}\"")
	[ -n "$lab_md" ] || { lab_die "no user '$2' in the lab"; return 1; }
	echo "$lab_md"
}

lab_cmd_count() {
	[ $# -eq 2 ] || { lab_die "usage: lab.sh count DIR USER"; return 2; }
	md=$(lab_inbox "$1" "$2") || return 1
	find "$md/new" "$md/cur" -type f 2>/dev/null | wc -l | tr -d ' '
}

lab_cmd_wait_mail() {
	[ $# -eq 3 ] || [ $# -eq 4 ] ||
		{ lab_die "usage: lab.sh wait-mail DIR USER COUNT [TIMEOUT]"; return 2; }
	case $3 in
	'' | *[!0-9]*) lab_die "COUNT '$3' is not a number"; return 2 ;;
	esac
	case ${4:-10} in
	'' | *[!0-9]*) lab_die "TIMEOUT '$4' is not a number"; return 2 ;;
	esac
	lab_md=$(lab_inbox "$1" "$2") || return 1
	lab_n=0
	lab_limit=$(( ${4:-10} * 10 ))
	while :; do
		have=$(find "$lab_md/new" "$lab_md/cur" -type f 2>/dev/null | wc -l)
		[ "$have" -ge "$3" ] && return 0
		[ $lab_n -lt $lab_limit ] || break
		lab_n=$((lab_n + 1))
		sleep 0.1
	done
	lab_tail_logs "$1" 10
	lab_die "$2's INBOX has $((have + 0)) messages after ${4:-10}s, want $3"
}

lab_cmd_doveadm() {
	[ $# -ge 2 ] || { lab_die "usage: lab.sh doveadm DIR ARGS..."; return 2; }
	[ -f "$1/lab.env" ] || { lab_die "no lab in '$1' (no lab.env)"; return 1; }
	conf=$(. "$1/lab.env" && printf %s "$LAB_DOVECOT_CONF")
	shift
	PATH=$PATH:/usr/sbin:/sbin doveadm -c "$conf" "$@"
}

lab_cmd_put() {
	[ $# -eq 3 ] || [ $# -eq 4 ] ||
		{ lab_die "usage: lab.sh put DIR USER FILE [FOLDER]"; return 2; }
	lab_inbox "$1" "$2" >/dev/null || return 1
	[ -r "$3" ] || { lab_die "cannot read '$3'"; return 1; }
	lab_cmd_doveadm "$1" save -u "$2" -m "${4:-INBOX}" <"$3"
}

lab_cmd_logs() {
	[ $# -eq 1 ] || { lab_die "usage: lab.sh logs DIR"; return 2; }
	for f in "$1/dovecot/dovecot.log" "$1/postfix/postfix.log"; do
		echo "== $f"
		cat "$f" 2>/dev/null
	done
}

lab_main() {
	cmd=${1:-}
	[ $# -gt 0 ] && shift
	case $cmd in
	start) lab_cmd_start "$@" ;;
	restart) lab_cmd_restart "$@" ;;
	stop) lab_cmd_stop "$@" ;;
	wait-mail) lab_cmd_wait_mail "$@" ;;
	count) lab_cmd_count "$@" ;;
	put) lab_cmd_put "$@" ;;
	doveadm) lab_cmd_doveadm "$@" ;;
	logs) lab_cmd_logs "$@" ;;
	*)
		echo "usage: lab.sh start|stop|restart|wait-mail|count|put|doveadm|logs" \
			"DIR ..." >&2
		return 2
		;;
	esac
}

# For tests that source this file.
lab_start() {
	LAB_OWNER_PID=${LAB_OWNER_PID:-$$} sh "$LAB_SH" start "$1" || return 1
	if command -v at_exit >/dev/null 2>&1; then
		at_exit "sh '$LAB_SH' stop '$1'"
	fi
	. "$1/lab.env"
}

lab_restart() {
	LAB_OWNER_PID=${LAB_OWNER_PID:-$$} sh "$LAB_SH" restart "$1" || return 1
	. "$1/lab.env"
}

lab_stop() {
	sh "$LAB_SH" stop "$1"
}

lab_wait_mail() {
	sh "$LAB_SH" wait-mail "$@"
}

case ${0##*/} in
lab.sh)
	set -u
	lab_main "$@"
	exit $?
	;;
*)
	LAB_SH=${LAB_SH:-${TESTS_DIR:-.}/lab/lab.sh}
	;;
esac
