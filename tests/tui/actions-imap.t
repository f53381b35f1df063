#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The actions of the index on an IMAP account of the lab's real Dovecot,
# checked on the server by a second client (Python's imaplib): d moves a
# message to the \Trash folder; in Trash d marks \Deleted and $ expunges
# it; s moves to a Chinese-named folder that does not exist yet (asked,
# created, moved); C copies into "Work/2026"; three tagged messages move
# with ; s; the limit with from:, subject: in Chinese, has:attachment, a
# date range, and body: answered from a cached body and by the server's
# UID SEARCH for bodies not downloaded; a thread folds with z; the
# folder list shows "2026" under "Work" and folds it.

. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/lab/lab.sh"
. "$TESTS_DIR/tui/tui.sh"

command -v tmux >/dev/null || bail "tmux is not installed (make deps)"
lab_start "$TEST_TMP/lab" ||
	{ sleep 3; lab_start "$TEST_TMP/lab"; } ||
	bail "cannot start the mail lab"
PY=${LAB_PYTHON:-python3}

export HOME="$TEST_TMP/home" XDG_CACHE_HOME="$TEST_TMP/cache"
export XDG_DATA_HOME="$TEST_TMP/data" XDG_STATE_HOME="$TEST_TMP/state"
export POSTIE_TIMEOUT=30
mkdir -p "$HOME"

cat >"$TEST_TMP/rc" <<RC
[ui]
	confirm-quit = no
	sort = thread
[account "lab"]
	address = alice@lab.test
	receive = imaps://127.0.0.1:$LAB_IMAPS_PORT
	user = alice
	password = $LAB_PASS_alice
	ca-file = $LAB_CA
	poll = 0
RC
chmod 600 "$TEST_TMP/rc"

# Alice's INBOX, written into her Maildir: Chinese and English senders
# and subjects, a thread of three, an attachment, words in the bodies.
"$PY" - "$LAB_MAILDIR_alice" <<'PY'
import base64, os, sys
md = sys.argv[1]
for d in ("cur", "new", "tmp"):
    os.makedirs(os.path.join(md, d), exist_ok=True)
def b(s):
    return "=?UTF-8?B?%s?=" % base64.b64encode(s.encode()).decode()
msgs = [
    ("李娜 <lina@163.com>", "项目评审安排", "2026-11-02", "<a1@x>", None,
     "plain", "下周三下午两点开会，请准备演示材料。"),
    ("Bob Smith <bob@example.com>", "Quarterly numbers", "2026-11-05",
     "<a2@x>", None, "plain", "The spreadsheet is attached below, zebra."),
    ("王芳 <wf@126.com>", "周末爬山", "2026-11-07", "<t1@x>", None,
     "plain", "这周六去香山爬山。"),
    ("吴磊 <wl@qq.com>", "Re: 周末爬山", "2026-11-08", "<t2@x>", "<t1@x>",
     "plain", "我去！"),
    ("孙丽 <sl@qq.com>", "Re: 周末爬山", "2026-11-09", "<t3@x>", "<t2@x>",
     "plain", "我带水果。"),
    ("赵敏 <zm@163.com>", "报销单和发票", "2026-11-10", "<a3@x>", None,
     "attach", "附件是发票，请审批。"),
    ("Carol <carol@example.org>", "Lunch", "2026-11-12", "<a4@x>", None,
     "plain", "Noodles on Thursday? giraffe"),
    ("Dan <dan@example.org>", "Old news", "2026-11-14", "<a5@x>", None,
     "plain", "Nothing to see, giraffe again."),
]
for i, (frm, subj, date, mid, irt, kind, body) in enumerate(msgs, 1):
    y, m, d = date.split("-")
    mon = ["Jan","Feb","Mar","Apr","May","Jun","Jul","Aug","Sep","Oct",
           "Nov","Dec"][int(m) - 1]
    name, addr = frm.rsplit(" ", 1)
    h = ["From: %s %s" % (b(name), addr), "To: alice@lab.test",
         "Subject: %s" % b(subj), "Date: %s %s %s 10:00:00 +0000" % (d, mon, y),
         "Message-ID: %s" % mid, "MIME-Version: 1.0"]
    if irt:
        h += ["In-Reply-To: %s" % irt, "References: %s" % irt]
    text = base64.b64encode(body.encode()).decode()
    if kind == "plain":
        h += ["Content-Type: text/plain; charset=utf-8",
              "Content-Transfer-Encoding: base64"]
        data = "\r\n".join(h) + "\r\n\r\n" + text + "\r\n"
    else:
        h += ['Content-Type: multipart/mixed; boundary="b1"']
        data = ("\r\n".join(h) + "\r\n\r\n--b1\r\n"
                "Content-Type: text/plain; charset=utf-8\r\n"
                "Content-Transfer-Encoding: base64\r\n\r\n" + text +
                "\r\n--b1\r\nContent-Type: application/pdf\r\n"
                "Content-Disposition: attachment; filename=\"fp.pdf\"\r\n"
                "Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQK\r\n"
                "--b1--\r\n")
    with open(os.path.join(md, "cur", "17%08d.M%dP1.lab:2,S" % (i, i)),
              "wb") as f:
        f.write(data.encode())
PY
chown -R "${LAB_MAIL_USER:-mail}:" "$LAB_MAILDIR_alice" 2>/dev/null

# imap MAILBOX... on the server, as a second client: per folder (UTF-8
# name) "NAME COUNT DELETED" where DELETED counts \Deleted messages
imap() {
	"$PY" - "$@" <<'PY'
import base64, imaplib, os, ssl, sys
def enc(s):
    out, buf = "", ""
    def flush():
        nonlocal out, buf
        if buf:
            b = base64.b64encode(buf.encode("utf-16-be")).decode()
            out += "&" + b.rstrip("=").replace("/", ",") + "-"
            buf = ""
    for ch in s:
        if 0x20 <= ord(ch) < 0x7f:
            flush()
            out += "&-" if ch == "&" else ch
        else:
            buf += ch
    flush()
    return out
ctx = ssl.create_default_context(cafile=os.environ["LAB_CA"])
m = imaplib.IMAP4_SSL("127.0.0.1", int(os.environ["LAB_IMAPS_PORT"]),
                      ssl_context=ctx)
m.login("alice", os.environ["LAB_PASS_alice"])
for name in sys.argv[1:]:
    typ, data = m.select('"%s"' % enc(name), readonly=True)
    if typ != "OK":
        print(name, "missing", 0)
        continue
    n = int(data[0])
    d = len(m.uid("SEARCH", "DELETED")[1][0].split())
    print(name, n, d)
m.logout()
PY
}
# until the screen has a line matching the extended regex RE
wait_re() {
	end=$(( $(date +%s) + ${2:-20} ))
	while ! tui_screen | grep -qE -- "$1"; do
		if [ "$(date +%s)" -ge "$end" ]; then
			diag "waited for /$1/"
			tui_screen | sed 's/^/#   | /'
			return 1
		fi
		sleep 0.1
	done
}
# until imap "$1" prints "$1 $2 $3"
server_has() {
	i=0
	while [ "$(imap "$1")" != "$1 $2 $3" ]; do
		i=$((i + 1))
		[ $i -ge 50 ] && { diag "server: $(imap "$1")"; return 1; }
		sleep 0.2
	done
}

tui_start 120 40 -F "$TEST_TMP/rc"
ok "INBOX from the server" tui_wait "postie: lab | INBOX | 8 messages" 30
ok "the thread is drawn" tui_wait "└─>Re: 周末爬山"
ok "Trash in the folder list" tui_wait " Trash"
tui_gone "| syncing" 30

# --- d: to the \Trash folder, seen on the server ---------------------------
tui_keys G
ok "on the newest" tui_wait_sel "Old news"
tui_keys d
ok "d: the row goes at once" tui_gone "Old news" 5
ok "d: Trash counts it (synced after the move)" wait_re " Trash +1│"
ok "the server: INBOX has 7" server_has INBOX 7 0
ok "the server: Trash has it" server_has Trash 1 0

# --- in Trash: d marks \Deleted, $ expunges -----------------------------------
tui_keys c Trash Enter
ok "Trash opens" tui_wait "postie: lab | Trash | 1 message"
tui_keys d
ok "d in Trash marks it" tui_wait "1 message marked deleted"
ok "the server: \\Deleted set" server_has Trash 1 1
tui_keys '$'
ok "\$: expunged" tui_wait "Trash | 0 messages" 20
ok "the server: Trash is empty" server_has Trash 0 0
tui_keys c INBOX Enter
ok "back to INBOX" tui_wait "postie: lab | INBOX | 7 messages"

# --- s to a Chinese-named folder that does not exist ------------------------------
tui_keys g
ok "on the first" tui_wait_sel "项目评审安排"
tui_keys s
tui_keys 归档 Enter
ok "s: asks to create the folder" \
	tui_wait "Folder '归档' does not exist; create it? (y/n)"
tui_keys y
ok "s: created and moved" wait_re " 归档 +1│"
ok "the server: 归档 has it" server_has 归档 1 0
ok "the server: INBOX has 6" server_has INBOX 6 0
ok "the folder list shows 归档" tui_wait " 归档" 20

# --- tags: three move in one request ---------------------------------------------
tui_keys g t t t
ok "three tagged" tui_wait "| 3 tagged"
tui_keys '\;' s
ok "; s asks for the tagged" tui_wait "Move tagged to folder:"
tui_keys Work Enter
tui_wait "create it? (y/n)" >/dev/null
tui_keys y
ok "; s: three moved" wait_re " Work +3│"
ok "the server: Work has 3" server_has Work 3 0
ok "the server: INBOX has 3" server_has INBOX 3 0

# --- C copies into a child folder ---------------------------------------------------
tui_keys g
tui_keys C
tui_keys Work/2026 Enter
tui_wait "create it? (y/n)" >/dev/null
tui_keys y
ok "C: copied" wait_re "   2026 +1│"
ok "the server: Work/2026 has the copy" server_has Work/2026 1 0
ok "the server: INBOX still has 3" server_has INBOX 3 0

# --- the folder tree --------------------------------------------------------------
tui_keys '$'
tui_gone "| syncing" 30
ok "Work in the list" tui_wait " ▾Work" 20
ok "2026 nested under Work" tui_wait "   2026"
tui_keys Tab
n=$(tui_screen | cut -c1-22 | grep -n ' ▾Work' | cut -d: -f1)
for i in 1 2 3 4 5 6 7 8 9 10; do tui_keys k; done
for i in $(seq 3 "$n"); do tui_keys j; done
tui_keys Space
ok "Space folds Work" tui_wait " ▸Work"
ok "2026 is hidden" tui_gone "   2026" 5
tui_keys Space
ok "Space unfolds it" tui_wait "   2026"
tui_keys Tab

# --- TRYCREATE: a folder the screen knows, gone from the server ----------------------
"$PY" - <<'PY'
import imaplib, os, ssl
ctx = ssl.create_default_context(cafile=os.environ["LAB_CA"])
m = imaplib.IMAP4_SSL("127.0.0.1", int(os.environ["LAB_IMAPS_PORT"]),
                      ssl_context=ctx)
m.login("alice", os.environ["LAB_PASS_alice"])
assert m.delete("Work/2026")[0] == "OK"
m.logout()
PY
tui_keys g C
tui_keys Work/2026 Enter
ok "hostile-16: NO [TRYCREATE] becomes a question" \
	tui_wait "Folder 'Work/2026' does not exist; create it? (y/n)" 20
tui_keys y
ok "hostile-16: created and copied on the one retry" \
	server_has Work/2026 1 0

# --- the limit on Work (3 messages, bodies not downloaded) ---------------------------
tui_keys c Work Enter
ok "Work opens" tui_wait "postie: lab | Work | 3 messages" 20
tui_keys l from:Bob Enter
ok "limit from:" tui_wait "limit: from:Bob (1 of 3)"
tui_keys l subject:爬山 Enter
ok "limit subject: in Chinese" tui_wait "limit: subject:爬山 (2 of 3)"
tui_keys l all Enter
tui_keys c INBOX Enter
ok "INBOX" tui_wait "postie: lab | INBOX | 3 messages"
tui_keys l subject:报销 Enter
ok "limit subject: in Chinese, in INBOX" \
	tui_wait "limit: subject:报销 (1 of 3)"
tui_keys l all Enter
tui_keys l has:attachment Enter
ok "limit has:attachment" tui_wait "limit: has:attachment (1 of 3)"
ok "the invoice" tui_wait_sel "报销单和发票"
tui_keys l date:2026-11-10..2026-11-12 Enter
ok "limit date range" tui_wait "limit: date:2026-11-10..2026-11-12 (2 of 3)"
tui_keys l all Enter
# body: the server answers for bodies not downloaded
tui_keys l body:giraffe Enter
ok "limit body: asks the server and shows its answer" \
	tui_wait "limit: body:giraffe (1 of 3)" 20
ok "body: the message whose body has it" tui_wait_sel "Lunch"
ok "the server's answer is in" tui_gone "asking the server" 20
# open it: its body is cached, with its text in the full-text index
tui_keys Enter
ok "the body is fetched" tui_wait "Noodles on Thursday" 20
tui_keys q
tui_keys l body:noodles Enter
ok "limit body: from the cached body" tui_wait "limit: body:noodles (1 of 3)" 20

# --- thread folding --------------------------------------------------------------------
tui_keys c Work Enter
tui_keys l all Enter
ok "Work again" tui_wait "postie: lab | Work | 3 messages"
tui_keys g
tui_keys / 爬山 Enter
tui_keys z
ok "z folds the thread" tui_wait "(+1) 周末爬山"
tui_keys z
ok "z unfolds it" tui_wait "└─>Re: 周末爬山"

tui_keys q
ok "quit" tui_wait "postie exited: 0" 10

done_testing
