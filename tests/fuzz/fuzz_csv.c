/*
 * fuzz_csv.c - libFuzzer target for the CSV/TSV reader and the writers.
 *
 * The first byte picks the reading options (TSV, ';' delimiter, no header,
 * GB18030, gzip-compressed input); the rest is the file.  Every record is
 * read, its known columns fetched and one of them rejected (messages,
 * masking, --rejects); then the record is written back as CSV and read
 * again, which must give the same fields (the round-trip property).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zlib.h>

#include "bb.h"

static const char *const cols[] = { "donor_id", "national_id", "name", "sex",
				    "birth_date", "abo", "rhd", "phone",
				    "region", "registered", NULL };
static const char *const req[] = { "donor_id", NULL };

static int quiet_stderr(void)
{
	if (getenv("FUZZ_VERBOSE"))
		return -1;
	fflush(stderr);
	int save = dup(2);
	int nul = open("/dev/null", O_WRONLY);
	dup2(nul, 2);
	close(nul);
	return save;
}

static void restore_stderr(int save)
{
	if (save < 0)
		return;
	fflush(stderr);
	dup2(save, 2);
	close(save);
}

/* The input as a file: a memfd, gzip-compressed when asked. */
static int input_fd(const uint8_t *d, size_t n, int gz)
{
	int fd = memfd_create("fuzz", 0);
	if (fd < 0)
		abort();
	if (gz) {
		gzFile g = gzdopen(dup(fd), "wb1");
		if (n)
			gzwrite(g, d, (unsigned)n);
		gzclose(g);
	} else {
		size_t o = 0;
		while (o < n) {
			ssize_t w = write(fd, d + o, n - o);
			if (w <= 0)
				abort();
			o += (size_t)w;
		}
	}
	return fd;
}

/* Write rec as one CSV row and read it back: the same fields. */
static void round_trip(const struct bb_rec *rec)
{
	if (rec->nf < 2 || rec->nf > 64)
		return;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	struct bb_ctx c;
	bb_ctx_init(&c, "fuzz");
	c.no_header = 1;
	const char *v[64];
	for (int i = 0; i < rec->nf; i++)
		v[i] = rec->f[i];
	struct bb_writer *w = bb_writer_stream(&c, fp, v, rec->nf);
	bb_writer_row(w, v);
	bb_writer_close(w);
	fclose(fp);
	struct bb_reader *r = bb_reader_open_mem(&c, "rt", buf, len);
	struct bb_rec *back;
	if (bb_reader_next(r, &back) != 1) {
		fprintf(stderr, "round trip: row not read back: %s\n", buf);
		abort();
	}
	if (back->nf != rec->nf)
		abort();
	for (int i = 0; i < rec->nf; i++)
		if (strcmp(back->f[i], rec->f[i])) {
			fprintf(stderr, "round trip: field %d '%s' -> '%s'\n",
				i, rec->f[i], back->f[i]);
			abort();
		}
	bb_reader_close(r);
	bb_ctx_free(&c);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	unsigned opt = data[0];
	data++, size--;
	/* gzip and iconv need the file path; the rest reads from memory,
	 * which is many times faster under the sanitizers */
	int fd = -1;
	char path[64];
	if (opt & (16 | 8)) {
		fd = input_fd(data, size, opt & 16);
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	}

	struct bb_ctx ctx;
	bb_ctx_init(&ctx, "fuzz");
	ctx.in_tsv = opt & 1;
	ctx.delim = (opt & 2) ? ';' : 0;
	ctx.no_header = (opt & 4) != 0;
	ctx.encoding = (opt & 8) ? "GB18030" : NULL;
	ctx.show_pii = (opt & 32) != 0;
	ctx.out_fmt = (enum bb_format)((opt >> 6) % 3);
	ctx.rejects_path = "/dev/null";

	int save = quiet_stderr();
	struct bb_reader *r = fd >= 0 ? bb_reader_open(&ctx, path) :
		bb_reader_open_mem(&ctx, "fuzz.csv", data, size);
	if (r) {
		bb_reader_columns(r, cols, req);
		FILE *out = fopen("/dev/null", "w");
		struct bb_writer *w = bb_writer_stream(&ctx, out, cols, 10);
		struct bb_rec *rec;
		long n = 0, last = 0;
		while (bb_reader_next(r, &rec) > 0) {
			/* what the reader promises of the records it hands out */
			if (rec->line < 1 || rec->line < last || rec->nf < 1)
				abort();
			last = rec->line;
			for (int i = 0; i < rec->nf; i++)
				if (strlen(rec->f[i]) > BB_FIELD_MAX ||
				    !bb_utf8_valid(rec->f[i], strlen(rec->f[i])))
					abort();
			const char *vals[10];
			for (int i = 0; i < 10; i++)
				vals[i] = bb_get(r, rec, cols[i]);
			bb_writer_row(w, vals);
			bb_reject(&ctx, r, rec, cols[n % 10], "fuzz",
				  vals[n % 10]);
			if (!ctx.in_tsv && !ctx.delim && !ctx.encoding)
				round_trip(rec);
			n++;
		}
		bb_writer_close(w);
		fclose(out);
		bb_reader_close(r);
	}
	restore_stderr(save);
	bb_ctx_free(&ctx);
	if (fd >= 0)
		close(fd);
	return 0;
}
