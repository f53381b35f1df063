/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for the bytes an SMTP server controls and the bytes
 * postie sends: the input goes through the net line reader (in-memory
 * transport) twice, whole and in pieces sized by the first byte, which
 * must agree; each line goes to the reply parser, and each complete reply
 * to the capability parser. The input also goes through the DATA encoder
 * whole and in pieces, which must agree, and whose output must never hold
 * a bare CR, a bare LF or a line starting with a lone '.'.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "postie/net.h"
#include "postie/smtp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
replies(const char *p, size_t size, size_t chunk, struct buf *out)
{
	struct net_conn *c = net_conn_fake(p, size, chunk, 1024);
	struct smtp_reply r;
	struct perr e = PERR_INIT;
	struct slice line;

	smtp_reply_init(&r);
	while (net_read_line(c, &line, &e) == 0) {
		int rc = smtp_reply_feed(&r, line.p, line.len, &e);
		if (rc < 0) {
			buf_addf(out, "ERR %s\n", e.msg);
			smtp_reply_reset(&r);
			continue;
		}
		if (rc == 1) {
			struct smtp_caps caps;
			smtp_caps_parse(&caps, &r);
			buf_addf(out, "%d %s|", r.code, r.enh);
			smtp_caps_describe(&caps, out);
			buf_addch(out, '\n');
			if (caps.auth[0])
				net_sasl_choose(caps.auth, true, true);
		}
	}
	buf_addf(out, "END %s", e.msg);
	smtp_reply_release(&r);
	net_close(c);
}

static int
encode(const char *p, size_t size, size_t step, struct buf *out)
{
	struct smtp_dot d;
	struct perr e = PERR_INIT;

	smtp_dot_init(&d);
	for (size_t off = 0; off < size; off += step) {
		size_t n = size - off < step ? size - off : step;
		if (smtp_dot_encode(&d, out, p + off, n, &e) < 0)
			return -1;
	}
	smtp_dot_finish(&d, out);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t step = (size_t)(data[0] % 32) + 1;
	const char *p = (const char *)data + 1;
	size--;

	struct buf whole = BUF_INIT, pieces = BUF_INIT;
	replies(p, size, 0, &whole);
	replies(p, size, step, &pieces);
	if (whole.len != pieces.len ||
	    memcmp(whole.data, pieces.data, whole.len) != 0)
		abort();
	buf_reset(&whole);
	buf_reset(&pieces);

	int a = encode(p, size, size ? size : 1, &whole);
	int b = encode(p, size, step, &pieces);
	if (a != b)
		abort();
	if (a == 0) {
		if (whole.len != pieces.len ||
		    memcmp(whole.data, pieces.data, whole.len) != 0)
			abort();
		/* CRLF only, and no line that reads as the end of data
		 * before the real end. */
		const char *s = whole.data, *end = whole.data + whole.len;
		for (const char *q = s; q < end; q++) {
			if (*q == '\r' && (q + 1 == end || q[1] != '\n'))
				abort();
			if (*q == '\n' && (q == s || q[-1] != '\r'))
				abort();
		}
		const char *last = end - 3;
		for (const char *q = s; q < last; q++)
			if ((q == s || q[-1] == '\n') && q[0] == '.' &&
			    q[1] == '\r')
				abort();
	}
	buf_release(&whole);
	buf_release(&pieces);
	return 0;
}
