/* SPDX-License-Identifier: ISC */
/* base64: RFC 4648 vectors, MIME wrapping, the lenient decoder's report,
 * and the strict decoder. */
#include <string.h>

#include "harness.h"
#include "postie/base.h"

static const struct {
	const char *plain, *enc;
} vectors[] = {
	{ "", "" },
	{ "f", "Zg==" },
	{ "fo", "Zm8=" },
	{ "foo", "Zm9v" },
	{ "foob", "Zm9vYg==" },
	{ "fooba", "Zm9vYmE=" },
	{ "foobar", "Zm9vYmFy" },
	{ "\xe4\xb8\xad\xe6\x96\x87", "5Lit5paH" }, /* 中文 */
};

struct lenient_case {
	const char *in;
	const char *out;
	size_t outlen;
	size_t ws, junk, trailing;
	bool truncated;
	const char *name;
};

static const struct lenient_case lenient[] = {
	{ "Zm9v\r\nYmFy", "foobar", 6, 2, 0, 0, false, "CRLF between groups" },
	{ "Zm9\r\nvYmFy", "foobar", 6, 2, 0, 0, false, "CRLF inside a group" },
	{ " Z m 9 v ", "foo", 3, 5, 0, 0, false, "spaces everywhere" },
	{ "Zm9v!YmFy", "foobar", 6, 0, 1, 0, false, "junk byte skipped" },
	{ "Zm9vYg", "foob", 4, 0, 0, 0, true, "missing padding" },
	{ "Zm9vYmE", "fooba", 5, 0, 0, 0, true, "missing one pad" },
	{ "Zg==Zm9v", "f", 1, 0, 0, 4, false, "data after padding reported" },
	{ "Zg==\r\n", "f", 1, 2, 0, 0, false, "padding then line end" },
	{ "=Zm9v", "foo", 3, 0, 1, 0, false, "padding where none can stand" },
	{ "Z", "", 0, 0, 0, 0, true, "a lone character" },
	{ "Zm9vYmFyZm9vYmFyZm9vYmFy", "foobarfoobarfoobar", 18, 0, 0, 0, false,
	  "fast path, several groups" },
	{ "Zm9vYmFyZm9vYmFy\x80Zm9v", "foobarfoobarfoo", 15, 0, 1, 0, false,
	  "8-bit junk in the fast path" },
};

int
main(void)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < ARRAY_SIZE(vectors); i++) {
		buf_reset(&b);
		b64_encode(&b, vectors[i].plain, strlen(vectors[i].plain), 0);
		is_str(b.data, vectors[i].enc, "encode '%s'", vectors[i].enc);
		buf_reset(&b);
		is_int(b64_decode_strict(&b, vectors[i].enc,
					 strlen(vectors[i].enc)),
		       0, "strict decode '%s' succeeds", vectors[i].enc);
		is_str(b.data, vectors[i].plain, "strict decode '%s'",
		       vectors[i].enc);
	}

	for (size_t i = 0; i < ARRAY_SIZE(lenient); i++) {
		const struct lenient_case *c = &lenient[i];
		struct b64_report rep;
		buf_reset(&b);
		size_t n = b64_decode(&b, c->in, strlen(c->in), &rep);
		is_mem(b.data, b.len, c->out, c->outlen, "lenient: %s", c->name);
		ok(n == c->outlen && rep.whitespace == c->ws &&
			   rep.junk == c->junk && rep.trailing == c->trailing &&
			   rep.truncated == c->truncated,
		   "lenient report: %s (ws %zu junk %zu trailing %zu trunc %d)",
		   c->name, rep.whitespace, rep.junk, rep.trailing,
		   rep.truncated);
	}

	/* The decoder appends: earlier contents stay. */
	buf_reset(&b);
	buf_addstr(&b, "x:");
	b64_decode(&b, "Zm9v", 4, NULL);
	is_str(b.data, "x:foo", "decode appends to what is there");

	static const char *const strict_bad[] = {
		"Zm9", "Zm9v\n", "Zm 9v", "Zg=", "Zh==", "Zm9!", "====",
	};
	for (size_t i = 0; i < ARRAY_SIZE(strict_bad); i++) {
		buf_reset(&b);
		ok(b64_decode_strict(&b, strict_bad[i], strlen(strict_bad[i])) ==
				   -1 && b.len == 0,
		   "strict decode refuses '%s'", strict_bad[i]);
	}

	/* MIME wrapping: 76 characters a line, CRLF between. */
	unsigned char bin[300];
	for (size_t i = 0; i < sizeof(bin); i++)
		bin[i] = (unsigned char)(i * 7 + 3);
	buf_reset(&b);
	b64_encode(&b, bin, sizeof(bin), 76);
	const char *first_crlf = strstr(b.data, "\r\n");
	ok(first_crlf && first_crlf - b.data == 76, "first line is 76 wide");
	ok(b.len >= 2 && memcmp(b.data + b.len - 2, "\r\n", 2) != 0,
	   "no line break after the last line");
	struct buf d = BUF_INIT;
	struct b64_report rep;
	b64_decode(&d, b.data, b.len, &rep);
	is_mem(d.data, d.len, bin, sizeof(bin), "wrapped round trip");
	ok(rep.junk == 0 && rep.trailing == 0 && !rep.truncated,
	   "wrapped round trip reports only white space");

	/* Every byte value and every length 0..64 round-trips. */
	int all = 1;
	unsigned char every[256];
	for (int i = 0; i < 256; i++)
		every[i] = (unsigned char)i;
	for (size_t len = 0; len <= 64 && all; len++) {
		buf_reset(&b);
		buf_reset(&d);
		b64_encode(&b, every + 100, len, 0);
		b64_decode(&d, b.data, b.len, NULL);
		all = d.len == len && memcmp(d.data, every + 100, len) == 0;
	}
	ok(all, "round trip of lengths 0 to 64");
	buf_release(&b);
	buf_release(&d);
	return done_testing();
}
