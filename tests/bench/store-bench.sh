#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Build and run the store benchmark (store-bench.c beside this script)
# against the release build of libstore and libbase.
#
#   tests/bench/store-bench.sh [N]     N summaries, 100000 by default

set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
B=$top/build/release
cd "$top"
make -s build/release/lib/libstore.a build/release/lib/libbase.a >&2
mkdir -p "$B/bench"
# shellcheck disable=SC2046
${CC:-cc} -std=c17 -O2 -g -D_GNU_SOURCE -Iinclude \
	$(pkg-config --cflags sqlite3) -o "$B/bench/store-bench" \
	tests/bench/store-bench.c "$B/lib/libstore.a" "$B/lib/libbase.a" \
	$(pkg-config --libs sqlite3) -lpthread
exec "$B/bench/store-bench" "${1:-100000}"
