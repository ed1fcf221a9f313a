/*
 * check_sla.c: unit tests of lib/sla.c, due times in working hours.
 *
 * The calendar is the default of sql/008_sla.sql: Sunday to Thursday,
 * 07:30 to 14:30 Asia/Muscat (UTC+04:00), 7 working hours a day. The
 * dates are in December 2026, where the 3rd is a Thursday. Each expected
 * value was worked out by hand in the comment above it.
 */
#include <stdlib.h>
#include <time.h>

#include <check.h>

#include "tawasul.h"

#define HOUR 3600L

/* The UTC time_t of a Muscat local time in December 2026. */
static time_t
muscat(int day, int hour, int minute)
{
	struct tm tm = { 0 };

	tm.tm_year = 2026 - 1900;
	tm.tm_mon = 11;
	tm.tm_mday = day;
	tm.tm_hour = hour;
	tm.tm_min = minute;
	return timegm(&tm) - 4 * HOUR;
}

/* The local day number of a December 2026 day, for the holiday list. */
static long
day_number(int day)
{
	return (long)((muscat(day, 12, 0) + 4 * HOUR) / 86400);
}

static long holidays[2];

/* The default calendar, with up to two holidays (0 for none). */
static struct tw_sla_calendar
calendar(int holiday1, int holiday2)
{
	struct tw_sla_calendar cal = { 0 };

	for (int wd = 0; wd < 7; wd++) {
		cal.week[wd].working = wd <= 4;
		cal.week[wd].starts = 7 * HOUR + 30 * 60;
		cal.week[wd].ends = 14 * HOUR + 30 * 60;
	}
	if (holiday1 > 0)
		holidays[cal.nholidays++] = day_number(holiday1);
	if (holiday2 > 0)
		holidays[cal.nholidays++] = day_number(holiday2);
	cal.holidays = holidays;
	return cal;
}

static time_t
due(const struct tw_sla_calendar *cal, time_t start, long long hours)
{
	time_t out = 0;

	ck_assert_int_eq(tw_sla_due(cal, start, hours, 0, &out), TW_OK);
	return out;
}

/* Thursday 13:00 + 4 h: 1.5 h on Thursday until 14:30, Friday and
 * Saturday are the weekend, 2.5 h from Sunday 07:30 end at 10:00. */
START_TEST(test_due_thursday_afternoon)
{
	struct tw_sla_calendar cal = calendar(0, 0);

	ck_assert_int_eq(due(&cal, muscat(3, 13, 0), 4), muscat(6, 10, 0));
}
END_TEST

/* Friday 09:00 + 3 h: nothing counts until Sunday 07:30; 07:30 + 3 h is
 * 10:30. */
START_TEST(test_due_from_friday)
{
	struct tw_sla_calendar cal = calendar(0, 0);

	ck_assert_int_eq(due(&cal, muscat(4, 9, 0), 3), muscat(6, 10, 30));
}
END_TEST

/* Monday 06:00 + 2 h: the clock starts at 07:30 and ends at 09:30. */
START_TEST(test_due_before_opening)
{
	struct tw_sla_calendar cal = calendar(0, 0);

	ck_assert_int_eq(due(&cal, muscat(7, 6, 0), 2), muscat(7, 9, 30));
}
END_TEST

/* Monday 15:00 + 2 h: after closing, so Tuesday 07:30 + 2 h = 09:30. */
START_TEST(test_due_after_closing)
{
	struct tw_sla_calendar cal = calendar(0, 0);

	ck_assert_int_eq(due(&cal, muscat(7, 15, 0), 2), muscat(8, 9, 30));
}
END_TEST

/* Thursday 07:30 + 7 h is the whole day: due at Thursday's closing,
 * 14:30, not at Sunday's opening. */
START_TEST(test_due_exactly_at_closing)
{
	struct tw_sla_calendar cal = calendar(0, 0);

	ck_assert_int_eq(due(&cal, muscat(3, 7, 30), 7), muscat(3, 14, 30));
}
END_TEST

/* Monday 13:30 + 3 h with Tuesday the 8th a holiday: 1 h on Monday,
 * none on Tuesday, 2 h from Wednesday 07:30 end at 09:30. */
START_TEST(test_due_across_holiday)
{
	struct tw_sla_calendar cal = calendar(8, 0);

	ck_assert_int_eq(due(&cal, muscat(7, 13, 30), 3), muscat(9, 9, 30));
}
END_TEST

/* Thursday 13:00 + 4 h with Sunday the 6th a holiday: 1.5 h on
 * Thursday, then the weekend and the holiday, 2.5 h from Monday 07:30
 * end at 10:00. */
START_TEST(test_due_holiday_on_sunday)
{
	struct tw_sla_calendar cal = calendar(6, 0);

	ck_assert_int_eq(due(&cal, muscat(3, 13, 0), 4), muscat(7, 10, 0));
}
END_TEST

/* Two holidays in a row, Sunday and Monday: Thursday 13:00 + 4 h ends
 * on Tuesday the 8th at 10:00. The holiday list must be sorted. */
START_TEST(test_due_two_holidays)
{
	struct tw_sla_calendar cal = calendar(6, 7);

	ck_assert_int_eq(due(&cal, muscat(3, 13, 0), 4), muscat(8, 10, 0));
}
END_TEST

/* 48 working hours from Sunday 07:30 are 6 whole days (42 h) and 6 h:
 * Sunday 6th to Thursday 10th and Sunday 13th are the 6 days, and
 * Monday 14th 07:30 + 6 h = 13:30. */
START_TEST(test_due_multi_day)
{
	struct tw_sla_calendar cal = calendar(0, 0);

	ck_assert_int_eq(due(&cal, muscat(6, 7, 30), 48), muscat(14, 13, 30));
}
END_TEST

/* 168 h (a week of wall clock) are 24 working days: 4 weeks and 4
 * days from Sunday 6th 07:30 are the days up to Wednesday 6 January
 * 2027, which end at 14:30. */
START_TEST(test_due_168_hours)
{
	struct tw_sla_calendar cal = calendar(0, 0);
	time_t jan6 = muscat(31, 14, 30) + 6 * 24 * HOUR;

	ck_assert_int_eq(due(&cal, muscat(6, 7, 30), 168), jan6);
}
END_TEST

/* Urgent cases count wall-clock hours: Thursday 13:00 + 4 h is 17:00,
 * and Friday 22:00 + 24 h is Saturday 22:00, weekend or not. */
START_TEST(test_due_continuous)
{
	struct tw_sla_calendar cal = calendar(0, 0);
	time_t out = 0;

	ck_assert_int_eq(tw_sla_due(&cal, muscat(3, 13, 0), 4, 1, &out), TW_OK);
	ck_assert_int_eq(out, muscat(3, 17, 0));
	ck_assert_int_eq(tw_sla_due(&cal, muscat(4, 22, 0), 24, 1, &out),
	    TW_OK);
	ck_assert_int_eq(out, muscat(5, 22, 0));
}
END_TEST

/* Zero hours are due at the start, even outside working hours. */
START_TEST(test_due_zero_hours)
{
	struct tw_sla_calendar cal = calendar(0, 0);

	ck_assert_int_eq(due(&cal, muscat(4, 9, 0), 0), muscat(4, 9, 0));
}
END_TEST

/* Thursday 13:00 to Sunday 10:00 hold 1.5 h + 2.5 h = 4 h of work. */
START_TEST(test_working_seconds_weekend)
{
	struct tw_sla_calendar cal = calendar(0, 0);

	ck_assert_int_eq(tw_sla_working_seconds(&cal, muscat(3, 13, 0),
	                     muscat(6, 10, 0)),
	    4 * HOUR);
}
END_TEST

/* Friday to Saturday and a span that ends before it starts hold none. */
START_TEST(test_working_seconds_none)
{
	struct tw_sla_calendar cal = calendar(0, 0);

	ck_assert_int_eq(tw_sla_working_seconds(&cal, muscat(4, 8, 0),
	                     muscat(5, 20, 0)),
	    0);
	ck_assert_int_eq(tw_sla_working_seconds(&cal, muscat(7, 10, 0),
	                     muscat(7, 9, 0)),
	    0);
}
END_TEST

/* A case due Sunday 10:00 is paused Wednesday 14:00 and resumed Sunday
 * 08:00: 0.5 h on Wednesday, 7 h on Thursday and 0.5 h on Sunday make
 * 8 h. The new due time is 8 working hours after Sunday 10:00: 4.5 h
 * to 14:30, then Monday 07:30 + 3.5 h = 11:00. */
START_TEST(test_pause_resume)
{
	struct tw_sla_calendar cal = calendar(0, 0);
	long long paused;
	time_t out = 0;

	paused =
	    tw_sla_paused_seconds(&cal, muscat(2, 14, 0), muscat(6, 8, 0), 0);
	ck_assert_int_eq(paused, 8 * HOUR);
	ck_assert_int_eq(tw_sla_add(&cal, muscat(6, 10, 0), paused, &out),
	    TW_OK);
	ck_assert_int_eq(out, muscat(7, 11, 0));
}
END_TEST

/* An urgent case paused Thursday 13:00 and resumed Sunday 08:00 stood
 * still 67 wall-clock hours. */
START_TEST(test_pause_continuous)
{
	struct tw_sla_calendar cal = calendar(0, 0);

	ck_assert_int_eq(tw_sla_paused_seconds(&cal, muscat(3, 13, 0),
	                     muscat(6, 8, 0), 1),
	    67 * HOUR);
}
END_TEST

START_TEST(test_due_negative_hours)
{
	struct tw_sla_calendar cal = calendar(0, 0);
	time_t out = 0;

	ck_assert_int_eq(tw_sla_due(&cal, muscat(3, 9, 0), -1, 0, &out),
	    TW_ERR_INPUT);
	ck_assert_int_eq(tw_sla_due(&cal, muscat(3, 9, 0), -1, 1, &out),
	    TW_ERR_INPUT);
	ck_assert_int_eq(tw_sla_add(&cal, muscat(3, 9, 0), -1, &out),
	    TW_ERR_INPUT);
}
END_TEST

/* A week without a working day must fail, not loop for ever. */
START_TEST(test_due_no_working_day)
{
	struct tw_sla_calendar cal = { 0 };
	time_t out = 0;

	ck_assert_int_eq(tw_sla_due(&cal, muscat(3, 9, 0), 4, 0, &out),
	    TW_ERR_INPUT);
	ck_assert_int_eq(tw_sla_working_seconds(&cal, muscat(3, 9, 0),
	                     muscat(6, 9, 0)),
	    -1);
	ck_assert_int_eq(tw_sla_due(NULL, muscat(3, 9, 0), 4, 0, &out),
	    TW_ERR_INPUT);
}
END_TEST

/* A working day whose hours close before they open has no working
 * time; with only such days the calendar is invalid. */
START_TEST(test_due_empty_hours)
{
	struct tw_sla_calendar cal = calendar(0, 0);
	time_t out = 0;

	for (int wd = 0; wd < 7; wd++)
		cal.week[wd].ends = cal.week[wd].starts;
	ck_assert_int_eq(tw_sla_due(&cal, muscat(3, 9, 0), 4, 0, &out),
	    TW_ERR_INPUT);
}
END_TEST

/* Hours outside a day are rejected. */
START_TEST(test_due_hours_out_of_day)
{
	struct tw_sla_calendar cal = calendar(0, 0);
	time_t out = 0;

	cal.week[0].ends = 25 * HOUR;
	ck_assert_int_eq(tw_sla_due(&cal, muscat(3, 9, 0), 4, 0, &out),
	    TW_ERR_INPUT);
}
END_TEST

START_TEST(test_continuous_categories)
{
	ck_assert_int_eq(tw_sla_continuous("urgent", 0), 1);
	ck_assert_int_eq(tw_sla_continuous("urgent", 1), 1);
	ck_assert_int_eq(tw_sla_continuous("high", 1), 1);
	ck_assert_int_eq(tw_sla_continuous("high", 0), 0);
	ck_assert_int_eq(tw_sla_continuous("normal", 0), 0);
	ck_assert_int_eq(tw_sla_continuous(NULL, 0), 0);
}
END_TEST

START_TEST(test_format_utc)
{
	char out[20];

	tw_sla_format(muscat(3, 13, 0), out);
	ck_assert_str_eq(out, "2026-12-03 09:00:00");
}
END_TEST

static Suite *
sla_suite(void)
{
	Suite *s = suite_create("sla");
	TCase *tc;

	tc = tcase_create("due");
	tcase_add_test(tc, test_due_thursday_afternoon);
	tcase_add_test(tc, test_due_from_friday);
	tcase_add_test(tc, test_due_before_opening);
	tcase_add_test(tc, test_due_after_closing);
	tcase_add_test(tc, test_due_exactly_at_closing);
	tcase_add_test(tc, test_due_across_holiday);
	tcase_add_test(tc, test_due_holiday_on_sunday);
	tcase_add_test(tc, test_due_two_holidays);
	tcase_add_test(tc, test_due_multi_day);
	tcase_add_test(tc, test_due_168_hours);
	tcase_add_test(tc, test_due_continuous);
	tcase_add_test(tc, test_due_zero_hours);
	suite_add_tcase(s, tc);

	tc = tcase_create("pause");
	tcase_add_test(tc, test_working_seconds_weekend);
	tcase_add_test(tc, test_working_seconds_none);
	tcase_add_test(tc, test_pause_resume);
	tcase_add_test(tc, test_pause_continuous);
	suite_add_tcase(s, tc);

	tc = tcase_create("bad");
	tcase_add_test(tc, test_due_negative_hours);
	tcase_add_test(tc, test_due_no_working_day);
	tcase_add_test(tc, test_due_empty_hours);
	tcase_add_test(tc, test_due_hours_out_of_day);
	tcase_add_test(tc, test_continuous_categories);
	tcase_add_test(tc, test_format_utc);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(sla_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
