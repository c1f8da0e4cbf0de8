"""Given a student with records in every part of CAP, when the CAP manager starts a subject
access request, the zip is built (the task runs at once) and they download it; the
safeguarding lead releases the student's safeguarding content; and each searches the audit
trail with a filter; then every page passes axe-core (WCAG 2.2 AA)."""

import importlib
import io
import re
import zipfile

import pytest
from django.apps import apps as django_apps
from django.utils import timezone
from playwright.sync_api import expect

from accounts.tests.factories import PASSWORD
from privacy.models import SafeguardingDecision, SubjectAccessRequest
from privacy.tests.sar_records import student_with_everything, year_and_programme
from tests.browser.second_factor import press_sign_in
from tests.browser.test_provider_route import fill_date


@pytest.fixture
def records(transactional_db, cast, settings, tmp_path):
    # The attendance codes come from a data migration, which an earlier browser test's
    # flush has emptied: the marks below need them.
    codes = importlib.import_module("placements.migrations.0003_attendance_codes_2024")
    codes.load(django_apps, None)
    settings.CAP_DOCUMENT_ROOT = tmp_path / "documents"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    year, programme = year_and_programme()
    return student_with_everything(cast, year, programme, mark="Alpha")


def sign_in(journey, user) -> None:
    page = journey.page
    journey.goto("/sign-in/")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    press_sign_in(page, user.email)
    journey.check()


@pytest.mark.browser
def test_the_manager_exports_what_cap_holds_and_searches_the_audit_trail(records, cast, journey):
    page = journey.page
    # Given the CAP manager on the casework home
    sign_in(journey, cast.manager)
    journey.goto("/casework/")
    page.get_by_role("link", name="Subject access requests").click()
    journey.check()
    # When they start a request for the student, found by name
    page.get_by_role("link", name="Start a request").click()
    journey.check()
    page.get_by_label("Name or UPN").fill("PupilAlpha")
    page.get_by_role("button", name="Find the student").click()
    journey.check()
    # (sent without the date first: the errors show beside the fields)
    page.get_by_role("button", name="Start the request").click()
    expect(page.get_by_text("Choose who asked").first).to_be_visible()
    journey.check()
    page.get_by_label(re.compile("PupilAlpha FamilyAlpha")).check()
    page.get_by_label("A parent or carer").check()
    fill_date(page, "Date the request was received", timezone.localdate())
    page.get_by_role("button", name="Start the request").click()
    # Then the zip is built, and they download it
    expect(page.get_by_text("Ready", exact=True)).to_be_visible()
    journey.check()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download the zip")).click()
    data = download.value.path().read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert "index.pdf" in archive.namelist()
        assert "placements/marks.csv" in archive.namelist()
    # And they search the audit trail for what they did
    journey.goto("/casework/audit/")
    page.get_by_label("Person").fill("Mandy")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("cell", name="Downloaded a subject access zip")).to_be_visible()
    journey.check()
    page.get_by_role("button", name="Sign out").click()

    # Given the safeguarding lead, when they release the student's safeguarding content
    sign_in(journey, cast.safeguarding)
    journey.goto("/casework/")
    page.get_by_role("link", name="Subject access: safeguarding decisions").click()
    journey.check()
    sar = SubjectAccessRequest.objects.get()
    page.get_by_role("link", name=sar.reference).click()
    journey.check()
    page.get_by_label(re.compile("Yes, release it")).check()
    page.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_text("Safeguarding content is released")).to_be_visible()
    journey.check()
    sar.refresh_from_db()
    assert sar.safeguarding == SafeguardingDecision.RELEASED
    # Then their own audit trail shows safeguarding's events only
    journey.goto("/casework/audit/?action=safeguarding")
    expect(page.get_by_role("cell", name="Read a safeguarding concern")).to_be_visible()
    journey.check()
