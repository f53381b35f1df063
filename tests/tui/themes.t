#!/bin/sh
# SPDX-License-Identifier: ISC
#
# Themes on the demo account, in tmux: each shipped theme passes
# `postie config check` and draws its status bar in its own colours
# (capture-pane -e shows the escape sequences) on a 256-colour terminal;
# on a direct-colour terminal with COLORTERM=truecolor the RGB of the
# theme arrives as it is; NO_COLOR leaves no colour anywhere but keeps
# the attributes; :theme NAME changes the screen at once; a broken theme
# is named FILE:LINE:COL and the theme in use is kept; at start it gives
# a warning and the default theme.

. "$(dirname "$0")/../lib.sh"
. "$TESTS_DIR/tui/tui.sh"

command -v tmux >/dev/null || bail "tmux is not installed (make deps)"

D=$TEST_TMP/demo
mkdir -p "$D"
cp -R "$REPO_DIR/tests/demo/Maildir" "$D/"
export HOME="$D/home" XDG_CACHE_HOME="$D/cache" XDG_DATA_HOME="$D/data"
export XDG_STATE_HOME="$D/state" XDG_CONFIG_HOME="$D/home/.config"
export POSTIE_THEMES="$REPO_DIR/themes"
unset NO_COLOR COLORTERM
mkdir -p "$HOME" "$XDG_CONFIG_HOME/postie/themes"

# rc THEME [EXTRA-LINE]: the demo dotfile with [ui] theme = THEME
rc() {
	{
		printf '[ui]\ntheme = %s\nsort = thread\nfolder-width = 22\n' "$1"
		[ $# -gt 1 ] && printf '%s\n' "$2"
		printf '[account "demo"]\naddress = demo@postie.example\n'
		printf 'receive = maildir:Maildir\nassumed-charset = gb18030\n'
	} >"$D/postierc"
	chmod 600 "$D/postierc"
}

# The status bar (line 1) and the whole screen, with escapes.
bar() {
	tui_tmux capture-pane -p -e -t "$TUI_SESSION" | sed -n 1p
}
screen_e() {
	tui_tmux capture-pane -p -e -t "$TUI_SESSION"
}
# Any colour in an SGR: 30-37, 40-47, 90-97, 100-107, 38;5 / 48;5, 38;2
# / 48;2 (tmux writes every change as its own sequence).
has_color() {
	grep -qE "$(printf '\033')\[(3[0-7]|4[0-7]|9[0-7]|10[0-7]|[34]8;[25];[0-9;]*)m"
}

runs=0
start() {
	tui_stop
	# a server of its own each time: a killed one may still hold the
	# socket for a moment
	runs=$((runs + 1))
	TUI_SOCK=postie-test-$$-$runs
	tui_start 120 40 -F "$D/postierc"
	tui_wait "postie: demo | INBOX" || return 1
	# the first sync's "synced" redraws everything; wait for it
	tui_wait "demo: synced" 10
}

# --- every shipped theme: checked, and drawn in its colours (256)
# the status bar's background at 256 colours, from each theme file
# (nearest for #rrggbb: what tests/unit/ui/theme.t checks)
for t in default light solarized-dark gruvbox monochrome; do
	rc "$t"
	ok "config check accepts theme $t" "$POSTIE" -F "$D/postierc" config check
	start || bail "postie did not start with theme $t"
	b=$(bar)
	case $t in
	default)
		like "$b" "$(printf '\033')[44m" "default: the status bar on blue"
		like "$b" "$(printf '\033')[37m" "default: in white" ;;
	light)
		like "$b" "48;5;25m" "light: the status bar on colour 25" ;;
	solarized-dark)
		like "$b" "48;5;" "solarized-dark: a 256-colour background" ;;
	gruvbox)
		like "$b" "48;5;" "gruvbox: a 256-colour background" ;;
	monochrome)
		if printf '%s\n' "$b" | has_color; then
			tap_result 1 "monochrome: no colour in the status bar"
			diag "$b"
		else
			tap_result 0 "monochrome: no colour in the status bar"
		fi
		like "$b" "7m" "monochrome: the status bar in reverse video" ;;
	esac
	case $t in default|monochrome)
		is "$(tui_selected | grep -c 'Oct\|Nov')" 1 \
			"$t: the cursor line in reverse video" ;;
	esac
done

# --- :theme NAME live, and a broken theme kept out
rc default
cat >"$XDG_CONFIG_HOME/postie/themes/broken.theme" <<'EOF'
[color]
status = white red bold
index = green purple
EOF
cat >"$XDG_CONFIG_HOME/postie/themes/mine.theme" <<'EOF'
[color]
status = black color208
EOF
start || bail "postie did not start"
before=$(bar)
tui_keys : "theme gruvbox" Enter
ok ":theme gruvbox says so" tui_wait "theme gruvbox: "
after=$(bar)
unlike "$after" "$(printf '\033')[44m" ":theme gruvbox: the blue bar is gone"
like "$after" "48;5;" ":theme gruvbox: its colours at once"
tui_keys : "theme broken" Enter
ok ":theme broken names FILE:LINE:COL and keeps the theme in use" \
	tui_wait "theme 'gruvbox' kept: ~/.config/postie/themes/broken.theme:3:9: 'purple' is neither a colour"
is "$(bar | grep -c '48;5;')" 1 "the gruvbox bar is still there"
tui_keys : "theme mine" Enter
ok ":theme mine from the user's theme directory" tui_wait "mine.theme"
like "$(bar)" "48;5;208m" "its status bar on colour 208"
tui_keys : "theme nope" Enter
ok "an unknown theme is named with where it was looked for" \
	tui_wait "no theme 'nope' (looked in"
tui_keys : "theme default" Enter
tui_wait "theme default"
is "$(bar | sed 's/ postie:.*//')" "$(printf '%s\n' "$before" | sed 's/ postie:.*//')" \
	":theme default: the status bar as it started"

# the dotfile's [color] lines override the theme's
rc default '[color]
status = black green'
ok "config check accepts [color] lines" "$POSTIE" -F "$D/postierc" config check
start || bail "postie did not start"
like "$(bar)" "$(printf '\033')[42m" "[color] status = black green wins"

# --- broken themes at check and at start
rc broken
fails "config check refuses a broken theme" "$POSTIE" -F "$D/postierc" config check
"$POSTIE" -F "$D/postierc" config check >/dev/null 2>"$TEST_TMP/err"
like "$(cat "$TEST_TMP/err")" "broken.theme:3:9: 'purple' is neither a colour" \
	"config check: FILE:LINE:COL of the fault"
rc '~/nope.theme'
"$POSTIE" -F "$D/postierc" config check >/dev/null 2>"$TEST_TMP/err"
like "$(cat "$TEST_TMP/err")" "warning: no theme file '~/nope.theme'" \
	"a missing theme is a warning"
rc broken
start || bail "postie did not start with a broken theme"
ok "a broken theme at start: a warning on the status bar" \
	tui_wait "broken.theme:3:9"
like "$(bar)" "$(printf '\033')[44m" "and the default theme"

# --- NO_COLOR: attributes only, everywhere
rc gruvbox
export NO_COLOR=1
start || bail "postie did not start under NO_COLOR"
if screen_e | has_color; then
	tap_result 1 "NO_COLOR: no colour anywhere on the screen"
	screen_e | has_color
	screen_e | sed -n 1,3p | cat -v | sed 's/^/# /'
else
	tap_result 0 "NO_COLOR: no colour anywhere on the screen"
fi
like "$(bar)" "$(printf '\033')[1;7m" \
	"NO_COLOR: the status bar keeps bold, its background becomes reverse"
ok "NO_COLOR: the cursor line keeps reverse video" tui_wait_sel "Oct\|Nov"
tui_keys : "theme solarized-dark" Enter
tui_wait "theme solarized-dark"
if screen_e | has_color; then
	tap_result 1 "NO_COLOR: :theme adds no colour either"
else
	tap_result 0 "NO_COLOR: :theme adds no colour either"
fi
unset NO_COLOR

# --- a direct-colour terminal: true colour with COLORTERM, else 256's RGB
if infocmp xterm-direct >/dev/null 2>&1; then
	rc solarized-dark
	export COLORTERM=truecolor TUI_TERM=xterm-direct
	start || bail "postie did not start on xterm-direct"
	like "$(bar)" "48;2;7;54;66m" \
		"xterm-direct + COLORTERM=truecolor: #073642 as it is"
	unset COLORTERM
	start || bail "postie did not start on xterm-direct"
	# #073642 -> colour 236 (#303030) of the 256
	like "$(bar)" "48;2;48;48;48m" \
		"xterm-direct without COLORTERM: the nearest of 256"
	unset TUI_TERM
else
	tap_result 1 "the xterm-direct terminfo entry (ncurses-term; make deps)"
fi

done_testing
