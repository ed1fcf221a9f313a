/*
 * services.c: the service directory. Each service says how to apply for
 * it in Arabic and English; tw_service_send gives a resident the link to
 * a procedure page by SMS and the whole procedure by e-mail, for agents
 * in the intranet and for the IVR alike.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tawasul.h"

enum services_stmt { SQL_PROCEDURE, SQL_MAX };

/* The columns of SQL_PROCEDURE, in the order of enum procedure_col. */
enum procedure_col {
	COL_ID,
	COL_NAME,
	COL_DESCRIPTION,
	COL_STEPS,
	COL_DOCUMENTS,
	COL_FEES,
	COL_DURATION,
	COL_WHERE,
	COL_MAX
};

/* clang-format off */
static struct tw_stmt stmts[SQL_MAX] = {
	[SQL_PROCEDURE] = {
	    "SELECT id, IF(? = 'ar' COLLATE utf8mb4_unicode_ci, name_ar, name_en),"
	    " IF(? = 'ar' COLLATE utf8mb4_unicode_ci, description_ar, description_en),"
	    " IF(? = 'ar' COLLATE utf8mb4_unicode_ci, steps_ar, steps_en),"
	    " IF(? = 'ar' COLLATE utf8mb4_unicode_ci, documents_ar, documents_en),"
	    " IF(? = 'ar' COLLATE utf8mb4_unicode_ci, fees_ar, fees_en),"
	    " IF(? = 'ar' COLLATE utf8mb4_unicode_ci, duration_ar, duration_en),"
	    " IF(? = 'ar' COLLATE utf8mb4_unicode_ci, where_ar, where_en)"
	    " FROM services WHERE code = ? AND active = 1"},
};
/* clang-format on */

/* Returns the address of a procedure page, or NULL when out of memory. */
char *
tw_service_url(const struct tw_config *cfg, enum tw_lang lang, const char *code)
{
	char *url;

	if (asprintf(&url, "%s/%s/services/%s", cfg->base_url,
	        tw_lang_code(lang), code) < 0)
		return NULL;
	return url;
}

/* The e-mail's parts after the name: locale key of the heading, column. */
static const struct {
	const char *heading;
	enum procedure_col col;
} body_parts[] = {
	{ "Service.Description", COL_DESCRIPTION },
	{ "Service.Steps", COL_STEPS },
	{ "Service.Documents", COL_DOCUMENTS },
	{ "Service.Fees", COL_FEES },
	{ "Service.Duration", COL_DURATION },
	{ "Service.Where", COL_WHERE },
};

/* Returns the e-mail of one procedure, its parts under their headings and
 * the link last, or NULL when out of memory. */
static char *
procedure_body(HDF *strings, const struct tw_rows *rows, const char *url)
{
	STRING body;
	NEOERR *nerr;
	char *out = NULL;

	string_init(&body);
	nerr = string_appendf(&body, "%s\n\n", tw_rows_get(rows, 0, COL_NAME));
	for (size_t i = 0; nerr == STATUS_OK &&
	     i < sizeof(body_parts) / sizeof(body_parts[0]);
	     i++) {
		const char *text = tw_rows_get(rows, 0, body_parts[i].col);

		if (text != NULL && text[0] != '\0')
			nerr = string_appendf(&body, "%s\n%s\n\n",
			    tw_string(strings, body_parts[i].heading), text);
	}
	if (nerr == STATUS_OK)
		nerr = string_appendf(&body, "%s\n", url);
	if (nerr == STATUS_OK)
		out = strdup(body.buf);
	nerr_ignore(&nerr);
	string_clear(&body);
	return out;
}

/*
 * Queues the procedure of the service with this code for one resident:
 * an SMS with the name and the link of its page when to->mobile is set,
 * and an e-mail with the whole procedure when to->email is set. strings
 * are the interface strings of to->lang. Runs inside the caller's
 * transaction. Returns TW_ERR_NOTFOUND for an unknown or inactive service.
 */
enum tw_err
tw_service_send(struct tw_db *db, HDF *strings, const char *code,
    const struct tw_procedure_to *to)
{
	const char *lang = tw_lang_code(to->lang);
	struct tw_param p[] = { TW_P_STR(lang), TW_P_STR(lang), TW_P_STR(lang),
		TW_P_STR(lang), TW_P_STR(lang), TW_P_STR(lang), TW_P_STR(lang),
		TW_P_STR(code) };
	struct tw_rows *rows = NULL;
	char *url = NULL, *text = NULL, *body = NULL, *subject = NULL;
	enum tw_err err;

	if ((err = tw_db_query(db, &stmts[SQL_PROCEDURE], p, 8, &rows)) !=
	    TW_OK)
		return err;
	err = TW_ERR_NOTFOUND;
	if (rows->nrows != 1)
		goto done;
	err = TW_ERR_NOMEM;
	if ((url = tw_service_url(tw_db_config(db), to->lang, code)) == NULL)
		goto done;
	if (to->mobile != NULL) {
		struct tw_sms sms = { to->case_id, to->customer_id, to->mobile,
			to->lang, "procedure", NULL };
		char *named =
		    tw_str_replace(tw_string(strings, "Sms.Procedure"),
		        "{name}", tw_rows_get(rows, 0, COL_NAME));

		if (named == NULL)
			goto done;
		text = tw_str_replace(named, "{url}", url);
		free(named);
		if (text == NULL)
			goto done;
		sms.body = text;
		if ((err = tw_sms_queue(db, &sms)) != TW_OK)
			goto done;
	}
	if (to->email != NULL) {
		struct tw_mail mail = { to->case_id, to->customer_id,
			to->staff_id, to->email, to->lang, "procedure", NULL,
			NULL };

		err = TW_ERR_NOMEM;
		subject =
		    tw_str_replace(tw_string(strings, "Mail.ProcedureSubject"),
		        "{name}", tw_rows_get(rows, 0, COL_NAME));
		body = procedure_body(strings, rows, url);
		if (subject == NULL || body == NULL)
			goto done;
		mail.subject = subject;
		mail.body = body;
		if ((err = tw_mail_queue(db, &mail)) != TW_OK)
			goto done;
	}
	err = TW_OK;
done:
	free(url);
	free(text);
	free(body);
	free(subject);
	tw_rows_free(rows);
	return err;
}
