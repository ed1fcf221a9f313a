/*
 * mail.c: the e-mail outbox. tw_mail_queue adds a message to mail_outbox
 * inside the caller's transaction; bin/tawasul-mail-send delivers it.
 */
#include <stdlib.h>

#include "tawasul.h"

enum mail_stmt { SQL_INSERT, SQL_MAX };

/* clang-format off */
static struct tw_stmt stmts[SQL_MAX] = {
	[SQL_INSERT] = {
	    "INSERT INTO mail_outbox (case_id, customer_id, staff_id, to_addr,"
	    " lang, kind, subject, body, status, created_at, next_attempt_at)"
	    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', UTC_TIMESTAMP(3),"
	    " UTC_TIMESTAMP())"},
};
/* clang-format on */

/*
 * Queues one message. The address must already have passed
 * tw_email_check; the subject and body are plain UTF-8 text.
 */
enum tw_err
tw_mail_queue(struct tw_db *db, const struct tw_mail *mail)
{
	struct tw_param p[] = {
		mail->case_id > 0 ? TW_P_INT(mail->case_id) : TW_P_NULL,
		mail->customer_id > 0 ? TW_P_INT(mail->customer_id) : TW_P_NULL,
		mail->staff_id > 0 ? TW_P_INT(mail->staff_id) : TW_P_NULL,
		TW_P_STR(mail->to),
		TW_P_STR(tw_lang_code(mail->lang)),
		TW_P_STR(mail->kind),
		TW_P_STR(mail->subject),
		TW_P_STR(mail->body),
	};

	if (tw_email_check(mail->to) != TW_OK)
		return TW_ERR_INPUT;
	return tw_db_exec(db, &stmts[SQL_INSERT], p, 8, NULL);
}
