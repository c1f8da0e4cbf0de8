import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from audit.models import Event
from programmes import services
from programmes.modelfile import ModelFileError
from programmes.models import (
    AcademicYear,
    ChargingRules,
    Cohort,
    Course,
    EarlyExitCharge,
    Meeting,
    Payment,
    Programme,
    Rounding,
    Subscription,
    Term,
    WithdrawalCharge,
    YearStatus,
)

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
    tier = reference_year.tiers.get(number=2)
    tier.early_help_requires = ["offer"]
    with pytest.raises(ValidationError):
        tier.full_clean()
    programme = Programme.objects.get(year=reference_year, key="insight")
    programme.year_groups = "11"
    with pytest.raises(ValidationError):
        programme.full_clean()


# --- the service level agreement and charging ---------------------------------------------

BANDS = """
agreement:
  price: 12000.00
  bands:
    - {name: Fewer than 600 pupils, price: 9000.00}
    - {name: 600 pupils or more, price: 12500.50}
  includes: [a SEMHL practitioner in school half a day a week]
charging:
  early_exit: in_full
  withdrawn_before_start: fixed
  withdrawal_charge: 75.00
  over_allowance_charge: 250.00
  agreement_charged_in: Spring term
"""


@pytest.fixture
def banded_year(db, tmp_path):
    path = tmp_path / "banded.yaml"
    path.write_text(SMALL.read_text() + BANDS)
    return services.model_load(path=path).year


def test_the_reference_year_is_saved_with_its_agreement_and_one_set_of_charging_rules(
    reference_year,
):
    assert reference_year.agreement_price_pence == 1200000
    assert len(reference_year.agreement_includes) >= 10
    assert not reference_year.agreement_bands.exists()
    rules = ChargingRules.objects.get(year=reference_year)
    assert (rules.payment, rules.over_allowance_charge_pence, rules.agreement_charged_in) == (
        Payment.AUTHORITY_PAYS,
        25000,
        1,
    )


def test_a_year_loaded_without_charging_rules_has_the_defaults(db):
    year = services.model_load(path=SMALL).year
    rules = ChargingRules.objects.get(year=year)
    assert (
        rules.payment,
        rules.early_exit,
        rules.rounding,
        rules.withdrawn_before_start,
        rules.withdrawal_charge_pence,
        rules.over_allowance_charge_pence,
        rules.agreement_charged_in,
    ) == (
        Payment.AUTHORITY_PAYS,
        EarlyExitCharge.WEEKS_DELIVERED,
        Rounding.NEAREST,
        WithdrawalCharge.NOTHING,
        0,
        0,
        1,
    )
    assert year.agreement_price_pence == 0
    assert year.agreement_includes == []


def test_the_bands_are_saved_in_the_file_s_order(banded_year):
    assert [(b.name, b.price_pence) for b in banded_year.agreement_bands.all()] == [
        ("Fewer than 600 pupils", 900000),
        ("600 pupils or more", 1250050),
    ]
    rules = banded_year.charging
    assert (rules.withdrawal_charge_pence, rules.agreement_charged_in) == (7500, 2)


def test_it_loads_nothing_on_a_bad_amount_even_when_asked_to_flag(db, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text(SMALL.read_text() + BANDS.replace("9000.00", "9000.001"))
    with pytest.raises(ModelFileError) as refused:
        services.model_load(path=broken, flagged=True)
    (problem,) = refused.value.problems
    assert problem.where == "agreement bands row 1, price"
    assert not AcademicYear.objects.exists()
    assert not ChargingRules.objects.exists()


def test_rollover_carries_the_agreement_and_charging_rules_but_not_subscriptions(banded_year, cast):
    banded_year.charging.rounding = Rounding.UP
    banded_year.charging.save()
    Subscription.objects.create(
        year=banded_year,
        school=cast.school_a,
        tier1_placements=15,
        band=banded_year.agreement_bands.first(),
        price_pence=900000,
    )
    new = services.academic_year_rollover(source=banded_year)
    assert new.agreement_price_pence == 1200000
    assert new.agreement_includes == ["a SEMHL practitioner in school half a day a week"]
    assert [(b.name, b.price_pence, b.order) for b in new.agreement_bands.all()] == [
        ("Fewer than 600 pupils", 900000, 0),
        ("600 pupils or more", 1250050, 1),
    ]
    old_uuids = {b.uuid for b in banded_year.agreement_bands.all()}
    assert not old_uuids & {b.uuid for b in new.agreement_bands.all()}
    rules = ChargingRules.objects.get(year=new)
    assert rules.pk != banded_year.charging.pk
    assert (
        rules.early_exit,
        rules.rounding,
        rules.withdrawn_before_start,
        rules.withdrawal_charge_pence,
        rules.over_allowance_charge_pence,
        rules.agreement_charged_in,
    ) == (EarlyExitCharge.IN_FULL, Rounding.UP, WithdrawalCharge.FIXED, 7500, 25000, 2)
    assert not Subscription.objects.filter(year=new).exists()
    assert ChargingRules.objects.get(year=banded_year).rounding == Rounding.UP


def test_rollover_gives_the_default_rules_to_a_year_that_had_none(banded_year):
    ChargingRules.objects.filter(year=banded_year).delete()
    new = services.academic_year_rollover(source=AcademicYear.objects.get(pk=banded_year.pk))
    assert ChargingRules.objects.get(year=new).payment == Payment.AUTHORITY_PAYS


def test_a_withdrawal_charge_is_kept_only_with_a_fixed_charge(banded_year):
    ChargingRules.objects.filter(year=banded_year).update(withdrawal_charge_pence=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        ChargingRules.objects.filter(year=banded_year).update(
            withdrawn_before_start=WithdrawalCharge.NOTHING, withdrawal_charge_pence=500
        )
    rules = ChargingRules.objects.get(year=banded_year)
    rules.withdrawn_before_start = WithdrawalCharge.IN_FULL
    rules.withdrawal_charge_pence = 500
    with pytest.raises(ValidationError):
        rules.full_clean()


def test_a_subscription_s_band_is_one_of_its_year(banded_year, cast):
    other = services.academic_year_rollover(source=banded_year)
    subscription = Subscription(
        year=other,
        school=cast.school_a,
        tier1_placements=15,
        band=banded_year.agreement_bands.first(),
    )
    with pytest.raises(ValidationError) as refused:
        subscription.full_clean()
    assert "band" in refused.value.message_dict
    subscription.band = other.agreement_bands.first()
    subscription.full_clean()


def test_the_benefits_are_loaded_and_rolled_over(reference_year):
    loaded = list(reference_year.benefits.values_list("key", "given_as", "frequency", "tiers"))
    assert len(loaded) == 8
    assert ("semhl-practitioner", "practitioner_weekly", "weekly", []) in loaded
    new = services.academic_year_rollover(source=reference_year)
    assert list(new.benefits.values_list("key", "given_as", "frequency", "tiers")) == loaded
    # The new year's benefits are its own rows: the old year's are left as they were.
    assert not set(new.benefits.values_list("uuid", flat=True)) & set(
        reference_year.benefits.values_list("uuid", flat=True)
    )
