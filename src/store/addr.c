/* SPDX-License-Identifier: ISC */
/*
 * The addresses the account has seen, for the composer's completion: one
 * row per address (table addr) with the latest display name, how many
 * messages named it, how many of those were mail one sent to it, and the
 * newest date. The row is kept up to date when new summaries go in, and
 * filled from the summaries already there when an older index is
 * upgraded (store_addr_fill).
 *
 * A batch of summaries names the same people again and again (every
 * received mail names oneself; a busy correspondent writes daily), so
 * the addresses of a batch are first counted in memory (store_addr_note,
 * a hash table per batch) and written at its end, one cached upsert per
 * distinct address inside the batch's transaction (store_addr_flush).
 * A bulk insert of 100,000 summaries then costs a few thousand upserts,
 * not a few hundred thousand.
 *
 * The store may not use mime/, so To and Cc arrive here as the worker
 * formatted them for display ("张三 <a@qq.com>, Zhang, San <z@qq.com>,
 * b@163.com": names unquoted, even with commas in them). The reader
 * below undoes that format: an item is either "NAME <ADDR>" or a bare
 * address; text between commas that is neither belongs to the name of
 * the next bracketed address.
 *
 * Counts only grow: an expunged message keeps its addresses counted
 * (people one wrote to stay in the book after the mail is gone), and a
 * folder whose UIDVALIDITY changed counts its messages again when they
 * come back. Ranking wants rough weights, not exact numbers.
 */
#include <stdlib.h>
#include <string.h>

#include "private.h"

/* The upsert and the match refer to roles by number. */
_Static_assert(STORE_ROLE_SENT == 3 && STORE_ROLE_JUNK == 5,
	       "the role numbers in the addr statements");

/* Addresses taken from one message: a list to a thousand people says
 * little about each of them and would make one insert cost a thousand
 * upserts. */
#define NOTE_MAX 32
/* A display name longer than this is junk, not a name: kept as none. */
#define NAME_MAX_BYTES 512

/* Bytes that never occur in an address kept here: space, controls and
 * the characters that end an address in a header. Every address of
 * every summary going in passes through here, hence no strchr. */
static inline bool
addr_byte_bad(unsigned char c)
{
	if (c <= ' ' || c == 0x7f)
		return true;
	switch (c) {
	case '<': case '>': case '(': case ')': case '[': case ']':
	case ',': case ';': case ':': case '"': case '\\':
		return true;
	}
	return false;
}

bool
store_addr_valid(const char *p, size_t len)
{
	size_t at = len, i;
	bool high = false;

	if (len == 0 || len > STORE_ADDR_MAX)
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];
		if (addr_byte_bad(c))
			return false;
		high |= c >= 0x80;
		if (c == '@') {
			if (at != len)
				return false;
			at = i;
		}
	}
	/* UTF-8 (RFC 6532) is fine when it is valid. */
	return at > 0 && at + 1 < len && p[at + 1] != '.' &&
	       p[len - 1] != '.' && (!high || utf8_valid(p, len));
}

/* One address found in a field. Slices into the field's text. */
struct found {
	struct slice name, addr;
	bool recipient; /* from To or Cc */
};

static struct slice
trim_name(struct slice s)
{
	s = slice_trim(s);
	/* A name the worker got from a quoted string keeps no quotes, but
	 * an older index or a bare "name" may. */
	if (s.len >= 2 && s.p[0] == '"' && s.p[s.len - 1] == '"') {
		s.p++;
		s.len -= 2;
		s = slice_trim(s);
	}
	return s;
}

static bool
seen_before(const struct found *v, size_t n, struct slice addr)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].addr.len == addr.len &&
		    ascii_strncasecmp(v[i].addr.p, addr.p, addr.len) == 0)
			return true;
	return false;
}

static void
add_found(struct found *v, size_t *n, struct slice name, struct slice addr,
	  bool recipient)
{
	addr = slice_trim(addr);
	if (*n == NOTE_MAX || !store_addr_valid(addr.p, addr.len) ||
	    seen_before(v, *n, addr))
		return;
	name = trim_name(name);
	if (name.len > NAME_MAX_BYTES || !utf8_valid(name.p, name.len))
		name = slice_make("", 0);
	v[*n].name = name;
	v[*n].addr = addr;
	v[*n].recipient = recipient;
	(*n)++;
}

/* Read a field in the display form ("Name <a@b>, c@d"). Only what the
 * index keeps of it counts (STORE_MAX_FIELD bytes), and every byte is
 * looked at a bounded number of times: a field of a hundred thousand
 * commas or brackets (hostile-40) costs linear time. */
static void
split_field(struct found *v, size_t *n, const char *s, bool recipient)
{
	if (!s)
		return;
	const char *p = s, *end = s + strnlen(s, STORE_MAX_FIELD);
	const char *name_at = NULL, *lt = NULL;

	while (p < end && *n < NOTE_MAX) {
		while (p < end && (*p == ' ' || *p == ','))
			p++;
		if (p == end)
			break;
		const char *comma = memchr(p, ',', (size_t)(end - p));
		if (!lt || lt < p) /* the next '<', found once */
			lt = memchr(p, '<', (size_t)(end - p));
		if (!lt)
			lt = end;
		if (lt < end && (!comma || lt < comma)) {
			const char *gt = memchr(lt, '>', (size_t)(end - lt));
			if (!gt)
				return; /* unterminated: trust no more */
			const char *from = name_at ? name_at : p;
			add_found(v, n, slice_make(from, (size_t)(lt - from)),
				  slice_make(lt + 1, (size_t)(gt - lt - 1)),
				  recipient);
			name_at = NULL;
			p = gt + 1;
			continue;
		}
		const char *stop = comma ? comma : end;
		struct slice item =
			slice_trim(slice_make(p, (size_t)(stop - p)));
		if (memchr(item.p, '@', item.len) &&
		    !memchr(item.p, ' ', item.len)) {
			add_found(v, n, slice_make("", 0), item, recipient);
			name_at = NULL;
		} else if (!name_at) {
			/* The start of a name with a comma in it, or a bare
			 * name; the next "<addr>" decides. */
			name_at = p;
		}
		p = stop;
	}
}

/* ---------------------------------------------------------------------
 * Counting a batch in memory
 */
struct acc_ent {
	char *key;       /* the address, ASCII lower case: the hash key */
	char *addr;      /* as first seen in the batch */
	char *name;      /* the newest non-empty name, or NULL */
	int64_t name_at; /* when that name was seen */
	int64_t last;
	uint32_t from;   /* messages it sent */
	uint32_t rcpt;   /* messages it received (To or Cc) */
};

struct store_addr_acc {
	int64_t folder;
	struct acc_ent *v;
	size_t n, cap;
	uint32_t *slot; /* index + 1 into v, 0 empty; nslot a power of 2 */
	size_t nslot;
};

static uint32_t
hash_key(const char *k)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (; *k; k++)
		h = (h ^ (unsigned char)*k) * 16777619u;
	return h;
}

static void
acc_free(struct store_addr_acc *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->n; i++) {
		free(a->v[i].key);
		free(a->v[i].addr);
		free(a->v[i].name);
	}
	free(a->v);
	free(a->slot);
	free(a);
}

static void
acc_rehash(struct store_addr_acc *a)
{
	size_t nslot = a->nslot ? a->nslot * 2 : 256;
	uint32_t *slot = xcalloc(nslot, sizeof(*slot));
	for (size_t i = 0; i < a->n; i++) {
		size_t h = hash_key(a->v[i].key) & (nslot - 1);
		while (slot[h])
			h = (h + 1) & (nslot - 1);
		slot[h] = (uint32_t)i + 1;
	}
	free(a->slot);
	a->slot = slot;
	a->nslot = nslot;
}

static void
acc_add(struct store_addr_acc *a, const struct found *f, int64_t when)
{
	char key[STORE_ADDR_MAX + 1];

	for (size_t i = 0; i < f->addr.len; i++)
		key[i] = (char)ascii_lower((unsigned char)f->addr.p[i]);
	key[f->addr.len] = '\0';
	if ((a->n + 1) * 2 > a->nslot)
		acc_rehash(a);
	size_t h = hash_key(key) & (a->nslot - 1);
	struct acc_ent *x = NULL;
	while (a->slot[h]) {
		struct acc_ent *y = &a->v[a->slot[h] - 1];
		if (strcmp(y->key, key) == 0) {
			x = y;
			break;
		}
		h = (h + 1) & (a->nslot - 1);
	}
	if (!x) {
		a->v = xgrow(a->v, &a->cap, a->n + 1, sizeof(*a->v));
		x = &a->v[a->n];
		memset(x, 0, sizeof(*x));
		x->key = xstrdup(key);
		x->addr = slice_dup(f->addr);
		a->slot[h] = (uint32_t)++a->n;
	}
	if (f->recipient)
		x->rcpt++;
	else
		x->from++;
	if (when > x->last)
		x->last = when;
	if (f->name.len && (!x->name || when >= x->name_at)) {
		free(x->name);
		x->name = slice_dup(f->name);
		x->name_at = when;
	}
}

/* Bind a string; SQLite reads it during the step that follows. */
static void
bind_str(sqlite3_stmt *s, int col, const char *v)
{
	sqlite3_bind_text(s, col, v ? v : "", -1, SQLITE_STATIC);
}

int
store_addr_flush(struct store *st, struct perr *e)
{
	struct store_addr_acc *a = st->addr_acc;
	int rc = 0;

	st->addr_acc = NULL;
	for (size_t i = 0; a && i < a->n && rc == 0; i++) {
		const struct acc_ent *x = &a->v[i];
		sqlite3_stmt *s = store_stmt(st, STMT_ADDR_NOTE, e);
		if (!s) {
			rc = -1;
			break;
		}
		bind_str(s, 1, x->addr);
		bind_str(s, 2, x->name);
		sqlite3_bind_int64(s, 3, x->from);
		sqlite3_bind_int64(s, 4, a->folder);
		sqlite3_bind_int64(s, 5, x->last);
		sqlite3_bind_int64(s, 6, x->rcpt);
		rc = store_exec_stmt(st, s, "cannot note an address", e);
	}
	acc_free(a);
	return rc;
}

void
store_addr_discard(struct store *st)
{
	acc_free(st->addr_acc);
	st->addr_acc = NULL;
}

/* Count the addresses of one message in the batch of folder. */
static int
note_fields(struct store *st, int64_t folder, const char *from_name,
	    const char *from_addr, const char *to, const char *cc,
	    int64_t when, struct perr *e)
{
	struct found v[NOTE_MAX];
	size_t n = 0;

	if (st->addr_acc && st->addr_acc->folder != folder &&
	    store_addr_flush(st, e) < 0)
		return -1;
	if (!st->addr_acc) {
		st->addr_acc = xcalloc(1, sizeof(*st->addr_acc));
		st->addr_acc->folder = folder;
	}
	if (from_addr && *from_addr)
		add_found(v, &n, slice_cstr(from_name ? from_name : ""),
			  slice_cstr(from_addr), false);
	split_field(v, &n, to, true);
	split_field(v, &n, cc, true);
	for (size_t i = 0; i < n; i++)
		acc_add(st->addr_acc, &v[i], when);
	return 0;
}

/* The arrival time is the server's; a Date: header can say anything,
 * including next century. */
static int64_t
when_of(int64_t internal_date, int64_t date)
{
	return internal_date > 0 ? internal_date : date > 0 ? date : 0;
}

int
store_addr_note(struct store *st, int64_t folder, const struct store_msg *m,
		struct perr *e)
{
	return note_fields(st, folder, m->from_name, m->from_addr, m->to,
			   m->cc, when_of(m->internal_date, m->date), e);
}

int
store_addr_fill(struct store *st, struct perr *e)
{
	sqlite3_stmt *s;
	int rc;

	/* Not cached: it runs once, at an upgrade. By folder, so that
	 * each folder's addresses are counted in one batch. */
	if (sqlite3_prepare_v2(st->db,
			       "SELECT folder, from_name, from_addr, to_addr, "
			       "cc_addr, internal_date, date FROM message "
			       "ORDER BY folder, id",
			       -1, &s, NULL) != SQLITE_OK)
		return store_dberr(st, e, "cannot read the summaries");
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (note_fields(st, sqlite3_column_int64(s, 0),
				(const char *)sqlite3_column_text(s, 1),
				(const char *)sqlite3_column_text(s, 2),
				(const char *)sqlite3_column_text(s, 3),
				(const char *)sqlite3_column_text(s, 4),
				when_of(sqlite3_column_int64(s, 5),
					sqlite3_column_int64(s, 6)),
				e) < 0) {
			sqlite3_finalize(s);
			store_addr_discard(st);
			return -1;
		}
	}
	if (rc != SQLITE_DONE) {
		store_dberr(st, e, "cannot read the summaries");
		sqlite3_finalize(s);
		store_addr_discard(st);
		return -1;
	}
	sqlite3_finalize(s);
	return store_addr_flush(st, e);
}

/* LIKE pattern: before + prefix with % _ and \ escaped + "%". */
static void
like_pattern(struct buf *b, const char *before, const char *prefix)
{
	buf_reset(b);
	buf_addstr(b, before);
	for (const char *p = prefix; *p; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			buf_addch(b, '\\');
		buf_addch(b, *p);
	}
	buf_addch(b, '%');
}

static char *
col_dup(sqlite3_stmt *s, int c)
{
	const char *t = (const char *)sqlite3_column_text(s, c);
	return xstrdup(t ? t : "");
}

int
store_addr_match(struct store *st, const char *prefix, int64_t now,
		 size_t max, struct store_addr **out, size_t *n,
		 struct perr *e)
{
	struct buf p1 = BUF_INIT, p2 = BUF_INIT;
	struct store_addr *v = NULL;
	size_t len = 0, cap = 0;
	int rc;

	*out = NULL;
	*n = 0;
	if (!prefix)
		prefix = "";
	if (strlen(prefix) > STORE_ADDR_MAX)
		return perr_set(e, PERR_LOCAL,
				"cannot look up addresses: %zu bytes typed is "
				"over the limit of %d",
				strlen(prefix), STORE_ADDR_MAX);
	if (max == 0)
		return 0;
	sqlite3_stmt *s = store_stmt(st, STMT_ADDR_MATCH, e);
	if (!s)
		return -1;
	like_pattern(&p1, "", prefix);
	like_pattern(&p2, "% ", prefix);
	sqlite3_bind_text(s, 1, p1.data, (int)p1.len, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, now);
	sqlite3_bind_text(s, 3, p2.data, (int)p2.len, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, max > INT32_MAX ? INT32_MAX : (int64_t)max);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		v = xgrow(v, &cap, len + 1, sizeof(*v));
		struct store_addr *a = &v[len++];
		a->addr = col_dup(s, 0);
		a->name = col_dup(s, 1);
		int64_t seen = sqlite3_column_int64(s, 2);
		int64_t sent = sqlite3_column_int64(s, 3);
		a->seen = seen < 0 ? 0 : seen > UINT32_MAX ? UINT32_MAX
							   : (uint32_t)seen;
		a->sent = sent < 0 ? 0 : sent > UINT32_MAX ? UINT32_MAX
							   : (uint32_t)sent;
		a->last = sqlite3_column_int64(s, 4);
		a->score = sqlite3_column_double(s, 5);
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	buf_release(&p1);
	buf_release(&p2);
	if (rc != SQLITE_DONE) {
		store_addr_list_free(v, len);
		return store_dberr(st, e, "cannot look up addresses");
	}
	*out = v;
	*n = len;
	return 0;
}

void
store_addr_list_free(struct store_addr *v, size_t n)
{
	if (!v)
		return;
	for (size_t i = 0; i < n; i++) {
		free(v[i].addr);
		free(v[i].name);
	}
	free(v);
}
