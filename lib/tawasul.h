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
	TW_ERR_NOMEM, /* allocation failed */
	TW_ERR_IO, /* a file or stream could not be read or written */
	TW_ERR_CONFIG, /* configuration missing or invalid */
	TW_ERR_DB, /* the database failed or is unreachable */
	TW_ERR_DUPLICATE, /* a unique key already contains this value */
	TW_ERR_NOTFOUND, /* no such row, route or file */
	TW_ERR_INPUT, /* a value failed validation */
	TW_ERR_CHECKSUM, /* a case number with a wrong check digit */
	TW_ERR_FORBIDDEN, /* a token or permission check failed */
	TW_ERR_CONFLICT, /* a state change not allowed from this state */
	TW_ERR_TEMPLATE, /* a template failed to parse or render */
	TW_ERR_THROTTLED, /* too many recent failures; try again later */
	TW_ERR_MAX
};

const char *tw_strerror(enum tw_err);
enum tw_err tw_err_from_neo(NEOERR *, const char *what);

/* log.c: one line per event on stderr (spawn-fcgi sends it to a file). */
void tw_log_init(const char *program, int debug);
int tw_log_to_file(const char *program, const char *path);
void tw_log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void tw_log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void tw_log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void tw_log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

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
	TW_COORDS_NONE, /* both empty: coordinates are optional */
	TW_COORDS_HALF, /* one of the two missing */
	TW_COORDS_INVALID, /* not a number or not on Earth */
	TW_COORDS_SWAPPED, /* latitude and longitude exchanged */
	TW_COORDS_OUTSIDE /* valid, but outside the service area */
};

enum tw_coords tw_coords_check(const char *lat, const char *lon,
    const struct tw_area *, double *lat_out, double *lon_out);

/* form.c: the input table of a handler and its validated values. */
enum tw_field_kind {
	TW_FIELD_LINE, /* one line of text */
	TW_FIELD_TEXT, /* several lines of text */
	TW_FIELD_CODE, /* [a-z0-9_-], a key into a table */
	TW_FIELD_MOBILE, /* normalised to E.164 */
	TW_FIELD_EMAIL, /* normalised to lower case */
	TW_FIELD_DECIMAL, /* a decimal number, digits normalised */
	TW_FIELD_CASENUM, /* a case number with a valid check digit */
	TW_FIELD_TOKEN, /* base64url, from a hidden field */
	TW_FIELD_SECRET /* a password: kept as typed, never shown back */
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
void tw_form_choice(struct tw_form *, const char *field, const char *list);
int tw_form_coords(struct tw_form *, const struct tw_area *, double *lat,
    double *lon);

/* token.c: random tokens, HMAC and the two tokens of a public form. */
enum tw_err tw_random_token(char *out, size_t outsz, size_t nbytes);
void tw_base64url(const unsigned char *, size_t, char *out, size_t outsz);
void tw_hmac_token(const char *secret, const char *purpose, const char *data,
    char *out, size_t outsz);
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

/* smstext.c: SMS encoding, length and segments. */
enum tw_sms_coding {
	TW_SMS_GSM7 = 0, /* GSM 7-bit default alphabet; Kannel's coding=0 */
	TW_SMS_UCS2 = 2 /* UCS-2; Kannel's coding=2 */
};

struct tw_sms_info {
	enum tw_sms_coding coding;
	size_t units; /* septets for GSM7, UTF-16 code units for UCS2 */
	size_t segments; /* parts of a concatenated message */
};

enum tw_err tw_sms_measure(const char *utf8, struct tw_sms_info *out);
enum tw_err tw_sms_shorten(const char *utf8, size_t max_segments, char **out,
    int *shortened);

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

enum tw_lang { TW_LANG_AR, TW_LANG_EN, TW_LANG_MAX };

/* perm.c: staff roles and what each may do, in one table. */
enum tw_role {
	TW_ROLE_AGENT, /* 1st line: the 1111 line and walk-ins */
	TW_ROLE_OFFICER, /* 2nd line: one directorate's support office */
	TW_ROLE_FIELD, /* 3rd line: works by SMS, no web login */
	TW_ROLE_QA, /* quality assurance */
	TW_ROLE_SUPERVISOR, /* supervises the contact centre */
	TW_ROLE_HEAD, /* head of one directorate */
	TW_ROLE_EXECUTIVE, /* the chairman's office */
	TW_ROLE_ADMIN, /* manages accounts */
	TW_ROLE_MAX
};

enum tw_action {
	TW_ACT_QUEUE, /* open the case queue */
	TW_ACT_VIEW, /* open a case */
	TW_ACT_PERSONAL, /* see a resident's name, mobile and e-mail */
	TW_ACT_REGISTER, /* register a case for a caller */
	TW_ACT_ROUTE, /* send a case to another directorate */
	TW_ACT_ASSIGN, /* assign an officer or field staff */
	TW_ACT_START, /* mark work in progress */
	TW_ACT_RESOLVE, /* mark resolved with a resolution note */
	TW_ACT_CONFIRM, /* record the resident's confirmation */
	TW_ACT_REOPEN, /* reopen with a reason */
	TW_ACT_REJECT, /* reject with a reason */
	TW_ACT_DUPLICATE, /* mark as a duplicate of another case */
	TW_ACT_PRIORITY, /* change the priority */
	TW_ACT_CATEGORY, /* change the category */
	TW_ACT_NOTE, /* add an internal note */
	TW_ACT_REPLY, /* send a public reply to the resident */
	TW_ACT_USERS, /* manage staff accounts */
	TW_ACT_HELP, /* field staff ask their office for help */
	TW_ACT_QA, /* review and score the monthly QA sample */
	TW_ACT_REPORTS, /* read the QA and survey reports */
	TW_ACT_REFER, /* refer to another organisation, pausing the clock */
	TW_ACT_RESUME, /* take back a referred case, restarting the clock */
	TW_ACT_POLLS, /* create and edit polls and questionnaires */
	TW_ACT_POLL_RESULTS, /* read poll results, free texts and CSV */
	TW_ACT_PROCEDURE, /* send a service's procedure to a resident */
	TW_ACT_SERVICES, /* create and edit the service directory */
	TW_ACT_MAX
};

/* The logged-in staff member of a request. */
struct tw_staff {
	long long id;
	char username[65];
	char name[101];
	enum tw_role role;
	long long directorate_id; /* 0 when not bound to one */
	enum tw_lang lang;
	char csrf[44];
};

const char *tw_role_name(enum tw_role);
enum tw_err tw_role_parse(const char *, enum tw_role *);
int tw_role_needs_directorate(enum tw_role);
int tw_role_scoped(enum tw_role);
int tw_can(const struct tw_staff *, enum tw_action, long long case_dir);

/* password.c: scrypt password hashes. */
enum tw_err tw_password_acceptable(const char *);
enum tw_err tw_password_hash(const char *, char *out, size_t outsz);
int tw_password_verify(const char *password, const char *stored);

/* config.c: one HDF file of settings, loaded at start-up. */
struct tw_login_limits {
	long window_minutes; /* failures older than this are forgotten */
	long per_account; /* failures that lock an account */
	long per_address; /* failures that lock a client address */
	long idle_seconds; /* a session idle this long has ended */
	long max_seconds; /* a session this old has ended */
};

/* The Sms section of the configuration and the SMS secrets. */
#define TW_SMS_GATEWAYS_MAX 8

struct tw_sms_token {
	char *gateway; /* a name for the logs and sms_inbound.gateway */
	char *token; /* Secrets.SmsInbound.<gateway> */
};

struct tw_sms_config {
	const char *gateway_url; /* Kannel's sendsms URL */
	const char *username;
	char *password; /* Secrets.SmsGatewayPassword */
	const char *sender; /* the from= of outbound messages */
	const char *dlr_url; /* /hooks/sms/dlr as the gateway reaches it */
	long max_segments; /* longer texts are cut at a word */
	long give_up_hours; /* failing messages are failed after this */
	long connect_timeout; /* seconds to connect to the gateway */
	long timeout; /* seconds for a whole request */
	long lease_seconds; /* a claim older than this is free again */
	struct tw_sms_token inbound[TW_SMS_GATEWAYS_MAX];
	size_t ninbound;
};

/* The Survey section: the resident's confirmation after resolution. */
struct tw_survey_config {
	long expiry_days; /* a survey link stops working after this */
	long reminder_days; /* an unanswered survey is reminded after this */
	long call_after_days; /* then an agent's call task after this */
};

struct tw_config {
	HDF *hdf;
	const char *db_socket;
	const char *db_name;
	const char *db_user;
	char *db_password; /* read from the secrets file */
	char *secret; /* HMAC key, read from the secrets file */
	const char *template_dir;
	const char *locale_dir;
	const char *base_url;
	const char *display_tz;
	long max_body;
	int cookie_secure;
	struct tw_area area;
	struct tw_login_limits login;
	struct tw_sms_config sms;
	struct tw_survey_config survey;
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

#define TW_DB_MAX_STMTS  256
#define TW_DB_MAX_PARAMS 48

enum tw_type { TW_NULL, TW_INT, TW_STR, TW_DOUBLE };

struct tw_param {
	enum tw_type type;
	long long i;
	double d;
	const char *s;
};

#define TW_P_INT(v)    ((struct tw_param){ .type = TW_INT, .i = (v) })
#define TW_P_STR(v)    tw_param_str(v)
#define TW_P_DOUBLE(v) ((struct tw_param){ .type = TW_DOUBLE, .d = (v) })
#define TW_P_NULL      ((struct tw_param){ .type = TW_NULL })

/* Returns a string parameter, or SQL NULL for a NULL pointer. */
static inline struct tw_param
tw_param_str(const char *s)
{
	struct tw_param p = { .type = s != NULL ? TW_STR : TW_NULL, .s = s };

	return p;
}

/* A materialised result: every cell as a string, NULL for SQL NULL. */
struct tw_rows {
	size_t nrows;
	size_t ncols;
	char **cells; /* nrows * ncols */
};

struct tw_db;

enum tw_err tw_db_open(const struct tw_config *, struct tw_db **);
void tw_db_close(struct tw_db *);
const struct tw_config *tw_db_config(const struct tw_db *);
enum tw_err tw_db_begin(struct tw_db *);
enum tw_err tw_db_commit(struct tw_db *);
void tw_db_rollback(struct tw_db *);
enum tw_err tw_db_exec(struct tw_db *, struct tw_stmt *,
    const struct tw_param *, size_t nparams, unsigned long long *insert_id);
enum tw_err tw_db_query(struct tw_db *, struct tw_stmt *,
    const struct tw_param *, size_t nparams, struct tw_rows **);
unsigned long long tw_db_affected(const struct tw_db *);
const char *tw_rows_get(const struct tw_rows *, size_t row, size_t col);
void tw_rows_free(struct tw_rows *);
enum tw_err tw_rows_to_hdf(const struct tw_rows *, HDF *, const char *prefix,
    const char *const *names);

/* i18n.c: languages, interface strings and displayed times. */
const char *tw_lang_code(enum tw_lang);
enum tw_err tw_lang_parse(const char *, enum tw_lang *);
enum tw_lang tw_lang_from_accept(const char *accept_language);
enum tw_err tw_locale_load(const char *dir, HDF *strings[TW_LANG_MAX]);
void tw_locale_free(HDF *strings[TW_LANG_MAX]);
const char *tw_string(HDF *strings, const char *key);
void tw_time_display(const char *utc, const char *tz, char *out, size_t outsz);

/* request.c: the FastCGI loop, routing, headers and rendering. */
struct tw_app;
struct tw_req;

typedef enum tw_err (*tw_handler)(struct tw_req *);

struct tw_route {
	const char *method;
	const char *path; /* after the language segment; "*" matches one */
	tw_handler handler;
	/* 1 when a localised program serves path without /ar or /en, as
	 * the short survey links /s/TOKEN sent by SMS */
	int bare;
};

struct tw_app {
	const char *program;
	/* 1 when paths start with /ar or /en; 0 for the intranet and the
	 * webhooks, whose language comes from the person or the request. */
	int localised;
	const struct tw_route *routes;
	size_t nroutes;
	/* The handlers whose bodies may carry uploaded files, up to
	 * Attach.MaxBody bytes in place of Site.MaxBody. */
	const tw_handler *upload_handlers;
	size_t nupload_handlers;
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
	const char *arg; /* from what a "*" matched to the end of the path */
	enum tw_lang lang;
	int status;
	STRING headers;
	STRING body;
	char case_number[TW_CASENUM_LEN + 1]; /* for the access log */
	struct tw_staff staff; /* the logged-in staff member, if any */
	int has_staff;
	char *raw_body; /* an urlencoded body, read whole to be checked */
	size_t raw_len;
	size_t raw_pos;
};

int tw_serve(struct tw_app *);
int tw_main(int argc, char **argv, struct tw_app *);
const char *tw_req_env(struct tw_req *, const char *name);
void tw_req_header(struct tw_req *, const char *name, const char *value);
void tw_req_cookie(struct tw_req *, const char *name, const char *value,
    long max_age);
void tw_req_staff_cookie(struct tw_req *, const char *name, const char *value,
    int clear);
enum tw_err tw_redirect(struct tw_req *, int status, const char *location);
enum tw_err tw_render(struct tw_req *, int status, const char *tmpl);
enum tw_err tw_render_error(struct tw_req *, int status);
const char *tw_req_string(struct tw_req *, const char *key);
void tw_req_set_lang(struct tw_req *, enum tw_lang);
enum tw_err tw_render_hdf(HDF *, const char *dir, const char *tmpl,
    STRING *out);

/* csrf.c: the CSRF cookie and field of every state-changing form. */
enum tw_err tw_csrf_prepare(struct tw_req *);
int tw_csrf_valid(struct tw_req *, const char *field_value);

/* refdata.c: directorates, wilayats and categories for forms. */
enum tw_err tw_refdata_fill(struct tw_db *, HDF *, enum tw_lang);

/* staff.c: staff accounts, for bin/tawasul-admin. */
#define TW_REASON_MAX   320 /* bytes of "what failed: value: what to do" */
#define TW_PASSWORD_NEW 21 /* a generated password and its NUL */

/* An account as typed on the command line or in a CSV row; NULL or an
 * empty string for a value not given. */
struct tw_staff_input {
	const char *username;
	const char *display_name;
	const char *role;
	const char *directorate; /* a directorate code */
	const char *mobile; /* as typed; normalised by the check */
	const char *email;
	const char *lang; /* "ar" or "en"; "ar" when not given */
	const char *password; /* must be empty for field staff */
};

/* The same account once tw_staff_check has accepted it. */
struct tw_staff_account {
	char username[65];
	char display_name[401]; /* 100 characters of up to 4 bytes */
	enum tw_role role;
	char directorate[33]; /* a code; "" when none */
	char mobile[16]; /* E.164; "" when none */
	char email[255]; /* lower case; "" when none */
	enum tw_lang lang;
	const char *password; /* points into the input; NULL for field */
};

enum tw_csv {
	TW_CSV_OK,
	TW_CSV_OPEN, /* a quoted field has no closing quote */
	TW_CSV_QUOTE, /* a quote inside an unquoted field, or after one */
	TW_CSV_TOO_MANY /* more fields than the caller has room for */
};

int tw_username_valid(const char *);
enum tw_err tw_staff_check(const struct tw_staff_input *,
    struct tw_staff_account *, char reason[TW_REASON_MAX]);
enum tw_err tw_staff_password_new(char out[TW_PASSWORD_NEW]);
enum tw_err tw_staff_create(struct tw_db *, const struct tw_staff_input *,
    char reason[TW_REASON_MAX]);
enum tw_err tw_staff_set_active(struct tw_db *, const char *username,
    int active, long long *ended, char reason[TW_REASON_MAX]);
enum tw_err tw_staff_set_role(struct tw_db *, const char *username,
    const char *role, const char *directorate, int *no_password,
    char reason[TW_REASON_MAX]);
enum tw_err tw_staff_set_directorate(struct tw_db *, const char *username,
    const char *code, char reason[TW_REASON_MAX]);
enum tw_err tw_staff_set_mobile(struct tw_db *, const char *username,
    const char *mobile, char reason[TW_REASON_MAX]);
enum tw_err tw_staff_set_password(struct tw_db *, const char *username,
    const char *password, char reason[TW_REASON_MAX]);
enum tw_err tw_staff_list(struct tw_db *, const char *role,
    const char *directorate, struct tw_rows **);
const char *tw_csv_next(const char *text, size_t *len, size_t *nlines);
enum tw_csv tw_csv_split(const char *record, char *buf, char **fields,
    size_t max, size_t *nfields);

/* session.c: staff login, sessions and the login throttle. */
enum tw_err tw_login(struct tw_db *, const struct tw_login_limits *,
    const char *username, const char *password, const char *addr,
    long long *staff_id);
enum tw_err tw_session_start(struct tw_db *, long long staff_id,
    const char *addr, char token[44], char csrf[44]);
enum tw_err tw_session_load(struct tw_db *, const struct tw_login_limits *,
    const char *token, struct tw_staff *);
enum tw_err tw_session_end(struct tw_db *, const char *token);
enum tw_err tw_staff_set_lang(struct tw_db *, long long staff_id, enum tw_lang);

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
	long long registered_by; /* staff id; 0 when the resident filed it */
};

/* One entry of a case's history. */
struct tw_event {
	const char *kind; /* created, registered, assigned, note, ... */
	enum tw_state from; /* TW_STATE_MAX when the state is unchanged */
	enum tw_state to; /* TW_STATE_MAX for no state at all */
	const char *actor_kind; /* resident, staff, field or system */
	long long actor_id; /* staff id, or 0 */
	const char *channel;
	int is_public; /* shown to the resident when 1 */
	const char *note;
};

/* One SMS for the outbox. */
struct tw_sms {
	long long case_id; /* 0 when about no case */
	long long customer_id; /* 0 when not to a resident */
	const char *to; /* E.164 */
	enum tw_lang lang;
	const char *kind;
	const char *body;
};

enum tw_err tw_event_add(struct tw_db *, unsigned long long case_id,
    const struct tw_event *);
enum tw_err tw_sms_queue(struct tw_db *, const struct tw_sms *);

enum tw_err tw_case_create(struct tw_db *, HDF *strings,
    const struct tw_case_new *, char number[TW_CASENUM_LEN + 1]);
enum tw_err tw_case_write(struct tw_db *, HDF *strings,
    const struct tw_case_new *, char number[TW_CASENUM_LEN + 1],
    unsigned long long *case_id);
enum tw_err tw_case_track(struct tw_db *, const char *number,
    const char *mobile, enum tw_lang, const char *tz, HDF *out);

/* casework.c: the intranet's work on one case. */
struct tw_action_input {
	enum tw_action action;
	long long version; /* the version the person saw */
	const char *value; /* directorate, username, priority, category or
	                      original case number, by action */
	const char *note; /* resolution, reason, note or reply */
	const char *channel; /* the event's channel; "intranet" when NULL */
};

enum tw_err tw_action_parse(const char *, enum tw_action *);
const char *tw_action_name(enum tw_action);
int tw_action_allowed(const struct tw_staff *, enum tw_action,
    enum tw_state from, long long case_dir);
enum tw_err tw_case_act(struct tw_db *, HDF *strings[TW_LANG_MAX],
    const struct tw_staff *, const char *number,
    const struct tw_action_input *);
enum tw_err tw_case_apply(struct tw_db *, HDF *strings[TW_LANG_MAX],
    const struct tw_staff *, const char *number,
    const struct tw_action_input *);
enum tw_err tw_case_page(struct tw_db *, const struct tw_staff *,
    const char *number, enum tw_lang, const char *tz, HDF *out);
enum tw_err tw_customer_profile(struct tw_db *, const char *mobile,
    enum tw_lang, const char *tz, HDF *out, long long *customer_id);

/* smscmd.c: the SMS commands of field staff, a pure parser. */
enum tw_smscmd_kind {
	TW_SMSCMD_START, /* work started */
	TW_SMSCMD_DONE, /* resolved, with a note for the resident */
	TW_SMSCMD_NOTE, /* an internal note */
	TW_SMSCMD_HELP /* the field worker needs help */
};

enum tw_smscmd_problem {
	TW_SMSCMD_NONE,
	TW_SMSCMD_EMPTY, /* no text at all */
	TW_SMSCMD_UNKNOWN, /* no keyword the parser recognises */
	TW_SMSCMD_NO_NUMBER, /* a keyword without a case number */
	TW_SMSCMD_BAD_NUMBER, /* digits that are not a case number */
	TW_SMSCMD_NO_NOTE /* DONE or NOTE without its note */
};

struct tw_smscmd {
	enum tw_smscmd_kind kind;
	char number[TW_CASENUM_LEN + 1];
	char *note; /* NULL when none; freed by tw_smscmd_free */
	enum tw_smscmd_problem problem; /* set with TW_ERR_INPUT */
};

enum tw_err tw_smscmd_parse(const char *text, struct tw_smscmd *);
void tw_smscmd_free(struct tw_smscmd *);
const char *tw_smscmd_name(enum tw_smscmd_kind);

/* sms.c: the outbox as bin/tawasul-sms-send works it, and delivery
 * reports. */
enum tw_sms_verdict {
	TW_SMS_SENT, /* the gateway accepted the message */
	TW_SMS_RETRY, /* a temporary failure: try again later */
	TW_SMS_REJECTED /* a permanent rejection: never retried */
};

/* One claimed outbox row. */
struct tw_sms_out {
	long long id;
	char to[17]; /* E.164 */
	enum tw_lang lang;
	char kind[33];
	char *body;
	long attempts; /* attempts made before this one */
	long long age; /* seconds since it was queued */
};

struct tw_sms_claim {
	size_t n;
	struct tw_sms_out *rows;
};

/* The result of one attempt, as tw_sms_record stores it. */
struct tw_sms_attempt {
	enum tw_sms_verdict verdict;
	const char *answer; /* the gateway's status and response, or NULL */
	const char *error; /* why the attempt failed, or NULL */
	size_t segments; /* of the text sent; 0 when unknown */
	enum tw_sms_coding coding;
	int shortened;
};

long tw_sms_backoff(long attempt);
int tw_sms_next_attempt(long attempts, long long age, long long give_up_seconds,
    long *delay);
const char *tw_sms_dlr_status(int type);
void tw_sms_dlr_token(const char *secret, long long id, char out[44]);
enum tw_err tw_sms_sender_lock(struct tw_db *, const char *claimer);
enum tw_err tw_sms_recover(struct tw_db *, long lease_seconds,
    unsigned long long *recovered);
enum tw_err tw_sms_claim(struct tw_db *, const char *claimer, size_t max,
    struct tw_sms_claim **);
void tw_sms_claim_free(struct tw_sms_claim *);
enum tw_err tw_sms_release(struct tw_db *, const char *claimer,
    unsigned long long *released);
enum tw_err tw_sms_record(struct tw_db *, const char *claimer,
    const struct tw_sms_out *, const struct tw_sms_attempt *,
    long give_up_hours, const char **status);
enum tw_err tw_sms_dlr(struct tw_db *, const char *secret, long long id,
    const char *token, int type, const char *text, const char **status);

/* smsin.c: inbound SMS from the gateway. */
struct tw_sms_in {
	const char *gateway; /* the name whose token the request had */
	const char *message_id; /* the gateway's id of the message */
	const char *sender; /* as the gateway sent it */
	const char *receiver;
	const char *text; /* valid UTF-8, cleaned */
};

struct tw_sms_in_result {
	char outcome[25]; /* as stored in sms_inbound.outcome */
	char case_number[TW_CASENUM_LEN + 1]; /* "" when about no case */
	int duplicate; /* 1 when the message id was stored before */
};

enum tw_err tw_sms_receive(struct tw_db *, HDF *strings[TW_LANG_MAX],
    const char *tz, const struct tw_sms_in *, struct tw_sms_in_result *);

/* smsgw.c: the HTTP client of Kannel's sendsms interface. */
struct tw_smsgw;

struct tw_smsgw_answer {
	enum tw_sms_verdict verdict;
	long status; /* the HTTP status; 0 when no response came */
	char text[256]; /* "202 0: Accepted for delivery", or the error */
};

enum tw_sms_verdict tw_smsgw_classify(long status, const char *body);
enum tw_err tw_smsgw_new(const struct tw_config *, struct tw_smsgw **);
void tw_smsgw_free(struct tw_smsgw *);
enum tw_err tw_smsgw_send(struct tw_smsgw *, const struct tw_sms_out *,
    const char *text, enum tw_sms_coding, struct tw_smsgw_answer *);

/* queue.c: the case queue with filters, search and counts. */
enum tw_sort { TW_SORT_NEWEST, TW_SORT_OLDEST, TW_SORT_DUE };

struct tw_queue_filter {
	const char *status; /* each NULL when not filtered */
	const char *directorate;
	const char *category;
	const char *wilayat;
	const char *channel;
	const char *priority;
	int overdue;
	int calls; /* only resolved cases awaiting a confirmation call */
	long long assigned_to; /* staff id, or 0 */
	long long customer_id; /* or 0 */
	const char *number;
	const char *words; /* searched in location and description */
	const char *after; /* cursor of the previous page, or NULL */
	enum tw_sort sort;
	int page_size;
};

char *tw_search_expression(const char *);
enum tw_err tw_queue_fill(struct tw_db *, const struct tw_queue_filter *,
    enum tw_lang, const char *tz, HDF *out);
enum tw_err tw_customer_id(struct tw_db *, const char *mobile, long long *id);

/* qa.c: the monthly QA sample, its scores and the reports. */
struct tw_qa_sample {
	long long id;
	char month[8]; /* YYYY-MM, Asia/Muscat */
	uint64_t seed;
	long per_agent; /* cases per agent; 0 when percent is used */
	double percent; /* percent of each agent's cases */
	char created_at[20]; /* UTC */
	char created_by[65];
};

struct tw_qa_score_input {
	int soft_skills; /* each 1 to 5 */
	int time_to_solve;
	int service_quality;
	const char *notes; /* NULL when none */
};

enum tw_qa_group { TW_QA_BY_AGENT, TW_QA_BY_DIRECTORATE, TW_QA_BY_MONTH };

/* The columns of a tw_qa_report row. */
enum tw_qa_column {
	TW_QA_KEY, /* username or "portal", directorate code, or YYYY-MM */
	TW_QA_NAME, /* display name or directorate name; "" for a month */
	TW_QA_CASES,
	TW_QA_SAMPLED,
	TW_QA_SCORED,
	TW_QA_SOFT_SKILLS, /* averages; NULL when nothing is scored */
	TW_QA_TIME_TO_SOLVE,
	TW_QA_SERVICE_QUALITY,
	TW_QA_SURVEYS_SENT,
	TW_QA_SURVEYS_ANSWERED,
	TW_QA_SATISFACTION, /* average; NULL when no survey rated it */
	TW_QA_CONFIRMED, /* closed by the resident's confirmation */
	TW_QA_RESOLVED, /* ever resolved */
	TW_QA_COLUMNS
};

uint64_t tw_splitmix64(uint64_t *state);
uint64_t tw_random_below(uint64_t *state, uint64_t n);
size_t tw_qa_sample_size(size_t population, long per_agent, double percent);
enum tw_err tw_qa_draw(uint64_t *state, const long long *ids, size_t n,
    size_t k, long long *out);
enum tw_err tw_qa_month_range(const char *month, char start[20], char end[20]);
void tw_qa_last_month(time_t now, char out[8]);
enum tw_err tw_qa_sample_find(struct tw_db *, const char *month,
    struct tw_qa_sample *);
enum tw_err tw_qa_sample_new(struct tw_db *, struct tw_qa_sample *,
    size_t *drawn);
enum tw_err tw_qa_sample_cases(struct tw_db *, long long sample_id,
    struct tw_rows **);
enum tw_err tw_qa_review_list(struct tw_db *, long long reviewer_id,
    const char *month, enum tw_lang, const char *tz, HDF *out);
enum tw_err tw_qa_review_case(struct tw_db *, long long reviewer_id,
    const char *number, const char *tz, HDF *out, long long *case_id);
enum tw_err tw_qa_score(struct tw_db *, long long reviewer_id,
    const char *number, const struct tw_qa_score_input *);
enum tw_err tw_qa_report(struct tw_db *, enum tw_qa_group, const char *month,
    long long directorate_id, enum tw_lang, struct tw_rows **);

/* survey.c: the resident's confirmation survey after resolution. */
#define TW_SURVEY_TOKEN_BYTES 18 /* 144 random bits */
#define TW_SURVEY_TOKEN_LEN   24 /* base64url characters of the bytes */
#define TW_SURVEY_URL_MAX     320

enum tw_survey_state {
	TW_SURVEY_OPEN, /* waiting for the answer */
	TW_SURVEY_ANSWERED, /* answered online, or confirmed by phone */
	TW_SURVEY_STALE /* the case moved on since this round */
};

/* A validated answer of the survey page. */
struct tw_survey_answer {
	int solved; /* 1 yes, 0 no */
	int satisfaction; /* 1 to 5 */
	int first_contact; /* 1 to 5 */
	const char *comment; /* NULL when none */
};

struct tw_remind_counts {
	unsigned long reminded; /* reminder SMS queued */
	unsigned long call_tasks; /* call tasks set */
};

int tw_survey_token_valid(const char *);
int tw_survey_score(const char *);
char *tw_survey_sms_text(HDF *strings, const char *key, const char *number,
    const char *url);
enum tw_err tw_survey_start(struct tw_db *, long long case_id, enum tw_lang,
    char url[TW_SURVEY_URL_MAX]);
enum tw_err tw_survey_phone_confirmed(struct tw_db *, long long case_id);
int tw_survey_throttled(struct tw_db *, const char *addr);
enum tw_err tw_survey_miss(struct tw_db *, const char *addr);
enum tw_err tw_survey_load(struct tw_db *, const char *token,
    enum tw_lang *lang, enum tw_survey_state *, HDF *out);
enum tw_err tw_survey_answer(struct tw_db *, HDF *strings[TW_LANG_MAX],
    const char *token, const struct tw_survey_answer *);
enum tw_err tw_survey_remind(struct tw_db *, HDF *strings[TW_LANG_MAX],
    struct tw_remind_counts *);

/* sla.c: due times in working hours of the calendar in the database. */
struct tw_sla_day {
	int working; /* 1 on a working day */
	long starts; /* opening, seconds after local midnight */
	long ends; /* closing, seconds after local midnight */
};

struct tw_sla_calendar {
	struct tw_sla_day week[7]; /* Sunday 0 */
	long *holidays; /* sorted local days since 1970-01-01 */
	size_t nholidays;
};

enum tw_err tw_sla_add(const struct tw_sla_calendar *, time_t start,
    long long seconds, time_t *out);
enum tw_err tw_sla_due(const struct tw_sla_calendar *, time_t start,
    long long hours, int continuous, time_t *due);
long long tw_sla_working_seconds(const struct tw_sla_calendar *, time_t from,
    time_t to);
long long tw_sla_paused_seconds(const struct tw_sla_calendar *,
    time_t paused_at, time_t resumed_at, int continuous);
int tw_sla_continuous(const char *priority, int health_safety);
void tw_sla_format(time_t, char out[20]);
enum tw_err tw_sla_db_now(struct tw_db *, time_t *now);
enum tw_err tw_sla_case_due(struct tw_db *, time_t start, long long hours,
    int continuous, time_t *due);
enum tw_err tw_sla_case_resume(struct tw_db *, time_t due, time_t paused_at,
    time_t now, int continuous, time_t *new_due);
enum tw_err tw_sla_calendar_load(struct tw_db *, struct tw_sla_calendar **);
void tw_sla_calendar_free(struct tw_sla_calendar *);

/* escalate.c: the escalation of late open cases (bin/tawasul-escalate). */
struct tw_escalate_config {
	long warn_percent; /* level 1 when this much of the SLA has passed */
	long executive_hours; /* level 3 when overdue by this many hours */
	int dry_run; /* 1: count what would happen, change nothing */
	/* Site.BaseUrl for the case links of e-mail; NULL when e-mail is
	 * not configured, so none is queued. */
	const char *mail_base_url;
};

struct tw_escalate_counts {
	unsigned long escalations; /* case_escalations rows written */
	unsigned long sms; /* SMS queued to staff */
	unsigned long mail; /* e-mail queued to staff */
};

enum tw_err tw_escalate_run(struct tw_db *, HDF *strings[TW_LANG_MAX],
    const struct tw_escalate_config *, struct tw_escalate_counts *);

/* figures.c: the management figures of the reports page. */
enum tw_fig_group {
	TW_FIG_BY_DIRECTORATE,
	TW_FIG_BY_CATEGORY,
	TW_FIG_BY_WILAYAT,
	TW_FIG_BY_CHANNEL,
	TW_FIG_BY_AGENT, /* the registering agent, or "portal" */
	TW_FIG_GROUPS
};

enum tw_fig_trend { TW_FIG_WEEKLY, TW_FIG_MONTHLY };

/* The figures of one group; the times are hours, 0 when none resolved. */
struct tw_fig_row {
	char *key; /* code, channel, username or "portal"; "" for none */
	char *name; /* name in the request's language; "" when it has none */
	long long received;
	long long resolved;
	long long confirmed;
	long long overdue;
	long long handled; /* agents only: cases with an event by the agent */
	double median_hours;
	double p90_hours;
};

/* Cases received and resolved of those created in one week or month. */
struct tw_fig_bucket {
	char label[11]; /* the week's Monday YYYY-MM-DD, or YYYY-MM */
	long long received;
	long long resolved;
};

struct tw_figures {
	struct tw_fig_row *groups;
	size_t ngroups;
	struct tw_fig_bucket *buckets; /* in order of label */
	size_t nbuckets;
};

double tw_fig_percentile(const double *sorted, size_t n, int percent);
enum tw_err tw_fig_parse_date(const char *, long *days);
void tw_fig_format_date(long days, char out[11]);
long tw_fig_today(time_t now);
enum tw_err tw_figures_load(struct tw_db *, enum tw_fig_group, long from,
    long to, enum tw_fig_trend, long long directorate_id, enum tw_lang,
    struct tw_figures **);
void tw_figures_free(struct tw_figures *);

/* dashboard.c: the live figures of the dashboard page. */
enum tw_err tw_dashboard_load(struct tw_db *, long long directorate_id,
    enum tw_lang, const char *tz, HDF *);

/* mail.c: the e-mail outbox, delivered by bin/tawasul-mail-send. */
struct tw_mail {
	long long case_id; /* 0 when about no case */
	long long customer_id; /* 0 when not to a resident */
	long long staff_id; /* 0 when not to a member of staff */
	const char *to;
	enum tw_lang lang;
	const char *kind;
	const char *subject;
	const char *body;
};

enum tw_err tw_mail_queue(struct tw_db *, const struct tw_mail *);

/* services.c: the service directory and its procedures. */
struct tw_procedure_to {
	const char *mobile; /* E.164, or NULL for no SMS */
	const char *email; /* or NULL for no e-mail */
	enum tw_lang lang;
	long long customer_id; /* 0 when unknown */
	long long case_id; /* 0 when about no case */
	long long staff_id; /* who sent it; 0 for the IVR */
};

char *tw_service_url(const struct tw_config *, enum tw_lang, const char *code);
enum tw_err tw_service_send(struct tw_db *, HDF *strings, const char *code,
    const struct tw_procedure_to *);

/* polls.c: polls and questionnaires, their answers and results. */
#define TW_POLL_QUESTIONS_MAX 10 /* questions of a questionnaire */
#define TW_POLL_CHOICES_MAX   10 /* choices of a question */
#define TW_POLL_ANSWER_MAX    1000 /* characters of a free-text answer */
#define TW_POLL_CODE_LEN      6 /* digits of an SMS confirmation code */
#define TW_POLL_VOTER_LEN     66 /* "ID.MAC" of the voter cookie */
#define TW_POLL_CHART_WIDTH   480 /* SVG units of the longest bar */

enum tw_poll_kind {
	TW_POLL_SINGLE, /* one of the choices */
	TW_POLL_MULTIPLE, /* any number of the choices */
	TW_POLL_SCALE, /* a whole number from 1 to 5 */
	TW_POLL_TEXT, /* free text up to TW_POLL_ANSWER_MAX characters */
	TW_POLL_KINDS
};

enum tw_poll_state { TW_POLL_UPCOMING, TW_POLL_OPEN, TW_POLL_CLOSED };

/* Reasons tw_poll_check_answer rejects the values of one question. */
enum tw_poll_problem {
	TW_POLL_OK,
	TW_POLL_MISSING, /* a required question without an answer */
	TW_POLL_NOT_CHOICE, /* a value that is no choice of the question */
	TW_POLL_ONE_ONLY, /* several values where one is allowed */
	TW_POLL_SCALE_RANGE, /* a scale value outside 1 to 5 */
	TW_POLL_TOO_LONG, /* free text over TW_POLL_ANSWER_MAX characters */
	TW_POLL_ENCODING /* bytes that are not UTF-8 */
};

struct tw_poll_choice {
	long long id;
	char *text[TW_LANG_MAX];
	long long count; /* results: responses that chose it */
};

struct tw_poll_question {
	long long id;
	enum tw_poll_kind kind;
	int required;
	char *text[TW_LANG_MAX];
	struct tw_poll_choice choices[TW_POLL_CHOICES_MAX];
	size_t nchoices;
	long long answered; /* results: responses that answered it */
	long long scale[5]; /* results: responses per scale value 1 to 5 */
};

/* A poll as stored; the strings are owned and freed by tw_poll_free. */
struct tw_poll {
	long long id; /* 0 for a poll not yet stored */
	int questionnaire; /* 0: a poll of one choice question */
	char *title[TW_LANG_MAX];
	char opens_at[20]; /* UTC, YYYY-MM-DD HH:MM:SS */
	char closes_at[20];
	int show_results; /* 1: residents see results after answering */
	int require_mobile; /* 1: one response per confirmed mobile */
	long max_per_address; /* responses accepted from one address */
	enum tw_poll_state state;
	long long responses;
	struct tw_poll_question questions[TW_POLL_QUESTIONS_MAX];
	size_t nquestions;
	struct tw_rows *texts; /* results: question id and free text */
};

/* A validated answer to one question; text is owned. */
struct tw_poll_answer {
	long long choices[TW_POLL_CHOICES_MAX];
	size_t nchoices;
	int scale; /* 1 to 5; 0 when none */
	char *text; /* NULL when none */
};

/* One response: answers has one entry per question of the poll. */
struct tw_poll_vote {
	const char *voter_hash; /* tw_poll_voter_check or tw_poll_mobile_hash */
	const char *addr; /* the client address */
	enum tw_lang lang;
	const char *mobile; /* E.164, for polls that require a mobile */
	const char *code; /* the SMS code typed, for those polls */
	const struct tw_poll_answer *answers;
};

/* One horizontal bar of a results chart, in SVG user units. */
struct tw_poll_bar {
	long y; /* top of the row: the label sits there, the bar below */
	long bar_y;
	long width;
	long text_x; /* where the count is written, after the bar */
};

const char *tw_poll_kind_name(enum tw_poll_kind);
enum tw_err tw_poll_kind_parse(const char *, enum tw_poll_kind *);
enum tw_poll_problem tw_poll_check_answer(const struct tw_poll_question *,
    const char *const *values, size_t nvalues, struct tw_poll_answer *out);
void tw_poll_answer_clear(struct tw_poll_answer *);
void tw_poll_bar(size_t index, long long count, long long max, long width,
    struct tw_poll_bar *);
void tw_poll_percent(long long count, long long total, char *out, size_t outsz);
enum tw_err tw_poll_time_utc(const char *local, char utc[20]);
void tw_poll_time_local(const char *utc, char out[17]);
size_t tw_poll_split_lines(char *text, char **lines, size_t max);
enum tw_err tw_poll_voter_new(const char *secret,
    char out[TW_POLL_VOTER_LEN + 1]);
int tw_poll_voter_check(const char *secret, const char *cookie, char hash[65]);
void tw_poll_mobile_hash(const char *secret, const char *mobile, char hash[65]);
enum tw_err tw_poll_code_new(char code[TW_POLL_CODE_LEN + 1]);
void tw_poll_code_hash(const char *secret, long long poll_id,
    const char *mobile, const char *code, char out[44]);
enum tw_err tw_poll_load(struct tw_db *, long long id, struct tw_poll **);
void tw_poll_free(struct tw_poll *);
enum tw_err tw_poll_save(struct tw_db *, struct tw_poll *, long long staff_id,
    int full);
enum tw_err tw_poll_list(struct tw_db *, int open_only, enum tw_lang,
    const char *tz, HDF *);
void tw_poll_fill(const struct tw_poll *, enum tw_lang, const char *tz, HDF *);
enum tw_err tw_poll_voted(struct tw_db *, long long poll_id,
    const char *voter_hash, int *voted);
enum tw_err tw_poll_code_send(struct tw_db *, HDF *strings,
    const struct tw_poll *, const char *mobile, const char *addr, enum tw_lang);
enum tw_err tw_poll_vote(struct tw_db *, const struct tw_poll *,
    const struct tw_poll_vote *);
enum tw_err tw_poll_results_load(struct tw_db *, struct tw_poll *);
void tw_poll_results_fill(const struct tw_poll *, int texts, HDF *);

/* attach.c: the files attached to a service request. */
enum tw_attach_type {
	TW_ATTACH_UNKNOWN,
	TW_ATTACH_JPEG,
	TW_ATTACH_PNG,
	TW_ATTACH_HEIC, /* stored as JPEG */
	TW_ATTACH_PDF
};

enum tw_attach_problem {
	TW_ATTACH_OK,
	TW_ATTACH_EMPTY, /* zero bytes */
	TW_ATTACH_TOO_BIG, /* more than Attach.MaxBytes */
	TW_ATTACH_TYPE, /* not JPEG, PNG, HEIC or PDF by its bytes */
	TW_ATTACH_UNDECODABLE, /* the type's decoder or check failed */
	TW_ATTACH_PIXELS, /* a photo of more than Attach.MaxPixels */
	TW_ATTACH_NOMEM, /* out of memory or libvips failed to start */
	TW_ATTACH_ACTIVE, /* a PDF that names scripts or actions */
	TW_ATTACH_REQUEST_PIXELS /* photos of a request over
	                            Attach.MaxPixelsPerRequest */
};

/* The Attach section of the configuration. */
struct tw_attach_config {
	const char *dir; /* where files are stored; not served by nginx */
	long max_files; /* files per request */
	long max_bytes; /* bytes per file, as uploaded */
	long max_body; /* bytes of a whole request with its files */
	long thumb_px; /* the longer side of a thumbnail */
	long max_pixels; /* width times height of a photo */
	long max_request_pixels; /* decoding cost of all photos of a request,
	                            in pixels of 8-bit RGB */
};

/* One accepted file, as it is to be stored. */
struct tw_attach {
	char *file_name; /* the browser's name, cleaned, for display */
	enum tw_attach_type type; /* of the stored bytes: JPEG, PNG or PDF */
	unsigned char *data; /* upright and stripped for a photo */
	size_t len;
	unsigned char *thumb; /* JPEG; NULL for a PDF */
	size_t thumb_len;
	int width, height; /* of a photo, upright; 0 for a PDF */
	char sha256[65]; /* of data */
	char stored[25]; /* the random name once stored; "" before */
};

void tw_attach_config_read(const struct tw_config *, struct tw_attach_config *);
enum tw_attach_type tw_attach_sniff(const unsigned char *, size_t);
int tw_attach_pdf_valid(const unsigned char *, size_t);
const char *tw_attach_mime(enum tw_attach_type);
char *tw_attach_download_name(const char *name, enum tw_attach_type);
enum tw_attach_problem tw_attach_prepare(const struct tw_attach_config *,
    const unsigned char *data, size_t len, const char *name,
    struct tw_attach *);
enum tw_attach_problem tw_attach_read(const struct tw_attach_config *, FILE *,
    const char *name, struct tw_attach *);
enum tw_err tw_attach_store(const struct tw_attach_config *,
    struct tw_attach *);
void tw_attach_unstore(const struct tw_attach_config *, struct tw_attach *);
enum tw_err tw_attach_load(const struct tw_attach_config *, const char *stored,
    int thumb, unsigned char **data, size_t *len);
void tw_attach_clear(struct tw_attach *);

/* svcrequest.c: service requests and the fields of each service. */
enum tw_svcfield_kind {
	TW_SVCFIELD_TEXT,
	TW_SVCFIELD_NUMBER, /* a whole number */
	TW_SVCFIELD_DATE, /* YYYY-MM-DD */
	TW_SVCFIELD_CHOICE /* one of the field's codes */
};

enum tw_svcfield_problem {
	TW_SVCFIELD_OK,
	TW_SVCFIELD_REQUIRED,
	TW_SVCFIELD_ENCODING, /* not UTF-8 */
	TW_SVCFIELD_TOO_LONG,
	TW_SVCFIELD_BAD_NUMBER, /* not a whole number */
	TW_SVCFIELD_NUMBER_RANGE,
	TW_SVCFIELD_BAD_DATE, /* not a calendar date YYYY-MM-DD */
	TW_SVCFIELD_DATE_RANGE,
	TW_SVCFIELD_BAD_CHOICE, /* none of the field's codes */
	TW_SVCFIELD_NOMEM
};

struct tw_svcchoice {
	char *code;
};

/* One field of a service's request form, from service_fields. */
struct tw_svcfield {
	long long id;
	char name[33]; /* the form field is f_<name> */
	enum tw_svcfield_kind kind;
	int required;
	int has_min, has_max;
	long min, max; /* numbers; for dates, days from today */
	long max_length; /* characters of a text */
	struct tw_svcchoice *choices;
	size_t nchoices;
};

struct tw_svcform {
	long long service_id;
	char code[33];
	char category[33]; /* the category code requests are filed under */
	struct tw_svcfield *fields;
	size_t nfields;
};

/* A validated service request. */
struct tw_svcrequest {
	const struct tw_case_new *c; /* the common fields */
	const struct tw_svcform *form;
	char *const *values; /* one per field; NULL when empty */
	const struct tw_attach *files; /* already stored */
	size_t nfiles;
};

/* An attachment as the download route needs it. */
struct tw_attachment {
	char stored[25];
	char *file_name;
	char content_type[41];
	int has_thumb;
	long long directorate_id; /* of its case */
	char number[TW_CASENUM_LEN + 1]; /* of its case */
};

enum tw_svcfield_problem tw_svcfield_check(const struct tw_svcfield *,
    const char *raw, long today, char **value);
enum tw_err tw_svcform_load(struct tw_db *, const char *code, enum tw_lang,
    long today, HDF *out, struct tw_svcform **);
void tw_svcform_free(struct tw_svcform *);
enum tw_err tw_svcrequest_create(struct tw_db *, HDF *strings,
    const struct tw_svcrequest *, char number[TW_CASENUM_LEN + 1]);
enum tw_err tw_svcrequest_case_fill(struct tw_db *, const char *number,
    enum tw_lang, HDF *out);
enum tw_err tw_attachment_find(struct tw_db *, long long id,
    struct tw_attachment **);
void tw_attachment_free(struct tw_attachment *);
enum tw_err tw_case_by_form_token(struct tw_db *, const struct tw_case_new *,
    char number[TW_CASENUM_LEN + 1]);
/* services.c (directory): browsing, search, edits and their history. */
#define TW_SERVICE_CODE_MAX     32
#define TW_SERVICE_TERMS_MAX    6 /* words of one search that count */
#define TW_SERVICE_TERM_MAX     64 /* bytes of one search word and NUL */
#define TW_SERVICE_FULLTEXT_MIN 3 /* InnoDB's innodb_ft_min_token_size */
#define TW_SERVICE_TEXTS        14 /* name_ar to where_en */

/* A service as the edit form sends it, validated. */
struct tw_service_input {
	const char *code;
	const char *directorate; /* a directorate code */
	/* name, description, steps, documents, fees, duration and where,
	 * each Arabic then English */
	const char *text[TW_SERVICE_TEXTS];
	int requestable;
	const char *category; /* a category code, or NULL */
	int ivr_rank; /* 1 to 9, or 0 for none */
	const char *internal_notes; /* or NULL */
	int active;
	long long version; /* the version edited; 0 for a new service */
};

int tw_service_code_valid(const char *);
size_t tw_service_terms(const char *words, char terms[][TW_SERVICE_TERM_MAX],
    size_t max);
char *tw_service_fulltext(char terms[][TW_SERVICE_TERM_MAX], size_t n,
    int *usable);
char *tw_service_changes(const char *before, const char *after);
enum tw_err tw_services_browse(struct tw_db *, enum tw_lang,
    const char *directorate, int all, HDF *out);
enum tw_err tw_services_search(struct tw_db *, enum tw_lang, const char *words,
    int all, HDF *out);
enum tw_err tw_service_page(struct tw_db *, const char *code, enum tw_lang,
    int staff, const char *tz, HDF *out);
enum tw_err tw_service_form(struct tw_db *, const char *code, HDF *out);
enum tw_err tw_service_save(struct tw_db *, long long staff_id,
    const struct tw_service_input *, const char **field);
enum tw_err tw_service_history(struct tw_db *, const char *code, enum tw_lang,
    const char *tz, HDF *out);
enum tw_err tw_service_case(struct tw_db *, const char *number,
    long long *case_id, long long *customer_id, long long *directorate_id);
enum tw_err tw_service_send_logged(struct tw_db *, HDF *strings,
    const char *code, const struct tw_procedure_to *);
/* ivr.c: the 1111 phone line's signature, TwiML and call records. */
#define TW_IVR_SIGNATURE_LEN 28 /* base64 of the 20 bytes of HMAC-SHA1 */

struct tw_ivr_param {
	char *name; /* decoded */
	char *value;
};

/* The parameters of a body or query string, sorted by name. */
struct tw_ivr_params {
	struct tw_ivr_param *items;
	size_t n;
};

/* A TwiML document being built; every text and attribute is escaped. */
struct tw_twiml {
	STRING out;
};

/* A call as tw_ivr_call_lock reads it. */
struct tw_ivr_call {
	long long id;
	char caller[17]; /* E.164; "" when withheld */
	enum tw_lang lang;
	char path[1001];
	char outcome[25];
	long long case_id; /* 0 when none */
	char case_number[TW_CASENUM_LEN + 1];
	int missed; /* 1 when a missed-call record exists */
};

/* Case data the phone line reads out. */
struct tw_ivr_status {
	long long case_id;
	char status[16];
	char updated[20]; /* UTC */
	char due[20]; /* UTC; "" when none */
	char category[201]; /* only read out when own is 1 */
	int own; /* 1 when the caller's number is the case's mobile */
};

enum tw_ivr_by { TW_IVR_BY_CALLER, TW_IVR_BY_CASE, TW_IVR_ALL };

enum tw_err tw_ivr_params_parse(const char *text, size_t len,
    struct tw_ivr_params **);
void tw_ivr_params_free(struct tw_ivr_params *);
const char *tw_ivr_param(const struct tw_ivr_params *, const char *name);
enum tw_err tw_ivr_sign(const char *token, const char *url,
    const struct tw_ivr_params *, char out[TW_IVR_SIGNATURE_LEN + 1]);
int tw_ivr_signature_valid(const char *token, const char *url,
    const struct tw_ivr_params *, const char *signature);
void tw_twiml_init(struct tw_twiml *);
void tw_twiml_say(struct tw_twiml *, const char *language, const char *voice,
    const char *text);
void tw_twiml_play(struct tw_twiml *, const char *url);
void tw_twiml_gather_open(struct tw_twiml *, const char *action, int num_digits,
    const char *finish_on_key, int timeout);
void tw_twiml_gather_close(struct tw_twiml *);
void tw_twiml_record(struct tw_twiml *, const char *action,
    const char *callback, int max_seconds);
void tw_twiml_dial(struct tw_twiml *, const char *number, const char *action,
    int timeout);
void tw_twiml_redirect(struct tw_twiml *, const char *url);
void tw_twiml_hangup(struct tw_twiml *);
char *tw_twiml_finish(struct tw_twiml *);
void tw_twiml_free(struct tw_twiml *);
enum tw_err tw_ivr_call_start(struct tw_db *, const char *sid,
    const char *caller, long long *call_id);
enum tw_err tw_ivr_step_claim(struct tw_db *, long long call_id,
    const char *step, char **response);
enum tw_err tw_ivr_step_answer(struct tw_db *, long long call_id,
    const char *step, const char *response);
enum tw_err tw_ivr_call_lock(struct tw_db *, long long call_id,
    struct tw_ivr_call *);
enum tw_err tw_ivr_call_note(struct tw_db *, long long call_id, enum tw_lang,
    const char *step, const char *outcome);
enum tw_err tw_ivr_call_end(struct tw_db *, long long call_id);
enum tw_err tw_ivr_missed(struct tw_db *, long long call_id,
    const char *reason);
enum tw_err tw_ivr_missed_done(struct tw_db *, long long missed_id,
    long long staff_id);
enum tw_err tw_ivr_voice_case(struct tw_db *, HDF *strings,
    struct tw_ivr_call *, const char *sid, const char *recording_url,
    char number[TW_CASENUM_LEN + 1]);
enum tw_err tw_ivr_call_case(struct tw_db *, long long call_id,
    long long case_id);
enum tw_err tw_ivr_case_status(struct tw_db *, const char *number,
    const char *caller, enum tw_lang, struct tw_ivr_status *);
enum tw_err tw_ivr_services(struct tw_db *, enum tw_lang, struct tw_rows **);
enum tw_err tw_ivr_customer(struct tw_db *, const char *mobile,
    long long *customer_id, char email[255]);
enum tw_err tw_ivr_calls_fill(struct tw_db *, enum tw_ivr_by, const char *key,
    const char *tz, HDF *out, const char *prefix);
enum tw_err tw_ivr_calls_summary(struct tw_db *, HDF *out, const char *prefix);
/*
 * E-mail sending (mail.c, mailsmtp.c): the Mail section, the sender's
 * claims on mail_outbox and delivery through the SMTP relay.
 */
struct tw_mail_config {
	const char *smtp_url; /* smtp://host:port; "" when not configured */
	const char *from; /* the From header, "Name <address>" */
	long give_up_hours; /* failing messages are failed after this */
	long connect_timeout; /* seconds to connect to the relay */
	long timeout; /* seconds for a whole message */
	long lease_seconds; /* a claim older than this is free again */
};

/* One claimed mail_outbox row; the strings are freed with the claim. */
struct tw_mail_out {
	long long id;
	char *to;
	enum tw_lang lang;
	char kind[33];
	char *subject;
	char *body;
	long attempts; /* attempts made before this one */
	long long age; /* seconds since it was queued */
};

struct tw_mail_claim {
	size_t n;
	struct tw_mail_out *rows;
};

/* The relay's answer to one message. */
struct tw_mail_answer {
	enum tw_sms_verdict verdict;
	long reply; /* the last SMTP reply code; 0 when none came */
	int connected; /* 0 when the relay could not be reached in time */
	char text[256]; /* the reply code, or the error */
};

struct tw_mailer;

void tw_mail_config_read(const struct tw_config *, struct tw_mail_config *);
int tw_mail_configured(const struct tw_config *);
enum tw_err tw_mail_sender_lock(struct tw_db *, const char *claimer);
enum tw_err tw_mail_recover(struct tw_db *, long lease_seconds,
    unsigned long long *recovered);
enum tw_err tw_mail_claim(struct tw_db *, const char *claimer, size_t max,
    struct tw_mail_claim **);
void tw_mail_claim_free(struct tw_mail_claim *);
enum tw_err tw_mail_release(struct tw_db *, const char *claimer,
    unsigned long long *released);
enum tw_err tw_mail_record(struct tw_db *, const char *claimer,
    const struct tw_mail_out *, enum tw_sms_verdict, const char *error,
    long give_up_hours, const char **status);
void tw_mail_init(void);
enum tw_err tw_mailer_new(const struct tw_mail_config *, struct tw_mailer **);
void tw_mailer_free(struct tw_mailer *);
char *tw_mail_compose(const struct tw_mailer *, const struct tw_mail_out *);
enum tw_err tw_mail_send(struct tw_mailer *, const struct tw_mail_out *,
    struct tw_mail_answer *);

/* spots.c: trouble spots, cases of one category that cluster. */
struct tw_spot_point {
	double lat, lon; /* degrees */
	long long at; /* created, UTC seconds since 1970 */
	int group; /* the category, an index chosen by the caller */
};

struct tw_spot_cluster {
	int group;
	size_t count;
	double lat, lon; /* the centre: the mean of the members */
	double radius_m; /* the furthest member from the centre */
	long long first, last; /* the earliest and latest member's at */
	size_t *members; /* indexes of the points, count of them */
};

/* A category x wilayat of the period: its cases and the previous
 * period's; flagged when count >= the threshold and count > previous. */
struct tw_spot_area {
	char *category, *category_name;
	char *wilayat, *wilayat_name; /* "" when unknown */
	long long count, previous;
	int flagged;
};

struct tw_spot_group {
	char *code, *name; /* a category */
};

struct tw_spot_case {
	char number[16];
	char wilayat[33]; /* "" when unknown */
};

struct tw_spots_query {
	long from, to; /* Muscat days since 1970, both included */
	const char *category; /* code, or NULL for all */
	long long directorate_id; /* or 0 for all */
	long min_count; /* the threshold of flags and clusters */
	double cell_m; /* the grid's cell in metres */
	struct tw_area area;
};

struct tw_spots {
	struct tw_spot_area *areas;
	size_t nareas;
	struct tw_spot_group *groups; /* the points' group indexes */
	size_t ngroups;
	struct tw_spot_point *points; /* cases with coordinates */
	struct tw_spot_case *cases; /* beside points */
	size_t npoints;
	struct tw_spot_cluster *clusters; /* the largest first */
	size_t nclusters;
};

double tw_spots_distance(double lat1, double lon1, double lat2, double lon2);
void tw_spots_cell(const struct tw_area *, double cell_m, double lat,
    double lon, long *row, long *col);
enum tw_err tw_spots_cluster(const struct tw_area *, double cell_m,
    size_t min_count, const struct tw_spot_point *, size_t n,
    struct tw_spot_cluster **, size_t *nclusters);
void tw_spots_clusters_free(struct tw_spot_cluster *, size_t n);
enum tw_err tw_spots_load(struct tw_db *, const struct tw_spots_query *,
    enum tw_lang, struct tw_spots **);
void tw_spots_free(struct tw_spots *);

/* call_figures.c: the figures of the 1111 phone line on the reports
 * page, from ivr_calls and ivr_missed_calls. */
enum tw_call_trend { TW_CALL_DAILY, TW_CALL_WEEKLY, TW_CALL_MONTHLY };

/* The outcomes that ivr_calls.outcome takes, in the order of the pages;
 * the last, "other", counts any value not in the list. */
#define TW_CALL_OUTCOMES 11
extern const char *const tw_call_outcomes[TW_CALL_OUTCOMES];

/* One call as the figures count it. A duration or call-back time below
 * 0 is unknown. */
struct tw_call_fact {
	enum tw_lang lang;
	const char *outcome;
	double seconds; /* ended_at - started_at */
	int voice_case; /* the call filed a voice complaint as a case */
	int missed; /* the call has a missed-call record */
	int returned; /* that record is handled */
	double callback_seconds; /* handled_at - created_at of the record */
	const char *bucket; /* the day, week's Monday or month of the start */
};

/* Calls started in one day, week or month, per outcome. */
struct tw_call_bucket {
	char label[11]; /* YYYY-MM-DD, the week's Monday, or YYYY-MM */
	long long calls;
	long long outcomes[TW_CALL_OUTCOMES];
};

struct tw_call_figures {
	long long calls;
	long long langs[TW_LANG_MAX];
	long long outcomes[TW_CALL_OUTCOMES];
	long long timed; /* calls with an end time */
	double mean_seconds; /* of the timed calls; 0 when none */
	double p90_seconds;
	long long voice_cases;
	long long missed; /* calls with a missed-call record */
	long long returned;
	long long open; /* missed - returned */
	double median_callback_minutes; /* of the returned; 0 when none */
	struct tw_call_bucket *buckets; /* in order of label */
	size_t nbuckets;
};

int tw_call_outcome_index(const char *outcome);
enum tw_err tw_call_figures_summarise(const struct tw_call_fact *, size_t n,
    struct tw_call_figures *);
enum tw_err tw_call_figures_load(struct tw_db *, long from, long to,
    enum tw_call_trend, struct tw_call_figures **);
void tw_call_figures_free(struct tw_call_figures *);

/* text.c: one CSV cell, quoted, with formulas defused. */
void tw_csv_cell(STRING *out, const char *value);

/* The limits of case status lookups on the phone line (lib/ivr.c). */
enum tw_ivr_lookup {
	TW_IVR_LOOKUP_OK,
	TW_IVR_LOOKUP_CALL, /* the call has made its lookups */
	TW_IVR_LOOKUP_HOUR /* the caller has made the hour's lookups */
};
enum tw_err tw_ivr_lookup_allow(struct tw_db *, long long call_id,
    const char *caller, long per_call, long per_hour, enum tw_ivr_lookup *);

/* attach.c: 1 when a PDF names an action that runs on opening. */
int tw_attach_pdf_active(const unsigned char *, size_t);

/* purge.c: deletes rows that have served their short purpose. */
struct tw_purge_counts {
	unsigned long long login_failures;
	unsigned long long survey_misses;
	unsigned long long sessions;
	unsigned long long poll_codes;
	unsigned long long ivr_steps;
	unsigned long long ivr_lookups;
};

enum tw_err tw_purge(struct tw_db *, const struct tw_config *,
    struct tw_purge_counts *);

/* attach.c: checks an uploaded file's size, type and header without
 * decoding it. */
enum tw_attach_problem tw_attach_read_header(const struct tw_attach_config *,
    FILE *, const char *name, struct tw_attach *, double *cost);

#endif
