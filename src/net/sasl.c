/* SPDX-License-Identifier: ISC */
/*
 * SASL client encodings. Each mechanism is a tiny state machine; the
 * protocol clients carry the base64 strings in their own framing (SMTP
 * "AUTH x y" and 334 continuations, IMAP AUTHENTICATE and "+ ", POP3 AUTH
 * and "+ ").
 *
 *   PLAIN (RFC 4616): one initial response, authzid empty:
 *       "\0" user "\0" password
 *   LOGIN (draft-murchison-sasl-login): no initial response; the first
 *       challenge asks for the user name, the second for the password.
 *   XOAUTH2 (Google, Microsoft): "user=" U ^A "auth=Bearer " T ^A ^A; an
 *       error comes back as a challenge holding JSON, which the client
 *       answers with an empty response.
 *   OAUTHBEARER (RFC 7628): "n,a=" U "," ^A "host=" H ^A "port=" P ^A
 *       "auth=Bearer " T ^A ^A; an error challenge is answered with ^A.
 */
#include <stdlib.h>
#include <string.h>

#include "postie/log.h"
#include "private.h"

static const char *const mech_names[] = {
#define NET_SASL_NAME_(name, text) text,
	NET_SASL_TABLE(NET_SASL_NAME_)
#undef NET_SASL_NAME_
};

const char *
net_sasl_name(enum net_sasl_mech m)
{
	if ((unsigned)m >= NET_SASL_COUNT)
		return "?";
	return mech_names[m];
}

static bool
offers(const char *offered, const char *name)
{
	struct slice s = slice_cstr(offered ? offered : "");
	struct slice w;

	for (;;) {
		bool more = slice_split(&s, ' ', &w);
		if (w.len && slice_eq_ci(w, name))
			return true;
		if (!more)
			return false;
	}
}

enum net_sasl_mech
net_sasl_choose(const char *offered, bool have_password, bool have_token)
{
	if (have_token) {
		if (offers(offered, "OAUTHBEARER"))
			return NET_SASL_OAUTHBEARER;
		if (offers(offered, "XOAUTH2"))
			return NET_SASL_XOAUTH2;
	}
	if (have_password) {
		if (offers(offered, "PLAIN"))
			return NET_SASL_PLAIN;
		if (offers(offered, "LOGIN"))
			return NET_SASL_LOGIN;
	}
	return NET_SASL_NONE;
}

int
net_sasl_start(struct net_sasl *s, enum net_sasl_mech mech, const char *user,
	       const char *secret, const char *host, unsigned port,
	       struct perr *e)
{
	memset(s, 0, sizeof(*s));
	if (mech == NET_SASL_NONE || (unsigned)mech >= NET_SASL_COUNT)
		return perr_set(e, PERR_CONFIG, "no SASL mechanism chosen");
	if (!user || !secret)
		return perr_set(e, PERR_CONFIG, "SASL %s needs a user and a "
				"%s", net_sasl_name(mech),
				mech == NET_SASL_PLAIN || mech == NET_SASL_LOGIN
					? "password"
					: "token");
	/* PLAIN and LOGIN carry any byte but NUL (which a C string cannot
	 * hold); the OAuth forms use ^A and ',' as separators. */
	if ((mech == NET_SASL_XOAUTH2 || mech == NET_SASL_OAUTHBEARER) &&
	    (strpbrk(user, "\r\n\001,") || strpbrk(secret, "\r\n\001")))
		return perr_set(e, PERR_CONFIG, "user name or token holds a "
				"byte SASL %s cannot carry",
				net_sasl_name(mech));
	s->mech = mech;
	s->user = user;
	s->secret = secret;
	s->host = host ? host : "";
	s->port = port;
	log_add_secret(secret);
	return 0;
}

/* Append base64(raw) to out and register the encoded form as a secret,
 * since it is the password in a thin disguise. */
static void
add_b64_secret(struct buf *out, const struct buf *raw)
{
	size_t at = out->len;

	b64_encode(out, raw->data, raw->len, 0);
	log_add_secret(out->data + at);
}

int
net_sasl_initial(struct net_sasl *s, struct buf *out, struct perr *e)
{
	struct buf raw = BUF_INIT;

	switch (s->mech) {
	case NET_SASL_PLAIN:
		buf_addch(&raw, '\0');
		buf_addstr(&raw, s->user);
		buf_addch(&raw, '\0');
		buf_addstr(&raw, s->secret);
		break;
	case NET_SASL_LOGIN:
		return 0;
	case NET_SASL_XOAUTH2:
		buf_addf(&raw, "user=%s\001auth=Bearer %s\001\001", s->user,
			 s->secret);
		break;
	case NET_SASL_OAUTHBEARER:
		buf_addf(&raw, "n,a=%s,\001host=%s\001port=%u\001"
			 "auth=Bearer %s\001\001",
			 s->user, s->host, s->port, s->secret);
		break;
	default:
		return perr_set(e, PERR_CONFIG, "no SASL mechanism chosen");
	}
	add_b64_secret(out, &raw);
	buf_release(&raw);
	s->step = 1;
	return 0;
}

int
net_sasl_step(struct net_sasl *s, const char *chal, size_t len,
	      struct buf *out, struct perr *e)
{
	struct buf dec = BUF_INIT;
	struct buf raw = BUF_INIT;

	if (b64_decode_strict(&dec, chal, len) < 0) {
		buf_release(&dec);
		return perr_set(e, PERR_PROTO, "SASL %s: challenge is not "
				"base64", net_sasl_name(s->mech));
	}
	switch (s->mech) {
	case NET_SASL_LOGIN:
		/* The challenges are "Username:" and "Password:" by
		 * custom, but servers vary the wording; the order is what
		 * counts. */
		if (s->step == 0) {
			buf_addstr(&raw, s->user);
			b64_encode(out, raw.data, raw.len, 0);
		} else if (s->step == 1) {
			buf_addstr(&raw, s->secret);
			add_b64_secret(out, &raw);
		} else {
			goto too_many;
		}
		s->step++;
		break;
	case NET_SASL_XOAUTH2:
	case NET_SASL_OAUTHBEARER:
		if (s->failed)
			goto too_many;
		/* The challenge is the server's error report (JSON). */
		s->failed = true;
		if (s->mech == NET_SASL_OAUTHBEARER)
			b64_encode(out, "\001", 1, 0);
		log_debug("net: SASL %s error from server: %.*s",
			  net_sasl_name(s->mech), (int)(dec.len > 300 ? 300
							   : dec.len),
			  dec.data);
		s->step++;
		break;
	default:
		goto too_many;
	}
	buf_release(&dec);
	buf_release(&raw);
	return 0;

too_many:
	buf_release(&dec);
	buf_release(&raw);
	return perr_set(e, PERR_PROTO, "SASL %s: unexpected challenge",
			net_sasl_name(s->mech));
}
