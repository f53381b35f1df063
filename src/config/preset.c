/* SPDX-License-Identifier: ISC */
/*
 * The built-in table of mail providers: the servers each one documents
 * for IMAP, POP3 and SMTP, whether it files sent mail in Sent by itself
 * (then postie does not append a second copy), whether its IMAP server
 * wants the client to introduce itself with ID (RFC 2971; NetEase refuses
 * SELECT with "Unsafe Login" otherwise), and the one hint that helps most
 * when a login fails.
 *
 * Where a provider's habit is not certain, files_sent is false: a second
 * copy in Sent is a nuisance, a missing one is a loss.
 */
#include <string.h>

#include "postie/base.h"
#include "postie/config.h"

static const char *const qq_domains[] = { "qq.com", "vip.qq.com", NULL };
static const char *const foxmail_domains[] = { "foxmail.com", NULL };
static const char *const d163[] = { "163.com", NULL };
static const char *const d126[] = { "126.com", NULL };
static const char *const yeah_domains[] = { "yeah.net", NULL };
static const char *const sina_domains[] = { "sina.com", "sina.cn", NULL };
static const char *const sohu_domains[] = { "sohu.com", NULL };
static const char *const aliyun_domains[] = { "aliyun.com", NULL };
static const char *const gmail_domains[] = { "gmail.com", "googlemail.com",
					     NULL };
static const char *const outlook_domains[] = { "outlook.com", "hotmail.com",
					       "live.com", "msn.com", NULL };
static const char *const yahoo_domains[] = { "yahoo.com", NULL };
static const char *const icloud_domains[] = { "icloud.com", "me.com",
					      "mac.com", NULL };
static const char *const fastmail_domains[] = { "fastmail.com",
						"fastmail.fm", NULL };

#define QQ_HINT                                                            \
	"QQ Mail wants an authorisation code, not the QQ password: in the " \
	"web mail open Settings > Account, switch on the IMAP/SMTP service " \
	"and generate a code"
#define NETEASE_HINT                                                       \
	"NetEase mail wants a client authorisation code, not the web "      \
	"password: in the web mail open Settings > POP3/SMTP/IMAP, switch " \
	"on IMAP/SMTP and POP3/SMTP, and create a code"

static const struct cfg_preset presets[] = {
	{ "qq", "QQ Mail", "imap.qq.com", 993, "pop.qq.com", 995,
	  "smtp.qq.com", 465, CFG_TLS_IMPLICIT, true, false, QQ_HINT,
	  qq_domains },
	{ "foxmail", "Foxmail", "imap.qq.com", 993, "pop.qq.com", 995,
	  "smtp.qq.com", 465, CFG_TLS_IMPLICIT, true, false, QQ_HINT,
	  foxmail_domains },
	{ "163", "NetEase 163 Mail", "imap.163.com", 993, "pop.163.com", 995,
	  "smtp.163.com", 465, CFG_TLS_IMPLICIT, false, true, NETEASE_HINT,
	  d163 },
	{ "126", "NetEase 126 Mail", "imap.126.com", 993, "pop.126.com", 995,
	  "smtp.126.com", 465, CFG_TLS_IMPLICIT, false, true, NETEASE_HINT,
	  d126 },
	{ "yeah", "NetEase yeah.net Mail", "imap.yeah.net", 993,
	  "pop.yeah.net", 995, "smtp.yeah.net", 465, CFG_TLS_IMPLICIT, false,
	  true, NETEASE_HINT, yeah_domains },
	{ "sina", "Sina Mail", "imap.sina.com", 993, "pop.sina.com", 995,
	  "smtp.sina.com", 465, CFG_TLS_IMPLICIT, false, false,
	  "Sina Mail wants IMAP/POP3/SMTP switched on in the web mail "
	  "settings, and may want an authorisation code instead of the web "
	  "password",
	  sina_domains },
	{ "sohu", "Sohu Mail", "imap.sohu.com", 993, "pop3.sohu.com", 995,
	  "smtp.sohu.com", 465, CFG_TLS_IMPLICIT, false, false,
	  "Sohu Mail wants POP3/SMTP/IMAP switched on in the web mail "
	  "settings and the independent client password set there",
	  sohu_domains },
	{ "aliyun", "Aliyun Mail", "imap.aliyun.com", 993, "pop3.aliyun.com",
	  995, "smtp.aliyun.com", 465, CFG_TLS_IMPLICIT, false, false,
	  "Aliyun Mail wants POP3/SMTP/IMAP switched on in the web mail "
	  "settings",
	  aliyun_domains },
	{ "gmail", "Gmail", "imap.gmail.com", 993, "pop.gmail.com", 995,
	  "smtp.gmail.com", 465, CFG_TLS_IMPLICIT, true, false,
	  "Gmail wants an app password (2-step verification on, then "
	  "myaccount.google.com > Security > App passwords) or OAuth through "
	  "oauth-token-command; the web password does not work",
	  gmail_domains },
	{ "outlook", "Outlook.com", "outlook.office365.com", 993,
	  "outlook.office365.com", 995, "smtp-mail.outlook.com", 587,
	  CFG_TLS_STARTTLS, true, false,
	  "Outlook.com has switched password logins off for most accounts: "
	  "use OAuth through oauth-token-command, and check that IMAP and "
	  "POP are allowed in Settings > Mail > Forwarding and IMAP",
	  outlook_domains },
	{ "yahoo", "Yahoo Mail", "imap.mail.yahoo.com", 993,
	  "pop.mail.yahoo.com", 995, "smtp.mail.yahoo.com", 465,
	  CFG_TLS_IMPLICIT, false, false,
	  "Yahoo Mail wants an app password: Account Info > Account security "
	  "> Generate app password",
	  yahoo_domains },
	{ "icloud", "iCloud Mail", "imap.mail.me.com", 993, NULL, 0,
	  "smtp.mail.me.com", 587, CFG_TLS_STARTTLS, false, false,
	  "iCloud Mail wants an app-specific password from appleid.apple.com "
	  "(Sign-In and Security > App-Specific Passwords); it has no POP3",
	  icloud_domains },
	{ "fastmail", "Fastmail", "imap.fastmail.com", 993,
	  "pop.fastmail.com", 995, "smtp.fastmail.com", 465, CFG_TLS_IMPLICIT,
	  false, false,
	  "Fastmail wants an app password: Settings > Privacy & Security > "
	  "Connected apps & API tokens > App passwords",
	  fastmail_domains },
};

const struct cfg_preset *
cfg_presets(size_t *n)
{
	*n = ARRAY_SIZE(presets);
	return presets;
}

const struct cfg_preset *
cfg_preset_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(presets); i++)
		if (ascii_strcasecmp(presets[i].name, name) == 0)
			return &presets[i];
	return NULL;
}

const struct cfg_preset *
cfg_preset_for_address(const char *address)
{
	const char *at = strrchr(address, '@');

	if (!at || !at[1])
		return NULL;
	const char *domain = at + 1;
	size_t len = strlen(domain);
	/* a fully qualified "qq.com." is the same domain */
	if (domain[len - 1] == '.')
		len--;
	for (size_t i = 0; i < ARRAY_SIZE(presets); i++)
		for (const char *const *d = presets[i].domains; *d; d++)
			if (strlen(*d) == len &&
			    ascii_strncasecmp(*d, domain, len) == 0)
				return &presets[i];
	return NULL;
}
