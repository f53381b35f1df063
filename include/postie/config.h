/* SPDX-License-Identifier: ISC */
/*
 * config: the dotfile. It finds the file (~/.postierc, else
 * $XDG_CONFIG_HOME/postie/config, unless -F names one), parses its INI
 * form with git-config style subsections ([ui], [account "qq"],
 * [bind "index"]), checks every value, fills accounts from the built-in
 * provider table (preset = qq), and runs password and token commands
 * without a shell.
 *
 * Parsing collects every fault (up to CFG_MAX_ERRORS) as a line of the
 * form "FILE:LINE:COL: what was expected", so that `postie config check`
 * can show them all at once.
 *
 * A struct cfg is built by one thread and is read-only afterwards: any
 * thread may then read it (and call cfg_account_password) without a lock,
 * as long as nobody calls cfg_release meanwhile. Every string in it is
 * owned by the struct and lives until cfg_release.
 */
#ifndef POSTIE_CONFIG_H
#define POSTIE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "postie/base.h"

/* At most this many faults are kept; parsing stops after that. */
#define CFG_MAX_ERRORS 50
/* A dotfile larger than this is refused before it is read. */
#define CFG_MAX_FILE (1024 * 1024)
/* More accounts or key bindings than this are an error: it bounds the
 * duplicate checks, which compare each new one with all before it. */
#define CFG_MAX_ACCOUNTS 100
#define CFG_MAX_BINDS 2000
/* How long a password-command or oauth-token-command may run. */
#define CFG_SECRET_TIMEOUT_MS 10000
/* How much output such a command may write (a secret is one short line). */
#define CFG_SECRET_MAX_OUT (64 * 1024)

/* ---------------------------------------------------------------------
 * Server URLs: scheme://[user@]host[:port], nothing after the port but an
 * optional "/". Plaintext is possible only through the explicit
 * "+insecure" schemes.
 */
enum cfg_proto { CFG_PROTO_NONE, CFG_PROTO_IMAP, CFG_PROTO_POP3,
		 CFG_PROTO_SMTP, CFG_PROTO_MAILDIR };

enum cfg_tls {
	CFG_TLS_IMPLICIT, /* TLS from the first byte (imaps, pop3s, smtps) */
	CFG_TLS_STARTTLS, /* plain greeting, then STARTTLS, which is required */
	CFG_TLS_NONE,     /* plaintext: only the +insecure schemes */
};

struct cfg_url {
	enum cfg_proto proto; /* CFG_PROTO_NONE: not set */
	enum cfg_tls tls;
	const char *scheme;   /* canonical lower-case name; static */
	char *host;           /* without the brackets of an IPv6 literal */
	uint16_t port;        /* the scheme's default when not written */
	char *user;           /* percent-decoded; NULL when not in the URL */
	char *path;           /* CFG_PROTO_MAILDIR: the absolute directory
				 (host is then NULL, port 0) */
};

/* Parse a server URL. On success fills *out (the caller releases it with
 * cfg_url_release) and returns 0; otherwise returns -1 with PERR_CONFIG
 * and a message that says what was expected. */
int cfg_parse_url(const char *s, struct cfg_url *out, struct perr *e);
void cfg_url_release(struct cfg_url *u);
/* A local Maildir to read as an account's mail: "maildir:PATH". A PATH
 * starting with "~/" is under $HOME; any other relative PATH is taken
 * from the directory of the dotfile dotfile (its path as read; NULL or
 * no '/' in it: the current directory). Nothing else is expanded (no
 * variables, no globs, no shell). A PATH that is empty or holds a control
 * character is refused. On success fills *out (proto CFG_PROTO_MAILDIR,
 * scheme "maildir", path absolute) and returns 0; otherwise -1 with
 * PERR_CONFIG. Whether the directory exists is for the reader to find. */
int cfg_parse_maildir(const char *s, const char *dotfile, struct cfg_url *out,
		      struct perr *e);
/* Append the URL in a form cfg_parse_url reads back (user
 * percent-encoded where needed; the port always written). */
void cfg_url_format(const struct cfg_url *u, struct buf *out);
/* The default port of a scheme name ("imaps" -> 993), 0 if unknown. */
uint16_t cfg_scheme_port(const char *scheme);

/* ---------------------------------------------------------------------
 * Small value parsers, shared with the UI's prompts. All return 0, or -1
 * with PERR_CONFIG and a message naming what was expected and what was
 * got (no file position: the caller adds it).
 */
/* "30s", "5m", "1h", "1h30m", "2d", or a plain number of seconds. Units
 * go from large to small, each at most once; at most CFG_MAX_DURATION. */
#define CFG_MAX_DURATION (366u * 24 * 3600)
int cfg_parse_duration(const char *s, uint64_t *secs, struct perr *e);
/* yes/no, true/false, on/off, 1/0, in any ASCII case. */
int cfg_parse_bool(const char *s, bool *out, struct perr *e);
/* A key sequence for a binding: one to four keys, each a printable
 * character or <NAME> with optional C- and M- modifiers: "j", "gg",
 * "<C-x>", "<M-Enter>", "<F5>", "<PageDown>", "<lt>" for '<'. */
int cfg_check_keyseq(const char *s, struct perr *e);

/* ---------------------------------------------------------------------
 * Provider presets.
 */
struct cfg_preset {
	const char *name;       /* "qq" */
	const char *label;      /* "QQ Mail" */
	const char *imap_host;  /* implicit TLS on imap_port */
	uint16_t imap_port;
	const char *pop3_host;  /* NULL: no POP3 service */
	uint16_t pop3_port;
	const char *smtp_host;
	uint16_t smtp_port;
	enum cfg_tls smtp_tls;  /* IMPLICIT (smtps) or STARTTLS (submission) */
	bool files_sent;        /* the server files sent mail in Sent itself */
	bool imap_id;           /* the server wants the IMAP ID command */
	const char *hint;       /* shown when login fails; one sentence */
	const char *const *domains; /* NULL-terminated list of mail domains */
};

/* The preset called name (ASCII case ignored), or NULL. Static data. */
const struct cfg_preset *cfg_preset_find(const char *name);
/* The preset for the domain of an address ("x@vip.qq.com" -> qq), or NULL
 * when the domain is not known or the address has no '@'. Static data. */
const struct cfg_preset *cfg_preset_for_address(const char *address);
/* The whole table, for the first-run wizard: *n gets its length. */
const struct cfg_preset *cfg_presets(size_t *n);

/* ---------------------------------------------------------------------
 * The configuration.
 */
enum cfg_pop3_delete {
	CFG_POP3_LEAVE,      /* keep mail on the server (the default) */
	CFG_POP3_DELETE,     /* delete once stored locally */
	CFG_POP3_AFTER_DAYS, /* delete pop3_delete_days after it arrived */
};

struct cfg_account {
	char *name;              /* the subsection: [account "NAME"] */
	char *address;           /* required */
	char *real_name;         /* the "name" key, or NULL */
	char *user;              /* login name; defaults to address */
	struct cfg_url receive;  /* IMAP or POP3; required */
	struct cfg_url send;     /* SMTP; proto NONE when not set */
	char *password;          /* plaintext, or NULL; never print it */
	char *password_command;  /* or NULL */
	char *oauth_token_command; /* or NULL */
	uint64_t poll;           /* seconds between checks; 0: never */
	char *ca_file;           /* NULL: the system's CA store */
	bool has_fingerprint;
	uint8_t tls_fingerprint[32]; /* SHA-256 of the server certificate */
	char *sent, *drafts, *trash; /* folder names, or NULL: ask the
				       server (SPECIAL-USE) */
	char *signature;         /* a path, ~ expanded, or NULL */
	const struct cfg_preset *preset; /* or NULL */
	char **assumed_charsets; /* for unlabelled 8-bit mail, in order */
	size_t n_assumed_charsets;
	enum cfg_pop3_delete pop3_delete;
	unsigned pop3_delete_days;
	bool sent_copy;          /* file a copy of sent mail in Sent */
	bool imap_id;            /* send IMAP ID after login */
	char *new_mail_command;  /* run when new mail came; NULL: the [ui]
				    one */
	const char *login_hint;  /* from the preset, or NULL; static */
	unsigned line;           /* where its section starts */
};

/* Panes a [bind "PANE"] section may name. */
#define CFG_BIND_PANES "global", "index", "pager", "folders", "compose"

struct cfg_bind {
	char *pane;   /* one of CFG_BIND_PANES */
	char *keys;   /* as written: "gg", "<C-x>" */
	char *action; /* opaque here; the UI checks it */
	unsigned line;
};

/* One line of a [color] section (in the dotfile or a theme file):
 * "element = colours and attributes", both opaque here; the screen
 * checks them and names line and col (of the value) when it cannot. */
struct cfg_color {
	char *element;
	char *value;
	unsigned line, col;
};
/* More [color] lines than this in one file are an error. */
#define CFG_MAX_COLORS 500
/* A theme file larger than this is refused before it is read. */
#define CFG_MAX_THEME_FILE (64 * 1024)

/* The key presets [ui] keys may name. */
#define CFG_KEY_PRESETS "default", "vim", "emacs"

enum cfg_sort { CFG_SORT_DATE, CFG_SORT_ARRIVAL, CFG_SORT_FROM,
		CFG_SORT_SUBJECT, CFG_SORT_SIZE, CFG_SORT_THREAD };

/* After a load every string here is set except editor and attribution; after cfg_init
 * alone they are NULL. */
struct cfg_ui {
	char *theme;             /* "default" */
	char *editor;            /* NULL: $VISUAL, $EDITOR, then built-in */
	enum cfg_sort sort;      /* date */
	bool sort_reverse;       /* written "reverse-date" */
	bool threads;            /* no */
	char *date_format;       /* strftime; "%Y-%m-%d %H:%M" */
	unsigned folder_width;   /* columns of the folder list; 0 hides it */
	uint64_t mark_read_delay; /* seconds shown before marked read */
	bool confirm_quit;       /* yes */
	bool delete_mark;        /* delete = mark: d marks \Deleted instead
				    of moving to Trash; "trash" */
	char *log_level;         /* error, warn, info or debug; "info" */
	char *keys;              /* key preset: NULL (default), "vim" or
				    "emacs" */
	bool bell_on_new;        /* beep when new mail comes; no */
	bool set_title;          /* set the terminal title; yes */
	char *new_mail_command;  /* run when new mail came, or NULL */
	char *save_dir;          /* where saved parts go; NULL: ~/Downloads
				    if it exists, else ~ */
	char *url_command;       /* opens a link; NULL: xdg-open */
	bool viewer_split;       /* viewer = split: index rows above it */
	unsigned viewer_index_rows; /* index rows in the split view; 10 */
	char *aliases;           /* the aliases file, ~ expanded; default
				    $XDG_CONFIG_HOME/postie/aliases (NULL
				    when neither that nor HOME is set); a
				    missing file means no aliases */
	char *query_command;     /* address lookup program, or NULL */
	char *attribution;       /* the line above a quoted reply, with %d
				    (date), %n (name), %a (address); NULL:
				    "On %d, %n wrote:" */
};

struct cfg {
	char *path;          /* the file read, or the name given to
				cfg_parse_buffer */
	char *display_path;  /* path with $HOME written as ~ */
	struct cfg_ui ui;
	struct cfg_account *accounts; /* in file order */
	size_t n_accounts;
	struct cfg_bind *binds;       /* in file order */
	size_t n_binds;
	struct cfg_color *colors;     /* [color] lines, in file order */
	size_t n_colors;
	char **errors;       /* "FILE:LINE:COL: message", in file order */
	size_t n_errors;
	size_t n_errors_dropped; /* faults beyond CFG_MAX_ERRORS */
	/* "FILE:LINE:COL: warning: message": things that are valid but
	 * will probably fail later (a ca-file that cannot be read, a
	 * password-command whose program is not in PATH). At most
	 * CFG_MAX_ERRORS; they do not make cfg_load fail. */
	char **warnings;
	size_t n_warnings;
};

/* Fill *c with the defaults (no accounts). No allocation. */
void cfg_init(struct cfg *c);
/* Free everything *c owns and re-initialise it. */
void cfg_release(struct cfg *c);

/* The dotfile that would be read: ~/.postierc if it exists, else
 * $XDG_CONFIG_HOME/postie/config if it exists, else NULL. *looked
 * (may be NULL) gets a heap string naming the places looked at, for a
 * message; the caller frees both. */
char *cfg_default_path(char **looked);

/* Read and check the dotfile at path (NULL: cfg_default_path). On success
 * returns 0 and *c holds the resolved configuration. Returns -1 with
 * PERR_LOCAL when the file is missing or cannot be read, or PERR_CONFIG
 * when it holds faults: then c->errors lists them all and e->msg the
 * first one with a count of the others. *c must have been through
 * cfg_init; it is reset first. A plaintext password is accepted only if
 * the file is a regular file owned by the user and not readable by group
 * or others. */
int cfg_load(struct cfg *c, const char *path, struct perr *e);

/* Parse text (len bytes, may hold anything) as if read from a private
 * file called name, with the same results as cfg_load. */
int cfg_parse_buffer(struct cfg *c, const char *name, const char *text,
		     size_t len, struct perr *e);

/* Read a theme file: the dotfile's syntax with [color] sections only
 * (any other section is a fault). Fills c->colors (and c->path,
 * c->display_path for messages); faults, errors and return values as
 * cfg_load. A file larger than CFG_MAX_THEME_FILE is refused (PERR_LOCAL).
 * *c must have been through cfg_init; it is reset first. */
int cfg_load_theme(struct cfg *c, const char *path, struct perr *e);
/* The same from memory; name is used in messages. */
int cfg_parse_theme_buffer(struct cfg *c, const char *name,
			   const char *text, size_t len, struct perr *e);

/* The candidate closest to word by edit distance (ASCII case ignored),
 * or NULL when none is close enough to be a likely typo. cands is
 * NULL-terminated; the result is one of them. Any thread. */
const char *cfg_did_you_mean(const char *word, const char *const *cands);

/* The account called name (exact match), or NULL. Borrowed from c. */
const struct cfg_account *cfg_find_account(const struct cfg *c,
					   const char *name);

/* The account for -A NAME: the one called name, or the first when name
 * is NULL. NULL with PERR_CONFIG when there is no such account (the
 * message lists the names there are) or no account at all. Borrowed. */
const struct cfg_account *cfg_select_account(const struct cfg *c,
					     const char *name,
					     struct perr *e);

/* Append the resolved configuration in dotfile syntax, presets applied,
 * with every plaintext password written as "*****". Commands are shown,
 * not run. */
void cfg_format(const struct cfg *c, struct buf *out);
/* Append s as a dotfile value that the parser reads back as exactly s:
 * bare when that is safe, else in double quotes with \" \\ \n \t
 * escapes (a value with spaces at its ends, '#', ';' or quotes). For
 * programs that write a dotfile, such as the first-run wizard. */
void cfg_format_value(struct buf *out, const char *s);

/* ---------------------------------------------------------------------
 * Secrets. These run a program and wait for it (up to
 * CFG_SECRET_TIMEOUT_MS): call them from an account worker or a headless
 * command, never from the UI thread.
 */
/* The account's password: the plaintext one, or the first line of the
 * output of password-command. *out gets a heap string the caller frees
 * (after wiping it). The secret is registered with log_add_secret. -1
 * with PERR_CONFIG when the account has neither or the command fails. */
int cfg_account_password(const struct cfg_account *a, char **out,
			 struct perr *e);
/* The same for oauth-token-command. */
int cfg_account_oauth_token(const struct cfg_account *a, char **out,
			    struct perr *e);
/* Run cmdline (split with argv_split, no shell) and return the first line
 * of its output in *out (heap; trailing CR removed). Refuses a non-zero
 * exit, a timeout, a signal, empty output, a NUL byte, or more than
 * CFG_SECRET_MAX_OUT bytes; what names the key in messages. */
int cfg_run_secret_command(const char *what, const char *cmdline,
			   int timeout_ms, char **out, struct perr *e);

#endif
