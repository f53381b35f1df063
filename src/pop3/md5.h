/* SPDX-License-Identifier: ISC */
/*
 * MD5 (RFC 1321), for APOP only. MD5 is broken for signatures; APOP uses
 * it because RFC 1939 says so, and a client that offers APOP to a server
 * has no other choice. Nothing else in postie should use it.
 */
#ifndef POSTIE_POP3_MD5_H
#define POSTIE_POP3_MD5_H

#include <stddef.h>
#include <stdint.h>

struct pop3_md5 {
	uint32_t h[4];
	uint64_t len;      /* bytes so far */
	unsigned char blk[64];
	size_t nblk;
};

void pop3_md5_init(struct pop3_md5 *m);
void pop3_md5_update(struct pop3_md5 *m, const void *p, size_t n);
void pop3_md5_final(struct pop3_md5 *m, unsigned char out[16]);

#endif
