#!/bin/sh
# SPDX-License-Identifier: ISC
#
# hostile-42 and hostile-43 at the byte level: postie runs on a pty (not
# tmux, which would interpret what it is sent) over a Maildir account
# whose messages carry OSC 0/52/8, DCS, APC, CSI window and printer
# commands, C1 controls (raw 0x9B and U+0085/U+009B), backspace
# overstrike and bidi controls in the sender, the subject, the body and
# attachment file names, raw and inside RFC 2047 and RFC 2231 encodings.
# Every message is opened; everything postie wrote to the terminal is
# captured and scanned. The capture may hold only the escape sequences
# curses itself sends (CSI, charset designations, keypad and cursor
# save modes) and postie's own window title (OSC 2 "postie: ...", its
# text free of controls); no other OSC, no DCS, APC, PM or SOS, no C1
# control, no bidi
# control, none of the CSI sequences planted in the mail, and no
# overstrike. The visible forms (^[, <U+202E>) must be there, which
# shows the hostile text was drawn, not dropped. The same holds for a
# server's text: an IMAP server's NO [ALERT] with OSC 52, CSI, C1 and
# RLO is shown on the status line as text.

. "$(dirname "$0")/../lib.sh"

D=$TEST_TMP/ts
mkdir -p "$D/Maildir/new" "$D/Maildir/cur" "$D/Maildir/tmp" "$D/home"
export HOME="$D/home" XDG_CACHE_HOME="$D/cache" XDG_DATA_HOME="$D/data"
export XDG_STATE_HOME="$D/state" XDG_CONFIG_HOME="$D/config"
cat >"$D/rc" <<'RC'
[account "t"]
address = you@example.org
receive = maildir:Maildir
RC
chmod 600 "$D/rc"

python3 - "$D/Maildir/new" <<'PY' || bail "cannot write the messages"
import base64, sys
d = sys.argv[1]
def ew(s):
    return "=?UTF-8?B?" + base64.b64encode(s.encode()).decode() + "?="
m1 = ("From: " + ew("Evil \x1b]0;pwned-title\x07 \u202emoc.evil")
      + " <e@x.example>\r\nTo: you@example.org\r\n"
      "Subject: one \x1b]52;c;SGVsbG8=\x07 clip \x1bP1$qm\x1b\\ dcs"
      " \x1b[21t csi\r\n"
      "Date: Sun, 01 Nov 2026 00:00:00 +0000\r\nMessage-ID: <t1@x>\r\n"
      "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
      "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
      "body =1B]8;;http://evil.example/=07link=1B]8;;=07 =1B[5i printer\r\n"
      "evil\x08\x08\x08\x08good and =C2=9B21t c1 and =E2=80=AE rtl"
      " =1B_apc=1B\\ end\r\n").encode()
m2 = ("From: bob@example.org\r\nTo: you@example.org\r\n"
      "Subject: two attachments\r\n"
      "Date: Sun, 01 Nov 2026 00:01:00 +0000\r\nMessage-ID: <t2@x>\r\n"
      "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n"
      "\r\n--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
      "--b\r\nContent-Type: application/octet-stream\r\n"
      "Content-Disposition: attachment; filename*=utf-8''"
      "%1B%5D0%3Bpwn%07invoice%E2%80%AEfdp.exe\r\n\r\nxx\r\n"
      "--b\r\nContent-Type: application/pdf;"
      " name=\"=?UTF-8?Q?=1BPdcs=1B=5C.pdf?=\"\r\n"
      "Content-Disposition: attachment\r\n\r\nyy\r\n--b--\r\n").encode()
m3 = ("From: " + ew("\x9b name") + " <c@x.example>\r\n"
      "To: you@example.org\r\nSubject: "
      + ew("three \x1b[8;1;1t \u0085 \u009b21t \u2066iso\u2069") + "\r\n"
      "Date: Sun, 01 Nov 2026 00:02:00 +0000\r\nMessage-ID: <t3@x>\r\n"
      "\r\n").encode() + b"plain \x9b21t raw c1\r\n"
for i, m in enumerate([m1, m2, m3], 1):
    with open("%s/179000000%d.t%d.host" % (d, i, i), "wb") as f:
        f.write(m)
PY

# The driver: postie on a 120x40 pty; after each key (one character
# each of KEYS), read until the output has been quiet for a while, then
# wait for the exit.
#	drive.py CAPTURE KEYS POSTIE ARGS...
cat >"$TEST_TMP/drive.py" <<'PY'
import fcntl, os, pty, select, struct, sys, termios, time

cap_path, keys, argv = sys.argv[1], sys.argv[2], sys.argv[3:]
pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    os.environ.update(TERM="xterm-256color", LANG="C.UTF-8",
                      LC_ALL="C.UTF-8", TZ="UTC")
    os.execvp(argv[0], argv)
cap = bytearray()

def drain(quiet, limit):
    end = time.time() + limit
    last = time.time()
    while time.time() < end and time.time() - last < quiet:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                b = os.read(fd, 65536)
            except OSError:
                return False
            if not b:
                return False
            cap.extend(b)
            last = time.time()
    return True

drain(1.0, 10)
for k in keys:
    os.write(fd, k.encode())
    if not drain(0.4, 5):
        break
status = None
end = time.time() + 10
while time.time() < end:
    drain(0.1, 0.2)
    p, st = os.waitpid(pid, os.WNOHANG)
    if p:
        status = st
        break
if status is None:
    os.kill(pid, 9)
    os.waitpid(pid, 0)
with open(cap_path, "wb") as f:
    f.write(cap)
print("exit", os.waitstatus_to_exitcode(status) if status is not None
      else "hung")
PY

# The scanner: one line per foreign sequence found, nothing when clean.
cat >"$TEST_TMP/scan.py" <<'PY'
import re, sys

raw = open(sys.argv[1], "rb").read()
t = raw.decode("utf-8", "surrogateescape")
bad = []
planted = ["\x1b[21t", "\x1b[8;1;1t", "\x1b[5i"]
BIDI = (0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068,
        0x2069, 0x200e, 0x200f, 0x061c)
title = re.compile(r"\x1b\]2;([^\x07\x1b]*)\x07")

def clean(s):
    return not any(ord(c) < 0x20 or ord(c) == 0x7f or 0x80 <= ord(c) <= 0x9f
                   or 0xdc80 <= ord(c) <= 0xdcff or ord(c) in BIDI
                   for c in s)
i = 0
while i < len(t):
    c = t[i]
    if c == "\x1b":
        n = t[i + 1] if i + 1 < len(t) else ""
        if n == "[":
            m = re.compile(r"\x1b\[[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]").match(t, i)
            if not m:
                bad.append("unterminated CSI at %d" % i)
                i += 2
                continue
            if m.group(0) in planted:
                bad.append("planted CSI %r at %d" % (m.group(0), i))
            i = m.end()
            continue
        if n == "]":
            # postie's own window title (OSC 2): allowed when it is
            # postie's and its text is clean
            m = title.match(t, i)
            if m and m.group(1).startswith("postie") and clean(m.group(1)):
                i = m.end()
                continue
        if n in "()*+":
            i += 3
            continue
        if n in "=>78MDEH":
            i += 2
            continue
        bad.append("ESC %r at %d: %r" % (n, i, t[i:i + 12]))
        i += 2
        continue
    o = ord(c)
    if 0x80 <= o <= 0x9f:
        bad.append("C1 control U+%04X at %d" % (o, i))
    elif 0xdc80 <= o <= 0xdc9f:
        bad.append("raw C1 byte 0x%02X at %d" % (o - 0xdc00, i))
    elif o in BIDI:
        bad.append("bidi control U+%04X at %d" % (o, i))
    i += 1
if "\x08\x08\x08\x08good" in t:
    bad.append("backspace overstrike from the mail")
for b in bad[:20]:
    print(b)
PY

CAP=$TEST_TMP/capture
# g Enter q j Enter q j Enter q: open each message; q y: quit
run=$(python3 "$TEST_TMP/drive.py" "$CAP" "$(printf 'g\rqj\rqj\rqqy')" \
	"$POSTIE" -F "$D/rc" 2>&1)
is "$run" "exit 0" "postie ran on the pty and quit with q y"
size=$(wc -c <"$CAP" | tr -d ' ')
ok "the capture holds the screens ($size bytes)" test "$size" -gt 2000
cap=$(tr -d '\000' <"$CAP")
# Visible forms: the hostile text was drawn, as text.
like "$cap" "one ^[]52;c;SGVsbG8=^G clip ^[P1\$qm^[\\ dcs ^[[21t csi" \
	"hostile-42: OSC 52, DCS and CSI in a subject are drawn as text"
like "$cap" "Evil ^[]0;pwned-title^G <U+202E>moc.evil" \
	"hostile-42/43: an OSC title and RLO in an encoded sender as text"
# (the viewer numbers the link it finds: "[1]" follows the address)
like "$cap" "body ^[]8;;http://evil.example/" \
	"hostile-42: an OSC 8 hyperlink in a body as text"
like "$cap" "link^[]8;;^G ^[[5i printer" \
	"hostile-42: its closing OSC 8 and a printer CSI as text"
like "$cap" "evil^H^H^H^Hgood" "hostile-42: backspaces in a body as text"
like "$cap" "<U+009B>21t c1 and <U+202E> rtl ^[_apc^[\\ end" \
	"hostile-42/43: C1, RLO and APC in a body as text"
like "$cap" "^[]0;pwn^Ginvoice<U+202E>fdp.exe" \
	"hostile-42/43: an RFC 2231 file name with OSC and RLO as text"
like "$cap" "^[Pdcs^[\\.pdf" "hostile-42: an RFC 2047 file name with DCS as text"
like "$cap" "<U+0085> <U+009B>21t <U+2066>iso<U+2069>" \
	"hostile-42/43: C1 and isolates in an encoded subject as text"
like "$cap" "plain $(printf '\357\277\275')21t raw c1" \
	"hostile-42: a raw 0x9B byte in a body drawn as U+FFFD"
# Nothing foreign reached the terminal.
found=$(python3 "$TEST_TMP/scan.py" "$CAP")
is "$found" "" \
	"hostile-42/43: the capture holds no escape sequence but curses' own"
[ -n "$found" ] && diag "$found"
unlike "$cap" "pwned-title$(printf '\007')" "no OSC title reaches the terminal"

# Server text: an IMAP server refuses the login with an [ALERT] full of
# escapes; the reason is shown on the status line, and the alert on the
# bottom line until a key.
PROTO_DIR=$TESTS_DIR/proto
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
	-keyout "$TEST_TMP/k.pem" -out "$TEST_TMP/c.pem" -days 3 \
	-subj /CN=localhost -addext subjectAltName=DNS:localhost \
	>/dev/null 2>&1 || bail "cannot make a certificate"
cat >"$TEST_TMP/alert" <<'S'
send * OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] scripted
expect A1 LOGIN *
raw 'A1 NO [ALERT] \x1b]52;c;QUFB\x07 refused \x1b[21t \u009b21t \u202e end\r\n'
wait-close
S
python3 "$PROTO_DIR/scriptsrv.py" --script "$TEST_TMP/alert" \
	--port-file "$TEST_TMP/port" --log "$TEST_TMP/srv.log" --implicit-tls \
	--cert "$TEST_TMP/c.pem" --key "$TEST_TMP/k.pem" --conns 5 &
srv=$!
at_exit "kill $srv 2>/dev/null"
i=0
while [ ! -s "$TEST_TMP/port" ] && [ $i -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
fp=$(openssl x509 -in "$TEST_TMP/c.pem" -noout -fingerprint -sha256 |
	sed 's/.*=//')
cat >"$D/rc2" <<RC
[account "a"]
address = you@example.org
receive = imaps://localhost:$(cat "$TEST_TMP/port")
user = you
password = pw
tls-fingerprint = $fp
RC
chmod 600 "$D/rc2"
rm -rf "$XDG_CACHE_HOME" "$XDG_DATA_HOME"
# (the first key dismisses the server's alert, RFC 3501 7.1)
run=$(python3 "$TEST_TMP/drive.py" "$CAP.2" xqy "$POSTIE" -F "$D/rc2" 2>&1)
is "$run" "exit 0" "server text: postie ran and quit"
grep -q '^C: A1 LOGIN' "$TEST_TMP/srv.log"
ok "server text: postie logged in to the scripted server" test $? -eq 0
cap=$(tr -d '\000' <"$CAP.2")
like "$cap" "NO: ^[]52;c;QUFB^G refused ^[[21t <U+009B>21t <U+202E> end" \
	"hostile-14/42: the server's refusal is shown, as text"
like "$cap" "alert 1/1 a: ^[]52;c;QUFB^G refused ^[[21t <U+009B>21t <U+202E> end" \
	"hostile-14/42: the refusal's [ALERT] is shown as an alert, as text"
found=$(python3 "$TEST_TMP/scan.py" "$CAP.2")
is "$found" "" "hostile-14/42: no escape from the server reaches the terminal"
[ -n "$found" ] && diag "$found"

done_testing
