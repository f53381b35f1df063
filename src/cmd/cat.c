/* SPDX-License-Identifier: ISC */
/*
 * postie cat: render one message the way the pager shows it. The common
 * header fields decoded, an empty line, the text the reader would see,
 * then a numbered list of the parts with their type, size and file name.
 * Everything printed from the message goes through mime_sanitize, so a
 * message cannot send escape sequences to the terminal. Attachments can
 * be saved under names made safe, never over an existing file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "postie/base.h"
#include "postie/mime.h"
#include "postie/mime_text.h"

#include "cmd.h"

#define CAT_MAX_STDIN ((size_t)1 << 30)

static const char cat_usage[] =
	"usage: postie cat [--headers all|common] [--part N] [--raw]\n"
	"                  [--save-attachments DIR] FILE...|-\n";

struct input {
	const char *data;
	size_t len;
	void *map;
	size_t maplen;
	struct buf b;
};

static int
read_input(const char *path, struct input *in)
{
	memset(in, 0, sizeof(*in));
	buf_init(&in->b);
	if (strcmp(path, "-") == 0) {
		char chunk[65536];
		ssize_t r;
		while ((r = read(0, chunk, sizeof(chunk))) != 0) {
			if (r < 0) {
				if (errno == EINTR)
					continue;
				fprintf(stderr, "postie cat: cannot read "
						"standard input: %s\n",
					strerror(errno));
				return -1;
			}
			if (in->b.len + (size_t)r > CAT_MAX_STDIN) {
				fprintf(stderr, "postie cat: standard input "
						"is larger than 1 GiB\n");
				return -1;
			}
			buf_add(&in->b, chunk, (size_t)r);
		}
		in->data = in->b.data;
		in->len = in->b.len;
		return 0;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "postie cat: cannot open '%s': %s\n", path,
			strerror(errno));
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		fprintf(stderr, "postie cat: cannot read '%s': %s\n", path,
			S_ISDIR(st.st_mode) ? "is a directory"
					    : "not a regular file");
		close(fd);
		return -1;
	}
	in->data = "";
	if (st.st_size > 0) {
		/* mapped, not copied: a message with a 20 MB attachment
		 * costs its size once */
		in->maplen = (size_t)st.st_size;
		in->map = mmap(NULL, in->maplen, PROT_READ, MAP_PRIVATE, fd, 0);
		if (in->map == MAP_FAILED) {
			fprintf(stderr, "postie cat: cannot read '%s': %s\n",
				path, strerror(errno));
			close(fd);
			return -1;
		}
		in->data = in->map;
		in->len = in->maplen;
	}
	close(fd);
	return 0;
}

static void
input_release(struct input *in)
{
	if (in->map)
		munmap(in->map, in->maplen);
	buf_release(&in->b);
}

/* Append "Name: value" with value made safe for one line. */
static void
put_field(struct buf *out, const char *name, const char *v, size_t n)
{
	buf_addf(out, "%s: ", name);
	mime_sanitize(out, v, n, false);
	buf_addch(out, '\n');
}

static void
put_header(struct buf *out, const struct mime_message *m, const char *name)
{
	const struct mime_field *f = mime_headers_get(&m->root->headers, name);
	const char *const *as = (const char *const *)m->assumed;
	struct buf v = BUF_INIT;

	if (!f) {
		/* an empty Subject keeps the header block from being empty,
		 * so the empty line after it always ends it */
		if (strcmp(name, "Subject") == 0)
			put_field(out, name, "", 0);
		return;
	}
	if (strcmp(name, "Date") == 0) {
		int64_t t;
		int tz;
		struct buf u = BUF_INIT;
		mime_unfold(&u, f->value.p, f->value.len);
		if (mime_date_parse(u.data, u.len, &t, &tz) < 0 ||
		    mime_date_format(&v, t, tz, NULL) < 0) {
			buf_reset(&v);
			mime_decode_header(&v, u.data, u.len, as);
		}
		buf_release(&u);
	} else if (strcmp(name, "Subject") == 0) {
		mime_decode_header(&v, f->value.p, f->value.len, as);
	} else {
		struct mime_addr_list l = { 0 };
		mime_addr_parse(&l, f->value.p, f->value.len, as);
		mime_addr_format(&v, &l);
		mime_addr_list_release(&l);
	}
	put_field(out, name, v.data, v.len);
	buf_release(&v);
}

static void
put_headers(struct buf *out, const struct mime_message *m, bool all)
{
	static const char *const common[] = { "Date", "From", "To", "Cc",
					      "Subject" };
	const char *const *as = (const char *const *)m->assumed;

	if (!all) {
		for (size_t i = 0; i < ARRAY_SIZE(common); i++)
			put_header(out, m, common[i]);
		return;
	}
	const struct mime_headers *h = &m->root->headers;
	for (size_t i = 0; i < h->n; i++) {
		struct buf name = BUF_INIT, v = BUF_INIT;
		mime_sanitize(&name, h->v[i].name.p, h->v[i].name.len, false);
		mime_decode_header(&v, h->v[i].value.p, h->v[i].value.len, as);
		put_field(out, name.data, v.data, v.len);
		buf_release(&name);
		buf_release(&v);
	}
}

static void
put_size(struct buf *out, size_t n)
{
	if (n < 1024)
		buf_addf(out, "%zu B", n);
	else if (n < 1024 * 1024)
		buf_addf(out, "%.1f KiB", n / 1024.0);
	else
		buf_addf(out, "%.1f MiB", n / (1024.0 * 1024.0));
}

static void
put_parts(struct buf *out, const struct mime_message *m,
	  const struct mime_part *shown)
{
	buf_addstr(out, "\n-- parts --\n");
	for (size_t i = 0; i < m->nleaves; i++) {
		const struct mime_part *p = m->leaves[i];
		buf_addf(out, "[%zu] ", p->number);
		mime_sanitize(out, p->type, strlen(p->type), false);
		if (p->charset && *p->charset) {
			buf_addstr(out, "; charset=");
			mime_sanitize(out, p->charset, strlen(p->charset),
				      false);
		}
		buf_addstr(out, ", ");
		put_size(out, mime_part_size(p));
		if (p->filename) {
			buf_addstr(out, ", \"");
			mime_sanitize(out, p->filename, strlen(p->filename),
				      false);
			buf_addch(out, '"');
		}
		if (p == shown)
			buf_addstr(out, " (shown)");
		else if (p->disposition && strcmp(p->disposition,
						  "attachment") == 0)
			buf_addstr(out, " (attachment)");
		if (p->truncated)
			buf_addstr(out, " (beyond the part limit)");
		buf_addch(out, '\n');
	}
	if (m->limited)
		buf_addf(out, "(nesting or part limits reached: %d levels, "
			      "%d parts)\n",
			 MIME_MAX_DEPTH, MIME_MAX_PARTS);
}

/* Create dir/name without overwriting: name, name-1, name-2... before the
 * extension. Returns the fd and the path in *path, or -1. */
static int
create_unique(const char *dir, const char *name, struct buf *path)
{
	const char *dot = strrchr(name, '.');
	size_t stem = dot && dot != name ? (size_t)(dot - name) : strlen(name);

	for (int i = 0; i < 1000; i++) {
		buf_reset(path);
		buf_addf(path, "%s/%.*s", dir, (int)stem, name);
		if (i)
			buf_addf(path, "-%d", i);
		buf_addstr(path, name + stem);
		int fd = open(path->data, O_WRONLY | O_CREAT | O_EXCL |
						  O_CLOEXEC | O_NOFOLLOW,
			      0600);
		if (fd >= 0 || errno != EEXIST)
			return fd;
	}
	errno = EEXIST;
	return -1;
}

static int
save_attachments(const struct mime_message *m, const char *dir)
{
	int rc = 0;
	struct stat st;

	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "postie cat: cannot save into '%s': %s\n", dir,
			errno ? strerror(errno) : "not a directory");
		return -1;
	}
	for (size_t i = 0; i < m->nleaves; i++) {
		const struct mime_part *p = m->leaves[i];
		if (!p->filename && !mime_is_attachment(p))
			continue;
		char *fallback = xstrfmt("part-%zu", p->number);
		char *name = mime_safe_filename(p->filename ? p->filename
							    : fallback);
		struct buf path = BUF_INIT, data = BUF_INIT;
		int fd = create_unique(dir, name, &path);
		if (fd < 0) {
			fprintf(stderr, "postie cat: cannot create '%s': %s\n",
				path.data, strerror(errno));
			rc = -1;
		} else {
			mime_transfer_decode(&data, p->cte, p->body.p,
					     p->body.len);
			if (file_write_fd(fd, data.data, data.len) < 0 ||
			    close(fd) < 0) {
				fprintf(stderr, "postie cat: cannot write "
						"'%s': %s\n",
					path.data, strerror(errno));
				rc = -1;
			} else {
				struct buf s = BUF_INIT;
				mime_sanitize(&s, path.data, path.len, false);
				fprintf(stderr, "saved [%zu] %s\n", p->number,
					s.data);
				buf_release(&s);
			}
		}
		buf_release(&data);
		buf_release(&path);
		free(name);
		free(fallback);
	}
	return rc;
}

struct cat_opts {
	bool all, raw;
	size_t partno;
	const char *savedir;
	bool many;
};

/* Is the rest of a "From " line (p, after "From ") a mbox separator
 * rather than prose? "From addr" alone, "From - date" (Thunderbird), or
 * an address and a ctime date with a time and a four-digit year. */
static bool
from_line(const char *p, size_t len)
{
	const char *nl = memchr(p, '\n', len);
	size_t n = nl ? (size_t)(nl - p) : len;
	size_t words = 0, digits = 0;
	bool colon_time = false, year = false;

	while (n && (p[n - 1] == '\r' || p[n - 1] == ' '))
		n--;
	if (n >= 1 && p[0] == '-')
		return true;
	for (size_t i = 0; i < n; i++) {
		if (p[i] == ' ' || p[i] == '\t') {
			if (digits == 4)
				year = true;
			digits = 0;
			continue;
		}
		if (i == 0 || p[i - 1] == ' ' || p[i - 1] == '\t')
			words++;
		if (p[i] >= '0' && p[i] <= '9') {
			digits++;
		} else {
			if (p[i] == ':' && digits >= 1 && i + 1 < n &&
			    p[i + 1] >= '0' && p[i + 1] <= '9')
				colon_time = true;
			digits = 0;
		}
	}
	if (digits == 4)
		year = true;
	return words == 1 || (colon_time && year);
}

/* A file that starts with a mbox "From " line may hold more messages:
 * the first ends before the next "From " line that follows an empty
 * line. Returns the length of the first message. */
static size_t
mbox_first(const char *p, size_t len)
{
	if (len < 5 || memcmp(p, "From ", 5) != 0)
		return len;
	for (size_t i = 5; i + 7 <= len; i++) {
		const char *q = memmem(p + i, len - i, "\nFrom ", 6);
		if (!q)
			break;
		size_t at = (size_t)(q - p);
		if (((at >= 1 && p[at - 1] == '\n') ||
		     (at >= 2 && p[at - 1] == '\r' && p[at - 2] == '\n')) &&
		    from_line(p + at + 6, len - at - 6))
			return at + 1;
		i = at;
	}
	return len;
}

/* Render one message file; returns the exit status for it. */
static int
cat_one(const char *file, const struct cat_opts *o)
{
	bool all = o->all, raw = o->raw;
	size_t partno = o->partno;
	const char *savedir = o->savedir;
	struct input in;
	if (read_input(file, &in) < 0) {
		input_release(&in);
		return EXIT_NOINPUT;
	}
	struct mime_message m;
	struct buf out = BUF_INIT;
	int rc = EXIT_OK;
	size_t len = mbox_first(in.data, in.len);
	mime_message_parse(&m, in.data, len, NULL);

	if (partno) {
		if (partno > m.nleaves) {
			fprintf(stderr, "postie cat: '%s' has no part %zu "
					"(it has %zu)\n",
				file, partno, m.nleaves);
			rc = EXIT_DATAERR;
			goto out;
		}
		const struct mime_part *p = m.leaves[partno - 1];
		if (raw) {
			mime_transfer_decode(&out, p->cte, p->body.p,
					     p->body.len);
		} else {
			struct buf t = BUF_INIT;
			if (strncmp(p->type, "text/", 5) == 0 || p->truncated)
				mime_part_text(&t, &m, p, 80);
			else
				mime_transfer_decode(&t, p->cte, p->body.p,
						     p->body.len);
			mime_sanitize(&out, t.data, t.len, true);
			buf_release(&t);
		}
	} else if (raw) {
		buf_add(&out, in.data, in.len);
	} else {
		const struct mime_part *body = mime_choose_body(&m, false);
		put_headers(&out, &m, all);
		buf_addch(&out, '\n');
		if (body) {
			struct buf t = BUF_INIT;
			mime_part_text(&t, &m, body, 80);
			mime_sanitize(&out, t.data, t.len, true);
			if (out.len && out.data[out.len - 1] != '\n')
				buf_addch(&out, '\n');
			buf_release(&t);
		}
		put_parts(&out, &m, body);
		if (len < in.len)
			buf_addstr(&out, "(a mbox: only its first message is "
					 "shown)\n");
	}
	if (fwrite(out.data, 1, out.len, stdout) != out.len ||
	    fflush(stdout) != 0) {
		fprintf(stderr, "postie cat: cannot write the output: %s\n",
			strerror(errno));
		rc = EXIT_FAIL;
	}
	if (savedir && save_attachments(&m, savedir) < 0)
		rc = EXIT_FAIL;
out:
	buf_release(&out);
	mime_message_release(&m);
	input_release(&in);
	return rc;
}

int
cmd_cat(int argc, char **argv, const struct cmd_ctx *ctx)
{
	bool all = false, raw = false;
	const char *savedir = NULL;
	size_t partno = 0;
	int i;

	(void)ctx;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		if (strcmp(a, "-") == 0 || a[0] != '-')
			break;
		if (strcmp(a, "--raw") == 0) {
			raw = true;
		} else if ((strcmp(a, "--headers") == 0 ||
			    strcmp(a, "--part") == 0 ||
			    strcmp(a, "--save-attachments") == 0) &&
			   i + 1 < argc) {
			const char *v = argv[++i];
			if (strcmp(a, "--headers") == 0) {
				if (strcmp(v, "all") == 0) {
					all = true;
				} else if (strcmp(v, "common") != 0) {
					fprintf(stderr, "postie cat: --headers "
							"takes 'all' or "
							"'common', not '%s'\n",
						v);
					return EXIT_USAGE;
				}
			} else if (strcmp(a, "--part") == 0) {
				uint64_t n;
				if (!slice_to_u64(slice_cstr(v), 1000000, &n) ||
				    n == 0) {
					fprintf(stderr, "postie cat: --part "
							"takes a part number, "
							"not '%s'\n",
						v);
					return EXIT_USAGE;
				}
				partno = (size_t)n;
			} else {
				savedir = v;
			}
		} else {
			fprintf(stderr, "postie cat: unknown option '%s'\n%s",
				a, cat_usage);
			return EXIT_USAGE;
		}
	}
	if (i >= argc) {
		fputs(cat_usage, stderr);
		return EXIT_USAGE;
	}
	struct cat_opts o = { all, raw, partno, savedir, argc - i > 1 };
	int rc = EXIT_OK;
	for (int k = i; k < argc; k++) {
		if (o.many && !raw) {
			/* like head(1): a title line before each message */
			struct buf t = BUF_INIT;
			mime_sanitize(&t, argv[k], strlen(argv[k]), false);
			printf("%s==> %s <==\n", k > i ? "\n" : "", t.data);
			buf_release(&t);
			fflush(stdout);
		}
		int r = cat_one(argv[k], &o);
		if (r != EXIT_OK && rc == EXIT_OK)
			rc = r;
	}
	return rc;
}
