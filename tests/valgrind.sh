#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Run the unit-test binaries and the integration tests under valgrind
# (memcheck): every invalid read or write, use of uninitialised memory,
# bad free and definite leak is an error. Each unit binary runs under
# valgrind directly; for the integration tests $POSTIE is a small
# wrapper that runs the real binary under valgrind with one log file per
# process, and those logs are read at the end, so that an error in a run
# whose exit status a test ignores is still counted. Prints the tests'
# own results, then "valgrind: N processes, N with errors" and the first
# report of each; exits non-zero when valgrind found an error. Test
# failures alone are reported but do not fail the run: under valgrind
# the tests that measure speed fail by design, and the ordinary run
# (make check) is the judge of behaviour.
#
# usage: tests/valgrind.sh BUILD_DIR UNIT_TEST... -- INTEGRATION_TEST...
#
# Slow (valgrind costs 20 to 50 times the CPU), so not part of make
# check. VALGRIND_KEEP=1 keeps the logs; they are under
# $TMPDIR/postie-valgrind.PID otherwise removed.

set -u
if [ $# -lt 1 ]; then
	echo "usage: tests/valgrind.sh BUILD_DIR UNIT... -- TEST..." >&2
	exit 2
fi
build=$1
shift
command -v valgrind >/dev/null 2>&1 ||
	{ echo "valgrind: not installed (make deps)" >&2; exit 2; }

VG_DIR=${TMPDIR:-/tmp}/postie-valgrind.$$
mkdir -p "$VG_DIR/logs" || exit 2
[ "${VALGRIND_KEEP:-0}" = 1 ] || trap 'rm -rf "$VG_DIR"' EXIT
trap 'exit 130' INT TERM

VG_OPTS="--error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite
	--show-leak-kinds=definite --track-origins=yes --num-callers=30
	--child-silent-after-fork=yes
	--suppressions=$(cd "$(dirname "$0")" && pwd)/valgrind.supp"

units=""
while [ $# -gt 0 ] && [ "$1" != -- ]; do
	units="$units $1"
	shift
done
[ $# -gt 0 ] && shift

rc=0
tests_failed=0
# Unit tests: each binary under valgrind; prove sees its TAP and exit.
if [ -n "$units" ]; then
	cat >"$VG_DIR/unit-exec" <<EOF2
#!/bin/sh
exec valgrind $(echo $VG_OPTS) --log-file="$VG_DIR/logs/unit.%p.log" "\$@"
EOF2
	chmod +x "$VG_DIR/unit-exec"
	# shellcheck disable=SC2086
	prove --exec "$VG_DIR/unit-exec" $units || tests_failed=1
fi

# Integration tests with $POSTIE under valgrind.
if [ $# -gt 0 ]; then
	real=$(cd "$(dirname "$build/postie")" && pwd)/postie
	# A run that a crash point kills (POSTIE_CRASHPOINT, the crash-*
	# tests) holds memory in flight by design: its leaks are not
	# findings, its invalid accesses still are.
	cat >"$VG_DIR/postie" <<EOF2
#!/bin/sh
leak=
[ -n "\${POSTIE_CRASHPOINT:-}" ] && leak=--leak-check=no
exec valgrind $(echo $VG_OPTS) \$leak \\
	--log-file="$VG_DIR/logs/postie.%p.log" "$real" "\$@"
EOF2
	chmod +x "$VG_DIR/postie"
	# Slower servers' answers are fine; a slower postie needs more time.
	POSTIE="$VG_DIR/postie" POSTIE_BUILD="$build" PROVE_TIMEOUT=1800 \
		sh "$(dirname "$0")/run.sh" "$@" || tests_failed=1
fi

# Every process's log: an error summary above zero is a finding.
n=0 bad=0
for f in "$VG_DIR"/logs/*.log; do
	[ -e "$f" ] || continue
	n=$((n + 1))
	if grep -q 'ERROR SUMMARY: [1-9]' "$f"; then
		bad=$((bad + 1))
		if [ $bad -le 10 ]; then
			echo "### $(basename "$f"): $(grep -m1 'Command:' "$f")"
			# each report: its first line up to the blank one
			pat='Invalid\|uninitialised\|definitely lost in'
			pat="$pat\\|Mismatched free\\|overlap"
			sed -n "/^==[0-9]*== .*\($pat\)/,/^==[0-9]*== \$/p" \
				"$f" | head -40
		fi
	fi
done
echo "valgrind: $n processes, $bad with errors"
[ $tests_failed -eq 0 ] ||
	echo "valgrind: some tests failed under valgrind (see above; those" \
		"that time themselves are expected to)"
[ $bad -eq 0 ] || rc=1
exit $rc
