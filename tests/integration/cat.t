#!/bin/sh
# SPDX-License-Identifier: ISC
#
# postie cat from the outside: the output shape, options, errors, saved
# attachment names (hostile-44) and escape sequences that must never reach
# the terminal (hostile-42, hostile-43).

. "$(dirname "$0")/../lib.sh"

esc=$(printf '\033')
m=$TEST_TMP/m.eml
printf '%s\r\n' \
	'From: =?gb2312?B?1cXI/Q==?= <zs@qq.com>' \
	'To: "Li, Si" <ls@163.com>' \
	'Subject: =?gbk?B?suLK?= =?gbk?B?1M7EvP7D+w==?= '"$esc"']0;title'"$(printf '\007')" \
	'Date: Mon, 1 Apr 2019 07:55:00 +0800' \
	'MIME-Version: 1.0' \
	'Content-Type: multipart/mixed; boundary="b"' \
	'' \
	'--b' \
	'Content-Type: text/plain; charset=gbk' \
	'Content-Transfer-Encoding: base64' \
	'' \
	'1tDOxNPKvP4=' \
	'--b' \
	'Content-Type: application/octet-stream; name="../../.bashrc"' \
	'Content-Disposition: attachment; filename="../../.bashrc"' \
	'Content-Transfer-Encoding: base64' \
	'' \
	'ZXZpbAo=' \
	'--b' \
	'Content-Type: application/pdf' \
	'Content-Disposition: attachment; filename*=utf-8'"''"'%E6%8A%A5%E5%91%8A%E2%80%AE.pdf' \
	'' \
	'%PDF' \
	'--b--' >"$m"

out=$("$POSTIE" cat "$m")
is "$?" 0 "cat exits 0"
like "$out" "From: 张三 <zs@qq.com>" "From decoded (GB2312 name)"
like "$out" "To: Li, Si <ls@163.com>" "quoted name unquoted"
like "$out" "Subject: 测试文件名 ^[]0;title^G" \
	"hostile-42: split GBK word joined, OSC shown as ^[ and ^G"
unlike "$out" "$esc" "hostile-42: no ESC byte in the output"
like "$out" "Date: Mon, 1 Apr 2019 07:55:00 +0800" "date parsed and written again"
like "$out" "
中文邮件
" "the GBK body after an empty line"
like "$out" '[3] application/pdf, 4 B, "报告<U+202E>.pdf"' \
	"hostile-43: bidi override in a file name shown escaped"
head=$(printf '%s\n' "$out" | sed '/^$/q')
unlike "$head" "parts" "the parts list is not in the header block"

all=$("$POSTIE" cat --headers all "$m")
like "$all" "MIME-Version: 1.0" "--headers all prints every field"
is "$("$POSTIE" cat --part 1 "$m")" "中文邮件" "--part 1 prints that part"
is "$("$POSTIE" cat --raw --part 2 "$m")" "evil" "--raw --part gives bytes"
is "$("$POSTIE" cat - <"$m" | sed -n 4p)" "$(printf '%s\n' "$out" | sed -n 4p)" \
	"reads standard input"

two=$("$POSTIE" cat "$m" "$m")
is "$(printf '%s\n' "$two" | grep -c '^==> .*m.eml <==$')" 2 \
	"several files: a title line before each"

mkdir "$TEST_TMP/save" "$TEST_TMP/save/sub"
echo keep >"$TEST_TMP/save/bashrc"
"$POSTIE" cat --save-attachments "$TEST_TMP/save" "$m" >/dev/null \
	2>"$TEST_TMP/save.err"
is "$?" 0 "--save-attachments exits 0"
is "$(cat "$TEST_TMP/save/bashrc")" "keep" \
	"hostile-44: an existing file is never overwritten"
is "$(cat "$TEST_TMP/save/bashrc-1")" "evil" \
	"hostile-44: '../../.bashrc' saved as bashrc-1 inside the directory"
ok "hostile-44: nothing written outside the directory" \
	test ! -e "$TEST_TMP/.bashrc"
ok "hostile-43: bidi override dropped from the saved name" \
	test -f "$TEST_TMP/save/报告.pdf"

"$POSTIE" cat "$TEST_TMP/missing.eml" >/dev/null 2>"$TEST_TMP/err"
rc=$?
ok "an unreadable file exits non-zero" test "$rc" -ne 0
like "$(cat "$TEST_TMP/err")" "cannot open '$TEST_TMP/missing.eml'" \
	"and says which file"
fails "a directory is refused" "$POSTIE" cat "$TEST_TMP"
fails "an unknown option is refused" "$POSTIE" cat --bogus "$m"
fails "a part that does not exist is an error" "$POSTIE" cat --part 9 "$m"

# hostile-36/37: deep nesting and an unclosed boundary end quickly
deep=$TEST_TMP/deep.eml
i=0
while [ $i -lt 1000 ]; do
	printf 'Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n' $i $i
	i=$((i + 1))
done >"$deep"
printf 'Content-Type: text/plain\n\ndeep text\n' >>"$deep"
out=$("$POSTIE" cat "$deep")
is "$?" 0 "hostile-36: 1 000 nested multiparts render"
like "$out" "nesting or part limits reached" "hostile-36: the limit is said"

printf 'Subject: x\n\nHello\nbegin 644 a.txt\n#86)C\n`\nend\nBye\n' >"$TEST_TMP/uu.eml"
out=$("$POSTIE" cat "$TEST_TMP/uu.eml")
like "$out" "[uuencoded file: part 2]" \
	"hostile-38: uuencoded file in text/plain replaced by a line"
like "$out" '[2] application/octet-stream, 3 B, "a.txt"' \
	"hostile-38: and listed as a part"
printf 'From a@b Mon Jan  2 15:04:05 2006\nSubject: one\n\nfirst\n\nFrom time to time\n\nFrom c@d Mon Jan  2 16:04:05 2006\nSubject: two\n\nsecond\n' >"$TEST_TMP/box"
out=$("$POSTIE" cat "$TEST_TMP/box")
like "$out" "From time to time" "mbox: 'From time to time' in a body is text"
unlike "$out" "second" "mbox: the next message is not shown as body"
like "$out" "only its first message is shown" "mbox: and that is said"
done_testing
