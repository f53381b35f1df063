/* SPDX-License-Identifier: ISC */
/*
 * The address book (src/ui/addrbook.c): the aliases file (good lines,
 * bad lines named FILE:LINE, UTF-8 names, comments, -group, a later
 * definition replacing an earlier one), expansion with nested aliases
 * and the loop cut, the query command run for real (a heading, good
 * lines, bad addresses, control characters, a hang, huge output, a
 * failure), ranking across an alias, two stores and the query (Sent
 * before received, recency), prefix matching (alias, address, a word of
 * the name, a CJK name), one address once, and the formatted form read
 * back by the MIME address parser.
 */
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "postie/base.h"
#include "postie/mime.h"
#include "postie/store.h"

#include "addrbook.h"

static char root[256];

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *f)
{
	(void)sb;
	(void)flag;
	(void)f;
	return remove(path);
}

static void
cleanup(void)
{
	if (root[0])
		nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static char *
write_file(const char *name, const char *text, mode_t mode)
{
	char *path = xstrfmt("%s/%s", root, name);
	struct perr e = PERR_INIT;
	if (file_write_atomic(path, text, strlen(text), mode, &e) < 0)
		diag("write %s: %s", path, e.msg);
	return path;
}

/* The completions as "source|alias|name|addr" lines. */
static char *
show(const struct ui_addr *v, size_t n)
{
	static const char *const src[] = { "alias", "seen", "query" };
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < n; i++)
		buf_addf(&b, "%s%s|%s|%s|%s", i ? "\n" : "", src[v[i].source],
			 v[i].alias ? v[i].alias : "", v[i].name, v[i].addr);
	return buf_detach(&b, NULL);
}

static void
check_complete(struct ui_addrbook *ab, const char *typed, size_t max,
	       const char *want, const char *what)
{
	struct ui_addr *v;
	size_t n;
	struct perr e = PERR_INIT;
	int rc = ui_addrbook_complete(ab, typed, max, &v, &n, &e);
	if (rc != 0)
		diag("complete '%s': %d %s", typed, rc, e.msg);
	char *got = show(v, n);
	is_str(got, want, "%s", what);
	free(got);
	ui_addr_list_free(v, n);
}

static void
check_expand(struct ui_addrbook *ab, const char *word, int want_rc,
	     const char *want, const char *what)
{
	struct buf b = BUF_INIT;
	int rc = ui_addrbook_expand(ab, word, &b);
	ok(rc == want_rc && strcmp(b.data, want) == 0, "%s", what);
	if (rc != want_rc || strcmp(b.data, want) != 0)
		diag("got %d '%s', want %d '%s'", rc, b.data, want_rc, want);
	buf_release(&b);
}

static const char aliases_text[] =
	"# my aliases\n"
	"\n"
	"alias zs 张三 <zhang@qq.com>\n"
	"alias -group work li \"Li, Si\" <lisi@163.com>   # a comment\n"
	"alias bare wang@126.com\n"
	"alias team zs, li, extra@x.org, zs\n"
	"alias loop1 loop2\n"                         /* 7 */
	"alias loop2 loop1, l@x.org\n"
	"set from = me@x.org\n"                       /* 9: bad */
	"alias\n"                                     /* 10: bad */
	"alias nobody\n"                              /* 11: bad */
	"alias broken 张三 <not-an-address>\n"        /* 12: bad */
	"alias ctl x\x01y@x.org\n"                    /* 13: bad */
	"alias inv \xff\xfe <inv@x.org>\n"            /* 14: bad */
	"alias ghost nosuchalias\n"                   /* 15: warned */
	"alias Bare Wang Wu <wangwu@126.com>\r\n"     /* 16: replaces 5 */
	"alias comma<x a@x.org\n"                     /* 17: bad */
	"alias d0 d1\nalias d1 d2\nalias d2 d3\nalias d3 d4\nalias d4 d5\n"
	"alias d5 d6\nalias d6 d7\nalias d7 d8\nalias d8 d9\n"
	"alias d9 deep@x.org\n"
	"alias evil \"Eve\\\"\\\\ \xe2\x80\xae\" <eve@x.org>\n"
	"alias lo lo@x.org\n"
	"alias abc Lo Wei <lowei@x.org>\n"
	"alias mary Mary-Ann O'Neil <mary@x.org>";    /* no final LF */

static void
test_aliases(void)
{
	char *path = write_file("aliases", aliases_text, 0600);
	struct ui_addrbook_params p = { .aliases_path = path };
	char *warn = NULL;
	struct perr e = PERR_INIT;
	struct ui_addrbook *ab = ui_addrbook_open(&p, &warn, &e);

	if (!ok(ab != NULL, "the aliases file opens"))
		diag("%s", e.msg);
	if (!ab)
		goto out;
	ok(warn != NULL, "bad lines are reported");
	if (warn) {
		char *at;
#define WANT(n, text)                                                      \
	at = xstrfmt("%s:%d: %s", path, n, text);                          \
	like(warn, at, "line %d: %s", n, text);                            \
	free(at)
		WANT(9, "not an alias command ('set')");
		WANT(10, "no alias name");
		WANT(11, "no address for the alias ('nobody')");
		WANT(12, "not an address");
		WANT(13, "a control character");
		WANT(14, "invalid UTF-8");
		WANT(15, "'nosuchalias' is neither an address nor an alias");
		WANT(17, "an alias name cannot hold");
#undef WANT
		ok(!strstr(warn, ":3:") && !strstr(warn, ":4:") &&
			   !strstr(warn, ":16:"),
		   "good lines are not reported");
		ok(!strchr(warn, '\x01') && !strchr(warn, '\x1b'),
		   "the report holds no control character");
	}
	free(warn);

	check_expand(ab, "zs", 1, "张三 <zhang@qq.com>",
		     "a CJK name is not quoted");
	check_expand(ab, "li", 1, "\"Li, Si\" <lisi@163.com>",
		     "a name with a comma is quoted; -group and the comment "
		     "are skipped");
	check_expand(ab, "bare", 1, "Wang Wu <wangwu@126.com>",
		     "a later definition replaces an earlier one, whatever "
		     "the case of its key (CRLF line)");
	check_expand(ab, " TEAM ", 1,
		     "张三 <zhang@qq.com>, \"Li, Si\" <lisi@163.com>, "
		     "extra@x.org",
		     "aliases in an alias expand, each address once");
	check_expand(ab, "loop1", 1, "l@x.org",
		     "a loop of aliases is cut and its addresses kept");
	check_expand(ab, "d2", 1, "deep@x.org", "7 levels deep is followed");
	check_expand(ab, "d0", 1, "", "9 levels deep is cut at 8");
	check_expand(ab, "ghost", 0, "",
		     "an alias left with nothing is dropped");
	check_expand(ab, "nosuch", 0, "", "a word that is no alias");
	check_expand(ab, "", 0, "", "an empty word");
	check_expand(ab, "evil", 1, "\"Eve\\\"\\\\\" <eve@x.org>",
		     "quotes and backslashes escaped, a bidi override "
		     "dropped (hostile-43)");
	check_expand(ab, "mary", 1, "Mary-Ann O'Neil <mary@x.org>",
		     "atext needs no quotes; no final line feed is fine");

	check_complete(ab, "z", 10, "alias|zs|张三|zhang@qq.com",
		       "completion by alias key");
	check_complete(ab, "张", 10, "alias|zs|张三|zhang@qq.com",
		       "completion by a CJK name");
	check_complete(ab, "si", 10, "alias|li|Li, Si|lisi@163.com",
		       "completion by a word of the name");
	check_complete(ab, "wangwu@", 10, "alias|Bare|Wang Wu|wangwu@126.com",
		       "completion by the address");
	check_complete(ab, "o'n", 10, "alias|mary|Mary-Ann O'Neil|mary@x.org",
		       "a word after a space, ASCII case folded");
	check_complete(ab, "ann", 10, "alias|mary|Mary-Ann O'Neil|mary@x.org",
		       "a word after a hyphen");
	check_complete(ab, "te", 10,
		       "alias|team|张三|zhang@qq.com\n"
		       "alias|team|Li, Si|lisi@163.com\n"
		       "alias|team||extra@x.org",
		       "a group alias lists what it reaches, once each");
	check_complete(ab, "d", 10, "alias|d2||deep@x.org",
		       "an address several aliases reach comes once, under "
		       "the first; d0 and d1 reach nothing");
	check_complete(ab, "lo", 10,
		       "alias|lo||lo@x.org\n"
		       "alias|loop1||l@x.org\n"
		       "alias|abc|Lo Wei|lowei@x.org",
		       "the exact key, then keys it begins, then names; one "
		       "address once");
	check_complete(ab, "lo", 2,
		       "alias|lo||lo@x.org\n"
		       "alias|loop1||l@x.org",
		       "max is kept");
	ui_addrbook_free(ab);
out:
	free(path);
}

/* A large file opens in good time (no n^2 lookups), and aliases that
 * fan out cannot make an expansion or a completion run for ever. */
static void
test_big(void)
{
	struct buf b = BUF_INIT;
	for (int i = 0; i < 50000; i++)
		buf_addf(&b, "alias k%05d Name %d <u%d@x.org>\n", i, i, i);
	buf_addstr(&b, "alias K00042 Again <again@x.org>\n");
	for (int d = 0; d < 8; d++) {
		buf_addf(&b, "alias fan%d", d);
		for (int j = 0; j < 10; j++)
			buf_addf(&b, "%s fan%d", j ? "," : "", d + 1);
		buf_addch(&b, '\n');
	}
	buf_addstr(&b, "alias fan8 leaf@x.org\n");
	char *path = write_file("big-aliases", b.data, 0600);
	buf_release(&b);

	struct ui_addrbook_params p = { .aliases_path = path };
	struct perr e = PERR_INIT;
	char *warn = NULL;
	int64_t t0 = time_mono_ms();
	struct ui_addrbook *ab = ui_addrbook_open(&p, &warn, &e);
	int64_t took = time_mono_ms() - t0;
	ok(ab && !warn, "50,000 aliases open without a warning");
	ok(took < 5000, "in %lld ms", (long long)took);
	free(warn);
	if (!ab)
		goto out;
	check_expand(ab, "k00042", 1, "Again <again@x.org>",
		     "the last of two definitions wins (case folded)");
	check_expand(ab, "k49999", 1, "Name 49999 <u49999@x.org>",
		     "the last alias of the file is found");
	t0 = time_mono_ms();
	check_expand(ab, "fan0", 1, "", "nine levels are cut at eight");
	check_expand(ab, "fan1", 1, "leaf@x.org",
		     "10^7 paths to the leaf: found once, the walk cut");
	check_complete(ab, "k4999", 3,
		       "alias|k49990|Name 49990|u49990@x.org\n"
		       "alias|k49991|Name 49991|u49991@x.org\n"
		       "alias|k49992|Name 49992|u49992@x.org",
		       "keys it begins, in order, max kept");
	struct ui_addr *v;
	size_t n;
	ok(ui_addrbook_complete(ab, "leaf", 5, &v, &n, &e) == 0 && n == 1 &&
		   strcmp(v[0].addr, "leaf@x.org") == 0,
	   "a completion through the fan finds the leaf once");
	ui_addr_list_free(v, n);
	ok(ui_addrbook_complete(ab, "name 4", 5, &v, &n, &e) == 0 && n == 5,
	   "a completion over 50,000 names stops at max");
	ui_addr_list_free(v, n);
	took = time_mono_ms() - t0;
	ok(took < 2000, "expansions and completions took %lld ms",
	   (long long)took);
	ui_addrbook_free(ab);
out:
	free(path);
}

static void
test_open_errors(void)
{
	struct perr e = PERR_INIT;
	char *warn = (char *)"x";
	char *missing = xstrfmt("%s/no/such/aliases", root);
	struct ui_addrbook_params p = { .aliases_path = missing };
	struct ui_addrbook *ab = ui_addrbook_open(&p, &warn, &e);
	ok(ab && warn == NULL, "a missing aliases file is no error");
	check_complete(ab, "a", 5, "", "and gives nothing");
	ui_addrbook_free(ab);
	free(missing);

	p.aliases_path = root;
	ab = ui_addrbook_open(&p, &warn, &e);
	ok(!ab && strstr(e.msg, "not a regular file") &&
		   strstr(e.msg, root),
	   "a directory as the aliases file is an error naming it");

	char *fifo = xstrfmt("%s/fifo", root);
	mkfifo(fifo, 0600);
	p.aliases_path = fifo;
	int64_t t0 = time_mono_ms();
	ab = ui_addrbook_open(&p, &warn, &e);
	ok(!ab && strstr(e.msg, "not a regular file") &&
		   time_mono_ms() - t0 < 1000,
	   "a FIFO is refused at once, not opened");
	free(fifo);

	char *big = xstrfmt("%s/big", root);
	int fd = open(big, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd >= 0) {
		if (ftruncate(fd, (off_t)5 << 20) < 0)
			diag("ftruncate failed");
		close(fd);
	}
	p.aliases_path = big;
	ab = ui_addrbook_open(&p, &warn, &e);
	ok(!ab && strstr(e.msg, "larger than"),
	   "an aliases file of 5 MiB is refused");
	free(big);

	p.aliases_path = NULL;
	p.query_command = "abook 'unbalanced";
	ab = ui_addrbook_open(&p, &warn, &e);
	ok(!ab && strstr(e.msg, "query-command") &&
		   strstr(e.msg, "unbalanced"),
	   "a query-command that cannot be split is an error");
}

static const char query_script[] =
	"#!/bin/sh\n"
	"for a; do last=$a; done\n"
	"echo \"$last\" >> \"$0.log\"\n"
	"case \"$last\" in\n"
	"hang*) echo 'Searching'; exec sleep 30 ;;\n"
	"slow*) sleep 1; echo 'Searching'; printf 's@x.org\\tSlow\\n'; exit 0 ;;\n"
	"huge*) echo 'Searching'; exec awk 'BEGIN { for (i = 0; ; i++)\n"
	"	printf \"h%d@x.org\\tHuge %d\\tx\\n\", i, i }' ;;\n"
	"fail*) echo 'no database here' >&2; exit 3 ;;\n"
	"none*) echo 'No matches'; exit 1 ;;\n"
	"qq*|zh*) ;;\n"
	"*) echo 'Nothing found'; exit 0 ;;\n"
	"esac\n"
	"printf 'heading@x.org\\tThe heading is skipped\\n'\n"
	"printf 'qq1@qq.com\\t钱一\\tfriends\\n'\n"
	"printf 'not an address\\tBad\\n'\n"
	"printf 'two@@x.org\\tBad\\n'\n"
	"printf 'ctl@x.org\\tEvil\\033[31mName\\r\\nBcc: x@y.org\\n'\n"
	"printf 'zhang@qq.com\\tFrom the query\\n'\n"
	"printf 'noname@x.org\\n'\n"
	"printf 'bidi@x.org\\tcod\\342\\200\\256gpj.exe\\t\\n'\n"
	"printf 'half@x.org\\tno line feed'\n";

/* wait: how long a completion waits for the command; long enough here
 * for a busy machine unless a test is about the wait itself */
static struct ui_addrbook *
open_query_wait(const char *script, const char *aliases, int timeout,
		int wait)
{
	char *cmd = xstrfmt("'%s' --mutt-query", script);
	struct ui_addrbook_params p = { .aliases_path = aliases,
					.query_command = cmd,
					.query_timeout_ms = timeout,
					.query_wait_ms = wait };
	struct perr e = PERR_INIT;
	struct ui_addrbook *ab = ui_addrbook_open(&p, NULL, &e);
	if (!ab)
		diag("open: %s", e.msg);
	free(cmd);
	return ab;
}

static struct ui_addrbook *
open_query(const char *script, const char *aliases, int timeout)
{
	return open_query_wait(script, aliases, timeout, 20000);
}

static size_t
log_lines(const char *script)
{
	char *log = xstrfmt("%s.log", script);
	struct buf b = BUF_INIT;
	size_t n = 0;
	if (file_read_all(log, &b, 1 << 20, NULL) == 0)
		for (size_t i = 0; i < b.len; i++)
			n += b.data[i] == '\n';
	buf_release(&b);
	free(log);
	return n;
}

static void
test_query(void)
{
	char *script = write_file("query.sh", query_script, 0700);
	char *aliases = xstrfmt("%s/aliases", root);
	struct ui_addrbook *ab = open_query(script, aliases, 400);
	struct ui_addr *v;
	size_t n;
	struct perr e = PERR_INIT;

	if (!ok(ab != NULL, "a book with a query command opens"))
		goto out;
	check_complete(ab, "q", 10, "", "one character does not run it");
	check_complete(ab, "--help", 10, "",
		       "text that would be an option does not run it");
	is_int((intmax_t)log_lines(script), 0, "the command did not run");
	check_complete(ab, "qq", 10,
		       "query||钱一|qq1@qq.com\n"
		       "query||Evil[31mName|ctl@x.org\n"
		       "query||From the query|zhang@qq.com\n"
		       "query|||noname@x.org\n"
		       "query||codgpj.exe|bidi@x.org",
		       "heading, bad addresses and half a line skipped; "
		       "control and bidi characters dropped (hostile-32, "
		       "hostile-42, hostile-43)");
	is_int((intmax_t)log_lines(script), 1, "it ran once");
	check_complete(ab, "qq", 10,
		       "query||钱一|qq1@qq.com\n"
		       "query||Evil[31mName|ctl@x.org\n"
		       "query||From the query|zhang@qq.com\n"
		       "query|||noname@x.org\n"
		       "query||codgpj.exe|bidi@x.org",
		       "the same text again gives the same");
	is_int((intmax_t)log_lines(script), 1,
	       "and is answered without running it again");
	check_complete(ab, "zh", 10,
		       "alias|zs|张三|zhang@qq.com\n"
		       "query||钱一|qq1@qq.com\n"
		       "query||Evil[31mName|ctl@x.org\n"
		       "query|||noname@x.org\n"
		       "query||codgpj.exe|bidi@x.org",
		       "an address in the aliases and the query comes once, "
		       "as the alias");
	check_complete(ab, "none", 10, "",
		       "exit 1 with only a heading is no match, no error");

	int64_t t0 = time_mono_ms();
	int rc = ui_addrbook_complete(ab, "hang", 10, &v, &n, &e);
	int64_t took = time_mono_ms() - t0;
	ok(rc == -1 && n == 0 && strstr(e.msg, "did not finish") &&
		   strstr(e.msg, "not run again"),
	   "a command that hangs is stopped and reported: %s", e.msg);
	ok(took < 3000, "within its timeout (%lld ms)", (long long)took);
	ui_addr_list_free(v, n);
	size_t runs = log_lines(script);
	e = (struct perr)PERR_INIT;
	t0 = time_mono_ms();
	rc = ui_addrbook_complete(ab, "zhang", 10, &v, &n, &e);
	took = time_mono_ms() - t0;
	ok(rc == 0 && n == 1 && took < 200,
	   "after a timeout the command is off for the book: the alias "
	   "comes at once (%lld ms)", (long long)took);
	is_int((intmax_t)log_lines(script), (intmax_t)runs,
	       "and the command did not run again");
	ui_addr_list_free(v, n);
	ui_addrbook_free(ab);
	ab = open_query(script, aliases, 400);

	/* The output cap, with time enough to reach it on a busy
	 * machine. */
	struct ui_addrbook *slow = open_query(script, aliases, 20000);
	e = (struct perr)PERR_INIT;
	rc = slow ? ui_addrbook_complete(slow, "huge", 3, &v, &n, &e) : -1;
	ui_addrbook_free(slow);
	char *got = show(v, n);
	ok(rc == 1 && strstr(e.msg, "wrote more than"),
	   "huge output is cut at the limit and reported");
	is_str(got,
	       "query||Huge 0|h0@x.org\nquery||Huge 1|h1@x.org\n"
	       "query||Huge 2|h2@x.org",
	       "what came before the limit is used (returns 1)");
	free(got);
	ui_addr_list_free(v, n);

	e = (struct perr)PERR_INIT;
	rc = ui_addrbook_complete(ab, "failing", 10, &v, &n, &e);
	ok(rc == -1 && strstr(e.msg, "exited with 3: no database here"),
	   "a failing command is reported with its message");
	ui_addr_list_free(v, n);
	runs = log_lines(script);
	e = (struct perr)PERR_INIT;
	rc = ui_addrbook_complete(ab, "failing", 10, &v, &n, &e);
	is_int((intmax_t)log_lines(script), (intmax_t)runs,
	       "a failure for a text is kept: not run again for it");
	ui_addr_list_free(v, n);
	ui_addrbook_free(ab);

	/* A slow command never holds the screen: the completion waits
	 * 100 ms, says it has no answer yet, and the next Tab gets it. */
	ab = open_query_wait(script, aliases, 5000, 100);
	e = (struct perr)PERR_INIT;
	t0 = time_mono_ms();
	rc = ui_addrbook_complete(ab, "slowpoke", 10, &v, &n, &e);
	took = time_mono_ms() - t0;
	ok(rc == -1 && strstr(e.msg, "has not answered yet"),
	   "a slow command: no answer yet (%s)", e.msg);
	ok(took < 600, "the completion waited %lld ms, not the command's "
	   "second", (long long)took);
	ui_addr_list_free(v, n);
	runs = log_lines(script);
	for (int i = 0; i < 60 && rc != 0; i++) {
		struct timespec ts = { 0, 100000000 };
		nanosleep(&ts, NULL);
		e = (struct perr)PERR_INIT;
		rc = ui_addrbook_complete(ab, "slowpoke", 10, &v, &n, &e);
		if (rc != 0)
			ui_addr_list_free(v, n);
	}
	char *slowgot = rc == 0 ? show(v, n) : xstrdup("");
	is_str(slowgot, "query||Slow|s@x.org",
	       "a later Tab gets the slow command's answer");
	is_int((intmax_t)log_lines(script), (intmax_t)runs,
	       "from the run already started, not a new one");
	free(slowgot);
	if (rc == 0)
		ui_addr_list_free(v, n);
	ui_addrbook_free(ab);

	/* A program that is not there. */
	char *nosuch = xstrfmt("%s/no-such-program", root);
	ab = open_query(nosuch, NULL, 400);
	e = (struct perr)PERR_INIT;
	rc = ui_addrbook_complete(ab, "ab", 10, &v, &n, &e);
	ok(rc == -1 && strstr(e.msg, "no-such-program"),
	   "a missing program is reported by name");
	ui_addr_list_free(v, n);
	ui_addrbook_free(ab);
	free(nosuch);
out:
	free(aliases);
	free(script);
}

static int64_t
mk_folder(struct store *st, const char *name, enum store_role role)
{
	struct store_folder_info fi = { .name = name, .raw = name,
					.raw_len = strlen(name), .role = role,
					.uidvalidity = 1 };
	struct perr e = PERR_INIT;
	int64_t id = 0;
	if (store_folder_upsert(st, &fi, &id, NULL, &e) < 0)
		diag("folder: %s", e.msg);
	return id;
}

static void
put(struct store *st, int64_t f, uint32_t uid, const char *from_name,
    const char *from_addr, const char *to, int64_t when)
{
	struct store_msg m = { .uid = uid, .from_name = from_name,
			       .from_addr = from_addr, .to = to,
			       .internal_date = when, .subject = "s" };
	struct perr e = PERR_INIT;
	if (store_msg_put(st, f, &m, 1, &e) < 0)
		diag("put: %s", e.msg);
}

static void
test_rank(void)
{
	const int64_t now = (int64_t)time(NULL), day = 86400;
	struct perr e = PERR_INIT;
	char *d1 = xstrfmt("%s/acct1", root), *d2 = xstrfmt("%s/acct2", root);
	struct store *w1 = store_open(d1, STORE_WRITE, NULL, &e);
	struct store *w2 = store_open(d2, STORE_WRITE, NULL, &e);

	if (!ok(w1 && w2, "two stores"))
		goto out;
	int64_t in = mk_folder(w1, "INBOX", STORE_ROLE_INBOX);
	int64_t sent = mk_folder(w1, "Sent", STORE_ROLE_SENT);
	int64_t in2 = mk_folder(w2, "INBOX", STORE_ROLE_INBOX);
	/* Received often: news. Written to once: Wu. Written to a year
	 * ago: Wei. In the other account: Wang, received, recent. */
	for (uint32_t u = 1; u <= 5; u++)
		put(w1, in, u, "Weekly News", "news@weekly.example",
		    "me@qq.com", now - day);
	put(w1, sent, 1, "Me", "me@qq.com", "吴 <wu@qq.com>", now - day);
	put(w1, sent, 2, "Me", "me@qq.com", "Chen Wei <wei@qq.com>",
	    now - 400 * day);
	put(w2, in2, 1, "Wang Fang", "wang@163.com", "me@163.com", now);
	put(w2, in2, 2, "", "wenda@163.com", "me@163.com", now - 300 * day);
	/* Also in an alias and in the query answer: once, as the alias. */
	put(w1, in, 9, "张三 (QQ)", "ZHANG@qq.com", "me@qq.com", now);
	put(w1, in, 10, "", "qq1@qq.com", "", now - 900 * day);

	struct store *rd1 = store_open(d1, STORE_READ, NULL, &e);
	struct store *rd2 = store_open(d2, STORE_READ, NULL, &e);
	struct store *const stores[2] = { rd1, rd2 };
	char *script = xstrfmt("%s/query.sh", root);
	char *aliases = xstrfmt("%s/aliases", root);
	char *cmd = xstrfmt("'%s'", script);
	struct ui_addrbook_params p = { .aliases_path = aliases,
					.query_command = cmd,
					.stores = stores, .nstores = 2,
					.query_timeout_ms = 2000 };
	struct ui_addrbook *ab = ui_addrbook_open(&p, NULL, &e);
	if (!ok(ab && rd1 && rd2, "a book over two readers"))
		goto close;

	check_complete(ab, "w", 10,
		       "alias|abc|Lo Wei|lowei@x.org\n"
		       "alias|Bare|Wang Wu|wangwu@126.com\n"
		       "seen||吴|wu@qq.com\n"
		       "seen||Chen Wei|wei@qq.com\n"
		       "seen||Weekly News|news@weekly.example\n"
		       "seen||Wang Fang|wang@163.com\n"
		       "seen|||wenda@163.com",
		       "aliases (by a word of the name, by key), then written "
		       "to (recent first), then received by count and "
		       "recency, across both accounts");
	check_complete(ab, "fang", 10, "seen||Wang Fang|wang@163.com",
		       "a word of a stored name");
	check_complete(ab, "吴", 10, "seen||吴|wu@qq.com",
		       "a stored CJK name");
	check_complete(ab, "w", 3,
		       "alias|abc|Lo Wei|lowei@x.org\n"
		       "alias|Bare|Wang Wu|wangwu@126.com\n"
		       "seen||吴|wu@qq.com",
		       "max is kept");
	check_complete(ab, "zh", 10,
		       "alias|zs|张三|zhang@qq.com\n"
		       "query||钱一|qq1@qq.com\n"
		       "query||Evil[31mName|ctl@x.org\n"
		       "query|||noname@x.org\n"
		       "query||codgpj.exe|bidi@x.org",
		       "an address in the aliases, a store and the query "
		       "comes once, as the alias; an address only received "
		       "ranks below the query");
	check_complete(ab, "张三", 10, "alias|zs|张三|zhang@qq.com",
		       "alias and store: one entry");
	check_complete(ab, "me@", 10,
		       "seen||Me|me@qq.com\nseen|||me@163.com",
		       "a stored address by its prefix");

	/* The figure the composer lives with: a keystroke over the
	 * stores, aliases and a cached query answer. */
	struct ui_addr *v;
	size_t n;
	int64_t t0 = time_mono_ms();
	for (int i = 0; i < 100; i++) {
		ui_addrbook_complete(ab, "w", 10, &v, &n, &e);
		ui_addr_list_free(v, n);
	}
	diag("100 completions of 'w' in %lld ms",
	     (long long)(time_mono_ms() - t0));
	ui_addrbook_free(ab);
close:
	free(cmd);
	free(script);
	free(aliases);
	store_close(rd1);
	store_close(rd2);
out:
	store_close(w1);
	store_close(w2);
	free(d1);
	free(d2);
}

static void
test_format(void)
{
	static const struct {
		const char *name, *addr, *want;
	} t[] = {
		{ "", "a@b.org", "a@b.org" },
		{ "张三", "zhang@qq.com", "张三 <zhang@qq.com>" },
		{ "Zhang, San", "z@qq.com", "\"Zhang, San\" <z@qq.com>" },
		{ "Li Si", "l@x.org", "Li Si <l@x.org>" },
		{ "J. R. \"Bob\" Dobbs", "bob@x.org",
		  "\"J. R. \\\"Bob\\\" Dobbs\" <bob@x.org>" },
		{ "a\\b", "ab@x.org", "\"a\\\\b\" <ab@x.org>" },
		{ "Team (QQ)", "t@qq.com", "\"Team (QQ)\" <t@qq.com>" },
		{ "王 <五>", "w@x.org", "\"王 <五>\" <w@x.org>" },
		{ "x@y", "xy@x.org", "\"x@y\" <xy@x.org>" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		struct ui_addr a = { .name = (char *)t[i].name,
				     .addr = (char *)t[i].addr };
		struct buf b = BUF_INIT;
		ui_addr_format(&a, &b);
		is_str(b.data, t[i].want, "format '%s'", t[i].name);
		/* What the composer's field parser reads back. */
		struct mime_addr_list l = { 0 };
		mime_addr_parse(&l, b.data, b.len, NULL);
		ok(l.n == 1 && strcmp(l.v[0].name, t[i].name) == 0 &&
			   strcmp(l.v[0].addr, t[i].addr) == 0,
		   "'%s' reads back as name and address", b.data);
		mime_addr_list_release(&l);
		buf_release(&b);
	}
}

int
main(void)
{
	const char *t = getenv("TMPDIR");
	snprintf(root, sizeof(root), "%s/addrbook-test.XXXXXX",
		 t && *t ? t : "/tmp");
	if (!mkdtemp(root)) {
		perror("mkdtemp");
		return 1;
	}
	atexit(cleanup);
	test_aliases();
	test_big();
	test_open_errors();
	test_query();
	test_rank();
	test_format();
	return done_testing();
}
