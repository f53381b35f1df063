/* SPDX-License-Identifier: ISC */
/*
 * Dates: RFC 5322 section 3.3 and the obsolete forms of section 4.3
 * (named zones, two- and three-digit years, comments), plus what mailers
 * write anyway: no day name, no seconds, ctime order ("Mon Jan  2
 * 15:04:05 2006"), a zone in parentheses after the offset. The tokens are
 * classified by shape, not position, so the order of day, month and year
 * matters little. Anything else is "not a date": the caller shows the raw
 * text; nothing here overflows on year 99999 or a "-9999" zone.
 */
#include <string.h>

#include "postie/mime.h"
#include "private.h"

static const char months[] = "janfebmaraprmayjunjulaugsepoctnovdec";

static const struct {
	const char *name;
	int min;
} zones[] = {
	{ "ut", 0 },	    { "utc", 0 },	{ "gmt", 0 },
	{ "z", 0 },	    { "est", -5 * 60 }, { "edt", -4 * 60 },
	{ "cst", -6 * 60 }, { "cdt", -5 * 60 }, { "mst", -7 * 60 },
	{ "mdt", -6 * 60 }, { "pst", -8 * 60 }, { "pdt", -7 * 60 },
	{ "cet", 60 },	    { "cest", 120 },	{ "bst", 60 },
	{ "jst", 9 * 60 },  { "kst", 9 * 60 },	{ "hkt", 8 * 60 },
};

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar. */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static bool
all_digits(const char *p, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return false;
	return true;
}

static int
num(const char *p, size_t n)
{
	int v = 0;

	for (size_t i = 0; i < n && i < 9; i++)
		v = v * 10 + (p[i] - '0');
	return n > 9 ? 999999999 : v;
}

static int parse_clean(const char *p, size_t len, int64_t *t, int *tz_min);

/* Comments removed and "09 : 55" made "09:55" first, so the tokenizer
 * sees one shape per token (RFC 5322 section 4.3 allows CFWS around the
 * colons). */
int
mime_date_parse(const char *p, size_t len, int64_t *t, int *tz_min)
{
	char c[256];
	size_t n = 0, depth = 0;

	*t = 0;
	*tz_min = 0;
	for (size_t i = 0; i < len; i++) {
		if (depth || p[i] == '(') {
			if (p[i] == '(')
				depth++;
			else if (p[i] == ')')
				depth--;
			if (!depth && n && c[n - 1] != ' ')
				c[n++] = ' ';
		} else {
			c[n++] = is_lwsp(p[i]) ? ' ' : p[i];
		}
		if (n >= sizeof(c) - 1)
			return -1;
	}
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (c[i] == ' ') {
			size_t j = i;
			while (j < n && c[j] == ' ')
				j++;
			if ((j < n && c[j] == ':') || (o && c[o - 1] == ':')) {
				i = j - 1;
				continue;
			}
		}
		c[o++] = c[i];
	}
	return parse_clean(c, o, t, tz_min);
}

static int
parse_clean(const char *p, size_t len, int64_t *t, int *tz_min)
{
	int day = -1, mon = -1, year = -1, hh = -1, mm = 0, ss = 0;
	int zone = 0;
	bool have_zone = false, pm = false, am = false;
	size_t depth = 0;

	*t = 0;
	*tz_min = 0;
	for (size_t i = 0; i < len;) {
		char c = p[i];
		if (depth) {
			if (c == '(')
				depth++;
			else if (c == ')')
				depth--;
			i++;
			continue;
		}
		if (c == '(') {
			depth = 1;
			i++;
			continue;
		}
		if (is_lwsp(c) || c == ',') {
			i++;
			continue;
		}
		size_t s = i;
		if (c == '+' || c == '-')
			i++;
		while (i < len && !is_lwsp(p[i]) && p[i] != ',' &&
		       p[i] != '(' && !((p[i] == '+' || p[i] == '-') &&
					i > s && p[s] != '-' && p[s] != '+' &&
					memchr(p + s, ':', i - s)))
			i++;
		const char *w = p + s;
		size_t n = i - s;
		if ((w[0] == '+' || w[0] == '-') && n >= 2 &&
		    all_digits(w + 1, n - 1) && !have_zone) {
			int v = num(w + 1, n - 1);
			int h = n - 1 <= 2 ? v : v / 100;
			int m = n - 1 <= 2 ? 0 : v % 100;
			if (h <= 23 && m <= 59)
				zone = (h * 60 + m) * (w[0] == '-' ? -1 : 1);
			have_zone = true;
			continue;
		}
		if (memchr(w, ':', n)) {
			int part[3] = { -1, 0, 0 }, k = 0;
			size_t a = 0;
			for (size_t b = 0; b <= n && k < 3; b++) {
				if (b == n || w[b] == ':') {
					if (!all_digits(w + a, b - a) ||
					    b - a > 2)
						return -1;
					part[k++] = num(w + a, b - a);
					a = b + 1;
				}
			}
			hh = part[0];
			mm = part[1];
			ss = part[2];
			continue;
		}
		if (all_digits(w, n)) {
			int v = num(w, n);
			if (n <= 2 && day < 0)
				day = v;
			else if (year < 0)
				year = n == 2 ? (v < 50 ? 2000 + v : 1900 + v)
				     : n == 3 ? 1900 + v
					      : v;
			continue;
		}
		if (n >= 3) {
			char lw[5] = { 0 };
			size_t k;
			for (k = 0; k < n && k < 4; k++)
				lw[k] = (char)ascii_lower((unsigned char)w[k]);
			for (int m = 0; m < 12 && mon < 0; m++)
				if (memcmp(lw, months + m * 3, 3) == 0)
					mon = m + 1;
			if (mon >= 0 && memcmp(lw, months + (mon - 1) * 3,
					       3) == 0)
				continue;
		}
		if (n == 2 && ascii_strncasecmp(w, "pm", 2) == 0) {
			pm = true;
			continue;
		}
		if (n == 2 && ascii_strncasecmp(w, "am", 2) == 0) {
			am = true;
			continue;
		}
		if (!have_zone && n <= 4) {
			for (size_t z = 0; z < ARRAY_SIZE(zones); z++) {
				if (strlen(zones[z].name) == n &&
				    ascii_strncasecmp(w, zones[z].name, n) ==
					    0) {
					zone = zones[z].min;
					have_zone = true;
					break;
				}
			}
		}
		/* day names and other words are ignored */
	}
	if (pm && hh >= 1 && hh < 12)
		hh += 12;
	if (am && hh == 12)
		hh = 0;
	if (day < 1 || day > 31 || mon < 1 || year < 1000 || year > 9999)
		return -1;
	if (hh < 0) {
		hh = 0;
	}
	if (hh > 23 || mm > 59 || ss > 60)
		return -1;
	int64_t d = days_from_civil(year, mon, day);
	*t = d * 86400 + hh * 3600 + mm * 60 + ss - (int64_t)zone * 60;
	*tz_min = zone;
	return 0;
}
