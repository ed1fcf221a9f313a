/*
 * check_ivr.c: unit tests of lib/ivr.c, the IVR provider's request
 * signature and the TwiML builder.
 *
 * The signature vectors are published ones. The first is the worked
 * example of Twilio's security page (docs/usage/security, "Validating
 * requests"): auth token 12345, URL
 * https://mycompany.com/myapp.php?foo=1&bar=2 and five POST parameters.
 * The token and URL were read in twilio-php's docs/usage/validation.rst
 * and the parameters with the signature 0/KCTR6DLpKmkAf8muzZqo1nDgQ= in
 * a public gist that quotes the page; the page itself was not opened.
 * The second is the voice request of twilio-ruby's request validator
 * spec (spec/util/request_validator_spec.rb). Python's hmac and base64
 * modules give the same two signatures.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "tawasul.h"

#define NCASES(a) (sizeof(a) / sizeof((a)[0]))

#define DOCS_TOKEN     "12345"
#define DOCS_URL       "https://mycompany.com/myapp.php?foo=1&bar=2"
#define DOCS_SIGNATURE "0/KCTR6DLpKmkAf8muzZqo1nDgQ="

/* The documentation's parameters, urlencoded in another order than the
 * sorted one, so the parser's sort is part of the test. */
#define DOCS_BODY                                                              \
	"To=%2B18005551212&Digits=1234&CallSid=CA1234567890ABCDE&"             \
	"From=%2B12349013030&Caller=%2B12349013030"

static struct tw_ivr_params *
parse(const char *body)
{
	struct tw_ivr_params *ps = NULL;

	ck_assert_int_eq(tw_ivr_params_parse(body, strlen(body), &ps), TW_OK);
	ck_assert_ptr_nonnull(ps);
	return ps;
}

START_TEST(test_docs_vector)
{
	struct tw_ivr_params *ps = parse(DOCS_BODY);
	char sig[TW_IVR_SIGNATURE_LEN + 1];

	ck_assert_int_eq(tw_ivr_sign(DOCS_TOKEN, DOCS_URL, ps, sig), TW_OK);
	ck_assert_str_eq(sig, DOCS_SIGNATURE);
	ck_assert_int_eq(tw_ivr_signature_valid(DOCS_TOKEN, DOCS_URL, ps,
	                     DOCS_SIGNATURE),
	    1);
	tw_ivr_params_free(ps);
}
END_TEST

START_TEST(test_ruby_spec_vector)
{
	struct tw_ivr_params *ps = parse(
	    "ToState=California&CalledState=California&Direction=inbound&"
	    "FromState=CA&AccountSid=ACba8bc05eacf94afdae398e642c9cc32d&"
	    "Caller=%2B14153595711&CallerZip=94108&CallerCountry=US&"
	    "From=%2B14153595711&FromCity=SAN+FRANCISCO&"
	    "CallerCity=SAN%20FRANCISCO&To=%2B14157669926&FromZip=94108&"
	    "FromCountry=US&ToCity=&CallStatus=ringing&CalledCity=&"
	    "CallerState=CA&CalledZip=&ToZip=&ToCountry=US&"
	    "CallSid=CA136d09cd59a3c0ec8dbff44da5c03f31&CalledCountry=US&"
	    "Called=%2B14157669926&ApiVersion=2010-04-01&"
	    "ApplicationSid=AP44efecad51364e80b133bb7c07eb8204");

	ck_assert_int_eq(tw_ivr_signature_valid("2bd9e9638872de601313dc77410d3b"
	                                        "23",
	                     "http://twiliotests.heroku.com/validate/voice", ps,
	                     "oVb2kXoVy8GEfwBDjR8bk/ZZ6eA="),
	    1);
	tw_ivr_params_free(ps);
}
END_TEST

/* Signatures that must be rejected for the documentation's request. */
static const struct {
	const char *token;
	const char *url;
	const char *body;
	const char *signature;
} rejected[] = {
	{ DOCS_TOKEN, DOCS_URL, DOCS_BODY, NULL },
	{ DOCS_TOKEN, DOCS_URL, DOCS_BODY, "" },
	{ DOCS_TOKEN, DOCS_URL, DOCS_BODY, "0/KCTR6DLpKmkAf8muzZqo1nDgQ" },
	{ DOCS_TOKEN, DOCS_URL, DOCS_BODY, "0/KCTR6DLpKmkAf8muzZqo1nDgQ==" },
	{ DOCS_TOKEN, DOCS_URL, DOCS_BODY, "1/KCTR6DLpKmkAf8muzZqo1nDgQ=" },
	{ "12346", DOCS_URL, DOCS_BODY, DOCS_SIGNATURE },
	{ "", DOCS_URL, DOCS_BODY, DOCS_SIGNATURE },
	{ DOCS_TOKEN, "http://mycompany.com/myapp.php?foo=1&bar=2", DOCS_BODY,
	    DOCS_SIGNATURE },
	{ DOCS_TOKEN, "https://mycompany.com/myapp.php?foo=1&bar=3", DOCS_BODY,
	    DOCS_SIGNATURE },
	{ DOCS_TOKEN, DOCS_URL, DOCS_BODY "&Extra=1", DOCS_SIGNATURE },
	{ DOCS_TOKEN, DOCS_URL,
	    "To=%2B18005551212&Digits=1235&CallSid=CA1234567890ABCDE&"
	    "From=%2B12349013030&Caller=%2B12349013030",
	    DOCS_SIGNATURE },
};

START_TEST(test_rejected)
{
	struct tw_ivr_params *ps = parse(rejected[_i].body);

	ck_assert_int_eq(tw_ivr_signature_valid(rejected[_i].token,
	                     rejected[_i].url, ps, rejected[_i].signature),
	    0);
	tw_ivr_params_free(ps);
}
END_TEST

START_TEST(test_params_decoded_and_sorted)
{
	struct tw_ivr_params *ps = parse("b=2&a=x+y&c=%D8%B9&a=1&&d");

	ck_assert_uint_eq(ps->n, 5);
	ck_assert_str_eq(ps->items[0].name, "a");
	ck_assert_str_eq(ps->items[0].value, "1");
	ck_assert_str_eq(ps->items[1].value, "x y");
	ck_assert_str_eq(tw_ivr_param(ps, "c"), "\xd8\xb9");
	ck_assert_str_eq(tw_ivr_param(ps, "d"), "");
	ck_assert_ptr_null(tw_ivr_param(ps, "e"));
	tw_ivr_params_free(ps);
}
END_TEST

START_TEST(test_params_empty)
{
	struct tw_ivr_params *ps = NULL;

	ck_assert_int_eq(tw_ivr_params_parse(NULL, 0, &ps), TW_OK);
	ck_assert_uint_eq(ps->n, 0);
	tw_ivr_params_free(ps);
	tw_ivr_params_free(NULL);
}
END_TEST

START_TEST(test_twiml_menu)
{
	struct tw_twiml x;
	char *doc;

	tw_twiml_init(&x);
	tw_twiml_gather_open(&x, "/ivr/menu?lang=en&n=2&try=1", 1, NULL, 6);
	tw_twiml_say(&x, "en-GB", NULL, "Press 1.");
	tw_twiml_gather_close(&x);
	tw_twiml_redirect(&x, "/ivr/menu?lang=en&n=2&try=1");
	doc = tw_twiml_finish(&x);
	ck_assert_str_eq(doc,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response>"
	    "<Gather input=\"dtmf\" action=\"/ivr/menu?lang=en&amp;n=2&amp;"
	    "try=1\" method=\"POST\" numDigits=\"1\" timeout=\"6\">"
	    "<Say language=\"en-GB\">Press 1.</Say></Gather>"
	    "<Redirect method=\"POST\">/ivr/menu?lang=en&amp;n=2&amp;try=1"
	    "</Redirect></Response>\n");
	free(doc);
}
END_TEST

START_TEST(test_twiml_escapes)
{
	struct tw_twiml x;
	char *doc;

	tw_twiml_init(&x);
	tw_twiml_say(&x, "ar-SA", "v\"1", "<a href='x'>&</a>");
	tw_twiml_play(&x, "https://audio.example/a?b=1&c=2");
	doc = tw_twiml_finish(&x);
	ck_assert_ptr_nonnull(strstr(doc,
	    "<Say language=\"ar-SA\" voice=\"v&quot;1\">&lt;a "
	    "href=&apos;x&apos;"
	    "&gt;&amp;&lt;/a&gt;</Say>"));
	ck_assert_ptr_nonnull(
	    strstr(doc, "<Play>https://audio.example/a?b=1&amp;c=2</Play>"));
	ck_assert_ptr_null(strstr(doc, "<a"));
	free(doc);
}
END_TEST

START_TEST(test_twiml_record_dial_hangup)
{
	struct tw_twiml x;
	char *doc;

	tw_twiml_init(&x);
	tw_twiml_gather_open(&x, "/ivr/status", 0, "#", 8);
	tw_twiml_gather_close(&x);
	tw_twiml_record(&x, "/ivr/recorded?n=3", "/ivr/recording?lang=ar", 120);
	tw_twiml_dial(&x, "+96824000000", "/ivr/dialled", 30);
	tw_twiml_hangup(&x);
	doc = tw_twiml_finish(&x);
	ck_assert_ptr_nonnull(strstr(doc,
	    "<Gather input=\"dtmf\" action=\"/ivr/status\" method=\"POST\""
	    " finishOnKey=\"#\" timeout=\"8\"></Gather>"));
	ck_assert_ptr_nonnull(strstr(doc,
	    "<Record action=\"/ivr/recorded?n=3\" method=\"POST\" "
	    "maxLength=\"120\" finishOnKey=\"#\" playBeep=\"true\" "
	    "recordingStatusCallback=\"/ivr/recording?lang=ar\" "
	    "recordingStatusCallbackMethod=\"POST\"/>"));
	ck_assert_ptr_nonnull(strstr(doc,
	    "<Dial action=\"/ivr/dialled\" method=\"POST\" timeout=\"30\">"
	    "+96824000000</Dial><Hangup/></Response>"));
	free(doc);
}
END_TEST

static Suite *
ivr_suite(void)
{
	Suite *s = suite_create("ivr");
	TCase *tc;

	tc = tcase_create("signature");
	tcase_add_test(tc, test_docs_vector);
	tcase_add_test(tc, test_ruby_spec_vector);
	tcase_add_loop_test(tc, test_rejected, 0, NCASES(rejected));
	tcase_add_test(tc, test_params_decoded_and_sorted);
	tcase_add_test(tc, test_params_empty);
	suite_add_tcase(s, tc);
	tc = tcase_create("twiml");
	tcase_add_test(tc, test_twiml_menu);
	tcase_add_test(tc, test_twiml_escapes);
	tcase_add_test(tc, test_twiml_record_dial_hangup);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(ivr_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
