import datetime as dt
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from demo.people import SCHOOL_A, demo_user
from lib.errors import Refused
from placements import services as placement_services
from placements.models import Placement
from programmes import services
from students.models import SchoolRegistration, Student

REFERENCE = Path(__file__).parents[2] / "programmes" / "data" / "coventry-2025-26.yaml"


@pytest.fixture
def demo(db, settings):
    services.model_load(path=REFERENCE, flagged=True)
    settings.CAP_DEMO_MODE = True
    call_command("load_demo")


def test_every_demo_student_is_on_a_school_roll(demo):
    on_roll = SchoolRegistration.objects.filter(status__in=["C", "M"], ends_on=None)
    assert on_roll.count() == Student.objects.count()


def test_the_receiving_school_finds_the_demo_supported_transfer_on_its_home_page(demo, client):
    transfer = Placement.objects.get(programme__key="supported-transfer")
    assert transfer.provider.urn == SCHOOL_A
    assert SchoolRegistration.objects.filter(
        student=transfer.student, school=transfer.provider, status="S", ends_on=None
    ).exists()
    client.force_login(demo_user("headteacher"))
    home = client.get(reverse("dashboards:schools")).content.decode()
    assert "Supported transfers at your school" in home
    assert reverse("placements:schools_detail", args=[transfer.uuid]) in home


def test_the_demo_transfer_runs_on_so_its_move_is_dated_after_its_last_day(demo):
    transfer = Placement.objects.get(programme__key="supported-transfer")
    today = timezone.localdate()
    assert transfer.ended_on is None and transfer.planned_end_on > today
    head = demo_user("headteacher")
    with pytest.raises(Refused, match="after the supported transfer's last day"):
        placement_services.managed_move_confirm(placement=transfer, moves_on=today, by=head)
    move = placement_services.managed_move_confirm(
        placement=transfer, moves_on=transfer.planned_end_on + dt.timedelta(days=3), by=head
    )
    assert move.applied_at is None
