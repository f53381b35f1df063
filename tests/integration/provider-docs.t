#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The provider pages in doc/providers/: one for every preset of the
# table, each naming the preset's own servers, and each sample section a
# dotfile that `postie config check` accepts with the preset applied.

. "$(dirname "$0")/../lib.sh"

[ -x "$POSTIE" ] || bail "no postie binary at $POSTIE"
DOCS=$TESTS_DIR/../doc/providers
export HOME="$TEST_TMP/home"
unset XDG_CONFIG_HOME
mkdir -p "$HOME"

# The presets, read from the table itself so that a new one without a
# page fails here.
presets=$(sed -n 's/^	{ "\([a-z0-9]*\)", "[^"]*", "\([^"]*\)", [0-9]*,.*/\1 \2/p' \
	"$TESTS_DIR/../src/config/preset.c")
n=$(printf '%s\n' "$presets" | grep -c .)
ok "the preset table lists 13 presets or more ($n)" test "$n" -ge 13

# (a redirect, not a pipe: the loop must count its test points here)
printf '%s\n' "$presets" >"$TEST_TMP/presets"
while read -r name imap; do
	page=$DOCS/$name.md
	if [ ! -f "$page" ]; then
		tap_result 1 "$name: doc/providers/$name.md exists"
		continue
	fi
	like "$(cat "$page")" "| IMAP | $imap:" "$name: the page names $imap"
	grep -q "(\`$name\`\|$name.md)" "$DOCS/README.md"
	tap_result $? "$name: listed in doc/providers/README.md"
	awk '/^```ini/{f=1;next}/^```/{f=0}f' "$page" >"$TEST_TMP/$name.rc"
	chmod 600 "$TEST_TMP/$name.rc"
	out=$("$POSTIE" -F "$TEST_TMP/$name.rc" config check 2>&1)
	is "$?" 0 "$name: the sample section passes config check"
	like "$out" "receive = imaps://" "$name: with a receiving server"
done <"$TEST_TMP/presets"

done_testing
