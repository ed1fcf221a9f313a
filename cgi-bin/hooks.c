/*
 * hooks.c: the webhooks of the SMS gateway under /hooks/.
 *
 * Route table, input tables, handlers. Kannel calls these with GET
 * (smsbox's get-url and dlr-url); POST with an urlencoded body works the
 * same for other gateways. Each response is one line of plain text.
 * Kannel retries a request that did not get 200 or 202, so a database
 * failure returns 503 and the gateway sends the same message again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tawasul.h"

#define nitems(a) (sizeof(a) / sizeof((a)[0]))

static enum tw_err dlr(struct tw_req *);
static enum tw_err inbound(struct tw_req *);

static const struct tw_route routes[] = {
	{ "GET", "/hooks/sms/dlr", dlr, 0 },
	{ "POST", "/hooks/sms/dlr", dlr, 0 },
	{ "GET", "/hooks/sms/inbound", inbound, 0 },
	{ "POST", "/hooks/sms/inbound", inbound, 0 },
};

/* What dlr-url carries: the row and its token, Kannel's %d and %A. */
static const struct tw_field dlr_fields[] = {
	{ "id", TW_FIELD_CODE, 1, 0, 20 },
	{ "token", TW_FIELD_TOKEN, 1, 0, 64 },
	{ "type", TW_FIELD_CODE, 1, 0, 4 },
	{ "text", TW_FIELD_LINE, 0, 0, 200 },
};

/* What get-url carries: the gateway's token, %p, %P, %b and %I. */
static const struct tw_field inbound_fields[] = {
	{ "token", TW_FIELD_TOKEN, 1, 0, 128 },
	{ "from", TW_FIELD_LINE, 1, 0, 32 },
	{ "to", TW_FIELD_LINE, 0, 0, 32 },
	{ "text", TW_FIELD_TEXT, 0, 0, 4000 },
	{ "id", TW_FIELD_LINE, 1, 0, 64 },
};

/* Responds with one line of plain text. */
static enum tw_err
reply_text(struct tw_req *req, int status, const char *text)
{
	string_clear(&req->body);
	string_append(&req->body, text);
	string_append(&req->body, "\n");
	tw_req_header(req, "Content-Type", "text/plain; charset=utf-8");
	req->status = status;
	return TW_OK;
}

/* Starts a form object with the request's language for its messages. */
static void
form_start(struct tw_req *req, struct tw_form *form)
{
	memset(form, 0, sizeof *form);
	form->strings = req->app->strings[req->lang];
}

/* Returns 1 when value is a decimal number of 1 to 18 digits. */
static int
all_digits(const char *value)
{
	size_t len = value ? strlen(value) : 0;

	return len > 0 && len <= 18 && strspn(value, "0123456789") == len;
}

/*
 * GET or POST /hooks/sms/dlr: a delivery report. Fields dlr_fields: the
 * outbox row id and its token (both from the URL the sender gave the
 * gateway), the report type and its text. 200 when the report is
 * applied or changes nothing (an unknown type, or one that would move
 * the row back); 403 for a token that is not the row's; 400 for
 * malformed fields. Moves the row's status forward.
 */
static enum tw_err
dlr(struct tw_req *req)
{
	struct tw_form form;
	const char *id, *type, *status = NULL;
	enum tw_err err;

	form_start(req, &form);
	tw_form_read(&form, dlr_fields, nitems(dlr_fields), req->hdf);
	id = tw_form_value(&form, "id");
	type = tw_form_value(&form, "type");
	if (form.nerrors > 0 || !all_digits(id) || !all_digits(type)) {
		tw_form_free(&form);
		tw_log_warn("sms delivery report: malformed fields");
		return reply_text(req, 400, "malformed delivery report");
	}
	err = tw_sms_dlr(req->app->db, req->app->config->secret, atoll(id),
	    tw_form_value(&form, "token"), atoi(type),
	    tw_form_value(&form, "text"), &status);
	if (err == TW_ERR_FORBIDDEN)
		tw_log_warn("sms delivery report for id=%s: wrong token", id);
	else if (err == TW_OK)
		tw_log_info("sms id=%s delivery report type=%s: %s", id, type,
		    status ? status : "ignored");
	tw_form_free(&form);
	if (err == TW_ERR_FORBIDDEN)
		return reply_text(req, 403, "forbidden");
	if (err != TW_OK)
		return err;
	return reply_text(req, 200, "ok");
}

/* Returns the name of the gateway whose token this is, or NULL. */
static const char *
gateway_of(const struct tw_config *cfg, const char *token)
{
	const char *found = NULL;

	/* Compares with every token, so the time does not say which. */
	for (size_t i = 0; token != NULL && i < cfg->sms.ninbound; i++)
		if (tw_token_equal(cfg->sms.inbound[i].token, token))
			found = cfg->sms.inbound[i].gateway;
	return found;
}

/* Stores and handles a validated inbound message; responds 200. */
static enum tw_err
receive(struct tw_req *req, struct tw_form *form, const char *gateway)
{
	const char *text = tw_form_value(form, "text");
	struct tw_sms_in in = {
		.gateway = gateway,
		.message_id = tw_form_value(form, "id"),
		.sender = tw_form_value(form, "from"),
		.receiver = tw_form_value(form, "to"),
		.text = text ? text : "",
	};
	struct tw_sms_in_result res;
	enum tw_err err;

	err = tw_sms_receive(req->app->db, req->app->strings,
	    req->app->config->display_tz, &in, &res);
	if (err != TW_OK)
		return err;
	snprintf(req->case_number, sizeof req->case_number, "%s",
	    res.case_number);
	tw_log_info("sms inbound gateway=%s id=%s: %s%s%s", gateway,
	    in.message_id, res.outcome, res.case_number[0] ? " case=" : "",
	    res.case_number);
	return reply_text(req, 200, res.duplicate ? "ok duplicate" : "ok");
}

/*
 * GET or POST /hooks/sms/inbound: an SMS a resident or field staff sent.
 * Fields inbound_fields: the gateway's token (Secrets.SmsInbound.*), the
 * sender, the number it was sent to, the UTF-8 text and the gateway's
 * message id. 200 once the message is stored and handled, and for a
 * repeated message id, which changes nothing. 403 for a missing or
 * unknown token. 422 for a missing sender or id, or a text that is not
 * UTF-8 or is longer than 4000 characters. 503 when the database fails.
 * Writes the sms_inbound row, the change it asks for and the reply in
 * the outbox, in one transaction.
 */
static enum tw_err
inbound(struct tw_req *req)
{
	struct tw_form form;
	const char *gateway;
	enum tw_err err;

	form_start(req, &form);
	tw_form_read(&form, inbound_fields, nitems(inbound_fields), req->hdf);
	gateway = gateway_of(req->app->config, tw_form_value(&form, "token"));
	if (gateway == NULL) {
		tw_form_free(&form);
		tw_log_warn("sms inbound from %s: missing or unknown token",
		    tw_req_env(req, "REMOTE_ADDR")
		        ? tw_req_env(req, "REMOTE_ADDR")
		        : "?");
		return reply_text(req, 403, "forbidden");
	}
	if (form.nerrors > 0) {
		tw_log_error("sms inbound gateway=%s id=%s: rejected: %s",
		    gateway,
		    tw_form_value(&form, "id") ? tw_form_value(&form, "id")
		                               : "?",
		    hdf_get_value(req->hdf, "Form.Error.text", NULL)
		        ? "text not UTF-8 or too long; set mo-recode in smsbox"
		        : "sender or message id missing");
		tw_form_free(&form);
		return reply_text(req, 422, "invalid message");
	}
	err = receive(req, &form, gateway);
	tw_form_free(&form);
	return err;
}

int
main(int argc, char **argv)
{
	struct tw_app app = {
		.program = "hooks",
		.localised = 0,
		.routes = routes,
		.nroutes = nitems(routes),
	};

	return tw_main(argc, argv, &app);
}
