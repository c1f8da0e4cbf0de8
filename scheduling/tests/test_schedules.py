"""When a job runs: times of day on working days, every few minutes within hours of the
day, and days an app works out; all in UK time, across clock changes and bank holidays."""

import datetime as dt
import itertools

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from scheduling import registry
from scheduling.registry import Daily, Every, Job, OnDays


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


FRIDAY = dt.date(2026, 11, 27)
MONDAY = dt.date(2026, 11, 30)


def test_a_daily_job_skips_weekends_and_bank_holidays():
    seven = Daily(times=(dt.time(7, 0),))
    assert seven.next_after(at(FRIDAY, 6, 59)) == at(FRIDAY, 7)
    assert seven.next_after(at(FRIDAY, 7)) == at(MONDAY, 7)  # strictly after
    # Christmas Day is a Friday in 2026; Boxing Day's holiday is on Monday 28 December.
    assert seven.next_after(at(dt.date(2026, 12, 24), 8)) == at(dt.date(2026, 12, 29), 7)
    assert Daily(times=(dt.time(7, 0),), working_days=False).next_after(at(FRIDAY, 8)) == at(
        dt.date(2026, 11, 28), 7
    )


def test_a_daily_job_takes_its_next_time_of_the_day():
    twice = Daily(times=(dt.time(13, 0), dt.time(6, 0)))
    assert twice.next_after(at(MONDAY, 10)) == at(MONDAY, 13)
    assert twice.next_after(at(MONDAY, 13, 30)) == at(dt.date(2026, 12, 1), 6)
    assert twice.words() == "Working days at 6am and 1pm"


def test_a_job_every_few_minutes_runs_within_its_hours():
    sweep = Every(minutes=5, start=dt.time(8, 45), end=dt.time(16, 0), working_days=True)
    assert sweep.next_after(at(MONDAY, 7)) == at(MONDAY, 8, 45)
    assert sweep.next_after(at(MONDAY, 8, 47)) == at(MONDAY, 8, 50)
    assert sweep.next_after(at(MONDAY, 8, 50)) == at(MONDAY, 8, 55)
    assert sweep.next_after(at(MONDAY, 15, 55)) == at(MONDAY, 16)
    assert sweep.next_after(at(FRIDAY, 16)) == at(MONDAY, 8, 45)
    assert sweep.words() == "Every 5 minutes from 8:45am to 4pm on working days"


def test_a_job_every_few_minutes_keeps_its_spacing_when_the_clocks_go_back():
    every = Every(minutes=5)
    moment = at(dt.date(2026, 10, 25), 0, 30)  # the clocks go back at 2am BST
    times = []
    for _ in range(40):
        moment = every.next_after(moment)
        times.append(moment)
    utc = [moment.astimezone(dt.UTC) for moment in times]
    gaps = {later - earlier for earlier, later in itertools.pairwise(utc)}
    assert gaps == {dt.timedelta(minutes=5)}
    assert times[0] == at(dt.date(2026, 10, 25), 0, 35)
    assert timezone.localtime(times[-1]).strftime("%H:%M %Z") == "02:50 GMT"  # 40 steps on
    assert every.words() == "Every 5 minutes"


def test_a_job_every_few_minutes_all_day_goes_past_midnight():
    every = Every(minutes=5)
    assert every.next_after(at(MONDAY, 23, 58)) == at(dt.date(2026, 12, 1), 0)


def test_a_job_on_days_an_app_works_out():
    days = [dt.date(2026, 12, 21), dt.date(2027, 4, 6)]

    def next_day(on_or_after):
        return next((day for day in days if day >= on_or_after), None)

    after_term = OnDays(next_day=next_day, at=dt.time(6, 30), description="after each term")
    assert after_term.next_after(at(MONDAY, 9)) == at(days[0], 6, 30)
    assert after_term.next_after(at(days[0], 6, 30)) == at(days[1], 6, 30)
    assert after_term.next_after(at(days[1], 7)) is None
    assert after_term.words() == "On after each term, at 6:30am"


def test_a_job_runs_at_most_once_a_minute():
    with pytest.raises(ImproperlyConfigured):
        Every(minutes=0)


def test_two_jobs_may_not_share_a_name(monkeypatch):
    monkeypatch.setattr(registry, "_JOBS", {})
    first = Job(name="a", description="A", when=Every(minutes=5), command="check")
    registry.register(first)
    registry.register(first)  # the same job again is harmless
    with pytest.raises(ImproperlyConfigured, match="Two scheduled jobs"):
        registry.register(Job(name="a", description="B", when=Every(minutes=5), command="check"))


def test_every_apps_periodic_command_is_registered():
    jobs = registry.registered()
    assert {name: job.command for name, job in jobs.items()} == {
        "apply_managed_moves": "apply_managed_moves",
        "apply_retention": "apply_retention",
        "delete_expired_subject_access": "delete_expired_subject_access",
        "escalate_concerns": "escalate_concerns",
        "make_statements": "make_statements",
        "make_termly_reports": "make_termly_reports",
        "mark_overdue_notices": "mark_overdue_notices",
        "remind_expiring_evidence": "remind_expiring_evidence",
        "remind_old_drafts": "remind_old_drafts",
        "run_access_reviews": "run_access_reviews",
        "sweep_attendance": "sweep_attendance",
    }
