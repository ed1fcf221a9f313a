/*
 * refdata.c: the reference lists of the forms (wilayats, categories,
 * directorates), read from the database on each request so that an
 * administrator's change shows at once on every worker.
 */
#include "tawasul.h"

enum refdata_stmt { SQL_DIRECTORATES, SQL_WILAYATS, SQL_CATEGORIES, SQL_MAX };

/* clang-format off */
static struct tw_stmt stmts[SQL_MAX] = {
	[SQL_DIRECTORATES] = {
	    "SELECT code, name_ar, name_en, id FROM directorates"
	    " WHERE active = 1 ORDER BY sort, id"},
	[SQL_WILAYATS] = {
	    "SELECT code, name_ar, name_en FROM wilayats ORDER BY sort, id"},
	[SQL_CATEGORIES] = {
	    "SELECT c.code, c.name_ar, c.name_en, c.priority, d.code"
	    " FROM categories c JOIN directorates d ON d.id = c.directorate_id"
	    " WHERE c.active = 1 ORDER BY c.sort, c.id"},
};
/* clang-format on */

/* Copies a list query into HDF as prefix.N.Code and prefix.N.Name. */
static enum tw_err
fill_list(struct tw_db *db, enum refdata_stmt which, HDF *hdf,
    const char *prefix, enum tw_lang lang)
{
	const char *names[] = { "Code", NULL, NULL, "Priority", "Directorate" };
	struct tw_rows *rows;
	enum tw_err err;

	/* Columns: code, name_ar, name_en, then the list's extras. */
	if (which == SQL_DIRECTORATES)
		names[3] = "Id";
	names[lang == TW_LANG_AR ? 1 : 2] = "Name";
	if ((err = tw_db_query(db, &stmts[which], NULL, 0, &rows)) != TW_OK)
		return err;
	err = tw_rows_to_hdf(rows, hdf, prefix, names);
	tw_rows_free(rows);
	return err;
}

/*
 * Fills Ref.Wilayats, Ref.Categories and Ref.Directorates with codes and
 * names in the page's language. Returns TW_OK or the database error.
 */
enum tw_err
tw_refdata_fill(struct tw_db *db, HDF *hdf, enum tw_lang lang)
{
	enum tw_err err;

	err = fill_list(db, SQL_WILAYATS, hdf, "Ref.Wilayats", lang);
	if (err == TW_OK)
		err =
		    fill_list(db, SQL_CATEGORIES, hdf, "Ref.Categories", lang);
	if (err == TW_OK)
		err = fill_list(db, SQL_DIRECTORATES, hdf, "Ref.Directorates",
		    lang);
	return err;
}
