/*
 * check_sms.c: unit tests of the pure parts of the SMS channel: retry
 * delays and giving up (lib/sms.c), delivery report types and tokens,
 * the verdict on a gateway's response (lib/smsgw.c), and the Sms section
 * of the configuration (lib/config.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>

#include "tawasul.h"

#define NCASES(a) (sizeof(a) / sizeof((a)[0]))

#define HOUR (60L * 60)

START_TEST(test_backoff_doubles)
{
	ck_assert_int_eq(tw_sms_backoff(1), 30);
	ck_assert_int_eq(tw_sms_backoff(2), 60);
	ck_assert_int_eq(tw_sms_backoff(3), 120);
	ck_assert_int_eq(tw_sms_backoff(10), 30L << 9);
}
END_TEST

START_TEST(test_backoff_capped)
{
	ck_assert_int_eq(tw_sms_backoff(11), 6 * HOUR);
	ck_assert_int_eq(tw_sms_backoff(12), 6 * HOUR);
	ck_assert_int_eq(tw_sms_backoff(1000), 6 * HOUR);
	ck_assert_int_eq(tw_sms_backoff(0x7fffffffL), 6 * HOUR);
}
END_TEST

START_TEST(test_backoff_first_for_nonsense)
{
	ck_assert_int_eq(tw_sms_backoff(0), 30);
	ck_assert_int_eq(tw_sms_backoff(-5), 30);
}
END_TEST

START_TEST(test_next_attempt_waits_backoff)
{
	long delay = -1;

	ck_assert_int_eq(tw_sms_next_attempt(1, 5, 48 * HOUR, &delay), 1);
	ck_assert_int_eq(delay, 30);
	ck_assert_int_eq(tw_sms_next_attempt(4, 600, 48 * HOUR, &delay), 1);
	ck_assert_int_eq(delay, 240);
}
END_TEST

START_TEST(test_next_attempt_stops_at_give_up)
{
	long delay = -1;

	/* Six hours wanted, two left: the last attempt is at the limit. */
	ck_assert_int_eq(tw_sms_next_attempt(20, 46 * HOUR, 48 * HOUR, &delay),
	    1);
	ck_assert_int_eq(delay, 2 * HOUR);
	ck_assert_int_eq(tw_sms_next_attempt(21, 48 * HOUR, 48 * HOUR, &delay),
	    0);
	ck_assert_int_eq(tw_sms_next_attempt(21, 50 * HOUR, 48 * HOUR, &delay),
	    0);
}
END_TEST

START_TEST(test_next_attempt_waits_a_second)
{
	long delay = -1;

	ck_assert_int_eq(tw_sms_next_attempt(3, 48 * HOUR - 1, 48 * HOUR,
	                     &delay),
	    1);
	ck_assert_int_eq(delay, 1);
}
END_TEST

static const struct {
	int type;
	const char *status;
} dlr_types[] = {
	{ 1, "delivered" },
	{ 2, "failed" },
	{ 4, "sent" },
	{ 8, "sent" },
	{ 16, "failed" },
	{ 0, NULL },
	{ 3, NULL },
	{ 32, NULL },
	{ -1, NULL },
	{ 1000, NULL },
};

START_TEST(test_dlr_status)
{
	const char *status = tw_sms_dlr_status(dlr_types[_i].type);

	if (dlr_types[_i].status == NULL)
		ck_assert_msg(status == NULL, "type %d: %s", dlr_types[_i].type,
		    status);
	else
		ck_assert_str_eq(status, dlr_types[_i].status);
}
END_TEST

START_TEST(test_dlr_token_per_row)
{
	const char *key = "0123456789abcdef0123456789abcdef";
	char a[44], b[44], again[44], other_key[44], expected[44];

	tw_sms_dlr_token(key, 41, a);
	tw_sms_dlr_token(key, 42, b);
	tw_sms_dlr_token(key, 41, again);
	tw_sms_dlr_token("fedcba9876543210fedcba9876543210", 41, other_key);
	tw_hmac_token(key, "sms-dlr", "41", expected, sizeof expected);
	ck_assert_uint_eq(strlen(a), 43);
	ck_assert_str_eq(a, again);
	ck_assert_str_eq(a, expected);
	ck_assert_str_ne(a, b);
	ck_assert_str_ne(a, other_key);
}
END_TEST

static const struct {
	long status;
	const char *body;
	enum tw_sms_verdict verdict;
} answers[] = {
	{ 202, "0: Accepted for delivery", TW_SMS_SENT },
	{ 202, "3: Queued for later delivery", TW_SMS_SENT },
	{ 200, "", TW_SMS_SENT },
	{ 400, "Missing receiver number, rejected", TW_SMS_REJECTED },
	{ 403, "Not routable. Do not try again.", TW_SMS_REJECTED },
	{ 403, "Number barred", TW_SMS_REJECTED },
	{ 413, "", TW_SMS_REJECTED },
	{ 403, "Authorization failed for sendsms", TW_SMS_RETRY },
	{ 400, "Sender missing and no global set, rejected", TW_SMS_RETRY },
	{ 400, "Number(s) has/have been denied by white- and/or black-lists.",
	    TW_SMS_REJECTED },
	{ 401, "", TW_SMS_RETRY },
	{ 408, "", TW_SMS_RETRY },
	{ 429, "", TW_SMS_RETRY },
	{ 500, "Sending failed.", TW_SMS_RETRY },
	{ 503, "Temporal failure, try again later.", TW_SMS_RETRY },
	{ 0, NULL, TW_SMS_RETRY },
	{ 302, "", TW_SMS_RETRY },
	{ 403, NULL, TW_SMS_REJECTED },
};

START_TEST(test_classify_answers)
{
	ck_assert_msg(tw_smsgw_classify(answers[_i].status, answers[_i].body) ==
	        answers[_i].verdict,
	    "%ld %s", answers[_i].status,
	    answers[_i].body ? answers[_i].body : "(none)");
}
END_TEST

static char dir[] = "/tmp/tw-sms-XXXXXX";
static char config_path[4096], secrets_path[4096];

static void
write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	fclose(fp);
	chmod(path, 0600);
}

/* Writes a configuration with the extra lines and secrets given. */
static void
write_config(const char *extra, const char *secrets)
{
	char text[8192], all[2048];

	snprintf(text, sizeof text,
	    "Database.Socket = /tmp/none.sock\n"
	    "Paths.Templates = /tmp/templates\n"
	    "Paths.Locale = /tmp/locale\n"
	    "Paths.Secrets = %s\n%s",
	    secrets_path, extra);
	write_file(config_path, text);
	snprintf(all, sizeof all,
	    "Secrets.Key = 0123456789abcdef0123456789abcdef\n"
	    "Secrets.DatabasePassword = pw\n%s",
	    secrets);
	write_file(secrets_path, all);
}

static void
setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(config_path, sizeof config_path, "%s/tawasul.hdf", dir);
	snprintf(secrets_path, sizeof secrets_path, "%s/secrets.hdf", dir);
}

static void
teardown(void)
{
	unlink(config_path);
	unlink(secrets_path);
	rmdir(dir);
	strcpy(dir, "/tmp/tw-sms-XXXXXX");
}

START_TEST(test_config_sms_section)
{
	struct tw_config *cfg = NULL;

	write_config("Sms {\n"
	             "  GatewayUrl = http://127.0.0.1:13013/cgi-bin/sendsms\n"
	             "  Username = tawasul\n"
	             "  Sender = 1111\n"
	             "  MaxSegments = 3\n"
	             "  GiveUpHours = 24\n"
	             "  Timeout = 9\n"
	             "}\n",
	    "Secrets.SmsGatewayPassword = gateway-password\n"
	    "Secrets.SmsInbound.kannel = 0123456789abcdef0123\n"
	    "Secrets.SmsInbound.backup = fedcba9876543210fedc\n");
	ck_assert_int_eq(tw_config_load(config_path, &cfg), TW_OK);
	ck_assert_str_eq(cfg->sms.gateway_url,
	    "http://127.0.0.1:13013/cgi-bin/sendsms");
	ck_assert_str_eq(cfg->sms.username, "tawasul");
	ck_assert_str_eq(cfg->sms.password, "gateway-password");
	ck_assert_str_eq(cfg->sms.sender, "1111");
	ck_assert_int_eq(cfg->sms.max_segments, 3);
	ck_assert_int_eq(cfg->sms.give_up_hours, 24);
	ck_assert_int_eq(cfg->sms.timeout, 9);
	ck_assert_uint_eq(cfg->sms.ninbound, 2);
	ck_assert_str_eq(cfg->sms.inbound[0].gateway, "kannel");
	ck_assert_str_eq(cfg->sms.inbound[0].token, "0123456789abcdef0123");
	ck_assert_str_eq(cfg->sms.inbound[1].gateway, "backup");
	tw_config_free(cfg);
}
END_TEST

START_TEST(test_config_sms_defaults)
{
	struct tw_config *cfg = NULL;

	write_config("", "");
	ck_assert_int_eq(tw_config_load(config_path, &cfg), TW_OK);
	ck_assert_str_eq(cfg->sms.gateway_url, "");
	ck_assert_str_eq(cfg->sms.password, "");
	ck_assert_int_eq(cfg->sms.max_segments, 5);
	ck_assert_int_eq(cfg->sms.give_up_hours, 48);
	ck_assert_int_eq(cfg->sms.connect_timeout, 5);
	ck_assert_int_eq(cfg->sms.timeout, 20);
	ck_assert_int_eq(cfg->sms.lease_seconds, 120);
	ck_assert_uint_eq(cfg->sms.ninbound, 0);
	tw_config_free(cfg);
}
END_TEST

START_TEST(test_config_sms_short_token_ignored)
{
	struct tw_config *cfg = NULL;

	write_config("Sms.MaxSegments = 0\n",
	    "Secrets.SmsInbound.weak = short\n");
	ck_assert_int_eq(tw_config_load(config_path, &cfg), TW_OK);
	ck_assert_uint_eq(cfg->sms.ninbound, 0);
	ck_assert_int_eq(cfg->sms.max_segments, 1);
	tw_config_free(cfg);
}
END_TEST

START_TEST(test_gateway_needs_url)
{
	struct tw_config *cfg = NULL;
	struct tw_smsgw *gw = (struct tw_smsgw *)&gw;

	write_config("", "");
	ck_assert_int_eq(tw_config_load(config_path, &cfg), TW_OK);
	ck_assert_int_eq(tw_smsgw_new(cfg, &gw), TW_ERR_CONFIG);
	ck_assert_ptr_null(gw);
	tw_smsgw_free(NULL);
	tw_config_free(cfg);
}
END_TEST

static Suite *
sms_suite(void)
{
	Suite *s = suite_create("sms");
	TCase *tc;

	tc = tcase_create("retry");
	tcase_add_test(tc, test_backoff_doubles);
	tcase_add_test(tc, test_backoff_capped);
	tcase_add_test(tc, test_backoff_first_for_nonsense);
	tcase_add_test(tc, test_next_attempt_waits_backoff);
	tcase_add_test(tc, test_next_attempt_stops_at_give_up);
	tcase_add_test(tc, test_next_attempt_waits_a_second);
	suite_add_tcase(s, tc);

	tc = tcase_create("reports");
	tcase_add_loop_test(tc, test_dlr_status, 0, NCASES(dlr_types));
	tcase_add_test(tc, test_dlr_token_per_row);
	tcase_add_loop_test(tc, test_classify_answers, 0, NCASES(answers));
	suite_add_tcase(s, tc);

	tc = tcase_create("config");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_config_sms_section);
	tcase_add_test(tc, test_config_sms_defaults);
	tcase_add_test(tc, test_config_sms_short_token_ignored);
	tcase_add_test(tc, test_gateway_needs_url);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(sms_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
