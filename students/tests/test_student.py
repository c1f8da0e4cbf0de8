import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from students.models import CarePlan, SenProvision
from students.tests.factories import StudentFactory


def test_a_student_with_a_valid_upn_is_accepted(db):
    student = StudentFactory.build(upn="H801200001001")
    student.full_clean(exclude=["home_school"])
    assert not student.upn_is_temporary


def test_a_temporary_upn_is_accepted_and_flagged(db):
    student = StudentFactory.build(upn="G80120000101A")
    student.full_clean(exclude=["home_school"])
    assert student.upn_is_temporary


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Z801200001001", "check letter"),
        ("H80120000100", "13 characters"),
        ("R900400001001", "local authority"),
        ("h801200001001", "capital letters"),
    ],
)
def test_a_bad_upn_is_refused_with_the_reason(db, value, message):
    student = StudentFactory.build(upn=value)
    with pytest.raises(ValidationError) as error:
        student.full_clean(exclude=["home_school"])
    assert message in str(error.value.message_dict["upn"])


def test_the_known_as_name_prefers_the_preferred_name(db):
    assert StudentFactory.build(legal_first_name="Alexander", preferred_name="Alex").known_as == (
        "Alex"
    )


@pytest.mark.parametrize(
    ("born", "on", "year"),
    [
        (dt.date(2012, 3, 4), dt.date(2025, 10, 1), 9),
        (dt.date(2011, 9, 1), dt.date(2025, 9, 1), 9),  # oldest in the year
        (dt.date(2012, 8, 31), dt.date(2025, 9, 1), 9),  # youngest in the year
        (dt.date(2012, 8, 31), dt.date(2026, 8, 31), 9),  # the last day of the year
        (dt.date(2012, 8, 31), dt.date(2026, 9, 1), 10),  # the first day of the next
        (dt.date(2014, 1, 15), dt.date(2026, 2, 1), 7),
    ],
)
def test_the_year_group_comes_from_the_date_of_birth_and_the_academic_year(born, on, year):
    assert StudentFactory.build(date_of_birth=born).year_group(on) == year


def test_the_year_group_is_for_today_unless_a_day_is_given():
    student = StudentFactory.build(date_of_birth=dt.date(2012, 3, 4))
    assert student.year_group() == student.year_group(timezone.localdate())


def test_only_an_ehc_plan_counts_as_having_one():
    assert StudentFactory.build(sen_provision=SenProvision.EHC_PLAN).has_ehc_plan
    assert not StudentFactory.build(sen_provision=SenProvision.SEN_SUPPORT).has_ehc_plan
    assert not StudentFactory.build(sen_provision=SenProvision.NONE).has_ehc_plan


@pytest.mark.parametrize(
    ("plan", "has_plan"),
    [
        (CarePlan.NONE, False),
        (CarePlan.CHILD_IN_NEED, True),
        (CarePlan.CHILD_PROTECTION, True),
    ],
)
def test_a_child_in_need_or_child_protection_plan_counts_as_a_care_plan(plan, has_plan):
    assert StudentFactory.build(care_plan=plan).has_care_plan is has_plan


def test_the_ethnicity_codes_are_the_cbds_main_codes():
    from students.models import Ethnicity

    assert len(Ethnicity.values) == 20
    assert {"WBRI", "MWBC", "AIND", "BCRB", "CHNE", "OOTH", "REFU", "NOBT"} <= set(Ethnicity.values)
