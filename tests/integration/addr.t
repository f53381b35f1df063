#!/bin/sh
# SPDX-License-Identifier: ISC
#
# postie addr, the address book from the command line, over the demo
# Maildir account after a real sync: addresses seen in From, To and Cc
# (Sent first, Junk left out), the default aliases file with a bad line
# named FILE:LINE, --expand, a query command from the dotfile (heading
# skipped, control characters gone), and a hostile From whose name hides
# a line break and an escape sequence (hostile-32, hostile-42, hostile-43).

. "$(dirname "$0")/../lib.sh"

D=$TEST_TMP/demo
mkdir -p "$D"
cp -R "$REPO_DIR/tests/demo/Maildir" "$REPO_DIR/tests/demo/postierc" "$D/"
export HOME="$TEST_TMP/home" XDG_CACHE_HOME="$TEST_TMP/cache"
export XDG_DATA_HOME="$TEST_TMP/data" XDG_STATE_HOME="$TEST_TMP/state"
export XDG_CONFIG_HOME="$TEST_TMP/config"
mkdir -p "$HOME" "$XDG_CONFIG_HOME/postie"
TAB=$(printf '\t')
ESC=$(printf '\033')
CR=$(printf '\r')

# A From whose encoded name decodes to a CR LF, a fake header, an escape
# sequence and a bidi override.
evil=$(printf 'Evil\r\nBcc: spy@x.example \033[31mred\342\200\256' |
	base64 | tr -d '\n')
printf 'From: =?UTF-8?B?%s?= <evil@hostile.example>\nTo: demo@postie.example\nSubject: hi\n\nhi\n' \
	"$evil" >"$D/Maildir/new/1700000000.evil.host"

# A query command as khard and abook are: a heading, then
# address<TAB>name<TAB>other, the typed text last.
cat >"$D/query.sh" <<'EOF'
#!/bin/sh
for a; do last=$a; done
echo "Searching for $last"
case $last in qq*)
	printf 'qq-friend@qq.com\t\346\234\213\345\217\213\033]0;title\007\tfriends\n'
	printf 'not an address\tBad\n' ;;
esac
EOF
chmod 700 "$D/query.sh"
# [ui] is the first section of the demo dotfile.
sed -i "/^\[ui\]/a query-command = $D/query.sh --mutt-query" "$D/postierc"
chmod 600 "$D/postierc"

out=$("$POSTIE" -F "$D/postierc" sync 2>&1)
is "$?" 0 "sync of the demo account"

out=$("$POSTIE" -F "$D/postierc" addr -n 50 '' 2>&1)
is "$?" 0 "addr with nothing typed lists addresses"
like "$(echo "$out" | head -1)" "postie: " "a heading first (mutt's format)"
top=$(echo "$out" | sed -n '2,3p')
like "$top" "lina@163.com${TAB}李娜${TAB}seen" "written to from Sent: first"
like "$top" "maria@example.com${TAB}Maria Lopez${TAB}seen" \
	"both people written to come first"
unlike "$out" "win@prize.example" "a sender only in Junk is not offered"

out=$("$POSTIE" -F "$D/postierc" addr 吴 2>&1)
is "$out" "postie: 1 address
wulei@163.com${TAB}吴磊${TAB}seen" "a Chinese name by its first character"
out=$("$POSTIE" -F "$D/postierc" addr 'lee' 2>&1)
like "$out" "sam@example.net${TAB}Sam Lee${TAB}seen" "a word of the name"
out=$("$POSTIE" -F "$D/postierc" addr 'xyzzy-nothing' 2>&1)
is "$?" 1 "no match: status 1"

out=$("$POSTIE" -F "$D/postierc" addr evil 2>&1)
is "$?" 0 "the hostile sender is offered"
like "$out" "evil@hostile.example${TAB}Evil Bcc: spy@x.example [31mred${TAB}seen" \
	"its name is one line with the escape, CR, LF and bidi override gone"
unlike "$out" "$ESC" "no escape byte reaches the terminal (hostile-42)"
unlike "$out" "$CR" "no carriage return (hostile-32)"
is "$(echo "$out" | wc -l)" 2 "the heading and one line: no injected line"

# The default aliases file, with a bad line.
cat >"$XDG_CONFIG_HOME/postie/aliases" <<'EOF'
# family and work
alias mom 妈妈 <mom@qq.com>
alias li "Li, Na" <lina@163.com>
set sort = date
alias team li, sam@example.net, wulei@163.com
EOF
out=$("$POSTIE" -F "$D/postierc" addr mo 2>&1)
like "$out" "postie addr: $XDG_CONFIG_HOME/postie/aliases:4: not an alias command ('set'); line skipped" \
	"a bad line is named FILE:LINE on stderr"
like "$out" "mom@qq.com${TAB}妈妈${TAB}alias mom" "an alias first"
is "$(echo "$out" | grep -c 'mom@qq.com')" 1 \
	"the alias's address, also seen in mail, comes once"
out=$("$POSTIE" -F "$D/postierc" addr --expand team 2>/dev/null)
is "$out" "\"Li, Na\" <lina@163.com>, sam@example.net, wulei@163.com" \
	"--expand follows an alias in an alias and quotes a name with a comma"
"$POSTIE" -F "$D/postierc" addr --expand nosuch >/dev/null 2>&1
is "$?" 1 "--expand of a word that is no alias: status 1"

# The query command runs for two characters or more.
out=$("$POSTIE" -F "$D/postierc" addr qq 2>/dev/null)
like "$out" "qq-friend@qq.com${TAB}朋友]0;title${TAB}query" \
	"the query command's answer, heading skipped, controls gone"
unlike "$out" "not an address" "a line without an address is skipped"
unlike "$out" "$ESC" "no escape byte from the query command"
unlike "$out" "Searching" "the heading is not an address"

"$POSTIE" -F "$D/postierc" addr -n 0 x >/dev/null 2>&1
is "$?" 64 "-n 0 is a usage error"

done_testing
