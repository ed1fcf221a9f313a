/*
 * check_form.c: unit tests of lib/form.c, the input table of a handler.
 *
 * Each test fills Query.* of a request HDF, reads it through a table with
 * one field of every kind and checks the validated values, what goes
 * back to Form.Value.* and the messages in Form.Error.*. Lengths are in
 * characters, so the Arabic cases use letters of two bytes each.
 */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "tawasul.h"

#define NCASES(a) (sizeof(a) / sizeof((a)[0]))

static const struct tw_field fields[] = {
	{ "name", TW_FIELD_LINE, 1, 2, 10 },
	{ "description", TW_FIELD_TEXT, 1, 10, 50 },
	{ "category", TW_FIELD_CODE, 1, 0, 16 },
	{ "mobile", TW_FIELD_MOBILE, 1, 0, 0 },
	{ "email", TW_FIELD_EMAIL, 0, 0, 254 },
	{ "lat", TW_FIELD_DECIMAL, 0, 0, 24 },
	{ "number", TW_FIELD_CASENUM, 0, 0, 0 },
	{ "token", TW_FIELD_TOKEN, 1, 0, 20 },
};

static const char *const required_fields[] = {
	"name",
	"description",
	"category",
	"mobile",
	"token",
};

static const char *const optional_fields[] = { "email", "lat", "number" };

/* Interface strings, as a locale file contains them. */
static const char *const messages[][2] = {
	{ "Err.Required", "This field is required." },
	{ "Err.TooShort", "Use at least {n} characters." },
	{ "Err.TooLong", "Use at most {n} characters." },
	{ "Err.Invalid", "This value is not valid." },
	{ "Err.Mobile", "Enter an Omani mobile number." },
	{ "Err.Email", "Enter an email address." },
	{ "Err.Number", "Enter a number." },
	{ "Err.CaseNumber", "A case number has eight digits." },
	{ "Err.CaseNumberMistyped", "A digit of the case number is wrong." },
	{ "Err.Encoding", "The text contains invalid characters." },
	{ "Err.Choice", "Choose one of the options." },
	{ "Err.CoordsHalf", "Give both or neither." },
	{ "Err.CoordsInvalid", "Not valid coordinates." },
	{ "Err.CoordsSwapped", "Swapped." },
	{ "Err.CoordsOutside", "Outside the area." },
};

static HDF *hdf;
static HDF *strings;
static struct tw_form form;

static void
setup(void)
{
	ck_assert_ptr_null(hdf_init(&hdf));
	ck_assert_ptr_null(hdf_init(&strings));
	for (size_t i = 0; i < NCASES(messages); i++)
		ck_assert_ptr_null(
		    hdf_set_value(strings, messages[i][0], messages[i][1]));
	memset(&form, 0, sizeof form);
}

static void
teardown(void)
{
	tw_form_free(&form);
	hdf_destroy(&hdf);
	hdf_destroy(&strings);
}

static void
set_query(const char *field, const char *value)
{
	ck_assert_ptr_null(hdf_set_valuef(hdf, "Query.%s=%s", field, value));
}

/* Fills Query.* with a valid value for every field. */
static void
set_valid_query(void)
{
	set_query("name", "  Ahmed  ");
	set_query("description", "Pothole on\r\nWay 1234, please fix");
	set_query("category", "roads_and-2");
	set_query("mobile", "٩١٢٣ ٤٥٦٧");
	set_query("email", "Resident@Example.OM");
	set_query("lat", "٢٣.٥٨٨");
	set_query("number", "#١٠١٢-٣٤٥١");
	set_query("token", "abc-_.XYZ09");
}

static enum tw_err
read_form(void)
{
	form.strings = strings;
	return tw_form_read(&form, fields, NCASES(fields), hdf);
}

static const char *
error_of(const char *field)
{
	return hdf_get_valuef(hdf, "Form.Error.%s", field);
}

static const char *
typed_value(const char *field)
{
	return hdf_get_valuef(hdf, "Form.Value.%s", field);
}

/* Reads a valid form with one field replaced by value. */
static enum tw_err
read_with(const char *field, const char *value)
{
	set_valid_query();
	set_query(field, value);
	return read_form();
}

START_TEST(test_form_accepts_valid)
{
	set_valid_query();
	ck_assert_int_eq(read_form(), TW_OK);
	ck_assert_int_eq(form.nerrors, 0);
	ck_assert_ptr_null(hdf_get_value(hdf, "Form.HasErrors", NULL));
	ck_assert_ptr_null(hdf_get_obj(hdf, "Form.Error"));
}
END_TEST

START_TEST(test_form_validated_values)
{
	set_valid_query();
	ck_assert_int_eq(read_form(), TW_OK);
	ck_assert_str_eq(tw_form_value(&form, "name"), "Ahmed");
	ck_assert_str_eq(tw_form_value(&form, "description"),
	    "Pothole on\nWay 1234, please fix");
	ck_assert_str_eq(tw_form_value(&form, "category"), "roads_and-2");
	ck_assert_str_eq(tw_form_value(&form, "mobile"), "+96891234567");
	ck_assert_str_eq(tw_form_value(&form, "email"), "resident@example.om");
	ck_assert_str_eq(tw_form_value(&form, "lat"), "23.588");
	ck_assert_str_eq(tw_form_value(&form, "number"), "10123451");
	ck_assert_str_eq(tw_form_value(&form, "token"), "abc-_.XYZ09");
}
END_TEST

START_TEST(test_form_keeps_typed_values)
{
	set_valid_query();
	ck_assert_int_eq(read_form(), TW_OK);
	ck_assert_str_eq(typed_value("name"), "  Ahmed  ");
	ck_assert_str_eq(typed_value("mobile"), "٩١٢٣ ٤٥٦٧");
	ck_assert_str_eq(typed_value("email"), "Resident@Example.OM");
	ck_assert_str_eq(typed_value("lat"), "٢٣.٥٨٨");
	ck_assert_str_eq(typed_value("number"), "#١٠١٢-٣٤٥١");
	/* A token is never sent back to the page. */
	ck_assert_ptr_null(typed_value("token"));
}
END_TEST

START_TEST(test_form_keeps_rejected_value)
{
	ck_assert_int_eq(read_with("mobile", "2412 3456"), TW_ERR_INPUT);
	ck_assert_str_eq(typed_value("mobile"), "2412 3456");
	ck_assert_ptr_null(tw_form_value(&form, "mobile"));
}
END_TEST

START_TEST(test_form_required_missing)
{
	ck_assert_int_eq(read_form(), TW_ERR_INPUT);
	ck_assert_int_eq(form.nerrors, NCASES(required_fields));
	ck_assert_str_eq(hdf_get_value(hdf, "Form.HasErrors", ""), "1");
	for (size_t i = 0; i < NCASES(required_fields); i++) {
		const char *message = error_of(required_fields[i]);

		ck_assert_msg(message != NULL, "no error for %s",
		    required_fields[i]);
		ck_assert_str_eq(message, "This field is required.");
	}
	for (size_t i = 0; i < NCASES(optional_fields); i++)
		ck_assert_msg(error_of(optional_fields[i]) == NULL,
		    "error for optional %s", optional_fields[i]);
}
END_TEST

static void
check_required(const char *field, const char *value)
{
	ck_assert_int_eq(read_with(field, value), TW_ERR_INPUT);
	ck_assert_int_eq(form.nerrors, 1);
	ck_assert_msg(error_of(field) != NULL, "no error for %s", field);
	ck_assert_str_eq(error_of(field), "This field is required.");
	ck_assert_ptr_null(tw_form_value(&form, field));
}

START_TEST(test_form_required_empty)
{
	check_required(required_fields[_i], "");
}
END_TEST

START_TEST(test_form_required_whitespace)
{
	check_required(required_fields[_i], "  \t \r\n ");
}
END_TEST

START_TEST(test_form_optional_empty)
{
	ck_assert_int_eq(read_with(optional_fields[_i], ""), TW_OK);
	ck_assert_ptr_null(tw_form_value(&form, optional_fields[_i]));
	ck_assert_ptr_null(error_of(optional_fields[_i]));
}
END_TEST

START_TEST(test_form_optional_whitespace)
{
	ck_assert_int_eq(read_with(optional_fields[_i], "   "), TW_OK);
	ck_assert_ptr_null(tw_form_value(&form, optional_fields[_i]));
	ck_assert_ptr_null(error_of(optional_fields[_i]));
}
END_TEST

/* Two-byte Arabic letters: byte and character counts differ. */
#define AR10 "ابتثجحخدذر"
#define AR50 AR10 AR10 AR10 AR10 AR10

struct length_case {
	const char *field;
	const char *value;
};

/* Inside the limits in characters, though not all in bytes. */
static const struct length_case lengths_good[] = {
	{ "name", "مح" }, /* the minimum, 2 characters */
	{ "name", AR10 }, /* the maximum, 20 bytes */
	{ "name", "😀😀😀😀😀😀😀😀😀😀" }, /* 10 emoji, 40 bytes */
	{ "description", "مرحبا بكم!" }, /* 10 characters */
	{ "description", AR50 }, /* 50 characters, 100 bytes */
};

START_TEST(test_form_length_in_characters)
{
	const struct length_case *c = &lengths_good[_i];

	ck_assert_int_eq(read_with(c->field, c->value), TW_OK);
	ck_assert_str_eq(tw_form_value(&form, c->field), c->value);
}
END_TEST

struct limit_case {
	const char *field;
	const char *value;
	const char *message;
};

static const struct limit_case lengths_bad[] = {
	{ "name", "م", "Use at least 2 characters." },
	{ "name", "  م  ", "Use at least 2 characters." },
	{ "name", "😀", "Use at least 2 characters." },
	{ "name", AR10 "ز", "Use at most 10 characters." },
	{ "name", "abcdefghijk", "Use at most 10 characters." },
	{ "description", "مرحبا بكم", "Use at least 10 characters." },
	{ "description", AR50 "ز", "Use at most 50 characters." },
};

START_TEST(test_form_rejects_length)
{
	const struct limit_case *c = &lengths_bad[_i];

	ck_assert_int_eq(read_with(c->field, c->value), TW_ERR_INPUT);
	ck_assert_msg(error_of(c->field) != NULL, "no error for \"%s\"",
	    c->value);
	ck_assert_str_eq(error_of(c->field), c->message);
	ck_assert_ptr_null(tw_form_value(&form, c->field));
}
END_TEST

static const struct length_case encodings_bad[] = {
	{ "name", "Ahmed\xff" },
	{ "name", "caf\xe9" }, /* Latin-1 */
	{ "description", "Text with a surrogate \xed\xa0\x80 inside" },
	{ "mobile",
	    "\xc0\xb9"
	    "1234567" }, /* overlong '9' */
	{ "category", "roads\x80" },
	{ "email", "user@example.om\xc3" },
	{ "token", "abc\xfe" },
};

START_TEST(test_form_rejects_invalid_utf8)
{
	const struct length_case *c = &encodings_bad[_i];

	ck_assert_int_eq(read_with(c->field, c->value), TW_ERR_INPUT);
	ck_assert_msg(error_of(c->field) != NULL, "no error for %s", c->field);
	ck_assert_str_eq(error_of(c->field),
	    "The text contains invalid characters.");
	ck_assert_ptr_null(tw_form_value(&form, c->field));
	/* Invalid bytes are not sent back to the page either. */
	ck_assert_ptr_null(typed_value(c->field));
}
END_TEST

static const struct length_case emoji_kept[] = {
	{ "name", "Ali 😀" },
	{ "name", "👨‍👩‍👧" }, /* a ZWJ sequence of 5 code points */
	{ "description", "Family 👨‍👩‍👧 at the park 🌳🌳" },
	{ "description", "حفرة في الطريق 🚧 قرب المسجد" },
};

START_TEST(test_form_keeps_emoji)
{
	const struct length_case *c = &emoji_kept[_i];

	ck_assert_int_eq(read_with(c->field, c->value), TW_OK);
	ck_assert_str_eq(tw_form_value(&form, c->field), c->value);
	ck_assert_str_eq(typed_value(c->field), c->value);
}
END_TEST

START_TEST(test_form_line_joins_lines)
{
	ck_assert_int_eq(read_with("name", "Ahmed\r\nAli"), TW_OK);
	ck_assert_str_eq(tw_form_value(&form, "name"), "Ahmed Ali");
}
END_TEST

static const struct limit_case values_bad[] = {
	{ "category", "roads/1", "This value is not valid." },
	{ "category", "طرق", "This value is not valid." },
	{ "category", "a b", "This value is not valid." },
	{ "category", "ROADS", "This value is not valid." }, /* [a-z0-9_-] */
	{ "category", "roads;drop", "This value is not valid." },
	{ "category", "abcdefghijklmnopq", "This value is not valid." },
	{ "token", "abc def", "This value is not valid." },
	{ "token", "<script>", "This value is not valid." },
	{ "token", "a+b/c=", "This value is not valid." },
	{ "token", "abcdefghijklmnopqrstu", "This value is not valid." },
	{ "mobile", "24123456", "Enter an Omani mobile number." },
	{ "mobile", "+44 7911 123456", "Enter an Omani mobile number." },
	{ "email", "user@localhost", "Enter an email address." },
	{ "email", "user@@example.om", "Enter an email address." },
	{ "lat", "12,5", "Enter a number." },
	{ "lat", "abc", "Enter a number." },
	{ "lat", "1e5", "Enter a number." },
	{ "number", "10123452", "A digit of the case number is wrong." },
	{ "number", "١٠١٢٣٤١٥", "A digit of the case number is wrong." },
	{ "number", "1012345", "A case number has eight digits." },
	{ "number", "case 10123451", "A case number has eight digits." },
};

START_TEST(test_form_rejects_value)
{
	const struct limit_case *c = &values_bad[_i];

	ck_assert_int_eq(read_with(c->field, c->value), TW_ERR_INPUT);
	ck_assert_int_eq(form.nerrors, 1);
	ck_assert_msg(error_of(c->field) != NULL, "no error for \"%s\"",
	    c->value);
	ck_assert_str_eq(error_of(c->field), c->message);
	ck_assert_ptr_null(tw_form_value(&form, c->field));
}
END_TEST

START_TEST(test_form_limits_inclusive)
{
	ck_assert_int_eq(read_with("category", "abcdefghijklmnop"), TW_OK);
	ck_assert_str_eq(tw_form_value(&form, "category"), "abcdefghijklmnop");
	tw_form_free(&form);
	ck_assert_int_eq(read_with("token", "abcdefghijklmnopqrst"), TW_OK);
	ck_assert_str_eq(tw_form_value(&form, "token"), "abcdefghijklmnopqrst");
}
END_TEST

START_TEST(test_form_error_first_wins)
{
	set_valid_query();
	ck_assert_int_eq(read_form(), TW_OK);
	tw_form_error(&form, "name", "Err.TooLong", 7);
	tw_form_error(&form, "name", "Err.Required", 0);
	ck_assert_str_eq(error_of("name"), "Use at most 7 characters.");
	ck_assert_int_eq(form.nerrors, 1);
	ck_assert_str_eq(hdf_get_value(hdf, "Form.HasErrors", ""), "1");
}
END_TEST

START_TEST(test_form_error_missing_key)
{
	set_valid_query();
	ck_assert_int_eq(read_form(), TW_OK);
	tw_form_error(&form, "name", "Err.NoSuchMessage", 3);
	ck_assert_str_eq(error_of("name"), "Err.NoSuchMessage");
}
END_TEST

START_TEST(test_form_value_unknown_field)
{
	set_valid_query();
	ck_assert_int_eq(read_form(), TW_OK);
	ck_assert_ptr_null(tw_form_value(&form, "nosuchfield"));
	ck_assert_ptr_null(tw_form_value(&form, ""));
	ck_assert_ptr_null(tw_form_value(&form, "Name"));
}
END_TEST

START_TEST(test_form_free_clears_values)
{
	set_valid_query();
	ck_assert_int_eq(read_form(), TW_OK);
	tw_form_free(&form);
	for (size_t i = 0; i < NCASES(fields); i++)
		ck_assert_ptr_null(tw_form_value(&form, fields[i].name));
	tw_form_free(&form);
}
END_TEST

/* The choice and coordinate checks run on a form of three fields. */
static const struct tw_field place_fields[] = {
	{ "category", TW_FIELD_CODE, 0, 0, 16 },
	{ "lat", TW_FIELD_DECIMAL, 0, 0, 24 },
	{ "lon", TW_FIELD_DECIMAL, 0, 0, 24 },
};

static const struct tw_area muscat = { 22.4, 23.9, 57.7, 59.4 };

static void
read_place(const char *category, const char *lat, const char *lon)
{
	if (category != NULL)
		set_query("category", category);
	if (lat != NULL)
		set_query("lat", lat);
	if (lon != NULL)
		set_query("lon", lon);
	ck_assert_ptr_null(hdf_set_value(hdf, "Ref.Cats.0.Code", "pothole"));
	ck_assert_ptr_null(hdf_set_value(hdf, "Ref.Cats.1.Code", "snakes"));
	form.strings = strings;
	tw_form_read(&form, place_fields, NCASES(place_fields), hdf);
}

START_TEST(test_form_choice_known)
{
	read_place("snakes", NULL, NULL);
	tw_form_choice(&form, "category", "Ref.Cats");
	ck_assert_ptr_null(error_of("category"));
	ck_assert_int_eq(form.nerrors, 0);
}
END_TEST

START_TEST(test_form_choice_unknown)
{
	read_place("ufo", NULL, NULL);
	tw_form_choice(&form, "category", "Ref.Cats");
	ck_assert_str_eq(error_of("category"), "Choose one of the options.");
	ck_assert_int_eq(form.nerrors, 1);
}
END_TEST

START_TEST(test_form_choice_empty_list)
{
	read_place("pothole", NULL, NULL);
	tw_form_choice(&form, "category", "Ref.Missing");
	ck_assert_ptr_nonnull(error_of("category"));
}
END_TEST

START_TEST(test_form_choice_absent_field)
{
	read_place(NULL, NULL, NULL);
	tw_form_choice(&form, "category", "Ref.Cats");
	ck_assert_ptr_null(error_of("category"));
}
END_TEST

START_TEST(test_form_coords_valid)
{
	double lat = 0, lon = 0;

	read_place(NULL, "23.588", "58.3829");
	ck_assert_int_eq(tw_form_coords(&form, &muscat, &lat, &lon), 1);
	ck_assert_double_eq_tol(lat, 23.588, 1e-9);
	ck_assert_double_eq_tol(lon, 58.3829, 1e-9);
	ck_assert_ptr_null(error_of("lat"));
}
END_TEST

START_TEST(test_form_coords_none)
{
	double lat = 0, lon = 0;

	read_place(NULL, NULL, NULL);
	ck_assert_int_eq(tw_form_coords(&form, &muscat, &lat, &lon), 0);
	ck_assert_ptr_null(error_of("lat"));
	ck_assert_int_eq(form.nerrors, 0);
}
END_TEST

static const struct {
	const char *lat, *lon, *message;
} coords_bad[] = {
	{ "23.5", NULL, "Give both or neither." },
	{ NULL, "58.4", "Give both or neither." },
	{ "58.4", "23.6", "Swapped." },
	{ "25.2", "55.3", "Outside the area." },
	{ "91", "58.4", "Not valid coordinates." },
	{ "23.5", "181", "Not valid coordinates." },
};

START_TEST(test_form_coords_rejected)
{
	double lat = 0, lon = 0;

	read_place(NULL, coords_bad[_i].lat, coords_bad[_i].lon);
	ck_assert_int_eq(tw_form_coords(&form, &muscat, &lat, &lon), 0);
	ck_assert_ptr_nonnull(error_of("lat"));
	ck_assert_str_eq(error_of("lat"), coords_bad[_i].message);
}
END_TEST

static Suite *
form_suite(void)
{
	Suite *s = suite_create("form");
	TCase *tc;

	tc = tcase_create("valid");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_form_accepts_valid);
	tcase_add_test(tc, test_form_validated_values);
	tcase_add_test(tc, test_form_keeps_typed_values);
	tcase_add_loop_test(tc, test_form_length_in_characters, 0,
	    NCASES(lengths_good));
	tcase_add_loop_test(tc, test_form_keeps_emoji, 0, NCASES(emoji_kept));
	tcase_add_test(tc, test_form_line_joins_lines);
	tcase_add_test(tc, test_form_limits_inclusive);
	tcase_add_loop_test(tc, test_form_optional_empty, 0,
	    NCASES(optional_fields));
	tcase_add_loop_test(tc, test_form_optional_whitespace, 0,
	    NCASES(optional_fields));
	suite_add_tcase(s, tc);

	tc = tcase_create("invalid");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_form_keeps_rejected_value);
	tcase_add_test(tc, test_form_required_missing);
	tcase_add_loop_test(tc, test_form_required_empty, 0,
	    NCASES(required_fields));
	tcase_add_loop_test(tc, test_form_required_whitespace, 0,
	    NCASES(required_fields));
	tcase_add_loop_test(tc, test_form_rejects_length, 0,
	    NCASES(lengths_bad));
	tcase_add_loop_test(tc, test_form_rejects_invalid_utf8, 0,
	    NCASES(encodings_bad));
	tcase_add_loop_test(tc, test_form_rejects_value, 0, NCASES(values_bad));
	suite_add_tcase(s, tc);

	tc = tcase_create("place");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_form_choice_known);
	tcase_add_test(tc, test_form_choice_unknown);
	tcase_add_test(tc, test_form_choice_empty_list);
	tcase_add_test(tc, test_form_choice_absent_field);
	tcase_add_test(tc, test_form_coords_valid);
	tcase_add_test(tc, test_form_coords_none);
	tcase_add_loop_test(tc, test_form_coords_rejected, 0,
	    NCASES(coords_bad));
	suite_add_tcase(s, tc);

	tc = tcase_create("api");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_form_error_first_wins);
	tcase_add_test(tc, test_form_error_missing_key);
	tcase_add_test(tc, test_form_value_unknown_field);
	tcase_add_test(tc, test_form_free_clears_values);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(form_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
