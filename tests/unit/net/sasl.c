/* SPDX-License-Identifier: ISC */
/*
 * SASL encodings: the exact bytes of each mechanism, the choice among
 * offered mechanisms, and the error paths.
 */
#include <string.h>

#include "harness.h"
#include "postie/net.h"

static char *
unb64(const struct buf *b, size_t *len)
{
	struct buf d = BUF_INIT;
	if (b64_decode_strict(&d, b->data, b->len) < 0) {
		buf_release(&d);
		return NULL;
	}
	return buf_detach(&d, len);
}

static void
test_choose(void)
{
	is_str(net_sasl_name(net_sasl_choose("LOGIN PLAIN", true, false)),
	       "PLAIN", "PLAIN before LOGIN");
	is_str(net_sasl_name(net_sasl_choose("login", true, false)), "LOGIN",
	       "LOGIN, any case");
	is_str(net_sasl_name(net_sasl_choose("PLAIN XOAUTH2 OAUTHBEARER",
					     false, true)),
	       "OAUTHBEARER", "token: OAUTHBEARER first");
	is_str(net_sasl_name(net_sasl_choose("PLAIN XOAUTH2", false, true)),
	       "XOAUTH2", "token: XOAUTH2 next");
	is_str(net_sasl_name(net_sasl_choose("XOAUTH2", true, false)), "NONE",
	       "no OAuth without a token");
	is_str(net_sasl_name(net_sasl_choose("CRAM-MD5 PLAINX", true, false)),
	       "NONE", "no partial-word match");
	is_str(net_sasl_name(net_sasl_choose("", true, true)), "NONE",
	       "nothing offered");
	is_str(net_sasl_name(net_sasl_choose(NULL, true, true)), "NONE",
	       "NULL offered");
}

static void
test_plain(void)
{
	struct net_sasl s;
	struct buf out = BUF_INIT;
	struct perr e = PERR_INIT;
	size_t n;

	ok(net_sasl_start(&s, NET_SASL_PLAIN, "alice", "s3cret", "h", 25,
			  &e) == 0, "PLAIN start");
	ok(net_sasl_initial(&s, &out, &e) == 0, "PLAIN initial");
	is_str(out.data, "AGFsaWNlAHMzY3JldA==", "PLAIN encoding");
	char *raw = unb64(&out, &n);
	is_mem(raw, n, "\0alice\0s3cret", 13, "PLAIN raw bytes");
	free(raw);
	buf_release(&out);
	/* RFC 4616 example, UTF-8 password */
	ok(net_sasl_start(&s, NET_SASL_PLAIN, "tim", "tanstaaftanstaaf", "h",
			  25, &e) == 0 && net_sasl_initial(&s, &out, &e) == 0,
	   "PLAIN RFC 4616 case");
	is_str(out.data, "AHRpbQB0YW5zdGFhZnRhbnN0YWFm", "RFC 4616 bytes");
	buf_release(&out);
}

static void
test_login(void)
{
	struct net_sasl s;
	struct buf out = BUF_INIT;
	struct perr e = PERR_INIT;

	ok(net_sasl_start(&s, NET_SASL_LOGIN, "bob", "pw", "h", 25, &e) == 0,
	   "LOGIN start");
	ok(net_sasl_initial(&s, &out, &e) == 0 && out.len == 0,
	   "LOGIN has no initial response");
	ok(net_sasl_step(&s, "VXNlcm5hbWU6", 12, &out, &e) == 0,
	   "Username: challenge");
	is_str(out.data, "Ym9i", "user name sent");
	buf_reset(&out);
	ok(net_sasl_step(&s, "UGFzc3dvcmQ6", 12, &out, &e) == 0,
	   "Password: challenge");
	is_str(out.data, "cHc=", "password sent");
	buf_reset(&out);
	ok(net_sasl_step(&s, "UGFzc3dvcmQ6", 12, &out, &e) == -1 &&
		   e.kind == PERR_PROTO, "a third challenge is an error");
	ok(net_sasl_step(&s, "!!!", 3, &out, &e) == -1 &&
		   e.kind == PERR_PROTO, "junk challenge is an error");
	buf_release(&out);
}

static void
test_oauth(void)
{
	struct net_sasl s;
	struct buf out = BUF_INIT;
	struct perr e = PERR_INIT;
	size_t n;

	ok(net_sasl_start(&s, NET_SASL_XOAUTH2, "u@example.com", "tok",
			  "smtp.example.com", 587, &e) == 0 &&
		   net_sasl_initial(&s, &out, &e) == 0, "XOAUTH2 initial");
	char *raw = unb64(&out, &n);
	const char want[] = "user=u@example.com\001auth=Bearer tok\001\001";
	is_mem(raw, n, want, sizeof(want) - 1, "XOAUTH2 bytes");
	free(raw);
	buf_reset(&out);
	ok(net_sasl_step(&s, "eyJzdGF0dXMiOiI0MDEifQ==", 24, &out, &e) == 0 &&
		   s.failed && out.len == 0,
	   "XOAUTH2 error challenge answered with an empty line");

	buf_reset(&out);
	ok(net_sasl_start(&s, NET_SASL_OAUTHBEARER, "u@example.com", "tok",
			  "smtp.example.com", 587, &e) == 0 &&
		   net_sasl_initial(&s, &out, &e) == 0, "OAUTHBEARER initial");
	raw = unb64(&out, &n);
	const char want2[] = "n,a=u@example.com,\001host=smtp.example.com"
			     "\001port=587\001auth=Bearer tok\001\001";
	is_mem(raw, n, want2, sizeof(want2) - 1,
	       "OAUTHBEARER bytes (RFC 7628)");
	free(raw);
	buf_reset(&out);
	ok(net_sasl_step(&s, "e30=", 4, &out, &e) == 0 && s.failed,
	   "OAUTHBEARER error challenge");
	is_str(out.data, "AQ==", "answered with ^A");
	buf_release(&out);

	ok(net_sasl_start(&s, NET_SASL_XOAUTH2, "a,b", "tok", "h", 1, &e) ==
			   -1 && e.kind == PERR_CONFIG,
	   "separator in an OAuth user refused");
	ok(net_sasl_start(&s, NET_SASL_OAUTHBEARER, "u", "t\001k", "h", 1,
			  &e) == -1, "^A in a token refused");
	ok(net_sasl_start(&s, NET_SASL_PLAIN, NULL, "x", "h", 1, &e) == -1,
	   "missing user refused");
}

int
main(void)
{
	test_choose();
	test_plain();
	test_login();
	test_oauth();
	return done_testing();
}
