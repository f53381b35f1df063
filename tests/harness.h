/* SPDX-License-Identifier: ISC */
/*
 * A small TAP producer for unit tests, read by prove.
 *
 *	int main(void) {
 *		ok(1 + 1 == 2, "addition");
 *		is_str(got, "want", "decodes '%s'", input);
 *		return done_testing();
 *	}
 *
 * Each check prints "ok N - name" or "not ok N - name" with a diagnostic
 * of what was got and what was expected; done_testing prints the plan
 * and returns the exit status (1 when anything failed), so a test binary
 * that dies halfway leaves a missing plan that prove reports.
 *
 * Header-only so that a unit-test binary links nothing beyond the module
 * under test and what that module may use.
 */
#ifndef POSTIE_TEST_HARNESS_H
#define POSTIE_TEST_HARNESS_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_count_;
static int tap_failed_;

__attribute__((format(printf, 2, 0))) static int
tap_result_(int pass, const char *fmt, va_list ap)
{
	tap_count_++;
	if (!pass)
		tap_failed_++;
	printf("%s %d - ", pass ? "ok" : "not ok", tap_count_);
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
	return pass;
}

__attribute__((format(printf, 2, 3))) static inline int
ok(int pass, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = tap_result_(pass, fmt, ap);
	va_end(ap);
	return r;
}

/* Print a diagnostic line (a TAP comment). */
__attribute__((format(printf, 1, 2))) static inline void
diag(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	printf("# ");
	vprintf(fmt, ap);
	putchar('\n');
	va_end(ap);
}

/* Print s escaped (for diagnostics of binary or odd strings). */
static inline void
tap_show_(const char *label, const char *s, size_t n)
{
	printf("#   %s: ", label);
	if (!s) {
		printf("(null)\n");
		return;
	}
	putchar('\'');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\\')
			printf("\\\\");
		else if (c < 0x20 || c == 0x7f)
			printf("\\x%02x", c);
		else
			putchar(c);
	}
	printf("'\n");
}

__attribute__((format(printf, 3, 4))) static inline int
is_str(const char *got, const char *want, const char *fmt, ...)
{
	int pass = (got == NULL && want == NULL) ||
		   (got && want && strcmp(got, want) == 0);
	va_list ap;
	va_start(ap, fmt);
	tap_result_(pass, fmt, ap);
	va_end(ap);
	if (!pass) {
		tap_show_("got", got, got ? strlen(got) : 0);
		tap_show_("want", want, want ? strlen(want) : 0);
	}
	return pass;
}

/* Compare n bytes (which may hold NULs). */
__attribute__((format(printf, 5, 6))) static inline int
is_mem(const void *got, size_t gotlen, const void *want, size_t wantlen,
       const char *fmt, ...)
{
	int pass = gotlen == wantlen &&
		   (gotlen == 0 || memcmp(got, want, gotlen) == 0);
	va_list ap;
	va_start(ap, fmt);
	tap_result_(pass, fmt, ap);
	va_end(ap);
	if (!pass) {
		printf("#   got %zu bytes, want %zu\n", gotlen, wantlen);
		tap_show_("got", got, gotlen > 400 ? 400 : gotlen);
		tap_show_("want", want, wantlen > 400 ? 400 : wantlen);
	}
	return pass;
}

__attribute__((format(printf, 3, 4))) static inline int
is_int(intmax_t got, intmax_t want, const char *fmt, ...)
{
	int pass = got == want;
	va_list ap;
	va_start(ap, fmt);
	tap_result_(pass, fmt, ap);
	va_end(ap);
	if (!pass)
		printf("#   got %jd, want %jd\n", got, want);
	return pass;
}

/* Does hay contain needle? For checking error messages. */
__attribute__((format(printf, 3, 4))) static inline int
like(const char *hay, const char *needle, const char *fmt, ...)
{
	int pass = hay && needle && strstr(hay, needle) != NULL;
	va_list ap;
	va_start(ap, fmt);
	tap_result_(pass, fmt, ap);
	va_end(ap);
	if (!pass) {
		tap_show_("got", hay, hay ? strlen(hay) : 0);
		tap_show_("want to contain", needle,
			  needle ? strlen(needle) : 0);
	}
	return pass;
}

static inline int
done_testing(void)
{
	printf("1..%d\n", tap_count_);
	if (tap_failed_)
		printf("# failed %d of %d\n", tap_failed_, tap_count_);
	fflush(stdout);
	return tap_failed_ ? 1 : 0;
}

#endif
