"""Applications' readable references: CAP-2026-00123, given on submission, numbered from 1
in each calendar year, never two the same; the data migration numbering the ones before."""

import datetime as dt
import importlib
import threading

import pytest
from django.apps import apps
from django.core import mail
from django.db import IntegrityError, connection, connections, transaction
from django.urls import reverse
from django.utils import timezone

from applications import services
from applications.models import Application, ReferenceCounter, reference_parse, reference_text
from applications.tests.factories import complete_application, draft_application
from applications.workflow import Status
from students.tests.factories import StudentFactory

fill = importlib.import_module("applications.migrations.0011_application_reference_fill")


def london(*parts) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=timezone.get_current_timezone())


def submit(application, by) -> Application:
    return services.application_submit(application=application, version=application.version, by=by)


def made(cast, *, submitted_at=None, status=Status.SUBMITTED) -> Application:
    return Application.objects.create(
        student=StudentFactory(home_school=cast.school_a),
        school=cast.school_a,
        created_by=cast.alice,
        status=status,
        submitted_at=submitted_at,
    )


# --- The format -----------------------------------------------------------------------


def test_a_reference_names_the_year_and_a_five_digit_number():
    assert reference_text(2026, 123) == "CAP-2026-00123"
    assert reference_text(2027, 1) == "CAP-2027-00001"


@pytest.mark.parametrize(
    "typed",
    ["CAP-2026-00123", "cap-2026-123", " CAP 2026 00123 ", "2026-00123", "Cap-2026-0123"],
)
def test_a_typed_reference_is_read_whatever_its_case_spaces_and_zeros(typed):
    assert reference_parse(typed) == "CAP-2026-00123"


@pytest.mark.parametrize("typed", ["C73DA08D", "CAP-2025-26-00001", "CAP-26-1", "", "CAP"])
def test_text_that_cannot_be_a_reference_is_not_one(typed):
    # Not the old hex, nor a finance statement's number (academic year, two parts).
    assert reference_parse(typed) is None


# --- Given on submission, in sequence per year ------------------------------------------


def test_a_draft_has_no_reference_until_it_is_submitted(cast, student, programmes, subscribed):
    application = complete_application(
        student=student, by=cast.alice, programme=programmes["curriculum-support"]
    )
    assert application.reference is None
    application = submit(application, cast.alice)
    year = timezone.localdate().year
    assert application.reference == f"CAP-{year}-00001"
    assert str(application) == f"Application CAP-{year}-00001"
    assert ReferenceCounter.objects.get(year=year).last == 1


def test_a_refused_submission_gives_its_number_back(cast, student, programmes, subscribed):
    application = draft_application(cast)
    with pytest.raises(services.SubmitRefused):
        submit(application, cast.alice)
    application.refresh_from_db()
    assert application.reference is None
    assert not ReferenceCounter.objects.filter(last__gt=0).exists()
    complete = complete_application(
        student=student, by=cast.alice, programme=programmes["curriculum-support"]
    )
    assert submit(complete, cast.alice).reference.endswith("-00001")


def test_references_follow_one_another_within_a_year_and_start_again_in_the_next(db):
    # The year is the calendar year in London: 11:30pm on New Year's Eve is still 2026.
    assert ReferenceCounter.take(submitted_at=london(2026, 3, 2, 9)) == "CAP-2026-00001"
    assert ReferenceCounter.take(submitted_at=london(2026, 12, 31, 23, 30)) == "CAP-2026-00002"
    assert ReferenceCounter.take(submitted_at=london(2027, 1, 1, 0, 10)) == "CAP-2027-00001"
    assert ReferenceCounter.take(submitted_at=london(2026, 12, 1, 9)) == "CAP-2026-00003"
    assert dict(ReferenceCounter.objects.values_list("year", "last")) == {2026: 3, 2027: 1}


def test_an_application_written_past_its_draft_gets_a_reference_however_it_is_written(cast):
    # The demo and other apps' tests create submitted or placed applications directly.
    submitted = made(cast, submitted_at=london(2026, 5, 1, 10))
    placed = made(cast, status=Status.PLACED)
    draft = made(cast, status=Status.DRAFT)
    assert submitted.reference == "CAP-2026-00001"
    assert placed.reference.startswith(f"CAP-{timezone.localdate().year}-")
    assert draft.reference is None
    # Saving again keeps the reference.
    submitted.save()
    submitted.refresh_from_db()
    assert submitted.reference == "CAP-2026-00001"


def test_two_applications_cannot_have_the_same_reference(cast):
    first = made(cast, submitted_at=london(2026, 5, 1, 10))
    second = made(cast, submitted_at=london(2026, 5, 2, 10))
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.filter(pk=second.pk).update(reference=first.reference)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite's test database is one connection"
)
def test_submissions_at_once_on_postgresql_take_different_numbers():
    """Four threads, each with its own connection, take a number for the same new year at
    once: the first makes the year's row, the others wait on its lock."""
    barrier = threading.Barrier(4)
    taken: list[str] = []

    def take():
        try:
            barrier.wait()
            with transaction.atomic():
                taken.append(ReferenceCounter.take(submitted_at=london(2031, 2, 3, 9)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(taken) == [f"CAP-2031-0000{n}" for n in range(1, 5)]


# --- The data migration ---------------------------------------------------------------


def test_the_migration_numbers_earlier_applications_in_the_order_they_were_submitted(cast):
    late_2025 = made(cast, submitted_at=london(2025, 11, 20, 9))
    early_2026 = made(cast, submitted_at=london(2026, 1, 5, 9))
    early_2025 = made(cast, submitted_at=london(2025, 9, 8, 9))
    mid_2026 = made(cast, submitted_at=london(2026, 4, 1, 9))
    draft = made(cast, status=Status.DRAFT)
    # As the migration finds them: no references, no counters.
    Application.objects.update(reference=None)
    ReferenceCounter.objects.all().delete()

    fill.references_fill(apps, None)

    def reference(application):
        application.refresh_from_db()
        return application.reference

    assert reference(early_2025) == "CAP-2025-00001"
    assert reference(late_2025) == "CAP-2025-00002"
    assert reference(early_2026) == "CAP-2026-00001"
    assert reference(mid_2026) == "CAP-2026-00002"
    assert reference(draft) is None
    assert dict(ReferenceCounter.objects.values_list("year", "last")) == {2025: 2, 2026: 2}
    # The next submission carries on from the last.
    assert made(cast, submitted_at=london(2026, 6, 1, 9)).reference == "CAP-2026-00003"
    # Run again (after going back past it), it keeps every reference already quoted and
    # numbers only what has none.
    fresh = made(cast, submitted_at=london(2026, 7, 1, 9))
    Application.objects.filter(pk=fresh.pk).update(reference=None)
    fill.references_fill(apps, None)
    assert reference(early_2025) == "CAP-2025-00001" and reference(mid_2026) == "CAP-2026-00002"
    assert reference(fresh) == "CAP-2026-00005"


# --- Where people read it -------------------------------------------------------------


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_the_reference_is_on_the_school_s_page_cap_s_page_and_the_e_mails(
    client,
    cast,
    student,
    programmes,
    subscribed,
    immediate_tasks,
    django_capture_on_commit_callbacks,
):
    application = complete_application(
        student=student, by=cast.alice, programme=programmes["curriculum-support"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        application = submit(application, cast.alice)
    reference = application.reference
    assert mail.outbox and all(reference in message.subject for message in mail.outbox)
    assert all(reference in message.body for message in mail.outbox)
    client.force_login(cast.alice)
    page = client.get(reverse("applications:detail", args=[application.uuid])).content.decode()
    assert f"Application {reference}" in page
    assert reference in client.get(reverse("applications:list")).content.decode()
    client.force_login(cast.officer)
    page = client.get(reverse("casework:application", args=[application.uuid])).content.decode()
    assert f"<title>Application {reference}" in page
    # The UUID's hex is no longer offered as the reference (URLs still carry the UUID).
    old_hex = str(application.uuid)[:8].upper()
    assert f"Application {old_hex}" not in page and f">{old_hex}<" not in page


def test_a_draft_s_page_calls_it_a_draft_not_a_reference(client, cast):
    draft = draft_application(cast)
    client.force_login(cast.alice)
    page = client.get(reverse("applications:detail", args=[draft.uuid])).content.decode()
    assert "<title>Draft application" in page and "None" not in page


def test_a_year_past_99999_applications_still_reads():
    assert reference_text(2026, 100000) == "CAP-2026-100000"
    assert reference_parse("cap-2026-100000") == "CAP-2026-100000"
