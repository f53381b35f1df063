/* SPDX-License-Identifier: ISC */
/*
 * The POP3 multi-line reader (RFC 1939 3): lines up to one that is
 * exactly ".", with a leading "." removed from every other line that
 * starts with one ("dot-unstuffing"). It is a push reader: bytes go in as
 * they arrive, in any slicing, and lines come out; it keeps its place in
 * between. A line end is LF, with a CR before it dropped; a bare CR is
 * data. The reader knows whether the final "." arrived, so a connection
 * that drops mid-message is told apart from a message that ended
 * (hostile-25): the caller keeps nothing of a truncated message.
 */
#include <inttypes.h>
#include <string.h>

#include "postie/pop3.h"

void
pop3_ml_init(struct pop3_ml *m, size_t max_line, uint64_t max_bytes)
{
	buf_init(&m->in);
	buf_init(&m->line);
	m->pos = m->scan = 0;
	m->max_line = max_line ? max_line : 1024 * 1024;
	m->max_bytes = max_bytes ? max_bytes : UINT64_C(256) * 1024 * 1024;
	m->total = 0;
	m->done = false;
}

void
pop3_ml_release(struct pop3_ml *m)
{
	buf_release(&m->in);
	buf_release(&m->line);
	pop3_ml_init(m, m->max_line, m->max_bytes);
}

void
pop3_ml_restart(struct pop3_ml *m)
{
	m->done = false;
	m->total = 0;
	m->scan = m->pos;
}

void
pop3_ml_feed(struct pop3_ml *m, const void *bytes, size_t len)
{
	/* Drop consumed bytes once they are half the buffer: linear. */
	if (m->pos && m->pos >= m->in.len / 2) {
		buf_remove(&m->in, 0, m->pos);
		m->scan -= m->pos;
		m->pos = 0;
	}
	buf_add(&m->in, bytes, len);
}

int
pop3_ml_next(struct pop3_ml *m, const char **line, size_t *len,
	     struct perr *e)
{
	if (m->done)
		return POP3_ML_END;
	const char *base = m->in.data;
	const char *lf = memchr(base + m->scan, '\n', m->in.len - m->scan);
	if (!lf) {
		m->scan = m->in.len;
		if (m->in.len - m->pos > m->max_line)
			return perr_set(e, PERR_PROTO,
					"POP3 line longer than %zu bytes",
					m->max_line);
		return POP3_ML_NEED_MORE;
	}
	size_t end = (size_t)(lf - base);
	size_t start = m->pos;
	size_t n = end - start;
	if (n > m->max_line)
		return perr_set(e, PERR_PROTO,
				"POP3 line longer than %zu bytes", m->max_line);
	m->pos = m->scan = end + 1;
	m->total += n + 1;
	if (m->total > m->max_bytes)
		return perr_set(e, PERR_PROTO,
				"POP3 reply longer than %" PRIu64 " bytes",
				m->max_bytes);
	if (n && base[end - 1] == '\r')
		n--;
	if (base[start] == '.' && n >= 1) {
		if (n == 1) {
			m->done = true;
			return POP3_ML_END;
		}
		start++;
		n--;
	}
	buf_reset(&m->line);
	buf_add(&m->line, base + start, n);
	*line = m->line.data;
	*len = m->line.len;
	return POP3_ML_LINE;
}

int
pop3_ml_finish(const struct pop3_ml *m, struct perr *e)
{
	if (m->done)
		return 0;
	return perr_set(e, PERR_CONN,
			"POP3 connection ended without the final '.' of a "
			"multi-line reply; what was read is discarded");
}

size_t
pop3_ml_pending(const struct pop3_ml *m)
{
	return m->in.len - m->pos;
}
