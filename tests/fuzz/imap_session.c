/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for the IMAP session: the input is everything a
 * server says, served through net's in-memory transport in pieces whose
 * size comes from the first byte, while the session logs in, selects a
 * folder, fetches, appends with a literal and idles. Whatever the server
 * says, the session must end in a clean error or success with no memory
 * error, leak or hang.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "postie/imap.h"
#include "postie/net.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
on_fetch(const struct imap_resp *r, void *arg, struct perr *e)
{
	struct buf *b = arg;

	(void)e;
	b->len = 0;
	imap_resp_dump(r, b);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t chunk = data[0] % 16;
	struct imap_limits lim;
	imap_limits_default(&lim);
	lim.max_line = 4096;
	lim.max_literal = 8192;
	lim.max_response = 16384;
	struct imap_session_params p = {
		.host = "fuzz.example", .tls = (data[0] & 0x10) ?
			IMAP_TLS_STARTTLS : IMAP_TLS_IMPLICIT,
		.user = "u", .password = "p w\"\\", .cancel_fd = -1,
		.lim = &lim, .send_id = true,
	};
	struct net_conn *c = net_conn_fake(data + 1, size - 1, chunk, 4096);
	struct imap_session s;
	struct perr e = PERR_INIT;
	struct buf dump = BUF_INIT;

	if (imap_session_open_conn(&s, c, &p, &e) == 0 &&
	    imap_session_select(&s, "已发送", false, false, &e) == 0) {
		struct imap_seqset set = IMAP_SEQSET_INIT;
		imap_seqset_add(&set, 1, IMAP_SEQ_STAR);
		imap_session_uid_fetch(&s, &set, "(UID FLAGS BODY.PEEK[])",
				       on_fetch, &dump, &e);
		imap_seqset_release(&set);
		char tag[IMAP_TAG_SIZE];
		struct imap_cmd cmd;
		struct imap_resp fin;
		imap_session_tag(&s, tag);
		imap_cmd_init(&cmd, tag, "APPEND", 0);
		imap_cmd_mailbox(&cmd, "x", 1, false, &e);
		imap_cmd_astring(&cmd, "a\r\nb", 4, &e);
		imap_cmd_finish(&cmd);
		imap_resp_init(&fin);
		imap_session_run(&s, &cmd, tag, on_fetch, &dump, &fin, &e);
		imap_resp_release(&fin);
		imap_cmd_release(&cmd);
		imap_session_idle(&s, 1000, on_fetch, &dump, &e);
	}
	imap_session_close(&s);
	buf_release(&dump);
	return 0;
}
