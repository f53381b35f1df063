/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for the POP3 parsers: every line of the input through
 * the reply, greeting, STAT, CAPA, UIDL and LIST parsers, and the whole
 * input through the multi-line reader twice, whole and in pieces sized by
 * the first byte, which must agree.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "postie/pop3.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
run(const char *p, size_t size, size_t step, struct buf *out)
{
	struct pop3_ml m;
	int rc = POP3_ML_NEED_MORE;
	size_t fed = 0;

	pop3_ml_init(&m, 512, 8192);
	while (fed < size && rc != POP3_ML_END && rc != -1) {
		size_t n = size - fed < step ? size - fed : step;
		pop3_ml_feed(&m, p + fed, n);
		fed += n;
		for (;;) {
			const char *line;
			size_t len;
			struct perr e = PERR_INIT;
			rc = pop3_ml_next(&m, &line, &len, &e);
			if (rc != POP3_ML_LINE) {
				if (rc == -1)
					buf_addf(out, "ERR %s", e.msg);
				break;
			}
			buf_add(out, line, len);
			buf_addch(out, '\n');
		}
	}
	if (rc == POP3_ML_END)
		buf_addf(out, "END %zu", pop3_ml_pending(&m) + (size - fed));
	else if (rc != -1 && pop3_ml_finish(&m, NULL) < 0)
		buf_addstr(out, "TRUNCATED");
	pop3_ml_release(&m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t step = (size_t)(data[0] % 32) + 1;
	const char *p = (const char *)data + 1;
	size--;

	const char *end = p + size, *s = p;
	struct buf ts = BUF_INIT;
	struct pop3_caps caps = { 0 };
	struct pop3_uidl_list l;
	pop3_uidl_init(&l, 100);
	while (s < end) {
		const char *lf = memchr(s, '\n', (size_t)(end - s));
		size_t n = lf ? (size_t)(lf - s) + 1 : (size_t)(end - s);
		struct pop3_reply r;
		struct perr e = PERR_INIT;
		uint32_t u32;
		uint64_t u64;
		struct slice uid;
		pop3_parse_reply(s, n, &r, &e);
		pop3_parse_greeting(s, n, &ts, &e);
		pop3_parse_stat(s, n, &u32, &u64, &e);
		pop3_caps_add_line(&caps, s, n, &e);
		if (pop3_parse_uidl_line(s, n, &u32, &uid, &e) == 0 &&
		    !pop3_uid_valid(uid.p, uid.len))
			abort();
		pop3_parse_list_line(s, n, &u32, &u64, &e);
		pop3_uidl_add(&l, s, n, &e);
		s += n;
	}
	char digest[33];
	pop3_apop_digest(ts.data, ts.len, p, size, digest);
	if (strlen(digest) != 32)
		abort();
	buf_release(&ts);
	pop3_uidl_release(&l);

	struct buf whole = BUF_INIT, pieces = BUF_INIT;
	run(p, size, size ? size : 1, &whole);
	run(p, size, step, &pieces);
	if (whole.len != pieces.len ||
	    memcmp(whole.data, pieces.data, whole.len) != 0)
		abort();
	buf_release(&whole);
	buf_release(&pieces);
	return 0;
}
