/* SPDX-License-Identifier: ISC */
/*
 * Charsets: labels resolved the way the WHATWG Encoding Standard resolves
 * them (mail from Chinese, Korean and Japanese clients declares the small
 * charset and writes the big one: gb2312 means GBK/GB18030, euc-kr means
 * windows-949, iso-8859-1 means windows-1252), conversion to UTF-8 through
 * iconv with U+FFFD for every byte that does not convert, and the guessing
 * rules for text that carries no usable label.
 *
 * A label may map to several candidates, tried strictly in order; when
 * none converts cleanly the first is used with substitutions. Each call
 * opens its own iconv descriptors, so there is no shared state to lock;
 * glibc caches the conversion modules, so opening costs little.
 */
#include <errno.h>
#include <iconv.h>
#include <string.h>

#include "postie/mime.h"
#include "private.h"

const char *const mime_default_assumed[] = { "gb18030", NULL };

/* Pseudo charset for us-ascii: UTF-8 if valid, else windows-1252 (mail
 * labelled us-ascii that has 8-bit bytes is usually one of those). */
#define CS_UTF8_1252 "@utf8-1252"

struct family {
	const char *labels; /* space-separated, normalised */
	const char *cands[4];
};

static const struct family families[] = {
	{ "utf-8 utf8 unicode-1-1-utf-8 unicode-2-0-utf-8 x-unicode20utf8",
	  { "UTF-8" } },
	{ "us-ascii ascii ansi-x3.4-1968 iso646-us us ibm367 cp367 csascii "
	  "iso-ir-6 646 iso-646-us",
	  { CS_UTF8_1252 } },
	{ "iso-8859-1 iso8859-1 iso88591 latin1 latin-1 l1 iso-ir-100 cp819 "
	  "ibm819 csisolatin1 iso-8859-1:1987 windows-1252 cp1252 x-cp1252 "
	  "ms-ansi",
	  { "WINDOWS-1252", "ISO-8859-1" } },
	{ "iso-8859-9 iso8859-9 latin5 l5 iso-ir-148 csisolatin5 windows-1254 "
	  "cp1254 x-cp1254",
	  { "WINDOWS-1254", "ISO-8859-9" } },
	{ "iso-8859-11 iso8859-11 tis-620 tis620 windows-874 cp874 "
	  "x-windows-874 dos-874",
	  { "WINDOWS-874", "ISO-8859-11", "TIS-620" } },
	{ "gb2312 gbk x-gbk cp936 windows-936 ms936 gb-2312-80 gb2312-80 "
	  "gb-2312 csgb2312 euc-cn x-euc-cn euccn chinese iso-ir-58 "
	  "csiso58gb231280 gb18030 gb-18030 gb2312-1980 hz-gb-2312 hz",
	  { "GB18030" } },
	{ "big5 big-5 big5-hkscs big5hkscs cn-big5 csbig5 x-x-big5 x-big5 "
	  "cp950 windows-950 ms950 big5-eten",
	  { "BIG5-HKSCS", "CP950", "BIG5" } },
	{ "shift-jis shiftjis sjis x-sjis ms-kanji csshiftjis s-jis "
	  "shift-jis-2004 shift-jisx0213",
	  { "SHIFT_JIS", "CP932", "SHIFT_JISX0213" } },
	{ "windows-31j cp932 ms932 x-ms-cp932 cswindows31j",
	  { "CP932", "SHIFT_JISX0213" } },
	{ "euc-jp x-euc-jp eucjp ujis cseucpkdfmtjapanese euc-jis-2004",
	  { "EUC-JP", "EUC-JP-MS", "EUC-JISX0213" } },
	{ "iso-2022-jp csiso2022jp iso-2022-jp-1 iso-2022-jp-2 iso-2022-jp-3 "
	  "iso-2022-jp-2004 iso-2022-jp-ext jis x-iso-2022-jp cp50220 cp50221 "
	  "cp50222",
	  { "ISO-2022-JP", CS_ISO2022JP_MS, "ISO-2022-JP-2", "ISO-2022-JP-3" } },
	{ "euc-kr euckr cseuckr ks-c-5601-1987 ks-c-5601 ks-c-5601-1989 "
	  "ksc5601 ksc-5601 ks-x-1001 korean csksc56011987 iso-ir-149 "
	  "windows-949 cp949 uhc x-windows-949 ms949",
	  { "CP949", "EUC-KR" } },
	{ "iso-2022-kr csiso2022kr", { "ISO-2022-KR" } },
	{ "utf-7 utf7 unicode-1-1-utf-7 csunicode11utf7 x-utf-7", { "UTF-7" } },
	{ "utf-16 utf16", { "UTF-16" } },
	{ "utf-16le", { "UTF-16LE" } },
	{ "utf-16be", { "UTF-16BE" } },
	{ "utf-32", { "UTF-32" } },
	{ "utf-32le", { "UTF-32LE" } },
	{ "utf-32be", { "UTF-32BE" } },
	{ "iso-8859-8-i iso-8859-8-e csiso88598i csiso88598e logical visual",
	  { "ISO-8859-8" } },
	{ "iso-8859-6-i iso-8859-6-e csiso88596i csiso88596e",
	  { "ISO-8859-6" } },
	{ "macintosh mac x-mac-roman csmacintosh mac-roman", { "MACINTOSH" } },
	{ "koi8-ru", { "KOI8-U" } },
	{ "x-mac-cyrillic x-mac-ukrainian mac-cyrillic", { "MAC-CYRILLIC" } },
};

/* Labels that say nothing: read as undeclared text. */
static const char *const no_info[] = {
	"", "unknown-8bit", "x-unknown", "unknown", "8bit", "x-user-defined",
	"default", "default-charset", "none", "charset", "us-ascii-or-8bit",
};

/* Normalise a label into out (size n): lower case, '_' as '-', quotes and
 * "charset=" dropped, cut at an RFC 2231 '*' or at junk. Returns false
 * for a label too long or with bytes no charset name has. */
static bool
norm_label(const char *p, size_t len, char *out, size_t n)
{
	size_t i = 0, k = 0;

	while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '"' ||
			   p[i] == '\''))
		i++;
	if (len - i >= 8 && ascii_strncasecmp(p + i, "charset=", 8) == 0) {
		i += 8;
		while (i < len && (p[i] == '"' || p[i] == '\''))
			i++;
	}
	for (; i < len; i++) {
		int c = ascii_lower((unsigned char)p[i]);
		if (c == '*' || c == ' ' || c == '\t' || c == ';' ||
		    c == ',' || c == '"' || c == '\'' || c == '\r' ||
		    c == '\n')
			break;
		if (c == '_')
			c = '-';
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '.' || c == ':'))
			return false;
		if (k + 1 >= n)
			return false;
		out[k++] = (char)c;
	}
	out[k] = '\0';
	return true;
}

static bool
in_list(const char *words, const char *w)
{
	size_t wl = strlen(w);

	while (*words) {
		const char *e = strchr(words, ' ');
		size_t l = e ? (size_t)(e - words) : strlen(words);
		if (l == wl && memcmp(words, w, l) == 0)
			return true;
		if (!e)
			break;
		words = e + 1;
	}
	return false;
}

/* Resolve a label to its candidate list. Returns the number of candidates
 * (0: no information or unusable; then the text is guessed). A label not
 * in the table is tried as an iconv name if iconv knows it. */
static size_t
resolve(const char *label, size_t len, const char **cands, char *own,
	size_t ownsz)
{
	char lab[64];

	if (!label || !norm_label(label, len, lab, sizeof(lab)))
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(no_info); i++)
		if (strcmp(lab, no_info[i]) == 0)
			return 0;
	for (size_t i = 0; i < ARRAY_SIZE(families); i++) {
		if (!in_list(families[i].labels, lab))
			continue;
		size_t n = 0;
		while (n < ARRAY_SIZE(families[i].cands) &&
		       families[i].cands[n]) {
			cands[n] = families[i].cands[n];
			n++;
		}
		return n;
	}
	/* Not in the table: iconv's own aliases (iso-8859-N, windows-125N,
	 * koi8-r, ...). The name was checked to hold only [a-z0-9.:-]. */
	iconv_t cd = iconv_open("UTF-8", lab);
	if (cd == (iconv_t)-1)
		return 0;
	iconv_close(cd);
	if (strlen(lab) >= ownsz)
		return 0;
	memcpy(own, lab, strlen(lab) + 1);
	cands[0] = own;
	return 1;
}

bool
mime_charset_resolve(const char *label, size_t len, char *out, size_t n)
{
	const char *cands[4];
	char own[64];
	const char *name;

	if (resolve(label, len, cands, own, sizeof(own)) == 0)
		return false;
	name = cands[0];
	if (strcmp(name, CS_UTF8_1252) == 0)
		name = "US-ASCII";
	else if (strcmp(name, CS_ISO2022JP_MS) == 0)
		name = "ISO-2022-JP";
	if (strlen(name) >= n)
		return false;
	memcpy(out, name, strlen(name) + 1);
	return true;
}

static void
add_fffd(struct buf *out)
{
	buf_add(out, "\xef\xbf\xbd", 3);
}

/* UTF-8 to UTF-8: valid sequences copied, each bad byte U+FFFD. */
static size_t
utf8_repair(struct buf *out, const char *p, size_t len, bool strict)
{
	size_t bad = 0, i = 0, run = 0;

	while (i < len) {
		if ((unsigned char)p[i] < 0x80) {
			i++;
			continue;
		}
		uint32_t cp;
		size_t n = utf8_decode(p + i, len - i, &cp);
		if (n) {
			i += n;
			continue;
		}
		if (strict)
			return 1;
		buf_add(out, p + run, i - run);
		add_fffd(out);
		bad++;
		i++;
		run = i;
	}
	buf_add(out, p + run, len - run);
	return bad;
}

size_t
mime_iconv(struct buf *out, const char *from, const char *p, size_t len,
	   bool strict)
{
	if (strcmp(from, "UTF-8") == 0)
		return utf8_repair(out, p, len, strict);
	if (strcmp(from, CS_ISO2022JP_MS) == 0)
		return mime_iso2022jp_ms(out, p, len, strict);

	iconv_t cd = iconv_open("UTF-8", from);
	if (cd == (iconv_t)-1)
		return SIZE_MAX;
	char *in = (char *)p;
	size_t inleft = len, bad = 0;
	buf_grow(out, len + len / 2 + 16);
	while (inleft > 0) {
		size_t room = out->cap - out->len - 1;
		if (room < 16) {
			buf_grow(out, inleft * 2 + 64);
			room = out->cap - out->len - 1;
		}
		char *o = out->data + out->len;
		size_t oleft = room;
		size_t r = iconv(cd, &in, &inleft, &o, &oleft);
		out->len += room - oleft;
		out->data[out->len] = '\0';
		if (r != (size_t)-1)
			break;
		if (errno == E2BIG) {
			buf_grow(out, inleft * 2 + 64);
			continue;
		}
		/* EILSEQ or EINVAL (a sequence cut at the end): one byte
		 * becomes U+FFFD and conversion goes on after it. */
		bad++;
		if (strict)
			break;
		add_fffd(out);
		in++;
		inleft--;
		iconv(cd, NULL, NULL, NULL, NULL);
	}
	/* Flush a stateful decoder. */
	if (!strict || !bad) {
		char tail[16];
		char *o = tail;
		size_t oleft = sizeof(tail);
		if (iconv(cd, NULL, NULL, &o, &oleft) != (size_t)-1)
			buf_add(out, tail, sizeof(tail) - oleft);
	}
	iconv_close(cd);
	return bad;
}

static bool
is_ascii(const char *p, size_t len, bool allow_esc)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c >= 0x80 || (c == 0x1b && !allow_esc))
			return false;
	}
	return true;
}

/* Count the code points above U+007F in valid UTF-8, or -1 if invalid. */
static long
utf8_wide_count(const char *p, size_t len)
{
	long n = 0;

	for (size_t i = 0; i < len;) {
		if ((unsigned char)p[i] < 0x80) {
			i++;
			continue;
		}
		uint32_t cp;
		size_t k = utf8_decode(p + i, len - i, &cp);
		if (!k)
			return -1;
		n++;
		i += k;
	}
	return n;
}

/* Try one candidate strictly; on success append and return true. */
static bool
try_strict(struct buf *out, const char *cs, const char *p, size_t len)
{
	struct buf tmp = BUF_INIT;
	bool ok;

	if (strcmp(cs, CS_UTF8_1252) == 0) {
		if (utf8_valid(p, len)) {
			buf_add(out, p, len);
			return true;
		}
		cs = "WINDOWS-1252";
	}
	ok = mime_iconv(&tmp, cs, p, len, true) == 0;
	if (ok)
		buf_add(out, tmp.data, tmp.len);
	buf_release(&tmp);
	return ok;
}

static size_t
decode_lossy(struct buf *out, const char *cs, const char *p, size_t len)
{
	if (strcmp(cs, CS_UTF8_1252) == 0)
		cs = "WINDOWS-1252";
	else if (strcmp(cs, "ISO-2022-JP") == 0)
		cs = CS_ISO2022JP_MS; /* resynchronises after a bad pair */
	size_t mark = out->len;
	size_t bad = mime_iconv(out, cs, p, len, false);
	if (bad == SIZE_MAX) {
		buf_truncate(out, mark);
		bad = mime_iconv(out, "WINDOWS-1252", p, len, false);
	}
	return bad;
}

size_t
mime_decode_8bit(struct buf *out, const char *p, size_t len,
		 const char *const *assumed)
{
	if (is_ascii(p, len, false)) {
		buf_add(out, p, len);
		return 0;
	}
	if (memmem(p, len, "\x1b$", 2) || memmem(p, len, "\x1b(", 2)) {
		size_t mark = out->len;
		if (mime_iso2022jp_ms(out, p, len, true) == 0)
			return 0;
		buf_truncate(out, mark);
	}
	if (utf8_valid(p, len)) {
		buf_add(out, p, len);
		return 0;
	}
	/* UTF-8 with a few broken sequences (a character cut in two) is
	 * still UTF-8; legacy text almost never looks like that. */
	size_t good = 0, bad = 0;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		if ((unsigned char)p[i] < 0x80) {
			i++;
			continue;
		}
		size_t k = utf8_decode(p + i, len - i, &cp);
		if (k) {
			good++;
			i += k;
		} else {
			bad++;
			i++;
		}
	}
	if (good >= 3 && bad * 10 <= good)
		return utf8_repair(out, p, len, false);

	if (!assumed)
		assumed = mime_default_assumed;
	const char *first = NULL;
	for (size_t i = 0; assumed[i]; i++) {
		const char *cands[4];
		char own[64];
		size_t n = resolve(assumed[i], strlen(assumed[i]), cands, own,
				   sizeof(own));
		for (size_t c = 0; c < n; c++) {
			if (strcmp(cands[c], "UTF-8") == 0)
				continue;
			if (try_strict(out, cands[c], p, len))
				return 0;
			if (!first && cands[c] != own)
				first = cands[c];
		}
	}
	return decode_lossy(out, first ? first : "WINDOWS-1252", p, len);
}

size_t
mime_charset_decode(struct buf *out, const char *label, const char *p,
		    size_t len, const char *const *assumed)
{
	const char *cands[4];
	char own[64];
	size_t n = resolve(label, label ? strlen(label) : 0, cands, own,
			   sizeof(own));

	if (n == 0)
		return mime_decode_8bit(out, p, len, assumed);
	const char *c0 = cands[0];
	bool wide = strncmp(c0, "UTF-16", 6) == 0 ||
		    strncmp(c0, "UTF-32", 6) == 0;
	bool stateful = strcmp(c0, "UTF-7") == 0 ||
			strncmp(c0, "ISO-2022", 8) == 0;
	if (!wide && !stateful && is_ascii(p, len, false)) {
		buf_add(out, p, len);
		return 0;
	}
	/* Valid UTF-8 with several non-ASCII characters under a legacy
	 * label is UTF-8 mislabelled: legacy text essentially never forms
	 * valid UTF-8. */
	if (!wide && !stateful && strcmp(c0, "UTF-8") != 0 &&
	    utf8_wide_count(p, len) >= 4) {
		buf_add(out, p, len);
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		if (try_strict(out, cands[i], p, len))
			return 0;
	if (strcmp(c0, "UTF-8") != 0 && !wide && !stateful &&
	    utf8_valid(p, len)) {
		buf_add(out, p, len);
		return 0;
	}
	return decode_lossy(out, c0, p, len);
}
