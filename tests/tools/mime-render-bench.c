/* SPDX-License-Identifier: ISC */
/*
 * The cost of reading messages without the cost of starting a process:
 * each file named on standard input (one path a line) is read, parsed,
 * its common header fields decoded, its body chosen, converted and made
 * terminal-safe, and its parts listed with their sizes, all in this one
 * process, as the pager does. Prints the file count, bytes and time.
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

static size_t
render(const char *p, size_t len)
{
	static const char *const fields[] = { "From", "To", "Cc", "Subject",
					      "Date" };
	struct mime_message m;
	struct buf out = BUF_INIT, t = BUF_INIT;
	size_t n;

	mime_message_parse(&m, p, len, NULL);
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		const struct mime_field *f =
			mime_headers_get(&m.root->headers, fields[i]);
		if (!f)
			continue;
		buf_reset(&t);
		if (i < 3) {
			struct mime_addr_list l = { 0 };
			mime_addr_parse(&l, f->value.p, f->value.len,
					(const char *const *)m.assumed);
			mime_addr_format(&t, &l);
			mime_addr_list_release(&l);
		} else {
			mime_decode_header(&t, f->value.p, f->value.len,
					   (const char *const *)m.assumed);
		}
		mime_sanitize(&out, t.data, t.len, false);
	}
	const struct mime_part *b = mime_choose_body(&m, false);
	if (b) {
		buf_reset(&t);
		mime_part_text(&t, &m, b, 80);
		mime_sanitize(&out, t.data, t.len, true);
	}
	for (size_t i = 0; i < m.nleaves; i++)
		buf_addf(&out, "%zu", mime_part_size(m.leaves[i]));
	n = out.len;
	buf_release(&t);
	buf_release(&out);
	mime_message_release(&m);
	return n;
}

int
main(void)
{
	char line[4096];
	size_t files = 0, bytes = 0, shown = 0;
	double spent = 0;

	while (fgets(line, sizeof(line), stdin)) {
		line[strcspn(line, "\n")] = '\0';
		struct buf b = BUF_INIT;
		struct perr e = PERR_INIT;
		if (file_read_all(line, &b, (size_t)1 << 30, &e) < 0) {
			fprintf(stderr, "mime-render-bench: %s\n", e.msg);
			return 1;
		}
		double t0 = now();
		shown += render(b.data, b.len);
		spent += now() - t0;
		files++;
		bytes += b.len;
		buf_release(&b);
	}
	printf("in one process: %zu files, %.1f MiB in %.3f s (%.1f MB/s), "
	       "%zu bytes shown\n",
	       files, bytes / 1048576.0, spent, bytes / spent / 1e6, shown);
	return 0;
}
