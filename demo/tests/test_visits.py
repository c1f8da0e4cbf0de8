"""The demo's visits: the monitoring officer has one recorded, one overdue and one planned,
and loading again adds none."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from applications.tests.factories import REFERENCE
from demo.people import demo_user
from placements.models import Visit, VisitStatus


@pytest.fixture
def demo(db, settings):
    settings.CAP_DEMO_MODE = True
    call_command("load_model", str(REFERENCE), flagged=True, stderr=io.StringIO())
    call_command("rollover_year", "2025-26", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())


def test_the_demo_officer_has_visits_done_overdue_and_planned(demo, client):
    statuses = sorted(Visit.objects.values_list("status", flat=True))
    assert statuses.count(VisitStatus.HAPPENED) == 1
    assert statuses.count(VisitStatus.PLANNED) >= 2
    call_command("load_demo", stdout=io.StringIO())
    assert Visit.objects.count() == len(statuses)
    client.force_login(demo_user("monitoring"))
    page = client.get(reverse("dashboards:casework")).content.decode()
    assert "Your visits" in page and "home visit planned for" in page
    assert client.get(reverse("placements:visits_caseload")).status_code == 200
