/* SPDX-License-Identifier: ISC */
/*
 * The first-run wizard (see wizard.h): the answers and the dotfile they
 * make, then a small curses screen that asks one thing at a time.
 *
 * The screen is a column of what has been answered, a note (what was
 * found, what went wrong, what to do) and one prompt line at the bottom.
 * Each step is a text field, a hidden field (the password) or a choice
 * of single keys; Up goes back one step, Esc leaves without writing.
 *
 * The login test runs in a thread of its own, because a server that does
 * not answer would otherwise hold the screen for the whole connect
 * timeout; the screen polls for its end ten times a second, draws the
 * time spent, and on Esc or Ctrl-C writes to the cancel pipe that every
 * wait of the session watches. The terminal is in raw mode, so Ctrl-C is
 * a key here, not a signal that would leave the terminal in curses mode.
 *
 * Every string drawn goes through ui_sanitize first: server replies in
 * a failure are untrusted, and what the user typed may hold anything.
 */
#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wchar.h>

#include "postie/base.h"
#include "postie/config.h"
#include "postie/ui.h"

#include "wizard.h"

/* ---------------------------------------------------------------------
 * The answers and the dotfile
 */
void
ui_wiz_answers_release(struct ui_wiz_answers *w)
{
	if (w->password) {
		explicit_bzero(w->password, strlen(w->password));
		free(w->password);
	}
	free(w->address);
	free(w->real_name);
	free(w->recv_host);
	free(w->send_host);
	free(w->ca_file);
	free(w->user);
	free(w->password_command);
	memset(w, 0, sizeof(*w));
}

static bool
set(const char *s)
{
	return s && *s;
}

/* The domain of an address, without a trailing dot: a heap string. */
static char *
domain_of(const char *address)
{
	const char *at = address ? strrchr(address, '@') : NULL;
	const char *d = at ? at + 1 : "";
	size_t len = strlen(d);

	if (len && d[len - 1] == '.')
		len--;
	return xstrndup(d, len);
}

static void
recv_defaults(struct ui_wiz_answers *w)
{
	const struct cfg_preset *pr = w->preset;
	char *d = domain_of(w->address);

	free(w->recv_host);
	w->recv_tls = UI_WIZ_TLS_BY_PORT;
	if (pr && w->recv == UI_WIZ_POP3 && pr->pop3_host) {
		w->recv_host = xstrdup(pr->pop3_host);
		w->recv_port = pr->pop3_port;
	} else if (pr) {
		w->recv = UI_WIZ_IMAP;
		w->recv_host = xstrdup(pr->imap_host);
		w->recv_port = pr->imap_port;
	} else if (w->recv == UI_WIZ_POP3) {
		w->recv_host = xstrfmt("pop.%s", d);
		w->recv_port = 995;
	} else {
		w->recv_host = xstrfmt("imap.%s", d);
		w->recv_port = 993;
	}
	free(d);
}

void
ui_wiz_defaults(struct ui_wiz_answers *w)
{
	char *d = domain_of(w->address);

	w->preset = w->address ? cfg_preset_for_address(w->address) : NULL;
	recv_defaults(w);
	free(w->send_host);
	w->send_tls = UI_WIZ_TLS_BY_PORT;
	if (w->preset) {
		w->send_host = xstrdup(w->preset->smtp_host);
		w->send_port = w->preset->smtp_port;
	} else {
		w->send_host = xstrfmt("smtp.%s", d);
		w->send_port = 465;
	}
	free(d);
}

char *
ui_wiz_account_name(const char *address)
{
	const struct cfg_preset *pr = cfg_preset_for_address(address);
	struct buf b = BUF_INIT;

	if (pr)
		return xstrdup(pr->name);
	char *d = domain_of(address);
	for (const char *p = d; *p && *p != '.'; p++) {
		char c = *p;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_')
			buf_addch(&b, c);
	}
	free(d);
	if (!b.len)
		buf_addstr(&b, "mail");
	return buf_detach(&b, NULL);
}

int
ui_wiz_check_address(const char *s, struct perr *e)
{
	size_t len = strlen(s);
	const char *at = strchr(s, '@');

	if (!len)
		return perr_set(e, PERR_CONFIG, "type the address, e.g. "
				"you@example.com");
	if (len > 254)
		return perr_set(e, PERR_CONFIG, "an address has at most 254 "
				"bytes; this one has %zu", len);
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return perr_set(e, PERR_CONFIG, "an address has no "
					"spaces or control characters");
	if (!at || strchr(at + 1, '@'))
		return perr_set(e, PERR_CONFIG, "an address has exactly one "
				"'@', as in you@example.com");
	if (at == s)
		return perr_set(e, PERR_CONFIG, "nothing before the '@'");
	const char *d = at + 1;
	if (!*d)
		return perr_set(e, PERR_CONFIG, "no domain after the '@'");
	if (d[0] != '[' && (!strchr(d, '.') || d[0] == '.'))
		return perr_set(e, PERR_CONFIG, "the domain '%s' is not a "
				"mail domain (it needs a dot, as in "
				"example.com)", d);
	return 0;
}

int
ui_wiz_check_host(const char *s, struct perr *e)
{
	size_t len = strlen(s);

	if (!len)
		return perr_set(e, PERR_CONFIG, "type the server's name, e.g. "
				"imap.example.com");
	if (len > 253)
		return perr_set(e, PERR_CONFIG, "a host name has at most 253 "
				"bytes");
	if (s[0] == '-' || s[0] == '.')
		return perr_set(e, PERR_CONFIG, "a host name does not start "
				"with '%c'", s[0]);
	for (const char *p = s; *p; p++) {
		char c = *p;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '.' || c == '-' ||
		      c == ':'))
			return perr_set(e, PERR_CONFIG, "a host name holds "
					"only letters, digits, '.', '-' and "
					"':' "
					"(an IPv6 address)");
	}
	return 0;
}

enum cfg_tls
ui_wiz_recv_tls(enum ui_wiz_recv r, uint16_t port)
{
	if ((r == UI_WIZ_IMAP && port == 143) ||
	    (r == UI_WIZ_POP3 && port == 110))
		return CFG_TLS_STARTTLS;
	return CFG_TLS_IMPLICIT;
}

enum cfg_tls
ui_wiz_send_tls(uint16_t port)
{
	return port == 587 || port == 25 ? CFG_TLS_STARTTLS
					 : CFG_TLS_IMPLICIT;
}

bool
ui_wiz_port_known(enum ui_wiz_recv r, bool send, uint16_t port)
{
	if (send)
		return port == 465 || port == 587 || port == 25;
	if (r == UI_WIZ_POP3)
		return port == 995 || port == 110;
	return port == 993 || port == 143;
}

/* The TLS of the answers: the user's choice, else what the port says. */
static enum cfg_tls
recv_tls_of(const struct ui_wiz_answers *w)
{
	if (w->recv_tls == UI_WIZ_TLS_IMPLICIT)
		return CFG_TLS_IMPLICIT;
	if (w->recv_tls == UI_WIZ_TLS_STARTTLS)
		return CFG_TLS_STARTTLS;
	return ui_wiz_recv_tls(w->recv, w->recv_port);
}

static enum cfg_tls
send_tls_of(const struct ui_wiz_answers *w)
{
	if (w->send_tls == UI_WIZ_TLS_IMPLICIT)
		return CFG_TLS_IMPLICIT;
	if (w->send_tls == UI_WIZ_TLS_STARTTLS)
		return CFG_TLS_STARTTLS;
	return ui_wiz_send_tls(w->send_port);
}

static void
add_url(struct buf *out, enum cfg_proto proto, enum cfg_tls tls,
	const char *host, uint16_t port)
{
	static const char *const names[][2] = {
		[CFG_PROTO_IMAP] = { "imaps", "imap" },
		[CFG_PROTO_POP3] = { "pop3s", "pop3" },
		[CFG_PROTO_SMTP] = { "smtps", "smtp" },
	};
	struct cfg_url u = {
		.proto = proto, .tls = tls,
		.scheme = names[proto][tls == CFG_TLS_IMPLICIT ? 0 : 1],
		.host = (char *)host, .port = port,
	};

	cfg_url_format(&u, out);
}

static void
kv(struct buf *out, const char *key, const char *value)
{
	buf_addf(out, "\t%s = ", key);
	cfg_format_value(out, value);
	buf_addch(out, '\n');
}

int
ui_wiz_dotfile(const struct ui_wiz_answers *w, struct buf *out,
	       struct perr *e)
{
	if (!set(w->address))
		return perr_set(e, PERR_CONFIG, "no address");
	if (!w->preset && !set(w->recv_host))
		return perr_set(e, PERR_CONFIG, "no receiving server");

	char *name = ui_wiz_account_name(w->address);
	buf_addstr(out, "# postie's dotfile, written by postie setup; see "
			"postierc(5).\n"
			"# `postie config check` shows it with every default "
			"filled in.\n\n");
	buf_addf(out, "[account \"%s\"]\n", name);
	free(name);
	kv(out, "address", w->address);
	if (set(w->real_name))
		kv(out, "name", w->real_name);
	/* A preset brings its servers, the ID command NetEase wants, the
	 * Sent habit and the login hint; only what differs from its IMAP
	 * and SMTP servers is written out (POP3, or servers the user
	 * changed, say for a company domain hosted by the provider). */
	const struct cfg_preset *pr = w->preset;
	bool recv_own = !pr || w->recv == UI_WIZ_POP3 ||
			!set(w->recv_host) ||
			strcmp(w->recv_host, pr->imap_host) != 0 ||
			w->recv_port != pr->imap_port ||
			recv_tls_of(w) != CFG_TLS_IMPLICIT;
	bool send_own = set(w->send_host) &&
			(!pr || strcmp(w->send_host, pr->smtp_host) != 0 ||
			 w->send_port != pr->smtp_port ||
			 send_tls_of(w) != pr->smtp_tls);
	if (pr)
		kv(out, "preset", pr->name);
	if (recv_own && set(w->recv_host)) {
		enum cfg_proto proto = w->recv == UI_WIZ_POP3
					       ? CFG_PROTO_POP3
					       : CFG_PROTO_IMAP;
		buf_addstr(out, "\treceive = ");
		add_url(out, proto, recv_tls_of(w),
			w->recv_host, w->recv_port);
		buf_addch(out, '\n');
	}
	if (send_own) {
		buf_addstr(out, "\tsend = ");
		add_url(out, CFG_PROTO_SMTP, send_tls_of(w), w->send_host,
			w->send_port);
		buf_addch(out, '\n');
	}
	if (set(w->user) && strcmp(w->user, w->address) != 0)
		kv(out, "user", w->user);
	if (set(w->ca_file))
		kv(out, "ca-file", w->ca_file);
	if (w->write_password && set(w->password))
		kv(out, "password", w->password);
	else if (set(w->password_command))
		kv(out, "password-command", w->password_command);
	return 0;
}

char *
ui_wiz_default_target(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");

	if (xdg && *xdg)
		return xstrfmt("%s/postie/config", xdg);
	if (home && *home)
		return xstrfmt("%s/.postierc", home);
	return NULL;
}

/* ---------------------------------------------------------------------
 * The screen
 */
enum step {
	ST_ADDRESS, ST_NAME, ST_RECV, ST_RHOST, ST_RPORT, ST_RTLS,
	ST_SHOST, ST_SPORT, ST_STLS, ST_CA, ST_USER, ST_PASS, ST_PWCMD,
	ST_TEST, ST_FAILED, ST_KEEP, ST_PLAIN, ST_DONE,
};

enum kind { K_TEXT, K_SECRET, K_CHOICE, K_BUSY };

struct wiz {
	const struct ui_wiz_params *p;
	struct ui_wiz_answers a;
	enum step step;
	enum step hist[64];
	size_t n_hist;
	struct buf input;      /* the field being typed */
	size_t cur;            /* the cursor in it: a byte offset at a
				  character boundary */
	struct buf note;       /* what to tell now (raw; sanitised when
				  drawn) */
	bool note_err;
	bool use_command;      /* log in with the password-command */
	bool have_pass, have_secret_tool; /* found in PATH */
	char keep_label[200];
	char *display_path;
	/* the login test */
	pthread_t thread;
	bool running, stopping;
	int cancel_w, done_r;
	int64_t test_t0;
	struct job *job;
};

struct job {
	const struct ui_wiz_params *p;
	struct cfg cfg;
	char *secret;          /* NULL: the password-command */
	int cancel_r, done_w;
	atomic_int stage;      /* 0: receiving server, 1: sending */
	int rc;
	struct perr e;
};

static volatile sig_atomic_t got_signal;

static void
on_signal(int sig)
{
	got_signal = sig;
}

static void
say(struct wiz *w, bool err, const char *fmt, ...) PRINTF_LIKE(3, 4);

static void
say(struct wiz *w, bool err, const char *fmt, ...)
{
	va_list ap;

	buf_reset(&w->note);
	va_start(ap, fmt);
	buf_vaddf(&w->note, fmt, ap);
	va_end(ap);
	w->note_err = err;
}

static enum kind
kind_of(enum step s)
{
	switch (s) {
	case ST_PASS: return K_SECRET;
	case ST_RECV: case ST_FAILED: case ST_KEEP: case ST_PLAIN:
	case ST_RTLS: case ST_STLS:
	case ST_DONE: return K_CHOICE;
	case ST_TEST: return K_BUSY;
	default: return K_TEXT;
	}
}

/* QQ and NetEase give out a code for mail programs and refuse the web
 * password: the prompt says so by name. */
static bool
wants_code(const struct wiz *w)
{
	static const char *const names[] = { "qq", "foxmail", "163", "126",
					     "yeah" };

	for (size_t i = 0; w->a.preset && i < ARRAY_SIZE(names); i++)
		if (strcmp(w->a.preset->name, names[i]) == 0)
			return true;
	return false;
}

static const char *
label_of(const struct wiz *w, enum step s)
{
	bool pop = w->a.recv == UI_WIZ_POP3;

	switch (s) {
	case ST_ADDRESS: return "Email address";
	case ST_NAME: return "Your name (optional)";
	case ST_RECV: return w->a.preset ? "Receive with IMAP or POP3? (i/p;"
					   " e: edit the servers)"
					 : "Receive with IMAP or POP3? (i/p)";
	case ST_RHOST: return pop ? "POP3 server" : "IMAP server";
	case ST_RPORT: return pop ? "POP3 port (995 TLS, 110 STARTTLS)"
				  : "IMAP port (993 TLS, 143 STARTTLS)";
	case ST_RTLS:
	case ST_STLS: return "TLS from the first byte (t) or STARTTLS (s)?";
	case ST_SHOST: return w->a.preset ? "SMTP server (empty: the preset's)"
					  : "SMTP server (empty: no sending)";
	case ST_SPORT: return "SMTP port (465 TLS, 587 STARTTLS)";
	case ST_CA: return "CA file (empty: the system's)";
	case ST_USER: return "Login name";
	case ST_PASS: return wants_code(w) ? "Authorisation code (not the "
					     "web password; empty: use a "
					     "command)"
					   : "Password (empty: use a "
					     "password-command)";
	case ST_PWCMD: return "Password command (run without a shell)";
	case ST_TEST: return "Testing the login";
	case ST_FAILED: return "Enter: try another password   u: login name"
			       "   s: servers   Esc: quit";
	case ST_KEEP: return w->keep_label;
	case ST_PLAIN: return "Write the password in plain text into the "
			      "dotfile (mode 0600)? (y/n)";
	case ST_DONE: return w->p->first_run ? "Enter: open your mail"
					     : "Enter: finish";
	}
	return "";
}

/* A command that would print the secret, for the password-command
 * prompt: pass or secret-tool when found in PATH. */
static bool
in_path(const char *prog)
{
	const char *path = getenv("PATH");
	bool found = false;

	if (!path || !*path)
		return false;
	char *copy = xstrdup(path), *save = NULL;
	for (char *d = strtok_r(copy, ":", &save); d && !found;
	     d = strtok_r(NULL, ":", &save)) {
		char *f = xstrfmt("%s/%s", *d ? d : ".", prog);
		found = access(f, X_OK) == 0;
		free(f);
	}
	free(copy);
	return found;
}

static char *
suggest_command(const struct wiz *w)
{
	if (in_path("pass"))
		return xstrfmt("pass show mail/%s", w->a.address);
	if (in_path("secret-tool"))
		return xstrfmt("secret-tool lookup service postie account %s",
			       w->a.address);
	return xstrdup("");
}

static void
fill_input(struct wiz *w, enum step s)
{
	const struct ui_wiz_answers *a = &w->a;
	char *sug = NULL;

	/* the field may hold a password typed and then left with Up */
	if (w->input.len)
		explicit_bzero(w->input.data, w->input.len);
	buf_reset(&w->input);
	switch (s) {
	case ST_ADDRESS:
		buf_addstr(&w->input, a->address ? a->address : "");
		break;
	case ST_NAME:
		buf_addstr(&w->input, a->real_name ? a->real_name : "");
		break;
	case ST_RHOST:
		buf_addstr(&w->input, a->recv_host ? a->recv_host : "");
		break;
	case ST_RPORT:
		buf_addf(&w->input, "%u", (unsigned)a->recv_port);
		break;
	case ST_SHOST:
		buf_addstr(&w->input, a->send_host ? a->send_host : "");
		break;
	case ST_SPORT:
		buf_addf(&w->input, "%u", (unsigned)a->send_port);
		break;
	case ST_CA:
		buf_addstr(&w->input, a->ca_file ? a->ca_file : "");
		break;
	case ST_USER:
		buf_addstr(&w->input, set(a->user) ? a->user : a->address);
		break;
	case ST_PWCMD:
		if (set(a->password_command))
			buf_addstr(&w->input, a->password_command);
		else {
			sug = suggest_command(w);
			buf_addstr(&w->input, sug);
		}
		break;
	default:
		break;
	}
	free(sug);
	w->cur = w->input.len;
}

static void
go(struct wiz *w, enum step s)
{
	/* the test and its outcome are not places to go back to, and
	 * neither is the step that started the test */
	if (w->n_hist < ARRAY_SIZE(w->hist) && w->step != s &&
	    s != ST_TEST && kind_of(w->step) != K_BUSY &&
	    w->step != ST_FAILED)
		w->hist[w->n_hist++] = w->step;
	w->step = s;
	fill_input(w, s);
}

static void
back(struct wiz *w)
{
	if (!w->n_hist)
		return;
	w->step = w->hist[--w->n_hist];
	fill_input(w, w->step);
	buf_reset(&w->note);
}

static void
replace(char **slot, const char *s)
{
	free(*slot);
	*slot = xstrdup(s);
}

static void
preset_note(struct wiz *w)
{
	const struct cfg_preset *pr = w->a.preset;

	if (!pr) {
		say(w, false, "The domain is not in postie's provider table: "
			      "give the servers (the defaults are the usual "
			      "names; your provider's help pages have the "
			      "right ones).");
		return;
	}
	struct buf pop = BUF_INIT;
	if (pr->pop3_host)
		buf_addf(&pop, "POP3 %s:%u, ", pr->pop3_host,
			 (unsigned)pr->pop3_port);
	say(w, false, "Found %s (preset %s): IMAP %s:%u, %sSMTP %s:%u. %s.",
	    pr->label, pr->name, pr->imap_host, (unsigned)pr->imap_port,
	    pop.data, pr->smtp_host, (unsigned)pr->smtp_port, pr->hint);
	buf_release(&pop);
}

/* The password prompt's note: the preset's hint again, since it is what
 * decides which secret to type. */
static void
pass_note(struct wiz *w)
{
	if (w->a.preset)
		say(w, false, "%s.", w->a.preset->hint);
	else
		buf_reset(&w->note);
}

static int
parse_port(const char *s, uint16_t *port)
{
	uint64_t v;

	if (!slice_to_u64(slice_cstr(s), 65535, &v) || v == 0)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

static void start_test(struct wiz *w);
static void draw(struct wiz *w);
static int write_dotfile(struct wiz *w);

/* Enter on a text step: check and keep the answer, then move on. */
static void
accept_text(struct wiz *w)
{
	struct perr e = PERR_INIT;
	const char *in = w->input.data;
	struct ui_wiz_answers *a = &w->a;

	switch (w->step) {
	case ST_ADDRESS:
		if (ui_wiz_check_address(in, &e) < 0) {
			say(w, true, "%s", e.msg);
			return;
		}
		if (!a->address || strcmp(a->address, in) != 0) {
			replace(&a->address, in);
			free(a->user);
			a->user = NULL;
			ui_wiz_defaults(a);
		}
		preset_note(w);
		go(w, ST_NAME);
		return;
	case ST_NAME:
		replace(&a->real_name, in);
		go(w, ST_RECV);
		return;
	case ST_RHOST:
		if (ui_wiz_check_host(in, &e) < 0) {
			say(w, true, "%s", e.msg);
			return;
		}
		replace(&a->recv_host, in);
		buf_reset(&w->note);
		go(w, ST_RPORT);
		return;
	case ST_RPORT:
		if (parse_port(in, &a->recv_port) < 0) {
			say(w, true, "a port is a number from 1 to 65535");
			return;
		}
		buf_reset(&w->note);
		if (ui_wiz_port_known(a->recv, false, a->recv_port)) {
			a->recv_tls = UI_WIZ_TLS_BY_PORT;
			go(w, ST_SHOST);
		} else {
			say(w, false, "Port %u is not one of the usual ones, "
				      "so it does not say how the server "
				      "wants TLS.", (unsigned)a->recv_port);
			go(w, ST_RTLS);
		}
		return;
	case ST_SHOST:
		if (*in && ui_wiz_check_host(in, &e) < 0) {
			say(w, true, "%s", e.msg);
			return;
		}
		if (!*in && a->preset) {
			/* a preset always sends through its server; the
			 * dotfile has no way to say "none" under one */
			replace(&a->send_host, a->preset->smtp_host);
			a->send_port = a->preset->smtp_port;
			a->send_tls = UI_WIZ_TLS_BY_PORT;
			buf_reset(&w->note);
			go(w, ST_CA);
			return;
		}
		replace(&a->send_host, in);
		buf_reset(&w->note);
		go(w, *in ? ST_SPORT : ST_CA);
		return;
	case ST_SPORT:
		if (parse_port(in, &a->send_port) < 0) {
			say(w, true, "a port is a number from 1 to 65535");
			return;
		}
		buf_reset(&w->note);
		if (ui_wiz_port_known(a->recv, true, a->send_port)) {
			a->send_tls = UI_WIZ_TLS_BY_PORT;
			go(w, ST_CA);
		} else {
			say(w, false, "Port %u is not one of the usual ones, "
				      "so it does not say how the server "
				      "wants TLS.", (unsigned)a->send_port);
			go(w, ST_STLS);
		}
		return;
	case ST_CA:
		if (*in) {
			char *full = file_expand_home(in);
			bool ok = access(full, R_OK) == 0;
			free(full);
			if (!ok) {
				say(w, true, "cannot read the CA file '%s': %s",
				    in, strerror(errno));
				return;
			}
		}
		replace(&a->ca_file, in);
		buf_reset(&w->note);
		go(w, ST_USER);
		return;
	case ST_USER:
		replace(&a->user, *in ? in : a->address);
		pass_note(w);
		go(w, ST_PASS);
		return;
	case ST_PASS:
		if (!*in) {
			buf_reset(&w->note);
			say(w, false, "A password-command prints the secret on "
				      "its first line, e.g. pass show mail/x "
				      "or secret-tool lookup service postie "
				      "account x.");
			go(w, ST_PWCMD);
			return;
		}
		if (a->password) {
			explicit_bzero(a->password, strlen(a->password));
			free(a->password);
		}
		a->password = xstrdup(in);
		explicit_bzero(w->input.data, w->input.len);
		buf_reset(&w->input);
		w->use_command = false;
		start_test(w);
		return;
	case ST_PWCMD: {
		if (!*in) {
			say(w, true, "give a command, or Up to type the "
				     "password instead");
			return;
		}
		char **argv = argv_split(in, &e);
		if (!argv) {
			say(w, true, "%s", e.msg);
			return;
		}
		argv_free(argv);
		replace(&a->password_command, in);
		w->use_command = true;
		start_test(w);
		return;
	}
	default:
		return;
	}
}

/* A word for a command line that argv_split gives back unchanged: bare
 * when it holds nothing special, else in double quotes with \" and \\
 * escaped. */
static void
add_word(struct buf *out, const char *s)
{
	if (*s && !strpbrk(s, " \t\"'\\")) {
		buf_addstr(out, s);
		return;
	}
	buf_addch(out, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			buf_addch(out, '\\');
		buf_addch(out, *s);
	}
	buf_addch(out, '"');
}

/* Hand the typed password to pass (pass insert -m mail/ADDRESS) or to
 * the desktop keyring (secret-tool store), on the program's stdin so
 * that it never shows in a process list, and make the command that
 * reads it back the account's password-command. pass refuses to replace
 * an entry that exists (it would ask, and the question gets no yes). */
static int
store_secret(struct wiz *w, bool pass, struct perr *e)
{
	struct ui_wiz_answers *a = &w->a;
	struct buf in = BUF_INIT, out = BUF_INIT, err = BUF_INIT;
	struct buf cmd = BUF_INIT;
	char *entry = xstrfmt("mail/%s", a->address);
	char *label = xstrfmt("postie %s", a->address);
	int rc = -1;

	/* a '/' would make pass create folders */
	for (char *p = entry + 5; *p; p++)
		if (*p == '/')
			*p = '_';
	struct buf line = BUF_INIT;
	if (pass) {
		buf_addstr(&line, "pass insert -m ");
		add_word(&line, entry);
	} else {
		buf_addstr(&line, "secret-tool store --label ");
		add_word(&line, label);
		buf_addstr(&line, " service postie account ");
		add_word(&line, a->address);
	}
	char **argv = argv_split(line.data, e);
	buf_release(&line);
	if (!argv)
		goto out;
	buf_addstr(&in, a->password);
	if (pass)
		buf_addch(&in, '\n');
	int st = proc_capture_input(argv, in.data, in.len,
				    CFG_SECRET_TIMEOUT_MS, 64 * 1024, &out,
				    &err, e);
	argv_free(argv);
	if (st > 0) {
		size_t l = strcspn(err.data, "\r\n");
		perr_set(e, PERR_LOCAL, "'%s' exited with status %d%s%.*s",
			 pass ? "pass insert" : "secret-tool store", st,
			 l ? ": " : "", (int)(l > 200 ? 200 : l), err.data);
	} else if (st == 0) {
		if (pass) {
			buf_addstr(&cmd, "pass show ");
			add_word(&cmd, entry);
		} else {
			buf_addstr(&cmd, "secret-tool lookup service postie "
					 "account ");
			add_word(&cmd, a->address);
		}
		free(a->password_command);
		a->password_command = buf_detach(&cmd, NULL);
		rc = 0;
	}
out:
	if (in.cap)
		explicit_bzero(in.data, in.cap);
	buf_release(&in);
	buf_release(&out);
	buf_release(&err);
	buf_release(&cmd);
	free(entry);
	free(label);
	return rc;
}

/* A key on a choice step. */
static int
choose(struct wiz *w, wint_t c)
{
	struct ui_wiz_answers *a = &w->a;
	bool enter = c == '\r' || c == '\n';

	switch (w->step) {
	case ST_RECV:
		if (c == 'e' && a->preset) {
			/* the preset's servers as the starting point */
			buf_reset(&w->note);
			go(w, ST_RHOST);
		} else if (enter || c == 'i' || c == 'p') {
			enum ui_wiz_recv r = c == 'p' ? UI_WIZ_POP3
						      : UI_WIZ_IMAP;
			if (r != a->recv || !a->recv_host) {
				a->recv = r;
				recv_defaults(a);
			}
			go(w, a->preset ? ST_USER : ST_RHOST);
		}
		return 0;
	case ST_RTLS:
	case ST_STLS:
		if (c == 't' || c == 's') {
			enum ui_wiz_tls t = c == 't' ? UI_WIZ_TLS_IMPLICIT
						     : UI_WIZ_TLS_STARTTLS;
			buf_reset(&w->note);
			if (w->step == ST_RTLS) {
				a->recv_tls = t;
				go(w, ST_SHOST);
			} else {
				a->send_tls = t;
				go(w, ST_CA);
			}
		}
		return 0;
	case ST_FAILED:
		if (enter || c == 'r') {
			pass_note(w);
			go(w, ST_PASS);
		} else if (c == 'u') {
			buf_reset(&w->note);
			go(w, ST_USER);
		} else if (c == 's') {
			buf_reset(&w->note);
			go(w, ST_RHOST);
		}
		return 0;
	case ST_KEEP:
		if ((c == 'p' && w->have_pass) ||
		    (c == 's' && w->have_secret_tool)) {
			struct perr e = PERR_INIT;
			/* a short wait (the program gets at most
			 * CFG_SECRET_TIMEOUT_MS): say what it is for */
			say(w, false, "Handing the password to %s...",
			    c == 'p' ? "pass" : "secret-tool");
			draw(w);
			if (store_secret(w, c == 'p', &e) < 0) {
				say(w, true, "The password was not stored: %s",
				    e.msg);
				return 0;
			}
			/* read it back the way postie will, and log in */
			w->use_command = true;
			start_test(w);
		} else if (c == 'f') {
			say(w, false, "Only you can read the dotfile (mode "
				      "0600), but the password is in it as "
				      "typed: a backup of it, or anyone with "
				      "your login here, can read it.");
			go(w, ST_PLAIN);
		} else if (c == 'c') {
			go(w, ST_PWCMD);
		} else if (c == 'n') {
			a->write_password = false;
			free(a->password_command);
			a->password_command = NULL;
			return write_dotfile(w);
		}
		return 0;
	case ST_PLAIN:
		if (c == 'y') {
			a->write_password = true;
			return write_dotfile(w);
		}
		if (c == 'n') {
			say(w, false, "Then keep it with a command (c), or "
				      "leave it out and add password-command "
				      "to the dotfile later (n).");
			go(w, ST_KEEP);
		}
		return 0;
	case ST_DONE:
		return enter ? 1 : 0;
	default:
		return 0;
	}
}

/* ---------------------------------------------------------------------
 * The login test
 */
static void *
test_main(void *arg)
{
	struct job *j = arg;
	const struct cfg_account *a = &j->cfg.accounts[0];

	atomic_store(&j->stage, 0);
	j->rc = j->p->test(j->p->test_arg, a, j->secret, false, j->cancel_r,
			   &j->e);
	if (j->rc == 0 && a->send.proto != CFG_PROTO_NONE) {
		atomic_store(&j->stage, 1);
		j->rc = j->p->test(j->p->test_arg, a, j->secret, true,
				   j->cancel_r, &j->e);
	}
	/* the byte tells the screen it may join */
	ssize_t n;
	do
		n = write(j->done_w, "x", 1);
	while (n < 0 && errno == EINTR);
	return NULL;
}

static void
job_free(struct job *j)
{
	if (!j)
		return;
	cfg_release(&j->cfg);
	if (j->secret) {
		explicit_bzero(j->secret, strlen(j->secret));
		free(j->secret);
	}
	if (j->cancel_r >= 0)
		close(j->cancel_r);
	if (j->done_w >= 0)
		close(j->done_w);
	free(j);
}

static void
start_test(struct wiz *w)
{
	struct ui_wiz_answers t = w->a;
	struct buf text = BUF_INIT;
	struct perr e = PERR_INIT;
	struct job *j = xcalloc(1, sizeof(*j));
	int cp[2] = { -1, -1 }, dp[2] = { -1, -1 };

	j->p = w->p;
	j->cancel_r = j->done_w = -1;
	cfg_init(&j->cfg);
	/* the account as it will be written, without the secret: that
	 * goes to the test function on its own */
	t.write_password = false;
	if (!w->use_command)
		t.password_command = NULL;
	if (ui_wiz_dotfile(&t, &text, &e) < 0 ||
	    cfg_parse_buffer(&j->cfg, "setup", text.data, text.len, &e) < 0) {
		say(w, true, "these answers do not make a valid account: "
			     "%s%s%s",
		    e.msg, j->cfg.n_errors ? "; " : "",
		    j->cfg.n_errors ? j->cfg.errors[0] : "");
		buf_release(&text);
		job_free(j);
		return;
	}
	buf_release(&text);
	if (!w->use_command)
		j->secret = xstrdup(w->a.password);
	if (pipe2(cp, O_CLOEXEC) < 0 || pipe2(dp, O_CLOEXEC) < 0) {
		say(w, true, "cannot test the login: %s", strerror(errno));
		goto fail;
	}
	j->cancel_r = cp[0];
	j->done_w = dp[1];
	if (pthread_create(&w->thread, NULL, test_main, j) != 0) {
		say(w, true, "cannot test the login: no thread");
		goto fail;
	}
	w->job = j;
	w->cancel_w = cp[1];
	w->done_r = dp[0];
	w->running = true;
	w->stopping = false;
	w->test_t0 = time_mono_ms();
	buf_reset(&w->note);
	go(w, ST_TEST);
	return;
fail:
	if (cp[1] >= 0)
		close(cp[1]);
	if (dp[0] >= 0)
		close(dp[0]);
	if (j->cancel_r < 0 && cp[0] >= 0)
		close(cp[0]);
	if (j->done_w < 0 && dp[1] >= 0)
		close(dp[1]);
	job_free(j);
}

static void
stop_test(struct wiz *w)
{
	if (!w->running || w->stopping)
		return;
	w->stopping = true;
	ssize_t n;
	do
		n = write(w->cancel_w, "x", 1);
	while (n < 0 && errno == EINTR);
}

/* The thread said it is done: join it and act on the result. Returns
 * 1 when the dotfile was written and the wizard may end. */
static int
finish_test(struct wiz *w)
{
	struct job *j = w->job;
	const struct cfg_account *a = &j->cfg.accounts[0];
	bool send = atomic_load(&j->stage) == 1;

	pthread_join(w->thread, NULL);
	close(w->cancel_w);
	close(w->done_r);
	w->running = false;
	w->job = NULL;
	w->step = ST_FAILED;
	if (j->rc == 0) {
		say(w, false, "The login works: the %s server%s accepted it.",
		    a->receive.proto == CFG_PROTO_POP3 ? "POP3" : "IMAP",
		    a->send.proto != CFG_PROTO_NONE ? " and the SMTP server"
						    : "");
		job_free(j);
		if (w->use_command) {
			w->a.write_password = false;
			return write_dotfile(w);
		}
		w->step = ST_KEEP;
		fill_input(w, ST_KEEP);
		return 0;
	}
	const char *what = send ? "SMTP" : a->receive.proto == CFG_PROTO_POP3
						 ? "POP3" : "IMAP";
	/* the URL as it was typed: the login name is shown apart */
	struct buf url = BUF_INIT;
	struct cfg_url u = send ? a->send : a->receive;
	u.user = NULL;
	cfg_url_format(&u, &url);
	if (j->e.kind == PERR_CANCELLED || w->stopping)
		say(w, true, "The test was stopped before %s %s answered.",
		    what, url.data);
	else if (j->e.kind == PERR_AUTH || j->e.kind == PERR_REJECTED)
		say(w, true, "The %s server %s refused the login: %s%s%s%s",
		    what, url.data, j->e.msg, w->a.preset ? "\n\n" : "",
		    w->a.preset ? w->a.preset->hint : "",
		    w->a.preset ? "." : "");
	else if (j->e.kind == PERR_CONN)
		say(w, true, "Cannot reach the %s server %s: %s\n\nCheck the "
			     "server name, the port and the CA file (s).",
		    what, url.data, j->e.msg);
	else
		say(w, true, "The %s login at %s failed: %s", what, url.data,
		    j->e.msg);
	buf_release(&url);
	job_free(j);
	fill_input(w, ST_FAILED);
	return 0;
}

/* ---------------------------------------------------------------------
 * Writing the dotfile
 */
static int
write_dotfile(struct wiz *w)
{
	struct buf text = BUF_INIT;
	struct perr e = PERR_INIT;
	struct cfg c;
	int rc = 0;

	cfg_init(&c);
	if (ui_wiz_dotfile(&w->a, &text, &e) < 0 ||
	    cfg_parse_buffer(&c, "setup", text.data, text.len, &e) < 0) {
		say(w, true, "the dotfile would not be valid: %s", e.msg);
		goto out;
	}
	char *dir = xstrdup(w->p->path);
	char *slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (file_mkdirs(dir, 0700, &e) < 0) {
			free(dir);
			say(w, true, "cannot write the dotfile: %s", e.msg);
			goto out;
		}
	}
	free(dir);
	if (file_write_atomic(w->p->path, text.data, text.len, 0600, &e) <
	    0) {
		say(w, true, "cannot write the dotfile: %s", e.msg);
		goto out;
	}
	say(w, false, "Wrote %s (mode 0600). %s", w->display_path,
	    w->p->first_run ? "Press Enter to open your mail."
			    : "Press Enter to finish; run postie to read "
			      "your mail.");
	w->step = ST_DONE;
	rc = 0;
out:
	if (text.cap)
		explicit_bzero(text.data, text.cap);
	buf_release(&text);
	cfg_release(&c);
	return rc;
}

/* ---------------------------------------------------------------------
 * Drawing
 */

/* Draw text (untrusted) at y, x in at most cells cells. */
static void
put(int y, int x, const char *s, size_t len, int cells, attr_t attr)
{
	struct buf clean = BUF_INIT, fit = BUF_INIT;

	if (cells <= 0)
		return;
	ui_sanitize(&clean, s, len, UI_TAB_SPACE);
	ui_fit(&fit, clean.data, clean.len, cells, UI_LEFT);
	attron(attr);
	mvaddstr(y, x, fit.data);
	attroff(attr);
	buf_release(&clean);
	buf_release(&fit);
}

/* The bytes of the longest prefix of (p, len) that fits in cells. */
static size_t
cells_prefix(const char *p, size_t len, int cells)
{
	size_t o = 0;
	int used = 0;

	while (o < len) {
		uint32_t cp;
		size_t n = utf8_decode(p + o, len - o, &cp);
		int cw = n ? ui_cp_width(cp) : 1;
		n = n ? n : 1;
		if (cw < 0)
			cw = 0;
		if (used + cw > cells)
			break;
		used += cw;
		o += n;
	}
	return o;
}

/* The note, wrapped at spaces into the rows from y up to max_y;
 * returns the row after the last one drawn. */
static int
put_wrapped(int y, int max_y, int cols, const char *s, attr_t attr)
{
	struct buf clean = BUF_INIT;

	ui_sanitize(&clean, s, strlen(s), UI_ALLOW_LF);
	const char *p = clean.data, *end = clean.data + clean.len;
	int width = cols - 4;
	while (p < end && y < max_y && width > 0) {
		if (*p == '\n') {
			p++;
			y++;
			continue;
		}
		/* the longest run of words that fits */
		const char *q = p, *cut = NULL;
		while (q < end && *q != '\n') {
			const char *sp = memchr(q, ' ', (size_t)(end - q));
			const char *nl = memchr(q, '\n', (size_t)(end - q));
			const char *wend = sp ? sp : end;
			if (nl && nl < wend)
				wend = nl;
			if (ui_width(p, (size_t)(wend - p)) > (size_t)width)
				break;
			cut = wend;
			q = wend < end && *wend == ' ' ? wend + 1 : wend;
		}
		if (!cut) /* one word wider than the line */
			cut = p + cells_prefix(p, (size_t)(end - p), width);
		if (cut == p)
			cut = p + 1;
		put(y, 2, p, (size_t)(cut - p), width, attr);
		y++;
		p = cut;
		while (p < end && *p == ' ')
			p++;
		if (p < end && *p == '\n')
			p++;
	}
	buf_release(&clean);
	return y;
}

static void
url_text(const struct ui_wiz_answers *a, bool send, struct buf *out)
{
	if (send)
		add_url(out, CFG_PROTO_SMTP, send_tls_of(a),
			a->send_host, a->send_port);
	else
		add_url(out, a->recv == UI_WIZ_POP3 ? CFG_PROTO_POP3
						    : CFG_PROTO_IMAP,
			recv_tls_of(a), a->recv_host,
			a->recv_port);
}

/* Cells (p, len) takes once sanitised, as put draws it. */
static size_t
shown_width(const char *p, size_t len)
{
	struct buf clean = BUF_INIT;

	ui_sanitize(&clean, p, len, UI_TAB_SPACE);
	size_t wd = ui_width(clean.data, clean.len);
	buf_release(&clean);
	return wd;
}

static int
row(int y, int cols, const char *label, const char *value)
{
	put(y, 2, label, strlen(label), 12, A_BOLD);
	put(y, 15, value, strlen(value), cols - 16, A_NORMAL);
	return y + 1;
}

static void
draw(struct wiz *w)
{
	int rows = LINES, cols = COLS;
	const struct ui_wiz_answers *a = &w->a;
	struct buf b = BUF_INIT;
	int y = 2;

	erase();
	buf_addstr(&b, w->p->first_run ? "postie: first run, set up an "
					 "account"
				       : "postie setup");
	put(0, 0, b.data, b.len, cols, A_REVERSE);
	if (a->address && w->step > ST_ADDRESS) {
		y = row(y, cols, "Address", a->address);
		if (set(a->real_name))
			y = row(y, cols, "Name", a->real_name);
		buf_reset(&b);
		if (a->preset)
			buf_addf(&b, "%s (preset %s)", a->preset->label,
				 a->preset->name);
		else
			buf_addstr(&b, "not in the table: servers asked");
		y = row(y, cols, "Provider", b.data);
		if (a->recv_host && (a->preset || w->step > ST_RHOST)) {
			buf_reset(&b);
			url_text(a, false, &b);
			y = row(y, cols, "Receive", b.data);
		}
		if (set(a->send_host) && (a->preset || w->step > ST_SHOST)) {
			buf_reset(&b);
			url_text(a, true, &b);
			y = row(y, cols, "Send", b.data);
		}
		if (set(a->ca_file))
			y = row(y, cols, "CA file", a->ca_file);
		if (set(a->user) && w->step > ST_USER)
			y = row(y, cols, "Login", a->user);
		if (w->step > ST_PWCMD && w->use_command)
			y = row(y, cols, "Password", a->password_command);
		y++;
	}
	/* the prompt sits two rows above the key help at the bottom */
	int prompt_y = rows - 3 > y ? rows - 3 : y;
	if (w->note.len)
		put_wrapped(y, prompt_y - 1, cols, w->note.data,
			    w->note_err ? A_BOLD : A_NORMAL);

	const char *label = label_of(w, w->step);
	enum kind k = kind_of(w->step);
	int cx = 0;
	if (k == K_BUSY) {
		const struct job *j = w->job;
		int stage = j ? atomic_load(&j->stage) : 0;
		int64_t secs = (time_mono_ms() - w->test_t0) / 1000;
		buf_reset(&b);
		if (w->stopping)
			buf_addstr(&b, "stopping the test...");
		else {
			buf_addf(&b, "testing the login: %s ",
				 stage ? "SMTP" : a->recv == UI_WIZ_POP3
							  ? "POP3"
							  : "IMAP");
			url_text(a, stage == 1, &b);
			buf_addf(&b, " ... %llds", (long long)secs);
		}
		put(prompt_y, 2, b.data, b.len, cols - 4, A_BOLD);
	} else if (k == K_CHOICE) {
		put(prompt_y, 2, label, strlen(label), cols - 4, A_BOLD);
	} else {
		buf_reset(&b);
		buf_addf(&b, "%s: ", label);
		size_t lw = ui_width(b.data, b.len);
		put(prompt_y, 2, b.data, b.len, cols - 4, A_BOLD);
		int avail = cols - 4 - (int)lw - 1;
		if (k == K_SECRET) {
			cx = 2 + (int)lw;
		} else if (avail > 0) {
			/* from the first character that leaves the cursor
			 * on screen: the field scrolls as one types */
			const char *s = w->input.data;
			size_t len = w->input.len, before = w->cur;
			while (before && shown_width(s, before) >=
						 (size_t)avail) {
				uint32_t cp;
				size_t n = utf8_decode(s, len, &cp);
				n = n ? n : 1;
				s += n;
				len -= n;
				before -= n;
			}
			put(prompt_y, 2 + (int)lw, s, len, avail, A_NORMAL);
			cx = 2 + (int)lw + (int)shown_width(s, before);
		}
	}
	const char *help =
		k == K_BUSY ? "Esc or Ctrl-C: stop the test"
		: w->step == ST_DONE ? "Enter: go on"
		: k == K_CHOICE ? "a key from the prompt  Up: back  "
				  "Esc: quit, nothing written"
		: k == K_SECRET ? "typing is hidden  Enter: next  Up: back  "
				  "Ctrl-U: clear  Esc: quit, nothing written"
				: "Enter: next  Up: back  Left/Right: move  "
				  "Ctrl-U: clear  Esc: quit, nothing written";
	put(rows - 1, 0, help, strlen(help), cols, A_REVERSE);
	if (k == K_TEXT || k == K_SECRET) {
		curs_set(1);
		move(prompt_y, cx < cols ? cx : cols - 1);
	} else {
		curs_set(0);
	}
	refresh();
	buf_release(&b);
}

/* ---------------------------------------------------------------------
 * The loop
 */
static void
edit(struct wiz *w, wint_t c)
{
	struct buf *in = &w->input;

	if (c == 21) { /* Ctrl-U */
		explicit_bzero(in->data, in->len);
		buf_reset(in);
		w->cur = 0;
		return;
	}
	if (c == 127 || c == 8) { /* Backspace: the character before */
		size_t n = w->cur;
		while (n && ((unsigned char)in->data[n - 1] & 0xc0) == 0x80)
			n--;
		if (n)
			n--;
		buf_remove(in, n, w->cur - n);
		w->cur = n;
		return;
	}
	/* a control character is never part of an answer */
	if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c > 0x10ffff)
		return;
	if (in->len + 4 > UI_WIZ_MAX_FIELD)
		return;
	struct buf ch = BUF_INIT;
	utf8_encode(&ch, (uint32_t)c);
	buf_insert(in, w->cur, ch.data, ch.len);
	w->cur += ch.len;
	buf_release(&ch);
}

/* Left, Right, Home, End, Delete in a field. */
static void
move_in_field(struct wiz *w, wint_t c)
{
	struct buf *in = &w->input;
	size_t n = w->cur;

	switch (c) {
	case KEY_LEFT:
		while (n && ((unsigned char)in->data[--n] & 0xc0) == 0x80)
			;
		w->cur = n;
		break;
	case KEY_RIGHT:
		if (n < in->len)
			n++;
		while (n < in->len && ((unsigned char)in->data[n] & 0xc0) ==
					      0x80)
			n++;
		w->cur = n;
		break;
	case KEY_HOME:
		w->cur = 0;
		break;
	case KEY_END:
		w->cur = in->len;
		break;
	case KEY_DC:
		if (n < in->len) {
			size_t e = n + 1;
			while (e < in->len &&
			       ((unsigned char)in->data[e] & 0xc0) == 0x80)
				e++;
			buf_remove(in, n, e - n);
		}
		break;
	}
}

/* One key. Returns 1 to end (written), 2 to quit without writing. */
static int
key(struct wiz *w, int r, wint_t c)
{
	enum kind k = kind_of(w->step);

	if (r == KEY_CODE_YES) {
		switch (c) {
		case KEY_UP:
			if (k != K_BUSY && w->step != ST_DONE)
				back(w);
			return 0;
		case KEY_BACKSPACE:
			if (k == K_TEXT || k == K_SECRET)
				edit(w, 127);
			return 0;
		case KEY_LEFT:
		case KEY_RIGHT:
		case KEY_HOME:
		case KEY_END:
		case KEY_DC:
			if (k == K_TEXT || k == K_SECRET)
				move_in_field(w, c);
			return 0;
		case KEY_ENTER:
			c = '\r';
			break;
		default:
			return 0;
		}
	}
	if (c == 27 || c == 3) {
		if (k == K_BUSY) {
			stop_test(w);
			return 0;
		}
		return w->step == ST_DONE ? 1 : 2;
	}
	if (k == K_BUSY)
		return 0;
	if (k == K_CHOICE)
		return choose(w, c);
	if (c == 1 || c == 5) { /* Ctrl-A, Ctrl-E */
		move_in_field(w, c == 1 ? KEY_HOME : KEY_END);
		return 0;
	}
	if (c == '\r' || c == '\n') {
		accept_text(w);
		return 0;
	}
	edit(w, c);
	return 0;
}

static int
loop(struct wiz *w)
{
	for (;;) {
		draw(w);
		wint_t c;
		int r = get_wch(&c);
		if (got_signal) {
			if (w->running) {
				stop_test(w);
				continue;
			}
			return 2;
		}
		if (w->running) {
			struct pollfd pfd = { .fd = w->done_r,
					      .events = POLLIN };
			if (poll(&pfd, 1, 0) > 0)
				finish_test(w);
		}
		if (r == ERR)
			continue;
		if (r == KEY_CODE_YES && c == KEY_RESIZE)
			continue;
		int done = key(w, r, c);
		if (done)
			return done;
	}
}

int
ui_wizard_run(const struct ui_wiz_params *p, struct perr *e)
{
	struct wiz w = { .p = p, .input = BUF_INIT, .note = BUF_INIT,
			 .cancel_w = -1, .done_r = -1 };
	struct sigaction sa = { 0 }, old_term, old_hup;
	const char *home = getenv("HOME");
	size_t hl = home ? strlen(home) : 0;

	if (hl > 1 && strncmp(p->path, home, hl) == 0 && p->path[hl] == '/')
		w.display_path = xstrfmt("~%s", p->path + hl);
	else
		w.display_path = xstrdup(p->path);
	SCREEN *scr = newterm(NULL, stdout, stdin);
	if (!scr) {
		free(w.display_path);
		return perr_set(e, PERR_LOCAL, "cannot start the screen "
				"(TERM='%s')", getenv("TERM") ? getenv("TERM")
							      : "");
	}
	set_term(scr);
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	timeout(100);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	got_signal = 0;
	sigaction(SIGTERM, &sa, &old_term);
	sigaction(SIGHUP, &sa, &old_hup);

	say(&w, false, "%s This asks for your address and login, tests "
		       "them, and writes %s (mode 0600). Nothing is written "
		       "until the login works, and Esc leaves without "
		       "writing.",
	    p->first_run ? "postie has no dotfile yet." : "",
	    w.display_path);
	w.have_pass = in_path("pass");
	w.have_secret_tool = in_path("secret-tool");
	snprintf(w.keep_label, sizeof(w.keep_label),
		 "Keep the password: %s%sf: in the dotfile   c: a command   "
		 "n: leave it out",
		 w.have_secret_tool ? "s: desktop keyring (secret-tool)   "
				    : "",
		 w.have_pass ? "p: pass   " : "");
	w.step = ST_ADDRESS;
	fill_input(&w, ST_ADDRESS);
	int done = loop(&w);

	/* a test still running (a signal) is stopped and waited for: the
	 * sessions watch the cancel pipe, so this is short */
	if (w.running) {
		stop_test(&w);
		struct pollfd pfd = { .fd = w.done_r, .events = POLLIN };
		while (poll(&pfd, 1, -1) < 0 && errno == EINTR)
			;
		finish_test(&w);
		if (w.step == ST_DONE)
			done = 1;
	}
	endwin();
	delscreen(scr);
	sigaction(SIGTERM, &old_term, NULL);
	sigaction(SIGHUP, &old_hup, NULL);
	explicit_bzero(w.input.data, w.input.len);
	buf_release(&w.input);
	buf_release(&w.note);
	free(w.display_path);
	ui_wiz_answers_release(&w.a);
	if (got_signal && done != 1)
		return perr_set(e, PERR_CANCELLED, "setup stopped by signal "
				"%d; nothing written", (int)got_signal);
	return done == 1 ? 0 : 1;
}
