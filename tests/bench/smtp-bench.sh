#!/bin/sh
# SPDX-License-Identifier: ISC
#
# postie's SMTP submission against msmtp, over STARTTLS to the lab's
# Postfix, on this machine:
#
#   1. one message with a 10 MB attachment: `postie send -a` (build,
#      queue with fsync, submit) against msmtp sending the same bytes;
#   2. 200 small messages: one `postie outbox flush` (one connection,
#      pipelined) against 200 runs of msmtp (one connection each).
#
# Prints the wall-clock figures; exits non-zero if a send failed.
#
# usage: tests/bench/smtp-bench.sh [N_SMALL]   (default 200)

set -u
TESTS_DIR=$(cd "$(dirname "$0")/.." && pwd)
REPO_DIR=$(cd "$TESTS_DIR/.." && pwd)
: "${POSTIE:=$REPO_DIR/build/release/postie}"
N=${1:-200}
command -v msmtp >/dev/null 2>&1 || {
	echo "smtp-bench: msmtp is missing (make deps installs it)" >&2
	exit 1
}
[ -x "$POSTIE" ] || { echo "smtp-bench: build postie first (make)" >&2; exit 1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/postie-bench.XXXXXX")
LAB=$TMP/lab
cleanup() {
	sh "$TESTS_DIR/lab/lab.sh" stop "$LAB" >/dev/null 2>&1
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

LAB_POSTFIX_EXTRA='message_size_limit = 40000000' \
	sh "$TESTS_DIR/lab/lab.sh" start "$LAB" >/dev/null ||
	{ sleep 3; LAB_POSTFIX_EXTRA='message_size_limit = 40000000' \
		sh "$TESTS_DIR/lab/lab.sh" start "$LAB" >/dev/null; } ||
	{ echo "smtp-bench: cannot start the lab" >&2; exit 1; }
. "$LAB/lab.env"

export XDG_DATA_HOME="$TMP/data" XDG_STATE_HOME="$TMP/state" HOME="$TMP"
cat >"$TMP/rc" <<RC
[account "a"]
	address = alice@lab.test
	receive = imaps://127.0.0.1:$LAB_IMAPS_PORT
	send = smtp://127.0.0.1:$LAB_SMTP_PORT
	user = alice
	password = $LAB_PASS_alice
	ca-file = $LAB_CA
RC
chmod 600 "$TMP/rc"
cat >"$TMP/msmtprc" <<RC
account lab
host 127.0.0.1
port $LAB_SMTP_PORT
tls on
tls_starttls on
tls_trust_file $LAB_CA
auth plain
user alice
password $LAB_PASS_alice
from alice@lab.test
account default : lab
RC
chmod 600 "$TMP/msmtprc"

now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc 2>/dev/null || awk "BEGIN{print $2 - $1}"; }
fail=0

# 1. 10 MB attachment
head -c 10485760 /dev/urandom >"$TMP/data.bin"
echo "see attachment" >"$TMP/body"
t0=$(now)
"$POSTIE" -F "$TMP/rc" send -s "bench 10MB" -a "$TMP/data.bin" \
	bob@lab.test <"$TMP/body" || fail=1
t1=$(now)
eml=$(ls "$XDG_DATA_HOME"/postie/a/sent/cur/* | head -1)
size=$(wc -c <"$eml" | tr -d ' ')
t2=$(now)
msmtp -C "$TMP/msmtprc" bob@lab.test <"$eml" || fail=1
t3=$(now)
printf '10 MB attachment (%s bytes on the wire)\n' "$size"
printf '  postie send (build + queue + submit): %.3f s\n' "$(elapsed "$t0" "$t1")"
printf '  msmtp (submit the same bytes):        %.3f s\n' "$(elapsed "$t2" "$t3")"

# 2. N small messages
i=0
t0=$(now)
while [ $i -lt "$N" ]; do
	echo "small message $i" |
		"$POSTIE" -F "$TMP/rc" send -q -s "bench small $i" bob@lab.test ||
		fail=1
	i=$((i + 1))
done
t1=$(now)
"$POSTIE" -F "$TMP/rc" outbox flush || fail=1
t2=$(now)
eml=$(ls -t "$XDG_DATA_HOME"/postie/a/sent/cur/* | head -1)
i=0
t3=$(now)
while [ $i -lt "$N" ]; do
	msmtp -C "$TMP/msmtprc" bob@lab.test <"$eml" || fail=1
	i=$((i + 1))
done
t4=$(now)
printf '%s small messages\n' "$N"
printf '  postie send -q x %s (build + queue):   %.3f s\n' "$N" "$(elapsed "$t0" "$t1")"
printf '  postie outbox flush (1 connection):  %.3f s\n' "$(elapsed "$t1" "$t2")"
printf '  msmtp x %s (1 connection each):       %.3f s\n' "$N" "$(elapsed "$t3" "$t4")"
left=$(find "$XDG_DATA_HOME/postie/a/outbox/new" -type f | wc -l | tr -d ' ')
printf '  left in the outbox: %s\n' "$left"
[ "$left" = 0 ] || fail=1
exit $fail
