"""Working-hours arithmetic of the tests, written apart from lib/sla.c so
that the tests check the C code against a second implementation.

Times are naive datetimes in UTC, as MariaDB returns them. The calendar
is the rows of work_week and holidays, in Asia/Muscat time (UTC+04:00,
Oman has no daylight saving time)."""
import datetime

import stack

MUSCAT = datetime.timedelta(hours=4)
FORMAT = "%Y-%m-%d %H:%M:%S"


def parse(text):
    return datetime.datetime.strptime(text, FORMAT)


def calendar():
    """Reads the working week and the holidays from the database: a dict
    weekday (Sunday 0) -> (opens, closes) as timedeltas, and a set of
    local dates."""
    week = {}
    for weekday, working, starts, ends in stack.sql(
            "SELECT weekday, is_working, TIME_TO_SEC(starts), TIME_TO_SEC(ends)"
            " FROM work_week"):
        if working == "1" and int(starts) < int(ends):
            week[int(weekday)] = (datetime.timedelta(seconds=int(starts)),
                                  datetime.timedelta(seconds=int(ends)))
    holidays = {datetime.date.fromisoformat(row[0])
                for row in stack.sql("SELECT day FROM holidays")}
    return week, holidays


def _windows(cal, start_local):
    """Yields the working windows (local opens, closes) from the day of
    start_local on."""
    week, holidays = cal
    day = start_local.date()
    for _ in range(20000):
        weekday = (day.isoweekday()) % 7  # isoweekday: Monday 1, Sunday 7
        midnight = datetime.datetime.combine(day, datetime.time())
        if weekday in week and day not in holidays:
            opens, closes = week[weekday]
            yield midnight + opens, midnight + closes
        day += datetime.timedelta(days=1)


def add_working(cal, start, seconds):
    """Returns the UTC time when seconds of working time from start end."""
    local = start + MUSCAT
    left = datetime.timedelta(seconds=seconds)
    if not left:
        return start
    for opens, closes in _windows(cal, local):
        begin = max(opens, local)
        if begin >= closes:
            continue
        if left <= closes - begin:
            return begin + left - MUSCAT
        left -= closes - begin
    raise AssertionError("no working time in the calendar")


def working_seconds(cal, start, end):
    """Returns the seconds of working time between two UTC times."""
    total = 0
    local_start, local_end = start + MUSCAT, end + MUSCAT
    for opens, closes in _windows(cal, local_start):
        if opens >= local_end:
            break
        overlap = min(closes, local_end) - max(opens, local_start)
        total += max(0, int(overlap.total_seconds()))
    return total


def due(cal, created, hours, urgent):
    """Returns the due time of an SLA of hours from created: wall clock
    when urgent, working hours otherwise."""
    if urgent:
        return created + datetime.timedelta(hours=hours)
    return add_working(cal, created, hours * 3600)
