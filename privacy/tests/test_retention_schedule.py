"""The retention schedule as data: the shipped file is sound and says what the shared
reference says, with its source; a wrong file stops start-up and fails `manage.py check`;
the daily job is registered."""

import datetime as dt
import tomllib

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from privacy import retention
from scheduling.registry import registered

SHIPPED = tomllib.loads(retention.SCHEDULE_FILE.read_text())


def test_the_shipped_schedule_is_sound_and_covers_every_kind():
    assert retention.schedule_problems(SHIPPED) == []
    assert set(retention.schedule().entries) == set(retention.KINDS)


@pytest.mark.parametrize(
    ("kind", "years", "action", "certainty", "quoted"),
    [
        # statutory.md §4: "Pupil records (LA)": until the 25th birthday [V-LA]
        ("student_record", 25, "anonymise", "V-LA", "25th birthday"),
        # statutory.md §4: "SEN files / EHCP": date of birth + 31 years [S]
        ("student_record_sen", 31, "anonymise", "S", "+ 31 years"),
        # "unless looked after … further retention periods apply": none given, so review
        ("student_record_looked_after", 25, "review", "U", "looked after"),
        # statutory.md §4: "Child protection information": DOB + 25 years, then review [S]
        ("safeguarding_concerns", 25, "review", "S", "then review"),
        # not in statutory.md: the issue's own periods, marked as local decisions
        ("draft_application", 1, "delete", "local", "statutory.md says nothing"),
        ("audit_events", 6, "delete", "local", "no period for audit logs"),
    ],
)
def test_each_period_is_the_references_with_its_source(kind, years, action, certainty, quoted):
    entry = retention.schedule()[kind]
    assert (entry.years, entry.action, entry.certainty) == (years, action, certainty)
    assert quoted in entry.source
    assert entry.source.startswith(("statutory.md", "Issue 16"))


def test_registers_are_kept_beyond_their_six_year_minimum():
    marks = retention.schedule()["marks"]
    assert marks.clock == "student_record" and "at least 6 years" in marks.source
    # AP ends by 17 at the latest: 25 - 17 = 8 years after the last session.
    assert retention.schedule()["student_record"].years - 17 >= 6


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda d: d["record"].pop(), "audit_events: missing from the schedule."),
        (
            lambda d: d["record"][0].update(action="delete"),
            "student_record: the action must be one of anonymise, review.",
        ),
        (
            lambda d: d["record"][0].update(clock="last_change"),
            "student_record: its clock must be date_of_birth",
        ),
        (lambda d: d["record"][0].pop("years"), "student_record: years must be a whole number"),
        (lambda d: d["record"][0].update(years=0), "student_record: years must be a whole number"),
        (lambda d: d["record"][0].pop("source"), "student_record: source is missing."),
        (
            lambda d: d["record"][3].update(years=2),
            "carers: it follows the student's record, so it has no years.",
        ),
        (lambda d: d["record"].append(dict(d["record"][0])), "student_record: appears twice."),
        (lambda d: d["record"][0].update(certainty="sure"), "certainty must be one of"),
        (lambda d: d["record"][0].update(kind="pets"), "pets: not a kind of record"),
    ],
)
def test_a_wrong_schedule_is_refused_with_the_problem_named(change, problem):
    data = tomllib.loads(retention.SCHEDULE_FILE.read_text())
    change(data)
    assert any(problem in found for found in retention.schedule_problems(data))


def test_a_broken_file_fails_the_system_check(tmp_path, monkeypatch):
    broken = tmp_path / "retention.toml"
    broken.write_text(retention.SCHEDULE_FILE.read_text().replace("years = 31", "years = -1"))
    monkeypatch.setattr(retention, "SCHEDULE_FILE", broken)
    monkeypatch.setattr(retention.schedule_read, "__defaults__", (broken,))
    with pytest.raises(ImproperlyConfigured, match="student_record_sen: years"):
        retention.schedule_read(broken)
    errors = retention.schedule_check()
    assert [e.id for e in errors] == ["privacy.E001"]
    with pytest.raises(Exception, match=r"privacy\.E001"):
        call_command("check")


def test_a_birthday_on_29_february_comes_on_1_march():
    assert retention.years_after(dt.date(2008, 2, 29), 25) == dt.date(2033, 3, 1)
    assert retention.years_before(dt.date(2033, 2, 28), 25) == dt.date(2008, 2, 28)
    assert retention.years_before(dt.date(2033, 3, 1), 25) == dt.date(2008, 3, 1)


def test_the_daily_job_is_registered_with_its_command():
    job = registered()["apply_retention"]
    assert job.command == "apply_retention"
    assert job.when.words() == "Every day at 2:30am"
