/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer target for the POP3 session: the input is everything a
 * server says, served through net's in-memory transport in pieces sized
 * by the first byte, while the session logs in, runs STAT and UIDL,
 * retrieves and deletes. A retrieved message must never be handed back
 * when the session failed (hostile-25).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "postie/net.h"
#include "postie/pop3.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	struct pop3_session_params p = {
		.host = "fuzz.example",
		.tls = (data[0] & 0x10) ? POP3_TLS_STLS : POP3_TLS_IMPLICIT,
		.user = "u", .password = "p", .cancel_fd = -1,
		.max_line = 2048,
	};
	struct net_conn *c = net_conn_fake(data + 1, size - 1, data[0] % 16,
					   2048);
	struct pop3_session s;
	struct perr e = PERR_INIT;

	if (pop3_session_open_conn(&s, c, &p, &e) == 0) {
		uint32_t count;
		uint64_t sz;
		struct pop3_uidl_list l;
		struct buf msg = BUF_INIT;
		pop3_uidl_init(&l, 100);
		pop3_session_stat(&s, &count, &sz, &e);
		pop3_session_uidl(&s, &l, &e);
		buf_addstr(&msg, "keep");
		if (pop3_session_retr(&s, 1, &msg, 4096, &e) < 0 &&
		    strcmp(msg.data, "keep") != 0)
			abort();
		pop3_session_dele(&s, 1, &e);
		pop3_session_rset(&s, &e);
		buf_release(&msg);
		pop3_uidl_release(&l);
	}
	pop3_session_close(&s);
	return 0;
}
