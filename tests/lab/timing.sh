#!/bin/sh
# SPDX-License-Identifier: ISC
#
# How long a lab takes to start and to stop, the figure every integration
# test pays twice. Runs N (default 5) start/stop cycles in a temporary
# directory and prints each time and the median, in milliseconds.
#
#   tests/lab/timing.sh [N]

set -u
n=${1:-5}
case $n in
'' | *[!0-9]* | 0) echo "usage: tests/lab/timing.sh [N]" >&2; exit 2 ;;
esac
lab=$(cd "$(dirname "$0")" && pwd -P)/lab.sh
tmp=$(mktemp -d "${TMPDIR:-/tmp}/postie-lab-timing.XXXXXX") || exit 1
trap 'sh "$lab" stop "$tmp/lab" >/dev/null 2>&1; rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

ms() {
	date +%s%N | cut -c1-13
}

i=0
while [ $i -lt "$n" ]; do
	i=$((i + 1))
	t0=$(ms)
	sh "$lab" start "$tmp/lab" || exit 1
	t1=$(ms)
	sh "$lab" stop "$tmp/lab" || exit 1
	t2=$(ms)
	echo "$((t1 - t0)) $((t2 - t1))"
done | awk '
	{
		s[NR] = $1; p[NR] = $2
		printf "run %d: start %d ms, stop %d ms\n", NR, $1, $2
	}
	function median(a, n,    i, j, t) {
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && a[j - 1] > a[j]; j--) {
				t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
			}
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	}
	END {
		if (NR == 0) exit 1
		printf "median of %d: start %d ms, stop %d ms\n", NR,
			median(s, NR), median(p, NR)
	}'
