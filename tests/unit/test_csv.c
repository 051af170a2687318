/* test_csv.c - the CSV/TSV reader and the CSV/TSV/JSON writer. */
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "bb.h"
#include "bb_int.h"	/* bb_writers_release */
#include "t.h"

static char dir[] = "/tmp/test_csvXXXXXX";
static char errs[65536];	/* stderr captured by read_all */

static char *path_of(const char *name)
{
	static char buf[4][512];
	static int k;
	k = (k + 1) % 4;
	snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
	return buf[k];
}

static void write_file(const char *name, const char *data, size_t n)
{
	FILE *fp = fopen(path_of(name), "w");
	fwrite(data, 1, n, fp);
	fclose(fp);
}

static char *slurp(const char *path, size_t *len)
{
	static char buf[1 << 16];
	FILE *fp = fopen(path, "r");
	size_t n = 0;
	if (fp) {
		n = fread(buf, 1, sizeof buf - 1, fp);
		fclose(fp);
	}
	buf[n] = 0;
	if (len)
		*len = n;
	return buf;
}

/* stderr into a file while f runs */
static int err_fd = -1, saved_fd = -1;
static void capture_begin(void)
{
	fflush(stderr);
	saved_fd = dup(2);
	err_fd = open(path_of("stderr"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
	dup2(err_fd, 2);
}

static void capture_end(void)
{
	fflush(stderr);
	dup2(saved_fd, 2);
	close(saved_fd);
	close(err_fd);
	snprintf(errs, sizeof errs, "%s", slurp(path_of("stderr"), NULL));
}

/*
 * Read a file with the given columns; return a dump of the records:
 * "LINE:f1|f2|...\n" per record (bb_get of each column), plus the status
 * of bb_reader_columns.  stderr goes to errs.
 */
static char out[1 << 20];
static int read_all(struct bb_ctx *ctx, const char *path,
		    const char *const *cols, const char *const *req)
{
	size_t o = 0;
	int st = -9;
	out[0] = 0;
	capture_begin();
	struct bb_reader *r = bb_reader_open(ctx, path);
	if (r) {
		st = bb_reader_columns(r, cols, req);
		struct bb_rec *rec;
		int rc;
		while ((rc = bb_reader_next(r, &rec)) > 0) {
			o += (size_t)snprintf(out + o, sizeof out - o, "%ld:",
					      rec->line);
			for (int i = 0; cols[i]; i++)
				o += (size_t)snprintf(out + o, sizeof out - o,
						      "%s%s", i ? "|" : "",
						      bb_get(r, rec, cols[i]));
			o += (size_t)snprintf(out + o, sizeof out - o, "\n");
			if (o > sizeof out - 8192)
				break;
		}
		if (rc < 0)
			st = -1;
		bb_reader_close(r);
	}
	capture_end();
	return st;
}

static void ctx_new(struct bb_ctx *ctx)
{
	bb_ctx_init(ctx, "t");
}

static const char *const dcols[] = { "donor_id", "name", "sex", "phone",
				     NULL };
static const char *const dreq[] = { "donor_id", "sex", NULL };

static void test_basic(void)
{
	struct bb_ctx ctx;
	ctx_new(&ctx);
	const char *s = "donor_id,name,sex,phone\n"
		"D1,Li Lei,M,13800138000\n"
		"\"D2\",\"Han, Meimei\",F,\n"
		"D3,\"say \"\"hi\"\"\",M,1\n"
		"\n"
		"D4,\"two\nlines\",F,2\n"
		"D5,  spaced  ,\" q \",3\n";
	write_file("a.csv", s, strlen(s));
	T_INTEQ(read_all(&ctx, path_of("a.csv"), dcols, dreq), BB_OK);
	T_STREQ(out, "2:D1|Li Lei|M|13800138000\n"
		"3:D2|Han, Meimei|F|\n"
		"4:D3|say \"hi\"|M|1\n"
		"6:D4|two\nlines|F|2\n"
		"8:D5|spaced|q|3\n");
	T_STREQ(errs, "");
	T_INTEQ(ctx.nrejected, 0);
	bb_ctx_free(&ctx);
}

static void test_crlf_bom(void)
{
	struct bb_ctx ctx;
	ctx_new(&ctx);
	const char *s = "\xef\xbb\xbf" "donor_id,sex\r\nD1,M\r\n\"D\r\n2\",F\r\nD3,F";
	write_file("b.csv", s, strlen(s));
	const char *const c[] = { "donor_id", "sex", NULL };
	T_INTEQ(read_all(&ctx, path_of("b.csv"), c, c), BB_OK);
	T_STREQ(out, "2:D1|M\n3:D\r\n2|F\n5:D3|F\n");
	T_STREQ(errs, "");
	bb_ctx_free(&ctx);
}

static void test_tsv(void)
{
	struct bb_ctx ctx;
	const char *const c[] = { "donor_id", "name", NULL };
	const char *s = "donor_id\tname\nD1\t\"quoted, text\"\r\nD2\ta,b\n";
	const char *want = "2:D1|\"quoted, text\"\n3:D2|a,b\n";
	ctx_new(&ctx);
	write_file("c.tsv", s, strlen(s));
	T_INTEQ(read_all(&ctx, path_of("c.tsv"), c, c), BB_OK);
	T_STREQ(out, want);
	write_file("c.tab", s, strlen(s));
	T_INTEQ(read_all(&ctx, path_of("c.tab"), c, c), BB_OK);
	T_STREQ(out, want);
	write_file("c.txt", s, strlen(s));
	ctx.in_tsv = 1;
	T_INTEQ(read_all(&ctx, path_of("c.txt"), c, c), BB_OK);
	T_STREQ(out, want);
	ctx.in_tsv = 0;
	ctx.delim = '\t';
	T_INTEQ(read_all(&ctx, path_of("c.txt"), c, c), BB_OK);
	T_STREQ(out, want);
	T_STREQ(errs, "");
	/* a TAB file read as CSV has one column: donor_id missing */
	ctx.delim = 0;
	T_INTEQ(read_all(&ctx, path_of("c.txt"), c, c), BB_EROWS);
	bb_ctx_free(&ctx);
}

static void test_delim(void)
{
	struct bb_ctx ctx;
	ctx_new(&ctx);
	ctx.delim = ';';
	const char *const c[] = { "donor_id", "name", NULL };
	const char *s = "donor_id;name\nD1;\"a;b\"\nD2;x,y\n";
	write_file("d.csv", s, strlen(s));
	T_INTEQ(read_all(&ctx, path_of("d.csv"), c, c), BB_OK);
	T_STREQ(out, "2:D1|a;b\n3:D2|x,y\n");
	bb_ctx_free(&ctx);
}

static void test_gzip(void)
{
	struct bb_ctx ctx;
	ctx_new(&ctx);
	const char *const c[] = { "donor_id", "name", NULL };
	gzFile gz = gzopen(path_of("e.csv"), "wb");
	gzputs(gz, "donor_id,name\n");
	for (int i = 0; i < 1000; i++)
		gzprintf(gz, "D%d,\"n%d\"\n", i, i);
	gzclose(gz);
	T_INTEQ(read_all(&ctx, path_of("e.csv"), c, c), BB_OK);
	T_OK(!strncmp(out, "2:D0|n0\n3:D1|n1\n", 16), "gzip by magic bytes");
	T_OK(strstr(out, "1001:D999|n999\n") != NULL, "gzip: all records");
	/* a truncated gzip file is an I/O error */
	size_t n;
	char *z = slurp(path_of("e.csv"), &n);
	write_file("e2.csv", z, n / 2);
	T_INTEQ(read_all(&ctx, path_of("e2.csv"), c, c), -1);
	T_OK(strstr(errs, "t: read error: '") != NULL, "truncated gzip reported");
	bb_ctx_free(&ctx);
}

static size_t to_gb18030(const char *utf8, char *outb, size_t cap)
{
	iconv_t cd = iconv_open("GB18030", "UTF-8");
	char *in = (char *)utf8, *o = outb;
	size_t inl = strlen(utf8), ol = cap;
	iconv(cd, &in, &inl, &o, &ol);
	iconv_close(cd);
	return cap - ol;
}

static void test_encoding(void)
{
	struct bb_ctx ctx;
	ctx_new(&ctx);
	const char *const c[] = { "donor_id", "name", "sex", NULL };
	char gb[4096];
	size_t n = to_gb18030("献血者编号,姓名,性别\nD1,张三,男\nD2,李四,女\n",
			      gb, sizeof gb);
	write_file("f.csv", gb, n);
	ctx.encoding = "GB18030";
	T_INTEQ(read_all(&ctx, path_of("f.csv"), c, c), BB_OK);
	T_STREQ(out, "2:D1|张三|男\n3:D2|李四|女\n");
	/* without --encoding: rejected file, with a hint */
	ctx.encoding = NULL;
	T_INTEQ(read_all(&ctx, path_of("f.csv"), c, c), BB_EROWS);
	T_OK(strstr(errs, ":1: invalid UTF-8 (wrong --encoding?)") != NULL,
	     "GB18030 header read as UTF-8 is refused");
	ctx.nrejected = 0;

	/* a multibyte character split across the 128 KiB read boundary */
	static char big[300000];
	size_t o = to_gb18030("donor_id,name,sex\n", big, 100);
	while (o < 131071 - 30) {
		memcpy(big + o, "X1,abc,M\n", 9);
		o += 9;
	}
	memcpy(big + o, "X2,", 3);
	o += 3;
	while (o < 131071)
		big[o++] = 'a';
	o += to_gb18030("张三,女\n", big + o, 100);	/* 张 at 131071 */
	write_file("g.csv", big, o);
	ctx.encoding = "GB18030";
	T_INTEQ(read_all(&ctx, path_of("g.csv"), c, c), BB_OK);
	T_OK(strstr(out, "aaaaaaaaaa张三|女\n") != NULL,
	     "sequence split across reads decoded");
	T_STREQ(errs, "");

	/* an invalid sequence rejects its record only */
	n = to_gb18030("donor_id,name,sex\nD1,张三,男\n", gb, sizeof gb);
	static const char tail[] = "D2,\x81\x20x,F\nD3,ok,F\n";
	memcpy(gb + n, tail, sizeof tail - 1);
	n += sizeof tail - 1;
	write_file("h.csv", gb, n);
	T_INTEQ(read_all(&ctx, path_of("h.csv"), c, c), BB_OK);
	T_STREQ(out, "2:D1|张三|男\n4:D3|ok|F\n");
	bb_ctx_free(&ctx);
}

static void test_encoding_msg(void)
{
	struct bb_ctx ctx;
	ctx_new(&ctx);
	const char *const c[] = { "donor_id", "name", "sex", NULL };
	ctx.encoding = "GB18030";
	T_INTEQ(read_all(&ctx, path_of("h.csv"), c, c), BB_OK);
	char want[600];
	snprintf(want, sizeof want,
		 "t: %s:3: field 'name': invalid GB18030 byte sequence\n",
		 path_of("h.csv"));
	T_STREQ(errs, want);
	T_INTEQ(ctx.nrejected, 1);
	ctx.encoding = "NO-SUCH-CHARSET";
	T_INTEQ(read_all(&ctx, path_of("h.csv"), c, c), -9);
	T_STREQ(errs, "t: unknown encoding 'NO-SUCH-CHARSET' (see iconv -l)\n");
	bb_ctx_free(&ctx);
}

static void test_aliases(void)
{
	struct bb_ctx ctx;
	ctx_new(&ctx);
	const char *const c[] = { "donor_id", "national_id", "name", "sex",
				  "birth_date", "abo", "rhd", "phone", "din",
				  "collected_at", "volume_ml", "kind",
				  "region", "site", "registered", NULL };
	const char *s =
		"\xe3\x80\x80献血者编号 ,身份证号码,姓名,性别,出生日期,血型,RhD,手机号,献血码,"
		"采血时间,献血量,献血类型,地区,采血点,登记日期\n"
		"a,b,c,d,e,f,g,h,i,j,k,l,m,n,o\n";
	write_file("i.csv", s, strlen(s));
	T_INTEQ(read_all(&ctx, path_of("i.csv"), c, NULL), BB_OK);
	T_STREQ(out, "2:a|b|c|d|e|f|g|h|i|j|k|l|m|n|o\n");
	T_STREQ(errs, "");
	const char *e = "Donor ID,ID Number,Full Name,GENDER,DOB,Blood Group,"
		"Rh,Mobile,Unit-Number,Collection Date,Volume,donation_type,"
		"REGION,Site,Registration Date\n"
		"a,b,c,d,e,f,g,h,i,j,k,l,m,n,o\n";
	write_file("j.csv", e, strlen(e));
	T_INTEQ(read_all(&ctx, path_of("j.csv"), c, NULL), BB_OK);
	T_STREQ(out, "2:a|b|c|d|e|f|g|h|i|j|k|l|m|n|o\n");
	const char *v = "donor_id,blood_type,电话,身份证号,采血日期,DONOR_NAME\n"
		"a,b,c,d,e,f\n";
	write_file("k.csv", v, strlen(v));
	const char *const c2[] = { "donor_id", "abo", "phone", "national_id",
				   "collected_at", "name", NULL };
	T_INTEQ(read_all(&ctx, path_of("k.csv"), c2, NULL), BB_OK);
	T_STREQ(out, "2:a|b|c|d|e|f\n");
	bb_ctx_free(&ctx);
}

static void test_header_errors(void)
{
	struct bb_ctx ctx;
	ctx_new(&ctx);
	char want[1024];
	const char *s = "donor_id,sex,phone,手机\nD1,M,1,2\n";
	write_file("l.csv", s, strlen(s));
	T_INTEQ(read_all(&ctx, path_of("l.csv"), dcols, dreq), BB_EROWS);
	snprintf(want, sizeof want, "t: %s:1: field 'phone': duplicate column\n",
		 path_of("l.csv"));
	T_STREQ(errs, want);
	T_STREQ(out, "");
	T_INTEQ(ctx.nrejected, 1);

	ctx.nrejected = 0;
	s = "donor_id,name,sex,colour,shoe size\nD1,a,M,red,42\n";
	write_file("m.csv", s, strlen(s));
	T_INTEQ(read_all(&ctx, path_of("m.csv"), dcols, dreq), BB_OK);
	snprintf(want, sizeof want,
		 "t: %s:1: unknown column 'colour' ignored\n"
		 "t: %s:1: unknown column 'shoe size' ignored\n",
		 path_of("m.csv"), path_of("m.csv"));
	T_STREQ(errs, want);
	T_STREQ(out, "2:D1|a|M|\n");
	T_INTEQ(ctx.nrejected, 0);
	ctx.quiet = 1;
	T_INTEQ(read_all(&ctx, path_of("m.csv"), dcols, dreq), BB_OK);
	T_STREQ(errs, "");
	ctx.quiet = 0;

	s = "donor_id,name\nD1,a\n";
	write_file("n.csv", s, strlen(s));
	T_INTEQ(read_all(&ctx, path_of("n.csv"), dcols, dreq), BB_EROWS);
	snprintf(want, sizeof want,
		 "t: %s:1: field 'sex': required column missing\n",
		 path_of("n.csv"));
	T_STREQ(errs, want);
	T_STREQ(out, "");
	T_INTEQ(ctx.nrejected, 1);
	bb_ctx_free(&ctx);
}

static void test_empty(void)
{
	struct bb_ctx ctx;
	ctx_new(&ctx);
	write_file("o.csv", "", 0);
	T_INTEQ(read_all(&ctx, path_of("o.csv"), dcols, dreq), BB_OK);
	T_STREQ(out, "");
	T_STREQ(errs, "");
	write_file("p.csv", "donor_id,name,sex,phone\r\n", 25);
	T_INTEQ(read_all(&ctx, path_of("p.csv"), dcols, dreq), BB_OK);
	T_STREQ(out, "");
	write_file("p2.csv", "\xef\xbb\xbf", 3);
	T_INTEQ(read_all(&ctx, path_of("p2.csv"), dcols, dreq), BB_OK);
	T_STREQ(out, "");
	T_STREQ(errs, "");
	T_INTEQ(ctx.nrejected, 0);
	T_INTEQ(read_all(&ctx, path_of("does-not-exist.csv"), dcols, dreq), -9);
	T_OK(strstr(errs, "does-not-exist.csv': No such file or directory") &&
	     !strncmp(errs, "t: cannot open '", 16), "missing file reported");
	bb_ctx_free(&ctx);
}

static void test_bad_records(void)
{
	struct bb_ctx ctx;
	ctx_new(&ctx);
	const char *const c[] = { "donor_id", "name", "sex", NULL };
	char s[8192];
	size_t n = 0;
	n += (size_t)sprintf(s + n, "donor_id,name,sex\n");
	n += (size_t)sprintf(s + n, "D1,a,M\n");		/* 2 */
	n += (size_t)sprintf(s + n, "D2,b\n");			/* 3 */
	n += (size_t)sprintf(s + n, "D3,c,F,extra\n");		/* 4 */
	n += (size_t)sprintf(s + n, "D4,d,F,,\n");		/* 5: ok */
	memcpy(s + n, "D5,e\0e,M\n", 9);			/* 6 */
	n += 9;
	n += (size_t)sprintf(s + n, "D6,\xff\xfe,M\n");		/* 7 */
	n += (size_t)sprintf(s + n, "D7,a\"b,M\n");		/* 8 */
	n += (size_t)sprintf(s + n, "D8,\"x\"y,M\n");		/* 9 */
	n += (size_t)sprintf(s + n, "D9,\xc0\xaf,M\n");		/* 10 */
	n += (size_t)sprintf(s + n, "D10,ok,F\n");		/* 11 */
	write_file("q.csv", s, n);
	T_INTEQ(read_all(&ctx, path_of("q.csv"), c, c), BB_OK);
	T_STREQ(out, "2:D1|a|M\n5:D4|d|F\n11:D10|ok|F\n");
	char want[4096];
	const char *f = path_of("q.csv");
	snprintf(want, sizeof want,
		 "t: %s:3: wrong number of fields: 2 instead of 3\n"
		 "t: %s:4: wrong number of fields: 4 instead of 3\n"
		 "t: %s:6: field 'name': contains a NUL byte\n"
		 "t: %s:7: field 'name': invalid UTF-8 (wrong --encoding?)\n"
		 "t: %s:8: malformed quoting (a quote inside an unquoted "
		 "field, or text after a closing quote)\n"
		 "t: %s:9: malformed quoting (a quote inside an unquoted "
		 "field, or text after a closing quote)\n"
		 "t: %s:10: field 'name': invalid UTF-8 (wrong --encoding?)\n",
		 f, f, f, f, f, f, f);
	T_STREQ(errs, want);
	T_INTEQ(ctx.nrejected, 7);
	bb_ctx_free(&ctx);
}

static void test_unbalanced(void)
{
	struct bb_ctx ctx;
	ctx_new(&ctx);
	const char *const c[] = { "donor_id", "name", "sex", NULL };
	char want[2048];
	/* a quote opened on line 3 and never closed: records after it are
	 * still read, from line 4 on */
	const char *s = "donor_id,name,sex\nD1,a,M\nD2,\"b,M\nD3,c,F\nD4,d,M\n";
	write_file("r.csv", s, strlen(s));
	T_INTEQ(read_all(&ctx, path_of("r.csv"), c, c), BB_OK);
	T_STREQ(out, "2:D1|a|M\n4:D3|c|F\n5:D4|d|M\n");
	snprintf(want, sizeof want, "t: %s:3: quoted field not closed\n",
		 path_of("r.csv"));
	T_STREQ(errs, want);
	T_INTEQ(ctx.nrejected, 1);

	/* closed by a quote further on: text after it is malformed */
	s = "donor_id,name,sex\nD1,\"a,M\nD2,b,M\nD3,\"c\",F\nD4,d,M\n";
	write_file("s.csv", s, strlen(s));
	ctx.nrejected = 0;
	T_INTEQ(read_all(&ctx, path_of("s.csv"), c, c), BB_OK);
	T_STREQ(out, "3:D2|b|M\n4:D3|c|F\n5:D4|d|M\n");
	snprintf(want, sizeof want,
		 "t: %s:2: malformed quoting (a quote inside an unquoted "
		 "field, or text after a closing quote)\n", path_of("s.csv"));
	T_STREQ(errs, want);
	T_INTEQ(ctx.nrejected, 1);

	/* the header itself broken: the file is refused */
	s = "donor_id,\"name,sex\nD1,a,M\n";
	write_file("t.csv", s, strlen(s));
	ctx.nrejected = 0;
	T_INTEQ(read_all(&ctx, path_of("t.csv"), c, c), BB_EROWS);
	T_STREQ(out, "");
	T_INTEQ(ctx.nrejected, 1);
	bb_ctx_free(&ctx);
}

static void test_long(void)
{
	struct bb_ctx ctx;
	ctx_new(&ctx);
	const char *const c[] = { "donor_id", "name", NULL };
	size_t big = 1 << 20;
	char *s = malloc(big * 7);
	size_t n = (size_t)sprintf(s, "donor_id,name\nD1,");
	memset(s + n, 'x', BB_FIELD_MAX);
	n += BB_FIELD_MAX;
	n += (size_t)sprintf(s + n, "\nD2,\"");
	memset(s + n, 'y', BB_FIELD_MAX + 1);
	n += BB_FIELD_MAX + 1;
	n += (size_t)sprintf(s + n, "\"\nD3,");
	memset(s + n, 'z', big);	/* a 1 MB field */
	n += big;
	n += (size_t)sprintf(s + n, "\nD4,");
	memset(s + n, 'w', 5 * big);	/* a 5 MB line */
	n += 5 * big;
	n += (size_t)sprintf(s + n, "\nD5,ok\n");
	write_file("u.csv", s, n);
	T_INTEQ(read_all(&ctx, path_of("u.csv"), c, c), BB_OK);
	T_OK(!strncmp(out, "2:D1|xxxx", 9), "field of BB_FIELD_MAX bytes read");
	T_OK(strstr(out, "\n6:D5|ok\n") != NULL, "read on after long lines");
	T_INTEQ(strlen(out), 2 + 3 + BB_FIELD_MAX + 1 + 8);
	char want[2048];
	const char *f = path_of("u.csv");
	snprintf(want, sizeof want,
		 "t: %s:3: field 'name': longer than 4096 bytes\n"
		 "t: %s:4: field 'name': longer than 4096 bytes\n"
		 "t: %s:5: line longer than 4 MiB\n", f, f, f);
	T_STREQ(errs, want);
	/* the same as TSV */
	for (size_t i = 0; i < n; i++)
		if (s[i] == ',')
			s[i] = '\t';
	write_file("u.tsv", s, n);
	T_INTEQ(read_all(&ctx, path_of("u.tsv"), c, c), BB_OK);
	T_OK(strstr(out, "\n6:D5|ok\n") != NULL, "TSV: read on after long lines");
	free(s);
	bb_ctx_free(&ctx);
}

static void test_no_header(void)
{
	struct bb_ctx ctx;
	ctx_new(&ctx);
	ctx.no_header = 1;
	const char *const c[] = { "donor_id", "name", NULL };
	const char *s = "D1,a\nD2\nD3,c\n";
	write_file("v.csv", s, strlen(s));
	T_INTEQ(read_all(&ctx, path_of("v.csv"), c, c), BB_OK);
	T_STREQ(out, "1:D1|a\n3:D3|c\n");
	T_INTEQ(ctx.nrejected, 1);
	bb_ctx_free(&ctx);
}

static void test_stdin_and_get(void)
{
	struct bb_ctx ctx;
	ctx_new(&ctx);
	const char *s = "donor_id,name,sex,phone\n\" D1\t\",\"\xe3\x80\x80张三\xc2\xa0\",M,1\nD2,b,X,\n";
	write_file("w.csv", s, strlen(s));
	int fd = open(path_of("w.csv"), O_RDONLY);
	int save = dup(0);
	dup2(fd, 0);
	close(fd);
	capture_begin();
	struct bb_reader *r = bb_reader_open(&ctx, "-");
	T_STREQ(bb_reader_name(r), "stdin");
	T_INTEQ(bb_reader_columns(r, dcols, dreq), BB_OK);
	T_INTEQ(bb_reader_col(r, "sex"), 2);
	T_INTEQ(bb_reader_col(r, "region"), -1);
	struct bb_rec *rec;
	T_INTEQ(bb_reader_next(r, &rec), 1);
	T_STREQ(bb_get(r, rec, "donor_id"), "D1");
	T_STREQ(bb_get(r, rec, "name"), "张三");
	T_STREQ(bb_get(r, rec, "region"), "");
	T_STREQ(rec->file, "stdin");
	T_INTEQ(rec->nf, 4);
	T_INTEQ(bb_reader_next(r, &rec), 1);
	bb_reject(&ctx, r, rec, "sex", "not a sex (M or F)", "X");
	bb_reject(&ctx, r, rec, "phone", "bad phone", "13800138000");
	bb_reject(&ctx, r, rec, "national_id", "bad check character",
		  "11010119900307123X");
	bb_reject(&ctx, r, rec, "name", "empty", NULL);
	ctx.show_pii = 1;
	bb_reject(&ctx, r, rec, "phone", "bad phone", "13800138000");
	bb_reject(&ctx, r, rec, "name", "odd", "a\nb");
	T_INTEQ(bb_reader_next(r, &rec), 0);
	bb_reader_close(r);
	capture_end();
	dup2(save, 0);
	close(save);
	T_STREQ(errs, "t: stdin:3: field 'sex': not a sex (M or F): 'X'\n"
		"t: stdin:3: field 'phone': bad phone: '138****8000'\n"
		"t: stdin:3: field 'national_id': bad check character: "
		"'110101********123X'\n"
		"t: stdin:3: field 'name': empty\n"
		"t: stdin:3: field 'phone': bad phone: '13800138000'\n"
		"t: stdin:3: field 'name': odd: 'a?b'\n");
	T_INTEQ(ctx.nrejected, 6);
	T_INTEQ(ctx.stop, 0);
	bb_ctx_free(&ctx);
}

static void test_rejects_file(void)
{
	struct bb_ctx ctx;
	ctx_new(&ctx);
	char rej[512];
	snprintf(rej, sizeof rej, "%s", path_of("rej.csv"));
	ctx.rejects_path = rej;
	unlink(rej);
	const char *const c[] = { "donor_id", "name", "sex", NULL };
	const char *s = "donor_id,name,sex\nD1,\"a,b\",M\nD2,b\nD3,c,X\n";
	write_file("x.csv", s, strlen(s));
	capture_begin();
	struct bb_reader *r = bb_reader_open(&ctx, path_of("x.csv"));
	bb_reader_columns(r, c, c);
	struct bb_rec *rec;
	int n = 0;
	while (bb_reader_next(r, &rec) > 0) {
		if (!strcmp(bb_get(r, rec, "sex"), "X"))
			bb_reject(&ctx, r, rec, "sex", "not M or F", "X");
		else if (!strcmp(bb_get(r, rec, "donor_id"), "D1"))
			bb_reject(&ctx, r, rec, "name", "has a comma", "a,b");
		n++;
	}
	bb_reader_close(r);
	capture_end();
	T_INTEQ(n, 2);
	T_INTEQ(ctx.nrejected, 3);
	fflush(ctx.rejects_fp);
	T_STREQ(slurp(ctx.rejects_path, NULL),
		"donor_id,name,sex,line,error\n"
		"D1,\"a,b\",M,2,field 'name': has a comma\n"
		"D2,b,,3,wrong number of fields: 2 instead of 3\n"
		"D3,c,X,4,field 'sex': not M or F\n");
	struct stat st;
	stat(ctx.rejects_path, &st);
	T_INTEQ(st.st_mode & 0777, 0600);
	bb_ctx_free(&ctx);

	/* a second run appends without a second header */
	ctx_new(&ctx);
	ctx.rejects_path = rej;
	T_INTEQ(read_all(&ctx, path_of("x.csv"), c, c), BB_OK);
	bb_ctx_free(&ctx);
	const char *got = slurp(rej, NULL);
	T_OK(strstr(got, "D3,c,X,4,field 'sex': not M or F\n"
		    "D2,b,,3,wrong number of fields: 2 instead of 3\n") != NULL,
	     "rejects appended");
	T_OK(strstr(got + 10, "donor_id,name") == NULL, "header once");

	/* --strict: the first bad row stops reading */
	ctx_new(&ctx);
	ctx.strict = 1;
	T_INTEQ(read_all(&ctx, path_of("x.csv"), c, c), BB_OK);
	T_STREQ(out, "2:D1|a,b|M\n");
	T_INTEQ(ctx.stop, 1);
	T_INTEQ(ctx.nrejected, 1);
	bb_ctx_free(&ctx);
}

/* ------------------------------------------------------------- writer */

static const char *const wcols[] = { "din", "note", "n" };
static const char *const row1[] = { "A1", "plain", "1" };
static const char *const row2[] = { "A2", "has, comma \"q\"\nnl\ttab", NULL };
static const char *const row3[] = { "A3", "\\ \x01 ü", " x\t" };

static const char *write_rows(struct bb_ctx *ctx, const char *file, int *st)
{
	ctx->out_path = path_of(file);
	struct bb_writer *w = bb_writer_open(ctx, wcols, 3);
	bb_writer_row(w, row1);
	bb_writer_row(w, row2);
	bb_writer_row(w, row3);
	*st = bb_writer_close(w);
	return slurp(path_of(file), NULL);
}

static void test_writer(void)
{
	struct bb_ctx ctx;
	int st;
	ctx_new(&ctx);
	T_STREQ(write_rows(&ctx, "o1.csv", &st),
		"din,note,n\nA1,plain,1\nA2,\"has, comma \"\"q\"\"\nnl\ttab\",\n"
		"A3,\\ \x01 ü,\" x\t\"\n");
	T_INTEQ(st, BB_OK);
	ctx.out_fmt = BB_FMT_TSV;
	T_STREQ(write_rows(&ctx, "o2.tsv", &st),
		"din\tnote\tn\nA1\tplain\t1\nA2\thas, comma \"q\" nl tab\t\n"
		"A3\t\\ \x01 ü\t x \n");
	ctx.out_fmt = BB_FMT_JSON;
	T_STREQ(write_rows(&ctx, "o3.json", &st),
		"{\"din\":\"A1\",\"note\":\"plain\",\"n\":\"1\"}\n"
		"{\"din\":\"A2\",\"note\":\"has, comma \\\"q\\\"\\nnl\\ttab\",\"n\":\"\"}\n"
		"{\"din\":\"A3\",\"note\":\"\\\\ \\u0001 ü\",\"n\":\" x\\t\"}\n");
	ctx.out_fmt = BB_FMT_CSV;
	ctx.no_header = 1;
	ctx.bom = 1;
	ctx.delim = ';';
	T_STREQ(write_rows(&ctx, "o4.csv", &st),
		"\xef\xbb\xbf" "A1;plain;1\nA2;\"has, comma \"\"q\"\"\nnl\ttab\";\n"
		"A3;\\ \x01 ü;\" x\t\"\n");
	ctx.no_header = 0;
	ctx.bom = 0;
	ctx.delim = 0;

	/* .gz compresses */
	write_rows(&ctx, "o5.csv.gz", &st);
	T_INTEQ(st, BB_OK);
	size_t n;
	const char *raw = slurp(path_of("o5.csv.gz"), &n);
	T_OK(n > 2 && (unsigned char)raw[0] == 0x1f &&
	     (unsigned char)raw[1] == 0x8b, "-o x.gz is gzip");
	gzFile gz = gzopen(path_of("o5.csv.gz"), "rb");
	char buf[256] = "";
	int k = gzread(gz, buf, sizeof buf - 1);
	gzclose(gz);
	buf[k > 0 ? k : 0] = 0;
	T_STREQ(buf, "din,note,n\nA1,plain,1\nA2,\"has, comma \"\"q\"\"\nnl\ttab\",\n"
		"A3,\\ \x01 ü,\" x\t\"\n");

	/* write errors */
	if (access("/dev/full", W_OK) == 0) {
		ctx.out_path = "/dev/full";
		capture_begin();
		struct bb_writer *w = bb_writer_open(&ctx, wcols, 3);
		for (int i = 0; i < 5000; i++)
			bb_writer_row(w, row1);
		st = bb_writer_close(w);
		capture_end();
		T_INTEQ(st, BB_ESYS);
		T_STREQ(errs, "t: write error: '/dev/full': No space left on device\n");
		capture_begin();
		FILE *fp = bb_output_open(&ctx);
		fputs("x\n", fp);
		st = bb_output_close(&ctx, fp);
		capture_end();
		T_INTEQ(st, BB_ESYS);
		T_STREQ(errs, "t: write error: '/dev/full': No space left on device\n");
	}
	ctx.out_path = path_of("no/such/dir/x.csv");
	capture_begin();
	struct bb_writer *w = bb_writer_open(&ctx, wcols, 3);
	capture_end();
	T_OK(w == NULL, "uncreatable -o: NULL");
	T_OK(strstr(errs, "t: cannot create '") && strstr(errs, "No such file"),
	     "uncreatable -o reported");

	/* raw output */
	ctx.out_path = path_of("o6.svg");
	FILE *fp = bb_output_open(&ctx);
	fputs("<svg/>\n", fp);
	T_INTEQ(bb_output_close(&ctx, fp), BB_OK);
	T_STREQ(slurp(path_of("o6.svg"), NULL), "<svg/>\n");

	/* onto a stream, not closed */
	fp = fopen(path_of("o7.csv"), "w");
	w = bb_writer_stream(&ctx, fp, wcols, 2);
	bb_writer_row(w, row1);
	T_INTEQ(bb_writer_close(w), BB_OK);
	fputs("more\n", fp);
	fclose(fp);
	T_STREQ(slurp(path_of("o7.csv"), NULL), "din,note\nA1,plain\nmore\n");

	fp = fopen(path_of("o8.csv"), "w");
	bb_csv_put(fp, "plain", ',');
	fputc('|', fp);
	bb_csv_put(fp, "a,b", ',');
	fputc('|', fp);
	bb_csv_put(fp, "a;b", ';');
	fputc('|', fp);
	bb_csv_put(fp, "say \"x\"", ',');
	fputc('|', fp);
	bb_csv_put(fp, "cr\rlf", ',');
	fputc('|', fp);
	bb_csv_put(fp, NULL, ',');
	fputc('|', fp);
	bb_csv_put(fp, " lead", ',');
	fclose(fp);
	T_STREQ(slurp(path_of("o8.csv"), NULL),
		"plain|\"a,b\"|\"a;b\"|\"say \"\"x\"\"\"|\"cr\rlf\"||\" lead\"");
	bb_ctx_free(&ctx);
}

/* A whole file, however long, in malloc'd memory. */
static char *slurp_alloc(const char *path)
{
	FILE *fp = fopen(path, "r");
	size_t n = 0, cap = 1 << 16;
	char *b = malloc(cap);
	size_t k;
	while (fp && b && (k = fread(b + n, 1, cap - n - 1, fp)) > 0) {
		n += k;
		if (cap - n - 1 == 0)
			b = realloc(b, cap *= 2);
	}
	if (fp)
		fclose(fp);
	if (b)
		b[n] = 0;
	return b;
}

/* The shortcuts of the hot paths: fields trimmed when read, column
 * answers remembered, batched rows, fields longer than the line buffer. */
static void test_fast_paths(void)
{
	struct bb_ctx ctx;
	ctx_new(&ctx);

	/* unquoted (split by hand) and quoted (libcsv) lines trim alike,
	 * and rec->f holds the trimmed text */
	const char *s = "donor_id,name,sex,phone\n"
		"\xe3\x80\x80" "D1\xc2\xa0,\t\xe3\x80\x80\xe3\x80\x80张\xe3\x80\x80,M ,\xc2\xa0\n"
		"\"\xe3\x80\x80" "D2\xc2\xa0\",\" \xe3\x80\x80张\xc2\xa0\",\"M\",\"\xc2\xa0\"\n"
		"D3,\xef\xbd\xb1,F,\xc2\xa0x\xc2\xa0y\xc2\xa0\n";
	write_file("t.csv", s, strlen(s));
	capture_begin();
	struct bb_reader *r = bb_reader_open(&ctx, path_of("t.csv"));
	T_INTEQ(bb_reader_columns(r, dcols, dreq), BB_OK);
	struct bb_rec *rec;
	T_INTEQ(bb_reader_next(r, &rec), 1);
	T_STREQ(rec->f[0], "D1");
	T_STREQ(rec->f[1], "张");
	T_STREQ(rec->f[2], "M");
	T_STREQ(rec->f[3], "");
	T_INTEQ(bb_reader_next(r, &rec), 1);
	T_STREQ(rec->f[0], "D2");
	T_STREQ(rec->f[1], "张");
	T_STREQ(rec->f[3], "");
	T_INTEQ(bb_reader_next(r, &rec), 1);
	T_STREQ(bb_get(r, rec, "name"), "\xef\xbd\xb1");
	T_STREQ(bb_get(r, rec, "phone"), "x\xc2\xa0y");
	bb_reader_close(r);
	capture_end();
	T_STREQ(errs, "");

	/* more columns than remembered answers: every answer still right,
	 * by literal and by a copy of the name */
	enum { NC = 80 };
	char names[NC][8], hdr[NC * 8 + 2] = "", row[NC * 8 + 2] = "";
	const char *cols[NC + 1];
	for (int i = 0; i < NC; i++) {
		snprintf(names[i], sizeof names[i], "c%d", i);
		cols[i] = names[i];
		size_t h = strlen(hdr), w = strlen(row);
		/* the file has them in reverse order */
		snprintf(hdr + h, sizeof hdr - h, "%sc%d", i ? "," : "",
			 NC - 1 - i);
		snprintf(row + w, sizeof row - w, "%sv%d", i ? "," : "",
			 NC - 1 - i);
	}
	cols[NC] = NULL;
	char file[sizeof hdr + sizeof row + 2];
	snprintf(file, sizeof file, "%s\n%s\n", hdr, row);
	write_file("many.csv", file, strlen(file));
	r = bb_reader_open(&ctx, path_of("many.csv"));
	T_INTEQ(bb_reader_columns(r, cols, NULL), BB_OK);
	T_INTEQ(bb_reader_next(r, &rec), 1);
	int right = 0;
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < NC; i++) {
			char want[8], copy[8];
			snprintf(want, sizeof want, "v%d", i);
			snprintf(copy, sizeof copy, "c%d", i);
			right += !strcmp(bb_get(r, rec, cols[i]), want) &&
				 bb_reader_col(r, copy) == NC - 1 - i;
		}
	T_INTEQ(right, 2 * NC);
	/* declaring other columns forgets the old answers */
	const char *const two[] = { "c5", "c0", NULL };
	capture_begin();	/* the others are now unknown columns */
	T_INTEQ(bb_reader_columns(r, two, NULL), BB_OK);
	capture_end();
	T_OK(strstr(errs, "unknown column 'c79' ignored") != NULL,
	     "the other columns are unknown now");
	T_INTEQ(bb_reader_col(r, "c5"), NC - 1 - 5);
	T_INTEQ(bb_reader_col(r, cols[7]), -1);
	bb_reader_close(r);

	/* a batch writes what row-by-row writing writes, also when held
	 * back in a write transaction and for fields longer than the
	 * buffer; a leading U+FEFF is quoted, another 0xef character not */
	static char big[100000];
	memset(big, 'x', sizeof big - 1);
	const char *const r4[] = { "A4", big, "\xef\xbd\xb1" };
	const char *const r5[] = { "A5", "\xef\xbb\xbf" "bom", "" };
	char *want = NULL;
	for (int batch = 0; batch < 2; batch++) {
		ctx.out_path = path_of(batch ? "b1.csv" : "b0.csv");
		struct bb_writer *w = bb_writer_open(&ctx, wcols, 3);
		if (batch)
			bb_writer_batch(w);
		ctx.in_write_txn = batch;
		for (int i = 0; i < 3000; i++) {
			bb_writer_row(w, i % 3 ? row1 : row2);
			if (i % 1000 == 0)
				bb_writer_row(w, r4);
		}
		bb_writer_row(w, r5);
		T_INTEQ(bb_writer_close(w), BB_OK);
		T_OK(batch ? ctx.held != NULL : ctx.held == NULL,
		     "rows of a write transaction wait for its end");
		ctx.in_write_txn = 0;
		T_INTEQ(bb_writers_release(&ctx), BB_OK);
		char *got = slurp_alloc(ctx.out_path);
		if (!batch) {
			want = got;
			T_OK(strstr(got, "\nA4,xxx") && strstr(got, "x,\xef\xbd\xb1\n") &&
			     strstr(got, "\nA5,\"\xef\xbb\xbf" "bom\",\n"),
			     "long field, 0xef characters");
		} else {
			T_STREQ(got, want);
			free(got);
		}
	}
	free(want);
	bb_ctx_free(&ctx);
}

/* What the writer writes, the reader reads back. */
static void test_round_trip(void)
{
	struct bb_ctx ctx;
	int st;
	ctx_new(&ctx);
	write_rows(&ctx, "rt.csv", &st);
	const char *const c[] = { "din", "note", "n", NULL };
	T_INTEQ(read_all(&ctx, path_of("rt.csv"), c, c), BB_OK);
	T_STREQ(out, "2:A1|plain|1\n3:A2|has, comma \"q\"\nnl\ttab|\n"
		"5:A3|\\ \x01 ü|x\n");
	T_STREQ(errs, "");
	bb_ctx_free(&ctx);
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_basic();
	test_crlf_bom();
	test_tsv();
	test_delim();
	test_gzip();
	test_encoding();
	test_encoding_msg();
	test_aliases();
	test_header_errors();
	test_empty();
	test_bad_records();
	test_unbalanced();
	test_long();
	test_no_header();
	test_stdin_and_get();
	test_rejects_file();
	test_writer();
	test_fast_paths();
	test_round_trip();
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		return 1;
	return t_done();
}
