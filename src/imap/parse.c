/* SPDX-License-Identifier: ISC */
/*
 * The IMAP response parser: framing and the responses other than FETCH.
 *
 * Two stages. The framer (imap_parser_next) finds where a response ends
 * without understanding it: a response is a line, except that a line
 * ending in a literal length "{n}" (or "{n+}", "~{n}") continues after n
 * more bytes. It keeps its place between calls, so input may arrive in
 * any slicing, and it applies the size caps as soon as a length is known,
 * before anything is allocated for it (a "{4294967295}" fails at once).
 * The parser proper then reads the complete response from memory with no
 * need to stop and resume, which keeps it simple and exact.
 *
 * The framer treats any line ending in "{n}" as announcing a literal,
 * as other clients do; the grammar allows a literal only where a string
 * is expected, and a server that ends free text with "{5}" would confuse
 * every client alike.
 */
#include "private.h"

void
imap_limits_default(struct imap_limits *l)
{
	l->max_line = 1024 * 1024;
	l->max_literal = UINT64_C(64) * 1024 * 1024;
	l->max_response = UINT64_C(80) * 1024 * 1024;
	l->max_literals = 100000;
	l->max_numbers = 10000000;
	l->max_depth = 50;
	l->max_parts = 5000;
}

void
imap_parser_init(struct imap_parser *p, const struct imap_limits *lim)
{
	memset(p, 0, sizeof(*p));
	if (lim)
		p->lim = *lim;
	else
		imap_limits_default(&p->lim);
	buf_init(&p->in);
	perr_clear(&p->err);
}

void
imap_parser_release(struct imap_parser *p)
{
	buf_release(&p->in);
	memset(p, 0, sizeof(*p));
	buf_init(&p->in);
}

void
imap_parser_set_flags(struct imap_parser *p, unsigned flags)
{
	p->flags = flags;
}

size_t
imap_parser_pending(const struct imap_parser *p)
{
	return p->in.len - p->start;
}

void
imap_parser_feed(struct imap_parser *p, const void *bytes, size_t len)
{
	/* After a big literal, give the memory back once everything has
	 * been returned, so a long session does not keep its peak. */
	if (p->start == p->in.len && p->in.cap > 1024 * 1024 &&
	    !p->dead) {
		buf_release(&p->in);
		p->start = p->scan = p->seg = 0;
	}
	/* Drop what has been returned once it is at least half of the
	 * buffer, so that the copying stays linear overall. */
	if (p->start && p->start >= p->in.len / 2) {
		buf_remove(&p->in, 0, p->start);
		p->scan -= p->start;
		p->seg -= p->start;
		p->start = 0;
	}
	buf_add(&p->in, bytes, len);
}

static int
die(struct imap_parser *p, struct perr *e)
{
	p->dead = true;
	if (e && e != &p->err)
		*e = p->err;
	return -1;
}

/* Does the line segment (s, n), without its LF, end in a literal length?
 * Returns 1 with *size, 0 if not, -1 when the length is over the cap. */
static int
literal_at_end(struct imap_parser *p, const char *s, size_t n,
	       uint64_t *size)
{
	if (n && s[n - 1] == '\r')
		n--;
	if (n < 3 || s[n - 1] != '}')
		return 0;
	size_t k = n - 1;
	if (s[k - 1] == '+')
		k--;
	size_t end = k;
	while (k > 0 && s[k - 1] >= '0' && s[k - 1] <= '9')
		k--;
	if (k == end || k == 0 || s[k - 1] != '{')
		return 0;
	uint64_t v = 0;
	for (size_t i = k; i < end; i++) {
		unsigned d = (unsigned)(s[i] - '0');
		if (v > (p->lim.max_literal - d) / 10) {
			perr_set(&p->err, PERR_PROTO,
				 "IMAP literal of %.*s bytes is over the "
				 "limit of %" PRIu64 " bytes",
				 (int)(end - k > 40 ? 40 : end - k), s + k,
				 p->lim.max_literal);
			return -1;
		}
		v = v * 10 + d;
	}
	*size = v;
	return 1;
}

static int parse_frame(const char *s, size_t len, unsigned flags,
		       const struct imap_limits *lim, bool has_literal,
		       struct imap_resp *r, struct perr *e);

int
imap_parser_next(struct imap_parser *p, struct imap_resp *r, struct perr *e)
{
	if (p->dead)
		return die(p, e);
	for (;;) {
		if (p->lit_left) {
			size_t avail = p->in.len - p->scan;
			size_t take = avail < p->lit_left ? avail :
							    (size_t)p->lit_left;
			p->scan += take;
			p->lit_left -= take;
			if (p->lit_left)
				return 0;
			p->seg = p->scan;
			continue;
		}
		const char *base = p->in.data;
		const char *lf = memchr(base + p->scan, '\n',
					p->in.len - p->scan);
		if (!lf) {
			p->scan = p->in.len;
			if (p->in.len - p->seg > p->lim.max_line) {
				perr_set(&p->err, PERR_PROTO,
					 "IMAP response line longer than %zu "
					 "bytes", p->lim.max_line);
				return die(p, e);
			}
			if (p->in.len - p->start > p->lim.max_response) {
				perr_set(&p->err, PERR_PROTO,
					 "IMAP response longer than %" PRIu64
					 " bytes", p->lim.max_response);
				return die(p, e);
			}
			return 0;
		}
		size_t end = (size_t)(lf - base);
		if (end - p->seg > p->lim.max_line) {
			perr_set(&p->err, PERR_PROTO,
				 "IMAP response line longer than %zu bytes",
				 p->lim.max_line);
			return die(p, e);
		}
		uint64_t n;
		int lit = literal_at_end(p, base + p->seg, end - p->seg, &n);
		if (lit < 0)
			return die(p, e);
		p->scan = end + 1;
		if (lit) {
			if (++p->nlits > p->lim.max_literals) {
				perr_set(&p->err, PERR_PROTO,
					 "IMAP response with more than %zu "
					 "literals", p->lim.max_literals);
				return die(p, e);
			}
			if (n > p->lim.max_response ||
			    p->scan - p->start > p->lim.max_response - n) {
				perr_set(&p->err, PERR_PROTO,
					 "IMAP response longer than %" PRIu64
					 " bytes", p->lim.max_response);
				return die(p, e);
			}
			p->lit_left = n;
			p->seg = p->scan;
			continue;
		}
		if (p->scan - p->start > p->lim.max_response) {
			perr_set(&p->err, PERR_PROTO,
				 "IMAP response longer than %" PRIu64
				 " bytes", p->lim.max_response);
			return die(p, e);
		}
		size_t start = p->start;
		bool has_literal = p->nlits > 0;
		p->start = p->seg = p->scan;
		p->nlits = 0;
		if (parse_frame(base + start, p->scan - start, p->flags,
				&p->lim, has_literal, r, e) < 0)
			return -1;
		return 1;
	}
}

int
imap_parse_response(const char *s, size_t len, unsigned flags,
		    const struct imap_limits *lim, struct imap_resp *r,
		    struct perr *e)
{
	struct imap_parser p;
	int rc;

	imap_parser_init(&p, lim);
	imap_parser_set_flags(&p, flags);
	imap_parser_feed(&p, s, len);
	rc = imap_parser_next(&p, r, e);
	if (rc == 0) {
		rc = perr_set(e, PERR_PROTO, "incomplete IMAP response");
	} else if (rc == 1 && imap_parser_pending(&p)) {
		imap_resp_release(r);
		rc = perr_set(e, PERR_PROTO,
			      "extra bytes after the IMAP response");
	}
	imap_parser_release(&p);
	return rc < 0 ? -1 : 0;
}

/* ---------------------------------------------------------------------
 * Pieces shared by several responses
 */
static int
tok_seqset(struct tok *t, struct imap_seqset *set)
{
	size_t start = t->i;
	size_t room = t->lim->max_numbers > t->nnumbers ?
			      t->lim->max_numbers - t->nnumbers : 0;
	size_t before = set->n;

	while (t->i < t->len) {
		char c = t->p[t->i];
		if (!((c >= '0' && c <= '9') || c == ':' || c == ',' ||
		      c == '*'))
			break;
		t->i++;
	}
	if (t->i == start)
		return tok_fail(t, "sequence set expected");
	if (room == 0)
		return tok_fail(t, "too many numbers in response");
	if (imap_seqset_parse(set, t->p + start, t->i - start, room,
			      t->e) < 0)
		return perr_prefix(t->e, "bad IMAP response at offset %zu",
				   start);
	t->nnumbers += set->n - before;
	return 0;
}

/* known-uids and uid-set never hold "*". */
static int
tok_uidset(struct tok *t, struct imap_seqset *set)
{
	size_t start = t->i, before = set->n;

	if (tok_seqset(t, set) < 0)
		return -1;
	for (size_t k = before; k < set->n; k++)
		if (set->r[k].lo == IMAP_SEQ_STAR ||
		    set->r[k].hi == IMAP_SEQ_STAR) {
			t->i = start;
			return tok_fail(t, "'*' in a UID set");
		}
	return 0;
}

static bool
cstr_valid_name(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c < 0x20 || c == 0x7f)
			return false;
	}
	return utf8_valid(p, n);
}

int
parse_mailbox(struct tok *t, struct imap_mailbox *out)
{
	if (tok_astring(t, TOK_MAILBOX, &out->raw) < 0)
		return -1;
	const char *raw = out->raw.data;
	size_t n = out->raw.len;
	out->name = NULL;
	/* RFC 3501 5.1: INBOX is case-insensitive. */
	if (n == 5 && ascii_strncasecmp(raw, "INBOX", 5) == 0) {
		out->name = resp_strndup(t->r, "INBOX", 5);
		return 0;
	}
	if (t->flags & IMAP_PARSER_UTF8) {
		if (cstr_valid_name(raw, n))
			out->name = resp_strndup(t->r, raw, n);
		return 0;
	}
	struct buf b = BUF_INIT;
	struct perr ignored;
	if (imap_utf7_decode(raw, n, &b, &ignored) == 0)
		out->name = resp_strndup(t->r, b.data, b.len);
	buf_release(&b);
	return 0;
}

static void
caps_add(struct tok *t, struct imap_caps *c, struct rvec *v, struct slice s)
{
	for (unsigned b = 0; b < IMAP_CAPB_COUNT; b++) {
		if (slice_eq_ci(s, imap_cap_name(b))) {
			c->bits |= UINT64_C(1) << b;
			break;
		}
	}
	if (v->n >= IMAP_MAX_CAPS) {
		c->truncated = true;
		return;
	}
	char **slot = rvec_push(t->r, v, sizeof(char *));
	*slot = resp_strndup(t->r, s.p, s.len);
}

/* capability *(SP capability), up to the end of the line or a ']'. */
static int
parse_caps(struct tok *t, struct imap_caps *c)
{
	struct rvec v;

	rvec_init(t->r, &v);
	do {
		struct slice s;
		if (tok_peek(t) < 0 && v.n)
			break; /* a trailing space, as some servers send */
		if (tok_atom(t, TOK_ATOM, &s) < 0)
			return -1;
		caps_add(t, c, &v, s);
	} while (tok_accept(t, ' '));
	c->names.v = v.p;
	c->names.n = v.n;
	return 0;
}

/* ---------------------------------------------------------------------
 * Status responses and response codes
 */
static enum imap_code_kind
code_kind(struct slice s)
{
	for (unsigned k = IMAP_CODE_NONE + 1; k < IMAP_CODE_OTHER; k++)
		if (slice_eq_ci(s, imap_code_name(k)))
			return k;
	return IMAP_CODE_OTHER;
}

static int
parse_code(struct tok *t, struct imap_code *c)
{
	size_t open = t->i, close = open + 1;

	while (close < t->len && t->p[close] != ']' && t->p[close] != '\n' &&
	       t->p[close] != '\r')
		close++;
	if (close >= t->len || t->p[close] != ']') {
		t->i = close;
		return tok_fail(t, "']' expected");
	}
	struct tok sub = *t;
	struct slice name;
	sub.len = close;
	sub.i = open + 1;
	if (tok_atom(&sub, TOK_ATOM, &name) < 0)
		return -1;
	c->kind = code_kind(name);
	c->name = resp_strndup(t->r, name.p, name.len);
	bool arg = tok_accept(&sub, ' ');
	if (arg && sub.i < close)
		c->arg = resp_strndup(t->r, sub.p + sub.i, close - sub.i);
	switch (c->kind) {
	case IMAP_CODE_UIDNEXT:
	case IMAP_CODE_UIDVALIDITY:
	case IMAP_CODE_UNSEEN:
		if (!arg)
			return tok_fail(&sub, "number expected");
		if (tok_nz32(&sub, &c->num) < 0)
			return -1;
		break;
	case IMAP_CODE_HIGHESTMODSEQ:
		if (!arg)
			return tok_fail(&sub, "number expected");
		if (tok_u64(&sub, INT64_MAX, &c->modseq) < 0)
			return -1;
		break;
	case IMAP_CODE_APPENDUID:
		if (!arg || tok_nz32(&sub, &c->num) < 0 || tok_sp(&sub) < 0 ||
		    tok_uidset(&sub, &c->set) < 0)
			return arg ? -1 : tok_fail(&sub, "number expected");
		break;
	case IMAP_CODE_COPYUID:
		if (!arg || tok_nz32(&sub, &c->num) < 0 || tok_sp(&sub) < 0 ||
		    tok_uidset(&sub, &c->set) < 0 || tok_sp(&sub) < 0 ||
		    tok_uidset(&sub, &c->set2) < 0)
			return arg ? -1 : tok_fail(&sub, "number expected");
		break;
	case IMAP_CODE_MODIFIED:
		if (!arg)
			return tok_fail(&sub, "sequence set expected");
		if (tok_seqset(&sub, &c->set) < 0)
			return -1;
		break;
	case IMAP_CODE_PERMANENTFLAGS:
		if (!arg)
			return tok_fail(&sub, "flag list expected");
		if (tok_atom_list(&sub, TOK_FLAG, &c->list) < 0)
			return -1;
		break;
	case IMAP_CODE_BADCHARSET:
		if (arg && tok_atom_list(&sub, TOK_ASTRING, &c->list) < 0)
			return -1;
		break;
	case IMAP_CODE_CAPABILITY:
		if (!arg)
			return tok_fail(&sub, "capability expected");
		if (parse_caps(&sub, &c->caps) < 0)
			return -1;
		break;
	default:
		/* No structure postie needs: the raw argument is kept. */
		sub.i = close;
		break;
	}
	if (sub.i != close)
		return tok_fail(&sub, "']' expected");
	t->i = close + 1;
	return 0;
}

/* resp-text = ["[" resp-text-code "]" SP] [text]. An empty text is
 * accepted ("A1 NO" alone is sent by real servers). */
static int
parse_resp_text(struct tok *t)
{
	struct imap_resp *r = t->r;

	if (tok_at_eol(t)) {
		r->text = resp_strndup(r, "", 0);
		return tok_eol(t);
	}
	if (tok_sp(t) < 0)
		return -1;
	if (tok_peek(t) == '[') {
		if (parse_code(t, &r->code) < 0)
			return -1;
		if (!tok_at_eol(t) && tok_sp(t) < 0)
			return -1;
	}
	if (tok_text(t, &r->text) < 0)
		return -1;
	return tok_eol(t);
}

static bool
status_word(struct tok *t, enum imap_status *st, bool tagged)
{
	if (tok_word(t, "OK"))
		*st = IMAP_OK;
	else if (tok_word(t, "NO"))
		*st = IMAP_NO;
	else if (tok_word(t, "BAD"))
		*st = IMAP_BAD;
	else if (!tagged && tok_word(t, "PREAUTH"))
		*st = IMAP_PREAUTH;
	else if (!tagged && tok_word(t, "BYE"))
		*st = IMAP_BYE;
	else
		return false;
	return true;
}

/* ---------------------------------------------------------------------
 * Untagged data
 */
static int
parse_list(struct tok *t, bool lsub)
{
	struct imap_list *l = &t->r->list;

	l->lsub = lsub;
	if (tok_sp(t) < 0 || tok_atom_list(t, TOK_FLAG, &l->attr_names) < 0)
		return -1;
	for (size_t i = 0; i < l->attr_names.n; i++) {
		struct slice s = slice_cstr(l->attr_names.v[i]);
		static const char *const names[] = {
#define IMAP_MBX_NAME_(n, s) s,
			IMAP_MBX_TABLE(IMAP_MBX_NAME_)
#undef IMAP_MBX_NAME_
		};
		for (unsigned b = 0; b < ARRAY_SIZE(names); b++)
			if (slice_eq_ci(s, names[b]))
				l->attrs |= 1u << b;
	}
	struct imap_str d;
	if (tok_sp(t) < 0 || tok_nstring(t, false, &d) < 0)
		return -1;
	if (imap_str_has_nul(&d))
		return tok_fail(t, "NUL byte in hierarchy delimiter");
	l->delim = d.data;
	if (tok_sp(t) < 0 || parse_mailbox(t, &l->mbox) < 0)
		return -1;
	/* mbox-list-extended (RFC 5258): CHILDINFO, OLDNAME, ... skipped */
	while (tok_accept(t, ' '))
		if (tok_skip_value(t) < 0)
			return -1;
	return tok_eol(t);
}

static int
parse_status_data(struct tok *t)
{
	struct imap_mbstatus *s = &t->r->mbstatus;

	if (tok_sp(t) < 0 || parse_mailbox(t, &s->mbox) < 0 ||
	    tok_sp(t) < 0 || tok_expect(t, '(') < 0)
		return -1;
	bool first = true;
	while (!tok_accept(t, ')')) {
		if (!first && tok_sp(t) < 0)
			return -1;
		first = false;
		struct slice name;
		uint32_t *u32 = NULL;
		uint64_t *u64 = NULL;
		unsigned bit = 0;
		if (tok_atom(t, TOK_ATOM, &name) < 0 || tok_sp(t) < 0)
			return -1;
		if (slice_eq_ci(name, "MESSAGES"))
			u32 = &s->messages, bit = IMAP_ST_MESSAGES;
		else if (slice_eq_ci(name, "RECENT"))
			u32 = &s->recent, bit = IMAP_ST_RECENT;
		else if (slice_eq_ci(name, "UIDNEXT"))
			u32 = &s->uidnext, bit = IMAP_ST_UIDNEXT;
		else if (slice_eq_ci(name, "UIDVALIDITY"))
			u32 = &s->uidvalidity, bit = IMAP_ST_UIDVALIDITY;
		else if (slice_eq_ci(name, "UNSEEN"))
			u32 = &s->unseen, bit = IMAP_ST_UNSEEN;
		else if (slice_eq_ci(name, "DELETED"))
			u32 = &s->deleted, bit = IMAP_ST_DELETED;
		else if (slice_eq_ci(name, "SIZE"))
			u64 = &s->size, bit = IMAP_ST_SIZE;
		else if (slice_eq_ci(name, "HIGHESTMODSEQ"))
			u64 = &s->highestmodseq, bit = IMAP_ST_HIGHESTMODSEQ;
		if (u32) {
			if (tok_u32(t, u32) < 0)
				return -1;
		} else if (u64) {
			if (tok_u64(t, INT64_MAX, u64) < 0)
				return -1;
		} else if (tok_skip_value(t) < 0) {
			return -1;
		}
		s->have |= bit;
	}
	return tok_eol(t);
}

static int
parse_search(struct tok *t)
{
	struct imap_search *s = &t->r->search;
	struct rvec v;

	rvec_init(t->r, &v);
	while (tok_accept(t, ' ')) {
		if (tok_at_eol(t))
			break; /* "* SEARCH " from some servers */
		if (tok_accept(t, '(')) {
			if (!tok_word(t, "MODSEQ") || tok_sp(t) < 0 ||
			    tok_u64(t, INT64_MAX, &s->modseq) < 0 ||
			    tok_expect(t, ')') < 0)
				return s->modseq ?
					       -1 :
					       tok_fail(t, "MODSEQ expected");
			break;
		}
		if (t->nnumbers >= t->lim->max_numbers)
			return tok_fail(t, "too many numbers in response");
		uint32_t *slot = rvec_push(t->r, &v, sizeof(uint32_t));
		if (tok_nz32(t, slot) < 0)
			return -1;
		t->nnumbers++;
	}
	s->nums = v.p;
	s->n = v.n;
	return tok_eol(t);
}

static int
parse_esearch(struct tok *t)
{
	struct imap_esearch *s = &t->r->esearch;

	if (!tok_accept(t, ' '))
		return tok_eol(t);
	if (tok_accept(t, '(')) {
		struct imap_str tag;
		if (!tok_word(t, "TAG"))
			return tok_fail(t, "TAG expected");
		if (tok_sp(t) < 0 || tok_astring(t, TOK_ASTRING, &tag) < 0 ||
		    tok_expect(t, ')') < 0)
			return -1;
		if (imap_str_has_nul(&tag))
			return tok_fail(t, "NUL byte in tag");
		s->tag = tag.data;
		if (!tok_accept(t, ' '))
			return tok_eol(t);
	}
	if (tok_word(t, "UID")) {
		s->uid = true;
		if (!tok_accept(t, ' '))
			return tok_eol(t);
	}
	do {
		struct slice name;
		if (tok_atom(t, TOK_ATOM, &name) < 0 || tok_sp(t) < 0)
			return -1;
		if (slice_eq_ci(name, "MIN")) {
			if (tok_nz32(t, &s->min) < 0)
				return -1;
			s->have |= IMAP_ES_MIN;
		} else if (slice_eq_ci(name, "MAX")) {
			if (tok_nz32(t, &s->max) < 0)
				return -1;
			s->have |= IMAP_ES_MAX;
		} else if (slice_eq_ci(name, "COUNT")) {
			if (tok_u32(t, &s->count) < 0)
				return -1;
			s->have |= IMAP_ES_COUNT;
		} else if (slice_eq_ci(name, "ALL")) {
			if (tok_seqset(t, &s->all) < 0)
				return -1;
			s->have |= IMAP_ES_ALL;
		} else if (slice_eq_ci(name, "MODSEQ")) {
			if (tok_u64(t, INT64_MAX, &s->modseq) < 0)
				return -1;
			s->have |= IMAP_ES_MODSEQ;
		} else if (tok_skip_value(t) < 0) {
			return -1;
		}
	} while (tok_accept(t, ' '));
	return tok_eol(t);
}

static int
parse_vanished(struct tok *t)
{
	struct imap_resp *r = t->r;

	if (tok_sp(t) < 0)
		return -1;
	if (tok_accept(t, '(')) {
		if (!tok_word(t, "EARLIER"))
			return tok_fail(t, "EARLIER expected");
		if (tok_expect(t, ')') < 0 || tok_sp(t) < 0)
			return -1;
		r->earlier = true;
	}
	if (tok_uidset(t, &r->set) < 0)
		return -1;
	return tok_eol(t);
}

static int
parse_enabled(struct tok *t)
{
	struct rvec v;

	rvec_init(t->r, &v);
	while (tok_accept(t, ' ')) {
		struct slice s;
		if (tok_at_eol(t) && v.n)
			break;
		if (tok_atom(t, TOK_ATOM, &s) < 0)
			return -1;
		if (v.n >= IMAP_MAX_LIST)
			return tok_fail(t, "list too long");
		char **slot = rvec_push(t->r, &v, sizeof(char *));
		*slot = resp_strndup(t->r, s.p, s.len);
	}
	t->r->strlist.v = v.p;
	t->r->strlist.n = v.n;
	return tok_eol(t);
}

/* RFC 2971: "ID" SP ("(" string SP nstring *(SP string SP nstring) ")" /
 * NIL), at most 30 pairs; a few more are tolerated. */
static int
parse_id(struct tok *t)
{
	struct rvec v;

	rvec_init(t->r, &v);
	if (tok_sp(t) < 0)
		return -1;
	if (!tok_word(t, "NIL")) {
		if (tok_expect(t, '(') < 0)
			return -1;
		while (!tok_accept(t, ')')) {
			struct imap_str k, val;
			if (v.n && tok_sp(t) < 0)
				return -1;
			if (v.n >= 2 * 64)
				return tok_fail(t, "too many ID fields");
			if (tok_string(t, false, &k) < 0 || tok_sp(t) < 0 ||
			    tok_nstring(t, false, &val) < 0)
				return -1;
			if (imap_str_has_nul(&k) || imap_str_has_nul(&val))
				return tok_fail(t, "NUL byte in ID field");
			*(char **)rvec_push(t->r, &v, sizeof(char *)) = k.data;
			*(char **)rvec_push(t->r, &v, sizeof(char *)) =
				val.data;
		}
	}
	t->r->strlist.v = v.p;
	t->r->strlist.n = v.n;
	return tok_eol(t);
}

static int
parse_untagged_number(struct tok *t)
{
	struct imap_resp *r = t->r;
	struct slice name;
	size_t at = t->i;

	if (tok_u32(t, &r->number) < 0 || tok_sp(t) < 0 ||
	    tok_atom(t, TOK_ATOM, &name) < 0)
		return -1;
	if (slice_eq_ci(name, "EXISTS")) {
		r->kind = IMAP_RESP_EXISTS;
		return tok_eol(t);
	}
	if (slice_eq_ci(name, "RECENT")) {
		r->kind = IMAP_RESP_RECENT;
		return tok_eol(t);
	}
	bool expunge = slice_eq_ci(name, "EXPUNGE");
	bool fetch = slice_eq_ci(name, "FETCH");
	if ((expunge || fetch) && r->number == 0) {
		t->i = at;
		return tok_fail(t, "message number 0");
	}
	if (expunge) {
		r->kind = IMAP_RESP_EXPUNGE;
		return tok_eol(t);
	}
	if (fetch) {
		r->kind = IMAP_RESP_FETCH;
		r->fetch.seq = r->number;
		return parse_fetch(t);
	}
	r->kind = IMAP_RESP_OTHER;
	r->name = resp_strndup(r, name.p, name.len);
	return 0;
}

static int
parse_untagged(struct tok *t)
{
	struct imap_resp *r = t->r;
	struct slice name;

	if (tok_sp(t) < 0)
		return -1;
	int c = tok_peek(t);
	if (c >= '0' && c <= '9')
		return parse_untagged_number(t);
	if (status_word(t, &r->status, false)) {
		r->kind = IMAP_RESP_STATUS;
		return parse_resp_text(t);
	}
	size_t at = t->i;
	if (tok_atom(t, TOK_ATOM, &name) < 0)
		return -1;
	if (slice_eq_ci(name, "CAPABILITY")) {
		r->kind = IMAP_RESP_CAPABILITY;
		if (tok_sp(t) < 0 || parse_caps(t, &r->caps) < 0)
			return -1;
		return tok_eol(t);
	}
	if (slice_eq_ci(name, "LIST") || slice_eq_ci(name, "XLIST")) {
		r->kind = IMAP_RESP_LIST;
		return parse_list(t, false);
	}
	if (slice_eq_ci(name, "LSUB")) {
		r->kind = IMAP_RESP_LIST;
		return parse_list(t, true);
	}
	if (slice_eq_ci(name, "STATUS")) {
		r->kind = IMAP_RESP_MBSTATUS;
		return parse_status_data(t);
	}
	if (slice_eq_ci(name, "SEARCH")) {
		r->kind = IMAP_RESP_SEARCH;
		return parse_search(t);
	}
	if (slice_eq_ci(name, "ESEARCH")) {
		r->kind = IMAP_RESP_ESEARCH;
		return parse_esearch(t);
	}
	if (slice_eq_ci(name, "FLAGS")) {
		r->kind = IMAP_RESP_FLAGS;
		if (tok_sp(t) < 0 ||
		    tok_atom_list(t, TOK_FLAG, &r->strlist) < 0)
			return -1;
		return tok_eol(t);
	}
	if (slice_eq_ci(name, "VANISHED")) {
		r->kind = IMAP_RESP_VANISHED;
		return parse_vanished(t);
	}
	if (slice_eq_ci(name, "ENABLED")) {
		r->kind = IMAP_RESP_ENABLED;
		return parse_enabled(t);
	}
	if (slice_eq_ci(name, "ID")) {
		r->kind = IMAP_RESP_ID;
		return parse_id(t);
	}
	(void)at;
	r->kind = IMAP_RESP_OTHER;
	r->name = resp_strndup(r, name.p, name.len);
	return 0;
}

/* tag = 1*<any ASTRING-CHAR except "+"> */
static int
parse_tagged(struct tok *t)
{
	struct imap_resp *r = t->r;
	struct slice tag;

	if (tok_atom(t, TOK_ASTRING, &tag) < 0)
		return -1;
	if (memchr(tag.p, '+', tag.len)) {
		t->i -= tag.len;
		return tok_fail(t, "'+' in tag");
	}
	r->tag = resp_strndup(r, tag.p, tag.len);
	r->kind = IMAP_RESP_STATUS;
	if (tok_sp(t) < 0)
		return -1;
	if (!status_word(t, &r->status, true))
		return tok_fail(t, "OK, NO or BAD expected");
	return parse_resp_text(t);
}

static int
parse_frame(const char *s, size_t len, unsigned flags,
	    const struct imap_limits *lim, bool has_literal,
	    struct imap_resp *r, struct perr *e)
{
	struct tok t = {
		.p = s, .len = len, .r = r, .lim = lim, .flags = flags,
		.e = e,
	};
	int rc;

	imap_resp_release(r);
	if (s[0] == '+') {
		r->kind = IMAP_RESP_CONTINUE;
		t.i = 1;
		if (tok_at_eol(&t))
			rc = tok_text(&t, &r->text);
		else if ((rc = tok_sp(&t)) == 0)
			rc = tok_text(&t, &r->text);
	} else if (s[0] == '*') {
		t.i = 1;
		rc = parse_untagged(&t);
	} else {
		rc = parse_tagged(&t);
	}
	if (rc < 0) {
		imap_resp_release(r);
		return -1;
	}
	/* raw is for traces and for OTHER, which has nothing else; a big
	 * FETCH is not worth holding twice. */
	if (r->kind == IMAP_RESP_OTHER || (!has_literal && len <= 65536))
		buf_add(&r->raw, s, len);
	return 0;
}
