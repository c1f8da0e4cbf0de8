"""Given a student of the demo school placed with the demo provider, when the provider's
course leader raises a concern from the pack page, then the course leader sees only a
receipt; the school's DSL finds it on the safeguarding queue, reads it, acknowledges it and
records an action; the CAP officer cannot find it by any URL. Every page passes axe-core."""

import io
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from placements.models import Placement
from safeguarding.models import Concern, Entry, EntryKind
from tests.browser.test_provider_route import fill_date, sign_in_as, sign_out

MODEL_FILE = Path(__file__).parents[2] / "programmes" / "data" / "coventry-2025-26.yaml"
ACCOUNT = "Arrived with a cut lip and said “my brother’s mates did it, don’t tell anyone”."


@pytest.fixture
def placement(transactional_db, settings, tmp_path):
    settings.CAP_DEMO_MODE = True
    settings.CAP_DOCUMENT_ROOT = tmp_path / "documents"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    call_command("load_model", str(MODEL_FILE), flagged=True, stderr=io.StringIO())
    call_command("rollover_year", "2025-26", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    return Placement.objects.select_related("student", "application").get(
        provider__ukprn="19990001", home_school__urn="136963"
    )


@pytest.mark.browser
def test_a_provider_raises_a_concern_and_the_schools_dsl_acts_on_it(placement, journey):
    page = journey.page
    student = placement.student
    name = f"{student.known_as} {student.legal_last_name}"
    mail.outbox.clear()

    # The provider's course leader raises a concern from the pack page
    sign_in_as(journey, "provider")
    journey.goto(f"/providers/packs/{placement.application.uuid}/")
    page.get_by_role("link", name=f"Raise a safeguarding concern about {name}").click()
    journey.check()
    page.get_by_role("button", name="Raise the concern").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    journey.check()
    fill_date(page, "Date it happened", timezone.localdate())
    page.get_by_label("Child-on-child abuse").check()
    page.get_by_label("What did you see or hear?").fill(ACCOUNT)
    page.get_by_label("Injuries or marks (optional)").fill("Cut on the lower lip.")
    page.get_by_role("group", name="Is the student at risk of harm now?").get_by_label(
        "Yes"
    ).check()
    page.get_by_role("button", name="Raise the concern").click()
    expect(page.get_by_role("heading", name="Concern raised")).to_be_visible()
    journey.check()
    concern = Concern.objects.get(account=ACCOUNT)
    expect(page.get_by_text(ACCOUNT)).to_have_count(0)
    # The alert went to the school's DSL and the CAP safeguarding lead, without the content.
    alert = mail.outbox[-1]
    assert sorted(alert.to) == ["safeguarding@demo.cap.invalid", "school.dsl@demo.cap.invalid"]
    assert "cut lip" not in alert.body and student.legal_last_name not in alert.body
    journey.goto(f"/safeguarding/concerns/{concern.uuid}/", status=404)
    sign_out(journey)

    # The CAP officer cannot find it
    sign_in_as(journey, "officer")
    journey.goto(f"/safeguarding/concerns/{concern.uuid}/", status=404)
    journey.goto(f"/safeguarding/students/{student.uuid}/chronology/", status=404)
    sign_out(journey)

    # The school's DSL finds it on the queue, reads it, acknowledges it and records an action
    sign_in_as(journey, "school.dsl")
    page.get_by_role("link", name="Safeguarding", exact=True).click()
    journey.check()
    page.get_by_role("link", name=concern.reference).click()
    expect(page.get_by_text(ACCOUNT)).to_be_visible()
    journey.check()
    page.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text(f"You have acknowledged concern {concern.reference}")).to_be_visible()
    journey.check()
    page.get_by_role("link", name="Record an action").click()
    journey.check()
    page.get_by_label("Parent or carer informed").check()
    fill_date(page, "Date of the action", timezone.localdate())
    page.get_by_label("Details (optional)").fill("Spoke to mum by phone.")
    page.get_by_role("button", name="Record the action").click()
    expect(
        page.locator(".moj-timeline__title", has_text="Parent or carer informed")
    ).to_be_visible()
    expect(page.locator(".moj-timeline__title", has_text="Acknowledged")).to_be_visible()
    journey.check()
    page.get_by_role("link", name="Safeguarding chronology").click()
    expect(page.get_by_text(ACCOUNT)).to_be_visible()
    journey.check()
    assert [e.kind for e in Entry.objects.filter(concern=concern).order_by("id")] == [
        EntryKind.ACKNOWLEDGED,
        EntryKind.ACTION,
    ]
