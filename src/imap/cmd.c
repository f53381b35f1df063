/* SPDX-License-Identifier: ISC */
/*
 * Writing IMAP commands: tags, and arguments in the safest form the
 * server accepts. An astring goes out as an atom when every byte is an
 * ATOM-CHAR, else as a quoted string when it has no CR, LF or (outside
 * UTF8=ACCEPT) 8-bit byte, else as a literal. A synchronising literal
 * means the client must wait for "+" before the rest; the command keeps
 * those points so that the session can send it piece by piece. With
 * LITERAL+ (or LITERAL- for short data) no waiting is needed.
 */
#include <stdio.h>

#include "private.h"

void
imap_tagger_init(struct imap_tagger *t)
{
	t->next = 1;
}

const char *
imap_tag_next(struct imap_tagger *t, char out[IMAP_TAG_SIZE])
{
	if (t->next == 0 || t->next > 999999999)
		t->next = 1;
	snprintf(out, IMAP_TAG_SIZE, "A%" PRIu32, t->next++);
	return out;
}

void
imap_cmd_init(struct imap_cmd *c, const char *tag, const char *name,
	      unsigned flags)
{
	buf_init(&c->text);
	c->waits = NULL;
	c->nwaits = c->capwaits = 0;
	c->flags = flags;
	buf_addstr(&c->text, tag);
	buf_addch(&c->text, ' ');
	buf_addstr(&c->text, name);
}

void
imap_cmd_release(struct imap_cmd *c)
{
	buf_release(&c->text);
	free(c->waits);
	c->waits = NULL;
	c->nwaits = c->capwaits = 0;
}

void
imap_cmd_raw(struct imap_cmd *c, const char *s)
{
	buf_addch(&c->text, ' ');
	buf_addstr(&c->text, s);
}

/* ASTRING-CHAR = ATOM-CHAR / resp-specials; ATOM-CHAR is any CHAR except
 * atom-specials. Only 7-bit: 8-bit data goes quoted or as a literal. */
static bool
astring_char(unsigned char c)
{
	if (c <= 0x20 || c >= 0x7f)
		return false;
	return !strchr("(){%*\"\\", c);
}

int
imap_cmd_astring(struct imap_cmd *c, const char *p, size_t len,
		 struct perr *e)
{
	bool atom = len > 0, quoted = true;

	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)p[i];
		if (ch == '\0')
			return perr_set(e, PERR_MESSAGE,
					"cannot send a NUL byte in an IMAP "
					"string");
		if (!astring_char(ch))
			atom = false;
		if (ch == '\r' || ch == '\n' ||
		    (ch >= 0x80 && !(c->flags & IMAP_CMD_UTF8)))
			quoted = false;
	}
	/* "NIL" as an atom is an astring, but servers that read it as NIL
	 * exist; quoting costs two bytes. */
	if (len == 3 && ascii_strncasecmp(p, "NIL", 3) == 0)
		atom = false;
	buf_addch(&c->text, ' ');
	if (atom) {
		buf_add(&c->text, p, len);
		return 0;
	}
	if (quoted) {
		buf_addch(&c->text, '"');
		for (size_t i = 0; i < len; i++) {
			if (p[i] == '"' || p[i] == '\\')
				buf_addch(&c->text, '\\');
			buf_addch(&c->text, p[i]);
		}
		buf_addch(&c->text, '"');
		return 0;
	}
	bool plus = (c->flags & IMAP_CMD_LITERALPLUS) ||
		    ((c->flags & IMAP_CMD_LITERALMINUS) && len <= 4096);
	buf_addf(&c->text, "{%zu%s}\r\n", len, plus ? "+" : "");
	if (!plus) {
		c->waits = xgrow(c->waits, &c->capwaits, c->nwaits + 1,
				 sizeof(*c->waits));
		c->waits[c->nwaits++] = c->text.len;
	}
	buf_add(&c->text, p, len);
	return 0;
}

int
imap_cmd_mailbox(struct imap_cmd *c, const char *name, size_t len,
		 bool raw_ok, struct perr *e)
{
	if (raw_ok || (c->flags & IMAP_CMD_UTF8))
		return imap_cmd_astring(c, name, len, e);
	struct buf b = BUF_INIT;
	if (imap_utf7_encode(name, len, &b, e) < 0) {
		buf_release(&b);
		return perr_prefix(e, "cannot name folder");
	}
	int rc = imap_cmd_astring(c, b.data, b.len, e);
	buf_release(&b);
	return rc;
}

void
imap_cmd_seqset(struct imap_cmd *c, const struct imap_seqset *s)
{
	buf_addch(&c->text, ' ');
	imap_seqset_format(s, &c->text);
}

void
imap_cmd_finish(struct imap_cmd *c)
{
	buf_add(&c->text, "\r\n", 2);
}
