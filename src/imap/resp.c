/* SPDX-License-Identifier: ISC */
/*
 * The response object: its allocations, its release, the name tables and
 * a deterministic dump used by the tests and by protocol traces.
 *
 * Every piece of memory a response points at is recorded in one list in
 * the response, so that imap_resp_release frees everything with no
 * walking of the structure, and a parse that fails halfway leaves nothing
 * behind: the parser just releases the response.
 */
#include <stdio.h>

#include "private.h"

static void
own(struct imap_resp *r, void *p)
{
	r->owned_ = xgrow(r->owned_, &r->capowned_, r->nowned_ + 1,
			  sizeof(*r->owned_));
	r->owned_[r->nowned_++] = p;
}

void *
resp_alloc(struct imap_resp *r, size_t n)
{
	void *p = xcalloc(1, n ? n : 1);
	own(r, p);
	return p;
}

char *
resp_strndup(struct imap_resp *r, const char *p, size_t n)
{
	char *s = xmalloc(n + 1);
	if (n)
		memcpy(s, p, n);
	s[n] = '\0';
	own(r, s);
	return s;
}

void
rvec_init(struct imap_resp *r, struct rvec *v)
{
	v->p = NULL;
	v->n = 0;
	v->cap = 0;
	v->slot = SIZE_MAX;
	(void)r;
}

void *
rvec_push(struct imap_resp *r, struct rvec *v, size_t sz)
{
	if (v->n == v->cap) {
		v->p = xgrow(v->p, &v->cap, v->n + 1, sz);
		if (v->slot == SIZE_MAX) {
			own(r, v->p);
			v->slot = r->nowned_ - 1;
		} else {
			r->owned_[v->slot] = v->p;
		}
	}
	char *elem = (char *)v->p + v->n * sz;
	memset(elem, 0, sz);
	v->n++;
	return elem;
}

void
imap_resp_init(struct imap_resp *r)
{
	memset(r, 0, sizeof(*r));
	buf_init(&r->raw);
}

void
imap_resp_release(struct imap_resp *r)
{
	for (size_t i = 0; i < r->nowned_; i++)
		free(r->owned_[i]);
	free(r->owned_);
	imap_seqset_release(&r->code.set);
	imap_seqset_release(&r->code.set2);
	imap_seqset_release(&r->set);
	imap_seqset_release(&r->esearch.all);
	buf_release(&r->raw);
	imap_resp_init(r);
}

bool
imap_str_has_nul(const struct imap_str *s)
{
	return s->data && memchr(s->data, '\0', s->len) != NULL;
}

static const char *const status_names[] = {
	"OK", "NO", "BAD", "PREAUTH", "BYE",
};

const char *
imap_status_name(enum imap_status s)
{
	if ((unsigned)s < ARRAY_SIZE(status_names))
		return status_names[s];
	return "?";
}

static const char *const code_names[] = {
#define IMAP_CODE_NAME_(n, s) s,
	IMAP_CODE_TABLE(IMAP_CODE_NAME_)
#undef IMAP_CODE_NAME_
};

const char *
imap_code_name(enum imap_code_kind k)
{
	if ((unsigned)k < ARRAY_SIZE(code_names) && code_names[k])
		return code_names[k];
	return "?";
}

static const char *const cap_names[] = {
#define IMAP_CAP_NAME_(n, s) s,
	IMAP_CAP_TABLE(IMAP_CAP_NAME_)
#undef IMAP_CAP_NAME_
};

const char *
imap_cap_name(enum imap_cap_bit bit)
{
	if ((unsigned)bit < ARRAY_SIZE(cap_names))
		return cap_names[bit];
	return NULL;
}

/* ---------------------------------------------------------------------
 * Dump. The format is for people and tests: kind, then "key=value" for
 * what is set, strings in double quotes with bytes outside printable
 * ASCII as \xHH, NIL as NIL.
 */
static void
dump_bytes(struct buf *out, const char *p, size_t n)
{
	buf_addch(out, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c == '"' || c == '\\')
			buf_addf(out, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			buf_addf(out, "\\x%02x", c);
		else
			buf_addch(out, c);
	}
	buf_addch(out, '"');
}

static void
dump_cstr(struct buf *out, const char *s)
{
	if (!s)
		buf_addstr(out, "NIL");
	else
		dump_bytes(out, s, strlen(s));
}

static void
dump_str(struct buf *out, const struct imap_str *s)
{
	if (!s->data)
		buf_addstr(out, "NIL");
	else
		dump_bytes(out, s->data, s->len);
}

static void
dump_list(struct buf *out, const struct imap_strlist *l)
{
	buf_addch(out, '(');
	for (size_t i = 0; i < l->n; i++) {
		if (i)
			buf_addch(out, ' ');
		dump_cstr(out, l->v[i]);
	}
	buf_addch(out, ')');
}

static void
dump_set(struct buf *out, const struct imap_seqset *s)
{
	if (s->n == 0)
		buf_addstr(out, "(empty)");
	else
		imap_seqset_format(s, out);
}

static void
dump_caps(struct buf *out, const struct imap_caps *c)
{
	buf_addf(out, "bits=%#" PRIx64 " names=", c->bits);
	dump_list(out, &c->names);
	if (c->truncated)
		buf_addstr(out, " truncated");
}

static void
dump_mailbox(struct buf *out, const struct imap_mailbox *m)
{
	buf_addstr(out, "raw=");
	dump_str(out, &m->raw);
	buf_addstr(out, " name=");
	dump_cstr(out, m->name);
}

static void
dump_addrs(struct buf *out, const struct imap_addrlist *l)
{
	if (!l->v) {
		buf_addstr(out, "NIL");
		return;
	}
	buf_addch(out, '(');
	for (size_t i = 0; i < l->n; i++) {
		const struct imap_addr *a = &l->v[i];
		if (i)
			buf_addch(out, ' ');
		if (a->kind == IMAP_ADDR_GROUP_START) {
			buf_addstr(out, "group:");
			dump_str(out, &a->mailbox);
			continue;
		}
		if (a->kind == IMAP_ADDR_GROUP_END) {
			buf_addstr(out, "end-group");
			continue;
		}
		buf_addch(out, '(');
		dump_str(out, &a->name);
		buf_addch(out, ' ');
		dump_str(out, &a->adl);
		buf_addch(out, ' ');
		dump_str(out, &a->mailbox);
		buf_addch(out, ' ');
		dump_str(out, &a->host);
		buf_addch(out, ')');
	}
	buf_addch(out, ')');
}

static void
dump_env(struct buf *out, const struct imap_envelope *env)
{
	buf_addstr(out, "(date=");
	dump_str(out, &env->date);
	buf_addstr(out, " subject=");
	dump_str(out, &env->subject);
	buf_addstr(out, " from=");
	dump_addrs(out, &env->from);
	buf_addstr(out, " sender=");
	dump_addrs(out, &env->sender);
	buf_addstr(out, " reply-to=");
	dump_addrs(out, &env->reply_to);
	buf_addstr(out, " to=");
	dump_addrs(out, &env->to);
	buf_addstr(out, " cc=");
	dump_addrs(out, &env->cc);
	buf_addstr(out, " bcc=");
	dump_addrs(out, &env->bcc);
	buf_addstr(out, " in-reply-to=");
	dump_str(out, &env->in_reply_to);
	buf_addstr(out, " message-id=");
	dump_str(out, &env->message_id);
	buf_addch(out, ')');
}

static void
dump_params(struct buf *out, const struct imap_params *p)
{
	if (!p->v) {
		buf_addstr(out, "NIL");
		return;
	}
	buf_addch(out, '(');
	for (size_t i = 0; i < p->n; i++) {
		if (i)
			buf_addch(out, ' ');
		dump_str(out, &p->v[i].name);
		buf_addch(out, '=');
		dump_str(out, &p->v[i].value);
	}
	if (p->truncated)
		buf_addstr(out, " ...");
	buf_addch(out, ')');
}

/* Recursive: the parser caps the depth of a body (max_depth), so the
 * recursion is bounded by the same number. */
static void
dump_body(struct buf *out, const struct imap_body *b, unsigned depth)
{
	if (b->opaque) {
		buf_addstr(out, "(opaque)");
		return;
	}
	buf_addch(out, '(');
	if (b->multipart) {
		for (size_t i = 0; i < b->nparts; i++) {
			dump_body(out, b->parts[i], depth + 1);
			buf_addch(out, ' ');
		}
		buf_addstr(out, "multipart/");
		dump_str(out, &b->subtype);
	} else {
		dump_str(out, &b->type);
		buf_addch(out, '/');
		dump_str(out, &b->subtype);
		buf_addstr(out, " id=");
		dump_str(out, &b->id);
		buf_addstr(out, " desc=");
		dump_str(out, &b->description);
		buf_addstr(out, " enc=");
		dump_str(out, &b->encoding);
		buf_addf(out, " size=%" PRIu64, b->size);
		if (b->has_lines)
			buf_addf(out, " lines=%" PRIu64, b->lines);
		if (b->env) {
			buf_addstr(out, " env=");
			dump_env(out, b->env);
		}
		if (b->msg) {
			buf_addstr(out, " msg=");
			dump_body(out, b->msg, depth + 1);
		}
		if (b->md5.data) {
			buf_addstr(out, " md5=");
			dump_str(out, &b->md5);
		}
	}
	buf_addstr(out, " params=");
	dump_params(out, &b->params);
	if (b->disposition.data) {
		buf_addstr(out, " disp=");
		dump_str(out, &b->disposition);
		buf_addch(out, ' ');
		dump_params(out, &b->disp_params);
	}
	if (b->language.n) {
		buf_addstr(out, " lang=");
		dump_list(out, &b->language);
	}
	if (b->location.data) {
		buf_addstr(out, " loc=");
		dump_str(out, &b->location);
	}
	buf_addch(out, ')');
}

static void
dump_code(struct buf *out, const struct imap_code *c)
{
	if (c->kind == IMAP_CODE_NONE)
		return;
	buf_addstr(out, " code=");
	buf_addstr(out, c->kind == IMAP_CODE_OTHER ? "other:" : "");
	buf_addstr(out, c->name);
	switch (c->kind) {
	case IMAP_CODE_UIDNEXT:
	case IMAP_CODE_UIDVALIDITY:
	case IMAP_CODE_UNSEEN:
		buf_addf(out, " %" PRIu32, c->num);
		break;
	case IMAP_CODE_HIGHESTMODSEQ:
		buf_addf(out, " %" PRIu64, c->modseq);
		break;
	case IMAP_CODE_APPENDUID:
		buf_addf(out, " %" PRIu32 " ", c->num);
		dump_set(out, &c->set);
		break;
	case IMAP_CODE_COPYUID:
		buf_addf(out, " %" PRIu32 " ", c->num);
		dump_set(out, &c->set);
		buf_addch(out, ' ');
		dump_set(out, &c->set2);
		break;
	case IMAP_CODE_MODIFIED:
		buf_addch(out, ' ');
		dump_set(out, &c->set);
		break;
	case IMAP_CODE_PERMANENTFLAGS:
	case IMAP_CODE_BADCHARSET:
		buf_addch(out, ' ');
		dump_list(out, &c->list);
		break;
	case IMAP_CODE_CAPABILITY:
		buf_addch(out, ' ');
		dump_caps(out, &c->caps);
		break;
	default:
		if (c->arg) {
			buf_addch(out, ' ');
			dump_cstr(out, c->arg);
		}
		break;
	}
}

static void
dump_fetch(struct buf *out, const struct imap_fetch *f)
{
	buf_addf(out, " seq=%" PRIu32, f->seq);
	if (f->have & IMAP_F_UID)
		buf_addf(out, " uid=%" PRIu32, f->uid);
	if (f->have & IMAP_F_FLAGS) {
		buf_addstr(out, " flags=");
		dump_list(out, &f->flags);
	}
	if (f->have & IMAP_F_INTERNALDATE)
		buf_addf(out, " internaldate=%" PRId64 "%+d", f->internaldate,
			 f->tz_minutes);
	if (f->have & IMAP_F_SIZE)
		buf_addf(out, " size=%" PRIu64, f->size);
	if (f->have & IMAP_F_BINARY_SIZE)
		buf_addf(out, " binary-size=%" PRIu64, f->binary_size);
	if (f->have & IMAP_F_MODSEQ)
		buf_addf(out, " modseq=%" PRIu64, f->modseq);
	if (f->env) {
		buf_addstr(out, " envelope=");
		dump_env(out, f->env);
	}
	if (f->body) {
		buf_addstr(out, " body=");
		dump_body(out, f->body, 0);
	}
	for (size_t i = 0; i < f->nsections; i++) {
		const struct imap_section *s = &f->sections[i];
		buf_addf(out, " %s[%s]", s->binary ? "BINARY" : "BODY",
			 s->section);
		if (s->has_origin)
			buf_addf(out, "<%" PRIu32 ">", s->origin);
		buf_addch(out, '=');
		dump_str(out, &s->data);
	}
}

static const char *const kind_names[] = {
	"STATUS", "CONTINUE", "CAPABILITY", "LIST", "MBSTATUS", "SEARCH",
	"ESEARCH", "FLAGS", "EXISTS", "RECENT", "EXPUNGE", "VANISHED",
	"ENABLED", "ID", "FETCH", "OTHER",
};

void
imap_resp_dump(const struct imap_resp *r, struct buf *out)
{
	buf_addstr(out, (unsigned)r->kind < ARRAY_SIZE(kind_names) ?
				kind_names[r->kind] : "?");
	switch (r->kind) {
	case IMAP_RESP_STATUS:
		buf_addstr(out, " tag=");
		dump_cstr(out, r->tag);
		buf_addf(out, " %s", imap_status_name(r->status));
		dump_code(out, &r->code);
		buf_addstr(out, " text=");
		dump_cstr(out, r->text);
		break;
	case IMAP_RESP_CONTINUE:
		buf_addstr(out, " text=");
		dump_cstr(out, r->text);
		break;
	case IMAP_RESP_CAPABILITY:
		buf_addch(out, ' ');
		dump_caps(out, &r->caps);
		break;
	case IMAP_RESP_LIST:
		buf_addstr(out, r->list.lsub ? " lsub" : "");
		buf_addf(out, " attrs=%#x ", r->list.attrs);
		dump_list(out, &r->list.attr_names);
		buf_addstr(out, " delim=");
		dump_cstr(out, r->list.delim);
		buf_addch(out, ' ');
		dump_mailbox(out, &r->list.mbox);
		break;
	case IMAP_RESP_MBSTATUS: {
		const struct imap_mbstatus *s = &r->mbstatus;
		buf_addch(out, ' ');
		dump_mailbox(out, &s->mbox);
		if (s->have & IMAP_ST_MESSAGES)
			buf_addf(out, " messages=%" PRIu32, s->messages);
		if (s->have & IMAP_ST_RECENT)
			buf_addf(out, " recent=%" PRIu32, s->recent);
		if (s->have & IMAP_ST_UIDNEXT)
			buf_addf(out, " uidnext=%" PRIu32, s->uidnext);
		if (s->have & IMAP_ST_UIDVALIDITY)
			buf_addf(out, " uidvalidity=%" PRIu32,
				 s->uidvalidity);
		if (s->have & IMAP_ST_UNSEEN)
			buf_addf(out, " unseen=%" PRIu32, s->unseen);
		if (s->have & IMAP_ST_DELETED)
			buf_addf(out, " deleted=%" PRIu32, s->deleted);
		if (s->have & IMAP_ST_SIZE)
			buf_addf(out, " size=%" PRIu64, s->size);
		if (s->have & IMAP_ST_HIGHESTMODSEQ)
			buf_addf(out, " highestmodseq=%" PRIu64,
				 s->highestmodseq);
		break;
	}
	case IMAP_RESP_SEARCH:
		buf_addstr(out, " (");
		for (size_t i = 0; i < r->search.n; i++)
			buf_addf(out, "%s%" PRIu32, i ? " " : "",
				 r->search.nums[i]);
		buf_addch(out, ')');
		if (r->search.modseq)
			buf_addf(out, " modseq=%" PRIu64, r->search.modseq);
		break;
	case IMAP_RESP_ESEARCH: {
		const struct imap_esearch *s = &r->esearch;
		buf_addstr(out, " tag=");
		dump_cstr(out, s->tag);
		if (s->uid)
			buf_addstr(out, " uid");
		if (s->have & IMAP_ES_MIN)
			buf_addf(out, " min=%" PRIu32, s->min);
		if (s->have & IMAP_ES_MAX)
			buf_addf(out, " max=%" PRIu32, s->max);
		if (s->have & IMAP_ES_COUNT)
			buf_addf(out, " count=%" PRIu32, s->count);
		if (s->have & IMAP_ES_ALL) {
			buf_addstr(out, " all=");
			dump_set(out, &s->all);
		}
		if (s->have & IMAP_ES_MODSEQ)
			buf_addf(out, " modseq=%" PRIu64, s->modseq);
		break;
	}
	case IMAP_RESP_FLAGS:
	case IMAP_RESP_ENABLED:
	case IMAP_RESP_ID:
		buf_addch(out, ' ');
		dump_list(out, &r->strlist);
		break;
	case IMAP_RESP_EXISTS:
	case IMAP_RESP_RECENT:
	case IMAP_RESP_EXPUNGE:
		buf_addf(out, " %" PRIu32, r->number);
		break;
	case IMAP_RESP_VANISHED:
		buf_addstr(out, r->earlier ? " earlier " : " ");
		dump_set(out, &r->set);
		break;
	case IMAP_RESP_FETCH:
		dump_fetch(out, &r->fetch);
		break;
	case IMAP_RESP_OTHER:
		buf_addstr(out, " name=");
		dump_cstr(out, r->name);
		if (r->number)
			buf_addf(out, " number=%" PRIu32, r->number);
		break;
	}
}
