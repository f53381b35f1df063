#!/bin/sh
# SPDX-License-Identifier: ISC
#
# postie sync and postie check of a local Maildir account (receive =
# maildir:PATH, relative to the dotfile): the demo Maildir's six folders
# indexed, unread counts from the file names, a second sync with nothing
# new, a message delivered by another program and a flag changed by
# renaming seen by the next sync; no password is asked for.

. "$(dirname "$0")/../lib.sh"

D=$TEST_TMP/demo
mkdir -p "$D"
cp -R "$REPO_DIR/tests/demo/Maildir" "$REPO_DIR/tests/demo/postierc" "$D/"
chmod 600 "$D/postierc"
export HOME="$TEST_TMP/home" XDG_CACHE_HOME="$TEST_TMP/cache"
export XDG_DATA_HOME="$TEST_TMP/data" XDG_STATE_HOME="$TEST_TMP/state"
mkdir -p "$HOME"
TAB=$(printf '\t')

out=$("$POSTIE" -F "$D/postierc" sync 2>&1)
is "$?" 0 "sync of a Maildir account"
is "$out" "demo: 6 folders, 36 new, 0 changed, 0 removed" "six folders, 36 messages"
res=$("$POSTIE" -F "$D/postierc" check --all)
like "$res" "demo${TAB}INBOX${TAB}8${TAB}30" "INBOX: 8 unread of 30"
like "$res" "demo${TAB}Sent${TAB}0${TAB}2" "Sent from .Sent"
like "$res" "demo${TAB}Lists.postie-dev${TAB}1${TAB}1" "a nested Maildir++ folder"

out=$("$POSTIE" -F "$D/postierc" sync demo 2>&1)
is "$out" "demo: 6 folders, 0 new, 0 changed, 0 removed" "nothing new"

printf 'From: x@y\nSubject: late\n\nhi\n' >"$D/Maildir/new/9999999999.late.host"
f=$(ls "$D/Maildir/cur" | grep ':2,S$' | head -1)
mv "$D/Maildir/cur/$f" "$D/Maildir/cur/${f%S}FS"
out=$("$POSTIE" -F "$D/postierc" sync demo INBOX 2>&1)
is "$?" 0 "sync of one folder"
like "$out" "demo: 1 folder," "one folder"
is "$("$POSTIE" -F "$D/postierc" check --total)" 11 \
	"the new message counts as unread (9 in INBOX, 1 in Junk, 1 in the list)"

# A folder name is the sender's bytes: a bidi override and an escape
# sequence in it are shown as inert text by check, never sent raw.
bad=$(printf '.bad\342\200\256name\033[31m')
mkdir -p "$D/Maildir/$bad/cur" "$D/Maildir/$bad/new" "$D/Maildir/$bad/tmp"
printf 'From: x@y\nSubject: s\n\nhi\n' >"$D/Maildir/$bad/new/1.x.host"
"$POSTIE" -F "$D/postierc" sync demo >/dev/null 2>&1
res=$("$POSTIE" -F "$D/postierc" check --all)
like "$res" "demo${TAB}bad<U+202E>name^[[31m${TAB}1${TAB}1" \
	"a folder name's bidi override and escape shown as text"
unlike "$res" "$(printf '\033')" "check printed no raw escape"
unlike "$res" "$(printf '\342\200\256')" "check printed no raw bidi override"

done_testing
