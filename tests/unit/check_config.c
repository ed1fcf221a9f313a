/*
 * check_config.c: lib/config.c against configuration files written to a
 * temporary directory: a complete one, and each way one can be wrong.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tawasul.h"

static char dir[] = "/tmp/tw-config-XXXXXX";
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

/* Writes a config with the given extra lines and the secrets file. */
static void
write_config(const char *extra, const char *key)
{
	char text[8192], secrets[512];

	snprintf(text, sizeof text,
	    "Database.Socket = /tmp/none.sock\n"
	    "Paths.Templates = /tmp/templates\n"
	    "Paths.Locale = /tmp/locale\n"
	    "Paths.Secrets = %s\n%s",
	    secrets_path, extra);
	write_file(config_path, text);
	snprintf(secrets, sizeof secrets,
	    "Secrets.Key = %s\nSecrets.DatabasePassword = pw\n", key);
	write_file(secrets_path, secrets);
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
	strcpy(dir, "/tmp/tw-config-XXXXXX");
}

static const char *good_key = "0123456789abcdef0123456789abcdef";

START_TEST(test_config_complete)
{
	struct tw_config *cfg = NULL;

	write_config("Site.CookieSecure = 0\nSite.MaxBody = 1000\n", good_key);
	ck_assert_int_eq(tw_config_load(config_path, &cfg), TW_OK);
	ck_assert_str_eq(cfg->db_socket, "/tmp/none.sock");
	ck_assert_str_eq(cfg->secret, good_key);
	ck_assert_str_eq(cfg->db_password, "pw");
	ck_assert_int_eq(cfg->cookie_secure, 0);
	ck_assert_int_eq(cfg->max_body, 1000);
	tw_config_free(cfg);
}
END_TEST

START_TEST(test_config_defaults)
{
	struct tw_config *cfg = NULL;

	write_config("", good_key);
	ck_assert_int_eq(tw_config_load(config_path, &cfg), TW_OK);
	ck_assert_str_eq(cfg->db_name, "tawasul");
	ck_assert_str_eq(cfg->display_tz, "Asia/Muscat");
	ck_assert_int_eq(cfg->cookie_secure, 1);
	ck_assert(cfg->area.lat_min < 23.6 && cfg->area.lat_max > 23.6);
	ck_assert(cfg->area.lon_min < 58.5 && cfg->area.lon_max > 58.5);
	tw_config_free(cfg);
}
END_TEST

START_TEST(test_config_missing_file)
{
	struct tw_config *cfg = (struct tw_config *)1;

	ck_assert_int_eq(tw_config_load("/nonexistent/tawasul.hdf", &cfg),
	    TW_ERR_CONFIG);
	ck_assert_ptr_null(cfg);
}
END_TEST

START_TEST(test_config_missing_socket)
{
	struct tw_config *cfg = NULL;
	char text[8192];

	snprintf(text, sizeof text,
	    "Paths.Templates = /t\nPaths.Locale = /l\n"
	    "Paths.Secrets = %s\n",
	    secrets_path);
	write_config("", good_key);
	write_file(config_path, text);
	ck_assert_int_eq(tw_config_load(config_path, &cfg), TW_ERR_CONFIG);
	ck_assert_ptr_null(cfg);
}
END_TEST

START_TEST(test_config_short_key)
{
	struct tw_config *cfg = NULL;

	write_config("", "too-short");
	ck_assert_int_eq(tw_config_load(config_path, &cfg), TW_ERR_CONFIG);
	ck_assert_ptr_null(cfg);
}
END_TEST

START_TEST(test_config_missing_secrets)
{
	struct tw_config *cfg = NULL;

	write_config("", good_key);
	unlink(secrets_path);
	ck_assert_int_eq(tw_config_load(config_path, &cfg), TW_ERR_CONFIG);
	ck_assert_ptr_null(cfg);
}
END_TEST

START_TEST(test_config_bad_area)
{
	struct tw_config *cfg = NULL;

	write_config("ServiceArea.LatMin = north\n", good_key);
	ck_assert_int_eq(tw_config_load(config_path, &cfg), TW_ERR_CONFIG);
	ck_assert_ptr_null(cfg);
}
END_TEST

START_TEST(test_config_syntax_error)
{
	struct tw_config *cfg = NULL;

	write_config("Site.BaseUrl x y\n}\n", good_key);
	ck_assert_int_eq(tw_config_load(config_path, &cfg), TW_ERR_CONFIG);
	ck_assert_ptr_null(cfg);
}
END_TEST

START_TEST(test_config_free_null)
{
	tw_config_free(NULL);
	ck_assert(1);
}
END_TEST

int
main(void)
{
	Suite *suite = suite_create("config");
	TCase *tc = tcase_create("load");
	SRunner *runner;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_config_complete);
	tcase_add_test(tc, test_config_defaults);
	tcase_add_test(tc, test_config_missing_file);
	tcase_add_test(tc, test_config_missing_socket);
	tcase_add_test(tc, test_config_short_key);
	tcase_add_test(tc, test_config_missing_secrets);
	tcase_add_test(tc, test_config_bad_area);
	tcase_add_test(tc, test_config_syntax_error);
	tcase_add_test(tc, test_config_free_null);
	suite_add_tcase(suite, tc);
	runner = srunner_create(suite);
	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? 0 : 1;
}
