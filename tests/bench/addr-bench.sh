#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Address completion over an account of N summaries (100,000 by
# default): the bulk insert that counts the addresses, the upgrade that
# counts them in an older index, and the time of each keystroke through
# the address book (tests/tools/addr-bench.c), on the release build.
#
#   tests/bench/addr-bench.sh [N]

set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
make -s build/release/tools/addr-bench >&2
exec build/release/tools/addr-bench "${1:-100000}"
