# SPDX-License-Identifier: ISC
#
# TAP helpers for shell tests. Source it:
#
#	. "$(dirname "$0")/../lib.sh"
#	ok "postie runs" "$POSTIE" --version
#	is "$(printf x)" "x" "printf prints"
#	like "$out" "expected text" "says what failed"
#	done_testing
#
# $POSTIE is the binary under test (set by make check-run; the default is
# the release build). TEST_TMP is a private temporary directory, removed
# at exit (kept when KEEP_TMP=1, to look at after a failure).

set -u

TESTS_DIR=$(cd "$(dirname "$0")/.." && pwd)
REPO_DIR=$(cd "$TESTS_DIR/.." && pwd)
: "${POSTIE:=$REPO_DIR/build/release/postie}"
: "${POSTIE_BUILD:=$REPO_DIR/build/release}"
export POSTIE POSTIE_BUILD

TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/postie-test.XXXXXX")
export TEST_TMP
tap_n=0
tap_failed=0
tap_cleanups=""

# Run "$@" at exit (in reverse order of registration).
at_exit() {
	tap_cleanups="$*
$tap_cleanups"
}

tap_exit() {
	status=$?
	printf '%s\n' "$tap_cleanups" | while IFS= read -r c; do
		[ -n "$c" ] && eval "$c"
	done
	[ "${KEEP_TMP:-0}" = 1 ] || rm -rf "$TEST_TMP"
	exit $status
}
trap tap_exit EXIT
trap 'exit 130' INT TERM

tap_result() {
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_n - $2"
	else
		tap_failed=$((tap_failed + 1))
		echo "not ok $tap_n - $2"
	fi
}

diag() {
	printf '%s\n' "$*" | sed 's/^/# /'
}

# ok NAME CMD...: passes when CMD exits 0.
ok() {
	name=$1
	shift
	"$@" >"$TEST_TMP/.ok.out" 2>&1
	rc=$?
	tap_result $rc "$name"
	[ $rc -eq 0 ] || { diag "exit $rc: $*"; sed 's/^/#   /' "$TEST_TMP/.ok.out" | head -40; }
	return $rc
}

# fails NAME CMD...: passes when CMD exits non-zero.
fails() {
	name=$1
	shift
	"$@" >"$TEST_TMP/.ok.out" 2>&1
	rc=$?
	if [ $rc -ne 0 ]; then tap_result 0 "$name"; else tap_result 1 "$name"; fi
	return 0
}

# is GOT WANT NAME
is() {
	if [ "$1" = "$2" ]; then
		tap_result 0 "$3"
	else
		tap_result 1 "$3"
		diag "got:  '$1'" "want: '$2'"
	fi
}

# like GOT SUBSTRING NAME
like() {
	case "$1" in
	*"$2"*) tap_result 0 "$3" ;;
	*)
		tap_result 1 "$3"
		diag "got: '$1'"
		diag "want to contain: '$2'"
		;;
	esac
}

# unlike GOT SUBSTRING NAME
unlike() {
	case "$1" in
	*"$2"*)
		tap_result 1 "$3"
		diag "got: '$1'"
		diag "must not contain: '$2'"
		;;
	*) tap_result 0 "$3" ;;
	esac
}

# bail REASON: stop this test file here with one more failing point (not
# TAP's "Bail out!", which would stop every other test file too).
bail() {
	tap_result 1 "cannot go on: $*"
	echo "1..$tap_n"
	exit 1
}

done_testing() {
	echo "1..$tap_n"
	[ $tap_failed -eq 0 ]
}
