/* SPDX-License-Identifier: ISC */
/*
 * Throughput of the transfer decoders on generated data: base64 (base's
 * lenient b64_decode, as MIME bodies use it, with CRLF every 76
 * characters) and quoted-printable (mime_qp_decode on text with escapes
 * and soft breaks, as mailers write it). Prints one line per codec with
 * MB/s of decoded output (1 MB = 10^6 bytes), best of three runs.
 *
 *	mime-codec-bench [MIB]     64 MiB by default
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "postie/base.h"
#include "postie/mime.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	size_t mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 64;
	if (mib == 0 || mib > 4096) {
		fprintf(stderr, "mime-codec-bench: size in MiB, 1 to 4096\n");
		return 64;
	}
	size_t n = mib << 20;
	unsigned char *raw = xmalloc(n);
	uint32_t x = 2463534242u;
	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		raw[i] = (unsigned char)x;
	}

	struct buf enc = BUF_INIT, dec = BUF_INIT;
	b64_encode(&enc, raw, n, 76);
	buf_grow(&dec, n);
	double best = 1e9;
	for (int r = 0; r < 3; r++) {
		buf_reset(&dec);
		double t0 = now();
		b64_decode(&dec, enc.data, enc.len, NULL);
		double t = now() - t0;
		if (t < best)
			best = t;
	}
	if (dec.len != n || memcmp(dec.data, raw, n) != 0) {
		fprintf(stderr, "mime-codec-bench: base64 round trip failed\n");
		return 1;
	}
	printf("base64 decode: %zu MiB in %.3f s = %.0f MB/s\n", mib, best,
	       n / best / 1e6);

	/* Quoted-printable as mailers write it: mostly text, escapes for
	 * 8-bit bytes (UTF-8 CJK), soft breaks at 76 columns. */
	buf_reset(&enc);
	size_t col = 0;
	for (size_t i = 0; enc.len < n; i++) {
		unsigned char c = raw[i % n];
		char tmp[4];
		size_t l;
		if (c % 4 == 0) {
			static const char hex[] = "0123456789ABCDEF";
			tmp[0] = '=';
			tmp[1] = hex[(c | 0x80) >> 4];
			tmp[2] = hex[c & 15];
			l = 3;
		} else {
			tmp[0] = (char)('a' + c % 26);
			if (c % 11 == 0)
				tmp[0] = ' ';
			l = 1;
		}
		if (col + l > 75) {
			buf_add(&enc, "=\r\n", 3);
			col = 0;
		}
		buf_add(&enc, tmp, l);
		col += l;
	}
	best = 1e9;
	size_t out = 0;
	for (int r = 0; r < 3; r++) {
		buf_reset(&dec);
		double t0 = now();
		mime_qp_decode(&dec, enc.data, enc.len, false);
		double t = now() - t0;
		if (t < best)
			best = t;
		out = dec.len;
	}
	printf("quoted-printable decode: %.0f MiB in, %.0f MiB out in %.3f s "
	       "= %.0f MB/s of input\n",
	       enc.len / 1048576.0, out / 1048576.0, best,
	       enc.len / best / 1e6);
	buf_release(&enc);
	buf_release(&dec);
	free(raw);
	return 0;
}
