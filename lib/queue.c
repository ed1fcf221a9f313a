/*
 * queue.c: the intranet's case queue: filters, search and counts.
 *
 * One statement per sort order takes every filter as a pair of
 * parameters, "? IS NULL OR column = ?", so an unused filter costs
 * nothing and MariaDB plans each execution with the values it has.
 * Pages continue from a cursor (the last row's sort key and id) instead
 * of an offset, so page 1000 is as fast as page 1. Words are searched
 * with the FULLTEXT index on location and description.
 *
 * Every filter compares a column of cases, and a code becomes an id
 * through a subquery on its unique key. So MariaDB can use the indexes
 * of cases, and the counts need no join.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tawasul.h"

/* clang-format off */
#define QUEUE_OPEN \
	"('new', 'registered', 'assigned', 'in_progress', 'reopened'," \
	" 'referred')"

/*
 * STRAIGHT_JOIN keeps cases first, because the other tables only add
 * names by primary key. Without it MariaDB 10.11 may start from
 * categories and sort every case to show one page, which took about
 * 1 s at 200,000 cases in bench/queue on a 2-core VM.
 */
#define QUEUE_SELECT \
	"SELECT STRAIGHT_JOIN c.number, c.status, c.priority, c.type," \
	" c.channel, c.created_at, c.due_at, k.name_ar, k.name_en, d.name_ar," \
	" d.name_en, w.name_ar, w.name_en, LEFT(c.description, 140), c.id," \
	" c.due_at < UTC_TIMESTAMP() AND c.status IN " QUEUE_OPEN "," \
	" a.display_name," \
	" CASE WHEN c.status = 'resolved' THEN (SELECT TIMESTAMPDIFF(DAY," \
	"   MAX(s.created_at), UTC_TIMESTAMP()) FROM surveys s" \
	"   WHERE s.case_id = c.id) END"

#define QUEUE_FROM \
	" FROM cases c JOIN categories k ON k.id = c.category_id" \
	" JOIN directorates d ON d.id = c.directorate_id" \
	" LEFT JOIN wilayats w ON w.id = c.wilayat_id" \
	" LEFT JOIN staff a ON a.id = c.assigned_staff_id"

/* Eleven filters, two parameters each. The last one keeps resolved
 * cases whose survey went unanswered until bin/tawasul-remind set a
 * task to call the resident. */
#define QUEUE_WHERE \
	" WHERE (? IS NULL OR c.status = ?)" \
	" AND (? IS NULL OR c.directorate_id =" \
	"   (SELECT id FROM directorates WHERE code = ?))" \
	" AND (? IS NULL OR c.category_id =" \
	"   (SELECT id FROM categories WHERE code = ?))" \
	" AND (? IS NULL OR c.wilayat_id =" \
	"   (SELECT id FROM wilayats WHERE code = ?))" \
	" AND (? IS NULL OR c.channel = ?)" \
	" AND (? IS NULL OR c.priority = ?)" \
	" AND (? IS NULL OR (? = 1 AND c.due_at < UTC_TIMESTAMP()" \
	"   AND c.status IN " QUEUE_OPEN "))" \
	" AND (? IS NULL OR c.assigned_staff_id = ?)" \
	" AND (? IS NULL OR c.customer_id = ?)" \
	" AND (? IS NULL OR c.number = ?)" \
	" AND (? IS NULL OR (? = 1 AND c.status = 'resolved' AND EXISTS" \
	"   (SELECT 1 FROM surveys s WHERE s.case_id = c.id" \
	"   AND s.call_task_at IS NOT NULL AND s.answered_at IS NULL" \
	"   AND s.closed_by_phone_at IS NULL)))"

#define QUEUE_TEXT " AND MATCH (c.location, c.description) AGAINST (? IN BOOLEAN MODE)"

/* The cursor: four parameters, then the page size. */
#define AFTER(col, cmp) \
	" AND (? IS NULL OR c." col " " cmp " ? OR (c." col " = ? AND c.id " \
	cmp " ?))"

#define NEWEST AFTER("created_at", "<") \
	" ORDER BY c.created_at DESC, c.id DESC LIMIT ?"
#define OLDEST AFTER("created_at", ">") \
	" ORDER BY c.created_at, c.id LIMIT ?"
#define DUE AFTER("due_at", ">") " ORDER BY c.due_at, c.id LIMIT ?"

enum queue_stmt {
	SQL_LIST_NEWEST,
	SQL_LIST_OLDEST,
	SQL_LIST_DUE,
	SQL_SEARCH_NEWEST,
	SQL_SEARCH_OLDEST,
	SQL_SEARCH_DUE,
	SQL_COUNTS,
	SQL_COUNTS_SEARCH,
	SQL_CUSTOMER_ID,
	SQL_MAX
};

static struct tw_stmt stmts[SQL_MAX] = {
	[SQL_LIST_NEWEST] = {QUEUE_SELECT QUEUE_FROM QUEUE_WHERE NEWEST},
	[SQL_LIST_OLDEST] = {QUEUE_SELECT QUEUE_FROM QUEUE_WHERE OLDEST},
	[SQL_LIST_DUE] = {QUEUE_SELECT QUEUE_FROM QUEUE_WHERE DUE},
	[SQL_SEARCH_NEWEST] = {
	    QUEUE_SELECT QUEUE_FROM QUEUE_WHERE QUEUE_TEXT NEWEST},
	[SQL_SEARCH_OLDEST] = {
	    QUEUE_SELECT QUEUE_FROM QUEUE_WHERE QUEUE_TEXT OLDEST},
	[SQL_SEARCH_DUE] = {QUEUE_SELECT QUEUE_FROM QUEUE_WHERE QUEUE_TEXT DUE},
	[SQL_COUNTS] = {
	    "SELECT c.status, COUNT(*) FROM cases c" QUEUE_WHERE
	    " GROUP BY c.status"},
	[SQL_COUNTS_SEARCH] = {
	    "SELECT c.status, COUNT(*) FROM cases c" QUEUE_WHERE QUEUE_TEXT
	    " GROUP BY c.status"},
	[SQL_CUSTOMER_ID] = {"SELECT id FROM customers WHERE mobile = ?"},
};
/* clang-format on */

/*
 * Turns words a person typed into a boolean-mode FULLTEXT query that
 * requires every word as a prefix: "حفرة طريق" becomes "+حفرة* +طريق*".
 * Operators are dropped, and words shorter than three characters, which
 * InnoDB does not index, are skipped. Returns NULL when no word is left
 * or out of memory; the caller frees the result.
 */
char *
tw_search_expression(const char *text)
{
	size_t len = strlen(text);
	char *out = malloc(3 * len + 4), *o = out, *word = NULL;
	int words = 0;

	if (out == NULL)
		return NULL;
	for (const char *s = text;; s++) {
		int sep = *s == '\0' || strchr(" \t\r\n+-<>()~*\"@,.;:!?'", *s);

		if (!sep && word == NULL) {
			word = o;
			*o++ = '+';
		}
		if (!sep) {
			*o++ = *s;
		} else if (word != NULL) {
			*o = '\0';
			if (tw_utf8_chars(word + 1) >= 3) {
				*o++ = '*';
				*o++ = ' ';
				words++;
			} else
				o = word;
			word = NULL;
		}
		if (*s == '\0')
			break;
	}
	*o = '\0';
	if (words == 0) {
		free(out);
		return NULL;
	}
	o[-1] = '\0';
	return out;
}

/* Sets the twenty-two filter parameters of QUEUE_WHERE. */
static void
bind_filters(const struct tw_queue_filter *f, struct tw_param *p)
{
	const char *text[] = { f->status, f->directorate, f->category,
		f->wilayat, f->channel, f->priority };
	size_t i;

	for (i = 0; i < 6; i++)
		p[2 * i] = p[2 * i + 1] = TW_P_STR(text[i]);
	p[12] = p[13] = f->overdue ? TW_P_INT(1) : TW_P_NULL;
	p[14] = p[15] = f->assigned_to > 0 ? TW_P_INT(f->assigned_to)
	                                   : TW_P_NULL;
	p[16] = p[17] = f->customer_id > 0 ? TW_P_INT(f->customer_id)
	                                   : TW_P_NULL;
	p[18] = p[19] = TW_P_STR(f->number);
	p[20] = p[21] = f->calls ? TW_P_INT(1) : TW_P_NULL;
}

/*
 * Splits a cursor "YYYY-MM-DD HH:MM:SS|ID" into its parts. Returns 0, or
 * -1 for anything else (the cursor comes from a URL).
 */
static int
split_cursor(const char *cursor, char when[20], long long *id)
{
	struct tm tm;
	const char *bar, *end;

	if (cursor == NULL || (bar = strchr(cursor, '|')) == NULL ||
	    bar - cursor != 19)
		return -1;
	memcpy(when, cursor, 19);
	when[19] = '\0';
	memset(&tm, 0, sizeof tm);
	end = strptime(when, "%Y-%m-%d %H:%M:%S", &tm);
	if (end == NULL || *end != '\0' || bar[1] == '\0' ||
	    strspn(bar + 1, "0123456789") != strlen(bar + 1) ||
	    strlen(bar + 1) > 12)
		return -1;
	*id = atoll(bar + 1);
	return 0;
}

/* Copies the page's rows into Queue.Rows.N.* with displayed times. */
static void
fill_rows(const struct tw_rows *rows, size_t shown, enum tw_lang lang,
    const char *tz, HDF *out)
{
	const char *names[] = { "Number", "Status", "Priority", "Type",
		"Channel", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
		"Summary", NULL, "Overdue", "Assignee", "ResolvedDays" };
	char when[32];

	names[7 + (lang == TW_LANG_EN)] = "Category";
	names[9 + (lang == TW_LANG_EN)] = "Directorate";
	names[11 + (lang == TW_LANG_EN)] = "Wilayat";
	for (size_t r = 0; r < shown; r++) {
		for (size_t c = 0; c < rows->ncols; c++)
			if (names[c] != NULL && tw_rows_get(rows, r, c))
				hdf_set_valuef(out, "Queue.Rows.%zu.%s=%s", r,
				    names[c], tw_rows_get(rows, r, c));
		tw_time_display(tw_rows_get(rows, r, 5), tz, when, sizeof when);
		hdf_set_valuef(out, "Queue.Rows.%zu.Created=%s", r, when);
		tw_time_display(tw_rows_get(rows, r, 6), tz, when, sizeof when);
		hdf_set_valuef(out, "Queue.Rows.%zu.Due=%s", r, when);
	}
}

/* Fills Queue.Counts.<status> for the filters without the status one. */
static enum tw_err
fill_counts(struct tw_db *db, const struct tw_queue_filter *f, const char *expr,
    HDF *out)
{
	struct tw_queue_filter all = *f;
	struct tw_param p[23];
	struct tw_rows *rows;
	enum tw_err err;
	long long total = 0;

	all.status = NULL;
	bind_filters(&all, p);
	p[22] = TW_P_STR(expr);
	if ((err = tw_db_query(db,
	         &stmts[expr ? SQL_COUNTS_SEARCH : SQL_COUNTS], p,
	         expr ? 23 : 22, &rows)) != TW_OK)
		return err;
	for (size_t r = 0; r < rows->nrows; r++) {
		hdf_set_valuef(out, "Queue.Counts.%s=%s",
		    tw_rows_get(rows, r, 0), tw_rows_get(rows, r, 1));
		total += atoll(tw_rows_get(rows, r, 1));
	}
	hdf_set_valuef(out, "Queue.Total=%lld", total);
	tw_rows_free(rows);
	return TW_OK;
}

/*
 * Fills Queue.* with one page of cases matching f: Queue.Rows, the
 * counts per status, and Queue.Next, the cursor of the next page, when
 * there is one. Returns TW_ERR_INPUT for a malformed cursor or a search
 * without a usable word, or a database error.
 */
enum tw_err
tw_queue_fill(struct tw_db *db, const struct tw_queue_filter *f,
    enum tw_lang lang, const char *tz, HDF *out)
{
	struct tw_param p[28];
	struct tw_rows *rows;
	char when[20], cursor[48];
	long long after_id = 0;
	size_t n = 22, shown;
	char *expr = NULL;
	enum tw_err err;
	int which;

	if (f->after != NULL && split_cursor(f->after, when, &after_id) != 0)
		return TW_ERR_INPUT;
	if (f->words != NULL && (expr = tw_search_expression(f->words)) == NULL)
		return TW_ERR_INPUT;
	bind_filters(f, p);
	if (expr != NULL)
		p[n++] = TW_P_STR(expr);
	p[n] = p[n + 1] = p[n + 2] = f->after ? TW_P_STR(when) : TW_P_NULL;
	p[n + 3] = TW_P_INT(after_id);
	p[n + 4] = TW_P_INT(f->page_size + 1);
	which = (expr ? SQL_SEARCH_NEWEST : SQL_LIST_NEWEST) + f->sort;
	err = tw_db_query(db, &stmts[which], p, n + 5, &rows);
	if (err == TW_OK) {
		shown = rows->nrows > (size_t)f->page_size
		    ? (size_t)f->page_size
		    : rows->nrows;
		fill_rows(rows, shown, lang, tz, out);
		hdf_set_valuef(out, "Queue.Shown=%zu", shown);
		if (rows->nrows > shown && shown > 0) {
			snprintf(cursor, sizeof cursor, "%s|%s",
			    tw_rows_get(rows, shown - 1,
			        f->sort == TW_SORT_DUE ? 6 : 5),
			    tw_rows_get(rows, shown - 1, 14));
			hdf_set_value(out, "Queue.Next", cursor);
		}
		tw_rows_free(rows);
		err = fill_counts(db, f, expr, out);
	}
	free(expr);
	return err;
}

/* Finds a customer's id by normalised mobile; 0 when there is none. */
enum tw_err
tw_customer_id(struct tw_db *db, const char *mobile, long long *id)
{
	struct tw_param p[] = { TW_P_STR(mobile) };
	struct tw_rows *rows;
	enum tw_err err;

	*id = 0;
	if ((err = tw_db_query(db, &stmts[SQL_CUSTOMER_ID], p, 1, &rows)) !=
	    TW_OK)
		return err;
	if (rows->nrows == 1)
		*id = atoll(tw_rows_get(rows, 0, 0));
	tw_rows_free(rows);
	return TW_OK;
}
