/*
 * check_casestate.c: unit tests of lib/casestate.c, the case lifecycle.
 *
 * The expectations come from the lifecycle policy. A case is closed only
 * after it was resolved and the resident confirmed it, and the resident's
 * survey response either closes or reopens a resolved case. Nothing
 * returns to "new", and a case in any state can still end closed.
 * The state names are those of the status column in sql/001_schema.sql.
 */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "tawasul.h"

#define NCASES(a) (sizeof(a) / sizeof((a)[0]))

struct name_case {
	enum tw_state state;
	const char *name;
};

static const struct name_case names[] = {
	{ TW_STATE_NEW, "new" },
	{ TW_STATE_REGISTERED, "registered" },
	{ TW_STATE_ASSIGNED, "assigned" },
	{ TW_STATE_IN_PROGRESS, "in_progress" },
	{ TW_STATE_RESOLVED, "resolved" },
	{ TW_STATE_CLOSED, "closed" },
	{ TW_STATE_REOPENED, "reopened" },
	{ TW_STATE_REFERRED, "referred" },
	{ TW_STATE_REJECTED, "rejected" },
};

START_TEST(test_state_names_match_schema)
{
	ck_assert_int_eq(NCASES(names), TW_STATE_MAX);
	ck_assert_str_eq(tw_state_name(names[_i].state), names[_i].name);
}
END_TEST

START_TEST(test_state_parse_round_trip)
{
	enum tw_state state = TW_STATE_MAX;

	ck_assert_int_eq(tw_state_parse(names[_i].name, &state), TW_OK);
	ck_assert_int_eq(state, names[_i].state);
}
END_TEST

static const char *const names_bad[] = {
	"",
	"New",
	"CLOSED",
	" new",
	"closed ",
	"in-progress",
	"in progress",
	"inprogress",
	"open",
	"unknown",
	"resolve",
	"rejected\n",
};

START_TEST(test_state_parse_rejects_unknown)
{
	enum tw_state state = TW_STATE_MAX;

	ck_assert_msg(tw_state_parse(names_bad[_i], &state) == TW_ERR_INPUT,
	    "accepted \"%s\"", names_bad[_i]);
	ck_assert_int_eq(state, TW_STATE_MAX);
}
END_TEST

START_TEST(test_state_name_out_of_range)
{
	enum tw_state state;

	ck_assert_str_eq(tw_state_name(TW_STATE_MAX), "unknown");
	ck_assert_str_eq(tw_state_name((enum tw_state) - 1), "unknown");
	ck_assert_str_eq(tw_state_name((enum tw_state)1000), "unknown");
	ck_assert_int_eq(tw_state_parse("unknown", &state), TW_ERR_INPUT);
}
END_TEST

START_TEST(test_move_closed_only_from_resolved)
{
	for (int from = 0; from < TW_STATE_MAX; from++)
		ck_assert_msg(tw_state_can_move(from, TW_STATE_CLOSED) ==
		        (from == TW_STATE_RESOLVED),
		    "%s -> closed", tw_state_name(from));
}
END_TEST

START_TEST(test_move_never_back_to_new)
{
	for (int from = 0; from < TW_STATE_MAX; from++)
		ck_assert_msg(!tw_state_can_move(from, TW_STATE_NEW),
		    "%s -> new allowed", tw_state_name(from));
}
END_TEST

START_TEST(test_move_resolved_awaits_resident)
{
	for (int to = 0; to < TW_STATE_MAX; to++) {
		int expected = to == TW_STATE_CLOSED || to == TW_STATE_REOPENED;

		ck_assert_msg(tw_state_can_move(TW_STATE_RESOLVED, to) ==
		        expected,
		    "resolved -> %s", tw_state_name(to));
	}
}
END_TEST

START_TEST(test_move_closed_only_reopens)
{
	for (int to = 0; to < TW_STATE_MAX; to++)
		ck_assert_msg(tw_state_can_move(TW_STATE_CLOSED, to) ==
		        (to == TW_STATE_REOPENED),
		    "closed -> %s", tw_state_name(to));
}
END_TEST

struct move_case {
	enum tw_state from;
	enum tw_state to;
};

/* The usual path of a case, a reopened case, a referral and a rejection. */
static const struct move_case moves_allowed[] = {
	{ TW_STATE_NEW, TW_STATE_REGISTERED },
	{ TW_STATE_REGISTERED, TW_STATE_ASSIGNED },
	{ TW_STATE_ASSIGNED, TW_STATE_IN_PROGRESS },
	{ TW_STATE_IN_PROGRESS, TW_STATE_RESOLVED },
	{ TW_STATE_RESOLVED, TW_STATE_CLOSED },
	{ TW_STATE_CLOSED, TW_STATE_REOPENED },
	{ TW_STATE_RESOLVED, TW_STATE_REOPENED },
	{ TW_STATE_REOPENED, TW_STATE_ASSIGNED },
	{ TW_STATE_REOPENED, TW_STATE_RESOLVED },
	{ TW_STATE_REGISTERED, TW_STATE_REFERRED },
	{ TW_STATE_NEW, TW_STATE_REJECTED },
	{ TW_STATE_REGISTERED, TW_STATE_REGISTERED }, /* new routing */
	{ TW_STATE_ASSIGNED, TW_STATE_ASSIGNED }, /* reassignment */
};

static const struct move_case moves_forbidden[] = {
	{ TW_STATE_NEW, TW_STATE_CLOSED },
	{ TW_STATE_NEW, TW_STATE_RESOLVED },
	{ TW_STATE_NEW, TW_STATE_REOPENED },
	{ TW_STATE_NEW, TW_STATE_NEW },
	{ TW_STATE_REGISTERED, TW_STATE_CLOSED },
	{ TW_STATE_IN_PROGRESS, TW_STATE_CLOSED },
	{ TW_STATE_REJECTED, TW_STATE_CLOSED },
	{ TW_STATE_REJECTED, TW_STATE_RESOLVED },
	{ TW_STATE_REFERRED, TW_STATE_CLOSED },
	{ TW_STATE_CLOSED, TW_STATE_CLOSED },
	{ TW_STATE_CLOSED, TW_STATE_IN_PROGRESS },
	{ TW_STATE_CLOSED, TW_STATE_REJECTED },
	{ TW_STATE_RESOLVED, TW_STATE_RESOLVED },
	{ TW_STATE_RESOLVED, TW_STATE_IN_PROGRESS },
	{ TW_STATE_REOPENED, TW_STATE_CLOSED },
};

START_TEST(test_move_allowed)
{
	const struct move_case *m = &moves_allowed[_i];

	ck_assert_msg(tw_state_can_move(m->from, m->to) == 1,
	    "%s -> %s forbidden", tw_state_name(m->from), tw_state_name(m->to));
}
END_TEST

START_TEST(test_move_forbidden)
{
	const struct move_case *m = &moves_forbidden[_i];

	ck_assert_msg(tw_state_can_move(m->from, m->to) == 0,
	    "%s -> %s allowed", tw_state_name(m->from), tw_state_name(m->to));
}
END_TEST

START_TEST(test_move_out_of_range)
{
	const enum tw_state outside[] = { TW_STATE_MAX, (enum tw_state) - 1,
		(enum tw_state)1000 };

	for (size_t k = 0; k < NCASES(outside); k++)
		for (int s = 0; s < TW_STATE_MAX; s++) {
			ck_assert_int_eq(tw_state_can_move(outside[k], s), 0);
			ck_assert_int_eq(tw_state_can_move(s, outside[k]), 0);
		}
	ck_assert_int_eq(tw_state_can_move(TW_STATE_MAX, TW_STATE_MAX), 0);
}
END_TEST

/* Marks in seen every state reachable from start, start included. */
static void
mark_reachable(enum tw_state start, int seen[TW_STATE_MAX])
{
	seen[start] = 1;
	for (int to = 0; to < TW_STATE_MAX; to++)
		if (!seen[to] && tw_state_can_move(start, to))
			mark_reachable(to, seen);
}

START_TEST(test_every_state_reachable)
{
	int seen[TW_STATE_MAX] = { 0 };

	mark_reachable(TW_STATE_NEW, seen);
	for (int s = 0; s < TW_STATE_MAX; s++)
		ck_assert_msg(seen[s], "%s unreachable from new",
		    tw_state_name(s));
}
END_TEST

START_TEST(test_every_case_can_close)
{
	for (int from = 0; from < TW_STATE_MAX; from++) {
		int seen[TW_STATE_MAX] = { 0 };

		mark_reachable(from, seen);
		ck_assert_msg(seen[TW_STATE_CLOSED], "%s can never be closed",
		    tw_state_name(from));
	}
}
END_TEST

/* Referring and taking back: who may, and from which state. */
static const struct {
	enum tw_role role;
	long long staff_dir;
	enum tw_action action;
	enum tw_state from;
	int allowed;
} referrals[] = {
	{ TW_ROLE_SUPERVISOR, 0, TW_ACT_REFER, TW_STATE_REGISTERED, 1 },
	{ TW_ROLE_OFFICER, 7, TW_ACT_REFER, TW_STATE_IN_PROGRESS, 1 },
	{ TW_ROLE_HEAD, 7, TW_ACT_REFER, TW_STATE_ASSIGNED, 1 },
	{ TW_ROLE_OFFICER, 8, TW_ACT_REFER, TW_STATE_REGISTERED, 0 },
	{ TW_ROLE_AGENT, 0, TW_ACT_REFER, TW_STATE_REGISTERED, 0 },
	{ TW_ROLE_EXECUTIVE, 0, TW_ACT_REFER, TW_STATE_REGISTERED, 0 },
	{ TW_ROLE_FIELD, 7, TW_ACT_REFER, TW_STATE_IN_PROGRESS, 0 },
	{ TW_ROLE_SUPERVISOR, 0, TW_ACT_REFER, TW_STATE_REFERRED, 0 },
	{ TW_ROLE_SUPERVISOR, 0, TW_ACT_REFER, TW_STATE_RESOLVED, 0 },
	{ TW_ROLE_SUPERVISOR, 0, TW_ACT_RESUME, TW_STATE_REFERRED, 1 },
	{ TW_ROLE_OFFICER, 7, TW_ACT_RESUME, TW_STATE_REFERRED, 1 },
	{ TW_ROLE_SUPERVISOR, 0, TW_ACT_RESUME, TW_STATE_REGISTERED, 0 },
	{ TW_ROLE_SUPERVISOR, 0, TW_ACT_RESUME, TW_STATE_ASSIGNED, 0 },
	{ TW_ROLE_AGENT, 0, TW_ACT_RESUME, TW_STATE_REFERRED, 0 },
	{ TW_ROLE_OFFICER, 8, TW_ACT_RESUME, TW_STATE_REFERRED, 0 },
	{ TW_ROLE_SUPERVISOR, 0, TW_ACT_RESOLVE, TW_STATE_REFERRED, 1 },
};

START_TEST(test_referral_allowed)
{
	struct tw_staff staff = { .role = referrals[_i].role,
		.directorate_id = referrals[_i].staff_dir };

	ck_assert_msg(tw_action_allowed(&staff, referrals[_i].action,
	                  referrals[_i].from, 7) == referrals[_i].allowed,
	    "%s %s from %s: expected %d", tw_role_name(referrals[_i].role),
	    tw_action_name(referrals[_i].action),
	    tw_state_name(referrals[_i].from), referrals[_i].allowed);
}
END_TEST

START_TEST(test_referral_names_parse)
{
	enum tw_action action;

	ck_assert_int_eq(tw_action_parse("refer", &action), TW_OK);
	ck_assert_int_eq(action, TW_ACT_REFER);
	ck_assert_int_eq(tw_action_parse("resume", &action), TW_OK);
	ck_assert_int_eq(action, TW_ACT_RESUME);
	ck_assert_str_eq(tw_action_name(TW_ACT_REFER), "refer");
	ck_assert_str_eq(tw_action_name(TW_ACT_RESUME), "resume");
}
END_TEST

static Suite *
casestate_suite(void)
{
	Suite *s = suite_create("casestate");
	TCase *tc;

	tc = tcase_create("names");
	tcase_add_loop_test(tc, test_state_names_match_schema, 0,
	    NCASES(names));
	tcase_add_loop_test(tc, test_state_parse_round_trip, 0, NCASES(names));
	tcase_add_loop_test(tc, test_state_parse_rejects_unknown, 0,
	    NCASES(names_bad));
	tcase_add_test(tc, test_state_name_out_of_range);
	suite_add_tcase(s, tc);

	tc = tcase_create("moves");
	tcase_add_test(tc, test_move_closed_only_from_resolved);
	tcase_add_test(tc, test_move_never_back_to_new);
	tcase_add_test(tc, test_move_resolved_awaits_resident);
	tcase_add_test(tc, test_move_closed_only_reopens);
	tcase_add_loop_test(tc, test_move_allowed, 0, NCASES(moves_allowed));
	tcase_add_loop_test(tc, test_move_forbidden, 0,
	    NCASES(moves_forbidden));
	tcase_add_test(tc, test_move_out_of_range);
	tcase_add_test(tc, test_every_state_reachable);
	tcase_add_test(tc, test_every_case_can_close);
	suite_add_tcase(s, tc);

	tc = tcase_create("referrals");
	tcase_add_loop_test(tc, test_referral_allowed, 0, NCASES(referrals));
	tcase_add_test(tc, test_referral_names_parse);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(casestate_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
