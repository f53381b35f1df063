/* SPDX-License-Identifier: ISC */
/*
 * The provider table: every preset the dotfile documents exists and is
 * complete, lookups by name and by address domain, and the provider
 * habits that change what postie does (filing sent mail, IMAP ID).
 */
#include <string.h>

#include "harness.h"
#include "postie/base.h"
#include "postie/config.h"

static void
test_table_complete(void)
{
	static const char *const names[] = {
		"qq", "foxmail", "163", "126", "yeah", "sina", "sohu",
		"aliyun", "gmail", "outlook", "yahoo", "icloud", "fastmail",
	};
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		const struct cfg_preset *p = cfg_preset_find(names[i]);
		if (!ok(p != NULL, "preset '%s' exists", names[i]))
			continue;
		ok(p->imap_host && p->imap_port == 993 && p->smtp_host &&
			   (p->smtp_port == 465 || p->smtp_port == 587),
		   "  '%s' has IMAP and SMTP servers", names[i]);
		ok((p->smtp_port == 465) == (p->smtp_tls == CFG_TLS_IMPLICIT),
		   "  '%s': port 465 is implicit TLS, 587 STARTTLS", names[i]);
		ok(p->hint && strlen(p->hint) > 20, "  '%s' has a login hint",
		   names[i]);
		ok(p->domains && p->domains[0], "  '%s' has domains", names[i]);
	}
	size_t n;
	const struct cfg_preset *all = cfg_presets(&n);
	ok(n >= ARRAY_SIZE(names) && all != NULL, "the whole table");
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (strcmp(all[i].name, all[j].name) == 0)
				ok(0, "duplicate preset '%s'", all[i].name);
}

static void
test_values(void)
{
	const struct cfg_preset *p;

	p = cfg_preset_find("qq");
	is_str(p->imap_host, "imap.qq.com", "qq imap");
	is_str(p->pop3_host, "pop.qq.com", "qq pop3");
	is_str(p->smtp_host, "smtp.qq.com", "qq smtp");
	like(p->hint, "authorisation code", "qq hint: authorisation code");
	ok(p->files_sent, "qq files sent mail itself");
	p = cfg_preset_find("163");
	is_str(p->imap_host, "imap.163.com", "163 imap");
	ok(p->imap_id, "163 wants IMAP ID");
	like(p->hint, "authorisation code", "163 hint");
	like(p->hint, "IMAP/SMTP", "163 hint: switch the services on");
	ok(cfg_preset_find("126")->imap_id && cfg_preset_find("yeah")->imap_id,
	   "126 and yeah want IMAP ID");
	ok(!cfg_preset_find("qq")->imap_id &&
		   !cfg_preset_find("gmail")->imap_id,
	   "the others do not");
	p = cfg_preset_find("gmail");
	like(p->hint, "app password", "gmail hint: app password");
	like(p->hint, "OAuth", "gmail hint: OAuth");
	ok(p->files_sent, "gmail files sent mail itself");
	p = cfg_preset_find("icloud");
	ok(p->pop3_host == NULL, "icloud has no POP3");
	is_int(p->smtp_port, 587, "icloud submits on 587");
	ok(cfg_preset_find("Gmail") == cfg_preset_find("gmail"),
	   "names ignore case");
	ok(cfg_preset_find("hotmail") == NULL, "unknown name");
	ok(cfg_preset_find("") == NULL, "empty name");
}

static void
test_domains(void)
{
	static const struct {
		const char *addr;
		const char *preset; /* NULL: none */
	} t[] = {
		{ "12345@qq.com", "qq" },       { "x@vip.qq.com", "qq" },
		{ "x@QQ.COM", "qq" },           { "x@foxmail.com", "foxmail" },
		{ "x@163.com", "163" },         { "x@126.com", "126" },
		{ "x@yeah.net", "yeah" },       { "x@sina.com", "sina" },
		{ "x@sina.cn", "sina" },        { "x@sohu.com", "sohu" },
		{ "x@aliyun.com", "aliyun" },   { "x@gmail.com", "gmail" },
		{ "x@googlemail.com", "gmail" }, { "x@outlook.com", "outlook" },
		{ "x@hotmail.com", "outlook" }, { "x@live.com", "outlook" },
		{ "x@yahoo.com", "yahoo" },     { "x@icloud.com", "icloud" },
		{ "x@me.com", "icloud" },
		{ "x@fastmail.com", "fastmail" },
		{ "x@qq.com.", "qq" },          { "x@example.com", NULL },
		{ "x@mail.qq.com", NULL },      { "x@notqq.com", NULL },
		{ "qq.com", NULL },             { "x@", NULL },
		{ "", NULL },
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		const struct cfg_preset *p = cfg_preset_for_address(t[i].addr);
		is_str(p ? p->name : NULL, t[i].preset, "'%s' -> %s",
		       t[i].addr, t[i].preset ? t[i].preset : "none");
	}
}

int
main(void)
{
	test_table_complete();
	test_values();
	test_domains();
	return done_testing();
}
