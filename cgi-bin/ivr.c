/*
 * ivr.c: the webhooks of the 1111 phone line under /ivr/.
 *
 * The IVR provider posts to these routes at each step of a call and
 * plays the TwiML returned (Say, Play, Gather, Record, Dial, Redirect,
 * Hangup). Every request must carry a valid X-Twilio-Signature made with
 * Secrets.IvrAuthToken over Ivr.PublicUrl (Site.BaseUrl when empty)
 * followed by the path and query, and the POST parameters. Any other
 * request gets 403. Each response is stored under the call id and the
 * step's URL, whose n counter grows along the call, so a retried request
 * gets the same response back and changes nothing twice.
 *
 * The call: /ivr/voice greets and asks for the language, /ivr/lang sets
 * it, /ivr/menu offers 1 status, 2 voice complaint, 3 procedures and
 * 0 an agent. /ivr/status reads a case, /ivr/recorded and
 * /ivr/recording (the recording callback) file the voice complaint,
 * /ivr/procedure sends a procedure by SMS, /ivr/dialled and
 * /ivr/afterhours follow the transfer, /ivr/end is the call-status
 * callback.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "tawasul.h"

#define nitems(a) (sizeof(a) / sizeof((a)[0]))

/* Maximum invalid menu inputs before the caller goes to an agent. */
#define MAX_TRIES 3

/* One request of a call, as the step handlers see it. */
struct call {
	struct tw_req *req;
	struct tw_ivr_params *body;
	struct tw_ivr_params *query;
	const char *sid;
	struct tw_ivr_call row;
	enum tw_lang lang;
	long n; /* this step's number, so the next steps get n + 1 */
	int try; /* how many times this menu was offered, 1 to MAX_TRIES */
	struct tw_twiml x;
	const char *note; /* appended to the call's path */
	const char *outcome; /* the call's new outcome, or NULL */
	char url[160]; /* scratch for next_url */
	char note_buf[64];
};

typedef enum tw_err (*step_handler)(struct call *);

static enum tw_err voice(struct tw_req *);
static enum tw_err lang(struct tw_req *);
static enum tw_err menu(struct tw_req *);
static enum tw_err status(struct tw_req *);
static enum tw_err recorded(struct tw_req *);
static enum tw_err recording(struct tw_req *);
static enum tw_err procedure(struct tw_req *);
static enum tw_err dialled(struct tw_req *);
static enum tw_err afterhours(struct tw_req *);
static enum tw_err end(struct tw_req *);

static const struct tw_route routes[] = {
	{ "POST", "/ivr/voice", voice, 0 },
	{ "POST", "/ivr/lang", lang, 0 },
	{ "POST", "/ivr/menu", menu, 0 },
	{ "POST", "/ivr/status", status, 0 },
	{ "POST", "/ivr/recorded", recorded, 0 },
	{ "POST", "/ivr/recording", recording, 0 },
	{ "POST", "/ivr/procedure", procedure, 0 },
	{ "POST", "/ivr/dialled", dialled, 0 },
	{ "POST", "/ivr/afterhours", afterhours, 0 },
	{ "POST", "/ivr/end", end, 0 },
};

/* Secrets.IvrAuthToken, read from the secrets file on first use. */
static char *auth_token;

/* Configuration. */

static const char *
setting(struct call *c, const char *name, const char *fallback)
{
	const char *value =
	    hdf_get_value(c->req->app->config->hdf, name, fallback);

	return value != NULL && value[0] != '\0' ? value : fallback;
}

static long
setting_int(struct call *c, const char *name, long fallback)
{
	return hdf_get_int_value(c->req->app->config->hdf, name, fallback);
}

/* Reads Secrets.IvrAuthToken once. Returns the token, or "" when it is
 * missing, which makes every signature invalid. */
static const char *
token(const struct tw_config *cfg)
{
	const char *path = hdf_get_value(cfg->hdf, "Paths.Secrets", NULL);
	HDF *secrets = NULL;

	if (auth_token != NULL)
		return auth_token;
	if (path != NULL && hdf_init(&secrets) == STATUS_OK) {
		NEOERR *nerr = hdf_read_file(secrets, path);

		if (nerr == STATUS_OK)
			auth_token = strdup(
			    hdf_get_value(secrets, "Secrets.IvrAuthToken", ""));
		nerr_ignore(&nerr);
		hdf_destroy(&secrets);
	}
	if (auth_token == NULL || auth_token[0] == '\0')
		tw_log_error("ivr: Secrets.IvrAuthToken is missing; every "
		             "request will be rejected");
	return auth_token ? auth_token : "";
}

/* Prompts. */

static HDF *
strings(struct call *c)
{
	return c->req->app->strings[c->lang];
}

/* Reads out text in the call's language. */
static void
say_text(struct call *c, const char *text)
{
	char name[32];

	snprintf(name, sizeof name, "Ivr.Language.%s", tw_lang_code(c->lang));
	tw_twiml_say(&c->x,
	    setting(c, name, c->lang == TW_LANG_AR ? "ar-SA" : "en-GB"),
	    setting(c, c->lang == TW_LANG_AR ? "Ivr.Voice.ar" : "Ivr.Voice.en",
	        NULL),
	    text);
}

/* Plays the recorded prompt Ivr.<key> when Ivr.AudioBaseUrl is set, or
 * reads out its text. */
static void
prompt(struct call *c, const char *key)
{
	const char *base = setting(c, "Ivr.AudioBaseUrl", NULL);
	char name[64], url[512];

	if (base != NULL) {
		snprintf(url, sizeof url, "%s/%s/%s.mp3", base,
		    tw_lang_code(c->lang), key);
		tw_twiml_play(&c->x, url);
		return;
	}
	snprintf(name, sizeof name, "Ivr.%s", key);
	say_text(c, tw_string(strings(c), name));
}

/* Reads out Ivr.<key> with each {name} replaced by its value (pairs, NULL
 * terminated). */
static enum tw_err
say_filled(struct call *c, const char *key, ...)
{
	char name[64], *text, *next;
	const char *from, *to;
	va_list ap;

	snprintf(name, sizeof name, "Ivr.%s", key);
	if ((text = strdup(tw_string(strings(c), name))) == NULL)
		return TW_ERR_NOMEM;
	va_start(ap, key);
	while ((from = va_arg(ap, const char *)) != NULL) {
		to = va_arg(ap, const char *);
		next = tw_str_replace(text, from, to ? to : "");
		free(text);
		if ((text = next) == NULL)
			break;
	}
	va_end(ap);
	if (text == NULL)
		return TW_ERR_NOMEM;
	say_text(c, text);
	free(text);
	return TW_OK;
}

/* Writes digits with spaces between them, so they are read one by one. */
static void
spaced(const char *digits, char *out, size_t outsz)
{
	size_t o = 0;

	for (const char *d = digits; *d && o + 3 < outsz; d++) {
		if (o > 0)
			out[o++] = ' ';
		out[o++] = *d;
	}
	out[o] = '\0';
}

/* Returns the URL of the next step: path?lang=..&n=..&try=.. */
static const char *
next_url(struct call *c, const char *path, int try)
{
	snprintf(c->url, sizeof c->url, "%s?lang=%s&n=%ld&try=%d", path,
	    tw_lang_code(c->lang), c->n + 1, try);
	return c->url;
}

/* Menus. */

/* Offers the main menu, the try-th time. */
static void
main_menu(struct call *c, int try)
{
	const char *url = next_url(c, "/ivr/menu", try);

	tw_twiml_gather_open(&c->x, url, 1, NULL,
	    (int)setting_int(c, "Ivr.GatherSeconds", 6));
	if (try > 1)
		prompt(c, "Invalid");
	prompt(c, "MainMenu");
	tw_twiml_gather_close(&c->x);
	tw_twiml_redirect(&c->x, url);
}

/* Asks for a case number, the try-th time. */
static void
ask_case(struct call *c, int try)
{
	const char *url = next_url(c, "/ivr/status", try);

	tw_twiml_gather_open(&c->x, url, 0, "#",
	    (int)setting_int(c, "Ivr.GatherSeconds", 6));
	prompt(c, "EnterCase");
	tw_twiml_gather_close(&c->x);
	tw_twiml_redirect(&c->x, url);
}

/* Asks for the voice complaint and records it. */
static void
ask_recording(struct call *c)
{
	char callback[64];
	const char *url = next_url(c, "/ivr/recorded", 1);

	snprintf(callback, sizeof callback, "/ivr/recording?lang=%s",
	    tw_lang_code(c->lang));
	prompt(c, "RecordPrompt");
	tw_twiml_record(&c->x, url, callback,
	    (int)setting_int(c, "Ivr.RecordSeconds", 120));
	/* Reached only when the provider got no audio at all. */
	tw_twiml_redirect(&c->x, url);
	c->note = "record";
}

/* Offers the ranked services of the directory, the try-th time. */
static enum tw_err
procedures_menu(struct call *c, int try)
{
	struct tw_rows *rows;
	const char *url;
	enum tw_err err;

	if ((err = tw_ivr_services(c->req->app->db, c->lang, &rows)) != TW_OK)
		return err;
	if (rows->nrows == 0) {
		tw_rows_free(rows);
		prompt(c, "NoProcedures");
		main_menu(c, 1);
		return TW_OK;
	}
	url = next_url(c, "/ivr/procedure", try);
	tw_twiml_gather_open(&c->x, url, 1, NULL,
	    (int)setting_int(c, "Ivr.GatherSeconds", 6));
	if (try > 1)
		prompt(c, "Invalid");
	for (size_t r = 0; err == TW_OK && r < rows->nrows; r++)
		err = say_filled(c, "ProcedureOption", "{digit}",
		    tw_rows_get(rows, r, 0), "{name}", tw_rows_get(rows, r, 2),
		    NULL);
	prompt(c, "ProcedureBack");
	tw_twiml_gather_close(&c->x);
	tw_twiml_redirect(&c->x, url);
	tw_rows_free(rows);
	return err;
}

/* Opening hours. */

/* Returns minutes after midnight of "HH:MM", or -1. */
static int
clock_minutes(const char *text)
{
	int h, m;
	char extra;

	if (sscanf(text, "%2d:%2d%c", &h, &m, &extra) != 2 || h < 0 || h > 24 ||
	    m < 0 || m > 59 || (h == 24 && m != 0))
		return -1;
	return h * 60 + m;
}

/* Returns 1 when agents take calls now: Ivr.AgentDays names today's weekday
 * (sun mon tue wed thu fri sat) and Ivr.AgentHours "HH:MM-HH:MM"
 * contains the time, both in Site.DisplayTimeZone. */
static int
agents_open(struct call *c)
{
	static const char *const days[] = { "sun", "mon", "tue", "wed", "thu",
		"fri", "sat" };
	const char *hours = setting(c, "Ivr.AgentHours", "07:30-14:30");
	const char *dash = strchr(hours, '-');
	char first[8];
	time_t now = time(NULL);
	struct tm tm;
	int from, to, minute;

	if (dash == NULL || dash - hours >= (long)sizeof first)
		return 0;
	snprintf(first, sizeof first, "%.*s", (int)(dash - hours), hours);
	from = clock_minutes(first);
	to = clock_minutes(dash + 1);
	setenv("TZ", c->req->app->config->display_tz, 1);
	tzset();
	localtime_r(&now, &tm);
	minute = tm.tm_hour * 60 + tm.tm_min;
	if (strstr(setting(c, "Ivr.AgentDays", "sun mon tue wed thu"),
	        days[tm.tm_wday]) == NULL)
		return 0;
	return from >= 0 && to >= 0 && from <= minute && minute < to;
}

/* Puts the caller through to the agents' queue, or outside the hours
 * offers the voice complaint instead. */
static void
to_agent(struct call *c)
{
	const char *queue = setting(c, "Ivr.QueueNumber", NULL);

	if (queue != NULL && agents_open(c)) {
		prompt(c, "Transfer");
		tw_twiml_dial(&c->x, queue, next_url(c, "/ivr/dialled", 1),
		    (int)setting_int(c, "Ivr.DialSeconds", 30));
		c->note = "agent";
		c->outcome = "transferred";
		return;
	}
	tw_twiml_gather_open(&c->x, next_url(c, "/ivr/afterhours", 1), 1, NULL,
	    (int)setting_int(c, "Ivr.GatherSeconds", 6));
	prompt(c, "AfterHours");
	tw_twiml_gather_close(&c->x);
	tw_twiml_redirect(&c->x, c->url);
	c->note = "after_hours";
	c->outcome = "after_hours";
}

/* The step runner. */

/* Responds with a TwiML document, or with plain text for an error. */
static enum tw_err
reply(struct tw_req *req, int code, const char *content_type, const char *text)
{
	string_clear(&req->body);
	string_append(&req->body, text);
	tw_req_header(req, "Content-Type", content_type);
	req->status = code;
	return TW_OK;
}

/* Returns 1 for a call id of 1 to 64 letters and digits. */
static int
sid_valid(const char *sid)
{
	size_t len = sid ? strlen(sid) : 0;

	return len > 0 && len <= 64 &&
	    strspn(sid,
	        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	        "0123456789") == len;
}

/* Reads lang, n and try of the query string. */
static void
read_position(struct call *c)
{
	const char *n = tw_ivr_param(c->query, "n");
	const char *try = tw_ivr_param(c->query, "try");

	c->lang = c->row.lang;
	tw_lang_parse(tw_ivr_param(c->query, "lang"), &c->lang);
	c->n = n != NULL ? strtol(n, NULL, 10) : 0;
	if (c->n < 0 || c->n > 1000)
		c->n = 0;
	c->try = try != NULL ? atoi(try) : 1;
	if (c->try < 1 || c->try > MAX_TRIES)
		c->try = 1;
}

/* Checks the signature of the request. A rejection is logged without
 * any parameter, because they carry the caller's number. */
static int
signed_properly(struct call *c)
{
	struct tw_req *req = c->req;
	const char *uri = tw_req_env(req, "REQUEST_URI");
	const char *header = tw_req_env(req, "HTTP_X_TWILIO_SIGNATURE");
	const char *base =
	    setting(c, "Ivr.PublicUrl", req->app->config->base_url);
	char *url;
	int ok;

	if (asprintf(&url, "%s%s", base, uri ? uri : "") < 0)
		return 0;
	ok = tw_ivr_signature_valid(token(req->app->config), url, c->body,
	    header);
	free(url);
	if (!ok)
		tw_log_warn("ivr: %s rejected: %s signature", req->path,
		    header == NULL ? "missing" : "wrong");
	return ok;
}

/* Runs a claimed step in the open transaction, with the call's row
 * locked, and stores its response. */
static enum tw_err
respond_step(struct call *c, step_handler handler, const char *step, char **doc)
{
	struct tw_db *db = c->req->app->db;
	enum tw_err err;

	read_position(c);
	tw_twiml_init(&c->x);
	err = handler(c);
	*doc = tw_twiml_finish(&c->x);
	if (err == TW_OK && *doc == NULL)
		err = TW_ERR_NOMEM;
	if (err == TW_OK && c->note != NULL)
		err = tw_ivr_call_note(db, c->row.id, c->lang, c->note,
		    c->outcome);
	if (err == TW_OK)
		err = tw_ivr_step_answer(db, c->row.id, step, *doc);
	if (err == TW_OK)
		err = tw_db_commit(db);
	return err;
}

/* Verifies one request of a call, and returns the stored response of a
 * retried step or runs the handler. */
static enum tw_err
run_step(struct tw_req *req, step_handler handler)
{
	struct call c = { .req = req };
	const char *query = tw_req_env(req, "QUERY_STRING");
	const char *uri = tw_req_env(req, "REQUEST_URI");
	char step[256], caller[16], *doc = NULL;
	enum tw_err err;

	err = tw_ivr_params_parse(req->raw_body, req->raw_len, &c.body);
	if (err == TW_OK)
		err = tw_ivr_params_parse(query, query ? strlen(query) : 0,
		    &c.query);
	if (err != TW_OK)
		goto done;
	if (!signed_properly(&c)) {
		err =
		    reply(req, 403, "text/plain; charset=utf-8", "forbidden\n");
		goto done;
	}
	c.sid = tw_ivr_param(c.body, "CallSid");
	if (!sid_valid(c.sid)) {
		tw_log_warn("ivr: %s: missing or malformed CallSid", req->path);
		err = reply(req, 400, "text/plain; charset=utf-8",
		    "CallSid missing or malformed\n");
		goto done;
	}
	if (tw_ivr_param(c.body, "From") == NULL ||
	    tw_mobile_normalise(tw_ivr_param(c.body, "From"), caller) != TW_OK)
		caller[0] = '\0';
	snprintf(step, sizeof step, "%s", uri ? uri : req->path);
	if ((err = tw_ivr_call_start(req->app->db, c.sid,
	         caller[0] ? caller : NULL, &c.row.id)) != TW_OK ||
	    (err = tw_db_begin(req->app->db)) != TW_OK)
		goto done;
	err = tw_ivr_call_lock(req->app->db, c.row.id, &c.row);
	if (err == TW_OK)
		err = tw_ivr_step_claim(req->app->db, c.row.id, step, &doc);
	if (err == TW_ERR_DUPLICATE) {
		tw_log_info("ivr: call %lld %s: retried step, stored response "
		            "returned",
		    c.row.id, req->path);
		err = reply(req, 200, "text/xml; charset=utf-8", doc);
		goto done;
	}
	if (err == TW_OK)
		err = respond_step(&c, handler, step, &doc);
	if (err == TW_OK) {
		tw_log_info("ivr: call %lld %s%s%s", c.row.id, req->path,
		    c.note ? " " : "", c.note ? c.note : "");
		snprintf(req->case_number, sizeof req->case_number, "%s",
		    c.row.case_number);
		err = reply(req, 200, "text/xml; charset=utf-8", doc);
	}
done:
	free(doc);
	tw_ivr_params_free(c.body);
	tw_ivr_params_free(c.query);
	return err;
}

/* Returns the keys the caller pressed, or "". */
static const char *
digits(struct call *c)
{
	const char *d = tw_ivr_param(c->body, "Digits");

	return d ? d : "";
}

/* Steps. */

/* The greeting, in both languages: 1 Arabic, 2 English; Arabic when
 * nothing is pressed. */
static enum tw_err
voice_step(struct call *c)
{
	enum tw_lang spoken = c->lang;

	c->n = 0;
	tw_twiml_gather_open(&c->x, "/ivr/lang?n=1", 1, NULL,
	    (int)setting_int(c, "Ivr.GatherSeconds", 6));
	for (int l = 0; l < TW_LANG_MAX; l++) {
		c->lang = (enum tw_lang)l;
		if (l == TW_LANG_AR)
			prompt(c, "Welcome");
		prompt(c, "ChooseLanguage");
	}
	c->lang = spoken;
	tw_twiml_gather_close(&c->x);
	tw_twiml_redirect(&c->x, "/ivr/lang?n=1");
	c->note = "start";
	c->outcome = "started";
	return TW_OK;
}

static enum tw_err
lang_step(struct call *c)
{
	c->lang = strcmp(digits(c), "2") == 0 ? TW_LANG_EN : TW_LANG_AR;
	c->note = c->lang == TW_LANG_EN ? "lang:en" : "lang:ar";
	if (c->lang == TW_LANG_EN)
		prompt(c, "WelcomeEn");
	main_menu(c, 1);
	return TW_OK;
}

/* After an invalid input: the menu again, or an agent after the last. */
static void
retry_or_agent(struct call *c, void (*again)(struct call *, int))
{
	if (c->try < MAX_TRIES) {
		again(c, c->try + 1);
		return;
	}
	prompt(c, "TooMany");
	to_agent(c);
	if (c->outcome == NULL || strcmp(c->outcome, "transferred") != 0)
		c->note = "too_many after_hours";
	else
		c->note = "too_many agent";
}

static void
procedures_again(struct call *c, int try)
{
	if (procedures_menu(c, try) != TW_OK)
		main_menu(c, 1);
}

static enum tw_err
menu_step(struct call *c)
{
	const char *d = digits(c);

	if (strcmp(d, "1") == 0) {
		c->note = "status";
		ask_case(c, 1);
	} else if (strcmp(d, "2") == 0 && c->row.caller[0] == '\0') {
		prompt(c, "NeedNumber");
		main_menu(c, 1);
		c->note = "record:no_number";
	} else if (strcmp(d, "2") == 0) {
		ask_recording(c);
	} else if (strcmp(d, "3") == 0) {
		c->note = "procedures";
		return procedures_menu(c, 1);
	} else if (strcmp(d, "0") == 0) {
		to_agent(c);
	} else {
		c->note = d[0] ? "menu:invalid" : "menu:none";
		retry_or_agent(c, main_menu);
	}
	return TW_OK;
}

/* Reads out the status of a found case, its details to its owner. */
static enum tw_err
read_status(struct call *c, const char *number)
{
	struct tw_ivr_status st;
	char key[48], spoken[24], when[32], due[32];
	enum tw_err err;

	err = tw_ivr_case_status(c->req->app->db, number, c->row.caller,
	    c->lang, &st);
	if (err != TW_OK)
		return err;
	spaced(number, spoken, sizeof spoken);
	snprintf(key, sizeof key, "Status.%s", st.status);
	tw_time_display(st.updated, c->req->app->config->display_tz, when,
	    sizeof when);
	when[10] = '\0';
	err = say_filled(c, "StatusText", "{number}", spoken, "{status}",
	    tw_string(strings(c), key), "{date}", when, NULL);
	if (err == TW_OK && st.own) {
		tw_time_display(st.due, c->req->app->config->display_tz, due,
		    sizeof due);
		due[10] = '\0';
		err = say_filled(c, "StatusDetails", "{category}", st.category,
		    "{due}", due, NULL);
	}
	if (err == TW_OK)
		err = tw_ivr_call_case(c->req->app->db, c->row.id, st.case_id);
	snprintf(c->row.case_number, sizeof c->row.case_number, "%s", number);
	c->note = st.own ? "status:owner" : "status:read";
	c->outcome = "status_read";
	return err;
}

/*
 * Writes the number the hourly lookup limit counts for this call: the
 * caller's Omani mobile in E.164, or else the provider's From as "+" and
 * its digits (a landline or a foreign number, "00" taken as "+"), or ""
 * for a withheld number or one of fewer than 6 digits.
 */
static void
lookup_key(const struct call *c, char key[17])
{
	const char *from = tw_ivr_param(c->body, "From");
	size_t n = 0;

	key[0] = '\0';
	if (c->row.caller[0] != '\0') {
		snprintf(key, 17, "%s", c->row.caller);
		return;
	}
	if (from == NULL)
		return;
	while (*from == ' ' || *from == '+')
		from++;
	if (from[0] == '0' && from[1] == '0')
		from += 2;
	key[n++] = '+';
	for (; *from != '\0' && n < 16; from++)
		if (*from >= '0' && *from <= '9')
			key[n++] = *from;
	key[n] = '\0';
	if (n < 7)
		key[0] = '\0';
}

/*
 * Counts a status lookup against Ivr.StatusPerCall (3) per call and
 * Ivr.StatusPerHour (10) per caller number (lookup_key), withheld
 * numbers together, so that no caller can walk the case numbers. Past
 * a limit the caller hears why and goes to an agent (or the after-hours
 * offer), and *rejected is set to 1.
 */
static enum tw_err
lookup_allowed(struct call *c, int *rejected)
{
	enum tw_ivr_lookup limit;
	enum tw_err err;
	char key[17];
	int agent;

	*rejected = 0;
	lookup_key(c, key);
	err = tw_ivr_lookup_allow(c->req->app->db, c->row.id, key,
	    setting_int(c, "Ivr.StatusPerCall", 3),
	    setting_int(c, "Ivr.StatusPerHour", 10), &limit);
	if (err != TW_OK || limit == TW_IVR_LOOKUP_OK)
		return err;
	*rejected = 1;
	prompt(c,
	    limit == TW_IVR_LOOKUP_CALL ? "StatusLimitCall"
	                                : "StatusLimitHour");
	to_agent(c);
	agent = c->outcome != NULL && strcmp(c->outcome, "transferred") == 0;
	if (limit == TW_IVR_LOOKUP_CALL)
		c->note = agent ? "status:limit_call agent"
		                : "status:limit_call after_hours";
	else
		c->note = agent ? "status:limit_hour agent"
		                : "status:limit_hour after_hours";
	return TW_OK;
}

static enum tw_err
status_step(struct call *c)
{
	char number[TW_CASENUM_LEN + 1];
	enum tw_err err;
	int rejected;

	err = tw_casenum_parse(digits(c), number);
	if (err == TW_OK) {
		if ((err = lookup_allowed(c, &rejected)) != TW_OK || rejected)
			return err;
		err = read_status(c, number);
		if (err == TW_OK) {
			main_menu(c, 1);
			return TW_OK;
		}
	}
	if (err == TW_ERR_CHECKSUM) {
		prompt(c, "Mistyped");
		c->note = "status:mistyped";
	} else if (err == TW_ERR_NOTFOUND) {
		prompt(c, "NotFound");
		c->note = "status:not_found";
	} else if (err == TW_ERR_INPUT) {
		prompt(c, "InvalidNumber");
		c->note = digits(c)[0] ? "status:invalid" : "status:none";
	} else
		return err;
	retry_or_agent(c, ask_case);
	return TW_OK;
}

/* Returns 1 when the provider reports a recording worth a case. */
static int
usable_recording(struct call *c)
{
	const char *url = tw_ivr_param(c->body, "RecordingUrl");
	const char *state = tw_ivr_param(c->body, "RecordingStatus");
	const char *seconds = tw_ivr_param(c->body, "RecordingDuration");

	if (url == NULL || strlen(url) > 500 ||
	    (strncmp(url, "https://", 8) != 0 &&
	        strncmp(url, "http://", 7) != 0))
		return 0;
	if (state != NULL && strcmp(state, "completed") != 0)
		return 0;
	return seconds != NULL &&
	    atol(seconds) >= setting_int(c, "Ivr.MinRecordingSeconds", 2);
}

/* Files the voice complaint once, or records a missed call when there
 * is no usable recording. Returns the result in c->outcome. */
static enum tw_err
file_complaint(struct call *c)
{
	char number[TW_CASENUM_LEN + 1];
	enum tw_err err;

	if (strcmp(c->row.outcome, "case_created") == 0)
		return TW_OK;
	if (!usable_recording(c) || c->row.caller[0] == '\0') {
		c->outcome = "missed";
		return c->row.missed
		    ? TW_OK
		    : tw_ivr_missed(c->req->app->db, c->row.id, "no_recording");
	}
	err = tw_ivr_voice_case(c->req->app->db, strings(c), &c->row, c->sid,
	    tw_ivr_param(c->body, "RecordingUrl"), number);
	if (err == TW_OK)
		c->outcome = "case_created";
	return err;
}

static enum tw_err
recorded_step(struct call *c)
{
	char spoken[24];
	enum tw_err err;

	if ((err = file_complaint(c)) != TW_OK)
		return err;
	/* file_complaint leaves c->outcome NULL when the recording callback
	 * made the case first. */
	if (strcmp(c->outcome ? c->outcome : c->row.outcome, "case_created") ==
	    0) {
		spaced(c->row.case_number, spoken, sizeof spoken);
		err = say_filled(c, "CaseCreated", "{number}", spoken, NULL);
		c->note = "recorded:case";
		c->outcome = "case_created";
	} else {
		prompt(c, "NoRecording");
		c->note = "recorded:none";
	}
	prompt(c, "Goodbye");
	tw_twiml_hangup(&c->x);
	return err;
}

/* The recording callback: its response is stored but not played. */
static enum tw_err
recording_step(struct call *c)
{
	int had_case = strcmp(c->row.outcome, "case_created") == 0;
	enum tw_err err;

	if ((err = file_complaint(c)) != TW_OK)
		return err;
	if (had_case)
		c->note = "recording:known";
	else if (c->outcome != NULL && strcmp(c->outcome, "case_created") == 0)
		c->note = "recording:case";
	else
		c->note = "recording:none";
	return TW_OK;
}

/* Sends the chosen procedure by SMS, and by e-mail when the caller's
 * profile has one, and reads out its description. */
static enum tw_err
send_procedure(struct call *c, struct tw_rows *rows, size_t r)
{
	struct tw_procedure_to to = { .lang = c->lang };
	char email[255];
	enum tw_err err;

	err = say_filled(c, "ProcedureText", "{name}", tw_rows_get(rows, r, 2),
	    "{description}", tw_rows_get(rows, r, 3), NULL);
	if (err != TW_OK)
		return err;
	if (c->row.caller[0] == '\0') {
		prompt(c, "NoNumberSms");
		return TW_OK;
	}
	err = tw_ivr_customer(c->req->app->db, c->row.caller, &to.customer_id,
	    email);
	to.mobile = c->row.caller;
	to.email = email[0] ? email : NULL;
	if (err == TW_OK)
		err = tw_service_send(c->req->app->db, strings(c),
		    tw_rows_get(rows, r, 1), &to);
	if (err == TW_OK)
		prompt(c, "ProcedureSent");
	c->outcome = "procedure_sent";
	return err;
}

static enum tw_err
procedure_step(struct call *c)
{
	struct tw_rows *rows;
	enum tw_err err;
	const char *d = digits(c);

	if (strcmp(d, "*") == 0) {
		c->note = "procedures:back";
		main_menu(c, 1);
		return TW_OK;
	}
	if ((err = tw_ivr_services(c->req->app->db, c->lang, &rows)) != TW_OK)
		return err;
	for (size_t r = 0; d[0] != '\0' && r < rows->nrows; r++) {
		if (strcmp(tw_rows_get(rows, r, 0), d) != 0)
			continue;
		err = send_procedure(c, rows, r);
		snprintf(c->note_buf, sizeof c->note_buf, "procedure:%s",
		    tw_rows_get(rows, r, 1));
		c->note = c->note_buf;
		tw_rows_free(rows);
		if (err == TW_OK)
			main_menu(c, 1);
		return err;
	}
	tw_rows_free(rows);
	c->note = d[0] ? "procedures:invalid" : "procedures:none";
	retry_or_agent(c, procedures_again);
	return TW_OK;
}

/* The end of the transfer: an unanswered queue offers the voice
 * complaint and leaves a missed call. */
static enum tw_err
dialled_step(struct call *c)
{
	const char *result = tw_ivr_param(c->body, "DialCallStatus");

	if (result != NULL && strcmp(result, "completed") == 0) {
		c->note = "agent:answered";
		c->outcome = "agent_answered";
		tw_twiml_hangup(&c->x);
		return TW_OK;
	}
	prompt(c, "AgentsBusy");
	tw_twiml_gather_open(&c->x, next_url(c, "/ivr/afterhours", 1), 1, NULL,
	    (int)setting_int(c, "Ivr.GatherSeconds", 6));
	prompt(c, "OfferRecording");
	tw_twiml_gather_close(&c->x);
	tw_twiml_redirect(&c->x, c->url);
	c->note = "agent:no_answer";
	c->outcome = "no_answer";
	return TW_OK;
}

/* Outside the hours or with no agent free: 2 records a complaint,
 * anything else ends the call with a missed call for a call-back. */
static enum tw_err
afterhours_step(struct call *c)
{
	const char *reason = strcmp(c->row.outcome, "no_answer") == 0
	    ? "no_answer"
	    : "after_hours";

	if (strcmp(digits(c), "2") == 0 && c->row.caller[0] != '\0') {
		ask_recording(c);
		return TW_OK;
	}
	prompt(c, c->row.caller[0] ? "CallBack" : "Goodbye");
	tw_twiml_hangup(&c->x);
	c->note = "missed";
	c->outcome = "missed";
	if (c->row.missed || c->row.caller[0] == '\0')
		return TW_OK;
	return tw_ivr_missed(c->req->app->db, c->row.id, reason);
}

/* The call-status callback: the call has ended. A caller who chose the
 * voice complaint and left no case gets a missed call. So does one who
 * hung up while informed that no agent was free, because that message
 * promises a call back. */
static enum tw_err
end_step(struct call *c)
{
	enum tw_err err;

	if ((err = tw_ivr_call_end(c->req->app->db, c->row.id)) != TW_OK)
		return err;
	c->note = "end";
	if (c->row.missed || c->row.caller[0] == '\0') {
		if (strcmp(c->row.outcome, "started") == 0)
			c->outcome = "hung_up";
		return TW_OK;
	}
	if (strstr(c->row.path, "record") != NULL &&
	    strcmp(c->row.outcome, "case_created") != 0) {
		c->outcome = "missed";
		return tw_ivr_missed(c->req->app->db, c->row.id,
		    "no_recording");
	}
	if (strcmp(c->row.outcome, "after_hours") == 0 ||
	    strcmp(c->row.outcome, "no_answer") == 0) {
		c->outcome = "missed";
		return tw_ivr_missed(c->req->app->db, c->row.id,
		    c->row.outcome);
	}
	if (strcmp(c->row.outcome, "started") == 0)
		c->outcome = "hung_up";
	return TW_OK;
}

/* Routes. Each is POST with the provider's parameters (CallSid, From,
 * Digits, RecordingUrl, RecordingStatus, RecordingDuration,
 * DialCallStatus, CallStatus) and responds 200 with TwiML, 403 for a
 * missing or wrong signature, 400 for a missing CallSid, 503 when the
 * database fails. */

static enum tw_err
voice(struct tw_req *req)
{
	return run_step(req, voice_step);
}

static enum tw_err
lang(struct tw_req *req)
{
	return run_step(req, lang_step);
}

static enum tw_err
menu(struct tw_req *req)
{
	return run_step(req, menu_step);
}

static enum tw_err
status(struct tw_req *req)
{
	return run_step(req, status_step);
}

static enum tw_err
recorded(struct tw_req *req)
{
	return run_step(req, recorded_step);
}

static enum tw_err
recording(struct tw_req *req)
{
	return run_step(req, recording_step);
}

static enum tw_err
procedure(struct tw_req *req)
{
	return run_step(req, procedure_step);
}

static enum tw_err
dialled(struct tw_req *req)
{
	return run_step(req, dialled_step);
}

static enum tw_err
afterhours(struct tw_req *req)
{
	return run_step(req, afterhours_step);
}

static enum tw_err
end(struct tw_req *req)
{
	return run_step(req, end_step);
}

int
main(int argc, char **argv)
{
	struct tw_app app = {
		.program = "ivr",
		.localised = 0,
		.routes = routes,
		.nroutes = nitems(routes),
	};

	return tw_main(argc, argv, &app);
}
