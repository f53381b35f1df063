#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The reader's numbers: `postie cat` over the whole corpus beside mblaze's
# mshow (each run once per message file, so both pay one process start per
# message), base64 and quoted-printable decoding speed, and the peak
# memory of rendering a message with a 20 MB attachment.
#
#   tests/bench/mime-bench.sh

set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
B=$top/build/release
POSTIE=${POSTIE:-$B/postie}
corpus=$top/../shared/corpus
cd "$top"
make -s "$B/postie" "$B/tools/mime-codec-bench" \
	"$B/tools/mime-render-bench" >&2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/postie-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

now() { date +%s.%N; }
calc() { awk "BEGIN { print $* }"; }

echo "== mime: postie cat over the corpus"
if [ -d "$corpus/reference" ]; then
	python3 - "$corpus" >"$tmp/files" <<'PY'
import json, os, sys
root = sys.argv[1]
seen = []
for l in open(os.path.join(root, "reference", "expected.jsonl"), encoding="utf-8"):
    f = json.loads(l)["file"]
    if f not in seen:
        seen.append(f)
for f in seen:
    print(os.path.join(root, f))
PY
	n=$(wc -l <"$tmp/files")
	size=$(tr '\n' '\0' <"$tmp/files" | xargs -0 cat | wc -c)
	t0=$(now)
	while IFS= read -r f; do
		"$POSTIE" cat "$f" >/dev/null 2>&1 || true
	done <"$tmp/files"
	t1=$(now)
	printf 'postie cat: %d files, %.1f MiB in %.2f s\n' "$n" \
		"$(calc "$size / 1048576")" "$(calc "$t1 - $t0")"
	# What of that is only starting the program (it links OpenSSL,
	# SQLite and ncurses, whose loading dominates a small message).
	t0=$(now)
	while IFS= read -r f; do
		"$POSTIE" --version >/dev/null 2>&1 || true
	done <"$tmp/files"
	t1=$(now)
	printf 'postie --version %d times: %.2f s (start-up alone)\n' "$n" \
		"$(calc "$t1 - $t0")"
	if command -v mshow >/dev/null 2>&1; then
		t0=$(now)
		while IFS= read -r f; do
			mshow "$f" >/dev/null 2>&1 || true
		done <"$tmp/files"
		t1=$(now)
		printf 'mshow:      %d files in %.2f s\n' "$n" \
			"$(calc "$t1 - $t0")"
	else
		echo "mshow: not installed (make deps installs mblaze)"
	fi
	# Without the process start-ups: all files given to one process,
	# and postie's reader alone (no output).
	t0=$(now)
	tr '\n' '\0' <"$tmp/files" |
		xargs -0 "$POSTIE" cat >/dev/null 2>&1 || true
	t1=$(now)
	printf 'postie cat with all files in one process: %.2f s\n' \
		"$(calc "$t1 - $t0")"
	if command -v mshow >/dev/null 2>&1; then
		t0=$(now)
		tr '\n' '\0' <"$tmp/files" |
			xargs -0 mshow >/dev/null 2>&1 || true
		t1=$(now)
		printf 'mshow with all files in one process: %.2f s\n' \
			"$(calc "$t1 - $t0")"
	fi
	"$B/tools/mime-render-bench" <"$tmp/files"
else
	echo "corpus missing: $corpus"
fi

echo "== mime: transfer decoding, 64 MiB"
"$B/tools/mime-codec-bench" 64

echo "== mime: peak memory rendering a message with a 20 MB attachment"
python3 - "$tmp/big.eml" <<'PY'
import base64, os, sys
data = os.urandom(20 * 1000 * 1000)
with open(sys.argv[1], "wb") as f:
    f.write(b"From: a@example.com\r\nSubject: big\r\nMIME-Version: 1.0\r\n"
            b"Content-Type: multipart/mixed; boundary=zz\r\n\r\n--zz\r\n"
            b"Content-Type: text/plain\r\n\r\nsee the attachment\r\n--zz\r\n"
            b"Content-Type: application/octet-stream; name=big.bin\r\n"
            b"Content-Transfer-Encoding: base64\r\n\r\n")
    enc = base64.encodebytes(data).replace(b"\n", b"\r\n")
    f.write(enc)
    f.write(b"--zz--\r\n")
PY
msize=$(wc -c <"$tmp/big.eml")
/usr/bin/time -v "$POSTIE" cat "$tmp/big.eml" >/dev/null 2>"$tmp/time.txt"
rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp/time.txt")
wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' \
	"$tmp/time.txt")
printf 'message %.1f MB, peak RSS %.1f MB (%.2fx the message), %s s\n' \
	"$(calc "$msize / 1000000")" "$(calc "$rss / 1000")" \
	"$(calc "$rss * 1000 / $msize")" "$wall"
mkdir "$tmp/save"
/usr/bin/time -v "$POSTIE" cat --save-attachments "$tmp/save" \
	"$tmp/big.eml" >/dev/null 2>"$tmp/time.txt"
rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp/time.txt")
printf 'with --save-attachments: peak RSS %.1f MB (%.2fx the message)\n' \
	"$(calc "$rss / 1000")" "$(calc "$rss * 1000 / $msize")"
