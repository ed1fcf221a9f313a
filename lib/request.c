/*
 * request.c: one FastCGI request, from accept to the access-log line.
 *
 * ClearSilver's CGI kit reads the request through the callbacks below,
 * which talk to the current FCGX request, so cgi_init and cgi_parse work
 * unchanged under FastCGI. Handlers fill HDF and call tw_render or
 * tw_redirect. This file writes the status line, the headers and the
 * body, and turns any failure into a 500 or 503 page.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "tawasul.h"

static int
emu_read(void *data, char *buf, int len)
{
	struct tw_req *req = data;
	size_t left;

	if (req->raw_body == NULL)
		return FCGX_GetStr(buf, len, req->fcgi.in);
	left = req->raw_len - req->raw_pos;
	if ((size_t)len > left)
		len = (int)left;
	memcpy(buf, req->raw_body + req->raw_pos, len);
	req->raw_pos += len;
	return len;
}

static int
emu_writef(void *data, const char *fmt, va_list ap)
{
	struct tw_req *req = data;

	return FCGX_VFPrintF(req->fcgi.out, fmt, ap);
}

static int
emu_write(void *data, const char *buf, int len)
{
	struct tw_req *req = data;

	return FCGX_PutStr(buf, len, req->fcgi.out);
}

/* ClearSilver frees what the getenv and iterenv callbacks return. */
static char *
emu_getenv(void *data, const char *name)
{
	struct tw_req *req = data;
	const char *value = FCGX_GetParam(name, req->fcgi.envp);

	return value ? strdup(value) : NULL;
}

static int
emu_putenv(void *data, const char *name, const char *value)
{
	(void)data;
	(void)name;
	(void)value;
	return -1;
}

static int
emu_iterenv(void *data, int index, char **name, char **value)
{
	struct tw_req *req = data;
	char **env = req->fcgi.envp;
	const char *eq;

	*name = *value = NULL;
	for (int i = 0; i < index; i++)
		if (env[i] == NULL)
			return 0;
	if (env[index] == NULL || (eq = strchr(env[index], '=')) == NULL)
		return 0;
	*name = strndup(env[index], eq - env[index]);
	*value = strdup(eq + 1);
	return 0;
}

/* Returns a FastCGI parameter of the request, or NULL. */
const char *
tw_req_env(struct tw_req *req, const char *name)
{
	return FCGX_GetParam(name, req->fcgi.envp);
}

/* Adds a response header, dropping CR and LF in either part. */
void
tw_req_header(struct tw_req *req, const char *name, const char *value)
{
	size_t start = req->headers.len;

	string_appendf(&req->headers, "%s: %s", name, value);
	for (size_t i = start; i < (size_t)req->headers.len; i++)
		if (req->headers.buf[i] == '\r' || req->headers.buf[i] == '\n')
			req->headers.buf[i] = ' ';
	string_append(&req->headers, "\r\n");
}

/*
 * Sets a cookie for the whole site: HttpOnly, SameSite=Lax, and Secure
 * unless Site.CookieSecure is 0 for plain-http development. A max_age
 * of 0 makes a session cookie.
 */
void
tw_req_cookie(struct tw_req *req, const char *name, const char *value,
    long max_age)
{
	char line[512];
	int n;

	n = snprintf(line, sizeof line,
	    "%s=%s; Path=/; HttpOnly; "
	    "SameSite=Lax%s",
	    name, value, req->app->config->cookie_secure ? "; Secure" : "");
	if (max_age > 0 && n > 0 && (size_t)n < sizeof line)
		snprintf(line + n, sizeof line - n, "; Max-Age=%ld", max_age);
	tw_req_header(req, "Set-Cookie", line);
}

/*
 * Sets or clears a staff cookie: limited to /agent, HttpOnly,
 * SameSite=Strict so no other site can make the browser send it, and
 * Secure unless Site.CookieSecure is 0. It lasts for the browser
 * session, and the server decides when the staff session ends.
 */
void
tw_req_staff_cookie(struct tw_req *req, const char *name, const char *value,
    int clear)
{
	char line[512];

	snprintf(line, sizeof line,
	    "%s=%s; Path=/agent; HttpOnly; "
	    "SameSite=Strict%s%s",
	    name, clear ? "" : value,
	    req->app->config->cookie_secure ? "; Secure" : "",
	    clear ? "; Max-Age=0" : "");
	tw_req_header(req, "Set-Cookie", line);
}

/* Sends a redirect to a path of this site. */
enum tw_err
tw_redirect(struct tw_req *req, int status, const char *location)
{
	req->status = status;
	tw_req_header(req, "Location", location);
	string_clear(&req->body);
	return TW_OK;
}

/* Returns an interface string in the request's language. */
const char *
tw_req_string(struct tw_req *req, const char *key)
{
	return tw_string(req->app->strings[req->lang], key);
}

static NEOERR *
render_append(void *ctx, char *text)
{
	return string_append((STRING *)ctx, text);
}

/*
 * Renders the template tmpl, found under dir, with the data in hdf and
 * appends the output to out. HTML escaping is on for every variable
 * before the template is parsed. Returns TW_OK or TW_ERR_TEMPLATE.
 */
enum tw_err
tw_render_hdf(HDF *hdf, const char *dir, const char *tmpl, STRING *out)
{
	CSPARSE *cs = NULL;
	NEOERR *neo;

	neo = hdf_set_value(hdf, "Config.VarEscapeMode", "html");
	if (neo == STATUS_OK)
		neo = hdf_set_value(hdf, "hdf.loadpaths.0", dir);
	if (neo == STATUS_OK)
		neo = cs_init(&cs, hdf);
	if (neo == STATUS_OK)
		neo = cgi_register_strfuncs(cs);
	if (neo == STATUS_OK)
		neo = cs_parse_file(cs, tmpl);
	if (neo == STATUS_OK)
		neo = cs_render(cs, out, render_append);
	cs_destroy(&cs);
	return tw_err_from_neo(neo, tmpl);
}

/* Renders a page template as the response, with the given status. */
enum tw_err
tw_render(struct tw_req *req, int status, const char *tmpl)
{
	enum tw_err err;

	string_clear(&req->body);
	err = tw_render_hdf(req->hdf, req->app->config->template_dir, tmpl,
	    &req->body);
	if (err != TW_OK)
		return err;
	req->status = status;
	tw_req_header(req, "Content-Type", "text/html; charset=utf-8");
	return TW_OK;
}

/*
 * Renders the friendly error page for a 4xx or 5xx status, with the
 * strings L.Error.S<status>, or S400 or S500 for a status without its own.
 */
enum tw_err
tw_render_error(struct tw_req *req, int status)
{
	HDF *strings = req->app->strings[req->lang];
	char key[32];
	int shown = status;

	snprintf(key, sizeof key, "Error.S%d", status);
	if (hdf_get_obj(strings, key) == NULL)
		shown = status >= 500 ? 500 : 400;
	/*
	 * The path of a POST or PUT may have no GET route, so the language
	 * link of its error page leads to the other language's home page.
	 */
	if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0)
		hdf_set_valuef(req->hdf, "Page.OtherUrl=/%s/",
		    hdf_get_value(req->hdf, "Page.OtherLang", "ar"));
	hdf_set_int_value(req->hdf, "Page.Status", status);
	hdf_set_valuef(req->hdf, "Page.Title=%s",
	    hdf_get_valuef(strings, "Error.S%d.Title", shown));
	hdf_set_valuef(req->hdf, "Page.Message=%s",
	    hdf_get_valuef(strings, "Error.S%d.Message", shown));
	return tw_render(req, status, "error.cs");
}

/* Returns the reason phrase of the statuses this project sends. */
static const char *
status_reason(int status)
{
	switch (status) {
	case 200:
		return "OK";
	case 302:
		return "Found";
	case 303:
		return "See Other";
	case 400:
		return "Bad Request";
	case 403:
		return "Forbidden";
	case 404:
		return "Not Found";
	case 405:
		return "Method Not Allowed";
	case 413:
		return "Content Too Large";
	case 422:
		return "Unprocessable Content";
	case 503:
		return "Service Unavailable";
	default:
		return status >= 500 ? "Internal Server Error" : "";
	}
}

/* Writes the response: status, headers, security defaults and body. */
static void
send_response(struct tw_req *req)
{
	FCGX_FPrintF(req->fcgi.out, "Status: %d %s\r\n", req->status,
	    status_reason(req->status));
	if (req->headers.buf != NULL)
		FCGX_PutStr(req->headers.buf, req->headers.len, req->fcgi.out);
	FCGX_FPrintF(req->fcgi.out,
	    "Cache-Control: no-store\r\n"
	    "Content-Length: %d\r\n\r\n",
	    req->body.len);
	if (req->body.buf != NULL && strcmp(req->method, "HEAD") != 0)
		FCGX_PutStr(req->body.buf, req->body.len, req->fcgi.out);
}

/* Replaces the response with a plain page when even the error template
 * failed. */
static void
send_fallback(struct tw_req *req, int status)
{
	string_clear(&req->headers);
	string_clear(&req->body);
	req->status = status;
	tw_req_header(req, "Content-Type", "text/plain; charset=utf-8");
	string_append(&req->body,
	    "Service error. Nothing was saved; please "
	    "try again.\nخطأ في الخدمة. لم يُحفظ شيء، يرجى المحاولة "
	    "مرة أخرى.\n");
}

/* Sets the page-wide HDF values every template uses. */
static void
fill_page(struct tw_req *req)
{
	enum tw_lang other = req->lang == TW_LANG_AR ? TW_LANG_EN : TW_LANG_AR;
	HDF *hdf = req->hdf;
	const char *query;

	hdf_remove_tree(hdf, "L");
	hdf_copy(hdf, "L", req->app->strings[req->lang]);
	hdf_set_value(hdf, "Page.Lang", tw_lang_code(req->lang));
	hdf_set_value(hdf, "Page.Dir", req->lang == TW_LANG_AR ? "rtl" : "ltr");
	hdf_set_value(hdf, "Page.Path", req->path);
	hdf_set_value(hdf, "Page.OtherLang", tw_lang_code(other));
	query = tw_req_env(req, "QUERY_STRING");
	/* A page read by GET keeps its query in the other language: the
	 * search words, the case number of a confirmation page. */
	if (query == NULL || query[0] == '\0' || strlen(query) > 1024 ||
	    (strcmp(req->method, "GET") != 0 &&
	        strcmp(req->method, "HEAD") != 0))
		query = NULL;
	hdf_set_valuef(hdf, "Page.OtherUrl=/%s%s%s%s", tw_lang_code(other),
	    req->path, query != NULL ? "?" : "", query != NULL ? query : "");
	hdf_set_value(hdf, "Config.TimeFooter", "0");
	if (!req->app->localised)
		hdf_set_value(hdf, "Page.Intranet", "1");
}

/* Switches the page's language, for pages whose path does not say it. */
void
tw_req_set_lang(struct tw_req *req, enum tw_lang lang)
{
	if (req->lang == lang)
		return;
	req->lang = lang;
	fill_page(req);
}

/* Picks the language of a page outside /ar and /en: the tw_lang cookie,
 * then Accept-Language. */
static enum tw_lang
unprefixed_language(struct tw_req *req)
{
	enum tw_lang lang;

	if (tw_lang_parse(hdf_get_value(req->hdf, "Cookie.tw_lang", NULL),
	        &lang) == TW_OK)
		return lang;
	return tw_lang_from_accept(tw_req_env(req, "HTTP_ACCEPT_LANGUAGE"));
}

/*
 * Returns 1 when path matches the route path: a "*" in it stands for one
 * non-empty segment, and what follows the "*" ("" or "/edit") must end
 * the path. star is the route's "*", or NULL.
 */
static int
path_matches(const char *route, const char *star, const char *path)
{
	size_t prefix, segment;

	if (star == NULL)
		return strcmp(route, path) == 0;
	prefix = (size_t)(star - route);
	if (strncmp(route, path, prefix) != 0)
		return 0;
	segment = strcspn(path + prefix, "/");
	return segment > 0 && strcmp(star + 1, path + prefix + segment) == 0;
}

/*
 * Finds the route for method and path among the routes whose bare flag
 * equals bare. Returns the route, or NULL with
 * *status set to 404, or to 405 with the path's methods in allow when
 * only the method is wrong.
 */
static const struct tw_route *
find_route(struct tw_req *req, int bare, int *status, char *allow,
    size_t allowsz)
{
	const struct tw_app *app = req->app;
	int path_matched = 0;

	*status = 404;
	allow[0] = '\0';
	for (size_t i = 0; i < app->nroutes; i++) {
		const struct tw_route *r = &app->routes[i];
		const char *star = strchr(r->path, '*');

		if (r->bare != bare || !path_matches(r->path, star, req->path))
			continue;
		path_matched = 1;
		if (strstr(allow, r->method) == NULL)
			snprintf(allow + strlen(allow), allowsz - strlen(allow),
			    "%s%s%s", allow[0] ? ", " : "", r->method,
			    strcmp(r->method, "GET") == 0 ? ", HEAD" : "");
		if (strcmp(r->method, req->method) != 0 &&
		    !(strcmp(r->method, "GET") == 0 &&
		        strcmp(req->method, "HEAD") == 0))
			continue;
		/* With text after the '*', arg runs on to the end of the
		 * path, so the handler reads it up to the first '/'. */
		req->arg = star ? req->path + (star - r->path) : NULL;
		return r;
	}
	if (path_matched)
		*status = 405;
	return NULL;
}

/*
 * Splits the language segment off the decoded path. Returns 0 for a
 * path without one: "/" is redirected by language, the rest is 404.
 */
static int
split_language(struct tw_req *req, const char *uri)
{
	char code[3];

	if (strlen(uri) < 3 || uri[0] != '/' ||
	    (uri[3] != '/' && uri[3] != '\0'))
		return 0;
	memcpy(code, uri + 1, 2);
	code[2] = '\0';
	if (tw_lang_parse(code, &req->lang) != TW_OK)
		return 0;
	req->path = uri[3] == '\0' ? "/" : uri + 3;
	return 1;
}

/* Runs the handler of a parsed request and fills status and body. */
static void
dispatch(struct tw_req *req, const char *uri)
{
	const struct tw_route *route;
	enum tw_err err;
	char location[8], allow[64];
	int status;

	if (!req->app->localised) {
		req->lang = unprefixed_language(req);
		req->path = uri;
		fill_page(req);
		if ((route = find_route(req, 0, &status, allow,
		         sizeof allow)) == NULL) {
			if (status == 405)
				tw_req_header(req, "Allow", allow);
			err = tw_render_error(req, status);
		} else
			err = route->handler(req);
	} else if (!split_language(req, uri)) {
		req->lang = tw_lang_from_accept(
		    tw_req_env(req, "HTTP_ACCEPT_LANGUAGE"));
		req->path = uri;
		if (strcmp(uri, "/") == 0) {
			snprintf(location, sizeof location, "/%s/",
			    tw_lang_code(req->lang));
			tw_req_header(req, "Vary", "Accept-Language");
			tw_redirect(req, 302, location);
			return;
		}
		fill_page(req);
		hdf_set_valuef(req->hdf, "Page.OtherUrl=/%s/",
		    tw_lang_code(
		        req->lang == TW_LANG_AR ? TW_LANG_EN : TW_LANG_AR));
		route = find_route(req, 1, &status, allow, sizeof allow);
		if (route != NULL)
			err = route->handler(req);
		else
			err = tw_render_error(req, status);
	} else if ((fill_page(req),
	               route = find_route(req, 0, &status, allow,
	                   sizeof allow)) == NULL) {
		if (status == 405)
			tw_req_header(req, "Allow", allow);
		err = tw_render_error(req, status);
	} else
		err = route->handler(req);
	if (err == TW_OK)
		return;
	tw_db_rollback(req->app->db);
	string_clear(&req->headers);
	tw_log_error("%s %s failed: %s", req->method,
	    strncmp(uri, "/s/", 3) == 0 ? "/s/TOKEN" : uri, tw_strerror(err));
	if (tw_render_error(req, err == TW_ERR_DB ? 503 : 500) != TW_OK)
		send_fallback(req, 500);
}

/* Returns 1 when text contains the escape of a NUL byte, "%00". */
static int
has_escaped_nul(const char *text, size_t len)
{
	for (size_t i = 0; i + 2 < len; i++)
		if (text[i] == '%' && text[i + 1] == '0' && text[i + 2] == '0')
			return 1;
	return 0;
}

/* The maximum length of a field name, in bytes before decoding, in a
 * query string or an urlencoded body. */
#define MAX_NAME 200

/*
 * Returns 1 when a field name of an urlencoded string is longer than
 * MAX_NAME bytes before decoding, or has, decoded, an empty part between
 * dots ("a..b", ".a", "a."). ClearSilver cannot store such a name: it
 * cuts names at 256 bytes and writes the raw decoded value, newlines
 * included, to standard error, which is the log. The request is
 * rejected instead.
 */
static int
has_bad_field_name(const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	char name[MAX_NAME + 1];

	while (p < end) {
		const char *amp = memchr(p, '&', end - p);
		const char *stop = amp ? amp : end;
		const char *eq = memchr(p, '=', stop - p);
		size_t n = (size_t)((eq ? eq : stop) - p);

		if (n > MAX_NAME)
			return 1;
		if (n > 0) {
			memcpy(name, p, n);
			name[n] = '\0';
			for (char *c = name; *c; c++)
				if (*c == '+')
					*c = ' ';
			cgi_url_unescape(name);
			if (name[0] == '.' || strstr(name, "..") != NULL ||
			    (name[0] != '\0' && name[strlen(name) - 1] == '.'))
				return 1;
		}
		p = stop + 1;
	}
	return 0;
}

/*
 * Marks in Request.Nul.<name> each field of an urlencoded body whose
 * value contains a NUL byte, raw or escaped: ClearSilver decodes values
 * into C strings and would silently cut the text at the NUL, so
 * tw_form_read rejects those fields instead.
 */
static void
mark_nul_fields(struct tw_req *req)
{
	const char *p = req->raw_body, *end = p + req->raw_len;

	while (p < end) {
		const char *amp = memchr(p, '&', end - p), *eq;
		const char *stop = amp ? amp : end;
		char name[64];

		eq = memchr(p, '=', stop - p);
		if (eq != NULL && eq - p < (long)sizeof name &&
		    (memchr(eq, '\0', stop - eq) != NULL ||
		        has_escaped_nul(eq, stop - eq))) {
			memcpy(name, p, eq - p);
			name[eq - p] = '\0';
			cgi_url_unescape(name);
			if (strspn(name,
			        "abcdefghijklmnopqrstuvwxyz_0123456789") ==
			        strlen(name) &&
			    name[0] != '\0')
				hdf_set_valuef(req->hdf, "Request.Nul.%s=1",
				    name);
		}
		p = stop + 1;
	}
}

/* The maximum number of fields of a request when Site.MaxFields is
 * not set. ClearSilver's time grows with the square of the number of
 * fields of one name, so the count is checked before it parses. */
#define MAX_FIELDS 300

/* Returns the number of fields of an urlencoded string: its non-empty
 * '&'-separated parts. */
static long
count_pairs(const char *text, size_t len)
{
	const char *p = text, *end = text + len;
	long n = 0;

	while (p < end) {
		const char *amp = memchr(p, '&', end - p);
		const char *stop = amp ? amp : end;

		n += stop > p;
		p = stop + 1;
	}
	return n;
}

/* Returns 1 for a content type that starts with media, as ClearSilver
 * compares them. */
static int
is_type(const char *type, const char *media)
{
	return type != NULL && strncasecmp(type, media, strlen(media)) == 0;
}

/*
 * Copies the boundary of a multipart Content-Type into out. The type
 * must be exactly what browsers and curl send: "multipart/form-data",
 * then one parameter, boundary=VALUE or boundary="VALUE" (names in any
 * case, spaces around the ';'), and nothing else. VALUE has 1 to 70 of
 * the RFC 2046 bchars, without the space. Returns 0, or -1 for any
 * other type. ClearSilver reads parameters its own way, and a
 * boundary it cannot find crashes the worker (NULL dereference), so
 * nothing it could read differently is let through.
 */
static int
multipart_boundary(const char *type, char out[71])
{
	static const char bchars[] =
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	    "'()+_,-./:=?";
	const char *p = type;
	size_t n;
	int quoted;

	if (strncasecmp(p, "multipart/form-data", 19) != 0)
		return -1;
	p += 19;
	p += strspn(p, " \t");
	if (*p++ != ';')
		return -1;
	p += strspn(p, " \t");
	if (strncasecmp(p, "boundary=", 9) != 0)
		return -1;
	p += 9;
	quoted = *p == '"';
	p += quoted;
	n = strspn(p, bchars);
	if (n == 0 || n > 70)
		return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	p += n;
	if (quoted && *p++ != '"')
		return -1;
	p += strspn(p, " \t");
	return *p == '\0' ? 0 : -1;
}

/* Returns the length of the run of field-name characters at p, at most
 * max bytes. */
static size_t
name_span(const char *p, const char *end, size_t max)
{
	static const char chars[] =
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-";
	size_t n = 0;

	while (p + n < end && n <= max && p[n] != '\0' &&
	    strchr(chars, p[n]) != NULL)
		n++;
	return n;
}

/* Skips spaces and tabs from p, not past end. */
static const char *
skip_blanks(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/*
 * Reads the value of a Content-Disposition header line of a part,
 * from p to end, into name and sets *is_file. Only the form browsers
 * and curl send is accepted: form-data; name="NAME", optionally
 * followed by ; filename="FILENAME". NAME has 1 to 63 of [A-Za-z0-9_-]
 * and FILENAME has no '"', '\\', CR, LF or NUL (browsers send a quote
 * as %22). Returns 0, or -1 for anything else, because ClearSilver
 * reads escapes and stray parameters differently.
 */
static int
parse_disposition(const char *p, const char *end, char name[64], int *is_file)
{
	size_t n;

	p = skip_blanks(p, end);
	if (end - p < 9 || strncasecmp(p, "form-data", 9) != 0)
		return -1;
	p = skip_blanks(p + 9, end);
	if (p == end || *p++ != ';')
		return -1;
	p = skip_blanks(p, end);
	if (end - p < 6 || strncasecmp(p, "name=\"", 6) != 0)
		return -1;
	p += 6;
	n = name_span(p, end, 63);
	if (n == 0 || n > 63 || p + n == end || p[n] != '"')
		return -1;
	memcpy(name, p, n);
	name[n] = '\0';
	p = skip_blanks(p + n + 1, end);
	*is_file = 0;
	if (p == end)
		return 0;
	if (*p++ != ';')
		return -1;
	p = skip_blanks(p, end);
	if (end - p < 10 || strncasecmp(p, "filename=\"", 10) != 0)
		return -1;
	p += 10;
	while (p < end && *p != '"') {
		if (*p == '\\' || *p == '\r' || *p == '\n' || *p == '\0')
			return -1;
		p++;
	}
	if (p == end)
		return -1;
	*is_file = 1;
	p = skip_blanks(p + 1, end);
	return p == end ? 0 : -1;
}

/*
 * Checks the headers of one part, from p to the blank line at hdr_end:
 * CRLF lines, one Content-Disposition that parse_disposition accepts
 * and at most one Content-Type, no other header. Sets name and
 * *is_file. Returns 0, or -1 with the reason in *why.
 */
static int
check_part_headers(const char *p, const char *hdr_end, char name[64],
    int *is_file, const char **why)
{
	int dispositions = 0, types = 0;

	while (p < hdr_end + 2) {
		const char *eol = memmem(p, hdr_end + 2 - p, "\r\n", 2);
		const char *colon;

		/* A bare CR or LF would end the line early for
		 * ClearSilver. */
		if (eol == NULL || memchr(p, '\n', eol - p) != NULL ||
		    memchr(p, '\r', eol - p) != NULL ||
		    memchr(p, '\0', eol - p) != NULL) {
			*why = "a part header line not ended by CRLF";
			return -1;
		}
		colon = memchr(p, ':', eol - p);
		if (colon == NULL) {
			*why = "a part header line without a colon";
			return -1;
		}
		if (colon - p == 19 &&
		    strncasecmp(p, "Content-Disposition", 19) == 0) {
			if (dispositions++ > 0 ||
			    parse_disposition(colon + 1, eol, name, is_file) !=
			        0) {
				*why = "a part with a malformed "
				       "Content-Disposition";
				return -1;
			}
		} else if (colon - p == 12 &&
		    strncasecmp(p, "Content-Type", 12) == 0) {
			if (types++ > 0) {
				*why = "a part with two Content-Type headers";
				return -1;
			}
		} else {
			*why = "a part with an unexpected header";
			return -1;
		}
		p = eol + 2;
	}
	if (dispositions == 0) {
		*why = "a part without a Content-Disposition";
		return -1;
	}
	return 0;
}

/*
 * Checks a multipart/form-data body before ClearSilver reads it. The
 * body must have the shape browsers and curl send: it starts with
 * --BOUNDARY, and every occurrence of --BOUNDARY in it comes at the
 * start or after CRLF and is followed by CRLF, or by "--" for the last
 * one, which only an optional CRLF may follow. ClearSilver also takes
 * a delimiter after a bare LF, so one left in a part would split it
 * there. Every occurrence counts as a part: the body may have at most
 * max_fields parts, each part must pass check_part_headers, a name
 * must not come twice (ClearSilver would keep one value silently), and
 * a text value must not contain a NUL byte (ClearSilver would cut it).
 * Returns 0, or -1 with the reason in *why.
 */
static int
check_multipart(const char *body, size_t len, const char *boundary,
    long max_fields, const char **why)
{
	char dash[80], names[128][64];
	size_t dlen, nnames = 0;
	const char *p = body, *end = body + len;
	long parts = 0;

	dlen = (size_t)snprintf(dash, sizeof dash, "--%s", boundary);
	if (len < dlen || memcmp(body, dash, dlen) != 0) {
		*why = "a multipart body not starting with its boundary";
		return -1;
	}
	for (;;) {
		const char *q = p + dlen, *next, *hdr_end;
		char name[64];
		int is_file = 0;

		if (end - q >= 2 && memcmp(q, "--", 2) == 0) {
			q += 2;
			if (q != end &&
			    (end - q != 2 || memcmp(q, "\r\n", 2) != 0)) {
				*why = "data after the closing boundary";
				return -1;
			}
			if (parts == 0) {
				*why = "a multipart body without parts";
				return -1;
			}
			return 0;
		}
		if (end - q < 2 || memcmp(q, "\r\n", 2) != 0) {
			*why = "a boundary not followed by CRLF";
			return -1;
		}
		q += 2;
		if (++parts > max_fields) {
			*why = "too many parts";
			return -1;
		}
		next = memmem(q, end - q, dash, dlen);
		if (next == NULL) {
			*why = "a part without its closing boundary";
			return -1;
		}
		if (next - q < 2 || memcmp(next - 2, "\r\n", 2) != 0) {
			*why = "a boundary not preceded by CRLF";
			return -1;
		}
		hdr_end = memmem(q, (next - 2) - q, "\r\n\r\n", 4);
		if (hdr_end == NULL) {
			*why = "a part without headers";
			return -1;
		}
		if (check_part_headers(q, hdr_end, name, &is_file, why) != 0)
			return -1;
		for (size_t i = 0; i < nnames; i++)
			if (strcmp(names[i], name) == 0) {
				*why = "a field name given twice";
				return -1;
			}
		if (nnames == sizeof names / sizeof names[0]) {
			*why = "too many parts";
			return -1;
		}
		memcpy(names[nnames++], name, sizeof name);
		if (!is_file &&
		    memchr(hdr_end + 4, '\0', (next - 2) - (hdr_end + 4)) !=
		        NULL) {
			*why = "a NUL byte in a text field";
			return -1;
		}
		p = next;
	}
}

/*
 * Reads an urlencoded or multipart body whole, so it can be checked
 * before ClearSilver parses it from memory. Returns 0, or -1 with
 * req->status set when the body is short or memory runs out.
 */
static int
read_form_body(struct tw_req *req, long length)
{
	const char *type = tw_req_env(req, "CONTENT_TYPE");
	int n;

	if (length <= 0 ||
	    !(is_type(type, "application/x-www-form-urlencoded") ||
	        is_type(type, "multipart/")))
		return 0;
	if ((req->raw_body = malloc(length)) == NULL) {
		req->status = 500;
		return -1;
	}
	n = FCGX_GetStr(req->raw_body, (int)length, req->fcgi.in);
	req->raw_len = n > 0 ? (size_t)n : 0;
	req->raw_pos = 0;
	if (req->raw_len != (size_t)length) {
		req->status = 400;
		return -1;
	}
	return 0;
}

/*
 * Checks the query string and the body of a request before ClearSilver
 * parses them. Returns NULL, or the reason to reject the request with
 * 400.
 */
static const char *
check_fields(struct tw_req *req)
{
	const char *type = tw_req_env(req, "CONTENT_TYPE");
	const char *query = tw_req_env(req, "QUERY_STRING");
	long max_fields = hdf_get_int_value(req->app->config->hdf,
	    "Site.MaxFields", MAX_FIELDS);
	char boundary[71];
	const char *why = NULL;

	if (query != NULL &&
	    (has_escaped_nul(query, strlen(query)) ||
	        has_bad_field_name(query, strlen(query))))
		return "NUL byte or malformed field name in the query string";
	if (query != NULL && count_pairs(query, strlen(query)) > max_fields)
		return "too many fields in the query string";
	if (is_type(type, "multipart/")) {
		if (multipart_boundary(type, boundary) != 0)
			return "multipart body without a usable boundary";
		if (req->raw_body != NULL &&
		    check_multipart(req->raw_body, req->raw_len, boundary,
		        max_fields, &why) != 0)
			return why;
	} else if (req->raw_body != NULL) {
		if (count_pairs(req->raw_body, req->raw_len) > max_fields)
			return "too many fields in the body";
		if (has_bad_field_name(req->raw_body, req->raw_len))
			return "malformed field name in the body";
	}
	return NULL;
}

/*
 * Returns the largest body the request may have: Attach.MaxBody for a
 * multipart body to a route that takes uploaded files, else
 * Site.MaxBody.
 */
static long
body_limit(struct tw_req *req)
{
	const struct tw_route *route = NULL;
	struct tw_attach_config ac;
	char allow[64];
	int status;

	if (!is_type(tw_req_env(req, "CONTENT_TYPE"), "multipart/"))
		return req->app->config->max_body;
	if (!req->app->localised)
		route = find_route(req, 0, &status, allow, sizeof allow);
	else if (split_language(req, req->path))
		route = find_route(req, 0, &status, allow, sizeof allow);
	for (size_t i = 0; route != NULL && i < req->app->nupload_handlers; i++)
		if (route->handler == req->app->upload_handlers[i]) {
			tw_attach_config_read(req->app->config, &ac);
			return ac.max_body;
		}
	return req->app->config->max_body;
}

/* Initialises ClearSilver for the request. Returns 0 on success. */
static int
parse_request(struct tw_req *req)
{
	const struct tw_config *cfg = req->app->config;
	const char *length = tw_req_env(req, "CONTENT_LENGTH");
	const char *uri = req->path;
	const char *why;
	HDF *hdf = NULL;
	long limit;

	if (hdf_init(&hdf) != STATUS_OK)
		return -1;
	limit = body_limit(req);
	req->path = uri;
	req->arg = NULL;
	if (length != NULL && atol(length) > limit) {
		req->hdf = hdf; /* freed by handle, as there is no cgi */
		req->status = 413;
		return -1;
	}
	req->status = 400;
	if (read_form_body(req, length ? atol(length) : 0) != 0) {
		tw_log_warn("rejected: request body unreadable (status %d)",
		    req->status);
		req->hdf = hdf;
		return -1;
	}
	if ((why = check_fields(req)) != NULL) {
		tw_log_warn("rejected: %s", why);
		req->hdf = hdf;
		req->status = 400;
		return -1;
	}
	req->status = 500;
	cgiwrap_init_emu(req, emu_read, emu_writef, emu_write, emu_getenv,
	    emu_putenv, emu_iterenv);
	hdf_set_value(hdf, "Config.Upload.TmpDir",
	    hdf_get_value(cfg->hdf, "Paths.Uploads", "/tmp"));
	if (tw_err_from_neo(cgi_init(&req->cgi, hdf), "cgi_init") != TW_OK) {
		req->status = 400; /* cgi_init freed hdf */
		return -1;
	}
	req->hdf = req->cgi->hdf;
	if (req->raw_body != NULL &&
	    !is_type(tw_req_env(req, "CONTENT_TYPE"), "multipart/"))
		mark_nul_fields(req);
	if (tw_err_from_neo(cgi_parse(req->cgi), "cgi_parse") != TW_OK) {
		req->status = 400;
		return -1;
	}
	return 0;
}

/* Handles one accepted request and logs it. */
static void
handle(struct tw_req *req)
{
	struct timespec start, end;
	const char *uri;

	clock_gettime(CLOCK_MONOTONIC, &start);
	req->status = 500;
	req->cgi = NULL;
	req->hdf = NULL;
	req->arg = NULL;
	req->case_number[0] = '\0';
	req->has_staff = 0;
	req->raw_body = NULL;
	req->raw_len = req->raw_pos = 0;
	string_init(&req->headers);
	string_init(&req->body);
	req->method = tw_req_env(req, "REQUEST_METHOD");
	uri = tw_req_env(req, "DOCUMENT_URI");
	if (req->method == NULL)
		req->method = "GET";
	if (uri == NULL)
		uri = "/";
	req->path = uri;
	if (parse_request(req) != 0) {
		if (req->hdf != NULL && split_language(req, uri)) {
			fill_page(req);
			if (tw_render_error(req, req->status) != TW_OK)
				send_fallback(req, req->status);
		} else
			send_fallback(req, req->status);
	} else
		dispatch(req, uri);
	send_response(req);
	clock_gettime(CLOCK_MONOTONIC, &end);
	/* The token of a survey link grants access to the survey, so it is
	 * not logged. */
	if (strncmp(uri, "/s/", 3) == 0)
		uri = "/s/TOKEN";
	tw_log_info("%s %s %d %ldms%s%s%s%s", req->method, uri, req->status,
	    (long)((end.tv_sec - start.tv_sec) * 1000 +
	        (end.tv_nsec - start.tv_nsec) / 1000000),
	    req->case_number[0] ? " case=" : "", req->case_number,
	    req->has_staff ? " user=" : "",
	    req->has_staff ? req->staff.username : "");
	string_clear(&req->headers);
	string_clear(&req->body);
	free(req->raw_body);
	req->raw_body = NULL;
	if (req->cgi == NULL)
		hdf_destroy(&req->hdf);
	else
		cgi_destroy(&req->cgi);
	req->hdf = NULL;
}

/*
 * Accepts requests on the FastCGI socket (standard input, as spawn-fcgi
 * passes it) until the process receives SIGTERM. Returns 0, or 1 when
 * the FastCGI library could not start.
 */
int
tw_serve(struct tw_app *app)
{
	struct tw_req req;

	memset(&req, 0, sizeof req);
	req.app = app;
	if (FCGX_Init() != 0 || FCGX_InitRequest(&req.fcgi, 0, 0) != 0) {
		tw_log_error("FastCGI initialisation failed");
		return 1;
	}
	while (FCGX_Accept_r(&req.fcgi) >= 0) {
		handle(&req);
		FCGX_Finish_r(&req.fcgi);
	}
	return 0;
}
