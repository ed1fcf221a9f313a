/*
 * check_staff.c: unit tests of the parts of lib/staff.c that need no
 * database: the username rule, the checks of a new account, generated
 * passwords, and the CSV reader of bin/tawasul-admin import.
 *
 * The CSV cases follow RFC 4180: commas separate fields, a field in
 * double quotes may contain commas, line breaks and doubled quotes, and
 * records end with CR LF (LF is accepted too).
 */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "tawasul.h"

#define NCASES(a) (sizeof(a) / sizeof((a)[0]))

/* "سالم" is 4 characters of 2 bytes each. */
#define SALIM "\xd8\xb3\xd8\xa7\xd9\x84\xd9\x85"

static const char *const username_good[] = {
	"abc",
	"salim.harthy",
	"s_al-harthy.2",
	"007",
	"...",
	"a-b",
	"abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz01",
};

START_TEST(test_username_accepts)
{
	ck_assert_msg(tw_username_valid(username_good[_i]), "rejected \"%s\"",
	    username_good[_i]);
}
END_TEST

static const char *const username_bad[] = {
	"", "ab",
	"abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz012",
	"Salim", "salim harthy", "salim@mm.gov.om", "salim+1", " salim",
	"salim\n", SALIM "abc", "sal\xc4\xb1m", /* dotless i */
	"\xef\xbd\x93\xef\xbd\x81\xef\xbd\x8c", /* fullwidth "sal" */
};

START_TEST(test_username_rejects)
{
	ck_assert_msg(!tw_username_valid(username_bad[_i]), "accepted \"%s\"",
	    username_bad[_i]);
}
END_TEST

START_TEST(test_username_rejects_null)
{
	ck_assert(!tw_username_valid(NULL));
}
END_TEST

/* An agent with every optional value given; tests change one field. */
static struct tw_staff_input
agent(void)
{
	struct tw_staff_input in = {
		.username = "salim.h",
		.display_name = "Salim Al Harthy",
		.role = "agent",
		.directorate = "",
		.mobile = "9123 4567",
		.email = "Salim.H@Example.OM",
		.lang = "en",
		.password = "correct horse battery",
	};

	return in;
}

START_TEST(test_check_accepts_agent)
{
	struct tw_staff_input in = agent();
	struct tw_staff_account acc;
	char reason[TW_REASON_MAX];

	ck_assert_int_eq(tw_staff_check(&in, &acc, reason), TW_OK);
	ck_assert_str_eq(acc.username, "salim.h");
	ck_assert_str_eq(acc.display_name, "Salim Al Harthy");
	ck_assert_int_eq(acc.role, TW_ROLE_AGENT);
	ck_assert_str_eq(acc.directorate, "");
	ck_assert_str_eq(acc.mobile, "+96891234567");
	ck_assert_str_eq(acc.email, "salim.h@example.om");
	ck_assert_int_eq(acc.lang, TW_LANG_EN);
	ck_assert_ptr_eq(acc.password, in.password);
}
END_TEST

START_TEST(test_check_defaults_optional)
{
	struct tw_staff_input in = agent();
	struct tw_staff_account acc;
	char reason[TW_REASON_MAX];

	in.mobile = NULL;
	in.email = "";
	in.lang = NULL;
	ck_assert_int_eq(tw_staff_check(&in, &acc, reason), TW_OK);
	ck_assert_str_eq(acc.mobile, "");
	ck_assert_str_eq(acc.email, "");
	ck_assert_int_eq(acc.lang, TW_LANG_AR);
}
END_TEST

START_TEST(test_check_accepts_field)
{
	struct tw_staff_input in = agent();
	struct tw_staff_account acc;
	char reason[TW_REASON_MAX];

	in.role = "field";
	in.directorate = "waste";
	in.mobile = "+968 7123 4567";
	in.password = "";
	ck_assert_int_eq(tw_staff_check(&in, &acc, reason), TW_OK);
	ck_assert_int_eq(acc.role, TW_ROLE_FIELD);
	ck_assert_str_eq(acc.directorate, "waste");
	ck_assert_str_eq(acc.mobile, "+96871234567");
	ck_assert_ptr_null(acc.password);
}
END_TEST

START_TEST(test_check_accepts_officer)
{
	struct tw_staff_input in = agent();
	struct tw_staff_account acc;
	char reason[TW_REASON_MAX];

	in.role = "officer";
	in.directorate = "roads";
	ck_assert_int_eq(tw_staff_check(&in, &acc, reason), TW_OK);
	ck_assert_int_eq(acc.role, TW_ROLE_OFFICER);
	ck_assert_str_eq(acc.directorate, "roads");
}
END_TEST

START_TEST(test_check_cleans_arabic_name)
{
	struct tw_staff_input in = agent();
	struct tw_staff_account acc;
	char reason[TW_REASON_MAX];

	in.display_name = "  " SALIM "\t\xd8\xa7\xd9\x84\xd8\xad\xd8\xa7\xd8"
	                  "\xb1\xd8\xab\xd9\x8a  ";
	ck_assert_int_eq(tw_staff_check(&in, &acc, reason), TW_OK);
	ck_assert_str_eq(acc.display_name,
	    SALIM " \xd8\xa7\xd9\x84\xd8\xad\xd8\xa7\xd8\xb1\xd8\xab\xd9\x8a");
}
END_TEST

/* Returns a display name of n copies of "س", 2 bytes each. */
static char *
arabic_name(size_t n)
{
	char *name = malloc(2 * n + 1);

	for (size_t i = 0; i < n; i++)
		memcpy(name + 2 * i, "\xd8\xb3", 2);
	name[2 * n] = '\0';
	return name;
}

START_TEST(test_check_name_limit_in_characters)
{
	struct tw_staff_input in = agent();
	struct tw_staff_account acc;
	char reason[TW_REASON_MAX];
	char *hundred = arabic_name(100), *longer = arabic_name(101);

	in.display_name = hundred;
	ck_assert_int_eq(tw_staff_check(&in, &acc, reason), TW_OK);
	ck_assert_str_eq(acc.display_name, hundred);
	in.display_name = longer;
	ck_assert_int_eq(tw_staff_check(&in, &acc, reason), TW_ERR_INPUT);
	ck_assert_msg(strstr(reason, "101 characters") != NULL, "%s", reason);
	free(hundred);
	free(longer);
}
END_TEST

static int
starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* One invalid value of an otherwise valid agent and the reason's start. */
struct bad_case {
	const char *field;
	const char *value;
	const char *reason;
};

static const struct bad_case check_bad[] = {
	{ "username", "Salim", "invalid username: \"Salim\": use 3 to 64" },
	{ "username", "", "invalid username: \"\": " },
	{ "username", NULL, "invalid username: \"\": " },
	{ "display_name", "", "missing display name: " },
	{ "display_name", " \t ", "missing display name: " },
	{ "display_name", "bad \xff byte", "invalid display name: not UTF-8" },
	{ "role", "manager",
	    "unknown role: \"manager\": use one of agent, "
	    "officer, field, qa, supervisor, head, "
	    "executive, admin" },
	{ "role", "", "unknown role: \"\": " },
	{ "role", "Agent", "unknown role: \"Agent\": " },
	{ "directorate", "Roads", "invalid directorate code: \"Roads\": " },
	{ "directorate", "roads;drop", "invalid directorate code: " },
	{ "mobile", "24123456",
	    "invalid mobile number: \"24123456\": use an "
	    "Omani mobile number" },
	{ "mobile", "+1 555 0100", "invalid mobile number: " },
	{ "mobile", "9123456", "invalid mobile number: " },
	{ "email", "salim@", "invalid e-mail address: \"salim@\": " },
	{ "email", "salim", "invalid e-mail address: " },
	{ "lang", "fr", "invalid language: \"fr\": use ar or en" },
	{ "lang", "AR", "invalid language: \"AR\": " },
	{ "password", "", "missing password: role \"agent\": " },
	{ "password", "short",
	    "invalid password: 5 characters: use 10 to "
	    "128 characters" },
	{ "password", "\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7\xf6\xf5",
	    "invalid password: not UTF-8" },
};

static void
set_field(struct tw_staff_input *in, const char *field, const char *value)
{
	if (strcmp(field, "username") == 0)
		in->username = value;
	else if (strcmp(field, "display_name") == 0)
		in->display_name = value;
	else if (strcmp(field, "role") == 0)
		in->role = value;
	else if (strcmp(field, "directorate") == 0)
		in->directorate = value;
	else if (strcmp(field, "mobile") == 0)
		in->mobile = value;
	else if (strcmp(field, "email") == 0)
		in->email = value;
	else if (strcmp(field, "lang") == 0)
		in->lang = value;
	else
		in->password = value;
}

START_TEST(test_check_rejects_value)
{
	const struct bad_case *c = &check_bad[_i];
	struct tw_staff_input in = agent();
	struct tw_staff_account acc;
	char reason[TW_REASON_MAX];

	set_field(&in, c->field, c->value);
	ck_assert_int_eq(tw_staff_check(&in, &acc, reason), TW_ERR_INPUT);
	ck_assert_msg(starts_with(reason, c->reason),
	    "case %d: reason \"%s\", expected it to start with \"%s\"", _i,
	    reason, c->reason);
}
END_TEST

START_TEST(test_check_needs_directorate)
{
	static const char *const bound[] = { "officer", "head", "field" };
	struct tw_staff_input in = agent();
	struct tw_staff_account acc;
	char reason[TW_REASON_MAX];

	in.role = bound[_i];
	in.password = strcmp(bound[_i], "field") == 0 ? "" : in.password;
	ck_assert_int_eq(tw_staff_check(&in, &acc, reason), TW_ERR_INPUT);
	ck_assert_msg(starts_with(reason, "missing directorate: role"), "%s",
	    reason);
}
END_TEST

START_TEST(test_check_field_needs_mobile)
{
	struct tw_staff_input in = agent();
	struct tw_staff_account acc;
	char reason[TW_REASON_MAX];

	in.role = "field";
	in.directorate = "waste";
	in.password = NULL;
	in.mobile = "";
	ck_assert_int_eq(tw_staff_check(&in, &acc, reason), TW_ERR_INPUT);
	ck_assert_msg(starts_with(reason,
	                  "missing mobile number: role \"field\""),
	    "%s", reason);
}
END_TEST

START_TEST(test_check_field_rejects_password)
{
	struct tw_staff_input in = agent();
	struct tw_staff_account acc;
	char reason[TW_REASON_MAX];

	in.role = "field";
	in.directorate = "waste";
	ck_assert_int_eq(tw_staff_check(&in, &acc, reason), TW_ERR_INPUT);
	ck_assert_msg(starts_with(reason, "password given: role \"field\""),
	    "%s", reason);
	ck_assert_ptr_null(strstr(reason, in.password));
}
END_TEST

START_TEST(test_check_hides_password)
{
	struct tw_staff_input in = agent();
	struct tw_staff_account acc;
	char reason[TW_REASON_MAX];

	in.password = "s3cr3t!";
	ck_assert_int_eq(tw_staff_check(&in, &acc, reason), TW_ERR_INPUT);
	ck_assert_ptr_null(strstr(reason, "s3cr3t"));
}
END_TEST

START_TEST(test_reason_hides_controls)
{
	struct tw_staff_input in = agent();
	struct tw_staff_account acc;
	char reason[TW_REASON_MAX];

	in.username = "evil\x1b[2J\r\xc2\x9b"
	              "31m";
	ck_assert_int_eq(tw_staff_check(&in, &acc, reason), TW_ERR_INPUT);
	ck_assert_msg(strstr(reason, "\"evil?[2J??31m\"") != NULL, "%s",
	    reason);
	for (const char *p = reason; *p; p++)
		ck_assert_int_ge((unsigned char)*p, 0x20);
}
END_TEST

START_TEST(test_reason_cuts_long_value)
{
	struct tw_staff_input in = agent();
	struct tw_staff_account acc;
	char reason[TW_REASON_MAX];
	char *role = arabic_name(200);

	in.role = role;
	ck_assert_int_eq(tw_staff_check(&in, &acc, reason), TW_ERR_INPUT);
	ck_assert_msg(strstr(reason, "...\": use one of") != NULL, "%s",
	    reason);
	ck_assert(tw_utf8_valid(reason, strlen(reason)));
	ck_assert_uint_lt(strlen(reason), 200);
	free(role);
}
END_TEST

START_TEST(test_reason_cuts_invalid_utf8)
{
	struct tw_staff_input in = agent();
	struct tw_staff_account acc;
	char reason[TW_REASON_MAX], role[301];

	memset(role, 0x80, 300);
	role[300] = '\0';
	in.role = role;
	ck_assert_int_eq(tw_staff_check(&in, &acc, reason), TW_ERR_INPUT);
	ck_assert_msg(strstr(reason, "...\": use one of") != NULL, "%s",
	    reason);
}
END_TEST

START_TEST(test_password_new_is_random)
{
	char a[TW_PASSWORD_NEW], b[TW_PASSWORD_NEW];

	ck_assert_int_eq(tw_staff_password_new(a), TW_OK);
	ck_assert_int_eq(tw_staff_password_new(b), TW_OK);
	ck_assert_uint_eq(strlen(a), TW_PASSWORD_NEW - 1);
	ck_assert_uint_eq(strspn(a,
	                      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuv"
	                      "wxyz0123456789-_"),
	    TW_PASSWORD_NEW - 1);
	ck_assert_str_ne(a, b);
	ck_assert_int_eq(tw_password_acceptable(a), TW_OK);
}
END_TEST

/* A record, the fields it splits into (joined by '|') and their count. */
struct split_case {
	const char *record;
	const char *fields;
	size_t nfields;
};

static const struct split_case split_good[] = {
	{ "a,b,c", "a|b|c", 3 },
	{ "", "", 1 },
	{ ",", "|", 2 },
	{ "a,,c,", "a||c|", 4 },
	{ "\"a,b\",c", "a,b|c", 2 },
	{ "\"say \"\"hi\"\"\",x", "say \"hi\"|x", 2 },
	{ "\"\"", "", 1 },
	{ "\"\"\"\"", "\"", 1 },
	{ "\"two\nlines\",x", "two\nlines|x", 2 },
	{ SALIM ",\"" SALIM ", " SALIM "\"", SALIM "|" SALIM ", " SALIM, 2 },
	{ " a , b ", " a | b ", 2 },
	{ "salim.h,\"Al Harthy, Salim\",agent,,91234567,,en,",
	    "salim.h|Al Harthy, Salim|agent||91234567||en|", 8 },
};

/* Joins fields with '|' into out. */
static void
join(char **fields, size_t n, char *out, size_t outsz)
{
	size_t len = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n; i++)
		len += snprintf(out + len, outsz - len, "%s%s", i ? "|" : "",
		    fields[i]);
}

START_TEST(test_split_reads_fields)
{
	const struct split_case *c = &split_good[_i];
	char buf[256], joined[256], *fields[10];
	size_t n;

	ck_assert_int_eq(tw_csv_split(c->record, buf, fields, 10, &n),
	    TW_CSV_OK);
	ck_assert_uint_eq(n, c->nfields);
	join(fields, n, joined, sizeof joined);
	ck_assert_str_eq(joined, c->fields);
}
END_TEST

struct split_bad_case {
	const char *record;
	enum tw_csv status;
	size_t nfields; /* the field at fault */
};

static const struct split_bad_case split_bad[] = {
	{ "\"open", TW_CSV_OPEN, 1 },
	{ "a,\"open,b", TW_CSV_OPEN, 2 },
	{ "a,\"b\"\"", TW_CSV_OPEN, 2 },
	{ "a,b\"c", TW_CSV_QUOTE, 2 },
	{ "\"a\"b,c", TW_CSV_QUOTE, 1 },
	{ "a, \"b\"", TW_CSV_QUOTE, 2 },
	{ "1,2,3,4", TW_CSV_TOO_MANY, 3 },
};

START_TEST(test_split_rejects_malformed)
{
	const struct split_bad_case *c = &split_bad[_i];
	char buf[64], *fields[3];
	size_t n;

	ck_assert_int_eq(tw_csv_split(c->record, buf, fields, 3, &n),
	    c->status);
	ck_assert_uint_eq(n, c->nfields);
}
END_TEST

START_TEST(test_split_fits_buffer)
{
	static const char record[] = "\"a\",\"\",b,\"\"\"\"";
	char buf[sizeof record + 8], *fields[8];
	size_t n;

	memset(buf, 'X', sizeof buf);
	ck_assert_int_eq(tw_csv_split(record, buf, fields, 8, &n), TW_CSV_OK);
	ck_assert_uint_eq(n, 4);
	for (size_t i = sizeof record; i < sizeof buf; i++)
		ck_assert_int_eq(buf[i], 'X');
}
END_TEST

START_TEST(test_next_splits_lines)
{
	const char *text = "a,b\r\nc,d\n\ne\n";
	size_t len, nlines;
	const char *p = text;

	p = tw_csv_next(p, &len, &nlines);
	ck_assert_uint_eq(len, 3);
	ck_assert_uint_eq(nlines, 1);
	ck_assert_ptr_eq(p, text + 5);
	p = tw_csv_next(p, &len, &nlines);
	ck_assert_uint_eq(len, 3);
	ck_assert_ptr_eq(p, text + 9);
	p = tw_csv_next(p, &len, &nlines);
	ck_assert_uint_eq(len, 0);
	p = tw_csv_next(p, &len, &nlines);
	ck_assert_uint_eq(len, 1);
	ck_assert_int_eq(*p, '\0');
}
END_TEST

START_TEST(test_next_keeps_quoted_newline)
{
	const char *text = "a,\"x\r\ny, \"\"z\"\"\n\",b\r\nnext";
	size_t len, nlines;
	const char *p = tw_csv_next(text, &len, &nlines);

	ck_assert_uint_eq(nlines, 3);
	ck_assert_uint_eq(len, strlen("a,\"x\r\ny, \"\"z\"\"\n\",b"));
	ck_assert_str_eq(p, "next");
}
END_TEST

START_TEST(test_next_ends_without_newline)
{
	const char *text = "last,row";
	size_t len, nlines;
	const char *p = tw_csv_next(text, &len, &nlines);

	ck_assert_uint_eq(len, 8);
	ck_assert_uint_eq(nlines, 1);
	ck_assert_int_eq(*p, '\0');
}
END_TEST

START_TEST(test_next_open_quote_takes_rest)
{
	const char *text = "a,\"open\nb,c\nd";
	size_t len, nlines;
	const char *p = tw_csv_next(text, &len, &nlines);

	ck_assert_uint_eq(len, strlen(text));
	ck_assert_uint_eq(nlines, 3);
	ck_assert_int_eq(*p, '\0');
}
END_TEST

START_TEST(test_next_ignores_inner_quote)
{
	/* A quote inside an unquoted field opens nothing; split rejects it. */
	const char *text = "a,b\"c\nd";
	size_t len, nlines;
	const char *p = tw_csv_next(text, &len, &nlines);

	ck_assert_uint_eq(len, 5);
	ck_assert_str_eq(p, "d");
}
END_TEST

static Suite *
staff_suite(void)
{
	Suite *s = suite_create("staff");
	TCase *tc;

	tc = tcase_create("username");
	tcase_add_loop_test(tc, test_username_accepts, 0,
	    NCASES(username_good));
	tcase_add_loop_test(tc, test_username_rejects, 0, NCASES(username_bad));
	tcase_add_test(tc, test_username_rejects_null);
	suite_add_tcase(s, tc);

	tc = tcase_create("check");
	tcase_add_test(tc, test_check_accepts_agent);
	tcase_add_test(tc, test_check_defaults_optional);
	tcase_add_test(tc, test_check_accepts_field);
	tcase_add_test(tc, test_check_accepts_officer);
	tcase_add_test(tc, test_check_cleans_arabic_name);
	tcase_add_test(tc, test_check_name_limit_in_characters);
	tcase_add_loop_test(tc, test_check_rejects_value, 0, NCASES(check_bad));
	tcase_add_loop_test(tc, test_check_needs_directorate, 0, 3);
	tcase_add_test(tc, test_check_field_needs_mobile);
	tcase_add_test(tc, test_check_field_rejects_password);
	tcase_add_test(tc, test_check_hides_password);
	tcase_add_test(tc, test_reason_hides_controls);
	tcase_add_test(tc, test_reason_cuts_long_value);
	tcase_add_test(tc, test_reason_cuts_invalid_utf8);
	tcase_add_test(tc, test_password_new_is_random);
	suite_add_tcase(s, tc);

	tc = tcase_create("csv");
	tcase_add_loop_test(tc, test_split_reads_fields, 0, NCASES(split_good));
	tcase_add_loop_test(tc, test_split_rejects_malformed, 0,
	    NCASES(split_bad));
	tcase_add_test(tc, test_split_fits_buffer);
	tcase_add_test(tc, test_next_splits_lines);
	tcase_add_test(tc, test_next_keeps_quoted_newline);
	tcase_add_test(tc, test_next_ends_without_newline);
	tcase_add_test(tc, test_next_open_quote_takes_rest);
	tcase_add_test(tc, test_next_ignores_inner_quote);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(staff_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
