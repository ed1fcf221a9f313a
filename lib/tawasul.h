/*
 * tawasul.h: the shared library of every Tawasul program.
 *
 * One header with a section per file of lib/, in the order a request
 * meets them: errors and logging, text and input rules, tokens, the
 * database, the request loop and templates, then the case domain.
 * Every *_new or *_load has a matching *_free that accepts NULL.
 */
#ifndef TAWASUL_H
#define TAWASUL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <ClearSilver.h>
#include <fcgiapp.h>
#include <mysql.h>

/* err.c: the one error type of the project. */
enum tw_err {
	TW_OK = 0,
	TW_ERR_NOMEM,	  /* allocation failed */
	TW_ERR_IO,	  /* a file or stream could not be read or written */
	TW_ERR_CONFIG,	  /* configuration missing or invalid */
	TW_ERR_DB,	  /* the database failed or is unreachable */
	TW_ERR_DUPLICATE, /* a unique key already holds this value */
	TW_ERR_NOTFOUND,  /* no such row, route or file */
	TW_ERR_INPUT,	  /* a value failed validation */
	TW_ERR_CHECKSUM,  /* a case number with a wrong check digit */
	TW_ERR_FORBIDDEN, /* a token or permission check failed */
	TW_ERR_CONFLICT,  /* a state change not allowed from this state */
	TW_ERR_TEMPLATE,  /* a template failed to parse or render */
	TW_ERR_MAX
};

const char *tw_strerror(enum tw_err);
enum tw_err tw_err_from_neo(NEOERR *, const char *what);

/* log.c: one line per event on stderr (spawn-fcgi sends it to a file). */
void tw_log_init(const char *program, int debug);
void tw_log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void tw_log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void tw_log_error(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
void tw_log_debug(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

/* text.c: UTF-8 and digit rules shared by every input. */
int tw_utf8_valid(const char *, size_t len);
size_t tw_utf8_chars(const char *);
char *tw_digits_ascii(const char *);
char *tw_text_clean(const char *, int multiline);
char *tw_str_replace(const char *, const char *from, const char *to);

/* validate.c: input rules of the design, each a pure function. */
enum tw_err tw_mobile_normalise(const char *in, char out[16]);
enum tw_err tw_email_check(const char *);
enum tw_err tw_decimal_parse(const char *, double *out);

struct tw_area {
	double lat_min, lat_max;
	double lon_min, lon_max;
};

enum tw_coords {
	TW_COORDS_OK,
	TW_COORDS_NONE,	   /* both empty: coordinates are optional */
	TW_COORDS_HALF,	   /* one of the two missing */
	TW_COORDS_INVALID, /* not a number or not on Earth */
	TW_COORDS_SWAPPED, /* latitude and longitude exchanged */
	TW_COORDS_OUTSIDE  /* valid, but outside the service area */
};

enum tw_coords tw_coords_check(const char *lat, const char *lon,
    const struct tw_area *, double *lat_out, double *lon_out);

/* form.c: the input table of a handler and its validated values. */
enum tw_field_kind {
	TW_FIELD_LINE,	   /* one line of text */
	TW_FIELD_TEXT,	   /* several lines of text */
	TW_FIELD_CODE,	   /* [a-z0-9_-], a key into a table */
	TW_FIELD_MOBILE,   /* normalised to E.164 */
	TW_FIELD_EMAIL,	   /* normalised to lower case */
	TW_FIELD_DECIMAL,  /* a decimal number, digits normalised */
	TW_FIELD_CASENUM,  /* a case number with a valid check digit */
	TW_FIELD_TOKEN	   /* base64url, from a hidden field */
};

struct tw_field {
	const char *name;
	enum tw_field_kind kind;
	int required;
	size_t min; /* characters, for text kinds */
	size_t max; /* characters, or bytes for tokens */
};

#define TW_FORM_MAX 24

struct tw_form {
	const struct tw_field *fields;
	size_t nfields;
	char *values[TW_FORM_MAX]; /* validated; NULL when empty */
	int nerrors;
	HDF *hdf; /* where Form.Value.* and Form.Error.* go */
	HDF *strings; /* L.* of the page's language, for the messages */
};

enum tw_err tw_form_read(struct tw_form *, const struct tw_field *,
    size_t nfields, HDF *hdf);
const char *tw_form_value(const struct tw_form *, const char *name);
void tw_form_error(struct tw_form *, const char *field, const char *key,
    size_t limit);
void tw_form_free(struct tw_form *);

/* token.c: random tokens, HMAC and the two tokens of a public form. */
enum tw_err tw_random_token(char *out, size_t outsz, size_t nbytes);
void tw_base64url(const unsigned char *, size_t, char *out, size_t outsz);
void tw_hmac_token(const char *secret, const char *purpose,
    const char *data, char *out, size_t outsz);
int tw_token_equal(const char *a, const char *b);
void tw_sha256_hex(const char *data, size_t len, char out[65]);
enum tw_err tw_form_token_new(const char *secret, time_t now, char *out,
    size_t outsz);
enum tw_err tw_form_token_check(const char *secret, const char *token,
    time_t now, long max_age, char nonce[33]);

/* casenum.c: digit-only case numbers with a Damm check digit. */
#define TW_CASENUM_LEN 8
int tw_damm_digit(const char *digits);
enum tw_err tw_casenum_make(long long serial, char out[TW_CASENUM_LEN + 1]);
enum tw_err tw_casenum_parse(const char *in, char out[TW_CASENUM_LEN + 1]);

/* casestate.c: the case lifecycle, one transition table. */
enum tw_state {
	TW_STATE_NEW,
	TW_STATE_REGISTERED,
	TW_STATE_ASSIGNED,
	TW_STATE_IN_PROGRESS,
	TW_STATE_RESOLVED,
	TW_STATE_CLOSED,
	TW_STATE_REOPENED,
	TW_STATE_REFERRED,
	TW_STATE_REJECTED,
	TW_STATE_MAX
};

const char *tw_state_name(enum tw_state);
enum tw_err tw_state_parse(const char *, enum tw_state *);
int tw_state_can_move(enum tw_state from, enum tw_state to);

/* config.c: one HDF file of settings, loaded at start-up. */
struct tw_config {
	HDF *hdf;
	const char *db_socket;
	const char *db_name;
	const char *db_user;
	char *db_password; /* read from the secrets file */
	char *secret;	   /* HMAC key, read from the secrets file */
	const char *template_dir;
	const char *locale_dir;
	const char *base_url;
	const char *display_tz;
	long max_body;
	int cookie_secure;
	struct tw_area area;
};

enum tw_err tw_config_load(const char *path, struct tw_config **);
void tw_config_free(struct tw_config *);

/*
 * db.c: one connection per worker and prepared statements only. Each
 * lib/ module keeps its SQL in a static table of struct tw_stmt indexed
 * by its own enum; db.c prepares each entry on first use and keeps it.
 */
struct tw_stmt {
	const char *sql;
	int slot; /* set by db.c: the cache index of the prepared statement */
};

#define TW_DB_MAX_STMTS 256

enum tw_type { TW_NULL, TW_INT, TW_STR, TW_DOUBLE };

struct tw_param {
	enum tw_type type;
	long long i;
	double d;
	const char *s;
};

#define TW_P_INT(v)    ((struct tw_param){.type = TW_INT, .i = (v)})
#define TW_P_STR(v) \
	((struct tw_param){.type = (v) ? TW_STR : TW_NULL, .s = (v)})
#define TW_P_DOUBLE(v) ((struct tw_param){.type = TW_DOUBLE, .d = (v)})
#define TW_P_NULL      ((struct tw_param){.type = TW_NULL})

/* A materialised result: every cell as a string, NULL for SQL NULL. */
struct tw_rows {
	size_t nrows;
	size_t ncols;
	char **cells; /* nrows * ncols */
};

struct tw_db;

enum tw_err tw_db_open(const struct tw_config *, struct tw_db **);
void tw_db_close(struct tw_db *);
enum tw_err tw_db_begin(struct tw_db *);
enum tw_err tw_db_commit(struct tw_db *);
void tw_db_rollback(struct tw_db *);
enum tw_err tw_db_exec(struct tw_db *, struct tw_stmt *,
    const struct tw_param *, size_t nparams, unsigned long long *insert_id);
enum tw_err tw_db_query(struct tw_db *, struct tw_stmt *,
    const struct tw_param *, size_t nparams, struct tw_rows **);
const char *tw_rows_get(const struct tw_rows *, size_t row, size_t col);
void tw_rows_free(struct tw_rows *);
enum tw_err tw_rows_to_hdf(const struct tw_rows *, HDF *, const char *prefix,
    const char *const *names);

/* i18n.c: languages, interface strings and displayed times. */
enum tw_lang { TW_LANG_AR, TW_LANG_EN, TW_LANG_MAX };

const char *tw_lang_code(enum tw_lang);
enum tw_err tw_lang_parse(const char *, enum tw_lang *);
enum tw_lang tw_lang_from_accept(const char *accept_language);
enum tw_err tw_locale_load(const char *dir, HDF *strings[TW_LANG_MAX]);
void tw_locale_free(HDF *strings[TW_LANG_MAX]);
const char *tw_string(HDF *strings, const char *key);
void tw_time_display(const char *utc, const char *tz, char *out,
    size_t outsz);

/* request.c: the FastCGI loop, routing, headers and rendering. */
struct tw_app;
struct tw_req;

typedef enum tw_err (*tw_handler)(struct tw_req *);

struct tw_route {
	const char *method;
	const char *path; /* after the language segment; "*" matches one */
	tw_handler handler;
	int localised; /* 1 when the path starts with /ar or /en */
};

struct tw_app {
	const char *program;
	const struct tw_route *routes;
	size_t nroutes;
	struct tw_config *config;
	struct tw_db *db;
	HDF *strings[TW_LANG_MAX];
};

struct tw_req {
	struct tw_app *app;
	FCGX_Request fcgi;
	CGI *cgi;
	HDF *hdf;
	const char *method;
	const char *path; /* the decoded path, language segment removed */
	const char *arg;  /* what a "*" of the route matched */
	enum tw_lang lang;
	int status;
	STRING headers;
	STRING body;
	char case_number[TW_CASENUM_LEN + 1]; /* for the access log */
};

int tw_serve(struct tw_app *);
int tw_main(int argc, char **argv, struct tw_app *);
const char *tw_req_env(struct tw_req *, const char *name);
void tw_req_header(struct tw_req *, const char *name, const char *value);
void tw_req_cookie(struct tw_req *, const char *name, const char *value,
    long max_age);
enum tw_err tw_redirect(struct tw_req *, int status, const char *location);
enum tw_err tw_render(struct tw_req *, int status, const char *tmpl);
enum tw_err tw_render_error(struct tw_req *, int status);
const char *tw_req_string(struct tw_req *, const char *key);
enum tw_err tw_render_hdf(HDF *, const char *dir, const char *tmpl,
    STRING *out);

/* csrf.c: the CSRF cookie and field of every state-changing form. */
enum tw_err tw_csrf_prepare(struct tw_req *);
int tw_csrf_valid(struct tw_req *, const char *field_value);

/* refdata.c: directorates, wilayats and categories for forms. */
enum tw_err tw_refdata_fill(struct tw_db *, HDF *, enum tw_lang);

/* cases.c: creating and tracking cases. */
struct tw_case_new {
	const char *type;
	const char *channel;
	const char *category;
	const char *wilayat;
	const char *location;
	const double *lat; /* NULL when not given */
	const double *lon;
	const char *description;
	const char *name;
	const char *mobile; /* E.164 */
	const char *email;
	enum tw_lang lang;
	const char *form_token; /* the nonce; NULL for staff channels */
};

enum tw_err tw_case_create(struct tw_db *, HDF *strings,
    const struct tw_case_new *, char number[TW_CASENUM_LEN + 1]);
enum tw_err tw_case_track(struct tw_db *, const char *number,
    const char *mobile, enum tw_lang, const char *tz, HDF *out);

#endif
