/* SPDX-License-Identifier: ISC */
/*
 * ui: one row of the message index, from a summary to exactly one screen
 * line of cells.
 *
 * The screen formats only the rows it shows, so the cost that matters is
 * a screenful (50 rows, well under a millisecond), but the formatter is
 * also cheap enough to run over a whole folder (a few hundred thousand
 * rows a second): no allocation once the buffers have grown, no locale,
 * no stdio for the date (gmtime_r on the time shifted by a fixed offset
 * rather than localtime_r, which takes a lock and may read the zone file).
 * The trade-off is that one offset serves every row, so a date on the
 * other side of a daylight-saving change may show an hour off; the index
 * shows the time only for today's mail, where the offset is right.
 */
#include <string.h>
#include <time.h>

#include "postie/ui.h"

static const char *const months[] = { "Jan", "Feb", "Mar", "Apr",
				      "May", "Jun", "Jul", "Aug",
				      "Sep", "Oct", "Nov", "Dec" };

void
ui_format_size(struct buf *out, uint64_t size)
{
	static const char units[] = "KMGTPE";
	if (size < 1000) {
		buf_addf(out, "%u", (unsigned)size);
		return;
	}
	/* Tenths of a unit, rounded; a value that rounds to 1000 moves up
	 * a unit, so the column never needs more than four cells. */
	uint64_t div = 1024;
	for (int u = 0;; u++, div *= 1024) {
		uint64_t tenths = size / div * 10 +
				  ((size % div) * 10 + div / 2) / div;
		if (tenths < 100) {
			buf_addf(out, "%u.%u%c", (unsigned)(tenths / 10),
				 (unsigned)(tenths % 10), units[u]);
			return;
		}
		uint64_t whole = size / div + (size % div >= (div + 1) / 2);
		if (whole < 1000 || u == 5) {
			buf_addf(out, "%u%c", (unsigned)whole, units[u]);
			return;
		}
	}
}

static void
two_digits(char *p, int v)
{
	p[0] = (char)('0' + v / 10 % 10);
	p[1] = (char)('0' + v % 10);
}

/* "14:05", "Nov 23" or "2025-11-23": the shortest that is unambiguous. */
static size_t
format_date(char *tmp, int64_t date, const struct ui_row_fmt *f)
{
	if (date == 0)
		return 0;
	time_t t = (time_t)(date + (int64_t)f->tz_offset_min * 60);
	time_t n = (time_t)(f->now + (int64_t)f->tz_offset_min * 60);
	struct tm tm, now;
	if (!gmtime_r(&t, &tm) || !gmtime_r(&n, &now))
		return 0;
	if (tm.tm_year == now.tm_year && tm.tm_yday == now.tm_yday) {
		two_digits(tmp, tm.tm_hour);
		tmp[2] = ':';
		two_digits(tmp + 3, tm.tm_min);
		return 5;
	}
	if (tm.tm_year == now.tm_year) {
		memcpy(tmp, months[tm.tm_mon], 3);
		tmp[3] = ' ';
		two_digits(tmp + 4, tm.tm_mday);
		return 6;
	}
	long y = (long)tm.tm_year + 1900;
	if (y < 0 || y > 9999)
		return 0; /* hostile-41: no five-digit years in a column */
	tmp[0] = (char)('0' + y / 1000);
	tmp[1] = (char)('0' + y / 100 % 10);
	two_digits(tmp + 2, (int)(y % 100));
	tmp[4] = '-';
	two_digits(tmp + 5, tm.tm_mon + 1);
	tmp[7] = '-';
	two_digits(tmp + 8, tm.tm_mday);
	return 10;
}

static void
fit_field(struct buf *out, struct buf *scratch, const char *s, int cells,
	  enum ui_align align)
{
	if (cells <= 0)
		return;
	buf_reset(scratch);
	if (s)
		ui_sanitize(scratch, s, strlen(s), UI_TAB_SPACE);
	ui_fit(out, scratch->data, scratch->len, cells, align);
}

static int
nonneg(int v)
{
	return v > 0 ? v : 0;
}

void
ui_format_row(struct buf *out, const struct ui_summary *s,
	      const struct ui_row_fmt *fmt, struct buf *scratch)
{
	if (fmt->width <= 0)
		return;
	int date_w = nonneg(fmt->date_cells);
	int from_w = nonneg(fmt->from_cells);
	int size_w = nonneg(fmt->size_cells);
	int fixed = 3 + 1 + date_w + 1 + from_w + 1 + (size_w ? 1 + size_w : 0);
	int subj_w = fmt->width - fixed;
	size_t start = out->len;

	char fl[3];
	fl[0] = (s->flags & UI_F_DELETED)    ? 'D'
		: !(s->flags & UI_F_SEEN)    ? 'N'
		: (s->flags & UI_F_ANSWERED) ? 'r'
					     : ' ';
	fl[1] = (s->flags & UI_F_TAGGED)    ? '*'
		: (s->flags & UI_F_FLAGGED) ? '!'
					    : ' ';
	fl[2] = (s->flags & UI_F_ATTACH) ? '+' : ' ';
	buf_add(out, fl, 3);
	buf_addch(out, ' ');

	char date[16];
	size_t dn = format_date(date, s->date, fmt);
	ui_fit(out, date, dn, date_w, UI_LEFT);
	buf_addch(out, ' ');
	fit_field(out, scratch, s->from, from_w, UI_LEFT);
	buf_addch(out, ' ');
	fit_field(out, scratch, s->subject, subj_w, UI_LEFT);
	if (size_w) {
		buf_addch(out, ' ');
		buf_reset(scratch);
		ui_format_size(scratch, s->size);
		ui_fit(out, scratch->data, scratch->len, size_w, UI_RIGHT);
	}
	if (subj_w < 0) {
		/* A terminal too narrow for the fixed columns: cut the whole
		 * row, which is plain sanitised text by now. */
		buf_reset(scratch);
		buf_add(scratch, out->data + start, out->len - start);
		buf_truncate(out, start);
		ui_fit(out, scratch->data, scratch->len, fmt->width, UI_LEFT);
	}
}
