/* SPDX-License-Identifier: ISC */
/*
 * The command writer: tags, astring forms (atom, quoted, literal with and
 * without LITERAL+ / LITERAL-), mailbox names through modified UTF-7.
 */
#include <string.h>

#include "harness.h"
#include "postie/imap.h"

static const struct {
	const char *arg;
	unsigned flags;
	const char *want;
	size_t nwaits;
} cases[] = {
	{ "user", 0, "A1 LOGIN user", 0 },
	{ "a]b", 0, "A1 LOGIN a]b", 0 },
	{ "", 0, "A1 LOGIN \"\"", 0 },
	{ "NIL", 0, "A1 LOGIN \"NIL\"", 0 },
	{ "two words", 0, "A1 LOGIN \"two words\"", 0 },
	{ "q\"b\\s", 0, "A1 LOGIN \"q\\\"b\\\\s\"", 0 },
	{ "a(b", 0, "A1 LOGIN \"a(b\"", 0 },
	{ "a%b*", 0, "A1 LOGIN \"a%b*\"", 0 },
	{ "line\r\nbreak", 0, "A1 LOGIN {11}\r\nline\r\nbreak", 1 },
	{ "line\nbreak", IMAP_CMD_LITERALPLUS,
	  "A1 LOGIN {10+}\r\nline\nbreak", 0 },
	{ "line\nbreak", IMAP_CMD_LITERALMINUS,
	  "A1 LOGIN {10+}\r\nline\nbreak", 0 },
	{ "密码", 0, "A1 LOGIN {6}\r\n密码", 1 },
	{ "密码", IMAP_CMD_UTF8, "A1 LOGIN \"密码\"", 0 },
};

int
main(void)
{
	struct imap_tagger tg;
	char tag[IMAP_TAG_SIZE];

	imap_tagger_init(&tg);
	is_str(imap_tag_next(&tg, tag), "A1", "first tag");
	is_str(imap_tag_next(&tg, tag), "A2", "second tag");
	tg.next = 999999999;
	is_str(imap_tag_next(&tg, tag), "A999999999", "largest tag");
	is_str(imap_tag_next(&tg, tag), "A1", "tags wrap to A1");

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct imap_cmd c;
		struct perr e = PERR_INIT;
		imap_cmd_init(&c, "A1", "LOGIN", cases[i].flags);
		ok(imap_cmd_astring(&c, cases[i].arg, strlen(cases[i].arg),
				    &e) == 0, "astring %zu accepted", i);
		is_str(c.text.data, cases[i].want, "astring %zu form", i);
		is_int((intmax_t)c.nwaits, (intmax_t)cases[i].nwaits,
		       "astring %zu wait points", i);
		imap_cmd_release(&c);
	}

	/* LITERAL- allows the non-synchronising form only to 4096 bytes. */
	struct imap_cmd c;
	struct perr e = PERR_INIT;
	char big[5000];
	memset(big, 'x', sizeof(big));
	big[0] = '\n';
	imap_cmd_init(&c, "A3", "APPEND", IMAP_CMD_LITERALMINUS);
	imap_cmd_astring(&c, big, sizeof(big), &e);
	ok(c.nwaits == 1 && strncmp(c.text.data, "A3 APPEND {5000}\r\n",
				    18) == 0,
	   "LITERAL- over 4096 bytes synchronises");
	is_int((intmax_t)c.waits[0], 18, "the wait point follows the CRLF");
	imap_cmd_release(&c);

	imap_cmd_init(&c, "A4", "LOGIN", IMAP_CMD_LITERALPLUS);
	ok(imap_cmd_astring(&c, "a\0b", 3, &e) == -1 &&
		   e.kind == PERR_MESSAGE,
	   "hostile-5: a NUL byte cannot be sent");
	imap_cmd_release(&c);

	imap_cmd_init(&c, "A5", "SELECT", 0);
	ok(imap_cmd_mailbox(&c, "已发送", strlen("已发送"), false, &e) == 0,
	   "mailbox name encoded");
	imap_cmd_finish(&c);
	is_str(c.text.data, "A5 SELECT &XfJT0ZAB-\r\n",
	       "SELECT of a Chinese folder in modified UTF-7");
	imap_cmd_release(&c);

	imap_cmd_init(&c, "A6", "SELECT", 0);
	ok(imap_cmd_mailbox(&c, "&bad", 4, true, &e) == 0,
	   "hostile-13: an opaque name is sent back as it came");
	is_str(c.text.data, "A6 SELECT &bad", "unchanged");
	imap_cmd_release(&c);

	imap_cmd_init(&c, "A7", "SELECT", IMAP_CMD_UTF8);
	imap_cmd_mailbox(&c, "Sent & Co 已发送", strlen("Sent & Co 已发送"),
			 false, &e);
	is_str(c.text.data, "A7 SELECT \"Sent & Co 已发送\"",
	       "UTF8=ACCEPT sends UTF-8 quoted");
	imap_cmd_release(&c);

	struct imap_seqset s = IMAP_SEQSET_INIT;
	imap_seqset_add(&s, 1, 4);
	imap_seqset_add(&s, 9, IMAP_SEQ_STAR);
	imap_cmd_init(&c, "A8", "UID FETCH", 0);
	imap_cmd_seqset(&c, &s);
	imap_cmd_raw(&c, "(UID FLAGS)");
	imap_cmd_finish(&c);
	is_str(c.text.data, "A8 UID FETCH 1:4,9:* (UID FLAGS)\r\n",
	       "UID FETCH with a set");
	imap_cmd_release(&c);
	imap_seqset_release(&s);
	return done_testing();
}
