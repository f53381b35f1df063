/* SPDX-License-Identifier: ISC */
/*
 * The first-run wizard: a small screen of its own that asks for an
 * address, finds the provider in the preset table (or asks for the
 * servers), takes a password or a password-command, tests the login, and
 * writes a dotfile that `postie config check` accepts. It runs before the
 * main screen exists (postie with no dotfile, or `postie setup`) and
 * leaves the terminal as it found it.
 *
 * The logic that decides what goes into the dotfile is separate from the
 * screen and has no curses in it, so it is tested with strings: the
 * defaults for an address, the account name, the TLS mode of a port, and
 * the dotfile text itself.
 *
 * The wizard never touches a protocol: the caller passes a function that
 * logs in to one server of an account (src/cmd/setup.c has it). The
 * wizard runs it in a thread of its own so that the screen keeps
 * answering, and stops it through a cancel fd on Esc or Ctrl-C.
 *
 * Everything here is for one thread (the one that owns the terminal),
 * except the test function, which the wizard calls from its own thread.
 */
#ifndef POSTIE_UI_WIZARD_H
#define POSTIE_UI_WIZARD_H

#include <stdbool.h>
#include <stdint.h>

#include "postie/base.h"
#include "postie/config.h"

/* The longest answer kept for one field, in bytes. */
#define UI_WIZ_MAX_FIELD 1024

enum ui_wiz_recv { UI_WIZ_IMAP, UI_WIZ_POP3 };

/* How a server's TLS was chosen: from its port (the zero value), or by
 * the user for a port that does not say (a private submission port). */
enum ui_wiz_tls { UI_WIZ_TLS_BY_PORT, UI_WIZ_TLS_IMPLICIT,
		  UI_WIZ_TLS_STARTTLS };

/* What the user answered. Every string is owned (heap) or NULL; the
 * password is wiped by ui_wiz_answers_release. */
struct ui_wiz_answers {
	char *address;
	char *real_name;       /* NULL or "": none */
	const struct cfg_preset *preset; /* static; NULL: servers asked */
	enum ui_wiz_recv recv;
	char *recv_host;
	uint16_t recv_port;
	enum ui_wiz_tls recv_tls;
	char *send_host;       /* NULL or "": no sending server */
	uint16_t send_port;
	enum ui_wiz_tls send_tls;
	char *ca_file;         /* NULL or "": the system's CA store */
	char *user;            /* NULL or "": the address */
	char *password;        /* as typed; written only with write_password */
	char *password_command; /* NULL or "": none */
	bool write_password;   /* the user agreed to a plaintext password */
};

/* Free and wipe what *w holds and zero it. */
void ui_wiz_answers_release(struct ui_wiz_answers *w);

/* Fill the preset and the servers from w->address: the preset's hosts
 * when the domain is in the table, else imap.DOMAIN:993 (pop.DOMAIN:995
 * for POP3) and smtp.DOMAIN:465. Replaces the servers already there. */
void ui_wiz_defaults(struct ui_wiz_answers *w);

/* A name for [account "NAME"]: the preset's name, else the first label
 * of the domain, kept to [a-z0-9_-] ("mail" when nothing is left). The
 * caller frees it. */
char *ui_wiz_account_name(const char *address);

/* Whether s looks like an address one can log in with: one '@', a local
 * part and a domain with a dot or a literal, no space or control
 * character, at most 254 bytes. 0, or -1 with PERR_CONFIG saying what is
 * wrong. */
int ui_wiz_check_address(const char *s, struct perr *e);

/* Whether s is a host name or an IP address: letters, digits, '.', '-',
 * ':' (IPv6), at most 253 bytes. 0 or -1 with PERR_CONFIG. */
int ui_wiz_check_host(const char *s, struct perr *e);

/* The TLS a port means: 143 (IMAP), 110 (POP3), 587 and 25 (SMTP) are
 * STARTTLS, every other port is TLS from the first byte. */
enum cfg_tls ui_wiz_recv_tls(enum ui_wiz_recv r, uint16_t port);
enum cfg_tls ui_wiz_send_tls(uint16_t port);
/* Whether the port says which TLS it wants (993 and 143 for IMAP, 995
 * and 110 for POP3, 465, 587 and 25 for SMTP; send false: receiving);
 * for any other port the wizard asks. */
bool ui_wiz_port_known(enum ui_wiz_recv r, bool send, uint16_t port);

/* Append the dotfile for the answers to out: one [account] section with
 * every value quoted so that the parser reads back exactly what was
 * typed. The password goes in only when write_password is set; else
 * password-command when there is one. Returns 0, or -1 with PERR_CONFIG
 * when a required answer is missing. */
int ui_wiz_dotfile(const struct ui_wiz_answers *w, struct buf *out,
		   struct perr *e);

/* Where a new dotfile goes when -F names none: $XDG_CONFIG_HOME/postie/
 * config when XDG_CONFIG_HOME is set and not empty, else ~/.postierc.
 * (postie reads ~/.postierc first, so an existing one is found before
 * this is asked.) NULL when neither variable is set. The caller frees. */
char *ui_wiz_default_target(void);

/* Log in to the receiving (send false) or the sending (send true) server
 * of a, with secret (the typed password) or, when secret is NULL, the
 * account's password-command. Called from the wizard's own thread; it
 * must return soon after cancel_fd becomes readable. 0, or -1 with *e
 * holding the server's reason. */
typedef int (*ui_wiz_test_fn)(void *arg, const struct cfg_account *a,
			      const char *secret, bool send, int cancel_fd,
			      struct perr *e);

struct ui_wiz_params {
	const char *path;      /* where the dotfile goes (borrowed) */
	ui_wiz_test_fn test;   /* required */
	void *test_arg;
	bool first_run;        /* postie started with no dotfile */
};

/* Run the wizard on the terminal (stdin, stdout), which must not be in
 * curses mode. Returns 0 when the dotfile was written at p->path (mode
 * 0600, atomically), 1 when the user left without writing anything, or
 * -1 with *e set when the terminal or the file failed. The terminal is
 * restored in every case. */
int ui_wizard_run(const struct ui_wiz_params *p, struct perr *e);

#endif
