/* SPDX-License-Identifier: ISC */
/*
 * Writing header fields for outgoing mail: RFC 5322 folding, RFC 2047
 * encoded words for non-ASCII text (unstructured fields and display
 * names), mailbox lists with address checks, and the Date field.
 *
 * Everything is UTF-8 on the way in and 7-bit ASCII on the way out, so a
 * message built here passes any server, 8BITMIME or not. Values holding
 * CR, LF or NUL are refused rather than cleaned (hostile-32): a line
 * break in a subject is an attempt to add a header, and silently changing
 * what the person typed would hide it.
 */
#include <string.h>

#include "postie/base.h"
#include "postie/buf.h"
#include "postie/mime_text.h"

/* RFC 5322 2.1.1: lines SHOULD be at most 78 characters. */
#define FOLD_AT 78
/* RFC 2047 2: an encoded word is at most 75 characters. */
#define EW_MAX 75
/* "=?UTF-8?B?" and "?=". */
#define EW_OVERHEAD 12
/* Room for the overhead and one 4-byte character in Q (12) or B (8). */
#define EW_MIN (EW_OVERHEAD + 12)

void
mime_fold_start(struct mime_fold *f, struct buf *out, const char *name)
{
	f->out = out;
	buf_addstr(out, name);
	buf_addch(out, ':');
	f->col = strlen(name) + 1;
	f->started = false;
}

static void
fold_space(struct mime_fold *f, size_t next)
{
	if (f->started && f->col + 1 + next > FOLD_AT) {
		buf_add(f->out, "\r\n ", 3);
		f->col = 1;
	} else {
		buf_addch(f->out, ' ');
		f->col++;
	}
}

void
mime_fold_token(struct mime_fold *f, const char *s, size_t n, bool space)
{
	if (space)
		fold_space(f, n);
	buf_add(f->out, s, n);
	f->col += n;
	f->started = true;
}

void
mime_fold_end(struct mime_fold *f)
{
	buf_add(f->out, "\r\n", 2);
	f->col = 0;
}

/* What Q may leave as it is. RFC 2047 5 (3): in a phrase only letters,
 * digits and "!*+-/". In unstructured text (5 (1)) any printable ASCII
 * but '=', '?' and '_', which Q itself uses; we also encode '(' and ')'
 * so that a reader treating the field as structured is not misled. */
static bool
q_safe(unsigned char c, bool phrase)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return true;
	if (phrase)
		return c == '!' || c == '*' || c == '+' || c == '-' || c == '/';
	return c > 0x20 && c < 0x7f && !strchr("=?_()\"", c);
}

static size_t
q_cost(unsigned char c, bool phrase)
{
	return (q_safe(c, phrase) || c == ' ') ? 1 : 3;
}

static size_t
char_len(const char *s, size_t n)
{
	uint32_t cp;
	size_t k = utf8_decode(s, n, &cp);
	return k ? k : 1;
}

/* Append one encoded word of at most max characters holding the longest
 * run of whole characters from the start of (s, n) that fits; returns
 * the bytes used (at least one character when max >= EW_MIN). */
static size_t
ew_one(struct buf *out, const char *s, size_t n, bool b64, bool phrase,
       size_t max)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t budget = max - EW_OVERHEAD, take = 0, q = 0;

	while (take < n) {
		size_t k = char_len(s + take, n - take);
		size_t cost;
		if (b64) {
			cost = 4 * ((take + k + 2) / 3);
		} else {
			cost = q;
			for (size_t j = 0; j < k; j++)
				cost += q_cost((unsigned char)s[take + j],
					       phrase);
		}
		if (cost > budget && take > 0)
			break;
		take += k;
		q = cost;
	}
	buf_addstr(out, b64 ? "=?UTF-8?B?" : "=?UTF-8?Q?");
	if (b64) {
		b64_encode(out, s, take, 0);
	} else {
		for (size_t j = 0; j < take; j++) {
			unsigned char c = (unsigned char)s[j];
			if (c == ' ') {
				buf_addch(out, '_');
			} else if (q_safe(c, phrase)) {
				buf_addch(out, c);
			} else {
				buf_addch(out, '=');
				buf_addch(out, hex[c >> 4]);
				buf_addch(out, hex[c & 15]);
			}
		}
	}
	buf_addstr(out, "?=");
	return take;
}

/* B or Q, whichever is shorter for the whole run. */
static bool
choose_b64(const char *s, size_t n, bool phrase)
{
	size_t q = 0;

	for (size_t i = 0; i < n; i++)
		q += q_cost((unsigned char)s[i], phrase);
	return 4 * ((n + 2) / 3) < q;
}

void
mime_fold_encoded(struct mime_fold *f, const char *s, size_t n, bool phrase,
		  bool space)
{
	bool b64 = choose_b64(s, n, phrase);
	struct buf w = BUF_INIT;
	size_t i = 0;

	while (i < n) {
		size_t sep = space ? 1 : 0;
		size_t room = FOLD_AT > f->col + sep ? FOLD_AT - f->col - sep
						     : 0;
		if (space && room < EW_MIN && f->started) {
			buf_add(f->out, "\r\n ", 3);
			f->col = 1;
			room = FOLD_AT - 1;
		} else if (space) {
			buf_addch(f->out, ' ');
			f->col++;
		}
		size_t max = room < EW_MAX ? room : EW_MAX;
		if (max < EW_MIN)
			max = EW_MIN;
		buf_reset(&w);
		i += ew_one(&w, s + i, n - i, b64, phrase, max);
		buf_add(f->out, w.data, w.len);
		f->col += w.len;
		f->started = true;
		space = true;
	}
	buf_release(&w);
}

void
mime_encode_words(struct buf *out, const char *s, size_t n, bool phrase,
		  size_t max)
{
	bool b64 = choose_b64(s, n, phrase);
	size_t i = 0;

	if (max < EW_MIN)
		max = EW_MIN;
	if (max > EW_MAX)
		max = EW_MAX;
	while (i < n) {
		if (i)
			buf_addch(out, ' ');
		i += ew_one(out, s + i, n - i, b64, phrase, max);
	}
}

/* Show a value in an error message: at most 60 bytes, controls as '?'. */
static void
shown(struct buf *b, const char *s)
{
	size_t n = strlen(s);
	size_t cut = utf8_cut(s, n, 60);

	for (size_t i = 0; i < cut; i++) {
		unsigned char c = (unsigned char)s[i];
		buf_addch(b, (c < 0x20 || c == 0x7f) ? '?' : c);
	}
	if (cut < n)
		buf_addstr(b, "...");
}

/* A header value must not hold CR, LF or NUL and must be UTF-8. */
static int
check_value(const char *field, const char *s, size_t n, struct perr *e)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\r' || s[i] == '\n')
			return perr_set(e, PERR_MESSAGE,
					"header '%s' holds a line break",
					field);
		if (s[i] == '\0')
			return perr_set(e, PERR_MESSAGE,
					"header '%s' holds a NUL byte", field);
	}
	if (!utf8_valid(s, n))
		return perr_set(e, PERR_MESSAGE,
				"header '%s' is not valid UTF-8", field);
	return 0;
}

static int
check_name(const char *name, struct perr *e)
{
	size_t n = strlen(name);

	if (n == 0 || n > 76)
		return perr_set(e, PERR_MESSAGE,
				"header name of %zu bytes", n);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c < 33 || c > 126 || c == ':') {
			struct buf b = BUF_INIT;
			shown(&b, name);
			perr_set(e, PERR_MESSAGE, "bad header name '%s'",
				 b.data);
			buf_release(&b);
			return -1;
		}
	}
	return 0;
}

static bool
needs_encoding(const char *w, size_t n)
{
	/* 900 leaves room under the 998-octet line limit for the name. */
	if (n > 900)
		return true;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)w[i];
		if (c < 0x20 || c >= 0x7f)
			return true;
		if (c == '=' && i + 1 < n && w[i + 1] == '?')
			return true;
	}
	return false;
}

/* RFC 5322 3.2.3 atext. */
static bool
is_atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || (c && strchr("!#$%&'*+-/=?^_`{|}~",
						       c) != NULL);
}

static bool
is_atom(const char *w, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_atext((unsigned char)w[i]))
			return false;
	return !(n > 1 && w[0] == '=' && w[1] == '?');
}

/* Write the words of (s, n): words for which plain() is false are
 * gathered with the spaces between them into runs of encoded words;
 * empty words inside a run join it so that their spaces survive. */
static void
put_words(struct mime_fold *f, const char *s, size_t n, bool phrase)
{
	size_t i = 0, run_start = 0, run_end = 0;
	bool run = false;

	for (;;) {
		const char *sp = memchr(s + i, ' ', n - i);
		size_t we = sp ? (size_t)(sp - s) : n;
		size_t wl = we - i;
		bool enc = phrase ? !is_atom(s + i, wl)
				  : needs_encoding(s + i, wl);

		if (wl == 0)
			enc = run;
		if (enc) {
			if (!run)
				run_start = i;
			run = true;
			run_end = we;
		} else {
			if (run) {
				mime_fold_encoded(f, s + run_start,
						  run_end - run_start, phrase,
						  true);
				run = false;
			}
			if (wl || !phrase)
				mime_fold_token(f, s + i, wl, true);
		}
		if (!sp)
			break;
		i = we + 1;
	}
	if (run)
		mime_fold_encoded(f, s + run_start, run_end - run_start,
				  phrase, true);
}

int
mime_put_unstructured(struct buf *out, const char *name, const char *text,
		      struct perr *e)
{
	struct mime_fold f;

	if (!text)
		text = "";
	if (check_name(name, e) < 0 ||
	    check_value(name, text, strlen(text), e) < 0)
		return -1;
	mime_fold_start(&f, out, name);
	put_words(&f, text, strlen(text), false);
	mime_fold_end(&f);
	return 0;
}

/* A display name: atoms as they are, other ASCII as a quoted string,
 * anything else as encoded words. */
static void
put_phrase(struct mime_fold *f, const char *name)
{
	size_t n = strlen(name);
	bool ascii = true, atoms = true;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c < 0x20 || c >= 0x7f)
			ascii = false;
		else if (c == ' ' ? (i == 0 || i + 1 == n || name[i + 1] == ' ')
				  : !is_atext(c))
			atoms = false;
	}
	if (ascii && atoms && !needs_encoding(name, n)) {
		put_words(f, name, n, true);
		return;
	}
	/* A quoted string, but without quoted pairs: too many readers get
	 * "a \"b\"" wrong, and an encoded word says the same safely. */
	if (ascii && n <= 200 && !needs_encoding(name, n) &&
	    !strpbrk(name, "\"\\")) {
		struct buf q = BUF_INIT;
		buf_addch(&q, '"');
		buf_add(&q, name, n);
		buf_addch(&q, '"');
		mime_fold_token(f, q.data, q.len, true);
		buf_release(&q);
		return;
	}
	if (ascii)
		mime_fold_encoded(f, name, n, true, true);
	else
		put_words(f, name, n, true);
}

static bool
is_label_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-';
}

static int
addr_fail(struct perr *e, const char *addr, const char *why)
{
	struct buf b = BUF_INIT;

	shown(&b, addr);
	perr_set(e, PERR_MESSAGE, "bad address '%s': %s", b.data, why);
	buf_release(&b);
	return -1;
}

int
mime_addr_check(const char *addr, struct perr *e)
{
	if (!addr || !*addr)
		return perr_set(e, PERR_MESSAGE, "empty address");
	size_t n = strlen(addr);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)addr[i];
		if (c < 0x20 || c == 0x7f)
			return addr_fail(e, addr, "control character");
		if (c >= 0x80)
			return addr_fail(e, addr, "non-ASCII character");
	}
	if (n > 254)
		return addr_fail(e, addr, "longer than 254 octets");
	const char *at = strrchr(addr, '@');
	if (!at)
		return addr_fail(e, addr, "no '@'");
	size_t ll = (size_t)(at - addr);
	const char *dom = at + 1;
	size_t dl = n - ll - 1;
	if (ll == 0)
		return addr_fail(e, addr, "empty local part");
	if (ll > 64)
		return addr_fail(e, addr, "local part longer than 64 octets");
	if (dl == 0)
		return addr_fail(e, addr, "empty domain");

	if (addr[0] == '"') {
		/* quoted-string local part: qtext and quoted pairs */
		if (ll < 2 || addr[ll - 1] != '"')
			return addr_fail(e, addr, "unbalanced quote");
		for (size_t i = 1; i + 1 < ll; i++) {
			if (addr[i] == '\\') {
				if (++i + 1 >= ll)
					return addr_fail(e, addr,
							 "unbalanced quote");
			} else if (addr[i] == '"') {
				return addr_fail(e, addr, "stray quote");
			}
		}
	} else {
		for (size_t i = 0; i < ll; i++) {
			unsigned char c = (unsigned char)addr[i];
			if (c == '.') {
				if (i == 0 || i + 1 == ll || addr[i + 1] == '.')
					return addr_fail(e, addr,
							 "misplaced dot");
			} else if (!is_atext(c)) {
				return addr_fail(e, addr,
						 "character not allowed in "
						 "the local part");
			}
		}
	}

	if (dom[0] == '[') {
		if (dom[dl - 1] != ']' || dl < 3)
			return addr_fail(e, addr, "bad domain literal");
		for (size_t i = 1; i + 1 < dl; i++)
			if (dom[i] == '[' || dom[i] == ']' || dom[i] == '\\' ||
			    dom[i] == ' ')
				return addr_fail(e, addr,
						 "bad domain literal");
		return 0;
	}
	size_t label = 0;
	for (size_t i = 0; i <= dl; i++) {
		if (i == dl || dom[i] == '.') {
			if (label == 0)
				return addr_fail(e, addr, "empty domain label");
			if (dom[i - 1] == '-' || dom[i - label] == '-')
				return addr_fail(e, addr,
						 "domain label starts or ends "
						 "with '-'");
			label = 0;
			continue;
		}
		if (!is_label_char((unsigned char)dom[i]))
			return addr_fail(e, addr,
					 "character not allowed in the domain");
		if (++label > 63)
			return addr_fail(e, addr,
					 "domain label longer than 63 octets");
	}
	return 0;
}

int
mime_put_addresses(struct buf *out, const char *name,
		   const struct mime_draft_addr *list, size_t n,
		   struct perr *e)
{
	struct mime_fold f;

	if (check_name(name, e) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		const char *dn = list[i].name ? list[i].name : "";
		if (mime_addr_check(list[i].addr, e) < 0 ||
		    check_value(name, dn, strlen(dn), e) < 0)
			return perr_prefix(e, "header '%s'", name);
	}
	mime_fold_start(&f, out, name);
	for (size_t i = 0; i < n; i++) {
		const char *dn = list[i].name ? list[i].name : "";
		struct buf a = BUF_INIT;

		if (*dn) {
			put_phrase(&f, dn);
			buf_addch(&a, '<');
			buf_addstr(&a, list[i].addr);
			buf_addch(&a, '>');
		} else {
			buf_addstr(&a, list[i].addr);
		}
		if (i + 1 < n)
			buf_addch(&a, ',');
		mime_fold_token(&f, a.data, a.len, true);
		buf_release(&a);
	}
	mime_fold_end(&f);
	return 0;
}

/* Days since 1970-01-01 to a civil date (proleptic Gregorian). */
static void
civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;

	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

int
mime_date_format(struct buf *out, int64_t t, int zone_min, struct perr *e)
{
	static const char *const wday[] = { "Thu", "Fri", "Sat", "Sun",
					    "Mon", "Tue", "Wed" };
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr",
					   "May", "Jun", "Jul", "Aug",
					   "Sep", "Oct", "Nov", "Dec" };

	if (zone_min < -1439 || zone_min > 1439)
		return perr_set(e, PERR_MESSAGE,
				"time zone offset of %d minutes", zone_min);
	/* Years 1900..9999 keep every intermediate value far from
	 * overflow. */
	if (t < -2208988800LL || t > 253402300799LL)
		return perr_set(e, PERR_MESSAGE,
				"date outside the years 1900 to 9999");
	int64_t lt = t + (int64_t)zone_min * 60;
	int64_t days = lt >= 0 ? lt / 86400 : -((-lt + 86399) / 86400);
	int64_t secs = lt - days * 86400;
	int64_t y;
	int m, d;

	civil_from_days(days, &y, &m, &d);
	if (y < 1900 || y > 9999)
		return perr_set(e, PERR_MESSAGE,
				"date outside the years 1900 to 9999");
	int a = zone_min < 0 ? -zone_min : zone_min;
	buf_addf(out, "%s, %d %s %04d %02d:%02d:%02d %c%02d%02d",
		 wday[((days % 7) + 7) % 7], d, mon[m - 1], (int)y,
		 (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60),
		 zone_min < 0 ? '-' : '+', a / 60, a % 60);
	return 0;
}
