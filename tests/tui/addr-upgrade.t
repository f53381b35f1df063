#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The screen on an index left by the previous version (schema 2, before
# the table of addresses): the worker upgrades it while the screen
# waits, the index of the demo account shows as before, q quits, and the
# upgrade counted the addresses of the mail already there (postie addr
# offers the people written to from Sent first).

. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/tui/tui.sh"

command -v tmux >/dev/null || bail "tmux is not installed (make deps)"

D=$TEST_TMP/demo
mkdir -p "$D"
cp -R "$REPO_DIR/tests/demo/Maildir" "$REPO_DIR/tests/demo/postierc" "$D/"
chmod 600 "$D/postierc"
export HOME="$D/home" XDG_CACHE_HOME="$D/cache" XDG_DATA_HOME="$D/data"
export XDG_STATE_HOME="$D/state" XDG_CONFIG_HOME="$D/config"
mkdir -p "$HOME"
TAB=$(printf '\t')

"$POSTIE" -F "$D/postierc" sync >/dev/null 2>&1
is "$?" 0 "the demo account is synced"

# Back to what the previous version wrote: no addr table, version 2.
DB=$XDG_CACHE_HOME/postie/demo/index.db
python3 - "$DB" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.executescript("DROP TABLE addr; PRAGMA user_version = 2;")
db.close()
PY
is "$?" 0 "the index is taken back to schema 2"
ver() {
	python3 -c 'import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute("PRAGMA user_version").fetchone()[0])' "$DB"
}
is "$(ver)" 2 "it is at version 2"

tui_start 100 30 -F "$D/postierc"
ok "the index shows after the upgrade" tui_wait "Your talk was accepted" 15
ok "Chinese subjects as before" tui_wait "购票成功通知"
ok "the status line counts the folder" tui_wait "INBOX | 30 messages"
ok "the folder list is there" tui_wait "Lists.postie-dev"
tui_keys q
ok "q asks first" tui_wait "Quit postie? (y/n)"
tui_keys y
ok "q y quits" tui_wait "postie exited: 0"
is "$(ver)" 3 "the index is at version 3 now"

out=$("$POSTIE" -F "$D/postierc" addr -n 3 '' 2>&1)
like "$out" "lina@163.com${TAB}李娜${TAB}seen" \
	"the upgrade counted the mail already there"
like "$(echo "$out" | sed -n 2,3p)" "maria@example.com" \
	"people written to from Sent come first"

done_testing
