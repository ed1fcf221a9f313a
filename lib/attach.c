/*
 * attach.c: the files attached to a service request.
 *
 * A file's type is decided by its first bytes, never by its name or the
 * browser's Content-Type. Photos (JPEG, PNG, HEIC) are decoded by
 * libvips, turned upright from their EXIF orientation tag and saved again
 * without any metadata, so GPS positions and camera details never reach
 * the disk. HEIC photos are saved as JPEG. A PDF is stored as sent once
 * its header, an object, its cross reference and trailer are found and
 * it names no script or action. Files are written under random names
 * in Attach.Dir, a directory that nginx does not serve, through a
 * temporary name and a rename, so a reader never sees half a file.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vips/vips.h>

#include "tawasul.h"

/* A PDF shorter than this contains no page, because the header, one
 * object and the trailer alone take more bytes. */
#define PDF_MIN_BYTES 64

/*
 * Reads the Attach section of the configuration. The defaults allow five
 * files of 5 MiB each. Attach.MaxBody, the largest request body of the
 * request form, defaults to all of them plus 1 MiB for the other fields.
 */
void
tw_attach_config_read(const struct tw_config *cfg, struct tw_attach_config *ac)
{
	ac->dir = hdf_get_value(cfg->hdf, "Attach.Dir", NULL);
	ac->max_files = hdf_get_int_value(cfg->hdf, "Attach.MaxFiles", 5);
	ac->max_bytes =
	    hdf_get_int_value(cfg->hdf, "Attach.MaxBytes", 5L * 1024 * 1024);
	ac->max_body = hdf_get_int_value(cfg->hdf, "Attach.MaxBody",
	    ac->max_files * ac->max_bytes + 1024L * 1024);
	ac->thumb_px = hdf_get_int_value(cfg->hdf, "Attach.ThumbSize", 320);
	ac->max_pixels =
	    hdf_get_int_value(cfg->hdf, "Attach.MaxPixels", 25L * 1000 * 1000);
	ac->max_request_pixels = hdf_get_int_value(cfg->hdf,
	    "Attach.MaxPixelsPerRequest", 60L * 1000 * 1000);
}

/* Returns 1 when the four bytes at p are one of the HEVC brands of
 * HEIF (ISO/IEC 23008-12): still images and sequences. */
static int
heic_brand(const unsigned char *p)
{
	static const char *const brands[] = { "heic", "heix", "hevc", "hevx",
		"heim", "heis" };

	for (size_t i = 0; i < sizeof brands / sizeof brands[0]; i++)
		if (memcmp(p, brands[i], 4) == 0)
			return 1;
	return 0;
}

/*
 * Returns 1 for an ISO base media file whose ftyp box names a HEVC
 * brand of HEIF, as major brand or, after the generic mif1 or msf1, as
 * a compatible brand. AVIF files share the container but not the brand.
 */
static int
is_heic(const unsigned char *p, size_t len)
{
	size_t box;

	if (len < 16 || memcmp(p + 4, "ftyp", 4) != 0)
		return 0;
	if (heic_brand(p + 8))
		return 1;
	if (memcmp(p + 8, "mif1", 4) != 0 && memcmp(p + 8, "msf1", 4) != 0)
		return 0;
	box = (size_t)p[0] << 24 | (size_t)p[1] << 16 | (size_t)p[2] << 8 |
	    p[3];
	if (box > len)
		box = len;
	/* Compatible brands follow the major brand and its version. */
	for (size_t at = 16; at + 4 <= box; at += 4)
		if (heic_brand(p + at))
			return 1;
	return 0;
}

/* Returns the type that the first bytes of a file show, or
 * TW_ATTACH_UNKNOWN. */
enum tw_attach_type
tw_attach_sniff(const unsigned char *p, size_t len)
{
	static const unsigned char png[] = { 0x89, 'P', 'N', 'G', '\r', '\n',
		0x1a, '\n' };

	if (len >= 3 && p[0] == 0xff && p[1] == 0xd8 && p[2] == 0xff)
		return TW_ATTACH_JPEG;
	if (len >= sizeof png && memcmp(p, png, sizeof png) == 0)
		return TW_ATTACH_PNG;
	if (len >= 5 && memcmp(p, "%PDF-", 5) == 0)
		return TW_ATTACH_PDF;
	if (is_heic(p, len))
		return TW_ATTACH_HEIC;
	return TW_ATTACH_UNKNOWN;
}

/* Returns 1 when the bytes of p contain "N 0 obj", the start of an
 * indirect object, somewhere. */
static int
has_object(const unsigned char *p, size_t len)
{
	const unsigned char *at = p, *end = p + len;

	while ((at = memmem(at, end - at, " 0 obj", 6)) != NULL) {
		if (at > p && isdigit(at[-1]))
			return 1;
		at += 6;
	}
	return 0;
}

/*
 * Returns 1 when a PDF starts with "%PDF-" and ends with "%%EOF", with
 * white space allowed after it because writers add a line end. The file
 * must also be long enough to contain an object, contain an indirect
 * object ("1 0 obj") and have a cross reference ("xref" or "startxref")
 * in its last kilobyte.
 */
int
tw_attach_pdf_valid(const unsigned char *p, size_t len)
{
	size_t end = len, tail;

	if (len < PDF_MIN_BYTES || memcmp(p, "%PDF-", 5) != 0)
		return 0;
	while (end > 0 && strchr(" \t\r\n", p[end - 1]) != NULL &&
	    p[end - 1] != '\0')
		end--;
	if (end < 5 || memcmp(p + end - 5, "%%EOF", 5) != 0)
		return 0;
	tail = end > 1024 ? end - 1024 : 0;
	if (memmem(p + tail, end - tail, "xref", 4) == NULL)
		return 0;
	return has_object(p, len);
}

/*
 * Returns 1 when a PDF names an action that runs or opens something:
 * scripts, actions on opening or on events, launching programs,
 * embedded files and media. This is a scan of the bytes: a name spelt
 * with "#xx" escapes or inside a compressed object stream is not seen,
 * so it only adds to the reader's own defences.
 */
int
tw_attach_pdf_active(const unsigned char *p, size_t len)
{
	static const char *const names[] = { "/JavaScript", "/JS",
		"/OpenAction", "/Launch", "/EmbeddedFile", "/RichMedia",
		"/AA" };

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		size_t n = strlen(names[i]);
		const unsigned char *at = p, *end = p + len;

		while ((at = memmem(at, end - at, names[i], n)) != NULL) {
			/* A name ends at white space or a delimiter, so
			 * "/JS" does not match "/JSON". */
			if (at + n == end || !isalnum(at[n]))
				return 1;
			at += n;
		}
	}
	return 0;
}

/* Returns the Content-Type of a stored type. */
const char *
tw_attach_mime(enum tw_attach_type type)
{
	switch (type) {
	case TW_ATTACH_JPEG:
	case TW_ATTACH_HEIC:
		return "image/jpeg";
	case TW_ATTACH_PNG:
		return "image/png";
	case TW_ATTACH_PDF:
		return "application/pdf";
	default:
		return "application/octet-stream";
	}
}

/* Returns the file extension of a stored type, with its dot. */
static const char *
extension(enum tw_attach_type type)
{
	switch (type) {
	case TW_ATTACH_PNG:
		return ".png";
	case TW_ATTACH_PDF:
		return ".pdf";
	default:
		return ".jpg";
	}
}

/*
 * Returns a file name safe for a Content-Disposition header. It is the
 * name the resident gave without its directory and extension, cut to 60
 * bytes with every byte other than ASCII letters, digits, '-' and '_'
 * written as '_', followed by the extension of the stored type. The
 * caller frees it.
 */
char *
tw_attach_download_name(const char *name, enum tw_attach_type type)
{
	const char *base = name ? name : "", *slash, *dot;
	char stem[61];
	size_t n = 0, stop;
	char *out;

	if ((slash = strrchr(base, '/')) != NULL)
		base = slash + 1;
	if ((slash = strrchr(base, '\\')) != NULL)
		base = slash + 1;
	dot = strrchr(base, '.');
	stop = dot && dot != base ? (size_t)(dot - base) : strlen(base);
	for (size_t i = 0; i < stop && n < sizeof stem - 1; i++) {
		unsigned char c = (unsigned char)base[i];

		stem[n++] = (c < 128 && (isalnum(c) || c == '-' || c == '_'))
		    ? (char)c
		    : '_';
	}
	stem[n] = '\0';
	if (strspn(stem, "_") == n)
		snprintf(stem, sizeof stem, "attachment");
	if (asprintf(&out, "%s%s", stem, extension(type)) < 0)
		return NULL;
	return out;
}

/* Returns the name to show for an uploaded file: its last path part,
 * cleaned to one line of valid UTF-8, or "file" when nothing is left. */
static char *
display_name(const char *name)
{
	const char *base = name ? name : "", *slash;
	char *clean;

	if ((slash = strrchr(base, '/')) != NULL)
		base = slash + 1;
	if ((slash = strrchr(base, '\\')) != NULL)
		base = slash + 1;
	if (!tw_utf8_valid(base, strlen(base)) || tw_utf8_chars(base) > 120)
		return strdup("file");
	clean = tw_text_clean(base, 0);
	if (clean != NULL && *clean == '\0') {
		free(clean);
		return strdup("file");
	}
	return clean;
}

/* Starts libvips once per process, without its operation cache: a
 * worker handles one request at a time and keeps nothing between them. */
static int
vips_start(void)
{
	static int started;

	if (started)
		return 0;
	if (VIPS_INIT("tawasul") != 0) {
		tw_log_error("attach: libvips failed to start: %s",
		    vips_error_buffer());
		return -1;
	}
	vips_cache_set_max(0);
	vips_concurrency_set(1);
	started = 1;
	return 0;
}

/* Loads a photo of a sniffed type with its own loader, so no other
 * loader of libvips ever receives a resident's bytes. Any warning of
 * the decoder, such as truncated data, fails the load. */
static int
load_photo(enum tw_attach_type type, const unsigned char *data, size_t len,
    VipsImage **out)
{
	switch (type) {
	case TW_ATTACH_JPEG:
		return vips_jpegload_buffer((void *)data, len, out, "fail_on",
		    VIPS_FAIL_ON_WARNING, NULL);
	case TW_ATTACH_PNG:
		return vips_pngload_buffer((void *)data, len, out, "fail_on",
		    VIPS_FAIL_ON_WARNING, NULL);
	case TW_ATTACH_HEIC:
		return vips_heifload_buffer((void *)data, len, out, "fail_on",
		    VIPS_FAIL_ON_WARNING, NULL);
	default:
		return -1;
	}
}

/* Saves an image without metadata: PNG stays PNG, the rest is JPEG. An
 * image with an alpha channel is flattened on white for JPEG. */
static int
save_stripped(VipsImage *img, int png, void **buf, size_t *len)
{
	VipsImage *flat = NULL;
	int rc;

	if (png)
		return vips_pngsave_buffer(img, buf, len, "strip", TRUE, NULL);
	if (vips_image_hasalpha(img)) {
		VipsArrayDouble *white =
		    vips_array_double_newv(3, 255.0, 255.0, 255.0);

		rc = vips_flatten(img, &flat, "background", white, NULL);
		vips_area_unref(VIPS_AREA(white));
		if (rc != 0)
			return rc;
		img = flat;
	}
	rc = vips_jpegsave_buffer(img, buf, len, "strip", TRUE, "Q", 88, NULL);
	if (flat != NULL)
		g_object_unref(flat);
	return rc;
}

/* Copies a buffer of libvips into one of malloc and frees the first. */
static unsigned char *
take_buffer(void *buf, size_t len)
{
	unsigned char *copy = malloc(len ? len : 1);

	if (copy != NULL)
		memcpy(copy, buf, len);
	g_free(buf);
	return copy;
}

/* Makes the JPEG thumbnail of a stored photo, at most thumb_px wide and
 * high. */
static enum tw_attach_problem
make_thumbnail(const struct tw_attach_config *ac, struct tw_attach *a)
{
	VipsImage *thumb = NULL;
	void *buf = NULL;
	size_t len = 0;
	int rc;

	rc = vips_thumbnail_buffer(a->data, a->len, &thumb, (int)ac->thumb_px,
	    "height", (int)ac->thumb_px, NULL);
	if (rc == 0)
		rc = save_stripped(thumb, 0, &buf, &len);
	if (thumb != NULL)
		g_object_unref(thumb);
	if (rc != 0)
		return TW_ATTACH_UNDECODABLE;
	if ((a->thumb = take_buffer(buf, len)) == NULL)
		return TW_ATTACH_NOMEM;
	a->thumb_len = len;
	return TW_ATTACH_OK;
}

/* Returns the length of the first line of libvips' error buffer. */
static int
first_line_len(void)
{
	return (int)strcspn(vips_error_buffer(), "\n");
}

/* Decodes a photo, turns it upright and keeps it without metadata. */
static enum tw_attach_problem
process_photo(const struct tw_attach_config *ac, const unsigned char *data,
    size_t len, struct tw_attach *a)
{
	VipsImage *in = NULL, *up = NULL;
	void *buf = NULL;
	size_t outlen = 0;
	enum tw_attach_problem problem = TW_ATTACH_UNDECODABLE;

	if (vips_start() != 0)
		return TW_ATTACH_NOMEM;
	if (load_photo(a->type, data, len, &in) != 0)
		goto done;
	if ((double)vips_image_get_width(in) * vips_image_get_height(in) >
	    (double)ac->max_pixels) {
		problem = TW_ATTACH_PIXELS;
		goto done;
	}
	/* vips_autorot applies the orientation tag and removes it. */
	if (vips_autorot(in, &up, NULL) != 0 ||
	    save_stripped(up, a->type == TW_ATTACH_PNG, &buf, &outlen) != 0)
		goto done;
	a->width = vips_image_get_width(up);
	a->height = vips_image_get_height(up);
	if (a->type == TW_ATTACH_HEIC)
		a->type = TW_ATTACH_JPEG;
	if ((a->data = take_buffer(buf, outlen)) == NULL) {
		problem = TW_ATTACH_NOMEM;
		goto done;
	}
	a->len = outlen;
	problem = make_thumbnail(ac, a);
done:
	if (problem != TW_ATTACH_OK && problem != TW_ATTACH_NOMEM)
		tw_log_info("attach: rejected photo: %.*s",
		    problem == TW_ATTACH_PIXELS ? 15 : first_line_len(),
		    problem == TW_ATTACH_PIXELS ? "too many pixels"
		                                : vips_error_buffer());
	vips_error_clear();
	if (up != NULL)
		g_object_unref(up);
	if (in != NULL)
		g_object_unref(in);
	return problem;
}

/*
 * Returns the decoding cost of a photo from its header alone, in pixels
 * of 8-bit RGB: width times height times the bytes of one pixel, over
 * 3. A 16-bit RGBA pixel costs 8/3, a grey one 1/3.
 */
static double
photo_cost(VipsImage *img)
{
	return (double)vips_image_get_width(img) * vips_image_get_height(img) *
	    vips_image_get_bands(img) *
	    vips_format_sizeof(vips_image_get_format(img)) / 3.0;
}

/*
 * Checks what a file shows without decoding it: its size, its type by
 * its first bytes, a PDF's structure and actions, and a photo's
 * dimensions from its header against Attach.MaxPixels. Sets
 * a->file_name and a->type, and *cost to the photo's decoding cost (see
 * photo_cost), 0 for a PDF. Returns TW_ATTACH_OK or the problem.
 */
static enum tw_attach_problem
inspect(const struct tw_attach_config *ac, const unsigned char *data,
    size_t len, const char *name, struct tw_attach *a, double *cost)
{
	VipsImage *in = NULL;
	enum tw_attach_problem problem = TW_ATTACH_OK;

	memset(a, 0, sizeof *a);
	*cost = 0;
	if ((a->file_name = display_name(name)) == NULL)
		return TW_ATTACH_NOMEM;
	if (len == 0)
		return TW_ATTACH_EMPTY;
	if ((long)len > ac->max_bytes)
		return TW_ATTACH_TOO_BIG;
	a->type = tw_attach_sniff(data, len);
	if (a->type == TW_ATTACH_UNKNOWN)
		return TW_ATTACH_TYPE;
	if (a->type == TW_ATTACH_PDF) {
		if (!tw_attach_pdf_valid(data, len))
			return TW_ATTACH_UNDECODABLE;
		return tw_attach_pdf_active(data, len) ? TW_ATTACH_ACTIVE
		                                       : TW_ATTACH_OK;
	}
	if (vips_start() != 0)
		return TW_ATTACH_NOMEM;
	/* The loaders of libvips read the header here and decode the
	 * pixels only when they are used. */
	if (load_photo(a->type, data, len, &in) != 0)
		problem = TW_ATTACH_UNDECODABLE;
	else if ((double)vips_image_get_width(in) * vips_image_get_height(in) >
	    (double)ac->max_pixels)
		problem = TW_ATTACH_PIXELS;
	else
		*cost = photo_cost(in);
	if (problem != TW_ATTACH_OK)
		tw_log_info("attach: rejected photo: %.*s",
		    problem == TW_ATTACH_PIXELS ? 15 : first_line_len(),
		    problem == TW_ATTACH_PIXELS ? "too many pixels"
		                                : vips_error_buffer());
	vips_error_clear();
	if (in != NULL)
		g_object_unref(in);
	return problem;
}

/*
 * Checks one uploaded file and prepares what is to be stored: the photo
 * upright and without metadata with its thumbnail, or the PDF as sent,
 * and the SHA-256 of the stored bytes. name is the name the browser
 * gave. Returns TW_ATTACH_OK, or the problem to tell the resident; a
 * is to be cleared with tw_attach_clear either way.
 */
enum tw_attach_problem
tw_attach_prepare(const struct tw_attach_config *ac, const unsigned char *data,
    size_t len, const char *name, struct tw_attach *a)
{
	enum tw_attach_problem problem;
	double cost;

	if ((problem = inspect(ac, data, len, name, a, &cost)) != TW_ATTACH_OK)
		return problem;
	if (a->type == TW_ATTACH_PDF) {
		if ((a->data = malloc(len)) == NULL)
			return TW_ATTACH_NOMEM;
		memcpy(a->data, data, len);
		a->len = len;
	} else if ((problem = process_photo(ac, data, len, a)) != TW_ATTACH_OK)
		return problem;
	tw_sha256_hex((const char *)a->data, a->len, a->sha256);
	return TW_ATTACH_OK;
}

/* Reads an uploaded file from fp into a new buffer, at most
 * Attach.MaxBytes and one byte more to see that it is too big. Returns
 * the buffer, or NULL. */
static unsigned char *
read_upload(const struct tw_attach_config *ac, FILE *fp, size_t *len)
{
	size_t cap = (size_t)ac->max_bytes + 1;
	unsigned char *buf;

	if (fp == NULL || fseek(fp, 0, SEEK_SET) != 0 ||
	    (buf = malloc(cap)) == NULL)
		return NULL;
	*len = fread(buf, 1, cap, fp);
	return buf;
}

/*
 * Reads an uploaded file from fp, at most Attach.MaxBytes and one byte
 * more to see that it is too big, and prepares it like
 * tw_attach_prepare.
 */
enum tw_attach_problem
tw_attach_read(const struct tw_attach_config *ac, FILE *fp, const char *name,
    struct tw_attach *a)
{
	unsigned char *buf;
	size_t len = 0;
	enum tw_attach_problem problem;

	if ((buf = read_upload(ac, fp, &len)) == NULL) {
		memset(a, 0, sizeof *a);
		a->file_name = display_name(name);
		return TW_ATTACH_NOMEM;
	}
	problem = tw_attach_prepare(ac, buf, len, name, a);
	free(buf);
	return problem;
}

/*
 * Reads an uploaded file from fp and checks it like tw_attach_prepare
 * without decoding a photo: size, type, a PDF's structure, a photo's
 * header and dimensions. Sets *cost to a photo's decoding cost in
 * pixels of 8-bit RGB (width times height times bytes per pixel over
 * 3), 0 for a PDF, for a limit on a whole request. Sets a->file_name;
 * a is to be cleared with tw_attach_clear either way.
 */
enum tw_attach_problem
tw_attach_read_header(const struct tw_attach_config *ac, FILE *fp,
    const char *name, struct tw_attach *a, double *cost)
{
	unsigned char *buf;
	size_t len = 0;
	enum tw_attach_problem problem;

	*cost = 0;
	if ((buf = read_upload(ac, fp, &len)) == NULL) {
		memset(a, 0, sizeof *a);
		a->file_name = display_name(name);
		return TW_ATTACH_NOMEM;
	}
	problem = inspect(ac, buf, len, name, a, cost);
	free(buf);
	return problem;
}

/* Writes out the path of a stored file or of its thumbnail. */
static int
stored_path(const struct tw_attach_config *ac, const char *stored, int thumb,
    char *out, size_t outsz)
{
	int n = snprintf(out, outsz, "%s/%s%s", ac->dir, stored,
	    thumb ? ".thumb" : "");

	return n > 0 && (size_t)n < outsz ? 0 : -1;
}

/* Writes len bytes to path through a temporary name in the same
 * directory and a rename. Returns 0, or -1 with nothing left behind. */
static int
write_file(const struct tw_attach_config *ac, const char *path,
    const char *stored, const unsigned char *data, size_t len)
{
	char tmp[4096];
	size_t done = 0;
	int fd, ok;

	if (snprintf(tmp, sizeof tmp, "%s/.tmp-%s", ac->dir, stored) >=
	    (int)sizeof tmp)
		return -1;
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640)) < 0)
		return -1;
	while (done < len) {
		ssize_t n = write(fd, data + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	ok = done == len && fsync(fd) == 0;
	if (close(fd) != 0)
		ok = 0;
	if (!ok || rename(tmp, path) != 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

/*
 * Stores a prepared file, and its thumbnail, under a new random name in
 * Attach.Dir and sets a->stored. Returns TW_OK, TW_ERR_CONFIG when
 * Attach.Dir is not set, or TW_ERR_IO with nothing left behind.
 */
enum tw_err
tw_attach_store(const struct tw_attach_config *ac, struct tw_attach *a)
{
	char stored[sizeof a->stored], path[4096], thumb[4096];
	enum tw_err err;

	if (ac->dir == NULL || *ac->dir == '\0')
		return TW_ERR_CONFIG;
	if ((err = tw_random_token(stored, sizeof stored, 18)) != TW_OK)
		return err;
	if (stored_path(ac, stored, 0, path, sizeof path) != 0 ||
	    stored_path(ac, stored, 1, thumb, sizeof thumb) != 0)
		return TW_ERR_IO;
	if (write_file(ac, path, stored, a->data, a->len) != 0) {
		tw_log_error("attach: writing %s failed: %s", path,
		    strerror(errno));
		return TW_ERR_IO;
	}
	if (a->thumb != NULL &&
	    write_file(ac, thumb, stored, a->thumb, a->thumb_len) != 0) {
		tw_log_error("attach: writing %s failed: %s", thumb,
		    strerror(errno));
		unlink(path);
		return TW_ERR_IO;
	}
	memcpy(a->stored, stored, sizeof stored);
	return TW_OK;
}

/* Removes a stored file and its thumbnail, as when the database
 * transaction that was to record them failed. */
void
tw_attach_unstore(const struct tw_attach_config *ac, struct tw_attach *a)
{
	char path[4096];

	if (a->stored[0] == '\0')
		return;
	if (stored_path(ac, a->stored, 0, path, sizeof path) == 0)
		unlink(path);
	if (stored_path(ac, a->stored, 1, path, sizeof path) == 0)
		unlink(path);
	a->stored[0] = '\0';
}

/*
 * Reads a stored file, or its thumbnail, whole into *data (the caller
 * frees it). stored must be a name that tw_attach_store made. Returns
 * TW_OK, TW_ERR_NOTFOUND when the file is missing, TW_ERR_INPUT for a
 * name with other characters, or TW_ERR_IO.
 */
enum tw_err
tw_attach_load(const struct tw_attach_config *ac, const char *stored, int thumb,
    unsigned char **data, size_t *len)
{
	char path[4096];
	struct stat st;
	FILE *fp;
	size_t n;

	*data = NULL;
	*len = 0;
	if (stored == NULL || *stored == '\0' ||
	    strspn(stored,
	        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	        "0123456789-_") != strlen(stored))
		return TW_ERR_INPUT;
	if (ac->dir == NULL ||
	    stored_path(ac, stored, thumb, path, sizeof path) != 0)
		return TW_ERR_CONFIG;
	if ((fp = fopen(path, "rb")) == NULL)
		return errno == ENOENT ? TW_ERR_NOTFOUND : TW_ERR_IO;
	if (fstat(fileno(fp), &st) != 0 ||
	    (*data = malloc(st.st_size + 1)) == NULL) {
		fclose(fp);
		return TW_ERR_IO;
	}
	n = fread(*data, 1, (size_t)st.st_size, fp);
	fclose(fp);
	if (n != (size_t)st.st_size) {
		free(*data);
		*data = NULL;
		return TW_ERR_IO;
	}
	*len = n;
	return TW_OK;
}

/* Frees what tw_attach_prepare allocated; the stored files stay. */
void
tw_attach_clear(struct tw_attach *a)
{
	if (a == NULL)
		return;
	free(a->file_name);
	free(a->data);
	free(a->thumb);
	memset(a, 0, sizeof *a);
}
