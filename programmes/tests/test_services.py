import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import Event
from programmes import services
from programmes.modelfile import ModelFileError
from programmes.models import AcademicYear, Cohort, Course, Meeting, Programme, Term, YearStatus

SMALL = Path(__file__).parent / "data" / "small.yaml"
REFERENCE = Path(__file__).parents[1] / "data" / "coventry-2025-26.yaml"


@pytest.fixture
def reference_year(db):
    return services.model_load(path=REFERENCE, flagged=True).year


def test_it_loads_a_consistent_file_as_a_confirmed_year(db):
    result = services.model_load(path=SMALL)
    year = result.year
    assert result.problems == []
    assert year.status == YearStatus.CONFIRMED
    reset = Programme.objects.get(year=year, key="reset")
    assert reset.delivered_by.name == "Test AP Academy"
    assert [s.panel.key for s in reset.panel_steps.order_by("step")] == ["decision", "review"]
    assert reset.questions.get().considered_by.key == "decision"
    assert Meeting.objects.filter(panel__year=year).count() == 4
    cohort = Cohort.objects.get(name="Cohort 1")
    assert cohort.decided_at.panel.key == "decision"
    assert cohort.decided_at.date == dt.date(2025, 9, 30)
    assert Course.objects.get().provider.ukprn == "19990001"
    event = Event.objects.get(action="model.loaded")
    assert event.object_id == str(year.uuid)


def test_it_loads_nothing_when_the_file_has_problems(db):
    with pytest.raises(ModelFileError) as refused:
        services.model_load(path=REFERENCE)
    assert len(refused.value.problems) == 9
    assert not AcademicYear.objects.exists()
    assert not Event.objects.exists()


def test_it_loads_nothing_on_a_fatal_problem_even_when_asked_to_flag(db, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(SMALL.read_text().replace("route: provider", "route: by-post"))
    with pytest.raises(ModelFileError):
        services.model_load(path=broken, flagged=True)
    assert not AcademicYear.objects.exists()


def test_it_loads_the_reference_file_with_its_problems_flagged(reference_year):
    assert reference_year.name == "2025-26"
    assert reference_year.status == YearStatus.DRAFT
    flagged = Meeting.objects.filter(panel__year=reference_year).exclude(flags=[])
    assert {m.referral_deadline for m in flagged} == {
        dt.date(2025, 10, 8),
        dt.date(2025, 1, 14),
        dt.date(2026, 6, 14),
    }
    wrong_year = flagged.filter(referral_deadline=dt.date(2025, 1, 14)).first()
    assert any("Did you mean Wednesday 14 January 2026?" in f for f in wrong_year.flags)
    refocus = Programme.objects.get(year=reference_year, key="refocus")
    assert refocus.cohorts.count() == 3
    assert sum(c.capacity for c in refocus.cohorts.all()) == 75
    assert Programme.objects.get(year=reference_year, key="focus-11").flags
    assert Course.objects.filter(programme__year=reference_year).count() >= 30


def test_it_will_not_load_a_year_twice(reference_year):
    with pytest.raises(services.YearExists):
        services.model_load(path=REFERENCE, flagged=True)


def test_rollover_moves_every_date_to_the_same_weekday_of_the_matching_week(reference_year):
    new = services.academic_year_rollover(source=reference_year)
    assert new.name == "2026-27"
    assert (new.starts_on, new.ends_on) == (dt.date(2026, 9, 1), dt.date(2027, 8, 31))
    assert new.status == YearStatus.DRAFT
    assert new.rolled_over_from == reference_year
    old_meetings = Meeting.objects.filter(panel__year=reference_year).order_by(
        "referral_deadline", "panel__key"
    )
    new_meetings = Meeting.objects.filter(panel__year=new).order_by(
        "referral_deadline", "panel__key"
    )
    assert old_meetings.count() == new_meetings.count() == 22
    for old, moved in zip(old_meetings, new_meetings, strict=True):
        assert moved.referral_deadline - old.referral_deadline == dt.timedelta(weeks=52)
        assert moved.referral_deadline.weekday() == old.referral_deadline.weekday()
    first = new_meetings.filter(panel__key="multi-agency").first()
    assert (first.referral_deadline, first.date) == (dt.date(2026, 9, 16), dt.date(2026, 9, 29))
    cohort = Cohort.objects.get(programme__year=new, name="Cohort 1")
    assert cohort.starts_on == dt.date(2026, 10, 5)
    assert cohort.decided_at.date == dt.date(2026, 9, 29)
    assert Cohort.objects.filter(programme__year=new, name="Autumn 2026").exists()
    assert (
        Course.objects.filter(programme__year=new).count()
        == Course.objects.filter(programme__year=reference_year).count()
    )
    assert Event.objects.filter(action="model.rolled_over", object_id=str(new.uuid)).exists()


def test_rollover_checks_the_moved_dates_again(reference_year):
    new = services.academic_year_rollover(source=reference_year)
    spring = Term.objects.get(year=new, name="Spring term")
    # 27 March 2026 moves to Friday 26 March 2027: Good Friday.
    assert spring.ends_on == dt.date(2027, 3, 26)
    assert spring.flags == ["The term end, Friday 26 March 2027, is a bank holiday (Good Friday)."]
    # The document's wrong-year deadline is still wrong a year on, and still says so.
    stray = Meeting.objects.filter(panel__year=new, referral_deadline=dt.date(2026, 1, 13)).first()
    assert any("outside the academic year 2026-27" in f for f in stray.flags)
    # A date that was wrongly written keeps its doubt when it moves.
    moved = Meeting.objects.filter(panel__year=new, date=dt.date(2026, 10, 21)).first()
    assert moved.flags == [
        "In 2025-26: 'Tuesday 22 October 2025' does not match its weekday: 22 October 2025 is "
        "a Wednesday. Did you mean Tuesday 21 October 2025?"
    ]
    # Programmes are judged again in the new year.
    assert Programme.objects.get(year=new, key="focus-11").flags
    assert Programme.objects.get(year=new, key="refocus").flags == []


def test_rollover_refuses_a_year_that_exists(reference_year):
    services.academic_year_rollover(source=reference_year)
    with pytest.raises(services.YearExists):
        services.academic_year_rollover(source=reference_year)


def test_the_manager_confirms_a_draft_year(reference_year, cast):
    services.academic_year_confirm(year=reference_year, by=cast.manager)
    reference_year.refresh_from_db()
    assert reference_year.status == YearStatus.CONFIRMED
    event = Event.objects.get(action="model.confirmed")
    assert event.actor == cast.manager


@pytest.mark.parametrize("who", ["officer", "alice", "chair", "provider_staff"])
def test_only_the_manager_confirms_a_year(reference_year, cast, who):
    with pytest.raises(PermissionDenied):
        services.academic_year_confirm(year=reference_year, by=getattr(cast, who))
    reference_year.refresh_from_db()
    assert reference_year.status == YearStatus.DRAFT


def test_a_confirmed_year_cannot_be_confirmed_again(reference_year, cast):
    services.academic_year_confirm(year=reference_year, by=cast.manager)
    with pytest.raises(services.NotDraft):
        services.academic_year_confirm(year=reference_year, by=cast.manager)


def test_a_corrected_date_loses_its_flag(reference_year):
    meeting = Meeting.objects.filter(
        panel__year=reference_year, referral_deadline=dt.date(2025, 1, 14)
    ).first()
    meeting.referral_deadline = dt.date(2026, 1, 14)
    meeting.save()
    services.row_recheck(meeting)
    meeting.refresh_from_db()
    assert meeting.flags == []


def test_an_edited_cohort_is_checked_with_its_programme_s_places(reference_year):
    cohort = Cohort.objects.get(programme__year=reference_year, name="Cohort 3")
    cohort.capacity = 30
    cohort.save()
    services.row_recheck(cohort)
    refocus = Programme.objects.get(year=reference_year, key="refocus")
    assert refocus.flags == ["Its cohorts offer 80 places, but it has 75 a year."]


def test_rollover_keeps_the_manager_s_settings(reference_year):
    reference_year.over_allowance = "refuse"
    reference_year.allowance_warning_at = 5
    reference_year.risk_assessment_valid_days = 30
    reference_year.draft_reminder_days = 7
    reference_year.save()
    new = services.academic_year_rollover(source=reference_year)
    assert (
        new.over_allowance,
        new.allowance_warning_at,
        new.risk_assessment_valid_days,
        new.draft_reminder_days,
    ) == ("refuse", 5, 30, 7)


def test_the_file_sets_the_year_s_settings(reference_year):
    assert reference_year.over_allowance == "warn"
    assert reference_year.risk_assessment_valid_days == 90


def test_a_tier_s_early_help_steps_and_a_programme_s_year_groups_are_validated(reference_year):
    from django.core.exceptions import ValidationError

    tier = reference_year.tiers.get(number=2)
    tier.early_help_requires = ["offer"]
    with pytest.raises(ValidationError):
        tier.full_clean()
    programme = Programme.objects.get(year=reference_year, key="insight")
    programme.year_groups = "11"
    with pytest.raises(ValidationError):
        programme.full_clean()
