#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Run TAP test programs through prove and end with one line of our own:
# "N passed, N failed", counting test points. A program that dies, exits
# non-zero with every point passing, or breaks its plan counts as one
# failure more, so a crash can never look like a pass. Exits non-zero on
# any failure.
#
# usage: tests/run.sh TEST...

set -u
if [ $# -eq 0 ]; then
	echo "tests/run.sh: no tests given" >&2
	exit 2
fi

log=${TMPDIR:-/tmp}/postie-tests.$$.log
trap 'rm -f "$log"' EXIT INT TERM

# Each test gets a time limit so that a hang is a failure, not a stuck CI.
PROVE_TIMEOUT=${PROVE_TIMEOUT:-600}
export PROVE_TIMEOUT

prove -v --exec "$(dirname "$0")/with-timeout.sh" "$@" >"$log" 2>&1
rc=$?
cat "$log"

awk -v rc="$rc" '
	/^Test Summary Report/ { summary = 1 }
	!summary && /^(not )?ok [0-9]/ {
		if ($1 == "not" && $0 !~ /# *TODO/) failed++; else passed++
	}
	# In the summary, every file listed that failed no point of its own
	# (crash, bad plan, non-zero exit) counts once.
	summary && /\(Wstat: [0-9]+.* Tests: [0-9]+ Failed: [0-9]+\)/ {
		n = $0; sub(/.*Failed: /, "", n); sub(/\).*/, "", n)
		if (n + 0 == 0) failed++
	}
	summary && /^  Parse errors:/ { parse_err++ }
	END {
		if (rc != 0 && failed == 0) failed = 1
		printf "%d passed, %d failed\n", passed, failed
		exit(failed ? 1 : 0)
	}' "$log"
