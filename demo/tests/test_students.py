"""The demo's synthetic students carry the whole record: needs, Early Help and carers."""

from pathlib import Path

import pytest
from django.core.management import call_command

from programmes import services
from students.models import Carer, Student

REFERENCE = Path(__file__).parents[2] / "programmes" / "data" / "coventry-2025-26.yaml"


@pytest.fixture
def demo(db, settings):
    settings.CAP_DEMO_MODE = True
    services.model_load(path=REFERENCE, flagged=True)
    call_command("load_demo")


def test_every_demo_student_has_one_or_two_invented_carers(demo):
    for student in Student.objects.prefetch_related("carers"):
        carers = list(student.carers.all())
        assert 1 <= len(carers) <= 2
        assert all(c.name.split()[-1].startswith("Demo-") for c in carers)
        assert all(c.email.endswith("@example.com") for c in carers)
        assert all(c.phone.startswith("07700 900") for c in carers)


def test_the_demo_students_needs_vary(demo):
    students = list(Student.objects.all())
    for field in ("sex", "ethnicity", "sen_provision", "care_plan"):
        assert len({getattr(s, field) for s in students}) > 1, field
    for field in ("free_school_meals", "looked_after", "youth_justice", "early_help_offer_made"):
        assert {getattr(s, field) for s in students} == {True, False}, field
    # Early Help steps follow one another.
    for s in students:
        assert s.early_help_offer_made or not s.early_help_consent_gained
        assert s.early_help_consent_gained or not s.early_help_recorded_on_ehm


def test_loading_the_demo_again_adds_no_carers(demo):
    carers = sorted(Carer.objects.values_list("student_id", "name"))
    call_command("load_demo")
    assert sorted(Carer.objects.values_list("student_id", "name")) == carers
