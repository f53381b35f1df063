/* SPDX-License-Identifier: ISC */
/*
 * postie send and postie outbox: submit mail from the command line.
 *
 * `postie send [-q] [-s SUBJECT] [-c CC] [-b BCC] [-a FILE]... ADDR... < BODY`
 * builds the message (mime builder), puts it in the account's outbox
 * (fsynced) and only then connects: nothing typed is lost to a network
 * failure. On the server's 250 it moves to the local Sent Maildir; on a
 * temporary failure it stays queued and the exit status is 75
 * (EX_TEMPFAIL); on a permanent one it stays held with the reason, which
 * is printed with the provider's hint when the login was refused. With
 * -q it is only queued.
 *
 * `postie outbox [list | show N | flush [--due]]` shows and retries what
 * is waiting. A flush sends every waiting message over one connection.
 *
 * POSTIE_TIMEOUT (seconds) in the environment shortens the network
 * timeouts, for scripts that cannot wait five minutes.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "postie/base.h"
#include "postie/config.h"
#include "postie/log.h"
#include "postie/mime_text.h"
#include "postie/net.h"
#include "postie/outbox.h"
#include "postie/send.h"
#include "postie/smtp.h"

#include "cmd.h"

#define SEND_MAX_BODY ((size_t)64 << 20)
#define SEND_MAX_FILE ((size_t)256 << 20)

static const char send_usage[] =
	"usage: postie send [-q] [-s SUBJECT] [-c CC] [-b BCC] [-a FILE]... "
	"[-A ACCOUNT] ADDR... < BODY\n"
	"  -q   only queue the message; 'postie outbox flush' sends it\n";
static const char outbox_usage[] =
	"usage: postie outbox [list | show N | flush [--due]]\n";

/* ---------------------------------------------------------------------
 * Accounts and places
 */
struct where {
	struct cfg cfg;
	const struct cfg_account *a;
	struct outbox ob;
};

/* Switch w to account a: its outbox ($XDG_DATA_HOME/postie/NAME/outbox)
 * and local Sent folder beside it. */
static int
use_account(struct where *w, const struct cfg_account *a, const char *prog)
{
	struct perr e = PERR_INIT;

	outbox_release(&w->ob);
	w->a = a;
	log_set_context(a->name);
	char *data = xdg_dir("data");
	if (!data) {
		fprintf(stderr, "postie %s: neither XDG_DATA_HOME nor HOME is "
				"set\n", prog);
		return EXIT_CONFIG;
	}
	char *obdir = xstrfmt("%s/%s/outbox", data, a->name);
	char *sent = xstrfmt("%s/%s/sent", data, a->name);
	int rc = outbox_open(&w->ob, obdir, sent, &e);
	free(obdir);
	free(sent);
	free(data);
	if (rc < 0) {
		fprintf(stderr, "postie %s: %s\n", prog, e.msg);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

static int
open_account(const struct cmd_ctx *ctx, const char *name, const char *prog,
	     struct where *w)
{
	struct perr e = PERR_INIT;

	cfg_init(&w->cfg);
	memset(&w->ob, 0, sizeof(w->ob));
	if (cfg_load(&w->cfg, ctx->config_path, &e) < 0) {
		fprintf(stderr, "postie %s: %s\n", prog, e.msg);
		return EXIT_CONFIG;
	}
	if (!name)
		name = ctx->account;
	if (name) {
		w->a = cfg_find_account(&w->cfg, name);
		if (!w->a) {
			fprintf(stderr, "postie %s: no account '%s' in '%s'\n",
				prog, name, w->cfg.display_path);
			return EXIT_CONFIG;
		}
	} else if (w->cfg.n_accounts > 0) {
		w->a = &w->cfg.accounts[0];
	} else {
		fprintf(stderr, "postie %s: no account in '%s'\n", prog,
			w->cfg.display_path);
		return EXIT_CONFIG;
	}
	/* The log in the state directory keeps the protocol trace
	 * (POSTIE_TRACE=smtp) and the reasons; not being able to open it
	 * must not stop mail from going out. */
	struct perr le = PERR_INIT;
	if (log_open(NULL, &le) < 0 && ctx->verbose)
		fprintf(stderr, "postie %s: no log file: %s\n", prog, le.msg);
	return use_account(w, w->a, prog);
}

static void
close_account(struct where *w)
{
	log_set_context(NULL);
	log_close();
	outbox_release(&w->ob);
	cfg_release(&w->cfg);
}

/* ---------------------------------------------------------------------
 * Flushing: the account module's flusher (postie/send.h), with its lines
 * printed on stderr.
 */
static int
timeout_ms(void)
{
	const char *v = getenv("POSTIE_TIMEOUT");
	uint64_t s;

	if (v && slice_to_u64(slice_cstr(v), 3600, &s) && s > 0)
		return (int)(s * 1000);
	return 0;
}

/* Notes carry servers' words (a refused recipient, an APPEND's NO):
 * made safe for the terminal like everything else from outside. */
static void
print_note(void *arg, const char *msg)
{
	struct buf b = BUF_INIT;

	text_sanitize(&b, msg, strlen(msg), TEXT_TAB_SPACE);
	fprintf(stderr, "postie %s: %s\n", (const char *)arg,
		b.data ? b.data : "");
	buf_release(&b);
}

static int
exit_status(enum acct_flush_status st)
{
	switch (st) {
	case ACCT_FLUSH_OK: return EXIT_OK;
	case ACCT_FLUSH_TEMP: return EXIT_TEMPFAIL;
	case ACCT_FLUSH_CONFIG: return EXIT_CONFIG;
	default: return EXIT_FAIL;
	}
}

/* Flush w's outbox (only entry id when set) and print what happened.
 * Returns the exit status. */
static int
flush(struct where *w, const char *id, bool due_only, const char *prog,
      struct acct_flush_result *r)
{
	struct acct_flush_params fp = {
		.account = w->a, .ob = &w->ob, .only_id = id,
		.due_only = due_only, .timeout_ms = timeout_ms(),
		.cancel_fd = -1, .note = print_note, .arg = (void *)prog,
	};

	acct_outbox_flush(&fp, r);
	return exit_status(r->status);
}

/* ---------------------------------------------------------------------
 * postie send
 */
struct addr_list {
	struct mime_draft_addr *v;
	size_t n, cap;
	char **owned;
	size_t nowned, owned_cap;
};

static char *
keep(struct addr_list *l, char *s)
{
	l->owned = xgrow(l->owned, &l->owned_cap, l->nowned + 1,
			 sizeof(*l->owned));
	l->owned[l->nowned++] = s;
	return s;
}

/* Add "addr", "Name <addr>" or several of them separated by commas
 * (outside quotes and angle brackets). */
static int
add_addrs(struct addr_list *l, const char *arg, const char *prog)
{
	const char *p = arg;

	while (*p) {
		const char *start = p;
		bool quote = false, angle = false;
		for (; *p; p++) {
			if (*p == '"')
				quote = !quote;
			else if (*p == '<' && !quote)
				angle = true;
			else if (*p == '>' && !quote)
				angle = false;
			else if (*p == ',' && !quote && !angle)
				break;
		}
		struct slice one = slice_trim(slice_make(start,
							 (size_t)(p - start)));
		if (*p == ',')
			p++;
		if (one.len == 0)
			continue;
		struct mime_draft_addr a = { NULL, NULL };
		const char *lt = memchr(one.p, '<', one.len);
		if (lt && one.p[one.len - 1] == '>') {
			struct slice name = slice_trim(
				slice_make(one.p, (size_t)(lt - one.p)));
			if (name.len >= 2 && name.p[0] == '"' &&
			    name.p[name.len - 1] == '"')
				name = slice_make(name.p + 1, name.len - 2);
			a.name = keep(l, slice_dup(name));
			a.addr = keep(l, slice_dup(slice_make(
				lt + 1, (size_t)(one.p + one.len - lt - 2))));
		} else {
			a.addr = keep(l, slice_dup(one));
		}
		struct perr e = PERR_INIT;
		if (mime_addr_check(a.addr, &e) < 0) {
			fprintf(stderr, "postie %s: bad address '%.*s': %s\n",
				prog, (int)one.len, one.p, e.msg);
			return -1;
		}
		l->v = xgrow(l->v, &l->cap, l->n + 1, sizeof(*l->v));
		l->v[l->n++] = a;
	}
	return 0;
}

static void
addr_list_release(struct addr_list *l)
{
	for (size_t i = 0; i < l->nowned; i++)
		free(l->owned[i]);
	free(l->owned);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int
read_stdin(struct buf *b, const char *prog)
{
	char chunk[65536];

	for (;;) {
		ssize_t r = read(0, chunk, sizeof(chunk));
		if (r == 0)
			return 0;
		if (r < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "postie %s: cannot read standard "
					"input: %s\n", prog, strerror(errno));
			return -1;
		}
		if (b->len + (size_t)r > SEND_MAX_BODY) {
			fprintf(stderr, "postie %s: the body on standard input "
					"is larger than %zu MiB\n", prog,
				SEND_MAX_BODY >> 20);
			return -1;
		}
		buf_add(b, chunk, (size_t)r);
	}
}

static int
get_random(unsigned char *p, size_t n)
{
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	size_t got = 0;

	if (fd < 0)
		return -1;
	while (got < n) {
		ssize_t r = read(fd, p + got, n - got);
		if (r <= 0) {
			if (r < 0 && errno == EINTR)
				continue;
			close(fd);
			return -1;
		}
		got += (size_t)r;
	}
	close(fd);
	return 0;
}

struct attachment {
	char *name;
	struct buf data;
};

int
cmd_send(int argc, char **argv, const struct cmd_ctx *ctx)
{
	const char *prog = "send";
	const char *subject = NULL, *account = NULL;
	struct addr_list to = { 0 }, cc = { 0 }, bcc = { 0 };
	struct attachment *att = NULL;
	size_t natt = 0, att_cap = 0;
	struct buf body = BUF_INIT, msg = BUF_INIT;
	struct where w;
	bool have_where = false;
	bool queue_only = false;
	char **rcpt = NULL;
	char *id = NULL;
	int status = EXIT_USAGE;
	int i;

	/* Options may come before or after the addresses, as with
	 * getopt's permutation; "--" ends them. */
	bool opts = true;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (opts && strcmp(a, "--") == 0) {
			opts = false;
			continue;
		}
		if (!opts || a[0] != '-' || a[1] == '\0') {
			if (add_addrs(&to, a, prog) < 0) {
				status = EXIT_DATAERR;
				goto out;
			}
			continue;
		}
		if (strcmp(a, "-q") == 0) {
			queue_only = true;
			continue;
		}
		if (strchr("scbaA", a[1]) == NULL || a[2] != '\0') {
			fprintf(stderr, "postie send: unknown option '%s'\n%s",
				a, send_usage);
			goto out;
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "postie send: option '%s' needs a "
					"value\n%s", a, send_usage);
			goto out;
		}
		const char *v = argv[++i];
		switch (a[1]) {
		case 's':
			subject = v;
			break;
		case 'c':
			if (add_addrs(&cc, v, prog) < 0) {
				status = EXIT_DATAERR;
				goto out;
			}
			break;
		case 'b':
			if (add_addrs(&bcc, v, prog) < 0) {
				status = EXIT_DATAERR;
				goto out;
			}
			break;
		case 'A':
			account = v;
			break;
		case 'a': {
			att = xgrow(att, &att_cap, natt + 1, sizeof(*att));
			struct attachment *t = &att[natt++];
			struct perr e = PERR_INIT;
			buf_init(&t->data);
			const char *base = strrchr(v, '/');
			t->name = xstrdup(base ? base + 1 : v);
			if (file_read_all(v, &t->data, SEND_MAX_FILE, &e) < 0) {
				fprintf(stderr, "postie send: cannot attach "
						"'%s': %s\n", v, e.msg);
				status = EXIT_NOINPUT;
				goto out;
			}
			break;
		}
		}
	}
	if (to.n + cc.n + bcc.n == 0) {
		fprintf(stderr, "postie send: no recipient given\n%s",
			send_usage);
		goto out;
	}

	status = open_account(ctx, account, prog, &w);
	have_where = true;
	if (status != EXIT_OK)
		goto out;
	if (read_stdin(&body, prog) < 0) {
		status = EXIT_NOINPUT;
		goto out;
	}

	unsigned char rnd[32];
	if (get_random(rnd, sizeof(rnd)) < 0) {
		fprintf(stderr, "postie send: cannot read /dev/urandom\n");
		status = EXIT_FAIL;
		goto out;
	}
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	struct mime_draft_file *files = xcalloc(natt + 1, sizeof(*files));
	for (size_t k = 0; k < natt; k++) {
		files[k].filename = att[k].name;
		files[k].data = att[k].data.data;
		files[k].len = att[k].data.len;
	}
	struct mime_draft d = {
		.from = { w.a->real_name, w.a->address },
		.to = to.v, .nto = to.n,
		.cc = cc.v, .ncc = cc.n,
		.bcc = bcc.v, .nbcc = bcc.n,
		.subject = subject,
		.body = body.data, .body_len = body.len,
		.files = files, .nfiles = natt,
		.date = (int64_t)now,
		.zone_min = (int)(tm.tm_gmtoff / 60),
		.random = rnd, .random_len = sizeof(rnd),
	};
	struct perr e = PERR_INIT;
	size_t nrcpt = 0;
	int brc = mime_draft_build(&d, &msg, &e);
	if (brc == 0)
		rcpt = mime_draft_recipients(&d, &nrcpt, &e);
	free(files);
	if (brc < 0 || !rcpt) {
		fprintf(stderr, "postie send: %s\n", e.msg);
		status = EXIT_DATAERR;
		goto out;
	}
	if (outbox_add(&w.ob, w.a->address, (const char *const *)rcpt, nrcpt,
		       msg.data, msg.len, (int64_t)now, &id, &e) < 0) {
		fprintf(stderr, "postie send: %s\n", e.msg);
		status = e.kind == PERR_MESSAGE ? EXIT_DATAERR : EXIT_FAIL;
		goto out;
	}
	buf_release(&msg);
	buf_release(&body);
	if (queue_only) {
		status = EXIT_OK;
		goto out;
	}

	struct acct_flush_result fr;
	status = flush(&w, id, false, prog, &fr);
out:
	free(id);
	mime_strv_free(rcpt);
	for (size_t k = 0; k < natt; k++) {
		free(att[k].name);
		buf_release(&att[k].data);
	}
	free(att);
	addr_list_release(&to);
	addr_list_release(&cc);
	addr_list_release(&bcc);
	buf_release(&body);
	buf_release(&msg);
	if (have_where)
		close_account(&w);
	return status;
}

/* ---------------------------------------------------------------------
 * postie outbox
 */
static void
fmt_time(int64_t t, char *out, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= 0 || !localtime_r(&tt, &tm) ||
	    !strftime(out, n, "%Y-%m-%d %H:%M", &tm))
		snprintf(out, n, "-");
}

/* The Subject line of a message file, raw (as written, encoded words
 * and all), for a listing. */
static char *
subject_of(const char *path)
{
	struct buf b = BUF_INIT;
	char *s = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return xstrdup("");
	buf_grow(&b, 16384);
	ssize_t r = read(fd, b.data, 16384);
	close(fd);
	if (r > 0) {
		b.len = (size_t)r;
		b.data[b.len] = '\0';
		const char *p = b.data;
		while (p && *p && !(p[0] == '\r' || p[0] == '\n')) {
			if (ascii_strncasecmp(p, "Subject:", 8) == 0) {
				const char *end = strpbrk(p, "\r\n");
				size_t n = end ? (size_t)(end - p - 8)
					       : strlen(p + 8);
				s = xstrndup(p + 8, n);
				break;
			}
			p = strchr(p, '\n');
			if (p)
				p++;
		}
	}
	buf_release(&b);
	if (!s)
		return xstrdup("");
	struct slice t = slice_trim(slice_cstr(s));
	char *out = slice_dup(t);
	free(s);
	return out;
}

static int
outbox_list_cmd(struct where *w)
{
	struct outbox_entry *v;
	size_t n;
	struct perr e = PERR_INIT;

	if (outbox_list(&w->ob, &v, &n, &e) < 0) {
		fprintf(stderr, "postie outbox: %s\n", e.msg);
		return EXIT_FAIL;
	}
	if (n == 0)
		printf("outbox of '%s' is empty\n", w->a->name);
	for (size_t i = 0; i < n; i++) {
		char t[32];
		char *subj = subject_of(v[i].path);
		fmt_time(v[i].queued, t, sizeof(t));
		printf("%zu  %-7s  %s  %llu bytes  to %s%s  %s\n", i + 1,
		       outbox_state_name(v[i].state), t,
		       (unsigned long long)v[i].size,
		       v[i].nrcpt ? v[i].rcpt[0] : "?",
		       v[i].nrcpt > 1 ? " and others" : "", subj);
		if (v[i].nhist) {
			const struct outbox_attempt *h =
				&v[i].hist[v[i].nhist - 1];
			printf("   last try: %s\n", h->text);
		}
		free(subj);
	}
	outbox_list_free(v, n);
	return EXIT_OK;
}

static int
outbox_show_cmd(struct where *w, const char *arg)
{
	struct outbox_entry *v;
	size_t n;
	uint64_t k;
	struct perr e = PERR_INIT;

	if (outbox_list(&w->ob, &v, &n, &e) < 0) {
		fprintf(stderr, "postie outbox: %s\n", e.msg);
		return EXIT_FAIL;
	}
	if (!slice_to_u64(slice_cstr(arg), UINT32_MAX, &k) || k == 0 ||
	    k > n) {
		fprintf(stderr, "postie outbox: no message %s (the outbox "
				"holds %zu)\n", arg, n);
		outbox_list_free(v, n);
		return EXIT_USAGE;
	}
	const struct outbox_entry *x = &v[k - 1];
	char t[32];
	char *subj = subject_of(x->path);
	printf("id:        %s\n", x->id);
	printf("file:      %s\n", x->path);
	printf("state:     %s\n", outbox_state_name(x->state));
	fmt_time(x->queued, t, sizeof(t));
	printf("queued:    %s\n", t);
	printf("subject:   %s\n", subj);
	printf("from:      %s\n", x->from);
	for (size_t i = 0; i < x->nrcpt; i++)
		printf("to:        %s\n", x->rcpt[i]);
	printf("size:      %llu bytes\n", (unsigned long long)x->size);
	printf("attempts:  %u\n", x->attempts);
	if (x->state == OUTBOX_RETRY) {
		fmt_time(x->next_try, t, sizeof(t));
		printf("next try:  %s\n", t);
	} else if (x->state == OUTBOX_UNKNOWN) {
		printf("next try:  when you run 'postie outbox flush' (it may "
		       "have been delivered already)\n");
	}
	for (size_t i = 0; i < x->nhist; i++) {
		fmt_time(x->hist[i].time, t, sizeof(t));
		printf("try:       %s %s %d %s\n", t, x->hist[i].result,
		       x->hist[i].code, x->hist[i].text);
	}
	free(subj);
	outbox_list_free(v, n);
	return EXIT_OK;
}

static int
outbox_flush_cmd(struct where *w, bool due_only)
{
	struct acct_flush_result r;
	struct perr e = PERR_INIT;
	long n = acct_outbox_count(&w->ob, &e);

	if (n < 0) {
		fprintf(stderr, "postie outbox: %s\n", e.msg);
		return EXIT_FAIL;
	}
	int status = flush(w, NULL, due_only, "outbox", &r);
	if (r.open_failed && r.waiting > 1)
		fprintf(stderr, "postie outbox: stopped after the connection "
				"failed; the rest stay queued\n");
	if (n == 0)
		printf("outbox of '%s' is empty\n", w->a->name);
	return status;
}

int
cmd_outbox(int argc, char **argv, const struct cmd_ctx *ctx)
{
	const char *sub = argc > 1 ? argv[1] : "list";
	struct where w;
	int status;

	if (strcmp(sub, "list") != 0 && strcmp(sub, "show") != 0 &&
	    strcmp(sub, "flush") != 0) {
		fprintf(stderr, "postie outbox: unknown sub-command '%s'\n%s",
			sub, outbox_usage);
		return EXIT_USAGE;
	}
	if ((strcmp(sub, "show") == 0 && argc != 3) ||
	    (strcmp(sub, "list") == 0 && argc > 2) ||
	    (strcmp(sub, "flush") == 0 &&
	     (argc > 3 || (argc == 3 && strcmp(argv[2], "--due") != 0)))) {
		fputs(outbox_usage, stderr);
		return EXIT_USAGE;
	}
	status = open_account(ctx, NULL, "outbox", &w);
	if (status != EXIT_OK) {
		close_account(&w);
		return status;
	}
	/* Without -A, list and flush go over every account; show numbers
	 * the messages of one. */
	size_t last = 0;
	if (!ctx->account && strcmp(sub, "show") != 0)
		last = w.cfg.n_accounts - 1;
	for (size_t i = 0; i <= last; i++) {
		int st = EXIT_OK;
		if (i > 0)
			st = use_account(&w, &w.cfg.accounts[i], "outbox");
		if (st == EXIT_OK && last > 0 && strcmp(sub, "list") == 0)
			printf("%s[account %s]\n", i ? "\n" : "",
			       w.a->name);
		if (st == EXIT_OK && strcmp(sub, "list") == 0)
			st = outbox_list_cmd(&w);
		else if (st == EXIT_OK && strcmp(sub, "show") == 0)
			st = outbox_show_cmd(&w, argv[2]);
		else if (st == EXIT_OK)
			st = outbox_flush_cmd(&w, argc == 3);
		/* the worst status wins: a failure over a retry over 0 */
		if (st != EXIT_OK &&
		    (status == EXIT_OK || status == EXIT_TEMPFAIL))
			status = st;
	}
	close_account(&w);
	return status;
}
