/* SPDX-License-Identifier: ISC */
/*
 * ui: the name suggested for saving a part (hostile-43, hostile-44), the
 * write that never replaces in silence, and the path completion.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"
#include "postie/base.h"

#include "view.h"

struct name_case {
	const char *name; /* NULL: none given */
	size_t number;
	const char *type;
	const char *want;
	const char *label;
};

static const struct name_case names[] = {
	{ "report.pdf", 2, "application/pdf", "report.pdf", "a plain name" },
	{ "\xe5\x90\x88\xe5\x90\x8c.docx", 2, "application/msword",
	  "\xe5\x90\x88\xe5\x90\x8c.docx", "a Chinese name kept" },
	{ "../../.bashrc", 2, "text/plain", "bashrc",
	  "hostile-44: traversal and the leading dot gone" },
	{ "/etc/passwd", 3, "text/plain", "etc_passwd",
	  "hostile-44: an absolute path made one name" },
	{ "~/.ssh/authorized_keys", 3, "text/plain",
	  "ssh_authorized_keys", "hostile-44: no ~ and no directory" },
	{ "-rf", 3, "text/plain", "rf", "hostile-44: no leading dash" },
	{ "...", 4, "application/pdf", "part-4.pdf",
	  "hostile-44: only dots gives the fallback" },
	{ "", 5, "image/png", "part-5.png",
	  "an empty name gives the fallback" },
	{ NULL, 6, "text/html", "part-6.html", "no name: the fallback" },
	{ NULL, 7, "application/x-unknown", "part-7.bin",
	  "no name, unknown type: .bin" },
	{ NULL, 8, "text/x-diff", "part-8.txt", "no name, other text: .txt" },
	{ "\x1b]0;x\x07.pdf", 3, "application/pdf", "]0;x.pdf",
	  "hostile-42: escape and BEL left out" },
	{ "evil\xe2\x80\xaegpj.exe", 4, "application/octet-stream",
	  "evilgpj.exe", "hostile-43: the bidi override left out" },
	{ "\xe2\x80\xae\xe2\x80\x8b", 4, "application/pdf", "part-4.pdf",
	  "hostile-43: nothing but invisibles gives the fallback" },
	{ "a\tb\nc.txt", 2, "text/plain", "abc.txt",
	  "control characters left out" },
	{ "CON.txt", 2, "text/plain", "_CON.txt",
	  "hostile-44: a Windows reserved name" },
	{ "attachment", 2, "text/plain", "attachment",
	  "a file called attachment keeps its name" },
};

static void
test_names(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		const struct name_case *c = &names[i];
		char *got = ui_part_filename(c->name, c->number, c->type);
		is_str(got, c->want, "%s", c->label);
		free(got);
	}
	/* hostile-44: 10 000 bytes of CJK is cut to 200 bytes on a
	 * character boundary, the extension kept */
	struct buf b = BUF_INIT;
	for (int i = 0; i < 3333; i++)
		buf_addstr(&b, "\xe4\xb8\xad");
	buf_addstr(&b, ".txt");
	char *got = ui_part_filename(b.data, 2, "text/plain");
	size_t n = strlen(got);
	ok(n <= 200, "a 10 000-byte name is cut to %zu bytes (<= 200)", n);
	ok(n >= 4 && strcmp(got + n - 4, ".txt") == 0,
	   "the extension is kept");
	uint32_t cp;
	size_t at = 0, bad = 0;
	while (at < n - 4) {
		size_t k = utf8_decode(got + at, n - at, &cp);
		if (!k) {
			bad++;
			break;
		}
		at += k;
	}
	is_int((intmax_t)bad, 0, "cut on a UTF-8 boundary");
	free(got);
	buf_release(&b);
}

static void
test_save(const char *dir)
{
	struct perr e = PERR_INIT;
	struct buf path = BUF_INIT, back = BUF_INIT;
	struct stat st;

	buf_addf(&path, "%s/out.bin", dir);
	is_int(ui_save_file(path.data, "one", 3, false, &e), 0, "saved");
	ok(stat(path.data, &st) == 0 && (st.st_mode & 0777) == 0600,
	   "mode 0600");
	is_int(ui_save_file(path.data, "two", 3, false, &e), -1,
	       "hostile-44: an existing file is not replaced");
	is_int(errno, EEXIST, "EEXIST, so the screen can ask");
	file_read_all(path.data, &back, 100, &e);
	is_str(back.data, "one", "the file is untouched");
	is_int(ui_save_file(path.data, "two", 3, true, &e), 0,
	       "replaced when asked to");
	buf_reset(&back);
	file_read_all(path.data, &back, 100, &e);
	is_str(back.data, "two", "the new contents");

	/* a symbolic link planted at the name is not followed */
	struct buf link = BUF_INIT, target = BUF_INIT;
	buf_addf(&link, "%s/link", dir);
	buf_addf(&target, "%s/target", dir);
	ok(symlink(target.data, link.data) == 0, "a link made");
	is_int(ui_save_file(link.data, "x", 1, false, &e), -1,
	       "saving over a symbolic link fails");
	ok(access(target.data, F_OK) != 0, "its target was not created");

	/* completion */
	struct buf in = BUF_INIT, list = BUF_INIT;
	struct buf sub = BUF_INIT;
	buf_addf(&sub, "%s/Downloads", dir);
	mkdir(sub.data, 0700);
	buf_addf(&in, "%s/Down", dir);
	is_int((intmax_t)ui_path_complete(&in, &list), 1, "one match");
	buf_reset(&back);
	buf_addf(&back, "%s/Downloads/", dir);
	is_str(in.data, back.data, "a directory completed with a slash");
	buf_reset(&in);
	buf_reset(&list);
	buf_addf(&in, "%s/o", dir);
	is_int((intmax_t)ui_path_complete(&in, &list), 1, "a file matched");
	buf_reset(&back);
	buf_addf(&back, "%s/out.bin", dir);
	is_str(in.data, back.data, "a file completed without a slash");
	buf_reset(&in);
	buf_reset(&list);
	buf_addf(&in, "%s/", dir);
	ok(ui_path_complete(&in, &list) >= 3, "an empty stem lists them all");
	like(list.data, "Downloads", "the listing names the entries");

	char *x = file_expand_home("~/a");
	const char *home = getenv("HOME");
	buf_reset(&back);
	buf_addf(&back, "%s/a", home ? home : "");
	if (home && *home)
		is_str(x, back.data, "~/ expanded to HOME");
	else
		is_str(x, "~/a", "no HOME: kept");
	free(x);
	x = file_expand_home("~other/a");
	is_str(x, "~other/a", "~user is not expanded");
	free(x);

	buf_release(&path);
	buf_release(&back);
	buf_release(&link);
	buf_release(&target);
	buf_release(&in);
	buf_release(&list);
	buf_release(&sub);
}

int
main(void)
{
	char tmpl[] = "/tmp/postie-savefile-XXXXXX";
	const char *t = getenv("TEST_TMP");
	struct buf dir = BUF_INIT;

	test_names();
	buf_addf(&dir, "%s/savefile-XXXXXX", t && *t ? t : "/tmp");
	if (!mkdtemp(dir.data) && !mkdtemp(tmpl))
		return 1;
	test_save(dir.data);
	/* leave nothing behind */
	struct buf cmd = BUF_INIT;
	const char *files[] = { "out.bin", "link", "Downloads" };
	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		buf_reset(&cmd);
		buf_addf(&cmd, "%s/%s", dir.data, files[i]);
		if (unlink(cmd.data) < 0)
			rmdir(cmd.data);
	}
	rmdir(dir.data);
	buf_release(&cmd);
	buf_release(&dir);
	return done_testing();
}
