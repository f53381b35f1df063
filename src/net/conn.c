/* SPDX-License-Identifier: ISC */
/*
 * The connection: bounded waits, the line reader, the sending queue, and
 * the in-memory fake transport used by unit tests.
 *
 * The reader keeps one fixed buffer of max_line + 2 bytes (a line of the
 * maximum length, its CR and its LF). A line is looked for in what is
 * buffered; when there is no LF yet, the unread bytes move to the front
 * and the transport fills the rest. So a line longer than the maximum is
 * found as soon as max_line + 2 bytes without an LF are buffered,
 * whether they came in one read or a million, and the buffer never
 * grows: a 10 MB line costs 64 KiB of memory and one error.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "private.h"

struct net_conn *
net_conn_alloc(size_t max_line)
{
	struct net_conn *c = xcalloc(1, sizeof(*c));

	if (max_line == 0)
		max_line = NET_MAX_LINE_DEFAULT;
	/* A ceiling on the ceiling: no caller has a reason to buffer more
	 * than 64 MiB for one line. */
	if (max_line > 64u * 1024 * 1024)
		max_line = 64u * 1024 * 1024;
	c->max_line = max_line;
	c->rcap = max_line + 2; /* the line, a CR and the LF */
	c->rbuf = xmalloc(c->rcap);
	c->fd = -1;
	c->cancel_fd = -1;
	c->io_timeout_ms = 60000;
	buf_init(&c->wbuf);
	return c;
}

void
net_close(struct net_conn *c)
{
	if (!c)
		return;
	if (c->ops && c->ops->close)
		c->ops->close(c);
	if (c->fd >= 0)
		close(c->fd);
	free(c->rbuf);
	buf_release(&c->wbuf);
	free(c);
}

void
net_set_io_timeout(struct net_conn *c, int ms)
{
	c->io_timeout_ms = ms > 0 ? ms : 60000;
}

int
net_io_timeout(const struct net_conn *c)
{
	return c->io_timeout_ms;
}

void
net_set_deadline(struct net_conn *c, int ms)
{
	c->deadline = ms > 0 ? time_mono_ms() + ms : 0;
}

void
net_set_cancel_fd(struct net_conn *c, int fd)
{
	c->cancel_fd = fd;
}

void
net_set_nul_ok(struct net_conn *c, bool ok)
{
	c->nul_ok = ok;
}

const char *
net_transport(const struct net_conn *c)
{
	return c->ops->name;
}

bool
net_is_tls(const struct net_conn *c)
{
	return strcmp(c->ops->name, "tls") == 0;
}

const char *
net_tls_info(const struct net_conn *c)
{
	return c->tls_info;
}

int
net_wait(struct net_conn *c, int fd, short events, struct perr *e)
{
	for (;;) {
		int64_t now = time_mono_ms();
		int64_t wait = c->io_timeout_ms;
		bool by_deadline = false;

		if (c->deadline) {
			if (now >= c->deadline)
				return perr_set(e, PERR_CONN,
						"timed out (phase deadline)");
			if (c->deadline - now < wait) {
				wait = c->deadline - now;
				by_deadline = true;
			}
		}
		struct pollfd pfd[2] = {
			{ .fd = fd, .events = events },
			{ .fd = c->cancel_fd, .events = POLLIN },
		};
		int n = poll(pfd, c->cancel_fd >= 0 ? 2 : 1, (int)wait);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return perr_set(e, PERR_CONN, "poll: %s",
					strerror(errno));
		}
		if (n == 0) {
			if (by_deadline)
				return perr_set(e, PERR_CONN,
						"timed out (phase deadline)");
			return perr_set(e, PERR_CONN,
					"timed out after %d ms without %s",
					c->io_timeout_ms,
					(events & POLLOUT) ? "sending"
							   : "an answer");
		}
		if (c->cancel_fd >= 0 && pfd[1].revents)
			return perr_set(e, PERR_CANCELLED, "cancelled");
		if (pfd[0].revents)
			return 0;
	}
}

/* Fill the reader: move unread bytes to the front and read once into the
 * free space. Returns 0, or -1 (with "connection closed" at the end). */
static int
fill(struct net_conn *c, struct perr *e)
{
	if (c->rpos > 0) {
		memmove(c->rbuf, c->rbuf + c->rpos, c->rend - c->rpos);
		c->rend -= c->rpos;
		c->rpos = 0;
	}
	if (c->eof)
		return perr_set(e, PERR_CONN, "connection closed by server");
	if (c->rend == c->rcap)
		return perr_set(e, PERR_PROTO, "reader buffer full");
	ssize_t n = c->ops->read(c, c->rbuf + c->rend, c->rcap - c->rend, e);
	if (n < 0)
		return -1;
	if (n == 0) {
		c->eof = true;
		return perr_set(e, PERR_CONN, "connection closed by server");
	}
	c->rend += (size_t)n;
	return 0;
}

int
net_read_line(struct net_conn *c, struct slice *line, struct perr *e)
{
	size_t scanned = 0; /* bytes after rpos known to hold no LF */

	for (;;) {
		char *start = c->rbuf + c->rpos;
		size_t avail = c->rend - c->rpos;
		char *lf = memchr(start + scanned, '\n', avail - scanned);

		if (lf) {
			size_t len = (size_t)(lf - start);
			c->rpos += len + 1;
			if (len > 0 && start[len - 1] == '\r')
				len--;
			if (len > c->max_line)
				return perr_set(e, PERR_PROTO,
						"line too long (more than %zu "
						"bytes)", c->max_line);
			if (!c->nul_ok && memchr(start, '\0', len))
				return perr_set(e, PERR_PROTO,
						"NUL byte in a line from the "
						"server");
			*line = slice_make(start, len);
			return 0;
		}
		/* max_line bytes and a CR may still be one good line */
		if (avail > c->max_line + 1)
			return perr_set(e, PERR_PROTO,
					"line too long (more than %zu bytes)",
					c->max_line);
		scanned = avail;
		if (fill(c, e) < 0) {
			if (avail > 0 && e && e->kind == PERR_CONN &&
			    c->eof)
				perr_prefix(e, "incomplete line");
			return -1;
		}
	}
}

int
net_read_exact(struct net_conn *c, void *p, size_t n, struct perr *e)
{
	char *out = p;

	while (n > 0) {
		size_t avail = c->rend - c->rpos;
		if (avail == 0) {
			if (fill(c, e) < 0)
				return -1;
			continue;
		}
		size_t k = avail < n ? avail : n;
		memcpy(out, c->rbuf + c->rpos, k);
		c->rpos += k;
		out += k;
		n -= k;
	}
	return 0;
}

size_t
net_pending(const struct net_conn *c)
{
	return c->rend - c->rpos;
}

int
net_flush(struct net_conn *c, struct perr *e)
{
	size_t off = 0;

	while (off < c->wbuf.len) {
		ssize_t n = c->ops->write(c, c->wbuf.data + off,
					  c->wbuf.len - off, e);
		if (n < 0) {
			buf_reset(&c->wbuf);
			return -1;
		}
		off += (size_t)n;
	}
	buf_reset(&c->wbuf);
	return 0;
}

int
net_write(struct net_conn *c, const void *p, size_t n, struct perr *e)
{
	buf_add(&c->wbuf, p, n);
	if (c->wbuf.len >= NET_WQUEUE_MAX)
		return net_flush(c, e);
	return 0;
}

int
net_puts(struct net_conn *c, const char *s, struct perr *e)
{
	return net_write(c, s, strlen(s), e);
}

/* ---------------------------------------------------------------------
 * Plain TCP over a non-blocking socket.
 */
static ssize_t
tcp_read(struct net_conn *c, void *p, size_t n, struct perr *e)
{
	for (;;) {
		ssize_t r = read(c->fd, p, n);
		if (r >= 0)
			return r;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK) {
			if (errno == ECONNRESET)
				return perr_set(e, PERR_CONN,
						"connection reset by server");
			return perr_set(e, PERR_CONN, "read: %s",
					strerror(errno));
		}
		if (net_wait(c, c->fd, POLLIN, e) < 0)
			return -1;
	}
}

static ssize_t
tcp_write(struct net_conn *c, const void *p, size_t n, struct perr *e)
{
	for (;;) {
		ssize_t r = write(c->fd, p, n);
		if (r > 0)
			return r;
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
			if (errno == EPIPE || errno == ECONNRESET)
				return perr_set(e, PERR_CONN,
						"connection reset by server");
			return perr_set(e, PERR_CONN, "write: %s",
					strerror(errno));
		}
		if (net_wait(c, c->fd, POLLOUT, e) < 0)
			return -1;
	}
}

const struct net_ops net_tcp_ops = {
	.name = "tcp",
	.read = tcp_read,
	.write = tcp_write,
	.close = NULL,
};

/* ---------------------------------------------------------------------
 * The fake: a script of bytes to read and a record of what was written.
 */
struct fake {
	char *in;
	size_t len, pos, chunk;
	struct buf out;
};

static ssize_t
fake_read(struct net_conn *c, void *p, size_t n, struct perr *e)
{
	struct fake *f = c->state;
	size_t k = f->len - f->pos;

	if (k == 0)
		return 0;
	if (k > n)
		k = n;
	if (f->chunk && k > f->chunk)
		k = f->chunk;
	memcpy(p, f->in + f->pos, k);
	f->pos += k;
	return (ssize_t)k;
}

static ssize_t
fake_write(struct net_conn *c, const void *p, size_t n, struct perr *e)
{
	struct fake *f = c->state;

	buf_add(&f->out, p, n);
	return (ssize_t)n;
}

static void
fake_close(struct net_conn *c)
{
	struct fake *f = c->state;

	free(f->in);
	buf_release(&f->out);
	free(f);
	c->state = NULL;
}

static const struct net_ops fake_ops = {
	.name = "fake",
	.read = fake_read,
	.write = fake_write,
	.close = fake_close,
};

struct net_conn *
net_conn_fake(const void *in, size_t len, size_t chunk, size_t max_line)
{
	struct net_conn *c = net_conn_alloc(max_line);
	struct fake *f = xcalloc(1, sizeof(*f));

	f->in = xmalloc(len ? len : 1);
	if (len)
		memcpy(f->in, in, len);
	f->len = len;
	f->chunk = chunk;
	buf_init(&f->out);
	c->ops = &fake_ops;
	c->state = f;
	return c;
}

const struct buf *
net_fake_output(const struct net_conn *c)
{
	if (c->ops != &fake_ops)
		return NULL;
	return &((const struct fake *)c->state)->out;
}
