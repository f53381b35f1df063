/* SPDX-License-Identifier: ISC */
/*
 * Server URLs of the dotfile: scheme://[user@]host[:port][/].
 *
 * The schemes say both the protocol and how TLS is used, so a reader of
 * the dotfile sees at a glance whether a password can cross the network
 * in clear: imap, pop3, smtp and submission start in plaintext and must
 * upgrade with STARTTLS (a server that does not offer it is refused
 * later, in net/), imaps, pop3s and smtps speak TLS from the first byte,
 * and only the "+insecure" schemes allow plaintext at all.
 *
 * RFC 3986 would allow a path, a query and a password in the userinfo;
 * none of them means anything here, so they are errors rather than
 * something silently ignored. The user part is percent-decoded; an '@'
 * in it may also be left raw (the host starts after the last '@'),
 * because "user@qq.com@imap.qq.com" is what people write.
 */
#include <arpa/inet.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "postie/base.h"
#include "postie/config.h"

#include "private.h"

static const struct scheme {
	const char *name;
	enum cfg_proto proto;
	enum cfg_tls tls;
	uint16_t port;
} schemes[] = {
	{ "imap", CFG_PROTO_IMAP, CFG_TLS_STARTTLS, 143 },
	{ "imaps", CFG_PROTO_IMAP, CFG_TLS_IMPLICIT, 993 },
	{ "imap+insecure", CFG_PROTO_IMAP, CFG_TLS_NONE, 143 },
	{ "pop3", CFG_PROTO_POP3, CFG_TLS_STARTTLS, 110 },
	{ "pop3s", CFG_PROTO_POP3, CFG_TLS_IMPLICIT, 995 },
	{ "pop3+insecure", CFG_PROTO_POP3, CFG_TLS_NONE, 110 },
	{ "smtp", CFG_PROTO_SMTP, CFG_TLS_STARTTLS, 587 },
	{ "submission", CFG_PROTO_SMTP, CFG_TLS_STARTTLS, 587 },
	{ "smtps", CFG_PROTO_SMTP, CFG_TLS_IMPLICIT, 465 },
	{ "smtp+insecure", CFG_PROTO_SMTP, CFG_TLS_NONE, 587 },
};

static const struct scheme *
find_scheme(const char *name, size_t len)
{
	for (size_t i = 0; i < ARRAY_SIZE(schemes); i++)
		if (strlen(schemes[i].name) == len &&
		    ascii_strncasecmp(schemes[i].name, name, len) == 0)
			return &schemes[i];
	return NULL;
}

uint16_t
cfg_scheme_port(const char *scheme)
{
	const struct scheme *sc = find_scheme(scheme, strlen(scheme));
	return sc ? sc->port : 0;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = ascii_lower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Percent-decode the user part; the result must be UTF-8 text without
 * control characters, since it goes into LOGIN and AUTH lines. */
static char *
decode_user(const char *url, const char *p, size_t len, struct perr *e)
{
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c == '%') {
			int hi = i + 2 < len ? hexval(p[i + 1]) : -1;
			int lo = i + 2 < len ? hexval(p[i + 2]) : -1;
			if (hi < 0 || lo < 0) {
				perr_set(e, PERR_CONFIG,
					 "bad percent escape in the user of "
					 "'%s' (expected %%XX with two hex "
					 "digits)", url);
				goto fail;
			}
			c = (unsigned char)(hi << 4 | lo);
			i += 2;
		} else if (c == ':') {
			perr_set(e, PERR_CONFIG,
				 "'%s' holds a password; put it in "
				 "password-command instead (write %%3A for a "
				 "':' in the user name)", url);
			goto fail;
		}
		if (c < 0x20 || c == 0x7f) {
			perr_set(e, PERR_CONFIG,
				 "the user in '%s' holds a control character",
				 url);
			goto fail;
		}
		buf_addch(&b, c);
	}
	if (b.len == 0) {
		perr_set(e, PERR_CONFIG, "empty user name in '%s'", url);
		goto fail;
	}
	if (!utf8_valid(b.data, b.len)) {
		perr_set(e, PERR_CONFIG,
			 "the user in '%s' is not valid UTF-8 once decoded",
			 url);
		goto fail;
	}
	return buf_detach(&b, NULL);
fail:
	buf_release(&b);
	return NULL;
}

static bool
host_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
}

int
cfg_parse_url(const char *s, struct cfg_url *out, struct perr *e)
{
	struct cfg_url u = { 0 };
	const char *sep = strstr(s, "://");

	memset(out, 0, sizeof(*out));
	if (!sep) {
		struct buf q = BUF_INIT;
		cfg_quote_msg(&q, s, strlen(s));
		perr_set(e, PERR_CONFIG,
			 "expected a server URL like imaps://imap.example.com,"
			 " got %s", q.data);
		buf_release(&q);
		return -1;
	}
	const struct scheme *sc = find_scheme(s, (size_t)(sep - s));
	if (!sc) {
		char *name = xstrndup(s, (size_t)(sep - s));
		static const char *const names[] = {
			"imap", "imaps", "imap+insecure", "pop3", "pop3s",
			"pop3+insecure", "smtp", "smtps", "submission",
			"smtp+insecure", NULL
		};
		const char *hint = cfg_did_you_mean(name, names);
		perr_set(e, PERR_CONFIG,
			 "unknown URL scheme '%s' in '%s'%s%s%s", name, s,
			 hint ? "; did you mean '" : " (expected imaps, "
							"pop3s, smtps, ...)",
			 hint ? hint : "", hint ? "'?" : "");
		free(name);
		return -1;
	}
	u.proto = sc->proto;
	u.tls = sc->tls;
	u.scheme = sc->name;
	u.port = sc->port;

	const char *auth = sep + 3;
	size_t alen = strcspn(auth, "/?#");
	const char *rest = auth + alen;
	if (*rest && strcmp(rest, "/") != 0) {
		perr_set(e, PERR_CONFIG,
			 "'%s' has a path, query or fragment; a server URL "
			 "ends after the host and port", s);
		goto fail;
	}
	/* the host starts after the last '@' */
	const char *host = auth;
	for (size_t i = 0; i < alen; i++)
		if (auth[i] == '@')
			host = auth + i + 1;
	if (host != auth) {
		u.user = decode_user(s, auth, (size_t)(host - 1 - auth), e);
		if (!u.user)
			goto fail;
	}
	const char *hend = auth + alen;
	const char *port = NULL;
	if (*host == '[') {
		const char *close = memchr(host, ']', (size_t)(hend - host));
		if (!close) {
			perr_set(e, PERR_CONFIG,
				 "unclosed '[' in the host of '%s'", s);
			goto fail;
		}
		u.host = xstrndup(host + 1, (size_t)(close - host - 1));
		unsigned char addr[16];
		if (inet_pton(AF_INET6, u.host, addr) != 1) {
			perr_set(e, PERR_CONFIG,
				 "'%s' is not an IPv6 address (in '%s')",
				 u.host, s);
			goto fail;
		}
		if (close + 1 < hend) {
			if (close[1] != ':') {
				perr_set(e, PERR_CONFIG,
					 "expected ':' and a port after ']' "
					 "in '%s'", s);
				goto fail;
			}
			port = close + 2;
		}
	} else {
		const char *colon = memchr(host, ':', (size_t)(hend - host));
		const char *h_end = colon ? colon : hend;
		if (h_end == host) {
			perr_set(e, PERR_CONFIG, "no host name in '%s'", s);
			goto fail;
		}
		for (const char *p = host; p < h_end; p++)
			if (!host_char((unsigned char)*p)) {
				perr_set(e, PERR_CONFIG,
					 "bad character in the host of '%s' "
					 "(write a host name in ASCII, an "
					 "IPv4 address or [IPv6])", s);
				goto fail;
			}
		u.host = xstrndup(host, (size_t)(h_end - host));
		if (colon)
			port = colon + 1;
	}
	if (port) {
		uint64_t n;
		if (!slice_to_u64(slice_make(port, (size_t)(hend - port)),
				  65535, &n) ||
		    n == 0) {
			char *p = xstrndup(port, (size_t)(hend - port));
			perr_set(e, PERR_CONFIG,
				 "expected a port from 1 to 65535 in '%s', "
				 "got '%s'", s, p);
			free(p);
			goto fail;
		}
		u.port = (uint16_t)n;
	}
	*out = u;
	return 0;
fail:
	cfg_url_release(&u);
	return -1;
}

void
cfg_url_release(struct cfg_url *u)
{
	free(u->host);
	free(u->user);
	free(u->path);
	memset(u, 0, sizeof(*u));
}

void
cfg_url_format(const struct cfg_url *u, struct buf *out)
{
	if (u->proto == CFG_PROTO_NONE)
		return;
	if (u->proto == CFG_PROTO_MAILDIR) {
		buf_addf(out, "maildir:%s", u->path);
		return;
	}
	buf_addf(out, "%s://", u->scheme);
	if (u->user) {
		for (const char *p = u->user; *p; p++) {
			unsigned char c = (unsigned char)*p;
			/* keep what needs no escape in a userinfo; escape
			 * '@' too, so the host is never in doubt */
			if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9') || strchr("-._~+!$&'()*,=",
							      c) ||
			    c >= 0x80)
				buf_addch(out, c);
			else
				buf_addf(out, "%%%02X", c);
		}
		buf_addch(out, '@');
	}
	if (strchr(u->host, ':'))
		buf_addf(out, "[%s]", u->host);
	else
		buf_addstr(out, u->host);
	buf_addf(out, ":%u", (unsigned)u->port);
}

int
cfg_parse_maildir(const char *s, const char *dotfile, struct cfg_url *out,
		  struct perr *e)
{
	const char *p;
	char *path;

	memset(out, 0, sizeof(*out));
	if (strncmp(s, "maildir:", 8) != 0)
		return perr_set(e, PERR_CONFIG, "expected maildir:PATH, got "
				"'%s'", s);
	p = s + 8;
	if (!*p)
		return perr_set(e, PERR_CONFIG, "empty path in '%s' (write "
				"maildir:PATH)", s);
	for (const char *q = p; *q; q++)
		if ((unsigned char)*q < 0x20 || *q == 0x7f)
			return perr_set(e, PERR_CONFIG, "the path in "
					"'maildir:...' holds a control "
					"character");
	if (!utf8_valid(p, strlen(p)))
		return perr_set(e, PERR_CONFIG, "the path in 'maildir:...' "
				"is not valid UTF-8");
	if (p[0] == '/') {
		path = xstrdup(p);
	} else if (p[0] == '~' && (p[1] == '/' || p[1] == '\0')) {
		const char *home = getenv("HOME");
		if (!home || home[0] != '/')
			return perr_set(e, PERR_CONFIG, "'%s' needs $HOME, "
					"which is not an absolute path", s);
		path = xstrfmt("%s%s", home, p + 1);
	} else if (p[0] == '~') {
		return perr_set(e, PERR_CONFIG, "'%s': only ~/ is expanded, "
				"not ~USER", s);
	} else {
		const char *slash = dotfile ? strrchr(dotfile, '/') : NULL;
		char *dir;
		if (slash && slash == dotfile) {
			dir = xstrdup("/");
		} else if (slash) {
			dir = xstrndup(dotfile, (size_t)(slash - dotfile));
		} else {
			char cwd[PATH_MAX];
			if (!getcwd(cwd, sizeof(cwd)))
				return perr_set(e, PERR_CONFIG, "'%s' is "
						"relative and the current "
						"directory is unknown", s);
			dir = xstrdup(cwd);
		}
		if (dir[0] != '/') {
			char cwd[PATH_MAX];
			char *rel = dir;
			if (!getcwd(cwd, sizeof(cwd))) {
				free(rel);
				return perr_set(e, PERR_CONFIG, "'%s' is "
						"relative and the current "
						"directory is unknown", s);
			}
			dir = xstrfmt("%s/%s", cwd, rel);
			free(rel);
		}
		size_t dl = strlen(dir);
		path = xstrfmt("%s%s%s", dir, dl && dir[dl - 1] == '/' ? ""
								  : "/", p);
		free(dir);
	}
	/* no trailing slashes: the path names the directory */
	for (size_t n = strlen(path); n > 1 && path[n - 1] == '/'; n--)
		path[n - 1] = '\0';
	out->proto = CFG_PROTO_MAILDIR;
	out->tls = CFG_TLS_NONE;
	out->scheme = "maildir";
	out->path = path;
	return 0;
}
