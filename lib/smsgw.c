/*
 * smsgw.c: sending one SMS through Kannel's sendsms HTTP interface.
 *
 * The request is a GET of Sms.GatewayUrl with username, password, from,
 * to, text (UTF-8, charset=UTF-8), coding (0 GSM 7-bit, 2 UCS-2),
 * dlr-mask and a dlr-url that carries the row id and its token. One curl
 * handle is reused, so the connection to the gateway stays open between
 * messages. The URL contains the password, so it is never logged.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "tawasul.h"

/* Delivery reports asked for: delivered (1), undelivered (2), accepted
 * by the SMSC (8) and rejected by the SMSC (16). */
#define DLR_MASK "27"

/* Bytes kept of the gateway's response; Kannel's is one short line. */
#define ANSWER_MAX 200

struct tw_smsgw {
	const struct tw_config *cfg;
	CURL *curl;
	char *dlr_base; /* the delivery-report URL without its query */
	char answer[ANSWER_MAX + 1];
	size_t answer_len;
};

/*
 * Classifies an HTTP response of the gateway. 2xx is accepted. A
 * 4xx is a permanent rejection of this message, except 401, 408, 429
 * and two responses of Kannel 1.4.5 that a configuration change cures:
 * 403 "Authorization failed" and 400 "Sender missing and no global
 * set". Everything else (5xx, or no answer, which is status 0) is
 * temporary.
 */
enum tw_sms_verdict
tw_smsgw_classify(long status, const char *body)
{
	if (status >= 200 && status < 300)
		return TW_SMS_SENT;
	if (status == 401 || status == 408 || status == 429)
		return TW_SMS_RETRY;
	if (status == 403 && body != NULL &&
	    strncasecmp(body, "Authorization failed", 20) == 0)
		return TW_SMS_RETRY;
	if (status == 400 && body != NULL &&
	    strncasecmp(body, "Sender missing", 14) == 0)
		return TW_SMS_RETRY;
	if (status >= 400 && status < 500)
		return TW_SMS_REJECTED;
	return TW_SMS_RETRY;
}

/* Keeps the start of the gateway's response (curl's write callback). */
static size_t
keep_answer(char *data, size_t size, size_t n, void *arg)
{
	struct tw_smsgw *gw = arg;
	size_t len = size * n, room = ANSWER_MAX - gw->answer_len;

	memcpy(gw->answer + gw->answer_len, data, len < room ? len : room);
	gw->answer_len += len < room ? len : room;
	gw->answer[gw->answer_len] = '\0';
	return len;
}

/* Returns the delivery-report URL: Sms.DeliveryReportUrl, or
 * Site.BaseUrl + /hooks/sms/dlr. */
static char *
dlr_base(const struct tw_config *cfg)
{
	char *url;

	if (cfg->sms.dlr_url[0] != '\0')
		return strdup(cfg->sms.dlr_url);
	if (asprintf(&url, "%s/hooks/sms/dlr", cfg->base_url) < 0)
		return NULL;
	return url;
}

/*
 * Creates a gateway client for the Sms settings of cfg, which must
 * outlive it. Returns TW_ERR_CONFIG when Sms.GatewayUrl is missing,
 * TW_ERR_NOMEM, or TW_OK with *out to free with tw_smsgw_free.
 */
enum tw_err
tw_smsgw_new(const struct tw_config *cfg, struct tw_smsgw **out)
{
	struct tw_smsgw *gw;

	*out = NULL;
	if (cfg->sms.gateway_url[0] == '\0') {
		tw_log_error("config: Sms.GatewayUrl is missing");
		return TW_ERR_CONFIG;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
	    (gw = calloc(1, sizeof *gw)) == NULL)
		return TW_ERR_NOMEM;
	gw->cfg = cfg;
	gw->curl = curl_easy_init();
	gw->dlr_base = dlr_base(cfg);
	if (gw->curl == NULL || gw->dlr_base == NULL) {
		tw_smsgw_free(gw);
		return TW_ERR_NOMEM;
	}
	*out = gw;
	return TW_OK;
}

/* Frees a gateway client. Accepts NULL. */
void
tw_smsgw_free(struct tw_smsgw *gw)
{
	if (gw == NULL)
		return;
	if (gw->curl != NULL)
		curl_easy_cleanup(gw->curl);
	free(gw->dlr_base);
	free(gw);
}

/* Appends "&name=value" with value URL-encoded. Returns 0 or -1. */
static int
add_param(CURL *curl, STRING *url, const char *name, const char *value)
{
	char *escaped = curl_easy_escape(curl, value, 0);
	NEOERR *neo;

	if (escaped == NULL)
		return -1;
	neo = string_appendf(url, "%s%s=%s", strchr(url->buf, '?') ? "&" : "?",
	    name, escaped);
	curl_free(escaped);
	if (neo != STATUS_OK) {
		nerr_ignore(&neo);
		return -1;
	}
	return 0;
}

/* Builds the delivery-report URL of a row, with Kannel's %d and %A. */
static char *
dlr_url(const struct tw_smsgw *gw, long long id)
{
	char token[44], *url;

	tw_sms_dlr_token(gw->cfg->secret, id, token);
	if (asprintf(&url, "%s%sid=%lld&token=%s&type=%%d&text=%%A",
	        gw->dlr_base, strchr(gw->dlr_base, '?') ? "&" : "?", id,
	        token) < 0)
		return NULL;
	return url;
}

/* Builds the sendsms request of one message. Returns 0 or -1. */
static int
build_url(struct tw_smsgw *gw, const struct tw_sms_out *row, const char *text,
    enum tw_sms_coding coding, STRING *url)
{
	const struct tw_sms_config *sms = &gw->cfg->sms;
	char *report = dlr_url(gw, row->id);
	NEOERR *neo;
	int rc = -1;

	if (report == NULL)
		return -1;
	if ((neo = string_append(url, sms->gateway_url)) != STATUS_OK) {
		nerr_ignore(&neo);
		goto err;
	}
	if (add_param(gw->curl, url, "username", sms->username) == 0 &&
	    add_param(gw->curl, url, "password", sms->password) == 0 &&
	    (sms->sender[0] == '\0' ||
	        add_param(gw->curl, url, "from", sms->sender) == 0) &&
	    add_param(gw->curl, url, "to", row->to) == 0 &&
	    add_param(gw->curl, url, "text", text) == 0 &&
	    add_param(gw->curl, url, "charset", "UTF-8") == 0 &&
	    add_param(gw->curl, url, "coding",
	        coding == TW_SMS_UCS2 ? "2" : "0") == 0 &&
	    add_param(gw->curl, url, "dlr-mask", DLR_MASK) == 0 &&
	    add_param(gw->curl, url, "dlr-url", report) == 0)
		rc = 0;
err:
	free(report);
	return rc;
}

/* Sets the options of one request on the reused handle. */
static void
set_options(struct tw_smsgw *gw, const char *url)
{
	CURL *curl = gw->curl;

	curl_easy_reset(curl);
	curl_easy_setopt(curl, CURLOPT_URL, url);
	curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT,
	    gw->cfg->sms.connect_timeout);
	curl_easy_setopt(curl, CURLOPT_TIMEOUT, gw->cfg->sms.timeout);
	curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, keep_answer);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, gw);
}

/* Fills ans from a finished request. */
static void
read_answer(struct tw_smsgw *gw, CURLcode rc, struct tw_smsgw_answer *ans)
{
	char *p;

	ans->status = 0;
	if (rc != CURLE_OK) {
		snprintf(ans->text, sizeof ans->text, "request failed: %s",
		    curl_easy_strerror(rc));
		ans->verdict = TW_SMS_RETRY;
		return;
	}
	curl_easy_getinfo(gw->curl, CURLINFO_RESPONSE_CODE, &ans->status);
	/* One line, without the control bytes of a stray answer. */
	for (p = gw->answer; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
	snprintf(ans->text, sizeof ans->text, "%ld %s", ans->status,
	    gw->answer);
	ans->verdict = tw_smsgw_classify(ans->status, gw->answer);
}

/*
 * Sends text, the body of row as it goes out, to the gateway in coding.
 * Returns TW_OK with ans filled whatever the gateway answered, or
 * TW_ERR_NOMEM when the request could not be built.
 */
enum tw_err
tw_smsgw_send(struct tw_smsgw *gw, const struct tw_sms_out *row,
    const char *text, enum tw_sms_coding coding, struct tw_smsgw_answer *ans)
{
	STRING url;
	CURLcode rc;

	string_init(&url);
	if (build_url(gw, row, text, coding, &url) != 0) {
		string_clear(&url);
		return TW_ERR_NOMEM;
	}
	set_options(gw, url.buf);
	gw->answer_len = 0;
	gw->answer[0] = '\0';
	rc = curl_easy_perform(gw->curl);
	string_clear(&url);
	read_answer(gw, rc, ans);
	return TW_OK;
}
