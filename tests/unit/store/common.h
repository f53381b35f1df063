/* SPDX-License-Identifier: ISC */
/*
 * What the store's database tests share: a private temporary directory
 * per test program, removed at the end, and small file helpers.
 */
#ifndef POSTIE_TEST_STORE_COMMON_H
#define POSTIE_TEST_STORE_COMMON_H

#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmp_root[256];

static inline int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *f)
{
	(void)sb;
	(void)flag;
	(void)f;
	return remove(path);
}

static inline void
tmp_cleanup(void)
{
	if (tmp_root[0])
		nftw(tmp_root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* A fresh directory for this program's files. */
static inline const char *
tmp_make(void)
{
	const char *t = getenv("TMPDIR");
	snprintf(tmp_root, sizeof(tmp_root), "%s/store-test.XXXXXX",
		 t && *t ? t : "/tmp");
	if (!mkdtemp(tmp_root)) {
		perror("mkdtemp");
		exit(1);
	}
	atexit(tmp_cleanup);
	return tmp_root;
}

/* Overwrite a file with n bytes of byte c (or random bytes when c < 0),
 * or truncate it to n bytes when trunc. */
static inline int
file_damage(const char *path, long n, int c, int trunc)
{
	if (trunc)
		return truncate(path, n);
	FILE *f = fopen(path, "r+b");
	if (!f)
		return -1;
	unsigned x = 12345;
	for (long i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		fputc(c >= 0 ? c : (int)(x >> 16) & 0xff, f);
	}
	return fclose(f);
}

static inline long
file_size(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 ? (long)sb.st_size : -1;
}

static inline int
file_mode(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 ? (int)(sb.st_mode & 07777) : -1;
}

#endif
