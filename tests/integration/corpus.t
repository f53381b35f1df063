#!/bin/sh
# SPDX-License-Identifier: ISC
#
# `postie cat` over the public MIME corpus, scored field by field against
# the reference reading (compare_cat.py). Subjects and From lines must
# agree on 99.5 % of the scored messages, bodies on 97 %, and no message
# may crash the reader, time out or trip a sanitizer. Files listed in
# corpus-exceptions.txt are ones where the reference is wrong; they are
# reported but not counted against us.

. "$(dirname "$0")/../lib.sh"

CORPUS=$REPO_DIR/../shared/corpus
EXCEPTIONS=$TESTS_DIR/integration/corpus-exceptions.txt

if [ ! -d "$CORPUS/reference" ]; then
	bail "the corpus is missing: no directory $CORPUS/reference"
fi
if ! command -v python3 >/dev/null 2>&1; then
	bail "python3 is needed to score the corpus"
fi

out=$TEST_TMP/score.txt
python3 "$CORPUS/reference/compare_cat.py" \
	"$CORPUS/reference/expected.jsonl" --root "$CORPUS" \
	--show-failures 10000 -- "$POSTIE" cat >"$out" 2>"$TEST_TMP/err.txt"
rc=$?
is "$rc" 0 "compare_cat.py ran"
if [ "$rc" -ne 0 ] || ! tail -n 1 "$out" | grep -q '^{'; then
	diag "$(tail -n 20 "$TEST_TMP/err.txt")"
	bail "compare_cat.py gave no summary"
fi
summary=$(tail -n 1 "$out")
diag "$summary"

# Failures not explained by an exception entry (file<TAB>field).
unexplained=$TEST_TMP/unexplained.txt
: >"$unexplained"
grep -v '^{' "$out" | while IFS='	' read -r file field rest; do
	[ -n "$file" ] || continue
	if [ -f "$EXCEPTIONS" ] &&
	    grep -q "^${file}	${field}	" "$EXCEPTIONS"; then
		continue
	fi
	printf '%s\t%s\t%s\n' "$file" "$field" "$rest" >>"$unexplained"
done
[ -s "$unexplained" ] && diag "$(head -n 40 "$unexplained")"

# The score with excepted files counted as agreeing.
check=$(python3 - "$out" "$unexplained" <<'PY'
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
s = json.loads(lines[-1])
bad = {"subject": 0, "from": 0, "body": 0}
for l in open(sys.argv[2], encoding="utf-8"):
    f = l.split("\t")
    if len(f) > 1 and f[1] in bad:
        bad[f[1]] += 1
goal = {"subject": 99.5, "from": 99.5, "body": 97.0}
for k in ("subject", "from", "body"):
    of = s[k]["of"]
    pct = 100.0 * (of - bad[k]) / of if of else 0.0
    print("%s %d %d %.1f %s" % (k, of - bad[k], of, pct,
                                 "ok" if of and pct >= goal[k] else "low"))
print("crashes %d" % s["crashes"])
print("timeouts %d" % s["timeouts"])
print("sanitizer %d" % s["sanitizer"])
PY
)
diag "$check"
for k in subject from body; do
	line=$(printf '%s\n' "$check" | grep "^$k ")
	case $line in
	*" ok") ok "$k agreement meets the goal ($line)" true ;;
	*) ok "$k agreement meets the goal ($line)" false ;;
	esac
done
for k in crashes timeouts sanitizer; do
	is "$(printf '%s\n' "$check" | sed -n "s/^$k //p")" 0 "no $k"
done
done_testing
