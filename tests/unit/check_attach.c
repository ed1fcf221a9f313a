/*
 * check_attach.c: unit tests of lib/attach.c (type sniffing, the PDF
 * check, download names, photo processing) and of the field validation
 * of lib/svcrequest.c.
 *
 * The photos are made here with libvips: a grey image saved as JPEG or
 * PNG, with an EXIF orientation tag where the test needs one.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <vips/vips.h>

#include "tawasul.h"

#define NCASES(a) (sizeof(a) / sizeof((a)[0]))

/* A minimal one-page PDF: header, catalog, pages, page, cross
 * reference, trailer. */
static const char pdf[] =
    "%PDF-1.4\n"
    "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
    "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> "
    "endobj\n"
    "xref\n0 4\n"
    "trailer << /Size 4 /Root 1 0 R >>\n"
    "startxref\n9\n"
    "%%EOF\n";

static const struct tw_attach_config config = {
	.dir = NULL,
	.max_files = 3,
	.max_bytes = 1024 * 1024,
	.max_body = 4 * 1024 * 1024,
	.thumb_px = 64,
	.max_pixels = 4000 * 4000,
};

/* Makes a width x height grey photo as JPEG or PNG, with an EXIF
 * orientation tag when orientation is not 0. The caller g_frees it. */
static void *
make_photo(int width, int height, int png, int orientation, size_t *len)
{
	VipsImage *black = NULL, *grey = NULL;
	void *buf = NULL;

	ck_assert_int_eq(vips_black(&black, width, height, "bands", 3, NULL),
	    0);
	ck_assert_int_eq(vips_linear1(black, &grey, 1.0, 128.0, "uchar", TRUE,
	                     NULL),
	    0);
	if (orientation != 0)
		vips_image_set_int(grey, VIPS_META_ORIENTATION, orientation);
	if (png)
		ck_assert_int_eq(vips_pngsave_buffer(grey, &buf, len, NULL), 0);
	else
		ck_assert_int_eq(vips_jpegsave_buffer(grey, &buf, len, NULL),
		    0);
	g_object_unref(grey);
	g_object_unref(black);
	return buf;
}

START_TEST(test_sniff_by_bytes)
{
	static const struct {
		const char *bytes;
		size_t len;
		enum tw_attach_type type;
	} cases[] = {
		{ "\xff\xd8\xff\xe0", 4, TW_ATTACH_JPEG },
		{ "\x89PNG\r\n\x1a\n\0\0", 10, TW_ATTACH_PNG },
		{ "%PDF-1.7", 8, TW_ATTACH_PDF },
		{ "\0\0\0\x18"
		  "ftypheic\0\0\0\0mif1heic",
		    24, TW_ATTACH_HEIC },
		{ "\0\0\0\x18"
		  "ftypmif1\0\0\0\0mif1heic",
		    24, TW_ATTACH_HEIC },
		/* AVIF shares the container but is no HEIC. */
		{ "\0\0\0\x18"
		  "ftypavif\0\0\0\0mif1avif",
		    24, TW_ATTACH_UNKNOWN },
		{ "\0\0\0\x18"
		  "ftypmif1\0\0\0\0mif1avif",
		    24, TW_ATTACH_UNKNOWN },
		{ "GIF89a", 6, TW_ATTACH_UNKNOWN },
		{ "hello, this is text", 19, TW_ATTACH_UNKNOWN },
		{ "<svg xmlns=", 11, TW_ATTACH_UNKNOWN },
		{ "\xff\xd8", 2, TW_ATTACH_UNKNOWN },
		{ "", 0, TW_ATTACH_UNKNOWN },
	};

	for (size_t i = 0; i < NCASES(cases); i++)
		ck_assert_msg(tw_attach_sniff((const unsigned char *)cases[i]
		                                  .bytes,
		                  cases[i].len) == cases[i].type,
		    "case %zu", i);
}
END_TEST

START_TEST(test_pdf_header_and_trailer)
{
	char buf[1024];
	size_t len = strlen(pdf);

	ck_assert_int_eq(tw_attach_pdf_valid((const unsigned char *)pdf, len),
	    1);
	/* Line ends after %%EOF are allowed; anything else is not. */
	snprintf(buf, sizeof buf, "%s\r\n  ", pdf);
	ck_assert_int_eq(tw_attach_pdf_valid((unsigned char *)buf, strlen(buf)),
	    1);
	snprintf(buf, sizeof buf, "%sjunk", pdf);
	ck_assert_int_eq(tw_attach_pdf_valid((unsigned char *)buf, strlen(buf)),
	    0);
	/* Cut short: no trailer. */
	ck_assert_int_eq(tw_attach_pdf_valid((const unsigned char *)pdf,
	                     len - 8),
	    0);
	/* A header and a trailer and nothing between. */
	ck_assert_int_eq(tw_attach_pdf_valid((const unsigned char
	                                             *)"%PDF-1.4\n%%EOF\n",
	                     15),
	    0);
	ck_assert_int_eq(tw_attach_pdf_valid((const unsigned char *)"", 0), 0);
}
END_TEST

START_TEST(test_download_name_safe)
{
	static const struct {
		const char *name;
		enum tw_attach_type type;
		const char *expected;
	} cases[] = {
		{ "photo.JPG", TW_ATTACH_JPEG, "photo.jpg" },
		{ "IMG_0001.heic", TW_ATTACH_JPEG, "IMG_0001.jpg" },
		{ "C:\\Users\\me\\scan 1.pdf", TW_ATTACH_PDF, "scan_1.pdf" },
		{ "../../etc/passwd", TW_ATTACH_PNG, "passwd.png" },
		{ "a\"b\r\nc.png", TW_ATTACH_PNG, "a_b__c.png" },
		{ "صورة.jpg", TW_ATTACH_JPEG, "attachment.jpg" },
		{ "", TW_ATTACH_PDF, "attachment.pdf" },
		{ ".hidden", TW_ATTACH_JPEG, "_hidden.jpg" },
	};

	for (size_t i = 0; i < NCASES(cases); i++) {
		char *name =
		    tw_attach_download_name(cases[i].name, cases[i].type);

		ck_assert_str_eq(name, cases[i].expected);
		free(name);
	}
}
END_TEST

START_TEST(test_prepare_rejections)
{
	struct tw_attach a;
	unsigned char *big = calloc(config.max_bytes + 1, 1);
	static const char text[] = "This is a text file, not a PDF at all.";

	ck_assert_int_eq(tw_attach_prepare(&config, (const unsigned char *)"",
	                     0, "empty.pdf", &a),
	    TW_ATTACH_EMPTY);
	ck_assert_str_eq(a.file_name, "empty.pdf");
	tw_attach_clear(&a);
	big[0] = 0xff, big[1] = 0xd8, big[2] = 0xff;
	ck_assert_int_eq(tw_attach_prepare(&config, big, config.max_bytes + 1,
	                     "big.jpg", &a),
	    TW_ATTACH_TOO_BIG);
	tw_attach_clear(&a);
	ck_assert_int_eq(tw_attach_prepare(&config, (const unsigned char *)text,
	                     sizeof text - 1, "/tmp/report.pdf", &a),
	    TW_ATTACH_TYPE);
	ck_assert_str_eq(a.file_name, "report.pdf");
	tw_attach_clear(&a);
	/* JPEG markers followed by nothing a decoder can read. */
	ck_assert_int_eq(tw_attach_prepare(&config, big, 4096, "broken.jpg",
	                     &a),
	    TW_ATTACH_UNDECODABLE);
	tw_attach_clear(&a);
	free(big);
}
END_TEST

START_TEST(test_prepare_truncated_jpeg)
{
	struct tw_attach a;
	size_t len;
	void *jpeg = make_photo(200, 100, 0, 0, &len);

	ck_assert_int_eq(tw_attach_prepare(&config, jpeg, len / 2, "half.jpg",
	                     &a),
	    TW_ATTACH_UNDECODABLE);
	tw_attach_clear(&a);
	g_free(jpeg);
}
END_TEST

START_TEST(test_prepare_turns_upright)
{
	struct tw_attach a;
	VipsImage *out = NULL;
	size_t len;
	/* Orientation 6: the camera was turned, the viewer rotates 90°. */
	void *jpeg = make_photo(300, 200, 0, 6, &len);
	char sha[65];

	ck_assert_int_eq(tw_attach_prepare(&config, jpeg, len, "cam.jpg", &a),
	    TW_ATTACH_OK);
	ck_assert_int_eq(a.type, TW_ATTACH_JPEG);
	ck_assert_int_eq(a.width, 200);
	ck_assert_int_eq(a.height, 300);
	ck_assert_ptr_nonnull(a.thumb);
	tw_sha256_hex((const char *)a.data, a.len, sha);
	ck_assert_str_eq(a.sha256, sha);
	ck_assert_int_eq(vips_jpegload_buffer(a.data, a.len, &out, NULL), 0);
	ck_assert_int_eq(vips_image_get_width(out), 200);
	ck_assert_int_eq(vips_image_get_typeof(out, VIPS_META_EXIF_NAME), 0);
	ck_assert_int_eq(vips_image_get_typeof(out, VIPS_META_ORIENTATION), 0);
	g_object_unref(out);
	ck_assert_int_eq(vips_jpegload_buffer(a.thumb, a.thumb_len, &out, NULL),
	    0);
	ck_assert_int_le(vips_image_get_height(out), config.thumb_px);
	ck_assert_int_lt(vips_image_get_width(out), vips_image_get_height(out));
	g_object_unref(out);
	tw_attach_clear(&a);
	g_free(jpeg);
}
END_TEST

/* Returns a temporary file with len bytes of data, rewound. */
static FILE *
temp_upload(const void *data, size_t len)
{
	FILE *fp = tmpfile();

	ck_assert_ptr_nonnull(fp);
	ck_assert_uint_eq(fwrite(data, 1, len, fp), len);
	rewind(fp);
	return fp;
}

START_TEST(test_read_header_cost_by_bytes)
{
	struct tw_attach a;
	struct tw_attach_config small = config;
	VipsImage *black = NULL, *deep = NULL, *rgb16 = NULL;
	void *png = NULL, *png16 = NULL;
	size_t len, len16;
	double cost = -1;
	FILE *fp;

	png = make_photo(40, 30, 1, 0, &len);
	fp = temp_upload(png, len);
	ck_assert_int_eq(tw_attach_read_header(&config, fp, "a.png", &a, &cost),
	    TW_ATTACH_OK);
	ck_assert_double_eq_tol(cost, 40 * 30, 0.01);
	/* Only the header was read: nothing is prepared for storing. */
	ck_assert_ptr_null(a.data);
	ck_assert_str_eq(a.file_name, "a.png");
	tw_attach_clear(&a);
	small.max_pixels = 40 * 30 - 1;
	ck_assert_int_eq(tw_attach_read_header(&small, fp, "a.png", &a, &cost),
	    TW_ATTACH_PIXELS);
	tw_attach_clear(&a);
	fclose(fp);

	ck_assert_int_eq(vips_black(&black, 40, 30, "bands", 4, NULL), 0);
	ck_assert_int_eq(vips_cast(black, &deep, VIPS_FORMAT_USHORT, NULL), 0);
	ck_assert_int_eq(vips_copy(deep, &rgb16, "interpretation",
	                     VIPS_INTERPRETATION_RGB16, NULL),
	    0);
	ck_assert_int_eq(vips_pngsave_buffer(rgb16, &png16, &len16, NULL), 0);
	fp = temp_upload(png16, len16);
	ck_assert_int_eq(tw_attach_read_header(&config, fp, "deep.png", &a,
	                     &cost),
	    TW_ATTACH_OK);
	ck_assert_double_eq_tol(cost, 40 * 30 * 8 / 3.0, 0.01);
	tw_attach_clear(&a);
	fclose(fp);

	fp = temp_upload(png, 20);
	ck_assert_int_eq(tw_attach_read_header(&config, fp, "cut.png", &a,
	                     &cost),
	    TW_ATTACH_UNDECODABLE);
	tw_attach_clear(&a);
	fclose(fp);

	fp = temp_upload(pdf, sizeof pdf - 1);
	ck_assert_int_eq(tw_attach_read_header(&config, fp, "d.pdf", &a, &cost),
	    TW_ATTACH_OK);
	ck_assert_double_eq(cost, 0);
	tw_attach_clear(&a);
	fclose(fp);

	g_object_unref(rgb16);
	g_object_unref(deep);
	g_object_unref(black);
	g_free(png16);
	g_free(png);
}
END_TEST

START_TEST(test_prepare_png_stays_png)
{
	struct tw_attach a;
	size_t len;
	void *png = make_photo(40, 30, 1, 0, &len);

	ck_assert_int_eq(tw_attach_prepare(&config, png, len, "map.png", &a),
	    TW_ATTACH_OK);
	ck_assert_int_eq(a.type, TW_ATTACH_PNG);
	ck_assert_int_eq(tw_attach_sniff(a.data, a.len), TW_ATTACH_PNG);
	ck_assert_str_eq(tw_attach_mime(a.type), "image/png");
	tw_attach_clear(&a);
	g_free(png);
}
END_TEST

START_TEST(test_prepare_pdf_as_sent)
{
	struct tw_attach a;

	ck_assert_int_eq(tw_attach_prepare(&config, (const unsigned char *)pdf,
	                     strlen(pdf), "form.pdf", &a),
	    TW_ATTACH_OK);
	ck_assert_int_eq(a.type, TW_ATTACH_PDF);
	ck_assert_uint_eq(a.len, strlen(pdf));
	ck_assert_int_eq(memcmp(a.data, pdf, a.len), 0);
	ck_assert_ptr_null(a.thumb);
	tw_attach_clear(&a);
}
END_TEST

/* The bytes of pdf with text put in before its cross reference. */
static size_t
pdf_with(const char *text, char *out, size_t outsz)
{
	const char *xref = strstr(pdf, "xref\n");
	int n = snprintf(out, outsz, "%.*s%s\n%s", (int)(xref - pdf), pdf, text,
	    xref);

	ck_assert_int_gt(n, 0);
	ck_assert_uint_lt((size_t)n, outsz);
	return (size_t)n;
}

START_TEST(test_pdf_needs_structure)
{
	/* An HTML page dressed as a PDF: header, "obj", trailer. */
	static const char html[] =
	    "%PDF-1.0\n<html><body><script>alert(1)</script>"
	    "<p>This obj is not a PDF object at all, only a page.</p>"
	    "</body></html>\n%%EOF\n";
	/* A cross reference but no indirect object. */
	static const char no_object[] =
	    "%PDF-1.4\n<< /Type /Catalog >> obj endobj stream endstream\n"
	    "xref\n0 1\ntrailer << >>\nstartxref\n9\n%%EOF\n";
	struct tw_attach a;

	ck_assert_int_eq(tw_attach_pdf_valid((const unsigned char *)html,
	                     sizeof html - 1),
	    0);
	ck_assert_int_eq(tw_attach_pdf_valid((const unsigned char *)no_object,
	                     sizeof no_object - 1),
	    0);
	ck_assert_int_eq(tw_attach_prepare(&config, (const unsigned char *)html,
	                     sizeof html - 1, "page.pdf", &a),
	    TW_ATTACH_UNDECODABLE);
	tw_attach_clear(&a);
}
END_TEST

START_TEST(test_pdf_active_content)
{
	static const char *const active[] = {
		"4 0 obj << /S /JavaScript /JS (app.alert(1)) >> endobj",
		"4 0 obj << /OpenAction 5 0 R >> endobj",
		"4 0 obj << /S /Launch /F (cmd.exe) >> endobj",
		"4 0 obj << /Type /EmbeddedFile /Length 0 >> endobj",
		"4 0 obj << /Subtype /RichMedia >> endobj",
		"4 0 obj << /AA << /O 5 0 R >> >> endobj",
		"4 0 obj << /JS(x) >> endobj",
	};
	char buf[2048];
	struct tw_attach a;
	size_t len;

	for (size_t i = 0; i < NCASES(active); i++) {
		len = pdf_with(active[i], buf, sizeof buf);
		ck_assert_msg(tw_attach_pdf_valid((unsigned char *)buf, len),
		    "case %zu", i);
		ck_assert_msg(tw_attach_prepare(&config, (unsigned char *)buf,
		                  len, "form.pdf", &a) == TW_ATTACH_ACTIVE,
		    "case %zu", i);
		ck_assert_ptr_null(a.data);
		tw_attach_clear(&a);
	}
	/* Names that only start like an action are harmless. */
	len = pdf_with("4 0 obj << /JSON 1 /AAB 2 /Launcher 3 >> endobj", buf,
	    sizeof buf);
	ck_assert_int_eq(tw_attach_prepare(&config, (unsigned char *)buf, len,
	                     "form.pdf", &a),
	    TW_ATTACH_OK);
	tw_attach_clear(&a);
}
END_TEST

START_TEST(test_prepare_cut_jpeg_with_end_marker)
{
	/* A 3000x3000 JPEG cut to 629 bytes and closed with an end-of-image
	 * marker: libjpeg only warns about it, and fills the rest grey. */
	VipsImage *black = NULL;
	void *buf = NULL;
	unsigned char cut[631];
	struct tw_attach a;
	size_t len = 0;

	ck_assert_int_eq(vips_black(&black, 3000, 3000, NULL), 0);
	ck_assert_int_eq(vips_jpegsave_buffer(black, &buf, &len,
	                     "optimize_coding", TRUE, "strip", TRUE, NULL),
	    0);
	g_object_unref(black);
	ck_assert_uint_gt(len, sizeof cut);
	memcpy(cut, buf, sizeof cut - 2);
	cut[sizeof cut - 2] = 0xff;
	cut[sizeof cut - 1] = 0xd9;
	g_free(buf);
	ck_assert_int_eq(tw_attach_prepare(&config, cut, sizeof cut, "cut.jpg",
	                     &a),
	    TW_ATTACH_UNDECODABLE);
	ck_assert_ptr_null(a.data);
	tw_attach_clear(&a);
}
END_TEST

/* Returns the number of entries of dir other than "." and "..". */
static int
count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") != 0 &&
		    strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

START_TEST(test_store_load_unstore)
{
	char dir[] = "/tmp/check_attach.XXXXXX";
	struct tw_attach_config ac = config;
	struct tw_attach a, b;
	unsigned char *data;
	char name[sizeof a.stored];
	size_t len, jpeg_len;
	void *jpeg = make_photo(120, 80, 0, 0, &jpeg_len);

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ac.dir = dir;
	ck_assert_int_eq(tw_attach_prepare(&ac, jpeg, jpeg_len, "a.jpg", &a),
	    TW_ATTACH_OK);
	ck_assert_int_eq(tw_attach_prepare(&ac, jpeg, jpeg_len, "b.jpg", &b),
	    TW_ATTACH_OK);
	ck_assert_int_eq(tw_attach_store(&ac, &a), TW_OK);
	ck_assert_int_eq(tw_attach_store(&ac, &b), TW_OK);
	ck_assert_uint_eq(strlen(a.stored), 24);
	ck_assert_str_ne(a.stored, b.stored);
	/* The file and its thumbnail of each, and no temporary file. */
	ck_assert_int_eq(count_entries(dir), 4);
	ck_assert_int_eq(tw_attach_load(&ac, a.stored, 0, &data, &len), TW_OK);
	ck_assert_uint_eq(len, a.len);
	ck_assert_int_eq(memcmp(data, a.data, len), 0);
	free(data);
	ck_assert_int_eq(tw_attach_load(&ac, a.stored, 1, &data, &len), TW_OK);
	ck_assert_uint_eq(len, a.thumb_len);
	free(data);
	ck_assert_int_eq(tw_attach_load(&ac, "../../etc/passwd", 0, &data,
	                     &len),
	    TW_ERR_INPUT);
	ck_assert_int_eq(tw_attach_load(&ac, "", 0, &data, &len), TW_ERR_INPUT);
	ck_assert_int_eq(tw_attach_load(&ac, "AAAAAAAAAAAAAAAAAAAAAAAA", 0,
	                     &data, &len),
	    TW_ERR_NOTFOUND);
	snprintf(name, sizeof name, "%s", a.stored);
	tw_attach_unstore(&ac, &a);
	tw_attach_unstore(&ac, &b);
	ck_assert_int_eq(count_entries(dir), 0);
	ck_assert_str_eq(a.stored, "");
	ck_assert_int_eq(tw_attach_load(&ac, name, 0, &data, &len),
	    TW_ERR_NOTFOUND);
	/* Without Attach.Dir nothing is written. */
	ac.dir = NULL;
	ck_assert_int_eq(tw_attach_store(&ac, &a), TW_ERR_CONFIG);
	tw_attach_clear(&a);
	tw_attach_clear(&b);
	rmdir(dir);
	g_free(jpeg);
}
END_TEST

/* A field of each kind, as service_fields defines them. */
static struct tw_svcchoice sizes[] = { { "240l" }, { "1100l" } };

static const struct tw_svcfield number_field = { .name = "containers",
	.kind = TW_SVCFIELD_NUMBER,
	.required = 1,
	.has_min = 1,
	.has_max = 1,
	.min = 1,
	.max = 4 };
static const struct tw_svcfield date_field = { .name = "pickup",
	.kind = TW_SVCFIELD_DATE,
	.required = 1,
	.has_min = 1,
	.has_max = 1,
	.min = 1,
	.max = 60 };
static const struct tw_svcfield choice_field = { .name = "size",
	.kind = TW_SVCFIELD_CHOICE,
	.required = 1,
	.choices = sizes,
	.nchoices = 2 };
static const struct tw_svcfield text_field = { .name = "plate",
	.kind = TW_SVCFIELD_TEXT,
	.max_length = 5 };

START_TEST(test_field_values)
{
	/* 2026-12-04 is day 20791 since 1970-01-01. */
	const long today = 20791;
	static const struct {
		const struct tw_svcfield *field;
		const char *raw;
		enum tw_svcfield_problem problem;
		const char *value;
	} cases[] = {
		{ &number_field, "3", TW_SVCFIELD_OK, "3" },
		{ &number_field, " ٤ ", TW_SVCFIELD_OK, "4" },
		{ &number_field, "۲", TW_SVCFIELD_OK, "2" },
		{ &number_field, "", TW_SVCFIELD_REQUIRED, NULL },
		{ &number_field, NULL, TW_SVCFIELD_REQUIRED, NULL },
		{ &number_field, "three", TW_SVCFIELD_BAD_NUMBER, NULL },
		{ &number_field, "2.5", TW_SVCFIELD_BAD_NUMBER, NULL },
		{ &number_field, "1e3", TW_SVCFIELD_BAD_NUMBER, NULL },
		{ &number_field, "9999999999", TW_SVCFIELD_BAD_NUMBER, NULL },
		{ &number_field, "0", TW_SVCFIELD_NUMBER_RANGE, NULL },
		{ &number_field, "5", TW_SVCFIELD_NUMBER_RANGE, NULL },
		{ &number_field, "-1", TW_SVCFIELD_NUMBER_RANGE, NULL },
		{ &date_field, "2026-12-05", TW_SVCFIELD_OK, "2026-12-05" },
		{ &date_field, "٢٠٢٦-١٢-٣١", TW_SVCFIELD_OK, "2026-12-31" },
		{ &date_field, "2026-12-04", TW_SVCFIELD_DATE_RANGE, NULL },
		{ &date_field, "2027-02-03", TW_SVCFIELD_DATE_RANGE, NULL },
		{ &date_field, "2027-02-30", TW_SVCFIELD_BAD_DATE, NULL },
		{ &date_field, "05/12/2026", TW_SVCFIELD_BAD_DATE, NULL },
		{ &date_field, "tomorrow", TW_SVCFIELD_BAD_DATE, NULL },
		{ &choice_field, "1100l", TW_SVCFIELD_OK, "1100l" },
		{ &choice_field, "660l", TW_SVCFIELD_BAD_CHOICE, NULL },
		{ &choice_field, "240L", TW_SVCFIELD_BAD_CHOICE, NULL },
		{ &choice_field, "", TW_SVCFIELD_REQUIRED, NULL },
		{ &text_field, "", TW_SVCFIELD_OK, NULL },
		{ &text_field, "  ب ١٢٣ ", TW_SVCFIELD_OK, "ب ١٢٣" },
		{ &text_field, "123456", TW_SVCFIELD_TOO_LONG, NULL },
		{ &text_field, "\xff\xfe", TW_SVCFIELD_ENCODING, NULL },
	};

	for (size_t i = 0; i < NCASES(cases); i++) {
		char *value = (char *)"unset";
		enum tw_svcfield_problem problem =
		    tw_svcfield_check(cases[i].field, cases[i].raw, today,
		        &value);

		ck_assert_msg(problem == cases[i].problem,
		    "case %zu: problem %d, expected %d", i, problem,
		    cases[i].problem);
		if (cases[i].value == NULL)
			ck_assert_msg(value == NULL, "case %zu: a value", i);
		else
			ck_assert_str_eq(value, cases[i].value);
		free(value);
	}
}
END_TEST

int
main(void)
{
	Suite *suite = suite_create("attach");
	TCase *tc = tcase_create("attach");
	SRunner *runner;
	int failed;

	if (VIPS_INIT("check_attach") != 0)
		return EXIT_FAILURE;
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_sniff_by_bytes);
	tcase_add_test(tc, test_pdf_header_and_trailer);
	tcase_add_test(tc, test_download_name_safe);
	tcase_add_test(tc, test_prepare_rejections);
	tcase_add_test(tc, test_prepare_truncated_jpeg);
	tcase_add_test(tc, test_prepare_turns_upright);
	tcase_add_test(tc, test_prepare_png_stays_png);
	tcase_add_test(tc, test_read_header_cost_by_bytes);
	tcase_add_test(tc, test_prepare_pdf_as_sent);
	tcase_add_test(tc, test_pdf_needs_structure);
	tcase_add_test(tc, test_pdf_active_content);
	tcase_add_test(tc, test_prepare_cut_jpeg_with_end_marker);
	tcase_add_test(tc, test_store_load_unstore);
	tcase_add_test(tc, test_field_values);
	suite_add_tcase(suite, tc);
	runner = srunner_create(suite);
	/* libvips starts threads, which do not survive Check's fork. */
	srunner_set_fork_status(runner, CK_NOFORK);
	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
