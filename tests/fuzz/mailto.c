/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for mailto: URLs. The input (up to a NUL) is read
 * with "mailto:" put in front. Beyond "no memory error": whatever is
 * accepted is UTF-8, header fields hold no control character (no CR or
 * LF: no header injection, hostile-32 and hostile-46), the body no
 * control but tab and LF, every address passes mime_addr_check, the caps
 * hold, no taken field is in the ignored list, and writing the result
 * back as a URL with every byte escaped reads back to the same fields.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "postie/mime_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_text(const char *s, bool body)
{
	if (!s)
		return;
	size_t n = strlen(s);
	if (!utf8_valid(s, n))
		abort();
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\n' && body)
			continue;
		if (c == 0x7f || (c < 0x20 && !(c == '\t' && body)))
			abort();
	}
}

static void
put_escaped(struct buf *b, const char *s)
{
	for (; *s; s++)
		buf_addf(b, "%%%02X", (unsigned char)*s);
}

static bool
same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

static bool
same_list(char **a, size_t na, char **b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (strcmp(a[i], b[i]) != 0)
			return false;
	return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = xstrndup((const char *)data, size);
	char *url = xstrfmt("mailto:%s", in);
	struct mime_mailto m, r;
	struct perr e = PERR_INIT;

	free(in);
	if (mime_mailto_parse(url, &m, &e) < 0) {
		if (!e.msg[0] || m.to || m.subject || m.body || m.nignored)
			abort();
		free(url);
		return 0;
	}
	if (m.nto + m.ncc > MIME_MAILTO_RCPT_MAX)
		abort();
	for (size_t i = 0; i < m.nto + m.ncc; i++) {
		const char *a = i < m.nto ? m.to[i] : m.cc[i - m.nto];
		check_text(a, false);
		if (mime_addr_check(a, &e) < 0)
			abort();
	}
	check_text(m.subject, false);
	check_text(m.in_reply_to, false);
	check_text(m.body, true);
	if (m.subject && strlen(m.subject) > MIME_MAILTO_FIELD_MAX)
		abort();
	static const char *const taken[] = { "to", "cc", "subject", "body",
					     "in-reply-to" };
	size_t kept = m.nignored < MIME_MAILTO_IGNORED_MAX
			      ? m.nignored
			      : MIME_MAILTO_IGNORED_MAX;
	for (size_t i = 0; i < kept; i++) {
		check_text(m.ignored[i], false);
		for (size_t k = 0; k < ARRAY_SIZE(taken); k++)
			if (strcmp(m.ignored[i], taken[k]) == 0)
				abort();
	}

	/* Written back with every byte escaped, it reads the same. */
	struct buf b = BUF_INIT;
	buf_addstr(&b, "mailto:");
	for (size_t i = 0; i < m.nto; i++) {
		if (i)
			buf_addch(&b, ',');
		put_escaped(&b, m.to[i]);
	}
	buf_addstr(&b, "?x=1");
	for (size_t i = 0; i < m.ncc; i++) {
		buf_addstr(&b, "&cc=");
		put_escaped(&b, m.cc[i]);
	}
	static const char *const names[] = { "subject", "body",
					     "in-reply-to" };
	const char *vals[] = { m.subject, m.body, m.in_reply_to };
	for (size_t k = 0; k < ARRAY_SIZE(names); k++) {
		if (!vals[k])
			continue;
		buf_addf(&b, "&%s=", names[k]);
		put_escaped(&b, vals[k]);
	}
	if (b.len <= MIME_MAILTO_MAX) {
		if (mime_mailto_parse(b.data, &r, &e) < 0)
			abort();
		if (!same_list(m.to, m.nto, r.to, r.nto) ||
		    !same_list(m.cc, m.ncc, r.cc, r.ncc) ||
		    !same(m.subject, r.subject) || !same(m.body, r.body) ||
		    !same(m.in_reply_to, r.in_reply_to) || r.nignored != 1)
			abort();
		mime_mailto_release(&r);
	}
	buf_release(&b);
	mime_mailto_release(&m);
	free(url);
	return 0;
}
