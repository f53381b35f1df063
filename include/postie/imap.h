/* SPDX-License-Identifier: ISC */
/*
 * imap: the IMAP4rev1 / IMAP4rev2 client pieces that need no I/O (RFC 3501,
 * RFC 9051 and the extensions postie speaks).
 *
 *   - A push parser for server responses: feed it bytes as they arrive in
 *     any slicing (one byte at a time, a literal split across reads) and
 *     pull complete responses out, each a struct imap_resp that owns its
 *     data and is freed by imap_resp_release.
 *   - Modified UTF-7 mailbox names (RFC 3501 5.1.3) to and from UTF-8,
 *     strict, so that a bad name is detected and kept opaque.
 *   - Sequence sets: parse, format, and build compact UID sets.
 *   - A command writer: tags, and astrings quoted as atom, quoted string
 *     or literal, with the points where a synchronising literal must wait
 *     for the server's "+".
 *
 * Everything a server controls is capped before memory is allocated for
 * it: line length, literal size, total response size, list lengths,
 * BODYSTRUCTURE depth and part count. Nothing here reads or writes a
 * socket or a file. A parser object belongs to one thread at a time;
 * the free functions may be called from any thread.
 */
#ifndef POSTIE_IMAP_H
#define POSTIE_IMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "postie/base.h"

/* ---------------------------------------------------------------------
 * Sequence sets (RFC 3501 9, seq-set). A range lo:hi with lo <= hi once
 * normalised; the value IMAP_SEQ_STAR (0, which is never a valid number)
 * stands for "*". A single number is a range with lo == hi.
 */
#define IMAP_SEQ_STAR 0u

struct imap_range {
	uint32_t lo;
	uint32_t hi;
};

struct imap_seqset {
	struct imap_range *r;
	size_t n;
	size_t cap;
};

#define IMAP_SEQSET_INIT { NULL, 0, 0 }

void imap_seqset_init(struct imap_seqset *s);
void imap_seqset_release(struct imap_seqset *s);
/* Append the range lo:hi (either may be IMAP_SEQ_STAR); reversed ranges
 * are swapped so that lo <= hi ("*" counts as the largest). */
void imap_seqset_add(struct imap_seqset *s, uint32_t lo, uint32_t hi);
/* Parse (p, len), a whole sequence set and nothing else, appending its
 * ranges to *s. At most max_ranges ranges (0: no limit beyond memory).
 * Rejects 0, numbers above 4294967295, empty elements ("1,,2", "1:*,")
 * and any other byte. Linear in len. Returns 0 or -1 with PERR_PROTO. */
int imap_seqset_parse(struct imap_seqset *s, const char *p, size_t len,
		      size_t max_ranges, struct perr *e);
/* Append the set in wire form ("1:3,7,9:*") to out; nothing for an empty
 * set. */
void imap_seqset_format(const struct imap_seqset *s, struct buf *out);
/* Does the set contain v? ("*" matches only v == star_value.) */
bool imap_seqset_contains(const struct imap_seqset *s, uint32_t v,
			  uint32_t star_value);
/* Number of values in the set, "*" taken as star_value; saturates at
 * UINT64_MAX (never does in practice). */
uint64_t imap_seqset_count(const struct imap_seqset *s, uint32_t star_value);
/* Build the most compact set for uids[0..n) (sorted ascending; duplicates
 * allowed; zeros skipped), appending to *s: 1,2,3,5 -> 1:3,5. */
void imap_seqset_from_sorted(struct imap_seqset *s, const uint32_t *uids,
			     size_t n);
/* Split a set into pieces whose wire form is at most max_bytes long (for
 * commands that must stay under a server's line limit): the first piece
 * starting at range *pos is appended to out and *pos advances. Returns
 * false when *pos is already at the end. */
bool imap_seqset_chunk(const struct imap_seqset *s, size_t *pos,
		       size_t max_bytes, struct buf *out);

/* ---------------------------------------------------------------------
 * Modified UTF-7 (RFC 3501 5.1.3)
 */
/* Decode a mailbox name from modified UTF-7 into UTF-8, appended to out.
 * Strict: an unterminated "&", a byte outside the modified base64
 * alphabet, non-zero padding bits, an encoded run that is empty (other
 * than "&-"), an encoded printable ASCII character, a lone or reversed
 * surrogate, a raw byte >= 0x80 or a control character all fail. On
 * failure returns -1 with PERR_PROTO in *e naming the offset, and out is
 * left as it was; the caller then keeps the name as opaque bytes. */
int imap_utf7_decode(const char *p, size_t len, struct buf *out,
		     struct perr *e);
/* Encode UTF-8 to modified UTF-7, appended to out. Returns -1 with
 * PERR_PROTO for invalid UTF-8 (out left as it was). */
int imap_utf7_encode(const char *p, size_t len, struct buf *out,
		     struct perr *e);

/* ---------------------------------------------------------------------
 * Capabilities postie acts on, as bits; every name is also kept in a list.
 */
#define IMAP_CAP_TABLE(X)                         \
	X(IMAP4REV1, "IMAP4rev1")                 \
	X(IMAP4REV2, "IMAP4rev2")                 \
	X(STARTTLS, "STARTTLS")                   \
	X(LOGINDISABLED, "LOGINDISABLED")         \
	X(AUTH_PLAIN, "AUTH=PLAIN")               \
	X(AUTH_LOGIN, "AUTH=LOGIN")               \
	X(AUTH_XOAUTH2, "AUTH=XOAUTH2")           \
	X(AUTH_OAUTHBEARER, "AUTH=OAUTHBEARER")   \
	X(AUTH_CRAM_MD5, "AUTH=CRAM-MD5")         \
	X(SASL_IR, "SASL-IR")                     \
	X(IDLE, "IDLE")                           \
	X(NAMESPACE, "NAMESPACE")                 \
	X(ID, "ID")                               \
	X(ENABLE, "ENABLE")                       \
	X(UIDPLUS, "UIDPLUS")                     \
	X(MOVE, "MOVE")                           \
	X(UNSELECT, "UNSELECT")                   \
	X(CONDSTORE, "CONDSTORE")                 \
	X(QRESYNC, "QRESYNC")                     \
	X(ESEARCH, "ESEARCH")                     \
	X(LITERALPLUS, "LITERAL+")                \
	X(LITERALMINUS, "LITERAL-")               \
	X(BINARY, "BINARY")                       \
	X(SPECIAL_USE, "SPECIAL-USE")             \
	X(LIST_EXTENDED, "LIST-EXTENDED")         \
	X(LIST_STATUS, "LIST-STATUS")             \
	X(CHILDREN, "CHILDREN")                   \
	X(UTF8_ACCEPT, "UTF8=ACCEPT")             \
	X(COMPRESS_DEFLATE, "COMPRESS=DEFLATE")   \
	X(APPENDLIMIT, "APPENDLIMIT")             \
	X(STATUS_SIZE, "STATUS=SIZE")             \
	X(XLIST, "XLIST")

enum imap_cap_bit {
#define IMAP_CAP_ENUM_(n, s) IMAP_CAPB_##n,
	IMAP_CAP_TABLE(IMAP_CAP_ENUM_)
#undef IMAP_CAP_ENUM_
	IMAP_CAPB_COUNT
};
#define IMAP_CAP(n) (UINT64_C(1) << IMAP_CAPB_##n)

/* The wire name of a capability bit ("LITERAL+"), or NULL. */
const char *imap_cap_name(enum imap_cap_bit bit);

/* A list of strings owned by a response. For flags, capabilities and
 * attributes the strings are atoms (no NUL); for ID they are nstrings
 * and an entry may be NULL (NIL). */
struct imap_strlist {
	char **v;
	size_t n;
};

struct imap_caps {
	uint64_t bits;
	struct imap_strlist names; /* as sent, at most IMAP_MAX_CAPS */
	bool truncated;            /* the server sent more than that */
};

/* ---------------------------------------------------------------------
 * Strings from the wire. data is NULL for NIL; otherwise it holds len
 * bytes plus a terminating NUL, and may hold NUL bytes when it came from a
 * literal (check len, or use imap_str_has_nul).
 */
struct imap_str {
	char *data;
	size_t len;
};

bool imap_str_has_nul(const struct imap_str *s);

/* ---------------------------------------------------------------------
 * Response codes (the bracketed part of a status response).
 */
#define IMAP_CODE_TABLE(X)                                  \
	X(NONE, "")                                         \
	X(ALERT, "ALERT")                                   \
	X(BADCHARSET, "BADCHARSET")                         \
	X(CAPABILITY, "CAPABILITY")                         \
	X(PARSE, "PARSE")                                   \
	X(PERMANENTFLAGS, "PERMANENTFLAGS")                 \
	X(READ_ONLY, "READ-ONLY")                           \
	X(READ_WRITE, "READ-WRITE")                         \
	X(TRYCREATE, "TRYCREATE")                           \
	X(UIDNEXT, "UIDNEXT")                               \
	X(UIDVALIDITY, "UIDVALIDITY")                       \
	X(UNSEEN, "UNSEEN")                                 \
	X(APPENDUID, "APPENDUID")                           \
	X(COPYUID, "COPYUID")                               \
	X(UIDNOTSTICKY, "UIDNOTSTICKY")                     \
	X(HIGHESTMODSEQ, "HIGHESTMODSEQ")                   \
	X(NOMODSEQ, "NOMODSEQ")                             \
	X(MODIFIED, "MODIFIED")                             \
	X(CLOSED, "CLOSED")                                 \
	X(ALREADYEXISTS, "ALREADYEXISTS")                   \
	X(NONEXISTENT, "NONEXISTENT")                       \
	X(AUTHENTICATIONFAILED, "AUTHENTICATIONFAILED")     \
	X(AUTHORIZATIONFAILED, "AUTHORIZATIONFAILED")       \
	X(UNAVAILABLE, "UNAVAILABLE")                       \
	X(EXPIRED, "EXPIRED")                               \
	X(PRIVACYREQUIRED, "PRIVACYREQUIRED")               \
	X(CONTACTADMIN, "CONTACTADMIN")                     \
	X(NOPERM, "NOPERM")                                 \
	X(INUSE, "INUSE")                                   \
	X(EXPUNGEISSUED, "EXPUNGEISSUED")                   \
	X(OVERQUOTA, "OVERQUOTA")                           \
	X(LIMIT, "LIMIT")                                   \
	X(CANNOT, "CANNOT")                                 \
	X(SERVERBUG, "SERVERBUG")                           \
	X(CLIENTBUG, "CLIENTBUG")                           \
	X(UNKNOWN_CTE, "UNKNOWN-CTE")                       \
	X(OTHER, NULL)

enum imap_code_kind {
#define IMAP_CODE_ENUM_(n, s) IMAP_CODE_##n,
	IMAP_CODE_TABLE(IMAP_CODE_ENUM_)
#undef IMAP_CODE_ENUM_
	IMAP_CODE_COUNT
};

struct imap_code {
	enum imap_code_kind kind;
	char *name;   /* the atom as sent (NULL when kind is NONE) */
	char *arg;    /* raw text after the atom, NULL if none */
	uint32_t num; /* UIDNEXT, UIDVALIDITY, UNSEEN, and the UIDVALIDITY
			 of APPENDUID / COPYUID */
	uint64_t modseq;            /* HIGHESTMODSEQ */
	struct imap_seqset set;     /* APPENDUID uids, COPYUID source,
				       MODIFIED */
	struct imap_seqset set2;    /* COPYUID destination */
	struct imap_strlist list;   /* PERMANENTFLAGS, BADCHARSET */
	struct imap_caps caps;      /* CAPABILITY */
};

/* ---------------------------------------------------------------------
 * LIST / LSUB
 */
#define IMAP_MBX_TABLE(X)                         \
	X(NOINFERIORS, "\\Noinferiors")           \
	X(NOSELECT, "\\Noselect")                 \
	X(MARKED, "\\Marked")                     \
	X(UNMARKED, "\\Unmarked")                 \
	X(NONEXISTENT, "\\NonExistent")           \
	X(SUBSCRIBED, "\\Subscribed")             \
	X(REMOTE, "\\Remote")                     \
	X(HASCHILDREN, "\\HasChildren")           \
	X(HASNOCHILDREN, "\\HasNoChildren")       \
	X(ALL, "\\All")                           \
	X(ARCHIVE, "\\Archive")                   \
	X(DRAFTS, "\\Drafts")                     \
	X(FLAGGED, "\\Flagged")                   \
	X(JUNK, "\\Junk")                         \
	X(SENT, "\\Sent")                         \
	X(TRASH, "\\Trash")                       \
	X(IMPORTANT, "\\Important")

enum imap_mbx_bit {
#define IMAP_MBX_ENUM_(n, s) IMAP_MBXB_##n,
	IMAP_MBX_TABLE(IMAP_MBX_ENUM_)
#undef IMAP_MBX_ENUM_
	IMAP_MBXB_COUNT
};
#define IMAP_MBX(n) (1u << IMAP_MBXB_##n)

/* A mailbox name from the server. raw is what was sent. name is its
 * UTF-8 form: decoded from modified UTF-7, or raw itself when the
 * connection is in UTF8=ACCEPT mode and raw is valid UTF-8. name is NULL
 * when raw cannot be decoded (invalid modified UTF-7 or UTF-8, or a NUL
 * byte): the caller keeps raw as an opaque name and re-sends raw as is. */
struct imap_mailbox {
	struct imap_str raw;
	char *name;
};

struct imap_list {
	bool lsub;
	unsigned attrs;             /* IMAP_MBX bits */
	struct imap_strlist attr_names;
	char *delim;                /* NULL for NIL; may be longer than one
				       byte if the server says so */
	struct imap_mailbox mbox;
};

/* ---------------------------------------------------------------------
 * STATUS
 */
enum {
	IMAP_ST_MESSAGES = 1 << 0,
	IMAP_ST_RECENT = 1 << 1,
	IMAP_ST_UIDNEXT = 1 << 2,
	IMAP_ST_UIDVALIDITY = 1 << 3,
	IMAP_ST_UNSEEN = 1 << 4,
	IMAP_ST_DELETED = 1 << 5,
	IMAP_ST_SIZE = 1 << 6,
	IMAP_ST_HIGHESTMODSEQ = 1 << 7,
};

struct imap_mbstatus {
	struct imap_mailbox mbox;
	unsigned have; /* IMAP_ST_* */
	uint32_t messages, recent, uidnext, uidvalidity, unseen, deleted;
	uint64_t size, highestmodseq;
};

/* ---------------------------------------------------------------------
 * SEARCH and ESEARCH
 */
struct imap_search {
	uint32_t *nums;
	size_t n;
	uint64_t modseq; /* CONDSTORE "(MODSEQ n)", 0 if absent */
};

enum {
	IMAP_ES_MIN = 1 << 0,
	IMAP_ES_MAX = 1 << 1,
	IMAP_ES_COUNT = 1 << 2,
	IMAP_ES_ALL = 1 << 3,
	IMAP_ES_MODSEQ = 1 << 4,
};

struct imap_esearch {
	char *tag; /* the correlator, NULL if absent */
	bool uid;
	unsigned have; /* IMAP_ES_* */
	uint32_t min, max, count;
	uint64_t modseq;
	struct imap_seqset all;
};

/* ---------------------------------------------------------------------
 * FETCH
 */
enum imap_addr_kind {
	IMAP_ADDR_MAILBOX,     /* an ordinary address */
	IMAP_ADDR_GROUP_START, /* mailbox holds the group's name */
	IMAP_ADDR_GROUP_END,
};

struct imap_addr {
	enum imap_addr_kind kind;
	struct imap_str name, adl, mailbox, host;
};

struct imap_addrlist {
	struct imap_addr *v;
	size_t n;
};

struct imap_envelope {
	struct imap_str date, subject;
	struct imap_addrlist from, sender, reply_to, to, cc, bcc;
	struct imap_str in_reply_to, message_id;
};

struct imap_param {
	struct imap_str name, value;
};

struct imap_params {
	struct imap_param *v;
	size_t n;
	bool truncated; /* more than IMAP_MAX_PARAMS pairs were sent */
};

/* One node of a BODYSTRUCTURE. Strings are as sent (type and subtype are
 * not case-folded). opaque is set on a node whose contents were past the
 * depth or part cap: it was skipped whole and only type "multipart" or
 * the first strings may be known. */
struct imap_body {
	bool multipart;
	bool opaque;
	struct imap_str type, subtype;
	struct imap_params params;
	/* single part */
	struct imap_str id, description, encoding;
	uint64_t size;
	uint64_t lines;        /* text/... and message/rfc822 */
	bool has_lines;
	struct imap_envelope *env; /* message/rfc822 */
	struct imap_body *msg;     /* message/rfc822 */
	struct imap_str md5;
	/* multipart */
	struct imap_body **parts;
	size_t nparts;
	/* extension data (both) */
	struct imap_str disposition;
	struct imap_params disp_params;
	struct imap_strlist language;
	struct imap_str location;
};

/* BODY[section]<origin>, BINARY[section]<origin>, RFC822, RFC822.HEADER,
 * RFC822.TEXT. section is the text between the brackets as sent, upper
 * case ("HEADER.FIELDS (FROM TO)"); for the RFC822 forms it is the item
 * name. */
struct imap_section {
	char *section;
	bool binary;
	bool has_origin;
	uint32_t origin;
	struct imap_str data; /* NIL possible */
};

enum {
	IMAP_F_UID = 1 << 0,
	IMAP_F_FLAGS = 1 << 1,
	IMAP_F_INTERNALDATE = 1 << 2,
	IMAP_F_SIZE = 1 << 3,
	IMAP_F_ENVELOPE = 1 << 4,
	IMAP_F_BODYSTRUCTURE = 1 << 5,
	IMAP_F_MODSEQ = 1 << 6,
	IMAP_F_BINARY_SIZE = 1 << 7,
};

struct imap_fetch {
	uint32_t seq;
	unsigned have; /* IMAP_F_* */
	uint32_t uid;
	struct imap_strlist flags;
	int64_t internaldate;   /* seconds since the epoch, UTC */
	int tz_minutes;         /* the zone it was given in */
	uint64_t size;          /* RFC822.SIZE */
	uint64_t binary_size;   /* BINARY.SIZE[...] (last one seen) */
	uint64_t modseq;
	struct imap_envelope *env;
	struct imap_body *body; /* BODYSTRUCTURE or BODY */
	struct imap_section *sections;
	size_t nsections;
};

/* ---------------------------------------------------------------------
 * Responses
 */
enum imap_resp_kind {
	IMAP_RESP_STATUS,     /* tagged or untagged OK/NO/BAD/PREAUTH/BYE */
	IMAP_RESP_CONTINUE,   /* "+ ..." */
	IMAP_RESP_CAPABILITY,
	IMAP_RESP_LIST,       /* LIST and LSUB (and XLIST) */
	IMAP_RESP_MBSTATUS,   /* STATUS */
	IMAP_RESP_SEARCH,
	IMAP_RESP_ESEARCH,
	IMAP_RESP_FLAGS,
	IMAP_RESP_EXISTS,
	IMAP_RESP_RECENT,
	IMAP_RESP_EXPUNGE,
	IMAP_RESP_VANISHED,
	IMAP_RESP_ENABLED,
	IMAP_RESP_ID,
	IMAP_RESP_FETCH,
	IMAP_RESP_OTHER,      /* any other untagged response, kept raw */
};

enum imap_status {
	IMAP_OK,
	IMAP_NO,
	IMAP_BAD,
	IMAP_PREAUTH,
	IMAP_BYE,
};

/* One response from the server. Everything it points at is owned by it
 * and freed by imap_resp_release. Which members are set depends on kind:
 *
 *   STATUS      tag (NULL if untagged), status, code, text
 *   CONTINUE    text (what follows "+ ", possibly empty)
 *   CAPABILITY  caps
 *   LIST        list
 *   MBSTATUS    mbstatus
 *   SEARCH      search
 *   ESEARCH     esearch
 *   FLAGS       strlist
 *   EXISTS, RECENT, EXPUNGE    number
 *   VANISHED    earlier, set
 *   ENABLED     strlist
 *   ID          strlist (name, value, name, value...; NULL values for
 *               NIL; empty for "ID NIL")
 *   FETCH       fetch (with number = fetch.seq)
 *   OTHER       name (the first word after "* " or "* n "), number if
 *               one came first, and raw
 *
 * raw holds the whole response as received, final line end included,
 * for OTHER always and for the other kinds when the response had no
 * literal and is at most 64 KiB (so a big body is not held twice).
 */
struct imap_resp {
	enum imap_resp_kind kind;
	char *tag;
	enum imap_status status;
	struct imap_code code;
	char *text;
	char *name;
	uint32_t number;
	bool earlier;
	struct imap_seqset set;
	struct imap_caps caps;
	struct imap_list list;
	struct imap_mbstatus mbstatus;
	struct imap_search search;
	struct imap_esearch esearch;
	struct imap_strlist strlist;
	struct imap_fetch fetch;
	struct buf raw;
	/* private: every allocation above, freed together */
	void **owned_;
	size_t nowned_, capowned_;
};

void imap_resp_init(struct imap_resp *r);
/* Free everything the response owns and re-initialise it. */
void imap_resp_release(struct imap_resp *r);
/* A one-line, deterministic description of every field that is set (for
 * tests and traces). Appended to out. Literal data is shown escaped. */
void imap_resp_dump(const struct imap_resp *r, struct buf *out);

const char *imap_status_name(enum imap_status s);
const char *imap_code_name(enum imap_code_kind k);

/* ---------------------------------------------------------------------
 * The response parser
 */
#define IMAP_MAX_CAPS 512
#define IMAP_MAX_PARAMS 256
#define IMAP_MAX_ADDRS 10000
#define IMAP_MAX_SECTIONS 64
#define IMAP_MAX_LIST 10000     /* FLAGS, attributes, ENABLED, ... */

struct imap_limits {
	size_t max_line;      /* bytes of one line outside literals */
	uint64_t max_literal; /* bytes of one literal */
	uint64_t max_response;/* bytes of one response, literals included */
	size_t max_literals;  /* literals in one response */
	size_t max_numbers;   /* SEARCH results, set ranges in one response */
	unsigned max_depth;   /* BODYSTRUCTURE nesting */
	size_t max_parts;     /* BODYSTRUCTURE nodes */
};

/* Defaults: 1 MiB lines, 64 MiB literals, 80 MiB responses, 100,000
 * literals, 10,000,000 numbers, depth 50, 5,000 parts. */
void imap_limits_default(struct imap_limits *l);

enum {
	IMAP_PARSER_UTF8 = 1 << 0, /* UTF8=ACCEPT is enabled: mailbox names
				      are UTF-8, not modified UTF-7 */
};

struct imap_parser {
	struct imap_limits lim;
	unsigned flags;
	struct buf in;
	size_t start;       /* start of the response being framed */
	size_t scan;        /* next byte to look at */
	size_t seg;         /* start of the current line segment */
	uint64_t lit_left;  /* literal bytes still to come */
	size_t nlits;
	bool dead;
	struct perr err;
};

/* Set up a parser; lim may be NULL for the defaults (copied). */
void imap_parser_init(struct imap_parser *p, const struct imap_limits *lim);
void imap_parser_release(struct imap_parser *p);
/* Change IMAP_PARSER_* flags (e.g. after ENABLE UTF8=ACCEPT); they apply
 * to responses returned from then on. */
void imap_parser_set_flags(struct imap_parser *p, unsigned flags);
/* Copy len bytes into the parser. Never fails (the limits are applied by
 * imap_parser_next, which should be called after each feed until it
 * returns 0). */
void imap_parser_feed(struct imap_parser *p, const void *bytes, size_t len);
/* Take the next complete response out. Returns 1 with *r filled (the
 * caller releases it; *r must be initialised or released before), 0 when
 * more bytes are needed, -1 on error with PERR_PROTO in *e.
 *
 * A framing error (line or literal over its cap, a malformed literal
 * length) leaves the parser dead: every later call fails the same way
 * and the connection must be closed. A response that is framed but does
 * not parse is consumed and reported as an error; the caller may go on,
 * though for most commands a protocol error means closing. */
int imap_parser_next(struct imap_parser *p, struct imap_resp *r,
		     struct perr *e);
/* Bytes received but not yet returned in a response (after a tagged OK
 * to STARTTLS this must be 0, else the server injected data). */
size_t imap_parser_pending(const struct imap_parser *p);

/* Parse one complete response held in (p, len), which must end with its
 * line end. Same as feeding it to a fresh parser. Returns 0 or -1. */
int imap_parse_response(const char *p, size_t len, unsigned flags,
			const struct imap_limits *lim, struct imap_resp *r,
			struct perr *e);

/* INTERNALDATE "17-Jul-1996 02:44:25 -0700" to seconds since the epoch
 * (UTC) and the zone's offset in minutes. Returns 0 or -1. */
int imap_parse_date_time(const char *p, size_t len, int64_t *t,
			 int *tz_minutes);

/* ---------------------------------------------------------------------
 * Command writer
 */
#define IMAP_TAG_SIZE 16

/* Tags "A1", "A2", ...; the counter wraps at 999,999,999 back to 1. */
struct imap_tagger {
	uint32_t next;
};

void imap_tagger_init(struct imap_tagger *t);
/* Write the next tag into out and return it. */
const char *imap_tag_next(struct imap_tagger *t, char out[IMAP_TAG_SIZE]);

enum {
	IMAP_CMD_LITERALPLUS = 1 << 0,  /* server has LITERAL+ */
	IMAP_CMD_LITERALMINUS = 1 << 1, /* server has LITERAL- (<= 4096) */
	IMAP_CMD_UTF8 = 1 << 2,         /* UTF8=ACCEPT enabled */
};

/* A command being built. text holds the bytes to send; waits[] are the
 * offsets in text after which the client must stop and wait for the
 * server's "+" (a synchronising literal) before sending the rest. */
struct imap_cmd {
	struct buf text;
	size_t *waits;
	size_t nwaits, capwaits;
	unsigned flags;
};

/* Start "TAG NAME" (name is written as is). flags are IMAP_CMD_*. */
void imap_cmd_init(struct imap_cmd *c, const char *tag, const char *name,
		   unsigned flags);
void imap_cmd_release(struct imap_cmd *c);
/* Append " " and s as is (an atom, a number, a parenthesised list the
 * caller built). */
void imap_cmd_raw(struct imap_cmd *c, const char *s);
/* Append " " and (p, len) as an astring: an atom when every byte allows,
 * else a quoted string, else a literal (with "+" under LITERAL+, or
 * LITERAL- when short enough; otherwise a wait point is recorded).
 * "NIL" and the empty string are quoted. A NUL byte cannot be sent in any
 * form: returns -1 with PERR_MESSAGE. */
int imap_cmd_astring(struct imap_cmd *c, const char *p, size_t len,
		     struct perr *e);
/* Append " " and a mailbox name given in UTF-8: encoded to modified
 * UTF-7 unless IMAP_CMD_UTF8, then written as an astring. raw_ok set
 * means the name is an opaque name the server gave and is sent as is. */
int imap_cmd_mailbox(struct imap_cmd *c, const char *name, size_t len,
		     bool raw_ok, struct perr *e);
/* Append " " and the sequence set. */
void imap_cmd_seqset(struct imap_cmd *c, const struct imap_seqset *s);
/* Append the final CRLF. */
void imap_cmd_finish(struct imap_cmd *c);

/* ---------------------------------------------------------------------
 * The session: one connection to one IMAP server over net/, sequential
 * and blocking with timeouts (run it in an account's worker thread). It
 * speaks one command at a time: greeting, CAPABILITY, STARTTLS, LOGIN
 * (or AUTHENTICATE PLAIN when LOGIN is disabled), ID, SELECT/EXAMINE,
 * UID FETCH, IDLE, LOGOUT, and any command built with imap_cmd_*.
 *
 * Any failure other than a NO or BAD reply (a read or write error, a
 * response that does not parse, a reply for another tag) leaves the
 * session in state DISCONNECTED: later calls fail at once and
 * imap_session_close sends nothing more.
 *
 * Security rules it keeps: with IMAP_TLS_STARTTLS nothing but CAPABILITY
 * and STARTTLS is sent before TLS, a PREAUTH greeting or a missing
 * STARTTLS capability aborts (hostile-18, -19), bytes that follow the
 * STARTTLS go-ahead abort (hostile-20), capabilities are asked again
 * after TLS and only those are used (hostile-21), and untagged data
 * before TLS is ignored (hostile-14). A tagged reply with a tag that is
 * not the pending command's is a protocol error (hostile-8).
 */
#define IMAP_SS_TABLE(X)                     \
	X(DISCONNECTED, "disconnected")      \
	X(GREETING, "greeting")              \
	X(NOT_AUTH, "not authenticated")     \
	X(AUTH, "authenticated")             \
	X(SELECTED, "selected")              \
	X(LOGOUT, "logout")

enum imap_ss {
#define IMAP_SS_ENUM_(n, s) IMAP_SS_##n,
	IMAP_SS_TABLE(IMAP_SS_ENUM_)
#undef IMAP_SS_ENUM_
};

const char *imap_ss_name(enum imap_ss s);

enum imap_tls_mode {
	IMAP_TLS_IMPLICIT, /* imaps, port 993 */
	IMAP_TLS_STARTTLS, /* imap, port 143, STARTTLS required */
};

struct net_conn;

/* Called with the text of every response that carries an [ALERT] code
 * (RFC 3501 7.1: the text MUST be presented to the user): tagged or
 * untagged, in the greeting, at login, in any command and in IDLE. text
 * is the server's, unsanitised and borrowed for the call (never NULL).
 * Runs in the session's thread, inside the session's read. */
typedef void (*imap_alert_fn)(void *arg, const char *text);

/* How to reach and log in to a server. Strings are borrowed for the
 * duration of imap_session_open. */
struct imap_session_params {
	const char *host, *port;
	enum imap_tls_mode tls;
	const char *ca_file;     /* NULL: the system store */
	const char *fingerprint; /* a pinned certificate, or NULL */
	const char *user, *password;
	int connect_timeout_ms, io_timeout_ms; /* <= 0: net's defaults */
	int cancel_fd;           /* -1: none */
	const struct imap_limits *lim; /* NULL: defaults */
	bool send_id;            /* send ID (163.com refuses SELECT
				    without it) when the server has ID */
	/* ALERT texts go here; NULL: they are only logged. In STARTTLS
	 * mode nothing said before the handshake is passed on
	 * (hostile-14). */
	imap_alert_fn alert;
	void *alert_arg;
};

/* What SELECT / EXAMINE told about the mailbox. */
struct imap_mailbox_state {
	uint32_t exists, recent, uidvalidity, uidnext, unseen;
	uint64_t highestmodseq;
	bool read_only;
	bool nomodseq;
};

struct imap_session {
	struct net_conn *conn;
	struct imap_parser parser;
	struct imap_tagger tags;
	enum imap_ss state;
	uint64_t caps;        /* IMAP_CAP bits, from after TLS */
	char *host;
	struct imap_mailbox_state mbox;
	char *bye;            /* text of an untagged BYE, if one came */
	imap_alert_fn alert;  /* from the params; see imap_alert_fn */
	void *alert_arg;
	bool alert_ok;        /* past the clear-text part of STARTTLS */
};

/* Connect, greet, secure, log in (and ID). Returns 0 with s in state
 * AUTH, or -1 with *e set (PERR_CONN, PERR_PROTO, PERR_AUTH for a
 * refused login with the server's text, PERR_REJECTED for a BYE
 * greeting); s is then closed and needs only imap_session_close. */
int imap_session_open(struct imap_session *s,
		      const struct imap_session_params *p, struct perr *e);
/* The same over a connection already made (taken: the session closes
 * it), e.g. a socketpair or net_conn_fake in tests. p->host is used for
 * STARTTLS's certificate check and messages; port and timeouts are
 * ignored. */
int imap_session_open_conn(struct imap_session *s, struct net_conn *conn,
			   const struct imap_session_params *p,
			   struct perr *e);
/* Send LOGOUT (best effort) and close; safe on a closed session. */
void imap_session_close(struct imap_session *s);

/* SELECT (or EXAMINE when read_only) a mailbox named in UTF-8, or
 * opaque as the server sent it when raw is set. Fills s->mbox. Returns 0,
 * or -1 with PERR_FOLDER when the server refuses (its text kept). */
int imap_session_select(struct imap_session *s, const char *name, bool raw,
			bool read_only, struct perr *e);

/* Called for each FETCH response. The response is borrowed for the call.
 * Return 0 to go on, -1 (with *e set) to stop: the session then drains
 * the command and fails with that error. */
typedef int (*imap_fetch_fn)(const struct imap_resp *r, void *arg,
			     struct perr *e);

/* Where the client's cache of a mailbox stood, for SELECT with QRESYNC
 * (RFC 7162 3.2.5). */
struct imap_qresync {
	uint32_t uidvalidity;          /* of the cache */
	uint64_t modseq;               /* HIGHESTMODSEQ the cache is at */
	const struct imap_seqset *known; /* UIDs the cache has; NULL: all */
};

/* imap_session_select with the QRESYNC parameter (QRESYNC must have been
 * ENABLEd): when q->uidvalidity still holds, the server reports in the
 * same command the messages whose flags changed since q->modseq (FETCH
 * with UID and FLAGS) and the UIDs expunged since (VANISHED (EARLIER));
 * fn sees those untagged responses (and any other) as they come. Fills
 * s->mbox. Returns as imap_session_select; an error fn returns fails the
 * command (the session drains it). Session thread only. */
int imap_session_select_qresync(struct imap_session *s, const char *name,
				bool raw, bool read_only,
				const struct imap_qresync *q,
				imap_fetch_fn fn, void *arg, struct perr *e);

/* UID FETCH set items (items as written, e.g. "(UID FLAGS
 * BODY.PEEK[])"). Returns 0, or -1 with *e set. */
int imap_session_uid_fetch(struct imap_session *s,
			   const struct imap_seqset *set, const char *items,
			   imap_fetch_fn fn, void *arg, struct perr *e);

/* The tag for the next command built by the caller (written to out). */
const char *imap_session_tag(struct imap_session *s, char out[IMAP_TAG_SIZE]);

/* Run a command the caller built with imap_cmd_* under tag (from
 * imap_session_tag; the command must end with imap_cmd_finish). Wait
 * points are honoured: the rest is sent after the server's "+". fn (may
 * be NULL) sees every untagged response; *final (initialised by the
 * caller, who releases it) receives the tagged reply, so that codes such
 * as APPENDUID and COPYUID can be read. Returns 0 for OK, -1 for NO/BAD
 * (PERR_REJECTED with the text) and every other failure. */
int imap_session_run(struct imap_session *s, const struct imap_cmd *c,
		     const char *tag, imap_fetch_fn fn, void *arg,
		     struct imap_resp *final, struct perr *e);

/* IDLE (RFC 2177) in the selected folder for at most wait_ms (keep it
 * under 29 minutes and call again, as the RFC asks). Ends early, with
 * DONE, when the folder changes (EXISTS, RECENT, EXPUNGE, FETCH,
 * VANISHED; s->mbox is updated and fn sees each untagged response).
 * Returns 1 when something changed, 0 after a quiet wait, -1 with *e set
 * (PERR_REJECTED without IDLE; a BYE, a drop or garbage during IDLE
 * leave the session disconnected). The cancel fd ends the wait with
 * PERR_CANCELLED, the session then disconnected too. */
int imap_session_idle(struct imap_session *s, int wait_ms, imap_fetch_fn fn,
		      void *arg, struct perr *e);

/* Any command (text after the tag, e.g. "NOOP"); untagged responses go
 * to fn when it is not NULL, after the session has noted EXISTS and
 * friends. Returns 0 for OK, -1 for NO/BAD (PERR_REJECTED with the text)
 * and every other failure. */
int imap_session_simple(struct imap_session *s, const char *command,
			imap_fetch_fn fn, void *arg, struct perr *e);

/* ---------------------------------------------------------------------
 * Operations on messages and folders over a session (ops.c). Each runs
 * one or a few commands and returns 0, or -1 with *e: PERR_REJECTED with
 * the server's text for a NO or BAD, PERR_MESSAGE for something that
 * cannot be sent (a bad flag name, a NUL byte), and the session's own
 * errors for a broken connection. Folder names are UTF-8 (encoded to
 * modified UTF-7, or sent as UTF-8 once UTF8=ACCEPT is enabled) unless
 * raw is set: then they are a name the server gave, sent back byte for
 * byte. Message operations need a selected folder; UID sets should stay
 * under a few thousand ranges (the caller splits bigger ones). Same
 * thread rule as the session.
 */

/* UID STORE: add (or remove, when add is false) the flags flags[n]
 * ("\\Seen", "$Forwarded", ...) on the messages of uids, silently. With
 * unchangedsince > 0 and CONDSTORE offered, the change is conditional
 * (RFC 7162): the UIDs the server did not change because they changed
 * meanwhile are appended to *modified (may be NULL). */
int imap_uid_store(struct imap_session *s, const struct imap_seqset *uids,
		   bool add, const char *const *flags, size_t n,
		   uint64_t unchangedsince, struct imap_seqset *modified,
		   struct perr *e);

/* How a move ended. */
enum imap_move_how {
	IMAP_MOVE_NONE,     /* nothing changed on the server */
	IMAP_MOVE_MOVED,    /* UID MOVE: the source messages are gone */
	IMAP_MOVE_EXPUNGED, /* COPY, STORE \Deleted, UID EXPUNGE: gone */
	IMAP_MOVE_MARKED,   /* COPY and STORE \Deleted without UIDPLUS: the
			       sources stay, marked \Deleted, because a bare
			       EXPUNGE would remove every other deleted
			       message too (hostile-16) */
	IMAP_MOVE_COPIED,   /* COPY done, the STORE after it failed: the
			       sources stay as they were (a failed UID
			       EXPUNGE after the STORE says MARKED) */
};

struct imap_copy_result {
	enum imap_move_how how;
	bool trycreate;       /* NO [TRYCREATE]: the destination does not
				 exist; the caller may CREATE and retry */
	uint32_t uidvalidity; /* of the destination (COPYUID), 0 if none */
	struct imap_seqset src, dst; /* COPYUID's sets; release both */
};

void imap_copy_result_init(struct imap_copy_result *r);
void imap_copy_result_release(struct imap_copy_result *r);

/* UID COPY uids to dest. On NO [TRYCREATE] r->trycreate is set. */
int imap_uid_copy(struct imap_session *s, const struct imap_seqset *uids,
		  const char *dest, bool raw, struct imap_copy_result *r,
		  struct perr *e);
/* Move uids to dest: UID MOVE when offered, else UID COPY, then UID
 * STORE +FLAGS.SILENT (\Deleted), then UID EXPUNGE of those UIDs when
 * UIDPLUS is offered. Without UIDPLUS no EXPUNGE is ever sent: r->how
 * says IMAP_MOVE_MARKED and 0 is returned. A failed COPY sends nothing
 * more. On -1, r->how says what was done before the failure. */
int imap_uid_move(struct imap_session *s, const struct imap_seqset *uids,
		  const char *dest, bool raw, struct imap_copy_result *r,
		  struct perr *e);
/* Mark uids \Deleted and, when UIDPLUS is offered, UID EXPUNGE them;
 * *expunged (may be NULL) says whether they are gone or only marked. */
int imap_uid_delete(struct imap_session *s, const struct imap_seqset *uids,
		    bool *expunged, struct perr *e);
/* UID EXPUNGE (UIDPLUS only; refused with PERR_REJECTED without it). */
int imap_uid_expunge(struct imap_session *s, const struct imap_seqset *uids,
		     struct perr *e);

/* A message to APPEND; strings borrowed. */
struct imap_append {
	const char *folder;
	bool raw;
	const char *const *flags; /* may be NULL */
	size_t nflags;
	int64_t internal_date;    /* seconds since the epoch; 0: none */
	int tz_minutes;           /* the zone to write it in */
	const char *msg;          /* the message, CRLF line ends */
	size_t len;
	/* out: APPENDUID (RFC 4315), 0 when the server gave none */
	uint32_t uidvalidity, uid;
};

/* APPEND the message: its bytes go as a literal, non-synchronising with
 * LITERAL+ (or LITERAL- up to 4096 bytes), else after the server's "+".
 * NO [TRYCREATE] comes back as PERR_FOLDER. */
int imap_append(struct imap_session *s, struct imap_append *a,
		struct perr *e);

/* CREATE, DELETE, SUBSCRIBE (or UNSUBSCRIBE when on is false). */
int imap_create(struct imap_session *s, const char *name, bool raw,
		struct perr *e);
int imap_delete_folder(struct imap_session *s, const char *name, bool raw,
		       struct perr *e);
int imap_subscribe(struct imap_session *s, const char *name, bool raw,
		   bool on, struct perr *e);
/* RENAME from (raw when from_raw) to the UTF-8 name to. */
int imap_rename(struct imap_session *s, const char *from, bool from_raw,
		const char *to, struct perr *e);

/* Called for each LIST reply; the reply is borrowed for the call. */
typedef int (*imap_list_fn)(const struct imap_list *l, void *arg,
			    struct perr *e);
/* LIST "" pattern (a wildcard pattern in UTF-8, e.g. "*"), asking for the
 * special-use attributes (RETURN (SPECIAL-USE)) when the server has
 * SPECIAL-USE and LIST-EXTENDED; servers with SPECIAL-USE alone send
 * them anyway. */
int imap_list_folders(struct imap_session *s, const char *pattern,
		      imap_list_fn fn, void *arg, struct perr *e);

/* STATUS of a folder: MESSAGES UIDNEXT UIDVALIDITY UNSEEN, and
 * HIGHESTMODSEQ with CONDSTORE. out->have says which came back; the
 * mailbox member is left empty. */
int imap_status(struct imap_session *s, const char *name, bool raw,
		struct imap_mbstatus *out, struct perr *e);

/* Search keys for imap_uid_search. */
enum imap_search_key {
	IMAP_SEARCH_TEXT,
	IMAP_SEARCH_SUBJECT,
	IMAP_SEARCH_FROM,
	IMAP_SEARCH_TO,
	IMAP_SEARCH_BODY,
};

/* UID SEARCH [CHARSET UTF-8] KEY query in the selected folder. The query
 * is what the user typed (UTF-8) and goes out as one string: quoted
 * (with '"' and '\\' escaped) even when it looks like a search key, or a
 * literal when it holds 8-bit bytes or control characters such as line
 * ends; never spliced into the command. *uids gets a new array, ascending, without
 * duplicates (free()), *n its length. */
int imap_uid_search(struct imap_session *s, enum imap_search_key key,
		    const char *query, uint32_t **uids, size_t *n,
		    struct perr *e);

/* NOOP: lets the server report changes (to fn, may be NULL). */
int imap_noop(struct imap_session *s, imap_fetch_fn fn, void *arg,
	      struct perr *e);
/* LOGOUT, waiting for the reply; the session then only needs
 * imap_session_close, which sends nothing more. */
int imap_logout(struct imap_session *s, struct perr *e);

#endif
