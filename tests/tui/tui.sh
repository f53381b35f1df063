# SPDX-License-Identifier: ISC
#
# Helpers for screen tests: postie runs in a detached tmux session on a
# private tmux server (its own socket, so nothing touches the tester's
# tmux), keys go in with send-keys and the screen comes back with
# capture-pane. Waits poll the screen until the text shows or a timeout
# passes; no test relies on a fixed sleep. Source after lib.sh.
#
#	tui_start COLS ROWS POSTIE-ARGS...   start postie (env from the caller;
#	                                      TUI_TERM is its TERM, default
#	                                      screen-256color)
#	tui_keys KEY...                       tmux send-keys
#	tui_wait TEXT [SECONDS]               until TEXT is on screen (default 10)
#	tui_gone TEXT [SECONDS]               until TEXT is not on screen
#	tui_screen                            the screen as text
#	tui_selected                          the line drawn in reverse video

TUI_SOCK=postie-test-$$
TUI_SESSION=t

tui_tmux() {
	tmux -L "$TUI_SOCK" "$@"
}

tui_start() {
	cols=$1 rows=$2
	shift 2
	# the shell after postie says how it ended, so a test can see the
	# prompt come back and the exit status
	printf '%s\n' "$@" >"$TEST_TMP/tui-args"
	cat >"$TEST_TMP/tui-run" <<RUN
#!/bin/sh
export TERM=${TUI_TERM:-screen-256color} LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=UTC
"\$@"
echo "postie exited: \$?"
exec sleep 600
RUN
	chmod +x "$TEST_TMP/tui-run"
	tui_tmux -f /dev/null new-session -d -s "$TUI_SESSION" -x "$cols" \
		-y "$rows" "$TEST_TMP/tui-run" "$POSTIE" "$@"
	at_exit tui_stop
}

tui_stop() {
	tui_tmux kill-server 2>/dev/null
	return 0
}

tui_keys() {
	tui_tmux send-keys -t "$TUI_SESSION" "$@"
}

tui_screen() {
	tui_tmux capture-pane -p -t "$TUI_SESSION"
}

tui_wait() {
	want=$1 secs=${2:-10}
	end=$(( $(date +%s) + secs ))
	while :; do
		tui_screen | grep -qF -- "$want" && return 0
		[ "$(date +%s)" -ge "$end" ] && break
		sleep 0.1
	done
	diag "waited ${secs}s for: $want"
	tui_screen | sed 's/^/#   | /'
	return 1
}

tui_gone() {
	want=$1 secs=${2:-10}
	end=$(( $(date +%s) + secs ))
	while tui_screen | grep -qF -- "$want"; do
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.1
	done
	return 0
}

# The line with reverse video below the status bar: tmux writes it as
# ESC[7m in capture -e.
tui_selected() {
	tui_tmux capture-pane -p -e -t "$TUI_SESSION" | sed 1d |
		grep "$(printf '\033')\[[0-9;]*7m" | sed -n 1p |
		sed "s/$(printf '\033')\[[0-9;]*m//g"
}

# tmux's view of the pane: is the alternate screen on (1) or off (0)?
tui_alternate() {
	tui_tmux display -p -t "$TUI_SESSION" '#{alternate_on}'
}

# Until the reverse-video line matches the grep pattern PATTERN.
tui_wait_sel() {
	want=$1 secs=${2:-5}
	end=$(( $(date +%s) + secs ))
	while :; do
		tui_selected | grep -q -- "$want" && return 0
		[ "$(date +%s)" -ge "$end" ] && break
		sleep 0.1
	done
	diag "waited ${secs}s for the selected line to match: $want"
	diag "selected: $(tui_selected)"
	return 1
}
