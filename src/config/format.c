/* SPDX-License-Identifier: ISC */
/*
 * The configuration written back in dotfile syntax, as `postie config
 * check` shows it: every default and every preset value made explicit, so
 * what postie will do can be read off the output, and the output can be
 * read back by the parser. Plaintext passwords are written as "*****";
 * commands are shown but never run here.
 */
#include <string.h>

#include "postie/base.h"
#include "postie/config.h"

#include "private.h"

static void
format_duration(struct buf *out, uint64_t secs)
{
	static const struct {
		char unit;
		uint64_t secs;
	} units[] = { { 'd', 86400 }, { 'h', 3600 }, { 'm', 60 },
		      { 's', 1 } };

	if (secs == 0) {
		buf_addstr(out, "0s");
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(units); i++)
		if (secs >= units[i].secs) {
			buf_addf(out, "%llu%c",
				 (unsigned long long)(secs / units[i].secs),
				 units[i].unit);
			secs %= units[i].secs;
		}
}

static void
kv(struct buf *out, const char *key, const char *value)
{
	if (!value)
		return;
	buf_addf(out, "\t%s = ", key);
	cfg_quote_value(out, value);
	buf_addch(out, '\n');
}

static void
kv_bool(struct buf *out, const char *key, bool v)
{
	buf_addf(out, "\t%s = %s\n", key, v ? "yes" : "no");
}

static void
kv_url(struct buf *out, const char *key, const struct cfg_url *u)
{
	if (u->proto == CFG_PROTO_NONE)
		return;
	buf_addf(out, "\t%s = ", key);
	cfg_url_format(u, out);
	buf_addch(out, '\n');
}

/* A comment line, wrapped at word boundaries to stay within 72
 * columns after the tab. */
static void
comment(struct buf *out, const char *lead, const char *text)
{
	size_t col = 2 + strlen(lead);
	const char *p = text;

	buf_addf(out, "\t# %s", lead);
	for (bool first = true; *p; first = false) {
		p += strspn(p, " ");
		if (!*p)
			break;
		size_t w = strcspn(p, " ");
		if (!first && col + 1 + w > 72) {
			buf_addstr(out, "\n\t#   ");
			col = 4;
		} else if (!first) {
			buf_addch(out, ' ');
			col++;
		}
		buf_add(out, p, w);
		col += w;
		p += w;
	}
	buf_addch(out, '\n');
}

/* A subsection name in quotes, with \" and \\ escaped. */
static void
subsection(struct buf *out, const char *sect, const char *name)
{
	buf_addf(out, "[%s \"", sect);
	for (const char *p = name; *p; p++) {
		if (*p == '"' || *p == '\\')
			buf_addch(out, '\\');
		buf_addch(out, *p);
	}
	buf_addstr(out, "\"]\n");
}

static void
format_account(struct buf *out, const struct cfg_account *a)
{
	static const char *const pop3_delete[] = { "leave", "delete" };

	subsection(out, "account", a->name);
	kv(out, "address", a->address);
	kv(out, "name", a->real_name);
	kv(out, "user", a->user);
	if (a->preset)
		kv(out, "preset", a->preset->name);
	kv_url(out, "receive", &a->receive);
	kv_url(out, "send", &a->send);
	if (a->password)
		kv(out, "password", "*****");
	kv(out, "password-command", a->password_command);
	kv(out, "oauth-token-command", a->oauth_token_command);
	buf_addstr(out, "\tpoll = ");
	format_duration(out, a->poll);
	buf_addch(out, '\n');
	kv(out, "ca-file", a->ca_file);
	if (a->has_fingerprint) {
		buf_addstr(out, "\ttls-fingerprint = ");
		cfg_format_fingerprint(a->tls_fingerprint, out);
		buf_addch(out, '\n');
	}
	kv(out, "sent", a->sent);
	kv(out, "drafts", a->drafts);
	kv(out, "trash", a->trash);
	kv(out, "signature", a->signature);
	if (a->n_assumed_charsets) {
		buf_addstr(out, "\tassumed-charset = ");
		for (size_t i = 0; i < a->n_assumed_charsets; i++)
			buf_addf(out, "%s%s", i ? ", " : "",
				 a->assumed_charsets[i]);
		buf_addch(out, '\n');
	}
	if (a->receive.proto == CFG_PROTO_POP3) {
		if (a->pop3_delete == CFG_POP3_AFTER_DAYS)
			buf_addf(out, "\tpop3-delete = after %u day%s\n",
				 a->pop3_delete_days,
				 a->pop3_delete_days == 1 ? "" : "s");
		else
			kv(out, "pop3-delete", pop3_delete[a->pop3_delete]);
	}
	kv_bool(out, "sent-copy", a->sent_copy);
	kv_bool(out, "imap-id", a->imap_id);
	kv(out, "new-mail-command", a->new_mail_command);
	if (a->login_hint)
		comment(out, "if login fails: ", a->login_hint);
}

void
cfg_format(const struct cfg *c, struct buf *out)
{
	static const char *const sorts[] = { "date", "arrival", "from",
					     "subject", "size", "thread" };
	const struct cfg_ui *ui = &c->ui;

	buf_addstr(out, "[ui]\n");
	kv(out, "theme", ui->theme);
	kv(out, "editor", ui->editor);
	buf_addf(out, "\tsort = %s%s\n", ui->sort_reverse ? "reverse-" : "",
		 sorts[ui->sort]);
	kv_bool(out, "threads", ui->threads);
	kv(out, "date-format", ui->date_format);
	buf_addf(out, "\tfolder-width = %u\n", ui->folder_width);
	buf_addstr(out, "\tmark-read-delay = ");
	format_duration(out, ui->mark_read_delay);
	buf_addch(out, '\n');
	kv_bool(out, "confirm-quit", ui->confirm_quit);
	buf_addf(out, "\tdelete = %s\n", ui->delete_mark ? "mark" : "trash");
	kv(out, "log-level", ui->log_level);
	kv(out, "keys", ui->keys);
	kv_bool(out, "bell-on-new", ui->bell_on_new);
	kv_bool(out, "set-title", ui->set_title);
	kv(out, "new-mail-command", ui->new_mail_command);
	kv(out, "save-dir", ui->save_dir);
	kv(out, "url-command", ui->url_command);
	buf_addf(out, "\tviewer = %s\n", ui->viewer_split ? "split" : "full");
	buf_addf(out, "\tviewer-index-rows = %u\n", ui->viewer_index_rows);
	kv(out, "aliases", ui->aliases);
	kv(out, "query-command", ui->query_command);
	kv(out, "attribution", ui->attribution);

	for (size_t i = 0; i < c->n_accounts; i++) {
		buf_addch(out, '\n');
		format_account(out, &c->accounts[i]);
	}
	if (c->n_colors) {
		buf_addstr(out, "\n[color]\n");
		for (size_t i = 0; i < c->n_colors; i++) {
			buf_addf(out, "\t%s = ", c->colors[i].element);
			cfg_quote_value(out, c->colors[i].value);
			buf_addch(out, '\n');
		}
	}
	/* one section per pane, in the order panes first appear */
	for (size_t i = 0; i < c->n_binds; i++) {
		const char *pane = c->binds[i].pane;
		bool done = false;
		for (size_t j = 0; j < i; j++)
			if (strcmp(c->binds[j].pane, pane) == 0)
				done = true;
		if (done)
			continue;
		buf_addch(out, '\n');
		subsection(out, "bind", pane);
		for (size_t j = i; j < c->n_binds; j++) {
			const struct cfg_bind *b = &c->binds[j];
			if (strcmp(b->pane, pane) != 0)
				continue;
			buf_addch(out, '\t');
			/* a key holding '=' or a quote must be quoted to
			 * read back */
			if (strpbrk(b->keys, "=\"\\#;")) {
				buf_addch(out, '"');
				for (const char *p = b->keys; *p; p++) {
					if (*p == '"' || *p == '\\')
						buf_addch(out, '\\');
					buf_addch(out, *p);
				}
				buf_addch(out, '"');
			} else {
				buf_addstr(out, b->keys);
			}
			buf_addstr(out, " = ");
			cfg_quote_value(out, b->action);
			buf_addch(out, '\n');
		}
	}
}

void
cfg_format_value(struct buf *out, const char *s)
{
	cfg_quote_value(out, s);
}
