/*
 * db.c: MariaDB access through prepared statements only.
 *
 * Each worker keeps one connection and prepares each statement of the
 * modules' tables on first use. When the server restarts, the next call
 * outside a transaction, or the next tw_db_begin, reconnects and tries
 * once more, so a request after the restart succeeds. Results are
 * materialised as strings: the pages print them, and typed columns would
 * add a bind layout per statement for no gain at these sizes.
 */
#include <stdlib.h>
#include <string.h>

#include <errmsg.h>
#include <mysqld_error.h>

#include "tawasul.h"

struct tw_db {
	const struct tw_config *cfg;
	MYSQL *conn;
	MYSQL_STMT *stmts[TW_DB_MAX_STMTS + 1];
	int in_tx;
	unsigned long long affected; /* rows changed by the last tw_db_exec */
};

/* The last cache slot handed out; slot 0 means "not assigned yet". */
static int last_slot;

/* Returns 1 for client errors that mean the connection is gone. */
static int
connection_lost(unsigned int code)
{
	return code == CR_SERVER_GONE_ERROR || code == CR_SERVER_LOST ||
	    code == CR_CONNECTION_ERROR || code == CR_CONN_HOST_ERROR ||
	    code == ER_CONNECTION_KILLED || code == CR_COMMANDS_OUT_OF_SYNC ||
	    code == ER_SERVER_SHUTDOWN;
}

static void
db_disconnect(struct tw_db *db)
{
	for (int i = 0; i <= TW_DB_MAX_STMTS; i++)
		if (db->stmts[i] != NULL) {
			mysql_stmt_close(db->stmts[i]);
			db->stmts[i] = NULL;
		}
	if (db->conn != NULL)
		mysql_close(db->conn);
	db->conn = NULL;
	db->in_tx = 0;
}

/*
 * Connects with utf8mb4, strict SQL mode, UTC session time and timeouts
 * on every read and write. Returns TW_OK or TW_ERR_DB, logged.
 */
static enum tw_err
db_connect(struct tw_db *db)
{
	const struct tw_config *cfg = db->cfg;
	unsigned int connect_timeout = 5, io_timeout = 30;
	my_bool off = 0;

	db_disconnect(db);
	if ((db->conn = mysql_init(NULL)) == NULL)
		return TW_ERR_NOMEM;
	mysql_options(db->conn, MYSQL_SET_CHARSET_NAME, "utf8mb4");
	mysql_options(db->conn, MYSQL_OPT_CONNECT_TIMEOUT, &connect_timeout);
	mysql_options(db->conn, MYSQL_OPT_READ_TIMEOUT, &io_timeout);
	mysql_options(db->conn, MYSQL_OPT_WRITE_TIMEOUT, &io_timeout);
	mysql_options(db->conn, MYSQL_OPT_RECONNECT, &off);
	mysql_options(db->conn, MYSQL_INIT_COMMAND,
	    "SET time_zone = '+00:00', sql_mode = 'STRICT_ALL_TABLES,"
	    "NO_ZERO_DATE,NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,"
	    "NO_ENGINE_SUBSTITUTION', collation_connection ="
	    " 'utf8mb4_unicode_ci'");
	if (mysql_real_connect(db->conn, NULL, cfg->db_user, cfg->db_password,
	        cfg->db_name, 0, cfg->db_socket, 0) == NULL) {
		tw_log_error("db: connect to %s failed: %s", cfg->db_socket,
		    mysql_error(db->conn));
		mysql_close(db->conn);
		db->conn = NULL;
		return TW_ERR_DB;
	}
	return TW_OK;
}

/* Returns the configuration the connection was opened with. */
const struct tw_config *
tw_db_config(const struct tw_db *db)
{
	return db->cfg;
}

/*
 * Creates a handle and tries to connect. A server that is down is not
 * an error here: the first query connects. Free with tw_db_close.
 */
enum tw_err
tw_db_open(const struct tw_config *cfg, struct tw_db **out)
{
	struct tw_db *db;

	if ((db = calloc(1, sizeof *db)) == NULL)
		return TW_ERR_NOMEM;
	db->cfg = cfg;
	(void)db_connect(db);
	*out = db;
	return TW_OK;
}

/* Closes the connection and frees the handle. Accepts NULL. */
void
tw_db_close(struct tw_db *db)
{
	if (db == NULL)
		return;
	db_disconnect(db);
	free(db);
}

/* Returns the prepared statement, preparing it on first use. */
static MYSQL_STMT *
db_stmt(struct tw_db *db, struct tw_stmt *which, unsigned int *code)
{
	MYSQL_STMT *stmt;

	*code = 0;
	if (which->slot == 0) {
		if (last_slot == TW_DB_MAX_STMTS) {
			tw_log_error("db: more than %d statements; raise "
			             "TW_DB_MAX_STMTS",
			    TW_DB_MAX_STMTS);
			*code = CR_OUT_OF_MEMORY;
			return NULL;
		}
		which->slot = ++last_slot;
	}
	if (db->conn == NULL && db_connect(db) != TW_OK) {
		*code = CR_CONNECTION_ERROR;
		return NULL;
	}
	if (db->stmts[which->slot] != NULL)
		return db->stmts[which->slot];
	if ((stmt = mysql_stmt_init(db->conn)) == NULL) {
		*code = mysql_errno(db->conn);
		return NULL;
	}
	if (mysql_stmt_prepare(stmt, which->sql, strlen(which->sql)) != 0) {
		*code = mysql_stmt_errno(stmt);
		tw_log_error("db: prepare failed: %s: %.80s",
		    mysql_stmt_error(stmt), which->sql);
		mysql_stmt_close(stmt);
		return NULL;
	}
	db->stmts[which->slot] = stmt;
	return stmt;
}

/* Binds the parameters of one call; bind has nparams entries. */
static int
db_bind_params(MYSQL_STMT *stmt, const struct tw_param *params, size_t nparams,
    MYSQL_BIND *bind, unsigned long *lengths)
{
	if (mysql_stmt_param_count(stmt) != nparams) {
		tw_log_error("db: statement takes %lu parameters, got %zu",
		    mysql_stmt_param_count(stmt), nparams);
		return -1;
	}
	memset(bind, 0, nparams * sizeof *bind);
	for (size_t i = 0; i < nparams; i++) {
		const struct tw_param *p = &params[i];

		switch (p->type) {
		case TW_NULL:
			bind[i].buffer_type = MYSQL_TYPE_NULL;
			break;
		case TW_INT:
			bind[i].buffer_type = MYSQL_TYPE_LONGLONG;
			bind[i].buffer = (void *)&p->i;
			break;
		case TW_DOUBLE:
			bind[i].buffer_type = MYSQL_TYPE_DOUBLE;
			bind[i].buffer = (void *)&p->d;
			break;
		case TW_STR:
			lengths[i] = strlen(p->s);
			bind[i].buffer_type = MYSQL_TYPE_STRING;
			bind[i].buffer = (void *)p->s;
			bind[i].buffer_length = lengths[i];
			bind[i].length = &lengths[i];
			break;
		}
	}
	return nparams == 0 ? 0 : (int)mysql_stmt_bind_param(stmt, bind);
}

/* Binds and executes one statement; returns 0 or the error code. */
static unsigned int
db_execute_once(struct tw_db *db, struct tw_stmt *which,
    const struct tw_param *params, size_t nparams, MYSQL_STMT **out)
{
	MYSQL_BIND bind[TW_DB_MAX_PARAMS];
	unsigned long lengths[TW_DB_MAX_PARAMS];
	MYSQL_STMT *stmt;
	unsigned int code;

	if (nparams > TW_DB_MAX_PARAMS)
		return CR_UNKNOWN_ERROR;
	if ((stmt = db_stmt(db, which, &code)) == NULL)
		return code ? code : CR_UNKNOWN_ERROR;
	if (db_bind_params(stmt, params, nparams, bind, lengths) != 0 ||
	    mysql_stmt_execute(stmt) != 0) {
		code = mysql_stmt_errno(stmt);
		return code ? code : CR_UNKNOWN_ERROR;
	}
	*out = stmt;
	return 0;
}

/*
 * Executes a statement, reconnecting once when the connection was lost
 * outside a transaction. Returns TW_OK, TW_ERR_DUPLICATE or TW_ERR_DB.
 */
static enum tw_err
db_execute(struct tw_db *db, struct tw_stmt *which,
    const struct tw_param *params, size_t nparams, MYSQL_STMT **out)
{
	unsigned int code;

	code = db_execute_once(db, which, params, nparams, out);
	if (code != 0 && connection_lost(code) && !db->in_tx) {
		tw_log_warn("db: connection lost (%u), reconnecting", code);
		if (db_connect(db) == TW_OK)
			code = db_execute_once(db, which, params, nparams, out);
	}
	if (code == 0)
		return TW_OK;
	if (code == ER_DUP_ENTRY)
		return TW_ERR_DUPLICATE;
	tw_log_error("db: error %u %s: %.80s", code,
	    db->stmts[which->slot] ? mysql_stmt_error(db->stmts[which->slot])
	                           : "",
	    which->sql);
	if (connection_lost(code))
		db_disconnect(db);
	return TW_ERR_DB;
}

/*
 * Runs a statement that returns no rows. insert_id, when not NULL,
 * receives the AUTO_INCREMENT value. Returns TW_OK, TW_ERR_DUPLICATE
 * when a unique key rejected the row, or TW_ERR_DB.
 */
enum tw_err
tw_db_exec(struct tw_db *db, struct tw_stmt *which,
    const struct tw_param *params, size_t nparams,
    unsigned long long *insert_id)
{
	MYSQL_STMT *stmt = NULL;
	enum tw_err err;

	db->affected = 0;
	if ((err = db_execute(db, which, params, nparams, &stmt)) != TW_OK)
		return err;
	if (insert_id != NULL)
		*insert_id = mysql_stmt_insert_id(stmt);
	db->affected = mysql_stmt_affected_rows(stmt);
	return TW_OK;
}

/* Returns the number of rows the last tw_db_exec changed. */
unsigned long long
tw_db_affected(const struct tw_db *db)
{
	return db->affected;
}

/* Copies the buffered rows of stmt into a new tw_rows. */
static enum tw_err
db_fetch_all(MYSQL_STMT *stmt, struct tw_rows *rows)
{
	MYSQL_RES *meta = mysql_stmt_result_metadata(stmt);
	MYSQL_BIND *bind = NULL;
	unsigned long *lengths = NULL;
	my_bool *nulls = NULL;
	MYSQL_FIELD *fields;
	enum tw_err err = TW_ERR_NOMEM;
	size_t r = 0;

	if (meta == NULL)
		return TW_ERR_DB;
	rows->ncols = mysql_num_fields(meta);
	rows->nrows = mysql_stmt_num_rows(stmt);
	fields = mysql_fetch_fields(meta);
	bind = calloc(rows->ncols, sizeof *bind);
	lengths = calloc(rows->ncols, sizeof *lengths);
	nulls = calloc(rows->ncols, sizeof *nulls);
	rows->cells = calloc(rows->nrows * rows->ncols + 1, sizeof(char *));
	if (bind == NULL || lengths == NULL || nulls == NULL ||
	    rows->cells == NULL)
		goto err;
	for (size_t c = 0; c < rows->ncols; c++) {
		bind[c].buffer_type = MYSQL_TYPE_STRING;
		bind[c].buffer_length = fields[c].max_length + 1;
		bind[c].length = &lengths[c];
		bind[c].is_null = &nulls[c];
		if ((bind[c].buffer = malloc(bind[c].buffer_length)) == NULL)
			goto err;
	}
	err = TW_ERR_DB;
	if (mysql_stmt_bind_result(stmt, bind) != 0)
		goto err;
	for (r = 0; r < rows->nrows && mysql_stmt_fetch(stmt) == 0; r++)
		for (size_t c = 0; c < rows->ncols; c++) {
			char **cell = &rows->cells[r * rows->ncols + c];

			if (nulls[c])
				continue;
			if ((*cell = strndup(bind[c].buffer, lengths[c])) ==
			    NULL) {
				err = TW_ERR_NOMEM;
				goto err;
			}
		}
	err = r == rows->nrows ? TW_OK : TW_ERR_DB;
err:
	for (size_t c = 0; bind != NULL && c < rows->ncols; c++)
		free(bind[c].buffer);
	free(bind);
	free(lengths);
	free(nulls);
	mysql_free_result(meta);
	mysql_stmt_free_result(stmt);
	return err;
}

/*
 * Runs a statement that returns rows. On TW_OK *out contains every row, to
 * be freed with tw_rows_free. Returns TW_ERR_DB or TW_ERR_NOMEM too.
 */
enum tw_err
tw_db_query(struct tw_db *db, struct tw_stmt *which,
    const struct tw_param *params, size_t nparams, struct tw_rows **out)
{
	MYSQL_STMT *stmt = NULL;
	struct tw_rows *rows;
	my_bool update_max = 1;
	enum tw_err err;

	*out = NULL;
	if ((err = db_execute(db, which, params, nparams, &stmt)) != TW_OK)
		return err;
	mysql_stmt_attr_set(stmt, STMT_ATTR_UPDATE_MAX_LENGTH, &update_max);
	if (mysql_stmt_store_result(stmt) != 0) {
		tw_log_error("db: store result failed: %s: %.80s",
		    mysql_stmt_error(stmt), which->sql);
		return TW_ERR_DB;
	}
	if ((rows = calloc(1, sizeof *rows)) == NULL) {
		mysql_stmt_free_result(stmt);
		return TW_ERR_NOMEM;
	}
	if ((err = db_fetch_all(stmt, rows)) != TW_OK) {
		tw_rows_free(rows);
		return err;
	}
	*out = rows;
	return TW_OK;
}

/* Returns a cell, or NULL for SQL NULL or a cell out of range. */
const char *
tw_rows_get(const struct tw_rows *rows, size_t row, size_t col)
{
	if (rows == NULL || row >= rows->nrows || col >= rows->ncols)
		return NULL;
	return rows->cells[row * rows->ncols + col];
}

/* Frees a result. Accepts NULL. */
void
tw_rows_free(struct tw_rows *rows)
{
	if (rows == NULL)
		return;
	for (size_t i = 0; rows->cells && i < rows->nrows * rows->ncols; i++)
		free(rows->cells[i]);
	free(rows->cells);
	free(rows);
}

/*
 * Copies rows into HDF as prefix.N.name, with one name per column; a
 * NULL name skips that column and NULL cells are left out.
 */
enum tw_err
tw_rows_to_hdf(const struct tw_rows *rows, HDF *hdf, const char *prefix,
    const char *const *names)
{
	for (size_t r = 0; r < rows->nrows; r++)
		for (size_t c = 0; c < rows->ncols; c++) {
			const char *cell = tw_rows_get(rows, r, c);

			if (names[c] == NULL || cell == NULL)
				continue;
			if (hdf_set_valuef(hdf, "%s.%zu.%s=%s", prefix, r,
			        names[c], cell) != STATUS_OK)
				return TW_ERR_NOMEM;
		}
	return TW_OK;
}

/* Runs a transaction control command, reconnecting once at BEGIN. */
static enum tw_err
db_control(struct tw_db *db, const char *sql, int may_reconnect)
{
	unsigned int code;

	if (db->conn == NULL && db_connect(db) != TW_OK)
		return TW_ERR_DB;
	if (mysql_real_query(db->conn, sql, strlen(sql)) == 0)
		return TW_OK;
	code = mysql_errno(db->conn);
	if (may_reconnect && connection_lost(code)) {
		tw_log_warn("db: connection lost (%u), reconnecting", code);
		if (db_connect(db) == TW_OK &&
		    mysql_real_query(db->conn, sql, strlen(sql)) == 0)
			return TW_OK;
	}
	tw_log_error("db: %s failed: %s", sql,
	    db->conn ? mysql_error(db->conn) : "no connection");
	if (connection_lost(code))
		db_disconnect(db);
	return TW_ERR_DB;
}

/* Starts a transaction. Returns TW_OK or TW_ERR_DB. */
enum tw_err
tw_db_begin(struct tw_db *db)
{
	enum tw_err err = db_control(db, "START TRANSACTION", 1);

	db->in_tx = err == TW_OK;
	return err;
}

/* Commits the transaction. Returns TW_OK or TW_ERR_DB. */
enum tw_err
tw_db_commit(struct tw_db *db)
{
	enum tw_err err = db_control(db, "COMMIT", 0);

	db->in_tx = 0;
	return err;
}

/* Rolls the transaction back; a lost connection rolls back by itself. */
void
tw_db_rollback(struct tw_db *db)
{
	if (db->conn != NULL && db->in_tx)
		(void)db_control(db, "ROLLBACK", 0);
	db->in_tx = 0;
}
