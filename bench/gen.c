/*
 * gen - deterministic donor and donation data for the benchmarks.
 *
 *   gen donors N       N donor records (valid national IDs, phones, groups)
 *   gen donations N    N donation records for the donors of `gen donors
 *                      N/2`: two whole-blood donations each, seven months
 *                      apart, in time order, with measurements that pass
 *                      every cn pre-donation check
 *
 * Same N, same output, on every machine (a fixed 64-bit LCG).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bb.h"

static uint64_t seed = 0x9e3779b97f4a7c15ULL;

static uint32_t rnd(uint32_t n)
{
	seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)((seed >> 33) % n);
}

static const char *const surnames[] = {
	"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴",
	"徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马", "罗",
	"梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧",
	"程", "曹", "袁", "邓", "许", "傅", "沈", "曾", "彭", "吕"
};
static const char *const given[] = {
	"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋",
	"勇", "艳", "杰", "娟", "涛", "明", "超", "秀", "霞", "平",
	"刚", "桂", "英", "华", "玲", "斌", "辉", "燕", "鹏", "鑫",
	"宇", "浩", "凯", "健", "俊", "帆", "帅", "旭", "宁", "龙",
	"林", "欢", "阳", "建", "亮", "成", "佳", "晨", "婷", "雪",
	"倩", "琳", "莉", "颖", "慧", "思", "欣", "悦", "然", "博"
};
static const char *const regions[] = {
	"310104", "310115", "310106", "110101", "440305", "510107"
};
/* China ABO shares (rules 6A: O 34.2, A 28.7, B 28.2, AB 8.9); RhD- 0.4% */
static const char *group(void)
{
	uint32_t x = rnd(1000), neg = rnd(1000) < 4;

	if (x < 342) return neg ? "O-" : "O+";
	if (x < 629) return neg ? "A-" : "A+";
	if (x < 911) return neg ? "B-" : "B+";
	return neg ? "AB-" : "AB+";
}

struct donor {
	char id[24], nid[32], sex;
	int by, bm, bd;
};

/* Donor i is the same in every run, and its national ID is unique by
 * construction: region = i % 6, then k = i / 6 gives the birth date
 * (k % 9600 days after 1972-01-01) and the sequence and sex digits
 * (k / 9600, unique up to 57.6 M donors). */
static void make_donor(long i, struct donor *d)
{
	long k = i / 6;
	bb_time birth = bb_make_time(1972, 1, 1, 0, 0, 0) +
			(bb_time)(k % 9600) * BB_DAY;

	snprintf(d->id, sizeof d->id, "B%07ld", i);
	bb_split_time(birth, &d->by, &d->bm, &d->bd, NULL, NULL, NULL);
	snprintf(d->nid, sizeof d->nid, "%s%04d%02d%02d%03ld",
		 regions[i % 6], d->by, d->bm, d->bd, k / 9600 % 1000);
	d->nid[17] = bb_natid_check_char(d->nid);
	d->nid[18] = 0;
	d->sex = k / 9600 % 2 ? 'M' : 'F';
}

static void donors(long n)
{
	struct donor d;
	char sx[2] = "";

	puts("donor_id,national_id,name,sex,birth_date,abo,phone,region,registered");
	for (long i = 0; i < n; i++) {
		make_donor(i, &d);
		sx[0] = d.sex;
		printf("%s,%s,%s%s%s,%s,%04d-%02d-%02d,%s,1%d%09u,%s,2023-%02d-%02d\n",
		       d.id, d.nid, surnames[rnd(40)], given[rnd(60)],
		       given[rnd(60)], sx, d.by, d.bm, d.bd,
		       group(), 3 + (int)rnd(7), rnd(1000000000), regions[i % 6],
		       1 + (int)rnd(12), 1 + (int)rnd(28));
	}
}

static void donation(long seq, const struct donor *d, bb_time at)
{
	char t[17];
	int f = d->sex == 'F';

	printf("W0001%02d%06ld,%s,%s,WB,%d,SH-%02d,%d,%d,%d,%d,%d,36.%d\n",
	       (int)(seq / 1000000 % 100), seq % 1000000, d->id,
	       bb_fmt_time(at, t), 200 + 100 * (int)rnd(3), 1 + (int)rnd(20),
	       (f ? 118 : 125) + (int)rnd(30), (f ? 48 : 55) + (int)rnd(40),
	       110 + (int)rnd(29), 60 + (int)rnd(20), 62 + (int)rnd(35),
	       (int)rnd(10));
}

static void donations(long n)
{
	long nd = (n + 1) / 2;
	bb_time base = bb_make_time(2024, 1, 2, 8, 0, 0);
	bb_time second = bb_add_months(base, 7);
	/* spread the donors over 150 days, to the second: time order */
	double step = 150.0 * 86400 / (double)nd;
	struct donor d;

	puts("din,donor_id,collected_at,kind,volume_ml,site,hb_g_l,weight_kg,"
	     "sbp,dbp,pulse,temp_c");
	for (long i = 0; i < nd && i < n; i++) {
		make_donor(i, &d);
		donation(i, &d, base + (bb_time)(step * (double)i) / 60 * 60);
	}
	for (long i = 0; i < nd && nd + i < n; i++) {
		make_donor(i, &d);
		donation(nd + i, &d, second + (bb_time)(step * (double)i) / 60 * 60);
	}
}

int main(int argc, char **argv)
{
	long n = 1000000;

	if (argc < 2 || (strcmp(argv[1], "donors") && strcmp(argv[1], "donations"))) {
		fprintf(stderr, "usage: gen donors|donations [N]\n");
		return 2;
	}
	if (argc > 2 && (n = atol(argv[2])) <= 0) {
		fprintf(stderr, "gen: N '%s': want a positive number\n", argv[2]);
		return 2;
	}
	if (!strcmp(argv[1], "donors"))
		donors(n);
	else
		donations(n);
	return fflush(stdout) ? 3 : 0;
}
