/*
 * err.c: messages for the project's error codes.
 */
#include "tawasul.h"

static const char *const messages[TW_ERR_MAX] = {
	[TW_OK] = "success",
	[TW_ERR_NOMEM] = "out of memory",
	[TW_ERR_IO] = "input or output failed",
	[TW_ERR_CONFIG] = "invalid configuration",
	[TW_ERR_DB] = "database error",
	[TW_ERR_DUPLICATE] = "duplicate key",
	[TW_ERR_NOTFOUND] = "not found",
	[TW_ERR_INPUT] = "invalid input",
	[TW_ERR_CHECKSUM] = "wrong check digit",
	[TW_ERR_FORBIDDEN] = "forbidden",
	[TW_ERR_CONFLICT] = "conflicting state",
	[TW_ERR_TEMPLATE] = "template error",
	[TW_ERR_THROTTLED] = "too many attempts",
};

/* Returns a static description of an error code. */
const char *
tw_strerror(enum tw_err err)
{
	if (err < 0 || err >= TW_ERR_MAX)
		return "unknown error";
	return messages[err];
}

/*
 * Logs a ClearSilver error with what was being done and frees it.
 * Returns TW_OK for STATUS_OK, TW_ERR_NOMEM or TW_ERR_TEMPLATE otherwise.
 */
enum tw_err
tw_err_from_neo(NEOERR *neo, const char *what)
{
	STRING text;
	enum tw_err err;

	if (neo == STATUS_OK)
		return TW_OK;
	err = nerr_match(neo, NERR_NOMEM) ? TW_ERR_NOMEM : TW_ERR_TEMPLATE;
	string_init(&text);
	nerr_error_string(neo, &text);
	tw_log_error("%s: %s", what, text.buf ? text.buf : "?");
	string_clear(&text);
	nerr_ignore(&neo);
	return err;
}
