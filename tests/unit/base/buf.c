/* SPDX-License-Identifier: ISC */
/* The buffer rules of buf.h, checked after every case. */
#include <string.h>

#include "harness.h"
#include "postie/base.h"

/* The rules: data never NULL, NUL-terminated, len < cap when owned, cap 0
 * exactly when pointing at the static empty string. */
static int
rules(const struct buf *b, const char *what)
{
	int good = b->data != NULL && b->data[b->len] == '\0' &&
		   (b->cap == 0 ? (b->data == buf_empty_ && b->len == 0)
				: b->len < b->cap);
	return ok(good, "rules hold after %s", what);
}

int
main(void)
{
	struct buf b = BUF_INIT;
	rules(&b, "BUF_INIT");
	is_str(b.data, "", "initial buffer reads as empty string");

	buf_addstr(&b, "hello");
	rules(&b, "addstr");
	is_str(b.data, "hello", "addstr appends");

	buf_addch(&b, ' ');
	buf_addf(&b, "%s %d", "world", 42);
	rules(&b, "addf");
	is_str(b.data, "hello world 42", "addf formats");

	buf_add(&b, "\0x", 2);
	rules(&b, "add with NUL");
	is_int((long)b.len, 16, "contents may hold NUL bytes");

	buf_truncate(&b, 5);
	rules(&b, "truncate");
	is_str(b.data, "hello", "truncate cuts");

	buf_insert(&b, 0, ">> ", 3);
	rules(&b, "insert");
	is_str(b.data, ">> hello", "insert at front");
	buf_insert(&b, b.len, "!", 1);
	is_str(b.data, ">> hello!", "insert at end");

	buf_remove(&b, 0, 3);
	rules(&b, "remove");
	is_str(b.data, "hello!", "remove from front");
	buf_remove(&b, 4, 100);
	is_str(b.data, "hell", "remove past the end is clamped");

	buf_addstr(&b, " \t\r\n");
	buf_rtrim(&b);
	rules(&b, "rtrim");
	is_str(b.data, "hell", "rtrim removes trailing white space");

	/* A long format forces growth inside vaddf. */
	buf_reset(&b);
	buf_addf(&b, "%0500d", 7);
	rules(&b, "long addf");
	is_int((long)b.len, 500, "long formatted append");
	ok(b.data[499] == '7' && b.data[0] == '0', "long append contents");

	char *dup = buf_strdup(&b);
	is_str(dup, b.data, "strdup copies");
	free(dup);

	size_t n;
	char *p = buf_detach(&b, &n);
	rules(&b, "detach");
	is_int((long)n, 500, "detach reports the length");
	ok(p[500] == '\0', "detached memory is terminated");
	free(p);

	p = buf_detach(&b, NULL);
	ok(p != NULL && p[0] == '\0' && p != buf_empty_,
	   "detach of an empty buffer gives a heap string");
	free(p);

	/* Many small appends: amortised growth keeps the rules. */
	for (int i = 0; i < 100000; i++)
		buf_addch(&b, 'a' + i % 26);
	rules(&b, "100000 appends");
	is_int((long)b.len, 100000, "all appends kept");
	ok(b.data[26] == 'a' && b.data[99999] == 'a' + 99999 % 26,
	   "appended bytes in order");

	buf_release(&b);
	rules(&b, "release");
	buf_addstr(&b, "again");
	is_str(b.data, "again", "a released buffer is usable again");
	buf_release(&b);

	/* Appending a buffer to itself must not read freed memory. */
	buf_addstr(&b, "abc");
	buf_add(&b, b.data, b.len);
	is_str(b.data, "abcabc", "append from own contents");
	buf_release(&b);
	return done_testing();
}
