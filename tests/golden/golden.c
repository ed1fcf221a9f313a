/*
 * golden.c: renders every page template in both languages with a fixed
 * data set and compares the output with the files in tests/golden/.
 *
 * Each case is common.hdf plus a fixture NAME.hdf rendered with a
 * template into NAME.LANG.html. After a deliberate template change, regenerate
 * the expected files with TW_GOLDEN_UPDATE=1 make check and review the diff.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tawasul.h"

struct golden_case {
	const char *fixture;
	const char *tmpl;
	int intranet; /* 1 to load agent_staff.hdf, the logged-in staff */
};

static const struct golden_case cases[] = {
	{ "home", "home.cs", 0 },
	{ "complaint_form", "complaint_form.cs", 0 },
	{ "complaint_form_errors", "complaint_form.cs", 0 },
	{ "complaint_done", "complaint_done.cs", 0 },
	{ "complaint_done_request", "complaint_done.cs", 0 },
	{ "track", "track.cs", 0 },
	{ "track_result", "track.cs", 0 },
	{ "survey", "survey.cs", 0 },
	{ "survey_errors", "survey.cs", 0 },
	{ "survey_thanks", "survey.cs", 0 },
	{ "survey_answered", "survey.cs", 0 },
	{ "survey_stale", "survey.cs", 0 },
	{ "survey_gone", "survey_gone.cs", 0 },
	{ "error_404", "error.cs", 0 },
	{ "error_503", "error.cs", 0 },
	{ "agent_login", "agent_login.cs", 0 },
	{ "agent_queue", "agent_queue.cs", 1 },
	{ "agent_queue_empty", "agent_queue.cs", 1 },
	{ "agent_case", "agent_case.cs", 1 },
	{ "agent_case_conflict", "agent_case.cs", 1 },
	{ "agent_callers", "agent_callers.cs", 1 },
	{ "agent_callers_new", "agent_callers.cs", 1 },
	{ "agent_register", "agent_register.cs", 1 },
	{ "agent_qa", "agent_qa.cs", 1 },
	{ "agent_qa_empty", "agent_qa.cs", 1 },
	{ "agent_qa_case", "agent_qa_case.cs", 1 },
	{ "agent_qa_case_errors", "agent_qa_case.cs", 1 },
	{ "agent_reports", "agent_reports.cs", 1 },
	{ "agent_reports_scoped", "agent_reports.cs", 1 },
	{ "agent_dashboard", "agent_dashboard.cs", 1 },
	{ "agent_dashboard_empty", "agent_dashboard.cs", 1 },
	{ "agent_figures", "agent_figures.cs", 1 },
	{ "agent_figures_errors", "agent_figures.cs", 1 },
	{ "polls", "polls.cs", 0 },
	{ "polls_empty", "polls.cs", 0 },
	{ "poll_form", "poll.cs", 0 },
	{ "poll_form_errors", "poll.cs", 0 },
	{ "poll_answered", "poll.cs", 0 },
	{ "poll_code", "poll.cs", 0 },
	{ "poll_mobile", "poll.cs", 0 },
	{ "poll_upcoming", "poll.cs", 0 },
	{ "poll_closed", "poll.cs", 0 },
	{ "agent_polls", "agent_polls.cs", 1 },
	{ "agent_polls_empty", "agent_polls.cs", 1 },
	{ "agent_poll_form", "agent_poll_form.cs", 1 },
	{ "agent_poll_form_errors", "agent_poll_form.cs", 1 },
	{ "agent_poll_form_locked", "agent_poll_form.cs", 1 },
	{ "agent_poll_results", "agent_poll_results.cs", 1 },
	{ "service_request", "service_request.cs", 0 },
	{ "service_request_errors", "service_request.cs", 0 },
	{ "agent_case_request", "agent_case.cs", 1 },
	{ "services", "services.cs", 0 },
	{ "services_search", "services.cs", 0 },
	{ "services_none", "services.cs", 0 },
	{ "services_errors", "services.cs", 0 },
	{ "service", "service.cs", 0 },
	{ "agent_services", "services.cs", 1 },
	{ "agent_service", "service.cs", 1 },
	{ "agent_service_send_errors", "service.cs", 1 },
	{ "agent_service_edit", "agent_service_edit.cs", 1 },
	{ "agent_service_edit_new", "agent_service_edit.cs", 1 },
	{ "agent_service_edit_conflict", "agent_service_edit.cs", 1 },
	{ "agent_service_history", "agent_service_history.cs", 1 },
	{ "agent_calls", "agent_calls.cs", 1 },
	{ "agent_calls_empty", "agent_calls.cs", 1 },
	{ "agent_spots", "agent_spots.cs", 1 },
	{ "agent_spots_errors", "agent_spots.cs", 1 },
	{ "agent_call_figures", "agent_call_figures.cs", 1 },
	{ "agent_call_figures_errors", "agent_call_figures.cs", 1 },
	{ "agent_call_figures_empty", "agent_call_figures.cs", 1 },
};

static const char *
srcdir(void)
{
	const char *dir = getenv("TW_SRCDIR");

	return dir ? dir : ".";
}

/* Reads a whole file into a new string; NULL when it cannot be read. */
static char *
read_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	char *buf = NULL;
	long len;

	if (fp == NULL)
		return NULL;
	if (fseek(fp, 0, SEEK_END) == 0 && (len = ftell(fp)) >= 0 &&
	    fseek(fp, 0, SEEK_SET) == 0 && (buf = malloc(len + 1)) != NULL) {
		if (fread(buf, 1, len, fp) != (size_t)len) {
			free(buf);
			buf = NULL;
		} else
			buf[len] = '\0';
	}
	fclose(fp);
	return buf;
}

/* Renders one case in one language into out; returns TW_OK or an error. */
static enum tw_err
render_case(const struct golden_case *gc, enum tw_lang lang, STRING *out)
{
	HDF *strings[TW_LANG_MAX], *hdf = NULL;
	char path[4096];
	enum tw_err err;

	snprintf(path, sizeof path, "%s/locale", srcdir());
	if ((err = tw_locale_load(path, strings)) != TW_OK)
		return err;
	err = tw_err_from_neo(hdf_init(&hdf), "hdf_init");
	snprintf(path, sizeof path, "%s/tests/golden/common.hdf", srcdir());
	if (err == TW_OK)
		err = tw_err_from_neo(hdf_read_file(hdf, path), path);
	snprintf(path, sizeof path, "%s/tests/golden/agent_staff.hdf",
	    srcdir());
	if (err == TW_OK && gc->intranet)
		err = tw_err_from_neo(hdf_read_file(hdf, path), path);
	snprintf(path, sizeof path, "%s/tests/golden/%s.hdf", srcdir(),
	    gc->fixture);
	if (err == TW_OK)
		err = tw_err_from_neo(hdf_read_file(hdf, path), path);
	if (err == TW_OK) {
		hdf_copy(hdf, "L", strings[lang]);
		hdf_set_value(hdf, "Page.Lang", tw_lang_code(lang));
		hdf_set_value(hdf, "Page.Dir",
		    lang == TW_LANG_AR ? "rtl" : "ltr");
		hdf_set_value(hdf, "Page.OtherLang",
		    lang == TW_LANG_AR ? "en" : "ar");
		snprintf(path, sizeof path, "%s/templates", srcdir());
		err = tw_render_hdf(hdf, path, gc->tmpl, out);
	}
	hdf_destroy(&hdf);
	tw_locale_free(strings);
	return err;
}

START_TEST(test_template_matches_golden)
{
	const struct golden_case *gc = &cases[_i / TW_LANG_MAX];
	enum tw_lang lang = (enum tw_lang)(_i % TW_LANG_MAX);
	char path[4096];
	char *expected;
	STRING out;
	FILE *fp;

	string_init(&out);
	ck_assert_int_eq(render_case(gc, lang, &out), TW_OK);
	ck_assert_ptr_nonnull(out.buf);
	/* The fixtures carry markup in values; it must come out escaped. */
	ck_assert_ptr_null(strstr(out.buf, "<script>alert"));
	/* Templates use no <b>; fixtures put it in names and notes. */
	ck_assert_msg(strstr(out.buf, "<b>") == NULL,
	    "%s renders a fixture's <b> unescaped", gc->tmpl);
	snprintf(path, sizeof path, "%s/tests/golden/%s.%s.html", srcdir(),
	    gc->fixture, tw_lang_code(lang));
	if (getenv("TW_GOLDEN_UPDATE") != NULL) {
		fp = fopen(path, "wb");
		ck_assert_ptr_nonnull(fp);
		fwrite(out.buf, 1, out.len, fp);
		fclose(fp);
	}
	expected = read_file(path);
	ck_assert_msg(expected != NULL, "missing golden file %s", path);
	ck_assert_msg(strcmp(expected, out.buf) == 0,
	    "%s differs from the rendered %s; rerun with TW_GOLDEN_UPDATE=1 "
	    "after a deliberate change",
	    path, gc->tmpl);
	free(expected);
	string_clear(&out);
}
END_TEST

START_TEST(test_missing_template_fails)
{
	HDF *hdf = NULL;
	STRING out;
	char path[4096];

	string_init(&out);
	ck_assert_ptr_null(hdf_init(&hdf));
	snprintf(path, sizeof path, "%s/templates", srcdir());
	ck_assert_int_eq(tw_render_hdf(hdf, path, "no-such.cs", &out),
	    TW_ERR_TEMPLATE);
	hdf_destroy(&hdf);
	string_clear(&out);
}
END_TEST

START_TEST(test_escaping_is_on_by_default)
{
	HDF *hdf = NULL;
	STRING out;
	char path[4096];

	string_init(&out);
	ck_assert_ptr_null(hdf_init(&hdf));
	hdf_set_value(hdf, "Page.Title", "<b>\"x\" & 'y'</b>");
	hdf_set_value(hdf, "Page.Message", "<script>alert(1)</script>");
	snprintf(path, sizeof path, "%s/templates", srcdir());
	ck_assert_int_eq(tw_render_hdf(hdf, path, "error.cs", &out), TW_OK);
	ck_assert_ptr_nonnull(strstr(out.buf,
	    "&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;"));
	ck_assert_ptr_null(strstr(out.buf, "<script>"));
	hdf_destroy(&hdf);
	string_clear(&out);
}
END_TEST

int
main(void)
{
	Suite *suite = suite_create("golden");
	TCase *tc = tcase_create("templates");
	SRunner *runner;
	int failed;

	tcase_add_loop_test(tc, test_template_matches_golden, 0,
	    (int)(sizeof cases / sizeof cases[0]) * TW_LANG_MAX);
	tcase_add_test(tc, test_missing_template_fails);
	tcase_add_test(tc, test_escaping_is_on_by_default);
	suite_add_tcase(suite, tc);
	runner = srunner_create(suite);
	srunner_run_all(runner, CK_NORMAL);
	failed = srunner_ntests_failed(runner);
	srunner_free(runner);
	return failed == 0 ? 0 : 1;
}
