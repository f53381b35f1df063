#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Opening a big INBOX on screen, postie beside NeoMutt and Mutt, for each
# size in SIZES (10,000 and 100,000 messages by default) in the lab's
# Dovecot over TLS, plus the demo account:
#
#   postie cold   an empty cache: time from start until the newest
#                 message is on screen (the rest may still stream in
#                 behind it), then until the status line counts them
#                 all; peak RSS once the worker's sync is done
#   postie warm   the store of the run before: time until the newest
#                 message is on screen, and peak RSS
#   postie keys   100 key presses (k: one line up) at that size: the
#                 screen's own draw times (POSTIE_TRACE=ui), mean and
#                 slowest, goal under 16 ms each
#   neomutt/mutt  opening the same INBOX and quitting as soon as the
#                 index is drawn (push <quit>), without a header cache
#                 and with one (cold: it fills it; warm: it reads it);
#                 wall time and peak RSS under /usr/bin/time
#
# Times are wall clock on a shared machine: read them as a range. postie
# runs in tmux (120x40); the time to the index is measured from outside,
# by polling the screen every 50 ms, so it is at most 50 ms late.
#
#   tests/bench/tui-start.sh [SIZES]      e.g. "10000 100000"
#
# Needs tmux, neomutt, mutt and script (util-linux) (tests/deps.sh).

set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
SIZES=${1:-"10000 100000"}
POSTIE=${POSTIE:-$top/build/release/postie}
BENCH=${BENCH:-$top/build/release/tools/imap-fetch-bench}
[ -x "$POSTIE" ] && [ -x "$BENCH" ] ||
	{ echo "tui-start: build first (make && make tests)" >&2; exit 1; }
for p in tmux neomutt mutt script; do
	command -v $p >/dev/null 2>&1 ||
		{ echo "tui-start: needs $p (tests/deps.sh install)" >&2; exit 1; }
done

W=$(mktemp -d "${TMPDIR:-/tmp}/tui-bench.XXXXXX")
SOCK=postie-bench-$$
LABDIR=$W/lab
cleanup() {
	tmux -L "$SOCK" kill-server 2>/dev/null
	sh "$top/tests/lab/lab.sh" stop "$LABDIR" >/dev/null 2>&1
	rm -rf "$W"
}
trap cleanup EXIT INT TERM

now_ms() { date +%s%3N; }
line() {
	printf '%-36s %9s  %-17s %s\n' "$1" "$2" "$3" "$4"
}

# wait_screen NAME TEXT TIMEOUT_S: poll the pane until TEXT shows
wait_screen() {
	i=0
	until tmux -L "$SOCK" capture-pane -p -t "$1" | grep -qF "$2"; do
		i=$((i + 1))
		[ $i -gt $(($3 * 20)) ] && return 1
		sleep 0.05
	done
}

# postie_screen LABEL RC STATE WANT N: start the screen; print the time
# until WANT shows and, for N > 0, until "N messages" shows; then the
# peak RSS once no sync is running. Leaves the session NAME running.
postie_screen() {
	label=$1 rc=$2 st=$3 want=$4 n=$5
	name=s$$
	t0=$(now_ms)
	tmux -L "$SOCK" -f /dev/null new-session -d -s "$name" -x 120 -y 40 \
		"env TERM=screen-256color LANG=C.UTF-8 XDG_STATE_HOME=$st \
		POSTIE_TRACE=ui POSTIE_TIMEOUT=600 $POSTIE -F $rc; sleep 600"
	if ! wait_screen "$name" "$want" 300; then
		echo "tui-start: '$want' never showed; the screen:" >&2
		tmux -L "$SOCK" capture-pane -p -t "$name" >&2
		return 1
	fi
	t1=$(now_ms)
	all=
	if [ "$n" -gt 0 ]; then
		wait_screen "$name" "| $n messages" 600 || return 1
		all=", all $n counted at $(($(now_ms) - t0)) ms"
	fi
	pid=$(pgrep -f "^$POSTIE -F $rc" | head -1)
	i=0
	while tmux -L "$SOCK" capture-pane -p -t "$name" | grep -q "syncing"; do
		i=$((i + 1))
		[ $i -gt 6000 ] && break
		sleep 0.1
	done
	hwm=$(sed -n 's/^VmHWM:[[:space:]]*//p' "/proc/$pid/status")
	line "postie: $label" "$((t1 - t0)) ms" "peak RSS $hwm" \
		"newest message on screen$all"
}

postie_quit() {
	tmux -L "$SOCK" send-keys -t "s$$" q
	sleep 0.5
	tmux -L "$SOCK" kill-session -t "s$$" 2>/dev/null
}

# postie_keys STATE N: 100 presses of k, then the draw times they caused
postie_keys() {
	log=$1/postie/postie.log
	before=$(grep -c "screen: drawn in" "$log")
	i=0
	while [ $i -lt 100 ]; do
		tmux -L "$SOCK" send-keys -t "s$$" k
		i=$((i + 1))
	done
	sleep 2
	tail -n +1 "$log" | grep "screen: drawn in" | tail -n +$((before + 1)) |
		sed 's/.*drawn in \([0-9.]*\) ms.*/\1/' | awk -v n="$2" '
		{ s += $1; if ($1 > m) m = $1; c++ }
		END { printf "%-36s %9s  %-17s %s\n", "postie: key press redraw",
		      sprintf("%.2f ms", c ? s / c : 0), "",
		      sprintf("mean of %d draws, slowest %.2f ms, goal < 16 ms", c, m) }'
}

# mutt_open PROG LABEL USER PASS HCACHE: open INBOX in a pseudo-terminal
# and quit once its index is drawn
mutt_open() {
	prog=$1 label=$2 user=$3 pass=$4 hc=$5
	{
		echo "set folder = \"imaps://$user@127.0.0.1:$LAB_IMAPS_PORT/\""
		echo "set spoolfile = \"+INBOX\""
		echo "set imap_user = \"$user\""
		echo "set imap_pass = \"$pass\""
		echo "set ssl_ca_certificates_file = \"$LAB_CA\""
		echo "set certificate_file = \"$W/$prog-certs\""
		echo "set ssl_force_tls = yes"
		echo "set imap_check_subscribed = no"
		echo "set mail_check_stats = no"
		echo "set quit = yes"
		echo "set sleep_time = 0"
		echo "unset imap_idle"
		if [ -n "$hc" ]; then
			echo "set header_cache = \"$hc\""
		else
			echo "unset header_cache"
		fi
	} >"$W/$prog.rc"
	chmod 600 "$W/$prog.rc"
	rm -f "$W/time"
	TERM=xterm-256color timeout 900 script -qec "stty rows 40 cols 120; \
		/usr/bin/time -f '%e %M' -o '$W/time' \
		$prog -n -F '$W/$prog.rc' -e 'push <quit>'" /dev/null \
		>"$W/$prog.out" 2>&1 </dev/null
	if ! [ -s "$W/time" ]; then
		echo "tui-start: $prog failed; its screen:" >&2
		tail -c 2000 "$W/$prog.out" | tr -cd '[:print:]\n' >&2
		return 1
	fi
	read -r secs kb <"$W/time"
	line "$prog: $label" "$(awk -v s="$secs" 'BEGIN { printf "%d ms", s * 1000 }')" \
		"peak RSS $kb KiB" "open INBOX, index drawn, quit"
}

export HOME="$W/home"
mkdir -p "$HOME"

# The demo account: first start (index built by the worker) and again.
cp -R "$top/tests/demo/Maildir" "$top/tests/demo/postierc" "$W/"
chmod 600 "$W/postierc"
echo "tui-start: the demo account"
XDG_CACHE_HOME="$W/demo/cache" XDG_DATA_HOME="$W/demo/data" export XDG_CACHE_HOME XDG_DATA_HOME
postie_screen "demo, cold" "$W/postierc" "$W/demo/state" "关于下周项目评审的安排" 0 || exit 1
postie_quit
postie_screen "demo, warm" "$W/postierc" "$W/demo/state" "关于下周项目评审的安排" 0 || exit 1
postie_quit

sh "$top/tests/lab/lab.sh" start "$LABDIR" >"$W/lab.out" 2>&1 ||
	{ cat "$W/lab.out" >&2; echo "tui-start: cannot start the lab" >&2; exit 1; }
. "$LABDIR/lab.env"

k=0
for N in $SIZES; do
	k=$((k + 1))
	user=$(echo "$LAB_USERS" | cut -d' ' -f$k)
	[ -n "$user" ] || { echo "tui-start: more sizes than lab users" >&2; exit 1; }
	eval "md=\$LAB_MAILDIR_$user pass=\$LAB_PASS_$user"
	# N messages, dated one minute apart in UID order, so that the
	# newest by date is the last to arrive; the newest says "newest".
	python3 - "$md" "$N" <<'PY'
import os, sys, time
md, n = sys.argv[1], int(sys.argv[2])
os.makedirs(md + "/cur", exist_ok=True)
now = int(time.time())
base = 1795000000
for i in range(1, n + 1):
    subj = ("newest %d" % i) if i == n else (
        ("=?GBK?B?1tDOxNb3zOI=?= %d" % i) if i % 2 else ("report %d" % i))
    date = time.strftime("%a, %d %b %Y %H:%M:%S +0000",
                         time.gmtime(base + 60 * i))
    hdr = ("From: =?UTF-8?B?5byg5LiJ?= <zs%d@qq.com>\r\n"
           "To: %s@lab.test\r\nSubject: %s\r\nDate: %s\r\n"
           "Message-ID: <m%d@bench.test>\r\n\r\n" % (i, "x", subj, date, i))
    name = "%d.M%dP1Q%d.bench:2,%s" % (now, i, i, "S" if i % 4 == 0 else "")
    with open(os.path.join(md, "cur", name), "wb") as f:
        f.write((hdr + "line of text\r\n" * 10).encode())
PY
	chown -R "${LAB_MAIL_USER:-mail}:" "$md" 2>/dev/null
	# Dovecot indexes the folder on the first SELECT: once, here.
	IMAP_PASSWORD=$pass "$BENCH" "$LAB_IMAPS_PORT" "$LAB_CA" "$user" \
		INBOX >/dev/null || exit 1
	cat >"$W/rc-$N" <<RC
[ui]
	sort = date
[account "bench"]
	address = $user@lab.test
	receive = imaps://127.0.0.1:$LAB_IMAPS_PORT
	user = $user
	password = $pass
	ca-file = $LAB_CA
	poll = 0
RC
	chmod 600 "$W/rc-$N"
	echo
	echo "tui-start: INBOX of $N messages, lab Dovecot over TLS on loopback"
	XDG_CACHE_HOME="$W/$N/cache" XDG_DATA_HOME="$W/$N/data"
	export XDG_CACHE_HOME XDG_DATA_HOME
	postie_screen "cold (empty cache)" "$W/rc-$N" "$W/$N/state" \
		"newest $N" "$N" || exit 1
	postie_quit
	postie_screen "warm (store of the run before)" "$W/rc-$N" \
		"$W/$N/state" "newest $N" 0 || exit 1
	postie_keys "$W/$N/state" "$N"
	postie_quit
	for prog in neomutt mutt; do
		mutt_open $prog "no header cache" "$user" "$pass" "" || exit 1
		mkdir -p "$W/hc-$prog-$N"
		mutt_open $prog "header cache, cold" "$user" "$pass" \
			"$W/hc-$prog-$N/" || exit 1
		mutt_open $prog "header cache, warm" "$user" "$pass" \
			"$W/hc-$prog-$N/" || exit 1
	done
done
