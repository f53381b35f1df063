#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Every libFuzzer target, run for a short time (FUZZ_SMOKE_TIME seconds,
# default 3) under ASan and UBSan from its seeds in tests/fuzz/corpus. A
# crash, a leak, a sanitizer report or a broken property fails the
# target's point and shows the end of its log; the crashing input is kept
# in the build directory. `make fuzz` runs the same targets for longer.
. "$(dirname "$0")/../lib.sh"

fuzz_dir=$REPO_DIR/build/fuzz/fuzz
secs=${FUZZ_SMOKE_TIME:-3}
found=0
for src in "$TESTS_DIR"/fuzz/*.c; do
	name=$(basename "$src" .c)
	bin=$fuzz_dir/$name
	found=$((found + 1))
	if [ ! -x "$bin" ]; then
		tap_result 1 "fuzz target $name is built (run make fuzz-build)"
		continue
	fi
	work=$TEST_TMP/$name
	mkdir -p "$work/corpus"
	dict=
	[ -f "$TESTS_DIR/fuzz/$name.dict" ] && dict=-dict=$TESTS_DIR/fuzz/$name.dict
	(cd "$work" && "$bin" -max_total_time="$secs" -print_final_stats=1 \
		-rss_limit_mb=2048 $dict corpus "$TESTS_DIR/fuzz/corpus/$name" \
		>"$work/log" 2>&1)
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
	if [ $rc -eq 0 ]; then
		tap_result 0 "fuzz $name: ${runs:-?} runs in ${secs}s, no fault"
	else
		tap_result 1 "fuzz $name: exit $rc"
		tail -n 30 "$work/log" | sed 's/^/#   /'
		mkdir -p "$REPO_DIR/build/fuzz/crashes"
		cp "$work"/crash-* "$work"/leak-* "$work"/timeout-* \
			"$REPO_DIR/build/fuzz/crashes/" 2>/dev/null
	fi
done
[ $found -gt 0 ] || tap_result 1 "there are fuzz targets"
done_testing
