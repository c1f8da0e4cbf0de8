"""The demo's agency links: the Early Help worker sees two linked students on her home,
opens one with its review and her note, and loading again adds none."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from applications.tests.factories import REFERENCE
from demo.people import demo_user
from students.models import AgencyLink


@pytest.fixture
def demo(db, settings):
    settings.CAP_DEMO_MODE = True
    call_command("load_model", str(REFERENCE), flagged=True, stderr=io.StringIO())
    call_command("rollover_year", "2025-26", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())


def test_the_demo_agency_worker_is_linked_to_two_students(demo, client):
    links = list(AgencyLink.objects.order_by("pk"))
    assert len(links) == 2
    assert all(link.professional == demo_user("early.help") and link.is_open for link in links)
    call_command("load_demo", stdout=io.StringIO())
    assert AgencyLink.objects.count() == 2
    client.force_login(demo_user("early.help"))
    home = client.get(reverse("dashboards:agencies")).text
    assert str(links[0].student) in home and str(links[1].student) in home
    page = client.get(reverse("agencies:student", args=[links[0].student.uuid])).text
    assert "Review meetings" in page and "Early Help family sessions" in page
    assert reverse("safeguarding:raise", args=[links[0].student.uuid]) in page
