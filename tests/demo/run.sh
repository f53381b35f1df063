#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Start postie on the demo account in a fresh temporary directory: a copy
# of the demo Maildir and dotfile, with HOME and the XDG directories
# inside it, so that every key can be tried and nothing outside changes.
# The directory is removed when postie ends; POSTIE_DEMO_KEEP=1 keeps it.
#
# usage: tests/demo/run.sh POSTIE-BINARY [POSTIE-OPTIONS]
set -eu

bin=${1:?usage: run.sh POSTIE-BINARY [POSTIE-OPTIONS]}
shift
here=$(cd "$(dirname "$0")" && pwd)
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
tmp=$(mktemp -d "${TMPDIR:-/tmp}/postie-demo.XXXXXX")
if [ "${POSTIE_DEMO_KEEP:-0}" = 1 ]; then
	echo "postie demo: keeping $tmp"
else
	trap 'rm -rf "$tmp"' EXIT INT TERM HUP
fi
cp -R "$here/Maildir" "$here/postierc" "$tmp/"
mkdir -p "$tmp/home" "$tmp/cache" "$tmp/data" "$tmp/state" "$tmp/config"
chmod 600 "$tmp/postierc"
HOME=$tmp/home XDG_CACHE_HOME=$tmp/cache XDG_DATA_HOME=$tmp/data \
XDG_STATE_HOME=$tmp/state XDG_CONFIG_HOME=$tmp/config \
	"$bin" -F "$tmp/postierc" "$@" || status=$?
exit "${status:-0}"
