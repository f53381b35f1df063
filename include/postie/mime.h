/* SPDX-License-Identifier: ISC */
/*
 * mime: reading RFC 5322 / MIME messages. Header blocks, RFC 2047 encoded
 * words, RFC 2231 parameters, addresses, dates, charsets (through iconv),
 * the MIME tree, transfer codecs, the choice of the text to show and a
 * terminal-safety pass over it. Bytes in, structures or UTF-8 out: nothing
 * here does I/O or reads configuration, so every function may be called
 * from any thread (no shared state; each call opens its own iconv
 * descriptors).
 *
 * Charset guessing. Text with no usable charset label (raw 8-bit header
 * bytes, a body with no charset, an unknown label) is read as UTF-8 when it
 * is valid UTF-8, else with the first charset of an ordered "assumed" list
 * that decodes it without error, else with the first of that list and
 * U+FFFD for what does not decode. An assumed list is a NULL-terminated
 * array of labels; NULL stands for mime_default_assumed ({"gb18030"}).
 *
 * Nothing is ever dropped: an undecodable byte becomes U+FFFD and the rest
 * of the text follows; a malformed encoded word is shown as it was.
 */
#ifndef POSTIE_MIME_H
#define POSTIE_MIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "postie/base.h"

/* Limits on what a message may make us build (hostile input). */
#define MIME_MAX_DEPTH 50      /* nesting of multipart and message/rfc822 */
#define MIME_MAX_PARTS 5000    /* entities in one message */
#define MIME_MAX_HEADERS 10000 /* header fields kept per entity */
#define MIME_MAX_2231_SECTIONS 256 /* continuation sections per parameter */

extern const char *const mime_default_assumed[];

/* ---------------------------------------------------------------------
 * Charsets
 */

/* Resolve a charset label as the WHATWG Encoding Standard does (gb2312 ->
 * GB18030, latin1 -> WINDOWS-1252, ks_c_5601-1987 -> CP949, ...) and write
 * the iconv name into out (n bytes). Returns false when the label carries
 * no information ("unknown-8bit", ""), is not a plausible name (junk,
 * "../x", too long) or is unknown to iconv. */
bool mime_charset_resolve(const char *label, size_t len, char *out,
			  size_t n);

/* Append the UTF-8 form of (p, len), declared in charset label (NUL-free,
 * may be NULL or unknown: then the guessing rules above with assumed).
 * Returns the number of U+FFFD substituted for undecodable bytes. */
size_t mime_charset_decode(struct buf *out, const char *label,
			   const char *p, size_t len,
			   const char *const *assumed);

/* Append the UTF-8 form of undeclared 8-bit text (p, len): ASCII and valid
 * UTF-8 as they are, otherwise the assumed list. Returns the number of
 * U+FFFD substituted. */
size_t mime_decode_8bit(struct buf *out, const char *p, size_t len,
			const char *const *assumed);

/* ---------------------------------------------------------------------
 * Header fields
 */

struct mime_field {
	struct slice name;  /* trimmed, as written ("Subject") */
	struct slice value; /* raw, still folded, without the final newline */
};

struct mime_headers {
	struct mime_field *v;
	size_t n, cap;
	size_t dropped; /* fields beyond MIME_MAX_HEADERS, not kept */
};

/* Split the header block at the start of (p, len): fields end at LF or
 * CRLF, continuation lines start with space or tab, "Name : value" and
 * NUL bytes are accepted, a lone line that is not a field is skipped when
 * fields follow it, and a first line "From " (mbox) is skipped. The block
 * ends at the first empty line. *body_off (may be NULL) gets the offset
 * of the body (len when there is none). Fields borrow from p. Never
 * fails; linear in len. */
void mime_headers_parse(struct mime_headers *h, const char *p, size_t len,
			size_t *body_off);
void mime_headers_release(struct mime_headers *h);
/* The first field called name (ASCII case ignored), or NULL. */
const struct mime_field *mime_headers_get(const struct mime_headers *h,
					  const char *name);

/* Append a raw value unfolded: line breaks before white space removed,
 * other CR and LF turned into spaces. Bytes are otherwise untouched. */
void mime_unfold(struct buf *out, const char *p, size_t len);

/* Append the display form of an unstructured header value (Subject,
 * Comments, names): unfolded, RFC 2047 words decoded (B and Q in any case;
 * white space between adjacent words dropped; adjacent words in the same
 * charset joined as bytes before conversion, so a character split across
 * two words survives), raw 8-bit text decoded by the guessing rules, and
 * words that do not parse kept as written. Leading and trailing white
 * space trimmed. */
void mime_decode_header(struct buf *out, const char *p, size_t len,
			const char *const *assumed);

/* ---------------------------------------------------------------------
 * Parameters (Content-Type, Content-Disposition)
 */

/* The raw value of parameter name in a header value (p, len) such as
 * `text/plain; charset="gbk"`: quotes and escapes removed, RFC 2231
 * sections joined in index order (bounded by MIME_MAX_2231_SECTIONS;
 * duplicates keep the first) and %XX decoded. *charset (may be NULL) gets
 * the RFC 2231 charset as a heap string, or NULL. Returns a heap string
 * (may hold any byte but NUL) or NULL when absent. */
char *mime_param_raw(const char *p, size_t len, const char *name,
		     char **charset);

/* The display value (UTF-8) of parameter name: the RFC 2231 charset
 * applied, then RFC 2047 words and raw 8-bit text decoded as in
 * mime_decode_header. Heap string or NULL when absent. */
char *mime_param_get(const char *p, size_t len, const char *name,
		     const char *const *assumed);

/* ---------------------------------------------------------------------
 * Addresses and message ids
 */

struct mime_addr {
	char *name;  /* display name, decoded UTF-8, "" when none */
	char *addr;  /* addr-spec, "" when none (a bare name) */
	char *group; /* name of the group it is in, or NULL */
};

struct mime_addr_list {
	struct mime_addr *v;
	size_t n, cap;
};

/* Parse an address-list (From, To, Cc, Reply-To...) leniently: groups,
 * comments (nested, used as the name of `a@b (Name)`), quoted names with
 * encoded words inside, obsolete routes, UTF-8 (RFC 6532), missing
 * commas, unterminated quotes and comments. Appends to l. Linear time and
 * memory in len. */
void mime_addr_parse(struct mime_addr_list *l, const char *p, size_t len,
		     const char *const *assumed);
void mime_addr_list_release(struct mime_addr_list *l);
/* Append "Name <addr>, ..." for display. */
void mime_addr_format(struct buf *out, const struct mime_addr_list *l);

/* Append the ids of a Message-ID, In-Reply-To or References value, each
 * as "<id>" followed by a NUL byte; returns how many. Comments and junk
 * between ids are skipped. */
size_t mime_msgid_list(struct buf *out, const char *p, size_t len);

/* ---------------------------------------------------------------------
 * Dates
 */

/* Parse an RFC 5322 date (and obsolete forms: named zones, two- and
 * three-digit years, missing day name or seconds, comments, ctime order).
 * *t gets seconds since the epoch (UTC), *tz_min the zone offset in
 * minutes. Returns 0, or -1 for what is not a date (then *t = 0 and
 * *tz_min = 0). Years are limited to 1000..9999. */
int mime_date_parse(const char *p, size_t len, int64_t *t, int *tz_min);
/* (mime_date_format in postie/mime_text.h writes one.) */

/* ---------------------------------------------------------------------
 * Transfer encodings
 */

enum mime_cte {
	MIME_CTE_7BIT,
	MIME_CTE_8BIT,
	MIME_CTE_BINARY,
	MIME_CTE_QP,
	MIME_CTE_BASE64,
	MIME_CTE_UUENCODE,
	MIME_CTE_UNKNOWN, /* taken as it is */
};

enum mime_cte mime_cte_parse(const char *p, size_t len);
const char *mime_cte_name(enum mime_cte cte);

/* Append the quoted-printable decoding of (p, len): soft breaks joined,
 * hex in either case, white space at line ends dropped, an '=' that does
 * not start a valid escape kept as it is. header: also '_' as space (the
 * RFC 2047 Q form). */
void mime_qp_decode(struct buf *out, const char *p, size_t len, bool header);

/* Decode the uuencoded block at the start of (p, len), which begins with
 * its "begin MODE NAME" line. Appends the data to out, *name (may be NULL)
 * gets the file name as a heap string; *used gets the bytes consumed up
 * to and including the "end" line (or len). Lines whose length byte claims
 * more than the line holds are decoded as far as they go. Returns 0, or -1
 * when there is no begin line. */
int mime_uu_decode(struct buf *out, const char *p, size_t len, char **name,
		   size_t *used);

/* Find the next "begin NNN name" line of a uuencoded block in (p, len);
 * returns its offset or len. */
size_t mime_uu_find(const char *p, size_t len);

/* Append the transfer decoding of a body. Base64 that is plainly text
 * (words with spaces on most lines) is taken as it is. */
void mime_transfer_decode(struct buf *out, enum mime_cte cte, const char *p,
			  size_t len);

/* ---------------------------------------------------------------------
 * The MIME tree
 */

struct mime_part {
	struct mime_part *parent, *child, *next;
	/* Files uuencoded inside this text/plain part ("begin 644 name"),
	 * linked by next; each is also a leaf with this part as parent. */
	struct mime_part *embedded;
	struct mime_headers headers;
	struct slice header;  /* the header block */
	struct slice body;    /* the body, still transfer-encoded */
	char *type;           /* "text/plain", lower case, never NULL */
	char *charset;        /* label as written, or NULL */
	char *filename;       /* display file name (UTF-8) or NULL */
	char *content_id;     /* without <>, or NULL */
	char *disposition;    /* "inline", "attachment", lower case, or NULL */
	enum mime_cte cte;
	bool flowed, delsp;   /* format=flowed; delsp=yes */
	bool truncated;       /* stood in for parts past a limit */
	int depth;
	size_t number;        /* 1-based among leaves in order, 0 for containers */
};

struct mime_message {
	const char *data;     /* borrowed: the whole message */
	size_t len;
	struct mime_part *root;
	struct mime_part **leaves; /* leaf parts in order */
	size_t nleaves;
	size_t nparts;         /* all entities */
	bool limited;          /* a depth or part limit was reached */
	const char **assumed;  /* charsets declared in the message, then the
				  caller's assumed list; NULL-terminated */
	struct buf *owned;     /* bytes decoded for message/rfc822 bodies */
	size_t nowned;
};

/* Parse the message (p, len). p must outlive m: parts point into it (and
 * into buffers m owns for encoded message/rfc822 parts). assumed is
 * copied. Never fails: whatever does not parse is kept as data; limits
 * set m->limited. Linear in len times nesting depth. */
void mime_message_parse(struct mime_message *m, const char *p, size_t len,
			const char *const *assumed);
void mime_message_release(struct mime_message *m);

bool mime_is_multipart(const struct mime_part *part);
/* A part the reader should not show inline (Content-Disposition:
 * attachment, or not text). */
bool mime_is_attachment(const struct mime_part *part);
/* Decoded size of the part's body (transfer encoding undone). */
size_t mime_part_size(const struct mime_part *part);

/* ---------------------------------------------------------------------
 * Display
 */

/* Which part to show as the text of the message: the first text/plain
 * reached through multipart/alternative, mixed and related (its start
 * part) outside attachments; or the HTML one when prefer_html, or when the
 * plain one says nothing (white space, "This is an HTML message"); then
 * other inline text. NULL when there is nothing to show. */
const struct mime_part *mime_choose_body(const struct mime_message *m,
					 bool prefer_html);

/* Append the text of a part as UTF-8: transfer decoding, charset (the
 * message's assumed list), CRLF and CR made LF, format=flowed undone,
 * HTML turned into text at width columns, and each uuencoded file inside
 * it replaced by a line naming its part. Not sanitised. */
void mime_part_text(struct buf *out, const struct mime_message *m,
		    const struct mime_part *part, size_t width);

/* Append (p, len), which should be UTF-8, made safe for a terminal by
 * base's text_sanitize: C0 controls as ^X, DEL as ^?, raw C1 bytes as
 * \xNN, other invalid UTF-8 as U+FFFD, bidi controls and invisible
 * characters as <U+XXXX>. multiline keeps tab and newline; otherwise a
 * tab becomes a space and a newline ^J. */
void mime_sanitize(struct buf *out, const char *p, size_t len,
		   bool multiline);

/* A safe local file name for an attachment name (UTF-8): no '/', '\\',
 * control or invisible characters, no ".." and no leading '-' or '.',
 * at most 200 bytes, never empty ("attachment" then). Heap string. */
char *mime_safe_filename(const char *name);

#endif
