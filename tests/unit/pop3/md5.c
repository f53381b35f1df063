/* SPDX-License-Identifier: ISC */
/*
 * MD5 against the test suite of RFC 1321 A.5, fed whole and in pieces,
 * and the APOP digest of RFC 1939's example.
 */
#include <string.h>

#include "harness.h"
#include "md5.h"
#include "postie/pop3.h"

static const struct {
	const char *in, *hex;
} vectors[] = {
	{ "", "d41d8cd98f00b204e9800998ecf8427e" },
	{ "a", "0cc175b9c0f1b6a831c399e269772661" },
	{ "abc", "900150983cd24fb0d6963f7d28e17f72" },
	{ "message digest", "f96b697d7cb7938d525a2f31aaf161d0" },
	{ "abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b" },
	{ "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
	  "d174ab98d277d9f5a5611c2c9f419d9f" },
	{ "1234567890123456789012345678901234567890123456789012345678901234"
	  "5678901234567890",
	  "57edf4a22be3c955ac49da2e2107b67a" },
};

static void
hex(const unsigned char d[16], char out[33])
{
	for (int i = 0; i < 16; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

int
main(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(vectors); i++) {
		struct pop3_md5 m;
		unsigned char d[16];
		char h[33];
		size_t n = strlen(vectors[i].in);

		pop3_md5_init(&m);
		pop3_md5_update(&m, vectors[i].in, n);
		pop3_md5_final(&m, d);
		hex(d, h);
		is_str(h, vectors[i].hex, "MD5 of '%s'", vectors[i].in);

		pop3_md5_init(&m);
		for (size_t k = 0; k < n; k++)
			pop3_md5_update(&m, vectors[i].in + k, 1);
		pop3_md5_final(&m, d);
		hex(d, h);
		is_str(h, vectors[i].hex, "MD5 of '%s' a byte at a time",
		       vectors[i].in);
	}

	/* lengths around the 56-byte padding boundary */
	static const char *const pad[] = {
		"ef1772b6dff9a122358552954ad0df65", /* 55 'a' */
		"3b0c8ac703f828b04c6c197006d17218", /* 56 'a' */
		"014842d480b571495a4a0363793f7367", /* 64 'a' */
	};
	static const size_t padlen[] = { 55, 56, 64 };
	for (size_t i = 0; i < ARRAY_SIZE(pad); i++) {
		char a[64], h[33];
		unsigned char d[16];
		struct pop3_md5 m;
		memset(a, 'a', sizeof(a));
		pop3_md5_init(&m);
		pop3_md5_update(&m, a, padlen[i]);
		pop3_md5_final(&m, d);
		hex(d, h);
		is_str(h, pad[i], "MD5 of %zu 'a'", padlen[i]);
	}

	char digest[33];
	static const char ts[] = "<1896.697170952@dbc.mtview.ca.us>";
	pop3_apop_digest(ts, strlen(ts), "tanstaaf", 8, digest);
	is_str(digest, "c4c9334bac560ecc979e58001b3e22fb",
	       "APOP digest of RFC 1939's example");
	return done_testing();
}
