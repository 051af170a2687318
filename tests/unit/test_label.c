/* test_label.c - Code 128 subset choice for ZPL, attribute lists. */
#include "ul.h"
#include "t.h"

static void enc(const char *data, const char *want)
{
	char buf[128];
	T_OK(label_code128_zpl(data, buf, sizeof buf) > 0, data);
	T_STREQ(buf, want);
}

int main(void)
{
	/* DIN: start B for "=A", subset C for the 14 digits */
	enc("=A99992600000100", ">:=A>599992600000100");
	/* a 4-digit run at the end goes to C */
	enc("=%6200", ">:=%>56200");
	/* a 4-digit run inside stays in B (C pays off from 6) */
	enc("=<A1020V00", ">:=<A1020V00");
	/* '>' is written >0 */
	enc("&>0263592359", ">:&>0>50263592359");
	/* all digits, even: start C */
	enc("123456", ">;123456");
	/* odd leading run: first digit in B */
	enc("12345", ">:1>52345");
	enc("1234567", ">:1>5234567");
	/* run of 6 inside, then letters again */
	enc("AB123456CD", ">:AB>5123456>6CD");
	/* '^' and '~' escaped */
	enc("A^B~", ">:A><B>=");
	char buf[8];
	{ char b2[16]; T_INTEQ(label_code128_zpl("=%6200", b2, sizeof b2), 10); }
	T_OK(label_code128_zpl("=A99992600000100", buf, sizeof buf) < 0,
	     "too small a buffer is refused");
	T_OK(label_code128_zpl("a\tb", buf, sizeof buf) < 0,
	     "control characters are refused");

	char a[64];
	T_OK(ul_attrs_norm(" Washed; irradiated ;washed,,", a, sizeof a) == 0,
	     "normalise");
	T_STREQ(a, "irradiated;washed");
	T_OK(ul_attrs_has(a, "washed"), "has washed");
	T_OK(!ul_attrs_has(a, "wash"), "no partial match");
	T_OK(ul_attrs_add(a, sizeof a, "leukoreduced") == 0, "add");
	T_STREQ(a, "irradiated;leukoreduced;washed");
	T_OK(ul_attrs_norm("", a, sizeof a) == 0 && !a[0], "empty list");
	T_STREQ(ul_component("rbc"), "RBC");
	T_OK(ul_component("PRBC") == NULL, "unknown component");
	return t_done();
}
