/* SPDX-License-Identifier: ISC */
/*
 * FETCH responses (RFC 3501 7.4.2, RFC 9051 7.5.2): UID, FLAGS,
 * INTERNALDATE, RFC822.SIZE, ENVELOPE, BODY and BODYSTRUCTURE,
 * BODY[section]<origin>, BINARY[section]<origin>, BINARY.SIZE, the
 * RFC822 forms and CONDSTORE's MODSEQ. Items postie does not know are
 * skipped whole.
 *
 * BODYSTRUCTURE is parsed by recursion, bounded by max_depth; a node past
 * the depth or part cap is skipped with the iterative value skipper and
 * left opaque, so a server cannot make the parser's stack or the part
 * array grow without limit (10,000 levels of nesting cost nothing but
 * the skip).
 */
#include "private.h"

/* ---------------------------------------------------------------------
 * date-time = DQUOTE date-day-fixed "-" date-month "-" date-year SP time
 *             SP zone DQUOTE   (without the quotes here)
 */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	/* Howard Hinnant's algorithm: days since 1970-01-01. */
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static bool
digits(const char *p, size_t n, unsigned *out)
{
	unsigned v = 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return false;
		v = v * 10 + (unsigned)(p[i] - '0');
	}
	*out = v;
	return true;
}

int
imap_parse_date_time(const char *p, size_t len, int64_t *t, int *tz_minutes)
{
	static const char months[] = "janfebmaraprmayjunjulaugsepoctnovdec";
	unsigned day, mon = 0, year, hh, mm, ss, zh, zm;
	char tmp[26];

	/* date-day-fixed = (SP DIGIT) / 2DIGIT; a one-digit day without
	 * the space is tolerated. */
	if (len == 25) {
		tmp[0] = ' ';
		memcpy(tmp + 1, p, 25);
		p = tmp;
	} else if (len != 26) {
		return -1;
	}
	if (p[0] == ' ' ? !digits(p + 1, 1, &day) : !digits(p, 2, &day))
		return -1;
	if (p[2] != '-' || p[6] != '-' || p[11] != ' ' || p[14] != ':' ||
	    p[17] != ':' || p[20] != ' ' || (p[21] != '+' && p[21] != '-'))
		return -1;
	for (unsigned k = 0; k < 12; k++)
		if (ascii_lower(p[3]) == months[3 * k] &&
		    ascii_lower(p[4]) == months[3 * k + 1] &&
		    ascii_lower(p[5]) == months[3 * k + 2])
			mon = k + 1;
	if (!mon || !digits(p + 7, 4, &year) || !digits(p + 12, 2, &hh) ||
	    !digits(p + 15, 2, &mm) || !digits(p + 18, 2, &ss) ||
	    !digits(p + 22, 2, &zh) || !digits(p + 24, 2, &zm))
		return -1;
	static const unsigned char mdays[] = { 31, 29, 31, 30, 31, 30,
					       31, 31, 30, 31, 30, 31 };
	if (day < 1 || day > mdays[mon - 1] || hh > 23 || mm > 59 ||
	    ss > 60 || zm > 59 || zh > 23)
		return -1;
	int tz = (int)(zh * 60 + zm) * (p[21] == '-' ? -1 : 1);
	int64_t days = days_from_civil(year, mon, day);
	*t = days * 86400 + hh * 3600 + mm * 60 + ss - (int64_t)tz * 60;
	*tz_minutes = tz;
	return 0;
}

/* ---------------------------------------------------------------------
 * ENVELOPE
 */
static int
parse_addrlist(struct tok *t, struct imap_addrlist *l)
{
	struct rvec v;

	if (tok_word(t, "NIL"))
		return 0;
	rvec_init(t->r, &v);
	if (tok_expect(t, '(') < 0)
		return -1;
	while (!tok_accept(t, ')')) {
		if (v.n && tok_accept(t, ' ') && tok_accept(t, ')'))
			break; /* tolerated: spaces between addresses */
		if (v.n >= IMAP_MAX_ADDRS)
			return tok_fail(t, "too many addresses");
		struct imap_addr *a = rvec_push(t->r, &v, sizeof(*a));
		if (tok_expect(t, '(') < 0 ||
		    tok_nstring(t, false, &a->name) < 0 || tok_sp(t) < 0 ||
		    tok_nstring(t, false, &a->adl) < 0 || tok_sp(t) < 0 ||
		    tok_nstring(t, false, &a->mailbox) < 0 || tok_sp(t) < 0 ||
		    tok_nstring(t, false, &a->host) < 0 ||
		    tok_expect(t, ')') < 0)
			return -1;
		/* RFC 3501 7.4.2: NIL host marks a group; with a mailbox
		 * it starts one (mailbox = group name), without, it ends
		 * one. */
		if (!a->host.data)
			a->kind = a->mailbox.data ? IMAP_ADDR_GROUP_START :
						    IMAP_ADDR_GROUP_END;
	}
	l->v = v.p;
	l->n = v.n;
	return 0;
}

int
parse_envelope(struct tok *t, struct imap_envelope **out)
{
	struct imap_envelope *env = resp_alloc(t->r, sizeof(*env));
	struct imap_addrlist *lists[] = {
		&env->from, &env->sender, &env->reply_to,
		&env->to, &env->cc, &env->bcc,
	};

	*out = env;
	if (tok_expect(t, '(') < 0 ||
	    tok_nstring(t, false, &env->date) < 0 || tok_sp(t) < 0 ||
	    tok_nstring(t, false, &env->subject) < 0)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(lists); i++)
		if (tok_sp(t) < 0 || parse_addrlist(t, lists[i]) < 0)
			return -1;
	if (tok_sp(t) < 0 || tok_nstring(t, false, &env->in_reply_to) < 0 ||
	    tok_sp(t) < 0 || tok_nstring(t, false, &env->message_id) < 0 ||
	    tok_expect(t, ')') < 0)
		return -1;
	return 0;
}

/* ---------------------------------------------------------------------
 * BODYSTRUCTURE
 */
static int
parse_params(struct tok *t, struct imap_params *pl)
{
	struct rvec v;

	if (tok_word(t, "NIL"))
		return 0;
	rvec_init(t->r, &v);
	if (tok_expect(t, '(') < 0)
		return -1;
	while (!tok_accept(t, ')')) {
		struct imap_str k, val;
		if ((v.n || pl->truncated) && tok_sp(t) < 0)
			return -1;
		if (tok_string(t, false, &k) < 0 || tok_sp(t) < 0 ||
		    tok_nstring(t, false, &val) < 0)
			return -1;
		if (v.n >= IMAP_MAX_PARAMS) {
			pl->truncated = true;
			continue;
		}
		struct imap_param *prm = rvec_push(t->r, &v, sizeof(*prm));
		prm->name = k;
		prm->value = val;
	}
	pl->v = v.p;
	pl->n = v.n;
	return 0;
}

/* "(" string *(SP string) ")", as body-fld-lang has it */
static int
parse_string_list(struct tok *t, struct imap_strlist *out)
{
	struct rvec v;

	rvec_init(t->r, &v);
	if (tok_expect(t, '(') < 0)
		return -1;
	while (!tok_accept(t, ')')) {
		struct imap_str s;
		if (v.n && tok_sp(t) < 0)
			return -1;
		if (tok_string(t, false, &s) < 0)
			return -1;
		if (imap_str_has_nul(&s))
			return tok_fail(t, "NUL byte in string");
		if (v.n >= IMAP_MAX_LIST)
			return tok_fail(t, "list too long");
		*(char **)rvec_push(t->r, &v, sizeof(char *)) = s.data;
	}
	out->v = v.p;
	out->n = v.n;
	return 0;
}

/* body-fld-dsp [SP body-fld-lang [SP body-fld-loc *(SP body-extension)]]
 * (each part optional from the end) */
static int
parse_body_ext(struct tok *t, struct imap_body *b)
{
	if (!tok_accept(t, ' '))
		return 0;
	if (!tok_word(t, "NIL")) {
		if (tok_expect(t, '(') < 0 ||
		    tok_string(t, false, &b->disposition) < 0 ||
		    tok_sp(t) < 0 || parse_params(t, &b->disp_params) < 0 ||
		    tok_expect(t, ')') < 0)
			return -1;
	}
	if (!tok_accept(t, ' '))
		return 0;
	if (tok_peek(t) == '(') {
		if (parse_string_list(t, &b->language) < 0)
			return -1;
	} else {
		struct imap_str lang;
		if (tok_nstring(t, false, &lang) < 0)
			return -1;
		if (lang.data && !imap_str_has_nul(&lang)) {
			char **v = resp_alloc(t->r, sizeof(char *));
			v[0] = lang.data;
			b->language.v = v;
			b->language.n = 1;
		}
	}
	if (!tok_accept(t, ' '))
		return 0;
	if (tok_nstring(t, false, &b->location) < 0)
		return -1;
	while (tok_accept(t, ' '))
		if (tok_skip_value(t) < 0)
			return -1;
	return 0;
}

static int parse_body(struct tok *t, unsigned depth, struct imap_body **out);

static int
parse_body_1part(struct tok *t, unsigned depth, struct imap_body *b)
{
	if (tok_string(t, false, &b->type) < 0 || tok_sp(t) < 0 ||
	    tok_string(t, false, &b->subtype) < 0 || tok_sp(t) < 0 ||
	    parse_params(t, &b->params) < 0 || tok_sp(t) < 0 ||
	    tok_nstring(t, false, &b->id) < 0 || tok_sp(t) < 0 ||
	    tok_nstring(t, false, &b->description) < 0 || tok_sp(t) < 0 ||
	    tok_nstring(t, false, &b->encoding) < 0 || tok_sp(t) < 0 ||
	    tok_u64(t, INT64_MAX, &b->size) < 0)
		return -1;
	bool msg = ascii_strcasecmp(b->type.data, "MESSAGE") == 0 &&
		   (ascii_strcasecmp(b->subtype.data, "RFC822") == 0 ||
		    ascii_strcasecmp(b->subtype.data, "GLOBAL") == 0);
	bool text = ascii_strcasecmp(b->type.data, "TEXT") == 0;
	if (msg && tok_peek(t) == ' ' && t->i + 1 < t->len &&
	    t->p[t->i + 1] == '(') {
		if (tok_sp(t) < 0 || parse_envelope(t, &b->env) < 0 ||
		    tok_sp(t) < 0 || parse_body(t, depth + 1, &b->msg) < 0 ||
		    tok_sp(t) < 0 || tok_u64(t, INT64_MAX, &b->lines) < 0)
			return -1;
		b->has_lines = true;
	} else if (text) {
		if (tok_sp(t) < 0 || tok_u64(t, INT64_MAX, &b->lines) < 0)
			return -1;
		b->has_lines = true;
	}
	/* body-ext-1part = body-fld-md5 [SP body-fld-dsp ...] */
	if (!tok_accept(t, ' '))
		return 0;
	if (tok_nstring(t, false, &b->md5) < 0)
		return -1;
	return parse_body_ext(t, b);
}

static int
parse_body_mpart(struct tok *t, unsigned depth, struct imap_body *b)
{
	struct rvec v;

	rvec_init(t->r, &v);
	b->multipart = true;
	bool capped = false;
	while (tok_peek(t) == '(') {
		if (t->nparts >= t->lim->max_parts && capped) {
			/* past the part cap: one opaque node stands for
			 * all the rest, so a million parts cost one */
			if (tok_skip_value(t) < 0)
				return -1;
		} else {
			struct imap_body **slot =
				rvec_push(t->r, &v, sizeof(*slot));
			if (parse_body(t, depth + 1, slot) < 0)
				return -1;
			capped = (*slot)->opaque;
		}
		/* tolerated: a space between the parts */
		if (tok_peek(t) == ' ' && t->i + 1 < t->len &&
		    t->p[t->i + 1] == '(')
			t->i++;
	}
	b->parts = v.p;
	b->nparts = v.n;
	if (tok_sp(t) < 0 || tok_string(t, false, &b->subtype) < 0)
		return -1;
	b->type.data = resp_strndup(t->r, "multipart", 9);
	b->type.len = 9;
	/* body-ext-mpart = body-fld-param [SP body-fld-dsp ...] */
	if (!tok_accept(t, ' '))
		return 0;
	if (parse_params(t, &b->params) < 0)
		return -1;
	return parse_body_ext(t, b);
}

static int
parse_body(struct tok *t, unsigned depth, struct imap_body **out)
{
	struct imap_body *b = resp_alloc(t->r, sizeof(*b));

	*out = b;
	if (tok_peek(t) != '(')
		return tok_fail(t, "'(' expected");
	if (depth >= t->lim->max_depth || t->nparts >= t->lim->max_parts) {
		/* hostile-12: past the caps the rest is opaque */
		b->opaque = true;
		return tok_skip_value(t);
	}
	t->nparts++;
	t->i++;
	int rc = tok_peek(t) == '(' ? parse_body_mpart(t, depth, b) :
				      parse_body_1part(t, depth, b);
	if (rc < 0)
		return -1;
	return tok_expect(t, ')');
}

/* ---------------------------------------------------------------------
 * FETCH items
 */
static int
parse_section(struct tok *t, struct imap_fetch *f, bool binary)
{
	size_t start = t->i;
	bool quoted = false;

	/* section = "[" [section-spec] "]"; header names inside may be
	 * quoted and contain "]". */
	while (t->i < t->len && (quoted || t->p[t->i] != ']')) {
		char c = t->p[t->i];
		if (c == '\r' || c == '\n' || c == '\0')
			return tok_fail(t, "']' expected");
		if (c == '"')
			quoted = !quoted;
		else if (c == '\\' && quoted && t->i + 1 < t->len)
			t->i++;
		t->i++;
	}
	if (t->i >= t->len)
		return tok_fail(t, "']' expected");
	if (f->nsections >= IMAP_MAX_SECTIONS)
		return tok_fail(t, "too many body sections");
	struct imap_section *s;
	size_t n = t->i - start;
	char *spec = resp_strndup(t->r, t->p + start, n);
	for (size_t k = 0; k < n; k++)
		spec[k] = (char)(spec[k] >= 'a' && spec[k] <= 'z' ?
					 spec[k] - 32 : spec[k]);
	t->i++; /* ']' */
	struct imap_section *arr = resp_alloc(t->r, (f->nsections + 1) *
							    sizeof(*arr));
	if (f->nsections)
		memcpy(arr, f->sections, f->nsections * sizeof(*arr));
	f->sections = arr;
	s = &arr[f->nsections++];
	s->section = spec;
	s->binary = binary;
	if (tok_accept(t, '<')) {
		if (tok_u32(t, &s->origin) < 0 || tok_expect(t, '>') < 0)
			return -1;
		s->has_origin = true;
	}
	if (tok_sp(t) < 0)
		return -1;
	return tok_nstring(t, binary, &s->data);
}

static int
parse_rfc822_form(struct tok *t, struct imap_fetch *f, const char *name)
{
	if (f->nsections >= IMAP_MAX_SECTIONS)
		return tok_fail(t, "too many body sections");
	struct imap_section *arr = resp_alloc(t->r, (f->nsections + 1) *
							    sizeof(*arr));
	if (f->nsections)
		memcpy(arr, f->sections, f->nsections * sizeof(*arr));
	f->sections = arr;
	struct imap_section *s = &arr[f->nsections++];
	s->section = resp_strndup(t->r, name, strlen(name));
	return tok_nstring(t, false, &s->data);
}

static int
parse_item(struct tok *t, struct imap_fetch *f)
{
	size_t start = t->i;

	while (t->i < t->len) {
		char c = t->p[t->i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '-' ||
		      c == '_'))
			break;
		t->i++;
	}
	struct slice name = slice_make(t->p + start, t->i - start);
	if (name.len == 0)
		return tok_fail(t, "FETCH item expected");
	if (tok_accept(t, '[')) {
		if (slice_eq_ci(name, "BODY"))
			return parse_section(t, f, false);
		if (slice_eq_ci(name, "BINARY"))
			return parse_section(t, f, true);
		if (slice_eq_ci(name, "BINARY.SIZE")) {
			while (t->i < t->len && t->p[t->i] != ']' &&
			       t->p[t->i] != '\n')
				t->i++;
			if (tok_expect(t, ']') < 0 || tok_sp(t) < 0 ||
			    tok_u64(t, INT64_MAX, &f->binary_size) < 0)
				return -1;
			f->have |= IMAP_F_BINARY_SIZE;
			return 0;
		}
		t->i = start;
		return tok_fail(t, "unknown FETCH item with a section");
	}
	if (tok_sp(t) < 0)
		return -1;
	if (slice_eq_ci(name, "UID")) {
		/* RFC 3501 makes a UID non-zero, but a UID 0 is one bad
		 * message, not a broken stream: it is parsed as it came
		 * (have IMAP_F_UID, uid 0) and each command's consumer
		 * skips that message, so that the rest of a FETCH still
		 * arrives (hostile-9). */
		if (tok_u32(t, &f->uid) < 0)
			return -1;
		f->have |= IMAP_F_UID;
	} else if (slice_eq_ci(name, "FLAGS")) {
		if (tok_atom_list(t, TOK_FLAG, &f->flags) < 0)
			return -1;
		f->have |= IMAP_F_FLAGS;
	} else if (slice_eq_ci(name, "INTERNALDATE")) {
		struct imap_str d;
		size_t at = t->i;
		if (tok_string(t, false, &d) < 0)
			return -1;
		if (imap_parse_date_time(d.data, d.len, &f->internaldate,
					 &f->tz_minutes) < 0) {
			t->i = at;
			return tok_fail(t, "bad INTERNALDATE");
		}
		f->have |= IMAP_F_INTERNALDATE;
	} else if (slice_eq_ci(name, "RFC822.SIZE")) {
		if (tok_u64(t, INT64_MAX, &f->size) < 0)
			return -1;
		f->have |= IMAP_F_SIZE;
	} else if (slice_eq_ci(name, "ENVELOPE")) {
		if (parse_envelope(t, &f->env) < 0)
			return -1;
		f->have |= IMAP_F_ENVELOPE;
	} else if (slice_eq_ci(name, "BODYSTRUCTURE") ||
		   slice_eq_ci(name, "BODY")) {
		if (parse_body(t, 0, &f->body) < 0)
			return -1;
		f->have |= IMAP_F_BODYSTRUCTURE;
	} else if (slice_eq_ci(name, "MODSEQ")) {
		if (tok_expect(t, '(') < 0 ||
		    tok_u64(t, INT64_MAX, &f->modseq) < 0 ||
		    tok_expect(t, ')') < 0)
			return -1;
		f->have |= IMAP_F_MODSEQ;
	} else if (slice_eq_ci(name, "RFC822")) {
		return parse_rfc822_form(t, f, "RFC822");
	} else if (slice_eq_ci(name, "RFC822.HEADER")) {
		return parse_rfc822_form(t, f, "RFC822.HEADER");
	} else if (slice_eq_ci(name, "RFC822.TEXT")) {
		return parse_rfc822_form(t, f, "RFC822.TEXT");
	} else {
		return tok_skip_value(t);
	}
	return 0;
}

int
parse_fetch(struct tok *t)
{
	struct imap_fetch *f = &t->r->fetch;

	if (tok_sp(t) < 0 || tok_expect(t, '(') < 0)
		return -1;
	bool first = true;
	while (!tok_accept(t, ')')) {
		if (!first && tok_sp(t) < 0)
			return -1;
		first = false;
		if (parse_item(t, f) < 0)
			return -1;
	}
	return tok_eol(t);
}
