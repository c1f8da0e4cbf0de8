from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from stdnum.gb import upn

from accounts.models import Membership, Organisation, User
from applications.models import Application
from lib.dates import academic_year_start, year_group
from programmes import services
from programmes.models import AcademicYear, Subscription
from students.models import Student

REFERENCE = Path(__file__).parents[2] / "programmes" / "data" / "coventry-2025-26.yaml"


@pytest.fixture
def model(db):
    services.model_load(path=REFERENCE, flagged=True)


def test_demo_data_is_refused_outside_demo_mode(model, settings):
    settings.CAP_DEMO_MODE = False
    with pytest.raises(CommandError, match="demo mode"):
        call_command("load_demo")
    assert not User.objects.exists()


def test_demo_data_loads_once_however_often_it_runs(model, settings):
    settings.CAP_DEMO_MODE = True
    call_command("load_demo")
    counts = (
        User.objects.count(),
        Membership.objects.count(),
        Student.objects.count(),
        Subscription.objects.count(),
    )
    call_command("load_demo")
    assert (
        User.objects.count(),
        Membership.objects.count(),
        Student.objects.count(),
        Subscription.objects.count(),
    ) == counts
    assert Organisation.objects.filter(kind="school").count() == 18
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == {
        "referrer",
        "headteacher",
        "dsl",
        "cap_officer",
        "monitoring_officer",
        "cap_manager",
        "panel_member",
        "provider_staff",
        "agency_professional",
        "finance_officer",
    }
    assert all(u.email.endswith("@demo.cap.invalid") for u in User.objects.all())


def test_demo_students_are_synthetic_valid_and_secondary(model, settings):
    settings.CAP_DEMO_MODE = True
    call_command("load_demo")
    this_year = academic_year_start(timezone.localdate())
    for student in Student.objects.all():
        assert upn.is_valid(student.upn)
        assert student.upn[1:6] == "33199"  # an establishment range no real school uses
        assert student.legal_last_name.startswith("Demo-")
        assert 7 <= year_group(student.date_of_birth, this_year) <= 11


def test_the_demo_has_applications_waiting_at_each_step(model, settings):
    # As `make run` does: today falls in the rolled-over year, whose terms hold start dates.
    services.academic_year_rollover(source=AcademicYear.objects.get(name="2025-26"))
    settings.CAP_DEMO_MODE = True
    call_command("load_demo")
    provider_route = ["submitted", "returned", "pack_sent", "interview_held", "provider_accepted"]
    # Accepted for the provider whose insurance has expired (demo/quality.py), waiting for
    # its pack.
    lapsed_provider = ["accepted"]
    # Supported Transfer (decided once, now with the Headteachers' panel), Flourish and
    # Refocus on the next panel's agenda, and Focus 11 waiting for CAP's check.
    panel_routes = ["at_panel", "at_panel", "at_panel", "submitted"]
    # The placements demo (demo/placements.py) and the safeguarding demo's placement come
    # with applications already placed.
    on_the_route = Application.objects.filter(placement__isnull=True)
    assert sorted(on_the_route.values_list("status", flat=True)) == sorted(
        provider_route + lapsed_provider + panel_routes
    )
    placed = Application.objects.filter(placement__isnull=False).count()
    assert placed > 0
    call_command("load_demo")
    assert on_the_route.count() == 10
    assert Application.objects.count() == 10 + placed
