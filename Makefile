# SPDX-License-Identifier: ISC
#
# postie's one Makefile (GNU make). Each module under src/ is built as its
# own static archive; each unit-test binary links only its module and what
# that module may use (DEPS_* below), so a forbidden dependency is a link
# error. Variants: `make` (release), `make DEV=1` (strict warnings, -Werror),
# `make SAN=1` (ASan + UBSan). Each variant builds in its own directory, so
# switching does not mix objects.
#
# Local overrides (CC, PREFIX, ...) may go in an untracked config.mk.

-include config.mk

CC ?= cc
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/postie
PKG_CONFIG ?= pkg-config

ifeq ($(FUZZ),1)
VARIANT := fuzz
else ifeq ($(SAN),1)
VARIANT := san
else ifeq ($(DEV),1)
VARIANT := dev
else
VARIANT := release
endif
B := build/$(VARIANT)

CFLAGS ?= -O2 -g
CPPFLAGS += -Iinclude -D_GNU_SOURCE -DPOSTIE_DATADIR='"$(DATADIR)"'
ALL_CFLAGS = -std=c17 -pthread -MMD -MP $(CFLAGS) $(EXTRA_CFLAGS)

ifeq ($(DEV),1)
# Modelled on a strict developer set: everything that points at a real
# bug is an error in a developer build.
EXTRA_CFLAGS += -Werror -Wall -Wextra -Wpedantic -Wformat=2 \
	-Wformat-security -Wshadow -Wpointer-arith -Wstrict-prototypes \
	-Wmissing-prototypes -Wold-style-definition -Wvla -Wwrite-strings \
	-Wno-unused-parameter -Wno-sign-compare -Wimplicit-fallthrough \
	-Wundef -Wcast-align -Wnull-dereference
endif
ifeq ($(SAN),1)
EXTRA_CFLAGS += -O1 -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
endif
ifeq ($(FUZZ),1)
# libFuzzer targets (see `fuzz` below): every archive built by clang with
# coverage instrumentation, ASan and UBSan.
FUZZ_CC ?= clang
CC := $(FUZZ_CC)
EXTRA_CFLAGS += -O1 -fsanitize=fuzzer-no-link,address,undefined \
	-fno-omit-frame-pointer -fno-sanitize-recover=undefined
endif

# External libraries. iconv is in glibc and musl; elsewhere it is -liconv.
UNAME_S := $(shell uname -s)
ifneq ($(filter Darwin OpenBSD FreeBSD NetBSD,$(UNAME_S)),)
ICONV_LIBS ?= -liconv
endif
OPENSSL_CFLAGS := $(shell $(PKG_CONFIG) --cflags openssl 2>/dev/null)
OPENSSL_LIBS := $(shell $(PKG_CONFIG) --libs openssl 2>/dev/null)
SQLITE_CFLAGS := $(shell $(PKG_CONFIG) --cflags sqlite3 2>/dev/null)
SQLITE_LIBS := $(shell $(PKG_CONFIG) --libs sqlite3 2>/dev/null)
CURSES_CFLAGS := $(shell $(PKG_CONFIG) --cflags ncursesw 2>/dev/null)
CURSES_LIBS := $(shell $(PKG_CONFIG) --libs ncursesw 2>/dev/null)
CPPFLAGS += $(OPENSSL_CFLAGS) $(SQLITE_CFLAGS) $(CURSES_CFLAGS)

# Modules, lowest first, and what each may use (in link order). This is
# the table of ../doc/ARCHITECTURE.md: arrows point down only.
MODULES := base config mime net smtp imap pop3 store account ui
DEPS_base :=
DEPS_config := base
DEPS_mime := base
DEPS_net := base
DEPS_smtp := net base
DEPS_imap := net base
DEPS_pop3 := net base
DEPS_store := base
DEPS_account := imap pop3 smtp store mime net config base
DEPS_ui := account imap pop3 smtp store mime net config base

EXT_base := -lpthread
EXT_config :=
EXT_mime := $(ICONV_LIBS)
EXT_net := $(OPENSSL_LIBS)
EXT_smtp :=
EXT_imap :=
EXT_pop3 :=
EXT_store := $(SQLITE_LIBS)
EXT_account :=
EXT_ui := $(CURSES_LIBS)

$(foreach m,$(MODULES),$(eval SRC_$(m) := $(wildcard src/$(m)/*.c)))
$(foreach m,$(MODULES),$(eval OBJ_$(m) := $(patsubst src/%.c,$(B)/obj/%.o,$(SRC_$(m)))))
BUILT_MODULES := $(foreach m,$(MODULES),$(if $(SRC_$(m)),$(m)))
lib_of = $(if $(SRC_$(1)),$(B)/lib/lib$(1).a)
# archives for module m and everything it may use, in link order
libs_for = $(foreach d,$(1) $(DEPS_$(1)),$(call lib_of,$(d)))
ext_for = $(sort $(foreach d,$(1) $(DEPS_$(1)),$(EXT_$(d))))

ARCHIVES := $(foreach m,$(BUILT_MODULES),$(B)/lib/lib$(m).a)

# The program: main.c and the sub-commands in src/cmd/, linked with every
# module (main may use all of them).
MAIN_SRC := src/main.c $(wildcard src/cmd/*.c)
MAIN_OBJ := $(patsubst src/%.c,$(B)/obj/%.o,$(MAIN_SRC))
LINK_ALL := $(foreach m,ui account imap pop3 smtp store mime net config base,$(call lib_of,$(m)))
EXT_ALL := $(OPENSSL_LIBS) $(SQLITE_LIBS) $(CURSES_LIBS) $(ICONV_LIBS) -lpthread

# Unit tests: tests/unit/MODULE/NAME.c becomes $(B)/tests/unit/MODULE/NAME.t
UNIT_SRC := $(wildcard tests/unit/*/*.c)
UNIT_BIN := $(patsubst tests/%.c,$(B)/tests/%.t,$(UNIT_SRC))
# Helpers for integration tests (small C programs): tests/tools/NAME.c
TOOL_SRC := $(wildcard tests/tools/*.c)
TOOL_BIN := $(patsubst tests/tools/%.c,$(B)/tools/%,$(TOOL_SRC))
INTEGRATION_TESTS := $(sort $(wildcard tests/integration/*.t))
TUI_TESTS := $(sort $(wildcard tests/tui/*.t))
FUZZ_SMOKE_TESTS := tests/fuzz/smoke.t
PROTO_TESTS := $(sort $(wildcard tests/proto/*.t))

.PHONY: all clean install uninstall check check-unit check-run deps \
	deps-check tests demo fuzz bench
.DEFAULT_GOAL := all

all: $(B)/postie

$(B)/postie: $(MAIN_OBJ) $(ARCHIVES)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(MAIN_OBJ) $(LINK_ALL) $(EXT_ALL)

$(B)/obj/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -Isrc/$(firstword $(subst /, ,$*)) -c -o $@ $<

define module_rules
$(B)/lib/lib$(1).a: $(OBJ_$(1))
	@mkdir -p $$(@D)
	rm -f $$@
	$(AR) rcs $$@ $$^
$(B)/tests/unit/$(1)/%.t: tests/unit/$(1)/%.c $(call libs_for,$(1))
	@mkdir -p $$(@D)
	$(CC) $(CPPFLAGS) -Itests -Isrc/$(1) $(ALL_CFLAGS) $(LDFLAGS) -o $$@ $$< \
		$(call libs_for,$(1)) $(call ext_for,$(1))
endef
$(foreach m,$(MODULES),$(eval $(call module_rules,$(m))))

$(B)/tools/%: tests/tools/%.c $(ARCHIVES)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Itests $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LINK_ALL) $(EXT_ALL)

tests: all $(UNIT_BIN) $(TOOL_BIN)

# Install whatever is missing to build and to test (Debian and Ubuntu with
# apt-get; elsewhere it prints the package names to install).
deps:
	@sh tests/deps.sh install

deps-check:
	@sh tests/deps.sh check || sh tests/deps.sh install

check-unit: tests
	@prove --exec '' $(UNIT_BIN)

# Everything: unit, protocol, integration against real servers, TUI. The
# last line is the count of passed and failed test points.
check:
	@$(MAKE) --no-print-directory deps-check
	@$(MAKE) --no-print-directory -j2 fuzz-build
	@$(MAKE) --no-print-directory -j2 check-run

check-run: tests
	@POSTIE=$(CURDIR)/$(B)/postie POSTIE_BUILD=$(CURDIR)/$(B) \
		sh tests/run.sh $(UNIT_BIN) $(FUZZ_SMOKE_TESTS) $(PROTO_TESTS) \
		$(INTEGRATION_TESTS) $(TUI_TESTS)

# Memcheck over the unit tests and the integration tests (postie under
# valgrind through a wrapper): invalid accesses and definite leaks are
# errors. Slow, so not part of check. See tests/valgrind.sh.
.PHONY: valgrind
valgrind: tests
	@sh tests/valgrind.sh $(B) $(UNIT_BIN) -- $(INTEGRATION_TESTS)

# The demo account on a copy of tests/demo in a temporary directory.
demo:
	@$(MAKE) --no-print-directory deps-check
	@$(MAKE) --no-print-directory -j2 all
	@sh tests/demo/run.sh $(B)/postie

# Benchmarks: every executable file in tests/bench/, in name order, on the
# release build. Each prints its own numbers.
bench:
	@$(MAKE) --no-print-directory all tests
	@rc=0; for s in $(sort $(wildcard tests/bench/*)); do \
		[ -f "$$s" ] && [ -x "$$s" ] || continue; \
		echo "### $$s"; \
		"$$s" || { echo "### $$s failed"; rc=1; }; \
	done; exit $$rc

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(DATADIR)/themes
	install -m 755 $(B)/postie $(DESTDIR)$(BINDIR)/postie
	install -m 644 doc/postie.1 $(DESTDIR)$(MANDIR)/man1/postie.1
	install -m 644 doc/postierc.5 $(DESTDIR)$(MANDIR)/man5/postierc.5
	for t in themes/*.theme; do [ -e "$$t" ] || continue; \
		install -m 644 "$$t" $(DESTDIR)$(DATADIR)/themes/; done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/postie $(DESTDIR)$(MANDIR)/man1/postie.1 \
		$(DESTDIR)$(MANDIR)/man5/postierc.5
	rm -rf $(DESTDIR)$(DATADIR)

# Fuzzing with libFuzzer (clang): every tests/fuzz/NAME.c is a target
# linked with all module archives built in the fuzz variant. `make fuzz`
# runs each for FUZZ_TIME seconds starting from the seeds in
# tests/fuzz/corpus/NAME (new inputs go to build/fuzz/corpus/NAME, never
# into the source tree); `make fuzz-smoke` runs each for FUZZ_SMOKE_TIME
# seconds, short enough for `make check`. tests/fuzz/NAME.dict, when
# present, is the target's dictionary. A crash stops the run and leaves
# the input in build/fuzz/.
FUZZ_TIME ?= 60
FUZZ_SMOKE_TIME ?= 5
FUZZ_NAMES := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/*.c))
.PHONY: fuzz-build fuzz-smoke fuzz-run

$(B)/fuzz/%: tests/fuzz/%.c $(ARCHIVES)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Itests $(ALL_CFLAGS) -fsanitize=fuzzer,address,undefined \
		-o $@ $< $(LINK_ALL) $(EXT_ALL)

fuzz-build:
	@$(MAKE) --no-print-directory FUZZ=1 \
		$(patsubst %,build/fuzz/fuzz/%,$(FUZZ_NAMES))

fuzz: fuzz-build
	@$(MAKE) --no-print-directory FUZZ=1 fuzz-run SECONDS_EACH=$(FUZZ_TIME)

fuzz-smoke: fuzz-build
	@$(MAKE) --no-print-directory FUZZ=1 fuzz-run \
		SECONDS_EACH=$(FUZZ_SMOKE_TIME)

fuzz-run:
	@for n in $(FUZZ_NAMES); do \
		mkdir -p build/fuzz/corpus/$$n tests/fuzz/corpus/$$n || exit 1; \
		echo "fuzz: $$n for $(SECONDS_EACH)s"; \
		dict=; [ -f tests/fuzz/$$n.dict ] && \
			dict=-dict=../../tests/fuzz/$$n.dict; \
		(cd build/fuzz && ./fuzz/$$n -max_total_time=$(SECONDS_EACH) \
			-print_final_stats=1 -rss_limit_mb=2048 $$dict \
			corpus/$$n ../../tests/fuzz/corpus/$$n \
			2>&1) > build/fuzz/$$n.log || { \
			tail -n 40 build/fuzz/$$n.log; \
			echo "fuzz: $$n FAILED (log: build/fuzz/$$n.log)"; \
			exit 1; }; \
		grep -E '^(stat::number_of_executed_units|stat::average_exec_per_sec|#[0-9]+.*DONE)' \
			build/fuzz/$$n.log | tr '\n' ' '; echo; \
	done

clean:
	rm -rf build

-include $(shell find $(B) -name '*.d' 2>/dev/null)
