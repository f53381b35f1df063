# SPDX-License-Identifier: ISC
#
# The account the viewer-*.t tests read: a Maildir of their own, made in
# $TEST_TMP, with a message whose parts carry hostile names (hostile-43,
# hostile-44), a hostile Content-Type parameter (hostile-45), links, a
# base64 part of known size, three levels of quoting and headers past the
# common ones. Sourced after lib.sh and tui.sh; sets $D, $HOME and the
# XDG directories, and writes $D/postierc (more [ui] lines may follow in
# $VIEWER_UI before it is sourced).

D=$TEST_TMP/v
mkdir -p "$D/Maildir/cur" "$D/Maildir/new" "$D/Maildir/tmp" "$D/home" \
	"$D/home/Downloads" "$D/out"
export HOME="$D/home" XDG_CACHE_HOME="$D/cache" XDG_DATA_HOME="$D/data"
export XDG_STATE_HOME="$D/state" XDG_CONFIG_HOME="$D/config"
export MAILCAPS="$D/mailcap" TMPDIR="$D/tmp"
mkdir -p "$TMPDIR"

cat >"$D/postierc" <<RC
[ui]
folder-width = 0
confirm-quit = no
${VIEWER_UI:-}

[account "v"]
address = me@postie.example
receive = maildir:Maildir
RC
chmod 600 "$D/postierc"

python3 - "$D/Maildir/cur" <<'PY'
import base64, sys
d = sys.argv[1]
blob = bytes(range(256)) * 4 + b"tail"          # 1028 bytes decoded
b64 = base64.encodebytes(blob).decode()
msg = (
    "From: Alice <alice@example.com>\n"
    "To: Me <me@postie.example>\n"
    "Reply-To: Desk <desk@example.com>\n"
    "Subject: Parts and links\n"
    "Date: Mon, 02 Nov 2026 10:00:00 +0000\n"
    "Message-ID: <parts@example.com>\n"
    "X-Mailer: HostileMailer 1.0\n"
    "MIME-Version: 1.0\n"
    "Content-Type: multipart/mixed; boundary=\"BB\"\n"
    "\n"
    "--BB\n"
    "Content-Type: text/plain; charset=utf-8\n"
    "\n"
    "See https://example.com/a, and (http://example.org/wiki/Foo_(bar)).\n"
    "Write to mailto:desk@example.com or fetch ftp://ftp.example.net/f.txt.\n"
    "\n"
    "> one level\n"
    "> > two levels\n"
    "> > > three levels\n"
    "--BB\n"
    "Content-Type: text/plain; charset=utf-8\n"
    "Content-Disposition: attachment; filename=\"../../.bashrc\"\n"
    "\n"
    "echo pwned\n"
    "--BB\n"
    "Content-Type: application/pdf\n"
    "Content-Disposition: attachment; filename=\"\x1b]0;x\x07.pdf\"\n"
    "Content-Transfer-Encoding: base64\n"
    "\n"
    + base64.encodebytes(b"%PDF-1.4 fake\n").decode() +
    "--BB\n"
    "Content-Type: application/octet-stream\n"
    "Content-Disposition: attachment; filename*=UTF-8''evil%E2%80%AEgpj.exe\n"
    "Content-Transfer-Encoding: base64\n"
    "\n"
    + b64 +
    "--BB\n"
    "Content-Type: application/x-hostile; name=\"$(touch${IFS}PWNED)`touch PWNED2`'\"\n"
    "Content-Disposition: attachment; filename=\"h.bin\"\n"
    "\n"
    "hostile\n"
    "--BB\n"
    "Content-Type: text/html; charset=utf-8\n"
    "Content-Disposition: attachment; filename=\"page.html\"\n"
    "\n"
    "<p>Hello <a href=\"https://example.com/html-target\">the site</a></p>\n"
    "--BB--\n"
)
with open(d + "/1793000000.M1P1Q1.v:2,S", "w", newline="\n") as f:
    f.write(msg)
PY
