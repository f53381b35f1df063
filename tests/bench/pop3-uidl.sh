#!/bin/sh
# SPDX-License-Identifier: ISC
#
# The POP3 sync's record of downloaded messages at N entries (100,000 by
# default) when the server lists only half of them: the CPU time of the
# sync that forgets the other half (tests/tools/pop3-uidl-bench.c), on
# the release build.
#
#   tests/bench/pop3-uidl.sh [N]

set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
make -s build/release/tools/pop3-uidl-bench >&2
exec build/release/tools/pop3-uidl-bench "${1:-100000}"
