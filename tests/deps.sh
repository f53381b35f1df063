#!/bin/sh
# SPDX-License-Identifier: ISC
#
# What postie needs to build and to test, and how to get it.
#
#   tests/deps.sh check     exit 0 when everything is there, else list what is not
#   tests/deps.sh install   install what is missing (Debian/Ubuntu: apt-get,
#                           non-interactive, as root or through sudo);
#                           elsewhere print the packages to install
#
# One table per system; keep them in step when a dependency is added.

set -u

# Debian and Ubuntu package names.
DEBIAN_BUILD="build-essential pkg-config libncurses-dev libssl-dev libsqlite3-dev"
DEBIAN_TEST="perl openssl tmux python3 ca-certificates procps
	dovecot-core dovecot-imapd dovecot-pop3d dovecot-lmtpd postfix
	clang libclang-rt-dev msmtp mblaze time neomutt ncurses-term valgrind mutt"
DEBIAN_PKGS="$DEBIAN_BUILD $DEBIAN_TEST"

FEDORA_PKGS="gcc make pkgconf-pkg-config ncurses-devel openssl-devel sqlite-devel
	perl-Test-Harness openssl tmux python3 procps-ng
	dovecot postfix clang compiler-rt msmtp time neomutt ncurses-term valgrind mutt"
ARCH_PKGS="base-devel pkgconf ncurses openssl sqlite perl tmux python procps-ng
	dovecot postfix clang compiler-rt msmtp time neomutt valgrind mutt"
ALPINE_PKGS="build-base pkgconf ncurses-dev openssl-dev sqlite-dev perl-utils
	openssl tmux python3 procps dovecot dovecot-lmtpd dovecot-pop3d postfix
	clang compiler-rt msmtp mblaze neomutt ncurses-terminfo valgrind mutt"
BREW_PKGS="pkg-config ncurses openssl@3 sqlite tmux python dovecot postfix llvm msmtp mblaze neomutt mutt"

os_id() {
	if [ -r /etc/os-release ]; then
		# shellcheck disable=SC1091
		. /etc/os-release
		echo "${ID:-unknown} ${ID_LIKE:-}"
	else
		uname -s
	fi
}

is_debian() {
	case " $(os_id) " in
	*" debian "* | *" ubuntu "*) return 0 ;;
	esac
	command -v dpkg-query >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1
}

debian_missing() {
	missing=""
	for p in $DEBIAN_PKGS; do
		st=$(dpkg-query -W -f '${db:Status-Status}' "$p" 2>/dev/null)
		[ "$st" = installed ] || missing="$missing $p"
	done
	echo "$missing"
}

as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo "$@"
	else
		echo "deps: need root to run: $*" >&2
		return 1
	fi
}

print_others() {
	echo "Install these packages, then run make again:"
	echo "  Fedora:  dnf install $(echo $FEDORA_PKGS)"
	echo "  Arch:    pacman -S --needed $(echo $ARCH_PKGS)"
	echo "  Alpine:  apk add $(echo $ALPINE_PKGS)"
	echo "  macOS:   brew install $(echo $BREW_PKGS)"
}

case "${1:-check}" in
check)
	if is_debian; then
		m=$(debian_missing)
		if [ -n "$m" ]; then
			echo "deps: missing:$m"
			exit 1
		fi
		exit 0
	fi
	# The servers live in sbin, often not in a user's PATH.
	PATH=$PATH:/usr/sbin:/sbin:/usr/local/sbin
	m=""
	for c in cc make pkg-config prove tmux openssl python3 dovecot doveadm \
		postfix; do
		command -v "$c" >/dev/null 2>&1 || m="$m $c"
	done
	if [ -n "$m" ]; then
		echo "deps: missing:$m"
		exit 1
	fi
	exit 0
	;;
install)
	if is_debian; then
		m=$(debian_missing)
		[ -z "$m" ] && exit 0
		echo "deps: installing:$m"
		# Postfix asks how to configure the system's own mail; the tests
		# run their own instance (tests/lab/lab.sh) and need none. The
		# packages may start the system's Dovecot on the usual ports, or
		# not (containers often forbid it): the lab never uses those.
		if command -v debconf-set-selections >/dev/null 2>&1; then
			echo "postfix postfix/main_mailer_type select No configuration" |
				as_root debconf-set-selections || exit 1
		fi
		# Through env, as sudo drops the caller's environment.
		as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q ||
			exit 1
		# shellcheck disable=SC2086
		as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
			--no-install-recommends -o Dpkg::Options::=--force-confold \
			$m || exit 1
		m=$(debian_missing)
		if [ -n "$m" ]; then
			echo "deps: still missing after apt-get install:$m" >&2
			exit 1
		fi
		exit 0
	fi
	print_others
	exit 1
	;;
*)
	echo "usage: tests/deps.sh check|install" >&2
	exit 2
	;;
esac
