/* SPDX-License-Identifier: ISC */
/*
 * How long a key press in the composer's body editor takes in a long
 * draft (5,000 lines by default, Chinese and English), as the screen
 * does it: the edit, then what the draw needs, the text cut into screen
 * rows and the rows on screen sanitised. Twice: cutting the whole text
 * again on every draw, as the composer used to, and keeping the rows
 * between draws (ui_texted_layout), which cuts again only the line the
 * key changed. Also the body shown outside the editor: rendered through
 * the viewer on every draw, against once per change. Times are CPU time
 * of the thread, the median of five runs of 2,000 keys (or draws).
 *
 * usage: compose-bench [LINES]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "postie/base.h"
#include "postie/ui.h"

#include "../../src/ui/compose.h"
#include "../../src/ui/private.h"

#define KEYS 2000
#define RUNS 5
#define WIDTH 119
#define ROWS 34

static double
cpu_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* The rows on screen, sanitised, as scr_compose_draw does. */
static void
draw_rows(const struct ui_texted *te, const struct ui_textrow *rows, size_t n,
	  size_t crow)
{
	size_t top = crow > ROWS / 2 ? crow - ROWS / 2 : 0;
	struct buf safe = BUF_INIT;

	for (size_t i = top; i < n && i < top + ROWS; i++) {
		buf_reset(&safe);
		ui_sanitize(&safe, te->text.data + rows[i].off, rows[i].len,
			    UI_TAB_SPACE);
	}
	buf_release(&safe);
}

/* One run of KEYS presses in the middle of the text; the mean CPU time
 * of a press in microseconds. */
static double
run_keys(const struct buf *text, bool kept)
{
	struct ui_texted te;
	struct ui_textlayout lay = { 0 };
	size_t crow, ccol;

	ui_texted_init(&te, text->data, text->len);
	te.cur = text->len / 2;
	while (te.cur > 0 && te.text.data[te.cur - 1] != '\n')
		te.cur--;
	if (kept)
		ui_texted_layout(&te, WIDTH, &lay, &crow, &ccol);
	double t0 = cpu_us();
	for (int k = 0; k < KEYS; k++) {
		if (k % 40 == 39)
			ui_texted_op(&te, UI_TE_NEWLINE);
		else if (k % 7 == 6)
			ui_texted_op(&te, UI_TE_BACKSPACE);
		else
			ui_texted_insert(&te, k % 3 ? 0x4e2d : 'a');
		if (kept) {
			ui_texted_layout(&te, WIDTH, &lay, &crow, &ccol);
			draw_rows(&te, lay.v, lay.n, crow);
		} else {
			struct ui_textrow *rows;
			size_t n;
			ui_texted_rows(&te, WIDTH, &rows, &n, &crow, &ccol);
			draw_rows(&te, rows, n, crow);
			free(rows);
		}
	}
	double t = (cpu_us() - t0) / KEYS;
	ui_textlayout_release(&lay);
	ui_texted_release(&te);
	return t;
}

/* The body outside the editor: a draw renders it (each time, or only
 * when it changed: then a comparison with the copy kept). */
static double
run_view(const struct buf *text, bool kept)
{
	struct buf t = BUF_INIT, copy = BUF_INIT;
	struct ui_pager pg = { 0 };
	int draws = KEYS / 10;

	buf_addstr(&t, "\n");
	buf_add(&t, text->data, text->len);
	if (kept) {
		ui_pager_render(&pg, t.data, t.len, NULL, WIDTH + 1);
		buf_add(&copy, text->data, text->len);
	}
	double t0 = cpu_us();
	for (int k = 0; k < draws; k++) {
		if (kept) {
			if (copy.len != text->len ||
			    memcmp(copy.data, text->data, text->len) != 0)
				abort();
		} else {
			struct ui_pager p = { 0 };
			ui_pager_render(&p, t.data, t.len, NULL, WIDTH + 1);
			ui_pager_release(&p);
		}
	}
	double r = (cpu_us() - t0) / draws;
	ui_pager_release(&pg);
	buf_release(&t);
	buf_release(&copy);
	return r;
}

static double
median(double (*fn)(const struct buf *, bool), const struct buf *text,
       bool kept)
{
	double v[RUNS];

	for (int i = 0; i < RUNS; i++)
		v[i] = fn(text, kept);
	qsort(v, RUNS, sizeof(v[0]), cmp_double);
	return v[RUNS / 2];
}

int
main(int argc, char **argv)
{
	long lines = argc > 1 ? strtol(argv[1], NULL, 10) : 5000;
	struct buf text = BUF_INIT;

	if (lines < 1 || lines > 10000000) {
		fprintf(stderr, "usage: compose-bench [LINES]\n");
		return 2;
	}
	for (long i = 0; i < lines; i++) {
		if (i % 3 == 0)
			buf_addf(&text, "> 第%ld行：关于下周项目评审的安排，请各位同事"
				 "提前准备材料。\n", i);
		else if (i % 3 == 1)
			buf_addf(&text, "Line %ld of the draft, with some English "
				 "words to wrap\tand a tab.\n", i);
		else
			buf_addstr(&text, "\n");
	}
	printf("draft: %ld lines, %zu bytes, %d columns\n", lines, text.len,
	       WIDTH);
	double full = median(run_keys, &text, false);
	double kept = median(run_keys, &text, true);
	printf("key press in the body, rows cut again each draw: %.1f us "
	       "CPU\n", full);
	printf("key press in the body, rows kept between draws: %.1f us "
	       "CPU\n", kept);
	double vfull = median(run_view, &text, false);
	double vkept = median(run_view, &text, true);
	printf("draw of the body outside the editor, rendered each draw: "
	       "%.1f us CPU\n", vfull);
	printf("draw of the body outside the editor, kept: %.1f us CPU\n",
	       vkept);
	buf_release(&text);
	return 0;
}
