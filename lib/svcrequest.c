/*
 * svcrequest.c: requests for the services marked requestable.
 *
 * Each service defines its own fields in service_fields (text, number,
 * date or choice). A request becomes a case of type service_request,
 * written by tw_case_write with the field values and the attachments in
 * the same transaction: either the case, its values and its attachment
 * rows all exist, or none of them does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tawasul.h"

enum svcrequest_stmt {
	SQL_SERVICE,
	SQL_FIELDS,
	SQL_CHOICES,
	SQL_CASE_SERVICE,
	SQL_VALUE_INSERT,
	SQL_ATTACHMENT_INSERT,
	SQL_CASE_REQUEST,
	SQL_CASE_VALUES,
	SQL_CASE_ATTACHMENTS,
	SQL_ATTACHMENT,
	SQL_MAX
};

/* clang-format off */
static struct tw_stmt stmts[SQL_MAX] = {
	[SQL_SERVICE] = {
	    "SELECT s.id, s.name_ar, s.name_en, k.code FROM services s"
	    " JOIN categories k ON k.id = s.category_id AND k.active = 1"
	    " WHERE s.code = ? AND s.active = 1 AND s.requestable = 1"},
	[SQL_FIELDS] = {
	    "SELECT id, name, label_ar, label_en, hint_ar, hint_en, kind,"
	    " required, min_value, max_value, max_length FROM service_fields"
	    " WHERE service_id = ? ORDER BY position, id"},
	[SQL_CHOICES] = {
	    "SELECT c.field_id, c.code, c.label_ar, c.label_en"
	    " FROM service_field_choices c"
	    " JOIN service_fields f ON f.id = c.field_id"
	    " WHERE f.service_id = ? ORDER BY c.field_id, c.position, c.id"},
	[SQL_CASE_SERVICE] = {
	    "UPDATE cases SET service_id = ? WHERE id = ?"},
	[SQL_VALUE_INSERT] = {
	    "INSERT INTO case_field_values (case_id, field_id, value)"
	    " VALUES (?, ?, ?)"},
	[SQL_ATTACHMENT_INSERT] = {
	    "INSERT INTO case_attachments (case_id, stored_name, file_name,"
	    " content_type, size, sha256, width, height, has_thumb,"
	    " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, UTC_TIMESTAMP())"},
	[SQL_CASE_REQUEST] = {
	    "SELECT c.id, s.code, s.name_ar, s.name_en FROM cases c"
	    " JOIN services s ON s.id = c.service_id WHERE c.number = ?"},
	[SQL_CASE_VALUES] = {
	    "SELECT f.name, f.label_ar, f.label_en, f.kind, v.value,"
	    " ch.label_ar, ch.label_en FROM case_field_values v"
	    " JOIN service_fields f ON f.id = v.field_id"
	    " LEFT JOIN service_field_choices ch ON ch.field_id = f.id"
	    " AND ch.code = v.value"
	    " WHERE v.case_id = ? ORDER BY f.position, f.id"},
	[SQL_CASE_ATTACHMENTS] = {
	    "SELECT id, file_name, content_type, size, width, height,"
	    " has_thumb FROM case_attachments WHERE case_id = ? ORDER BY id"},
	[SQL_ATTACHMENT] = {
	    "SELECT a.stored_name, a.file_name, a.content_type, a.has_thumb,"
	    " c.directorate_id, c.number FROM case_attachments a"
	    " JOIN cases c ON c.id = a.case_id WHERE a.id = ?"},
};
/* clang-format on */

static const char *const kind_names[] = {
	[TW_SVCFIELD_TEXT] = "text",
	[TW_SVCFIELD_NUMBER] = "number",
	[TW_SVCFIELD_DATE] = "date",
	[TW_SVCFIELD_CHOICE] = "choice",
};

/* Parses a whole number of at most nine digits, with an optional '-'. */
static int
parse_whole(const char *s, long *out)
{
	const char *digits = *s == '-' ? s + 1 : s;
	size_t n = strspn(digits, "0123456789");

	if (n == 0 || n > 9 || digits[n] != '\0')
		return -1;
	*out = strtol(s, NULL, 10);
	return 0;
}

/* Checks a number against the field's range. */
static enum tw_svcfield_problem
check_number(const struct tw_svcfield *f, const char *ascii, char **value)
{
	long n;

	if (parse_whole(ascii, &n) != 0)
		return TW_SVCFIELD_BAD_NUMBER;
	if ((f->has_min && n < f->min) || (f->has_max && n > f->max))
		return TW_SVCFIELD_NUMBER_RANGE;
	if (asprintf(value, "%ld", n) < 0)
		return TW_SVCFIELD_NOMEM;
	return TW_SVCFIELD_OK;
}

/* Checks a date YYYY-MM-DD against the field's range in days from
 * today. */
static enum tw_svcfield_problem
check_date(const struct tw_svcfield *f, const char *ascii, long today,
    char **value)
{
	long days;

	if (tw_fig_parse_date(ascii, &days) != TW_OK)
		return TW_SVCFIELD_BAD_DATE;
	if ((f->has_min && days < today + f->min) ||
	    (f->has_max && days > today + f->max))
		return TW_SVCFIELD_DATE_RANGE;
	return (*value = strdup(ascii)) ? TW_SVCFIELD_OK : TW_SVCFIELD_NOMEM;
}

/* Checks that a choice is one of the field's codes. */
static enum tw_svcfield_problem
check_choice(const struct tw_svcfield *f, const char *value, char **out)
{
	for (size_t i = 0; i < f->nchoices; i++)
		if (strcmp(f->choices[i].code, value) == 0)
			return (*out = strdup(value)) ? TW_SVCFIELD_OK
			                              : TW_SVCFIELD_NOMEM;
	return TW_SVCFIELD_BAD_CHOICE;
}

/*
 * Validates what was typed in one field of a service's form. today is
 * the local date in days since 1970, for date ranges. On TW_SVCFIELD_OK
 * *value is the value to store (the caller frees it), or NULL for an
 * empty optional field; digits in any script become ASCII.
 */
enum tw_svcfield_problem
tw_svcfield_check(const struct tw_svcfield *f, const char *raw, long today,
    char **value)
{
	enum tw_svcfield_problem problem = TW_SVCFIELD_NOMEM;
	char *clean, *ascii = NULL;

	*value = NULL;
	if (raw != NULL && !tw_utf8_valid(raw, strlen(raw)))
		return TW_SVCFIELD_ENCODING;
	if ((clean = tw_text_clean(raw ? raw : "", 0)) == NULL)
		return TW_SVCFIELD_NOMEM;
	if (*clean == '\0') {
		free(clean);
		return f->required ? TW_SVCFIELD_REQUIRED : TW_SVCFIELD_OK;
	}
	if (f->kind == TW_SVCFIELD_TEXT) {
		if (tw_utf8_chars(clean) > (size_t)f->max_length) {
			free(clean);
			return TW_SVCFIELD_TOO_LONG;
		}
		*value = clean;
		return TW_SVCFIELD_OK;
	}
	if (f->kind == TW_SVCFIELD_CHOICE)
		problem = check_choice(f, clean, value);
	else if ((ascii = tw_digits_ascii(clean)) != NULL)
		problem = f->kind == TW_SVCFIELD_NUMBER
		    ? check_number(f, ascii, value)
		    : check_date(f, ascii, today, value);
	free(ascii);
	free(clean);
	return problem;
}

/* Frees a service's form; accepts NULL. */
void
tw_svcform_free(struct tw_svcform *form)
{
	if (form == NULL)
		return;
	for (size_t i = 0; i < form->nfields; i++) {
		for (size_t j = 0; j < form->fields[i].nchoices; j++)
			free(form->fields[i].choices[j].code);
		free(form->fields[i].choices);
	}
	free(form->fields);
	free(form);
}

/* Parses a field kind as stored in service_fields.kind. */
static enum tw_svcfield_kind
kind_parse(const char *s)
{
	for (size_t i = 0; i < sizeof kind_names / sizeof kind_names[0]; i++)
		if (strcmp(s, kind_names[i]) == 0)
			return (enum tw_svcfield_kind)i;
	return TW_SVCFIELD_TEXT;
}

/* Writes the allowed range of a number or date field to HDF: numbers
 * as they are, dates as YYYY-MM-DD counted from today. */
static void
fill_range(const struct tw_svcfield *f, long today, HDF *out, size_t i)
{
	char date[11];

	if (f->kind != TW_SVCFIELD_NUMBER && f->kind != TW_SVCFIELD_DATE)
		return;
	if (f->has_min && f->kind == TW_SVCFIELD_NUMBER)
		hdf_set_valuef(out, "Service.Fields.%zu.Min=%ld", i, f->min);
	if (f->has_max && f->kind == TW_SVCFIELD_NUMBER)
		hdf_set_valuef(out, "Service.Fields.%zu.Max=%ld", i, f->max);
	if (f->has_min && f->kind == TW_SVCFIELD_DATE) {
		tw_fig_format_date(today + f->min, date);
		hdf_set_valuef(out, "Service.Fields.%zu.Min=%s", i, date);
	}
	if (f->has_max && f->kind == TW_SVCFIELD_DATE) {
		tw_fig_format_date(today + f->max, date);
		hdf_set_valuef(out, "Service.Fields.%zu.Max=%s", i, date);
	}
}

/* Reads one row of SQL_FIELDS into field i and Service.Fields.i.* */
static void
read_field(const struct tw_rows *rows, size_t r, enum tw_lang lang, long today,
    struct tw_svcfield *f, HDF *out)
{
	const char *hint = tw_rows_get(rows, r, lang == TW_LANG_AR ? 4 : 5);

	f->id = atoll(tw_rows_get(rows, r, 0));
	snprintf(f->name, sizeof f->name, "%s", tw_rows_get(rows, r, 1));
	f->kind = kind_parse(tw_rows_get(rows, r, 6));
	f->required = atoi(tw_rows_get(rows, r, 7));
	f->has_min = tw_rows_get(rows, r, 8) != NULL;
	f->min = f->has_min ? atol(tw_rows_get(rows, r, 8)) : 0;
	f->has_max = tw_rows_get(rows, r, 9) != NULL;
	f->max = f->has_max ? atol(tw_rows_get(rows, r, 9)) : 0;
	f->max_length = atol(tw_rows_get(rows, r, 10));
	hdf_set_valuef(out, "Service.Fields.%zu.Name=f_%s", r, f->name);
	hdf_set_valuef(out, "Service.Fields.%zu.Label=%s", r,
	    tw_rows_get(rows, r, lang == TW_LANG_AR ? 2 : 3));
	if (hint != NULL)
		hdf_set_valuef(out, "Service.Fields.%zu.Hint=%s", r, hint);
	hdf_set_valuef(out, "Service.Fields.%zu.Kind=%s", r,
	    kind_names[f->kind]);
	hdf_set_valuef(out, "Service.Fields.%zu.Required=%d", r, f->required);
	hdf_set_valuef(out, "Service.Fields.%zu.MaxLength=%ld", r,
	    f->max_length);
	fill_range(f, today, out, r);
}

/* Returns the field with this id, or NULL. */
static struct tw_svcfield *
field_by_id(struct tw_svcform *form, long long id, size_t *index)
{
	for (size_t i = 0; i < form->nfields; i++)
		if (form->fields[i].id == id) {
			*index = i;
			return &form->fields[i];
		}
	return NULL;
}

/* Adds one choice to its field and to Service.Fields.N.Choices. */
static enum tw_err
add_choice(struct tw_svcform *form, const struct tw_rows *rows, size_t r,
    enum tw_lang lang, HDF *out)
{
	size_t index;
	struct tw_svcfield *f =
	    field_by_id(form, atoll(tw_rows_get(rows, r, 0)), &index);
	struct tw_svcchoice *grown;

	if (f == NULL)
		return TW_OK;
	grown = realloc(f->choices, (f->nchoices + 1) * sizeof *grown);
	if (grown == NULL)
		return TW_ERR_NOMEM;
	f->choices = grown;
	if ((grown[f->nchoices].code = strdup(tw_rows_get(rows, r, 1))) == NULL)
		return TW_ERR_NOMEM;
	hdf_set_valuef(out, "Service.Fields.%zu.Choices.%zu.Code=%s", index,
	    f->nchoices, tw_rows_get(rows, r, 1));
	hdf_set_valuef(out, "Service.Fields.%zu.Choices.%zu.Name=%s", index,
	    f->nchoices, tw_rows_get(rows, r, lang == TW_LANG_AR ? 2 : 3));
	f->nchoices++;
	return TW_OK;
}

/* Loads the fields and choices of form->service_id. */
static enum tw_err
load_fields(struct tw_db *db, struct tw_svcform *form, enum tw_lang lang,
    long today, HDF *out)
{
	struct tw_param p[] = { TW_P_INT(form->service_id) };
	struct tw_rows *rows;
	enum tw_err err;

	if ((err = tw_db_query(db, &stmts[SQL_FIELDS], p, 1, &rows)) != TW_OK)
		return err;
	form->fields =
	    calloc(rows->nrows ? rows->nrows : 1, sizeof *form->fields);
	if (form->fields == NULL) {
		tw_rows_free(rows);
		return TW_ERR_NOMEM;
	}
	form->nfields = rows->nrows;
	for (size_t r = 0; r < rows->nrows; r++)
		read_field(rows, r, lang, today, &form->fields[r], out);
	tw_rows_free(rows);
	if ((err = tw_db_query(db, &stmts[SQL_CHOICES], p, 1, &rows)) != TW_OK)
		return err;
	for (size_t r = 0; err == TW_OK && r < rows->nrows; r++)
		err = add_choice(form, rows, r, lang, out);
	tw_rows_free(rows);
	return err;
}

/*
 * Loads the request form of the service code: Service.Code, .Name and
 * .Fields.N.* in out, and the fields to validate in *form (freed with
 * tw_svcform_free). Returns TW_ERR_NOTFOUND when no active requestable
 * service with a category has this code, or TW_ERR_DB.
 */
enum tw_err
tw_svcform_load(struct tw_db *db, const char *code, enum tw_lang lang,
    long today, HDF *out, struct tw_svcform **formp)
{
	struct tw_param p[] = { TW_P_STR(code) };
	struct tw_svcform *form;
	struct tw_rows *rows;
	enum tw_err err;

	*formp = NULL;
	if ((err = tw_db_query(db, &stmts[SQL_SERVICE], p, 1, &rows)) != TW_OK)
		return err;
	if (rows->nrows != 1) {
		tw_rows_free(rows);
		return TW_ERR_NOTFOUND;
	}
	if ((form = calloc(1, sizeof *form)) == NULL) {
		tw_rows_free(rows);
		return TW_ERR_NOMEM;
	}
	form->service_id = atoll(tw_rows_get(rows, 0, 0));
	snprintf(form->code, sizeof form->code, "%s", code);
	snprintf(form->category, sizeof form->category, "%s",
	    tw_rows_get(rows, 0, 3));
	hdf_set_value(out, "Service.Code", code);
	hdf_set_value(out, "Service.Name",
	    tw_rows_get(rows, 0, lang == TW_LANG_AR ? 1 : 2));
	tw_rows_free(rows);
	if ((err = load_fields(db, form, lang, today, out)) != TW_OK) {
		tw_svcform_free(form);
		return err;
	}
	*formp = form;
	return TW_OK;
}

/* Inserts the field values and attachment rows of a new case. */
static enum tw_err
write_details(struct tw_db *db, const struct tw_svcrequest *r,
    unsigned long long case_id)
{
	enum tw_err err = TW_OK;
	struct tw_param s[] = { TW_P_INT(r->form->service_id),
		TW_P_INT((long long)case_id) };

	if ((err = tw_db_exec(db, &stmts[SQL_CASE_SERVICE], s, 2, NULL)) !=
	    TW_OK)
		return err;
	for (size_t i = 0; err == TW_OK && i < r->form->nfields; i++) {
		struct tw_param p[] = { TW_P_INT((long long)case_id),
			TW_P_INT(r->form->fields[i].id),
			TW_P_STR(r->values[i]) };

		if (r->values[i] != NULL)
			err = tw_db_exec(db, &stmts[SQL_VALUE_INSERT], p, 3,
			    NULL);
	}
	for (size_t i = 0; err == TW_OK && i < r->nfiles; i++) {
		const struct tw_attach *a = &r->files[i];
		int photo = a->type != TW_ATTACH_PDF;
		struct tw_param p[] = {
			TW_P_INT((long long)case_id),
			TW_P_STR(a->stored),
			TW_P_STR(a->file_name),
			TW_P_STR(tw_attach_mime(a->type)),
			TW_P_INT((long long)a->len),
			TW_P_STR(a->sha256),
			photo ? TW_P_INT(a->width) : TW_P_NULL,
			photo ? TW_P_INT(a->height) : TW_P_NULL,
			TW_P_INT(a->thumb != NULL),
		};

		err = tw_db_exec(db, &stmts[SQL_ATTACHMENT_INSERT], p, 9, NULL);
	}
	return err;
}

/*
 * Creates the case of a service request with its field values and the
 * rows of its attachments, which tw_attach_store has already written, in
 * one transaction. r->c->category and type are set here from the
 * service. Returns like tw_case_create: TW_OK with the new number,
 * TW_ERR_DUPLICATE or TW_ERR_CONFLICT with an earlier case's number when
 * the form token was used before, TW_ERR_INPUT for a wilayat or category
 * withdrawn meanwhile, or TW_ERR_DB. On any error nothing is written,
 * and the caller removes the stored files.
 */
enum tw_err
tw_svcrequest_create(struct tw_db *db, HDF *strings,
    const struct tw_svcrequest *r, char number[TW_CASENUM_LEN + 1])
{
	struct tw_case_new c = *r->c;
	unsigned long long case_id;
	enum tw_err err;

	c.type = "service_request";
	c.category = r->form->category;
	if ((err = tw_db_begin(db)) != TW_OK)
		return err;
	err = tw_case_write(db, strings, &c, number, &case_id);
	if (err == TW_OK)
		err = write_details(db, r, case_id);
	if (err == TW_OK)
		return tw_db_commit(db);
	tw_db_rollback(db);
	if (err == TW_ERR_DUPLICATE && c.form_token != NULL)
		return tw_case_by_form_token(db, &c, number);
	return err;
}

/* Fills Case.Fields.N.Label and .Value, a choice by its label. */
static enum tw_err
fill_values(struct tw_db *db, long long case_id, enum tw_lang lang, HDF *out)
{
	struct tw_param p[] = { TW_P_INT(case_id) };
	int en = lang == TW_LANG_EN;
	struct tw_rows *rows;
	enum tw_err err;

	if ((err = tw_db_query(db, &stmts[SQL_CASE_VALUES], p, 1, &rows)) !=
	    TW_OK)
		return err;
	for (size_t r = 0; r < rows->nrows; r++) {
		const char *choice = tw_rows_get(rows, r, 5 + en);

		hdf_set_valuef(out, "Case.Fields.%zu.Name=%s", r,
		    tw_rows_get(rows, r, 0));
		hdf_set_valuef(out, "Case.Fields.%zu.Label=%s", r,
		    tw_rows_get(rows, r, 1 + en));
		hdf_set_valuef(out, "Case.Fields.%zu.Kind=%s", r,
		    tw_rows_get(rows, r, 3));
		hdf_set_valuef(out, "Case.Fields.%zu.Value=%s", r,
		    choice ? choice : tw_rows_get(rows, r, 4));
	}
	tw_rows_free(rows);
	return TW_OK;
}

/*
 * Fills Case.Service.*, Case.Fields.N.* and Case.Attachments.N.* for
 * the case page of a service request; fills nothing for other cases.
 * The caller has checked that staff may see the case.
 */
enum tw_err
tw_svcrequest_case_fill(struct tw_db *db, const char *number, enum tw_lang lang,
    HDF *out)
{
	struct tw_param p[] = { TW_P_STR(number) };
	const char *names[] = { "Id", "Name", "Type", "Size", "Width", "Height",
		"Thumb" };
	struct tw_rows *rows;
	long long case_id;
	enum tw_err err;

	if ((err = tw_db_query(db, &stmts[SQL_CASE_REQUEST], p, 1, &rows)) !=
	    TW_OK)
		return err;
	if (rows->nrows != 1) {
		tw_rows_free(rows);
		return TW_OK;
	}
	case_id = atoll(tw_rows_get(rows, 0, 0));
	hdf_set_value(out, "Case.Service.Code", tw_rows_get(rows, 0, 1));
	hdf_set_value(out, "Case.Service.Name",
	    tw_rows_get(rows, 0, lang == TW_LANG_AR ? 2 : 3));
	tw_rows_free(rows);
	if ((err = fill_values(db, case_id, lang, out)) != TW_OK)
		return err;
	struct tw_param q[] = { TW_P_INT(case_id) };
	if ((err = tw_db_query(db, &stmts[SQL_CASE_ATTACHMENTS], q, 1,
	         &rows)) != TW_OK)
		return err;
	err = tw_rows_to_hdf(rows, out, "Case.Attachments", names);
	for (size_t r = 0; r < rows->nrows; r++)
		hdf_set_valuef(out, "Case.Attachments.%zu.KiB=%lld", r,
		    (atoll(tw_rows_get(rows, r, 3)) + 1023) / 1024);
	tw_rows_free(rows);
	return err;
}

/*
 * Finds attachment id for a download. Returns TW_OK with *out filled
 * (the caller frees it with tw_attachment_free), TW_ERR_NOTFOUND, or
 * TW_ERR_DB. The caller checks that staff may see out->directorate_id.
 */
enum tw_err
tw_attachment_find(struct tw_db *db, long long id, struct tw_attachment **out)
{
	struct tw_param p[] = { TW_P_INT(id) };
	struct tw_attachment *a;
	struct tw_rows *rows;
	enum tw_err err;

	*out = NULL;
	if ((err = tw_db_query(db, &stmts[SQL_ATTACHMENT], p, 1, &rows)) !=
	    TW_OK)
		return err;
	if (rows->nrows != 1) {
		tw_rows_free(rows);
		return TW_ERR_NOTFOUND;
	}
	if ((a = calloc(1, sizeof *a)) == NULL) {
		tw_rows_free(rows);
		return TW_ERR_NOMEM;
	}
	snprintf(a->stored, sizeof a->stored, "%s", tw_rows_get(rows, 0, 0));
	a->file_name = strdup(tw_rows_get(rows, 0, 1));
	snprintf(a->content_type, sizeof a->content_type, "%s",
	    tw_rows_get(rows, 0, 2));
	a->has_thumb = atoi(tw_rows_get(rows, 0, 3));
	a->directorate_id = atoll(tw_rows_get(rows, 0, 4));
	snprintf(a->number, sizeof a->number, "%s", tw_rows_get(rows, 0, 5));
	tw_rows_free(rows);
	if (a->file_name == NULL) {
		free(a);
		return TW_ERR_NOMEM;
	}
	*out = a;
	return TW_OK;
}

/* Frees what tw_attachment_find returned; accepts NULL. */
void
tw_attachment_free(struct tw_attachment *a)
{
	if (a == NULL)
		return;
	free(a->file_name);
	free(a);
}
