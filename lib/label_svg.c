/*
 * label_svg.c - the 100 x 100 mm ISBT 128 label as SVG (user units = mm).
 * Bar codes are encoded by libzint (Code 128 picks subset C for digit runs
 * by itself; Data Matrix ECC 200, square) and drawn from its vector
 * rectangles at X = 0.25 mm (Data Matrix 0.4 mm).
 *
 * Quadrants (ST-001 7.3, OBU): upper left DIN bar code, eye-readable DIN
 * with the boxed check character, collection date and facility; upper
 * right ABO/RhD; lower left product code and description; lower right
 * expiry and attributes (optional Data Matrix with the compound message).
 * The DIN/ABO and product/expiry pairs share a row with a 10.75 mm (43X)
 * gap, as concatenation asks (36X +/- 16X), with no line between them.
 */
#include <string.h>
#include <zint.h>

#include "ul.h"

#define X_MM 0.25
#define DM_X_MM 0.4

static void xml_text(FILE *fp, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", fp); break;
		case '<': fputs("&lt;", fp); break;
		case '>': fputs("&gt;", fp); break;
		case '"': fputs("&quot;", fp); break;
		default: fputc(*s, fp);
		}
	}
}

static void text(FILE *fp, double x, double y, double size, const char *weight,
		 const char *s)
{
	fprintf(fp, "<text x=\"%.2f\" y=\"%.2f\" font-size=\"%.2f\"%s%s%s>",
		x, y, size, weight ? " font-weight=\"" : "", weight ? weight : "",
		weight ? "\"" : "");
	xml_text(fp, s);
	fputs("</text>\n", fp);
}

/* Draw one symbol at (x, y); linear codes get height h mm. */
static int symbol(FILE *fp, int symbology, double x, double y, double h,
		  double xdim, const char *data, const char **why)
{
	struct zint_symbol *s = ZBarcode_Create();
	int rc;

	if (!s) {
		*why = "out of memory";
		return -1;
	}
	s->symbology = symbology;
	s->input_mode = DATA_MODE;
	s->show_hrt = 0;
	if (symbology == BARCODE_DATAMATRIX)
		s->option_3 = DM_SQUARE;
	rc = ZBarcode_Encode(s, (const unsigned char *)data, (int)strlen(data));
	if (rc < ZINT_ERROR)
		rc = ZBarcode_Buffer_Vector(s, 0);
	if (rc >= ZINT_ERROR) {
		*why = "bar code cannot be encoded";
		ZBarcode_Delete(s);
		return -1;
	}
	/* vector units per module, whatever zint's internal scale is */
	double f = xdim * s->width / s->vector->width;
	fprintf(fp, "<g fill=\"#000\"><!-- %s -->\n", data[0] == '=' &&
		data[1] == '+' ? "compound message" : "Code 128");
	for (struct zint_vector_rect *r = s->vector->rectangles; r; r = r->next) {
		double ry = symbology == BARCODE_CODE128 ? y : y + r->y * f;
		double rh = symbology == BARCODE_CODE128 ? h : r->height * f;
		fprintf(fp, "<rect x=\"%.3f\" y=\"%.3f\" width=\"%.3f\" "
			"height=\"%.3f\"/>\n", x + r->x * f, ry, r->width * f, rh);
	}
	fputs("</g>\n", fp);
	ZBarcode_Delete(s);
	return 0;
}

/* Wrap text at spaces (or after ';') into lines of at most `width` bytes. */
static void wrapped(FILE *fp, double x, double y, double size, double step,
		    int width, int maxlines, const char *s)
{
	char line[128];
	for (int n = 0; *s && n < maxlines; n++) {
		size_t len = strlen(s), cut = len;
		if ((int)len > width) {
			cut = (size_t)width;
			while (cut > 0 && s[cut] != ' ' && s[cut - 1] != ';')
				cut--;
			if (cut == 0)
				cut = (size_t)width;
		}
		snprintf(line, sizeof line, "%.*s", (int)cut, s);
		text(fp, x, y + n * step, size, NULL, line);
		s += cut;
		while (*s == ' ')
			s++;
	}
}

int label_svg(FILE *fp, const struct ul_label *l, int datamatrix,
	      const char **why)
{
	const struct bb_unit *u = &l->u;
	char k[2] = { l->k, 0 }, line[96];

	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"100mm\" "
	      "height=\"100mm\" viewBox=\"0 0 100 100\" font-family=\""
	      "DejaVu Sans Mono, Noto Sans Mono CJK SC, monospace\">\n"
	      "<rect x=\"0\" y=\"0\" width=\"100\" height=\"100\" fill=\"#fff\"/>\n",
	      fp);
	fprintf(fp, "<title>ISBT 128 label %s %s</title>\n", u->din, u->product);
	/* upper left: DIN */
	if (symbol(fp, BARCODE_CODE128, 5, 5, 8, X_MM, l->din_ds, why) < 0)
		return -1;
	text(fp, 5, 18, 3.5, NULL, l->din_text);
	/* check character in a box, set apart from the DIN */
	fprintf(fp, "<rect x=\"38.3\" y=\"14.6\" width=\"3.4\" height=\"4.6\" "
		"fill=\"none\" stroke=\"#000\" stroke-width=\"0.3\"/>\n");
	text(fp, 38.9, 18, 3.5, "bold", k);
	if (strcmp(l->flags, "00") &&
	    (isbt_flag_type(l->flags) == ISBT_FLAG_1 ||
	     isbt_flag_type(l->flags) == ISBT_FLAG_2)) {
		/* type 1/2 flags rotated 90 degrees clockwise; type 3 never */
		fprintf(fp, "<text x=\"0\" y=\"0\" font-size=\"2.5\" "
			"transform=\"translate(42.8 15) rotate(90)\">%s</text>\n",
			l->flags);
	}
	if (u->collected_at[0]) {
		snprintf(line, sizeof line, "Collected %.10s", u->collected_at);
		text(fp, 5, 24, 3, NULL, line);
	}
	text(fp, 5, 28.5, 3, NULL, l->facility);
	/* upper right: ABO/RhD */
	if (symbol(fp, BARCODE_CODE128, 52, 5, 8, X_MM, l->abo_ds, why) < 0)
		return -1;
	text(fp, 54, 34, 18, "bold", u->abo[0] ? u->abo : "--");
	text(fp, 54, 42, 5, "bold", !strcmp(u->rhd, "pos") ? "RhD POSITIVE"
			    : !strcmp(u->rhd, "neg") ? "RhD NEGATIVE" : "RhD --");
	fputs("<line x1=\"2\" y1=\"50\" x2=\"98\" y2=\"50\" stroke=\"#000\" "
	      "stroke-width=\"0.2\"/>\n", fp);
	/* lower left: product */
	if (symbol(fp, BARCODE_CODE128, 5, 55, 8, X_MM, l->product_ds, why) < 0)
		return -1;
	text(fp, 5, 68, 3.5, NULL, u->product);
	wrapped(fp, 5, 73, 2.8, 3.4, 26, 4, l->desc_en);
	if (l->desc_zh[0])
		text(fp, 5, 87, 3.2, NULL, l->desc_zh);
	if (u->volume_ml[0]) {
		snprintf(line, sizeof line, "%s ml  %s U", u->volume_ml,
			 u->units[0] ? u->units : "-");
		text(fp, 5, 92, 3, NULL, line);
	}
	/* lower right: expiry */
	if (symbol(fp, BARCODE_CODE128, 52, 55, 8, X_MM, l->expiry_ds, why) < 0)
		return -1;
	snprintf(line, sizeof line, "EXP %s", u->expires_at);
	text(fp, 52, 68, 3.5, "bold", line);
	if (u->attributes[0])
		wrapped(fp, 52, 73, 2.8, 3.4, 22, 2, u->attributes);
	if (u->antigens[0]) {
		/* special testing shown as its interpretation (ST-001 7.4) */
		snprintf(line, sizeof line, "Ag %.80s", u->antigens);
		wrapped(fp, 52, 81, 2.8, 3.4, 22, 2, line);
	}
	if (datamatrix && l->compound[0] &&
	    symbol(fp, BARCODE_DATAMATRIX, 86, 87, 0, DM_X_MM, l->compound,
		   why) < 0)
		return -1;
	fputs("</svg>\n", fp);
	return ferror(fp) ? -1 : 0;
}
