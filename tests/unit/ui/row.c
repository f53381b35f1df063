/* SPDX-License-Identifier: ISC */
/*
 * ui: index rows with mixed widths (Chinese, Japanese, Korean, emoji,
 * hostile subjects), sizes, dates in a time zone, narrow terminals, and
 * the speed of formatting (rows a second; a screenful must take well
 * under a millisecond).
 */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "postie/ui.h"

#define NOW 1795413600 /* 2026-11-23 06:00 UTC, 14:00 in UTC+8 */

static const struct ui_row_fmt fmt60 = {
	.width = 60,
	.date_cells = 10,
	.from_cells = 12,
	.size_cells = 5,
	.now = NOW,
	.tz_offset_min = 480,
};

struct row_case {
	struct ui_summary s;
	const char *want;
	const char *name;
};

#define E12 "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80" \
	    "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80" \
	    "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80" \
	    "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80"

static const struct row_case rows[] = {
	{ { 1795395900, "\xe5\xbc\xa0\xe4\xb8\x89",
	    "\xe4\xbc\x9a\xe8\xae\xae\xe9\x80\x9a\xe7\x9f\xa5\xef\xbc\x9a"
	    "\xe6\x98\x8e\xe5\xa4\xa9\xe4\xb8\x8b\xe5\x8d\x88\xe4\xb8\x89"
	    "\xe7\x82\xb9",
	    1234, 0 },
	  "N  " " " "09:05     " " " "\xe5\xbc\xa0\xe4\xb8\x89        " " "
	  "\xe4\xbc\x9a\xe8\xae\xae\xe9\x80\x9a\xe7\x9f\xa5\xef\xbc\x9a"
	  "\xe6\x98\x8e\xe5\xa4\xa9\xe4\xb8\x8b\xe5\x8d\x88\xe4\xb8\x89"
	  "\xe7\x82\xb9    " " " " 1.2K",
	  "new, today, Chinese sender and subject" },
	{ { 1772704800, "Very Long Sender Name",
	    "Re: \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xae\xe3\x83\xa1"
	    "\xe3\x83\xbc\xe3\x83\xab",
	    34816,
	    UI_F_SEEN | UI_F_ANSWERED | UI_F_FLAGGED | UI_F_ATTACH },
	  "r!+" " " "Mar 05    " " " "Very Long S\xe2\x80\xa6" " "
	  "Re: \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xae\xe3\x83\xa1"
	  "\xe3\x83\xbc\xe3\x83\xab        " " " "  34K",
	  "answered, flagged, attachment; cut sender; Japanese subject" },
	{ { 1767223800, NULL, E12 "\xf0\x9f\x98\x80\xf0\x9f\x98\x80", 0,
	    UI_F_DELETED | UI_F_SEEN },
	  "D  " " " "Jan 01    " " " "            " " " E12 "\xe2\x80\xa6 "
	  " " "    0",
	  "deleted; UTC+8 moves New Year's Eve into this year; emoji cut "
	  "without a split" },
	{ { 1559390400, "\xed\x99\x8d\xea\xb8\xb8\xeb\x8f\x99",
	    "\x1b]0;owned\x07Hi", 5872026, UI_F_SEEN },
	  "   " " " "2019-06-01" " "
	  "\xed\x99\x8d\xea\xb8\xb8\xeb\x8f\x99      "
	  " " "^[]0;owned^GHi            " " " " 5.6M",
	  "hostile-42 OSC title in a subject; Korean sender; old date" },
	{ { 1795366800, "a\xe2\x80\xae" "fdp.exe", "x\ty", 999, UI_F_SEEN },
	  "   " " " "01:00     " " " "a<U+202E>fd\xe2\x80\xa6" " "
	  "x y                       " " " "  999",
	  "hostile-43 RLO in the sender; tab in subject; local midnight" },
	{ { 0, "", "", 0, UI_F_SEEN }, "   " " " "          " " "
	  "            " " " "                          " " " "    0",
	  "unknown date, empty fields" },
};

static void
test_rows(void)
{
	struct buf out = BUF_INIT, scratch = BUF_INIT;
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		buf_reset(&out);
		ui_format_row(&out, &rows[i].s, &fmt60, &scratch);
		is_str(out.data, rows[i].want, "row: %s", rows[i].name);
		is_int((intmax_t)ui_width(out.data, out.len), 60,
		       "row is 60 cells: %s", rows[i].name);
	}
	/* Narrow terminals: always exactly the width. */
	for (int w = 1; w <= 40; w++) {
		struct ui_row_fmt f = fmt60;
		f.width = w;
		buf_reset(&out);
		ui_format_row(&out, &rows[0].s, &f, &scratch);
		if (ui_width(out.data, out.len) != (size_t)w) {
			is_int((intmax_t)ui_width(out.data, out.len), w,
			       "narrow row width %d", w);
			break;
		}
		if (w == 40)
			ok(1, "rows of width 1 to 40 are exact");
	}
	struct ui_row_fmt nosize = fmt60;
	nosize.size_cells = 0;
	buf_reset(&out);
	ui_format_row(&out, &rows[1].s, &nosize, &scratch);
	ok(ui_width(out.data, out.len) == 60 && !strstr(out.data, "34K"),
	   "size column hidden");
	buf_release(&out);
	buf_release(&scratch);
}

static void
test_sizes(void)
{
	static const struct {
		uint64_t n;
		const char *s;
	} sizes[] = {
		{ 0, "0" },
		{ 999, "999" },
		{ 1000, "1.0K" },
		{ 1023, "1.0K" },
		{ 1024, "1.0K" },
		{ 1229, "1.2K" },
		{ 10188, "9.9K" },
		{ 10189, "10K" },
		{ 34816, "34K" },
		{ 1022976, "999K" },
		{ 1023487, "999K" },
		{ 1023488, "1.0M" },
		{ 1048576, "1.0M" },
		{ 5872026, "5.6M" },
		{ 1073741824, "1.0G" },
		{ 1099511627776ULL, "1.0T" },
		{ UINT64_MAX, "16E" },
	};
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		buf_reset(&b);
		ui_format_size(&b, sizes[i].n);
		is_str(b.data, sizes[i].s, "size %llu",
		       (unsigned long long)sizes[i].n);
	}
	buf_release(&b);
}

static void
test_speed(void)
{
	/* A realistic mix: ASCII, Chinese, Japanese, emoji, a hostile one. */
	static const char *const froms[] = {
		"Alice Example", "\xe5\xbc\xa0\xe4\xb8\x89",
		"\xe5\xb1\xb1\xe7\x94\xb0\xe5\xa4\xaa\xe9\x83\x8e",
		"noreply@service.example.com", "a\xe2\x80\xae" "b",
	};
	static const char *const subjects[] = {
		"Re: quarterly report draft for review",
		"\xe4\xbc\x9a\xe8\xae\xae\xe9\x80\x9a\xe7\x9f\xa5\xef\xbc\x9a"
		"\xe6\x98\x8e\xe5\xa4\xa9\xe4\xb8\x8b\xe5\x8d\x88\xe4\xb8\x89"
		"\xe7\x82\xb9\xe5\x9c\xa8\xe5\xa4\xa7\xe4\xbc\x9a\xe8\xae\xae"
		"\xe5\xae\xa4",
		"\xf0\x9f\x8e\x89 Your order has shipped \xf0\x9f\x93\xa6",
		"\x1b[31mURGENT\x1b[0m action required",
		"A rather long subject line that will certainly need to be "
		"cut with an ellipsis at the edge of the column",
	};
	enum { N = 100000 };
	struct ui_summary s;
	struct buf out = BUF_INIT, scratch = BUF_INIT;
	struct ui_row_fmt f = fmt60;
	f.width = 120;
	f.from_cells = 20;
	size_t bad = 0;
	int64_t t0 = time_mono_ms();
	for (int i = 0; i < N; i++) {
		s.date = NOW - (int64_t)i * 3600;
		s.from = froms[i % 5];
		s.subject = subjects[(i / 5) % 5];
		s.size = (uint64_t)i * 977;
		s.flags = (unsigned)i & 0x3f;
		buf_reset(&out);
		ui_format_row(&out, &s, &f, &scratch);
		bad += ui_width(out.data, out.len) != 120;
	}
	int64_t ms = time_mono_ms() - t0;
	is_int((intmax_t)bad, 0, "100000 rows, every one 120 cells");
	double rate = ms > 0 ? N * 1000.0 / (double)ms : N * 1000.0;
	double screen_us = ms * 1000.0 * 50 / N;
	diag("index rows: %d in %lld ms = %.0f rows/s; 50 rows = %.1f us",
	     N, (long long)ms, rate, screen_us);
	/* ASan builds are about twice as slow and still pass; under
	 * valgrind (found by its preload library) everything is twenty
	 * times slower, so only a gross regression counts there. */
	const char *pre = getenv("LD_PRELOAD");
	double bound = pre && strstr(pre, "valgrind") ? 20000.0 : 1000.0;
	ok(screen_us < bound, "a screenful of 50 rows under %.0f us (%.1f us)",
	   bound, screen_us);
	buf_release(&out);
	buf_release(&scratch);
}

int
main(void)
{
	test_rows();
	test_sizes();
	test_speed();
	return done_testing();
}
