/* SPDX-License-Identifier: ISC */
/* Errors, slices, ASCII helpers, UTF-8, command lines and helper
 * programs, and the log's redaction of secrets. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "postie/base.h"
#include "postie/log.h"

static void
test_perr(void)
{
	struct perr e = PERR_INIT;
	is_int(perr_set(&e, PERR_AUTH, "login as '%s' refused", "bob"), -1,
	       "perr_set returns -1");
	is_str(e.msg, "login as 'bob' refused", "perr_set formats");
	is_str(perr_kind_name(e.kind), "authentication", "kind name");
	perr_prefix(&e, "account '%s'", "qq");
	is_str(e.msg, "account 'qq': login as 'bob' refused", "perr_prefix");
	is_int(e.kind, PERR_AUTH, "prefix keeps the kind");
	is_int(perr_set(NULL, PERR_CONN, "x"), -1, "NULL error is allowed");
	is_str(perr_kind_name((enum perr_kind)999), "unknown",
	       "out-of-range kind");
	/* A message longer than the array is cut at a character boundary. */
	struct buf big = BUF_INIT;
	for (int i = 0; i < 600; i++)
		buf_addstr(&big, "中");
	perr_set(&e, PERR_PROTO, "%s", big.data);
	size_t n = strlen(e.msg);
	ok(n < sizeof(e.msg) && n > 3 && strcmp(e.msg + n - 3, "...") == 0 &&
		   utf8_valid(e.msg, n),
	   "a long message is cut validly and marked");
	buf_release(&big);
	perr_clear(&e);
	ok(e.kind == PERR_NONE && e.msg[0] == '\0', "perr_clear");
}

static void
test_slices(void)
{
	struct slice s = slice_trim(slice_cstr("  \tHello World\r\n"));
	ok(slice_eq(s, "Hello World"), "trim");
	ok(slice_eq_ci(s, "hello world"), "eq_ci");
	ok(!slice_eq(s, "hello world"), "eq is case-sensitive");
	ok(slice_starts_ci(s, "HELLO"), "starts_ci");
	struct slice rest = slice_cstr("a=b=c"), head;
	ok(slice_split(&rest, '=', &head) && slice_eq(head, "a") &&
		   slice_eq(rest, "b=c"),
	   "split at the first");
	ok(!slice_split(&rest, ';', &head) && slice_eq(head, "b=c") &&
		   rest.len == 0,
	   "split without the separator");
	uint64_t v;
	ok(slice_to_u64(slice_cstr("4294967295"), UINT32_MAX, &v) &&
		   v == 4294967295u,
	   "u64 at the limit");
	ok(!slice_to_u64(slice_cstr("4294967296"), UINT32_MAX, &v),
	   "u64 over the limit");
	ok(!slice_to_u64(slice_cstr("99999999999999999999999"), UINT64_MAX, &v),
	   "u64 overflow refused");
	ok(!slice_to_u64(slice_cstr("-1"), UINT64_MAX, &v), "sign refused");
	ok(!slice_to_u64(slice_cstr("3"), 0, &v), "a limit below one digit");
	ok(slice_to_u64(slice_cstr("7"), 7, &v) && v == 7 &&
		   !slice_to_u64(slice_cstr("8"), 7, &v),
	   "a one-digit limit is exact");
	ok(slice_to_u64(slice_cstr("18446744073709551615"), UINT64_MAX, &v) &&
		   v == UINT64_MAX,
	   "the largest u64");
	ok(!slice_to_u64(slice_cstr(""), UINT64_MAX, &v), "empty refused");
	ok(!slice_to_u64(slice_cstr("12a"), UINT64_MAX, &v), "junk refused");
	char *d = slice_dup(slice_make("abc\0def", 7));
	ok(memcmp(d, "abc\0def", 8) == 0, "slice_dup copies NULs and ends");
	free(d);
	ok(ascii_strcasecmp("Content-Type", "content-TYPE") == 0,
	   "ascii_strcasecmp");
	ok(ascii_strcasecmp("a", "b") < 0, "ascii_strcasecmp orders");
	const char *h = "xx Content-TYPE: text";
	ok(ascii_memcasemem(h, strlen(h), "content-type") == h + 3,
	   "memcasemem finds");
	ok(ascii_memcasemem(h, 10, "content-type") == NULL,
	   "memcasemem respects the length");
}

static void
test_utf8(void)
{
	static const struct {
		const char *s;
		bool valid;
		const char *name;
	} cases[] = {
		{ "plain", true, "ASCII" },
		{ "中文 メール 한국어", true, "CJK" },
		{ "\xf0\x9f\x93\xa7", true, "emoji (4 bytes)" },
		{ "\xc0\xaf", false, "overlong slash" },
		{ "\xe0\x80\xaf", false, "overlong 3-byte" },
		{ "\xed\xa0\x80", false, "surrogate" },
		{ "\xf4\x90\x80\x80", false, "above U+10FFFF" },
		{ "\xe4\xb8", false, "truncated sequence" },
		{ "\x80", false, "lone continuation" },
		{ "\xd6\xd0\xce\xc4", false, "GBK bytes are not UTF-8" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		ok(utf8_valid(cases[i].s, strlen(cases[i].s)) == cases[i].valid,
		   "utf8_valid: %s", cases[i].name);
	uint32_t cp;
	ok(utf8_decode("\xe4\xb8\xad", 3, &cp) == 3 && cp == 0x4e2d,
	   "decode 中");
	struct buf b = BUF_INIT;
	utf8_encode(&b, 0x4e2d);
	utf8_encode(&b, 0x1f4e7);
	utf8_encode(&b, 0xd800);
	is_str(b.data, "中\xf0\x9f\x93\xa7\xef\xbf\xbd",
	       "encode, with a surrogate as U+FFFD");
	buf_release(&b);
	const char *s = "ab中文";
	is_int((long)utf8_cut(s, strlen(s), 3), 2, "cut before a split character");
	is_int((long)utf8_cut(s, strlen(s), 5), 5, "cut after a whole character");
	is_int((long)utf8_cut(s, strlen(s), 100), (long)strlen(s),
	       "cut above the length");
}

static void
test_argv(void)
{
	struct perr e = PERR_INIT;
	char **v = argv_split("pass show 'mail/my qq' \"a \\\"b\\\"\" c\\ d", &e);
	ok(v && !strcmp(v[0], "pass") && !strcmp(v[1], "show") &&
		   !strcmp(v[2], "mail/my qq") && !strcmp(v[3], "a \"b\"") &&
		   !strcmp(v[4], "c d") && v[5] == NULL,
	   "argv_split: quotes and escapes");
	argv_free(v);
	v = argv_split("echo $(id) `id` ; rm -rf ~", &e);
	ok(v && !strcmp(v[1], "$(id)") && !strcmp(v[2], "`id`") &&
		   !strcmp(v[3], ";") && !strcmp(v[6], "~"),
	   "argv_split expands nothing");
	argv_free(v);
	ok(argv_split("a 'b", &e) == NULL, "unbalanced quote refused");
	like(e.msg, "unbalanced quote", "and says so");
	ok(argv_split("   ", &e) == NULL, "empty command refused");
}

/* Run a command line through proc_capture. */
static int
run(const char *line, int timeout_ms, size_t max, struct buf *out,
    struct buf *err, struct perr *e)
{
	char **argv = argv_split(line, e);
	if (!argv)
		return -2;
	int rc = proc_capture(argv, timeout_ms, max, out, err, e);
	argv_free(argv);
	return rc;
}

static void
test_proc(void)
{
	struct perr e = PERR_INIT;
	struct buf out = BUF_INIT, err = BUF_INIT;
	is_int(run("printf 'secret\\nsecond\\n'", 5000, 1024, &out, &err, &e), 0,
	       "helper runs and exits 0");
	is_str(out.data, "secret\nsecond\n", "its output is captured");

	buf_reset(&out);
	is_int(run("sh -c 'echo oops >&2; exit 3'", 5000, 1024, &out, &err, &e), 3,
	       "exit status is returned");
	like(err.data, "oops", "stderr is captured");

	buf_reset(&out);
	int64_t t0 = time_mono_ms();
	is_int(run("sleep 30", 300, 1024, &out, NULL, &e), -1,
	       "a hanging helper is stopped");
	ok(time_mono_ms() - t0 < 5000, "within the timeout");
	like(e.msg, "did not finish within 300 ms", "timeout error");

	buf_reset(&out);
	is_int(run("head -c 1000000 /dev/zero", 5000, 4096, &out, NULL, &e), -1,
	       "too much output refused");
	like(e.msg, "wrote more than 4096 bytes", "output cap error");

	is_int(run("postie-no-such-program-xyz", 5000, 1024, &out, NULL, &e), -1,
	       "a missing program fails");
	like(e.msg, "postie-no-such-program-xyz", "and is named");
	buf_release(&out);
	buf_release(&err);
}

static void
test_log(void)
{
	char path[] = "/tmp/postie-unit-log.XXXXXX";
	int fd = mkstemp(path);
	struct perr e = PERR_INIT;
	struct buf b = BUF_INIT;

	close(fd);
	setenv("POSTIE_TRACE", "smtp,imap", 1);
	is_int(log_open(path, &e), 0, "log opens");
	log_add_secret("hunter2-secret");
	log_set_context("qq");
	log_info("login with %s failed", "hunter2-secret");
	ok(log_trace_on("smtp") && log_trace_on("imap") && !log_trace_on("pop3"),
	   "traces per module");
	static const char l1[] = "AUTH PLAIN AGJvYgBodW50ZXIy\r\n";
	log_trace("smtp", true, l1, sizeof(l1) - 1);
	static const char l2[] = "a1 LOGIN bob hunter2\r\n";
	log_trace("imap", true, l2, sizeof(l2) - 1);
	static const char l3[] = "AUTH LOGIN\r\n";
	log_trace("smtp", true, l3, sizeof(l3) - 1);
	log_trace("smtp", false, "334 VXNlcm5hbWU6", 16);
	log_trace("smtp", true, "Ym9i", 4);
	log_trace("smtp", false, "334 UGFzc3dvcmQ6", 16);
	log_trace("smtp", true, "c2VjcmV0cGFzcw==", 16);
	log_trace("smtp", false, "235 2.7.0 ok", 12);
	log_trace("smtp", true, "MAIL FROM:<bob@x>", 17);
	log_trace("smtp", false, "250 \x1b[31mok", 11);
	log_close();
	file_read_all(path, &b, 1 << 20, &e);
	ok(strstr(b.data, "hunter2") == NULL, "the secret never reaches the log");
	like(b.data, "login with ***** failed", "a registered secret is masked");
	like(b.data, "[qq]", "lines carry the account");
	like(b.data, "smtp >>> AUTH PLAIN *****", "AUTH PLAIN response masked");
	ok(strstr(b.data, "AGJvYgBodW50ZXIy") == NULL, "SASL-IR not in the log");
	like(b.data, "imap >>> a1 LOGIN *****", "IMAP LOGIN masked");
	ok(strstr(b.data, "Ym9i") == NULL && strstr(b.data, "c2VjcmV0cGFzcw") == NULL,
	   "AUTH LOGIN continuation lines masked");
	like(b.data, "smtp >>> MAIL FROM:<bob@x>", "after AUTH, lines show again");
	like(b.data, "250 \\x1b[31mok", "control bytes are escaped");
	ok(strchr(b.data, '\x1b') == NULL, "no raw escape in the log");
	unlink(path);
	buf_release(&b);
}

/* proc_capture_input: a secret on the helper's stdin, never in its argv. */
static void
test_proc_input(void)
{
	struct perr e = PERR_INIT;
	struct buf out = BUF_INIT, err = BUF_INIT;
	char *cat[] = { xstrdup("cat"), NULL };
	const char secret[] = "car ol\"\\pw\n";

	is_int(proc_capture_input(cat, secret, strlen(secret), 5000, 1024,
				  &out, &err, &e), 0,
	       "a helper reads its input on stdin");
	is_str(out.data, secret, "  byte for byte");

	/* a helper that exits without reading: more than a pipe holds,
	 * so the write meets the closed pipe (EPIPE) and the process lives
	 * on, with no SIGPIPE left pending */
	size_t big_len = 1024 * 1024;
	char *big = xmalloc(big_len);
	memset(big, 'x', big_len);
	char *tru[] = { xstrdup("sh"), xstrdup("-c"), xstrdup("exit 4"),
			NULL };
	buf_reset(&out);
	is_int(proc_capture_input(tru, big, big_len, 5000, 1024, &out,
				  &err, &e), 4,
	       "a helper that does not read its input: its exit status");
	sigset_t pending;
	sigpending(&pending);
	ok(!sigismember(&pending, SIGPIPE), "  and no SIGPIPE is pending");

	char *none[] = { xstrdup("postie-no-such-program"), NULL };
	ok(proc_capture_input(none, "x", 1, 5000, 1024, &out, &err, &e) != 0,
	   "a missing program is an error");
	free(cat[0]);
	for (int i = 0; i < 3; i++)
		free(tru[i]);
	free(none[0]);
	free(big);
	buf_release(&out);
	buf_release(&err);
}

/* The "SigIgn:" or "SigBlk:" mask of /proc/PID/status text for the
 * signals 1 to 31, in hex, or "?". (glibc's posix_spawn leaves its own
 * two real-time signals, 32 and 33, ignored in every child; the new
 * program's C library sets them up again.) */
static void
sig_line(const char *status, const char *what, char out[32])
{
	const char *p = strstr(status, what);

	memcpy(out, "?", 2);
	if (!p)
		return;
	unsigned long long m = strtoull(p + strlen(what), NULL, 16);
	snprintf(out, 32, "%llx", m & 0x7fffffffULL);
}

/* Every child starts with default signal dispositions and no signal
 * blocked, however the parent (which ignores SIGPIPE, as postie does)
 * is set; stdin from a file; stderr merged or apart; the raw wait
 * status; and a program started without waiting. */
static void
test_spawn(void)
{
	struct perr e = PERR_INIT;
	struct buf out = BUF_INIT, err = BUF_INIT;
	char ign[32], blk[32];
	sigset_t block, old;

	signal(SIGPIPE, SIG_IGN);
	signal(SIGUSR1, SIG_IGN);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR2);
	sigprocmask(SIG_BLOCK, &block, &old);

	char *cat[] = { (char *)"cat", (char *)"/proc/self/status", NULL };
	int st = proc_run(cat, NULL, 5000, 1 << 20, &out, &err, &e);
	ok(st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	   "proc_run gives the wait status: %s", e.msg);
	sig_line(out.data, "SigIgn:", ign);
	sig_line(out.data, "SigBlk:", blk);
	is_str(ign, "0",
	       "proc_run: the child ignores no signal (SIGPIPE, SIGUSR1 "
	       "ignored here)");
	is_str(blk, "0",
	       "proc_run: the child blocks no signal (SIGUSR2 blocked here)");

	/* proc_spawn: a shell writes its child's status to a file */
	char dir[] = "/tmp/postie-spawn-XXXXXX";
	if (!mkdtemp(dir)) {
		ok(0, "mkdtemp");
		return;
	}
	char *file = xstrfmt("%s/status", dir), *in = xstrfmt("%s/in", dir);
	char *script = xstrfmt("cat /proc/self/status > '%s'; cat > '%s.copy'",
			       file, in);
	char *sh[] = { (char *)"sh", (char *)"-c", script, NULL };
	ok(file_write_atomic(in, "from a file\n", 12, 0600, &e) == 0,
	   "input file: %s", e.msg);
	pid_t pid = 0;
	ok(proc_spawn(sh, in, PROC_OWN_GROUP, &pid, &e) == 0 && pid > 0,
	   "proc_spawn starts: %s", e.msg);
	int ws = 0;
	while (pid > 0 && waitpid(pid, &ws, 0) < 0)
		;
	ok(WIFEXITED(ws) && WEXITSTATUS(ws) == 0, "and the caller reaps it");
	buf_reset(&out);
	ok(file_read_all(file, &out, 1 << 20, &e) == 0, "status written");
	sig_line(out.data, "SigIgn:", ign);
	sig_line(out.data, "SigBlk:", blk);
	is_str(ign, "0",
	       "proc_spawn: its children ignore no signal");
	is_str(blk, "0",
	       "proc_spawn: its children block no signal");
	char *copy = xstrfmt("%s.copy", in);
	buf_reset(&out);
	file_read_all(copy, &out, 1024, &e);
	is_str(out.data, "from a file\n", "proc_spawn: stdin from in_path");

	char *miss[] = { (char *)"postie-no-such-program", NULL };
	ok(proc_spawn(miss, NULL, PROC_NULL_STDIO, &pid, &e) < 0 &&
		   strstr(e.msg, "postie-no-such-program"),
	   "proc_spawn: a missing program is an error naming it");

	/* proc_run: stdin from a file, stderr merged in order */
	char *both[] = { (char *)"sh", (char *)"-c", (char *)"cat; echo err >&2; echo out", NULL };
	struct proc_io io = { .in_path = in, .merge_err = true };
	buf_reset(&out);
	st = proc_run(both, &io, 5000, 1024, &out, NULL, &e);
	ok(st == 0, "proc_run with a file and merged stderr: %s", e.msg);
	is_str(out.data, "from a file\nerr\nout\n",
	       "stdin from the file, stderr and stdout in order");
	char *killed[] = { (char *)"sh", (char *)"-c", (char *)"kill -TERM $$", NULL };
	buf_reset(&out);
	st = proc_run(killed, NULL, 5000, 1024, &out, NULL, &e);
	ok(st >= 0 && WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM,
	   "proc_run tells a signal in the wait status");
	ok(proc_capture(killed, 5000, 1024, &out, NULL, &e) < 0 &&
		   strstr(e.msg, "signal 15"),
	   "proc_capture makes it an error: %s", e.msg);

	unlink(copy);
	unlink(file);
	unlink(in);
	rmdir(dir);
	free(copy);
	free(file);
	free(in);
	free(script);
	sigprocmask(SIG_SETMASK, &old, NULL);
	signal(SIGUSR1, SIG_DFL);
	buf_release(&out);
	buf_release(&err);
}

static void
test_expand_home(void)
{
	char *save = getenv("HOME") ? xstrdup(getenv("HOME")) : NULL;
	static const struct {
		const char *in, *want;
	} t[] = {
		{ "~/a/b", "/home/li/a/b" },
		{ "~", "/home/li" },
		{ "~other/a", "~other/a" },
		{ "/etc/x", "/etc/x" },
		{ "a~/b", "a~/b" },
		{ "", "" },
	};

	setenv("HOME", "/home/li", 1);
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		char *x = file_expand_home(t[i].in);
		is_str(x, t[i].want, "file_expand_home('%s')", t[i].in);
		free(x);
	}
	unsetenv("HOME");
	char *x = file_expand_home("~/a");
	is_str(x, "~/a", "file_expand_home without HOME keeps the path");
	free(x);
	setenv("HOME", "", 1);
	x = file_expand_home("~/a");
	is_str(x, "~/a", "file_expand_home with an empty HOME keeps it");
	free(x);
	if (save)
		setenv("HOME", save, 1);
	else
		unsetenv("HOME");
	free(save);
}

int
main(void)
{
	test_perr();
	test_slices();
	test_utf8();
	test_argv();
	test_proc();
	test_proc_input();
	test_spawn();
	test_expand_home();
	test_log();
	return done_testing();
}
