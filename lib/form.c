/*
 * form.c: the input table of a handler.
 *
 * A handler declares its fields once, with a kind and limits per field;
 * tw_form_read validates every one of them and the handler sees only the
 * validated values. What the person typed goes back to Form.Value.* so a
 * rejected form keeps it, and each failure puts a message in the page's
 * language in Form.Error.*.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tawasul.h"

/*
 * Records a failure of field with the message L.<key>; "{n}" in the
 * message becomes limit. The first failure of a field wins.
 */
void
tw_form_error(struct tw_form *form, const char *field, const char *key,
    size_t limit)
{
	char number[24], *message;

	if (hdf_get_valuef(form->hdf, "Form.Error.%s", field) != NULL)
		return;
	snprintf(number, sizeof number, "%zu", limit);
	message = tw_str_replace(tw_string(form->strings, key), "{n}", number);
	hdf_set_valuef(form->hdf, "Form.Error.%s=%s", field,
	    message ? message : key);
	hdf_set_value(form->hdf, "Form.HasErrors", "1");
	free(message);
	form->nerrors++;
}

/* A code is [a-z0-9_-]; a token is base64url, with '.' between parts. */
#define CODE_CHARS  "abcdefghijklmnopqrstuvwxyz0123456789_-"
#define TOKEN_CHARS CODE_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZ."

/* Returns 1 when every byte of value is in the allowed set. */
static int
only_chars(const char *value, const char *allowed)
{
	return value[strspn(value, allowed)] == '\0';
}

/* Validates one text field; returns the cleaned value or NULL. */
static char *
check_text(struct tw_form *form, const struct tw_field *f, const char *raw)
{
	char *clean = tw_text_clean(raw, f->kind == TW_FIELD_TEXT);
	size_t chars;

	if (clean == NULL)
		return NULL;
	chars = tw_utf8_chars(clean);
	if (chars == 0 && f->required)
		tw_form_error(form, f->name, "Err.Required", 0);
	else if (chars > 0 && chars < f->min)
		tw_form_error(form, f->name, "Err.TooShort", f->min);
	else if (chars > f->max)
		tw_form_error(form, f->name, "Err.TooLong", f->max);
	else if (chars > 0)
		return clean;
	free(clean);
	return NULL;
}

/* Validates a field of a structured kind; returns its value or NULL. */
static char *
check_value(struct tw_form *form, const struct tw_field *f, const char *raw)
{
	char out[16], number[TW_CASENUM_LEN + 1], *value = NULL;
	double ignored;
	enum tw_err err;

	switch (f->kind) {
	case TW_FIELD_CODE:
	case TW_FIELD_TOKEN:
		if (strlen(raw) <= f->max &&
		    only_chars(raw,
		        f->kind == TW_FIELD_CODE ? CODE_CHARS : TOKEN_CHARS))
			return strdup(raw);
		tw_form_error(form, f->name, "Err.Invalid", 0);
		return NULL;
	case TW_FIELD_MOBILE:
		if (tw_mobile_normalise(raw, out) == TW_OK)
			return strdup(out);
		tw_form_error(form, f->name, "Err.Mobile", 0);
		return NULL;
	case TW_FIELD_EMAIL:
		if ((value = strdup(raw)) == NULL)
			return NULL;
		for (char *p = value; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		if (tw_email_check(value) == TW_OK)
			return value;
		free(value);
		tw_form_error(form, f->name, "Err.Email", 0);
		return NULL;
	case TW_FIELD_DECIMAL:
		if ((value = tw_digits_ascii(raw)) == NULL)
			return NULL;
		if (tw_decimal_parse(value, &ignored) == TW_OK)
			return value;
		free(value);
		tw_form_error(form, f->name, "Err.Number", 0);
		return NULL;
	case TW_FIELD_CASENUM:
		if ((err = tw_casenum_parse(raw, number)) == TW_OK)
			return strdup(number);
		tw_form_error(form, f->name,
		    err == TW_ERR_CHECKSUM ? "Err.CaseNumberMistyped"
		                           : "Err.CaseNumber",
		    0);
		return NULL;
	default:
		return check_text(form, f, raw);
	}
}

/* Reads, keeps and validates one field. */
static void
read_field(struct tw_form *form, size_t i)
{
	const struct tw_field *f = &form->fields[i];
	const char *raw = hdf_get_valuef(form->hdf, "Query.%s", f->name);
	char *trimmed;

	if ((raw == NULL || *raw == '\0') &&
	    hdf_get_valuef(form->hdf, "Request.Nul.%s", f->name) == NULL) {
		if (f->required)
			tw_form_error(form, f->name, "Err.Required", 0);
		return;
	}
	if (raw == NULL ||
	    hdf_get_valuef(form->hdf, "Request.Nul.%s", f->name) != NULL ||
	    !tw_utf8_valid(raw, strlen(raw))) {
		tw_form_error(form, f->name, "Err.Encoding", 0);
		return;
	}
	if (f->kind == TW_FIELD_SECRET) {
		if (tw_utf8_chars(raw) <= f->max)
			form->values[i] = strdup(raw);
		else
			tw_form_error(form, f->name, "Err.TooLong", f->max);
		return;
	}
	if (f->kind != TW_FIELD_TOKEN)
		hdf_set_valuef(form->hdf, "Form.Value.%s=%s", f->name, raw);
	if (f->kind == TW_FIELD_LINE || f->kind == TW_FIELD_TEXT) {
		form->values[i] = check_text(form, f, raw);
		return;
	}
	if ((trimmed = tw_text_clean(raw, 0)) == NULL)
		return;
	if (*trimmed == '\0') {
		if (f->required)
			tw_form_error(form, f->name, "Err.Required", 0);
	} else
		form->values[i] = check_value(form, f, trimmed);
	free(trimmed);
}

/*
 * Validates the request's Query.* against a table of fields. Returns
 * TW_OK when every field passed, TW_ERR_INPUT with form->nerrors set
 * otherwise. The caller frees the values with tw_form_free either way.
 */
enum tw_err
tw_form_read(struct tw_form *form, const struct tw_field *fields,
    size_t nfields, HDF *hdf)
{
	HDF *strings = form->strings;

	memset(form, 0, sizeof *form);
	form->strings = strings;
	form->fields = fields;
	form->nfields = nfields < TW_FORM_MAX ? nfields : TW_FORM_MAX;
	form->hdf = hdf;
	for (size_t i = 0; i < form->nfields; i++)
		read_field(form, i);
	return form->nerrors == 0 ? TW_OK : TW_ERR_INPUT;
}

/* Returns the validated value of a field, or NULL when it is empty. */
const char *
tw_form_value(const struct tw_form *form, const char *name)
{
	for (size_t i = 0; i < form->nfields; i++)
		if (strcmp(form->fields[i].name, name) == 0)
			return form->values[i];
	return NULL;
}

/* Frees the validated values. */
void
tw_form_free(struct tw_form *form)
{
	for (size_t i = 0; i < form->nfields; i++) {
		free(form->values[i]);
		form->values[i] = NULL;
	}
}

/*
 * Records Err.Choice on field unless its value is the Code of one of the
 * children of list in the form's HDF, such as Ref.Categories. An empty
 * field is left to the input table's required flag.
 */
void
tw_form_choice(struct tw_form *form, const char *field, const char *list)
{
	const char *value = tw_form_value(form, field);
	HDF *item = hdf_get_child(form->hdf, list);

	if (value == NULL)
		return;
	for (; item != NULL; item = hdf_obj_next(item))
		if (strcmp(hdf_get_value(item, "Code", ""), value) == 0)
			return;
	tw_form_error(form, field, "Err.Choice", 0);
}

/*
 * Checks the optional lat and lon fields against the service area and
 * records any failure on the lat field. Returns 1 with the values in
 * lat_out and lon_out when both were given and are valid, 0 otherwise.
 */
int
tw_form_coords(struct tw_form *form, const struct tw_area *area,
    double *lat_out, double *lon_out)
{
	static const char *const keys[] = {
		[TW_COORDS_HALF] = "Err.CoordsHalf",
		[TW_COORDS_INVALID] = "Err.CoordsInvalid",
		[TW_COORDS_SWAPPED] = "Err.CoordsSwapped",
		[TW_COORDS_OUTSIDE] = "Err.CoordsOutside",
	};
	enum tw_coords result;

	result = tw_coords_check(tw_form_value(form, "lat"),
	    tw_form_value(form, "lon"), area, lat_out, lon_out);
	if (result == TW_COORDS_OK)
		return 1;
	if (result != TW_COORDS_NONE)
		tw_form_error(form, "lat", keys[result], 0);
	return 0;
}
