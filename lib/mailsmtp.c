/*
 * mailsmtp.c: composes an outbox row as a MIME message with GMime and
 * hands it to the SMTP relay of Mail.SmtpUrl with libcurl.
 *
 * The message is one UTF-8 text/plain part in base64, with the subject
 * encoded by GMime as RFC 2047 encoded words, so Arabic survives any
 * relay. From is Mail.From; Date is the time of sending, and the
 * Message-ID is random under the domain of the From address.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <gmime/gmime.h>

#include "tawasul.h"

struct tw_mailer {
	const struct tw_mail_config *conf;
	CURL *curl;
	char *from_addr; /* the bare address of Mail.From */
	char *domain; /* its domain, for Message-IDs */
};

/* The message being uploaded to the relay. */
struct upload {
	const char *data;
	size_t len, off;
};

static size_t
read_upload(char *buf, size_t size, size_t nmemb, void *arg)
{
	struct upload *up = arg;
	size_t n = size * nmemb;

	if (n > up->len - up->off)
		n = up->len - up->off;
	memcpy(buf, up->data + up->off, n);
	up->off += n;
	return n;
}

/* Returns a copy of the first address of list text, or NULL. */
static char *
first_address(const char *text)
{
	InternetAddressList *list;
	InternetAddress *ia;
	char *addr = NULL;

	if ((list = internet_address_list_parse(NULL, text)) == NULL)
		return NULL;
	if (internet_address_list_length(list) == 1) {
		ia = internet_address_list_get_address(list, 0);
		if (INTERNET_ADDRESS_IS_MAILBOX(ia))
			addr = strdup(internet_address_mailbox_get_addr(
			    INTERNET_ADDRESS_MAILBOX(ia)));
	}
	g_object_unref(list);
	return addr;
}

/* Initialises GMime and libcurl; call once before tw_mailer_new. */
void
tw_mail_init(void)
{
	g_mime_init();
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

/*
 * Makes a mailer for the relay of conf, which must outlive it. Returns
 * TW_OK, or TW_ERR_CONFIG when Mail.SmtpUrl is empty or Mail.From is not
 * one valid address, or TW_ERR_NOMEM. Free with tw_mailer_free.
 */
enum tw_err
tw_mailer_new(const struct tw_mail_config *conf, struct tw_mailer **out)
{
	struct tw_mailer *m;
	const char *at;

	*out = NULL;
	if (conf->smtp_url[0] == '\0') {
		tw_log_error("config: Mail.SmtpUrl is empty, so e-mail is not "
		             "configured");
		return TW_ERR_CONFIG;
	}
	if ((m = calloc(1, sizeof *m)) == NULL)
		return TW_ERR_NOMEM;
	m->conf = conf;
	m->from_addr = first_address(conf->from);
	if (m->from_addr == NULL || (at = strrchr(m->from_addr, '@')) == NULL ||
	    at[1] == '\0') {
		tw_log_error("config: Mail.From is not one e-mail address: %s",
		    conf->from);
		tw_mailer_free(m);
		return TW_ERR_CONFIG;
	}
	m->domain = strdup(at + 1);
	m->curl = curl_easy_init();
	if (m->domain == NULL || m->curl == NULL) {
		tw_mailer_free(m);
		return TW_ERR_NOMEM;
	}
	*out = m;
	return TW_OK;
}

/* Frees a mailer. Accepts NULL. */
void
tw_mailer_free(struct tw_mailer *m)
{
	if (m == NULL)
		return;
	if (m->curl != NULL)
		curl_easy_cleanup(m->curl);
	free(m->from_addr);
	free(m->domain);
	free(m);
}

/* Builds the GMime message of row; the caller unrefs it. */
static GMimeMessage *
build_message(const struct tw_mailer *m, const struct tw_mail_out *row)
{
	GMimeMessage *msg = g_mime_message_new(TRUE);
	GMimeTextPart *part = g_mime_text_part_new_with_subtype("plain");
	GDateTime *now = g_date_time_new_now_utc();
	char token[33], id[320];

	g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_TO, NULL, row->to);
	g_mime_message_set_subject(msg, row->subject, "utf-8");
	g_mime_message_set_date(msg, now);
	g_date_time_unref(now);
	if (tw_random_token(token, sizeof token, 16) != TW_OK)
		snprintf(token, sizeof token, "%lld", row->id);
	snprintf(id, sizeof id, "%lld.%s@%s", row->id, token, m->domain);
	g_mime_message_set_message_id(msg, id);
	g_mime_text_part_set_text(part, row->body);
	g_mime_text_part_set_charset(part, "utf-8");
	g_mime_part_set_content_encoding(GMIME_PART(part),
	    GMIME_CONTENT_ENCODING_BASE64);
	g_mime_message_set_mime_part(msg, GMIME_OBJECT(part));
	g_object_unref(part);
	return msg;
}

/*
 * Returns the message of row as text with CRLF line ends, ready for the
 * DATA command, or NULL when From or To does not parse. The caller
 * frees it with free().
 */
char *
tw_mail_compose(const struct tw_mailer *m, const struct tw_mail_out *row)
{
	InternetAddressList *from;
	GMimeFormatOptions *opts;
	GMimeMessage *msg;
	char *text, *copy;

	if ((from = internet_address_list_parse(NULL, m->conf->from)) == NULL)
		return NULL;
	msg = build_message(m, row);
	internet_address_list_append(g_mime_message_get_from(msg), from);
	g_object_unref(from);
	opts = g_mime_format_options_new();
	g_mime_format_options_set_newline_format(opts,
	    GMIME_NEWLINE_FORMAT_DOS);
	text = g_mime_object_to_string(GMIME_OBJECT(msg), opts);
	g_mime_format_options_free(opts);
	g_object_unref(msg);
	copy = text != NULL ? strdup(text) : NULL;
	g_free(text);
	return copy;
}

/* Classifies a failed transfer: 5xx replies are permanent. */
static void
classify(CURLcode rc, long reply, const char *errbuf, struct tw_mail_answer *a)
{
	a->reply = reply;
	a->connected = rc != CURLE_COULDNT_CONNECT &&
	    rc != CURLE_OPERATION_TIMEDOUT && rc != CURLE_COULDNT_RESOLVE_HOST;
	if (rc == CURLE_OK) {
		a->verdict = TW_SMS_SENT;
		snprintf(a->text, sizeof a->text, "%ld", reply);
		return;
	}
	a->verdict = reply >= 500 && reply < 600 ? TW_SMS_REJECTED
	                                         : TW_SMS_RETRY;
	snprintf(a->text, sizeof a->text, "SMTP %ld: %s", reply,
	    errbuf[0] ? errbuf : curl_easy_strerror(rc));
}

/*
 * Sends row through the relay and fills *a with the verdict: sent,
 * rejected for a 5xx reply, or retry for anything else (no connection,
 * a timeout, a 4xx reply). Returns TW_OK, or TW_ERR_NOMEM, or
 * TW_ERR_INPUT when the recipient is not a valid address by
 * tw_email_check or the message cannot be composed (a->verdict is then
 * rejected, so the row fails for good). The address is checked again
 * here because a CR or LF in it would add SMTP commands.
 */
enum tw_err
tw_mail_send(struct tw_mailer *m, const struct tw_mail_out *row,
    struct tw_mail_answer *a)
{
	char errbuf[CURL_ERROR_SIZE] = "", from[320], to[320];
	struct curl_slist *rcpt = NULL;
	struct upload up = { 0 };
	long reply = 0;
	CURLcode rc;
	char *text;

	memset(a, 0, sizeof *a);
	if (row->to == NULL || tw_email_check(row->to) != TW_OK) {
		a->verdict = TW_SMS_REJECTED;
		a->connected = 1;
		snprintf(a->text, sizeof a->text,
		    "not sent: the recipient is not a valid e-mail address");
		return TW_ERR_INPUT;
	}
	if ((text = tw_mail_compose(m, row)) == NULL) {
		a->verdict = TW_SMS_REJECTED;
		a->connected = 1;
		snprintf(a->text, sizeof a->text,
		    "the message cannot be "
		    "composed: invalid address");
		return TW_ERR_INPUT;
	}
	snprintf(from, sizeof from, "<%s>", m->from_addr);
	snprintf(to, sizeof to, "<%s>", row->to);
	if ((rcpt = curl_slist_append(NULL, to)) == NULL) {
		free(text);
		return TW_ERR_NOMEM;
	}
	up.data = text;
	up.len = strlen(text);
	curl_easy_reset(m->curl);
	curl_easy_setopt(m->curl, CURLOPT_URL, m->conf->smtp_url);
	curl_easy_setopt(m->curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(m->curl, CURLOPT_MAIL_FROM, from);
	curl_easy_setopt(m->curl, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(m->curl, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(m->curl, CURLOPT_READFUNCTION, read_upload);
	curl_easy_setopt(m->curl, CURLOPT_READDATA, &up);
	curl_easy_setopt(m->curl, CURLOPT_INFILESIZE_LARGE, (curl_off_t)up.len);
	curl_easy_setopt(m->curl, CURLOPT_CONNECTTIMEOUT,
	    m->conf->connect_timeout);
	curl_easy_setopt(m->curl, CURLOPT_TIMEOUT, m->conf->timeout);
	curl_easy_setopt(m->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(m->curl, CURLOPT_ERRORBUFFER, errbuf);
	rc = curl_easy_perform(m->curl);
	curl_easy_getinfo(m->curl, CURLINFO_RESPONSE_CODE, &reply);
	classify(rc, reply, errbuf, a);
	curl_slist_free_all(rcpt);
	free(text);
	return TW_OK;
}
