/* SPDX-License-Identifier: ISC */
/*
 * mime_text: the text and writing half of the MIME engine. HTML turned
 * into readable plain text, format=flowed (RFC 3676) undone, outgoing
 * messages built as RFC 5322/MIME bytes (RFC 2047 and RFC 2231 encoding,
 * header folding, transfer encodings, multipart/mixed), media types
 * guessed for attachments, and the small helpers a reply needs (subject
 * normalising, quoting, attribution, References).
 *
 * Like the rest of mime/, nothing here does I/O, reads configuration or
 * depends on the locale: bytes in, bytes out. Randomness and the clock are
 * the caller's to supply, so the output is reproducible in tests.
 *
 * Every function may be called from any thread; none keeps state between
 * calls. Text given and returned is UTF-8 unless a comment says otherwise.
 */
#ifndef POSTIE_MIME_TEXT_H
#define POSTIE_MIME_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "postie/base.h"

/* ---------------------------------------------------------------------
 * Display width
 */

/* Terminal cells taken by code point cp: 2 for East Asian Wide and
 * Fullwidth characters, 0 for combining marks, zero-width characters and
 * controls, 1 otherwise. A fixed table, independent of the locale. */
int mime_cp_width(uint32_t cp);

/* Cells taken by the UTF-8 text (s, len); an invalid byte counts as 1
 * (it is shown as U+FFFD). */
size_t mime_text_width(const char *s, size_t len);

/* ---------------------------------------------------------------------
 * HTML to text (html.c)
 */

/* Append to out a plain-text rendering of the UTF-8 HTML (html, len):
 * block structure as line breaks and blank lines, lists with "* " and
 * "1. ", blockquotes as "> " marks, table rows on lines with cells
 * separated by " | ", entities decoded, links as "[N]" with a list of
 * "[N] URL" lines at the end, images as "[image: alt]"; script, style,
 * head, title, noscript and comments are dropped. Lines are wrapped at
 * width terminal cells (CJK wide characters count 2; 0 means no
 * wrapping). Invalid UTF-8 becomes U+FFFD. The text ends with one "\n"
 * unless it is empty. Time is linear in len and memory is bounded by a
 * small multiple of len, whatever the nesting. */
void mime_html_to_text(struct buf *out, const char *html, size_t len,
		       size_t width);

/* The charset label that the document declares in <meta charset=...> or
 * <meta http-equiv="Content-Type" content="...; charset=..."> within its
 * first 4 KiB, as written (trimmed, at most 40 characters of
 * [A-Za-z0-9._:-]). A heap string the caller frees, or NULL when there is
 * none or it does not look like a charset name. */
char *mime_html_meta_charset(const char *html, size_t len);

/* ---------------------------------------------------------------------
 * format=flowed (flowed.c)
 */

/* Append to out the text (text, len) of a text/plain; format=flowed body
 * with its flowed lines (those ending in a space, except the signature
 * separator "-- ") joined into paragraphs, as RFC 3676 section 4 says.
 * Quote depth is kept: a quoted paragraph is written as its ">" marks, a
 * space, and the text; a change of depth ends a paragraph. Space stuffing
 * is removed. With delsp the trailing space of each flowed line is
 * deleted when joining (DelSp=yes). CRLF and LF are both accepted; output
 * lines end in "\n". Bytes are passed through unchanged otherwise. */
void mime_flowed_decode(struct buf *out, const char *text, size_t len,
			bool delsp);

/* Append (text, len), UTF-8 with LF or CRLF line ends, as the body of a
 * text/plain; format=flowed; delsp=yes part (RFC 3676 section 4): lines
 * longer than width cells (0 means 72; CJK wide characters count 2) are
 * broken at spaces or between wide characters into soft lines ending in
 * a space, quoted lines (starting with '>') keep their depth on every
 * piece, lines that begin with a space or "From " are space-stuffed,
 * trailing spaces of hard lines are dropped (the signature separator
 * "-- " excepted). Output lines end in "\n". A word wider than width is
 * left whole. mime_flowed_decode with delsp gives the text back, up to
 * the dropped trailing spaces and quote marks written as "> ". */
void mime_flowed_encode(struct buf *out, const char *text, size_t len,
			size_t width);

/* ---------------------------------------------------------------------
 * Header encoding for output (encode.c)
 *
 * The writers below append whole header fields, "Name: value" folded at
 * white space so that lines stay within 78 columns where the content
 * allows, each ending in CRLF. Non-ASCII text becomes RFC 2047 encoded
 * words in UTF-8, B or Q whichever is shorter, each at most 75
 * characters, never splitting a UTF-8 character between words. Values
 * that hold CR, LF or NUL are refused (hostile-32): the header could
 * otherwise be split in two by whoever wrote the value.
 */

/* A header field being written: the lower-level writer the functions
 * below are made of, for callers that write other structured fields.
 * Tokens are separated by one space, which becomes CRLF + space when the
 * token would pass column 78. out is borrowed until mime_fold_end. */
struct mime_fold {
	struct buf *out;
	size_t col;   /* octets on the current line */
	bool started; /* a token has been written after the name */
};

/* Start the field: append "name:" (no value yet). */
void mime_fold_start(struct mime_fold *f, struct buf *out, const char *name);
/* Append the token (s, n), after a space (or a fold) when space. The
 * token is written as is: the caller has checked it. */
void mime_fold_token(struct mime_fold *f, const char *s, size_t n,
		     bool space);
/* Append the UTF-8 text (s, n) as RFC 2047 encoded words, each sized to
 * what is left of the line (a fold comes first when little is), each at
 * most 75 characters and holding whole characters only. With phrase, Q
 * encoding keeps only the characters RFC 2047 section 5 (3) allows in a
 * phrase. */
void mime_fold_encoded(struct mime_fold *f, const char *s, size_t n,
		       bool phrase, bool space);
/* End the field with CRLF. */
void mime_fold_end(struct mime_fold *f);

/* Append the UTF-8 text (s, n) as RFC 2047 encoded words of at most max
 * characters each (max is held between 24 and 75), separated by single
 * spaces, with no folding: for places where a whole value is wanted, such
 * as the name= parameter old readers take a file name from. */
void mime_encode_words(struct buf *out, const char *s, size_t n,
		       bool phrase, size_t max);

/* Append "name: text" for an unstructured field (Subject, Comments,
 * X-...). Returns 0, or -1 with PERR_MESSAGE in *e naming the field when
 * text holds CR, LF or NUL or is not valid UTF-8. */
int mime_put_unstructured(struct buf *out, const char *name,
			  const char *text, struct perr *e);

/* A mailbox to write: an optional display name and an address. Both are
 * borrowed. */
struct mime_draft_addr {
	const char *name; /* display name, UTF-8; NULL or "" for none */
	const char *addr; /* local@domain */
};

/* Check that addr is a plain local@domain address: a dot-atom (or quoted)
 * local part of at most 64 octets, a dot-atom or [literal] domain, 254
 * octets in all, printable ASCII only, no control characters or spaces.
 * Returns 0, or -1 with PERR_MESSAGE saying what is wrong. */
int mime_addr_check(const char *addr, struct perr *e);

/* Append "name: " and the mailboxes (a list of n), separated by ", " and
 * folded between them; display names are written as atoms, a quoted
 * string or encoded words as needed. Returns 0, or -1 with PERR_MESSAGE
 * naming the field and the bad address or name. */
int mime_put_addresses(struct buf *out, const char *name,
		       const struct mime_draft_addr *list, size_t n,
		       struct perr *e);

/* Append the RFC 5322 date-time for the time t (seconds since the epoch)
 * as seen in the zone zone_min minutes east of UTC, e.g. "Mon, 23 Nov 2026
 * 21:39:28 +0800", without a line end. Returns -1 (with *e) for a zone
 * beyond +-24 hours or a year outside 1900..9999. */
int mime_date_format(struct buf *out, int64_t t, int zone_min,
		     struct perr *e);

/* ---------------------------------------------------------------------
 * Media types (mimetype.c)
 */

/* The media type for an attachment: from the extension of filename (a
 * table of common types, ASCII case ignored) or, when that says nothing,
 * from the first bytes of (data, len): a few magic numbers, then
 * "text/plain" for valid UTF-8 without NUL or other control characters,
 * else "application/octet-stream". filename and data may be NULL. The
 * result is a static string; never NULL. */
const char *mime_type_guess(const char *filename, const void *data,
			    size_t len);

/* ---------------------------------------------------------------------
 * Building a message (build.c)
 */

/* One extra header field, written as given after the checks. */
struct mime_draft_header {
	const char *name;  /* a field name: printable ASCII, no ':' */
	const char *value; /* UTF-8, encoded as an unstructured field */
};

/* One attachment. Bytes are borrowed for the duration of the call. */
struct mime_draft_file {
	const char *filename; /* UTF-8, path components are not stripped */
	const void *data;
	size_t len;
	const char *type; /* "type/subtype"; NULL to guess */
};

/* How many random bytes a draft needs at least (half for the Message-ID,
 * half for the multipart boundary). */
#define MIME_DRAFT_RANDOM_MIN 24

/* Everything that goes into an outgoing message. Every pointer is
 * borrowed; lists may be NULL when their count is 0. */
struct mime_draft {
	struct mime_draft_addr from;
	const struct mime_draft_addr *reply_to; /* NULL for none */
	const struct mime_draft_addr *to;
	size_t nto;
	const struct mime_draft_addr *cc;
	size_t ncc;
	const struct mime_draft_addr *bcc; /* envelope only, never written */
	size_t nbcc;
	const char *subject;     /* UTF-8; NULL or "" for an empty one */
	const char *in_reply_to; /* "<id@host>" of the parent, or NULL */
	const char *references;  /* "<a@b> <c@d>", or NULL */
	const struct mime_draft_header *headers; /* extra fields */
	size_t nheaders;
	const char *body; /* the UTF-8 text; LF, CRLF or CR line ends */
	size_t body_len;
	const struct mime_draft_file *files;
	size_t nfiles;
	int64_t date;     /* seconds since the epoch */
	int zone_min;     /* minutes east of UTC for the Date field */
	const char *message_id; /* "<id@host>" to use; NULL to make one */
	const unsigned char *random; /* MIME_DRAFT_RANDOM_MIN bytes or more */
	size_t random_len;
	bool eightbit; /* the server takes 8bit bodies (8BITMIME) */
	bool flowed;   /* send the text as format=flowed; delsp=yes */
};

/* Append to out the complete message for d: header fields (Date, From,
 * Reply-To, To, Cc, Subject, Message-ID, In-Reply-To, References, the
 * extra fields, MIME-Version, Content-*), a blank line and the body,
 * every line ending in CRLF. The text body is 7bit when it is ASCII with
 * lines of at most 998 octets, 8bit when d->eightbit allows and lines are
 * short enough, else quoted-printable or base64 whichever is smaller.
 * With attachments the message is multipart/mixed, the text first, each
 * file in base64 with its name in RFC 2231 (filename*=) and RFC 2047
 * (name=) forms. Bcc is never written.
 *
 * Returns 0, or -1 with PERR_MESSAGE in *e naming the field or part at
 * fault (CR or LF in a header value, a bad address, a NUL or invalid
 * UTF-8 in the body, too little randomness); out is then left as it was.
 */
int mime_draft_build(const struct mime_draft *d, struct buf *out,
		     struct perr *e);

/* A Message-ID "<random@domain>" from the random bytes (at least 8) and
 * the domain of addr (or "localhost" when addr has none). Heap string. */
char *mime_make_message_id(const char *addr, const unsigned char *rnd,
			   size_t n);

/* The envelope recipients of d: the addresses of To, Cc and Bcc in that
 * order with duplicates (ASCII case ignored) removed. A heap vector of
 * heap strings ending with NULL, *n (may be NULL) gets the count; free
 * with mime_strv_free. Returns NULL with *e set when an address is bad or
 * there are no recipients. */
char **mime_draft_recipients(const struct mime_draft *d, size_t *n,
			     struct perr *e);

void mime_strv_free(char **v);

/* ---------------------------------------------------------------------
 * Replies and forwards (reply.c)
 */

/* The subject with every reply and forward prefix removed from its start
 * ("Re:", "RE:", "Re[2]:", "Re(2):", "Fwd:", "FW:", "Aw:", "Sv:", "WG:",
 * "回复:", "回复：", "答复:", "转发:", "轉寄:" and others, nested or
 * repeated), white space runs collapsed to one space and trimmed. A list
 * tag in brackets at the start stays, and the prefixes after it go too
 * ("Re: [dev] Re: x" gives "[dev] x"). Heap string; NULL in gives "". */
char *mime_subject_base(const char *subject);

/* "Re: " + the base subject. Heap string. */
char *mime_subject_reply(const char *subject);

/* "Fwd: " + the base subject. Heap string. */
char *mime_subject_forward(const char *subject);

/* The key under which the index threads by subject: the base subject with
 * ASCII letters in lower case. Heap string. */
char *mime_thread_key(const char *subject);

/* Append (text, len) quoted for a reply: each line gets "> " in front,
 * or ">" alone when it already starts with ">" (so "> a" becomes ">> a")
 * or is empty. Line ends become "\n"; a final line end is not required. */
void mime_quote(struct buf *out, const char *text, size_t len);

/* An attribution line from fmt with %d replaced by date, %n by name (or
 * addr when name is NULL or empty), %a by addr and %% by '%'; other '%'
 * sequences are kept as they are. NULL arguments count as "". Heap
 * string. */
char *mime_attribution(const char *fmt, const char *date, const char *name,
		       const char *addr);

/* The most message identifiers mime_reply_references keeps. */
#define MIME_REFERENCES_MAX 20

/* The References value for a reply: the identifiers ("<...>") of the
 * parent's References followed by the parent's Message-ID, duplicates
 * dropped; when there are more than max (0 means MIME_REFERENCES_MAX),
 * the first one and the last max - 1 are kept. Junk between identifiers
 * is skipped. Heap string, "" when there is nothing. */
char *mime_reply_references(const char *parent_refs,
			    const char *parent_msgid, size_t max);

/* ---------------------------------------------------------------------
 * mailto: URLs (RFC 6068) (mailto.c)
 */

#define MIME_MAILTO_MAX 65536        /* bytes of a whole URL */
#define MIME_MAILTO_FIELD_MAX 2048   /* bytes of a decoded header value */
#define MIME_MAILTO_RCPT_MAX 100     /* addresses in To and Cc together */
#define MIME_MAILTO_IGNORED_MAX 32   /* ignored names kept */

/* What a mailto: URL asks for. Every string is a heap string owned by the
 * struct, UTF-8 without control characters (the body keeps "\n" and
 * tabs); fields the URL does not give are NULL. */
struct mime_mailto {
	char **to;          /* addresses of the path and every to= */
	size_t nto;
	char **cc;
	size_t ncc;
	char *subject;
	char *body;         /* line ends as "\n" */
	char *in_reply_to;  /* "<id@host>" */
	/* Header names the URL gave that postie does not take from a link
	 * (from, bcc, reply-to, attach, any other), lower case with bytes
	 * outside printable ASCII as '?'. At most MIME_MAILTO_IGNORED_MAX
	 * are kept; nignored counts them all. */
	char *ignored[MIME_MAILTO_IGNORED_MAX];
	size_t nignored;
};

/* Read the mailto: URL url (the scheme in any case). Only To (the path
 * and to=), Cc, Subject, Body and In-Reply-To are taken; every other
 * header name is ignored and listed in out->ignored, so that a link can
 * neither add a hidden Bcc nor change the sender nor attach a local file
 * (hostile-46). Percent escapes are decoded once (%250A gives "%0A"),
 * '+' stays '+', and the result must be UTF-8. An invalid escape, %00,
 * CR or LF in a header field (hostile-32), another control character, an
 * address that is not local@domain, a field given twice (other than to
 * and cc), or a size over the caps make the whole URL an error: a link
 * that asks for something odd should be looked at, not half followed. In
 * the body CRLF and CR become "\n".
 *
 * Returns 0 with *out filled (release with mime_mailto_release), or -1
 * with PERR_MESSAGE in *e saying what and at which byte of the URL, and
 * *out left empty. Time is linear in the length of url. */
int mime_mailto_parse(const char *url, struct mime_mailto *out,
		      struct perr *e);

/* Free what *m holds and empty it. */
void mime_mailto_release(struct mime_mailto *m);

#endif
