/* SPDX-License-Identifier: ISC */
/*
 * The media type of an attachment, for the Content-Type of a part we
 * build: first from the file name's extension (a table of the types
 * people attach), then from the content (a few magic numbers, then text
 * when it is clean UTF-8), and application/octet-stream when nothing
 * says more. No system mime.types file is read: mime/ does no I/O, and
 * the answer should not depend on the machine.
 */
#include <string.h>

#include "postie/base.h"
#include "postie/mime_text.h"

struct ext_type {
	const char *ext;
	const char *type;
};

/* Sorted by extension for a binary search. */
static const struct ext_type ext_types[] = {
	{ "7z", "application/x-7z-compressed" },
	{ "aac", "audio/aac" },
	{ "avi", "video/x-msvideo" },
	{ "avif", "image/avif" },
	{ "bmp", "image/bmp" },
	{ "bz2", "application/x-bzip2" },
	{ "c", "text/x-c" },
	{ "csv", "text/csv" },
	{ "diff", "text/x-diff" },
	{ "doc", "application/msword" },
	{ "docx", "application/vnd.openxmlformats-officedocument."
		  "wordprocessingml.document" },
	{ "eml", "message/rfc822" },
	{ "epub", "application/epub+zip" },
	{ "flac", "audio/flac" },
	{ "gif", "image/gif" },
	{ "gz", "application/gzip" },
	{ "h", "text/x-c" },
	{ "heic", "image/heic" },
	{ "htm", "text/html" },
	{ "html", "text/html" },
	{ "ics", "text/calendar" },
	{ "jpeg", "image/jpeg" },
	{ "jpg", "image/jpeg" },
	{ "js", "text/javascript" },
	{ "json", "application/json" },
	{ "key", "application/vnd.apple.keynote" },
	{ "log", "text/plain" },
	{ "m4a", "audio/mp4" },
	{ "md", "text/markdown" },
	{ "mkv", "video/x-matroska" },
	{ "mov", "video/quicktime" },
	{ "mp3", "audio/mpeg" },
	{ "mp4", "video/mp4" },
	{ "odp", "application/vnd.oasis.opendocument.presentation" },
	{ "ods", "application/vnd.oasis.opendocument.spreadsheet" },
	{ "odt", "application/vnd.oasis.opendocument.text" },
	{ "ogg", "audio/ogg" },
	{ "patch", "text/x-diff" },
	{ "pdf", "application/pdf" },
	{ "png", "image/png" },
	{ "ppt", "application/vnd.ms-powerpoint" },
	{ "pptx", "application/vnd.openxmlformats-officedocument."
		  "presentationml.presentation" },
	{ "py", "text/x-python" },
	{ "rar", "application/vnd.rar" },
	{ "rtf", "application/rtf" },
	{ "sh", "text/x-shellscript" },
	{ "svg", "image/svg+xml" },
	{ "tar", "application/x-tar" },
	{ "tgz", "application/gzip" },
	{ "tif", "image/tiff" },
	{ "tiff", "image/tiff" },
	{ "txt", "text/plain" },
	{ "vcf", "text/vcard" },
	{ "wav", "audio/wav" },
	{ "webm", "video/webm" },
	{ "webp", "image/webp" },
	{ "xls", "application/vnd.ms-excel" },
	{ "xlsx", "application/vnd.openxmlformats-officedocument."
		  "spreadsheetml.sheet" },
	{ "xml", "application/xml" },
	{ "xz", "application/x-xz" },
	{ "yaml", "application/yaml" },
	{ "yml", "application/yaml" },
	{ "zip", "application/zip" },
};

static const char *
by_extension(const char *filename)
{
	const char *dot = strrchr(filename, '.');
	char ext[8];
	size_t n;

	if (!dot || dot == filename || !dot[1])
		return NULL;
	n = strlen(dot + 1);
	if (n >= sizeof(ext))
		return NULL;
	for (size_t i = 0; i <= n; i++)
		ext[i] = (char)ascii_lower((unsigned char)dot[1 + i]);

	size_t lo = 0, hi = ARRAY_SIZE(ext_types);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(ext, ext_types[mid].ext);
		if (c == 0)
			return ext_types[mid].type;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

struct magic {
	const char *bytes;
	size_t len;
	const char *type;
};

static const struct magic magics[] = {
	{ "%PDF-", 5, "application/pdf" },
	{ "\x89PNG\r\n\x1a\n", 8, "image/png" },
	{ "\xff\xd8\xff", 3, "image/jpeg" },
	{ "GIF87a", 6, "image/gif" },
	{ "GIF89a", 6, "image/gif" },
	{ "PK\x03\x04", 4, "application/zip" },
	{ "\x1f\x8b", 2, "application/gzip" },
	{ "7z\xbc\xaf\x27\x1c", 6, "application/x-7z-compressed" },
	{ "Rar!\x1a\x07", 6, "application/vnd.rar" },
	{ "BZh", 3, "application/x-bzip2" },
	{ "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8,
	  "application/x-ole-storage" },
	{ "{\\rtf", 5, "application/rtf" },
	{ "ID3", 3, "audio/mpeg" },
	{ "OggS", 4, "audio/ogg" },
	{ "fLaC", 4, "audio/flac" },
};

static bool
clean_text(const unsigned char *p, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = p[i];
		if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t' &&
		     c != '\f') || c == 0x7f)
			return false;
	}
	return utf8_valid((const char *)p, len);
}

const char *
mime_type_guess(const char *filename, const void *data, size_t len)
{
	const unsigned char *p = data;
	const char *t;

	if (filename && (t = by_extension(filename)))
		return t;
	if (!p)
		return "application/octet-stream";
	for (size_t i = 0; i < ARRAY_SIZE(magics); i++)
		if (len >= magics[i].len &&
		    memcmp(p, magics[i].bytes, magics[i].len) == 0)
			return magics[i].type;
	if (len >= 12 && memcmp(p, "RIFF", 4) == 0 &&
	    memcmp(p + 8, "WEBP", 4) == 0)
		return "image/webp";
	if (clean_text(p, len))
		return "text/plain";
	return "application/octet-stream";
}
