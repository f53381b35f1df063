#!/bin/sh
# SPDX-License-Identifier: ISC
# Run one test program under a time limit (PROVE_TIMEOUT seconds), so that
# a test that hangs fails instead of stopping the whole run.
exec timeout -k 10 "${PROVE_TIMEOUT:-600}" "$@"
