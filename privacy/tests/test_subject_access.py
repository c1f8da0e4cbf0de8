"""Subject access: the CAP manager starts a request for one student; CAP builds a zip of
everything it holds about them in the background, with an index; safeguarding content goes
in only when the authority's safeguarding lead releases it; downloads are audited and the
zip is deleted after a set number of days."""

import csv
import datetime as dt
import io
import zipfile

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from audit.models import Event
from documents.storage import document_storage
from lib.errors import Refused
from placements.tests.factories import MONDAY, record_marks, week_of_codes
from privacy import subject_access
from privacy.models import BuildStatus, Requester, SafeguardingDecision, SubjectAccessRequest
from privacy.tests.sar_records import student_with_everything, year_and_programme
from students.tests.factories import StudentFactory

LIST = reverse("privacy:subject_access_list")
START = reverse("privacy:subject_access_start")
SAFEGUARDING_LIST = reverse("privacy:subject_access_safeguarding_list")


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def records(cast):
    year, programme = year_and_programme()
    return (
        student_with_everything(cast, year, programme, mark="Alpha"),
        student_with_everything(cast, year, programme, mark="Bravo"),
    )


def start(cast, student, *, django_capture_on_commit_callbacks) -> SubjectAccessRequest:
    with django_capture_on_commit_callbacks(execute=True):
        sar = subject_access.subject_access_start(
            student=student,
            requester=Requester.PARENT,
            received_on=timezone.localdate(),
            by=cast.manager,
        )
    sar.refresh_from_db()
    return sar


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def index_text(files: dict[str, bytes]) -> str:
    reader = PdfReader(io.BytesIO(files["index.pdf"]))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def rows(files, name) -> list[list[str]]:
    return list(csv.reader(io.StringIO(files[name].decode("utf-8-sig"))))


def test_the_zip_holds_everything_about_the_student_and_nothing_of_another(
    cast, records, django_capture_on_commit_callbacks
):
    mine, theirs = records
    sar = start(
        cast, mine.student, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks
    )

    assert sar.status == BuildStatus.READY
    files = unzip(subject_access.subject_access_read(request=sar, by=cast.manager))
    everything = b"\n".join(files.values()).decode("utf-8", "replace")

    # The student record, carers, the application and its answers.
    assert "PupilAlpha" in files["student/record.csv"].decode()
    assert "Carer Alpha" in files["student/carers.csv"].decode()
    assert "Consent giver Alpha" in files["student/agency_links.csv"].decode()
    answers = files[f"applications/{mine.application.reference}/answers.csv"].decode("utf-8-sig")
    assert "Reasons Alpha" in answers and "Answer Alpha" in answers
    # The document, decrypted, under its original name.
    document = f"documents/{mine.application.reference}/{mine.document.filename}"
    assert mine.document.filename == "GP_letter_Alpha.pdf"
    assert files[document].endswith(b"Alpha")
    # Placements, marks (a row a session), reviews, plans, targets and the termly report.
    assert len(rows(files, "placements/placements.csv")) == 2
    assert len(rows(files, "placements/marks.csv")) == 1 + 10
    assert "Review notes Alpha" in files["placements/reviews.csv"].decode()
    assert "Agency note Alpha" in files["placements/review_entries.csv"].decode()
    assert "Plan Alpha" in files["placements/plans.csv"].decode()
    assert "Target Alpha" in files["placements/targets.csv"].decode()
    assert files["placements/reports/Spring 2025-26.pdf"].endswith(b"report Alpha")
    assert "Visit findings Alpha" in files["placements/visits.csv"].decode()
    # The school's termly review minutes about the student, and the agreement's support.
    assert "Review minutes Alpha" in files["support/review_items.csv"].decode()
    assert "Mentoring note Alpha" in files["support/allocations.csv"].decode()
    assert "Mentoring session Alpha" in files["support/deliveries.csv"].decode()
    # The panel's decision, the outcome notice and its letter; the fee and its change.
    assert "Rationale Alpha" in files["panels/decisions.csv"].decode()
    assert "Letter body Alpha" in files["panels/outcome_notices.csv"].decode()
    letter = f"panels/letters/outcome-letter-{str(mine.notice.uuid)[:8]}.pdf"
    assert files[letter].endswith(b"letter Alpha")
    assert "1200" in files["fees/fees.csv"].decode() or "120000" in files["fees/fees.csv"].decode()
    assert "Fee reason Alpha" in files["fees/fee_changes.csv"].decode()
    # Who read what, with the actors' names; safeguarding's events are not there yet.
    events = rows(files, "audit/events.csv")
    assert ["Olive Officer", "student.changed"] in [[r[1], r[2]] for r in events]
    assert ["Alice Referrer", "document.downloaded"] in [[r[1], r[2]] for r in events]
    assert not any(r[2].startswith("safeguarding.") for r in events)

    # Nothing of the other student.
    for text in (
        "Bravo",
        theirs.student.upn,
        str(theirs.application.uuid),
        str(theirs.placement.uuid),
    ):
        assert text not in everything

    # The index lists every file and every section with its count.
    index = index_text(files)
    for name in files:
        if name != "index.pdf":
            assert name in index
    assert "Attendance marks" in index and "10 records" in index
    assert (
        "Safeguarding content is withheld pending the decision of the authority's safeguarding lead"
        in index
    )


def test_safeguarding_content_is_withheld_until_the_lead_releases_it(
    cast, records, django_capture_on_commit_callbacks
):
    mine, _ = records
    sar = start(
        cast, mine.student, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks
    )
    files = unzip(subject_access.subject_access_read(request=sar, by=cast.manager))
    assert not any(name.startswith("safeguarding/") for name in files)
    assert b"Concern account Alpha" not in b"".join(files.values())

    subject_access.subject_access_safeguarding_decide(
        request=sar, release=True, by=cast.safeguarding
    )
    with django_capture_on_commit_callbacks(execute=True):
        subject_access.subject_access_rebuild(request=sar, by=cast.manager)
    sar.refresh_from_db()
    assert sar.status == BuildStatus.READY and sar.built_with_safeguarding

    files = unzip(subject_access.subject_access_read(request=sar, by=cast.manager))
    assert "Concern account Alpha" in files["safeguarding/concerns.csv"].decode()
    assert "Entry text Alpha" in files["safeguarding/entries.csv"].decode()
    assert "Concern account Bravo" not in files["safeguarding/concerns.csv"].decode()
    events = rows(files, "audit/events.csv")
    assert "safeguarding.concern_viewed" in [r[2] for r in events]
    assert "withheld" not in index_text(files)


def test_a_declined_release_says_so_in_the_index(cast, records, django_capture_on_commit_callbacks):
    mine, _ = records
    sar = start(
        cast, mine.student, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks
    )
    subject_access.subject_access_safeguarding_decide(
        request=sar, release=False, by=cast.safeguarding
    )
    with django_capture_on_commit_callbacks(execute=True):
        subject_access.subject_access_rebuild(request=sar, by=cast.manager)
    sar.refresh_from_db()
    files = unzip(subject_access.subject_access_read(request=sar, by=cast.manager))
    assert not any(name.startswith("safeguarding/") for name in files)
    assert "decided not to release it" in index_text(files)
    with pytest.raises(Refused):
        subject_access.subject_access_safeguarding_decide(
            request=sar, release=True, by=cast.safeguarding
        )


def test_the_zip_is_kept_encrypted(cast, records, django_capture_on_commit_callbacks):
    mine, _ = records
    sar = start(
        cast, mine.student, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks
    )
    with document_storage().inner.open(sar.stored_name, "rb") as f:
        raw = f.read()
    assert not raw.startswith(b"PK") and b"PupilAlpha" not in raw


def test_a_build_that_fails_is_marked_failed_and_leaves_no_file(
    cast, records, django_capture_on_commit_callbacks, monkeypatch
):
    mine, _ = records
    stored_before = set(document_storage().stored_names())

    def broken(**kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(subject_access, "build_zip", broken)
    sar = start(
        cast, mine.student, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks
    )
    assert sar.status == BuildStatus.FAILED
    assert "could not be built (OSError)" in sar.failed
    assert sar.stored_name == ""
    assert set(document_storage().stored_names()) == stored_before
    assert Event.objects.filter(action="subject_access.failed", object_id=str(sar.uuid)).exists()
    with pytest.raises(Refused):
        subject_access.subject_access_read(request=sar, by=cast.manager)


def test_a_file_stored_then_refused_is_removed(
    cast, records, django_capture_on_commit_callbacks, monkeypatch
):
    """A failure after the zip is stored (saving the row) removes the stored zip."""
    mine, _ = records
    stored_before = set(document_storage().stored_names())

    def broken(**kwargs):
        raise RuntimeError("no")

    monkeypatch.setattr(subject_access, "event_record", broken)
    with django_capture_on_commit_callbacks(execute=True):
        sar = SubjectAccessRequest.objects.create(
            student=mine.student,
            requester=Requester.STUDENT,
            received_on=timezone.localdate(),
            started_by=cast.manager,
            started_at=timezone.now(),
            status=BuildStatus.BUILDING,
            build_requested_at=timezone.now(),
        )
    with pytest.raises(RuntimeError):
        subject_access.subject_access_build(request_id=sar.pk, build=sar.build)
    sar.refresh_from_db()
    assert sar.status == BuildStatus.BUILDING and sar.stored_name == ""
    assert set(document_storage().stored_names()) == stored_before


def test_zips_are_deleted_after_the_days_set(
    cast, records, settings, django_capture_on_commit_callbacks
):
    settings.CAP_SUBJECT_ACCESS_KEEP_DAYS = 7
    mine, _ = records
    sar = start(
        cast, mine.student, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks
    )
    name = sar.stored_name
    assert sar.delete_after == sar.built_at + dt.timedelta(days=7)

    assert (
        subject_access.subject_access_delete_expired(now=sar.built_at + dt.timedelta(days=6)) == 0
    )
    with django_capture_on_commit_callbacks(execute=True):
        deleted = subject_access.subject_access_delete_expired(
            now=sar.built_at + dt.timedelta(days=7)
        )
    assert deleted == 1
    sar.refresh_from_db()
    assert sar.status == BuildStatus.DELETED and sar.stored_name == "" and sar.deleted_at
    assert not document_storage().exists(name)
    assert Event.objects.filter(action="subject_access.deleted", object_id=str(sar.uuid)).exists()


# --- Pages --------------------------------------------------------------------------------


def test_the_manager_finds_the_student_and_starts_a_request(
    client, cast, records, django_capture_on_commit_callbacks
):
    mine, _ = records
    client.force_login(cast.manager)
    search = {
        "q": "PupilAlpha",
        "date_of_birth_day": "4",
        "date_of_birth_month": "3",
        "date_of_birth_year": "2012",
    }
    found = client.get(START, search)
    assert found.status_code == 200
    assert "PupilAlpha FamilyAlpha" in found.content.decode()
    assert "PupilBravo" not in found.content.decode()

    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            START + "?q=PupilAlpha",
            {
                "student": str(mine.student.uuid),
                "requester": "parent",
                "received_on_day": str(today.day),
                "received_on_month": str(today.month),
                "received_on_year": str(today.year),
            },
        )
    sar = SubjectAccessRequest.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("privacy:subject_access_detail", args=[sar.uuid])
    assert sar.student == mine.student and sar.started_by == cast.manager
    started = Event.objects.get(action="subject_access.started")
    assert started.actor == cast.manager and started.detail["student"] == str(mine.student.uuid)

    page = client.get(response.url).content.decode()
    assert "Ready" in page and reverse("privacy:subject_access_download", args=[sar.uuid]) in page

    listed = client.get(LIST).content.decode()
    assert sar.reference in listed

    download = client.get(reverse("privacy:subject_access_download", args=[sar.uuid]))
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    assert "index.pdf" in unzip(download.content)
    assert (
        Event.objects.filter(
            action="subject_access.downloaded", actor=cast.manager, object_id=str(sar.uuid)
        ).count()
        == 1
    )


def test_the_start_form_shows_errors_beside_the_fields_and_keeps_what_was_chosen(
    client, cast, records
):
    mine, _ = records
    client.force_login(cast.manager)
    response = client.post(
        START + "?q=PupilAlpha",
        {
            "student": str(mine.student.uuid),
            "received_on_day": "31",
            "received_on_month": "2",
            "received_on_year": "2026",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page
    assert "Choose who asked" in page
    assert "February 2026 does not have 31 days" in page
    chosen = page[page.index(f'value="{mine.student.uuid}"') :]
    assert chosen[: chosen.index(">")].rstrip().endswith("checked")
    assert not SubjectAccessRequest.objects.exists()


def test_a_search_with_nothing_typed_asks_for_something(client, cast):
    client.force_login(cast.manager)
    page = client.get(START, {"q": ""}).content.decode()
    assert "Enter part of the student&#x27;s name, their UPN or their date of birth" in page


@pytest.mark.parametrize("who", ["officer", "monitoring", "safeguarding", "chair"])
def test_other_casework_people_cannot_open_subject_access(
    client, cast, records, who, django_capture_on_commit_callbacks
):
    mine, _ = records
    sar = start(
        cast, mine.student, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks
    )
    client.force_login(getattr(cast, who))
    for url in (
        LIST,
        START,
        reverse("privacy:subject_access_detail", args=[sar.uuid]),
        reverse("privacy:subject_access_download", args=[sar.uuid]),
    ):
        assert client.get(url).status_code in (403, 404), url
    assert client.post(reverse("privacy:subject_access_rebuild", args=[sar.uuid])).status_code in (
        403,
        404,
    )
    assert not Event.objects.filter(action="subject_access.downloaded").exists()


@pytest.mark.parametrize(
    "who,status",
    [
        ("alice", 403),
        ("provider_staff", 403),
        ("finance", 403),
        ("school_dsl", 403),
        ("outsider", 403),
    ],
)
def test_people_outside_casework_are_refused_the_area(
    client, cast, records, who, status, django_capture_on_commit_callbacks
):
    mine, _ = records
    sar = start(
        cast, mine.student, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks
    )
    client.force_login(getattr(cast, who))
    for url in (
        LIST,
        START,
        reverse("privacy:subject_access_detail", args=[sar.uuid]),
        reverse("privacy:subject_access_download", args=[sar.uuid]),
        reverse("privacy:subject_access_safeguarding", args=[sar.uuid]),
        SAFEGUARDING_LIST,
    ):
        assert client.get(url).status_code == status, url


@pytest.mark.parametrize("who", ["manager", "officer", "monitoring"])
def test_only_the_safeguarding_lead_opens_the_release_page(
    client, cast, records, who, django_capture_on_commit_callbacks
):
    mine, _ = records
    sar = start(
        cast, mine.student, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks
    )
    client.force_login(getattr(cast, who))
    url = reverse("privacy:subject_access_safeguarding", args=[sar.uuid])
    assert client.get(url).status_code == 404
    assert client.post(url, {"decision": "release"}).status_code == 404
    assert client.get(SAFEGUARDING_LIST).status_code == 404
    sar.refresh_from_db()
    assert sar.safeguarding == SafeguardingDecision.PENDING


def test_the_safeguarding_lead_releases_and_it_is_audited(
    client, cast, records, django_capture_on_commit_callbacks
):
    mine, _ = records
    sar = start(
        cast, mine.student, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks
    )
    client.force_login(cast.safeguarding)
    assert sar.reference in client.get(SAFEGUARDING_LIST).content.decode()
    url = reverse("privacy:subject_access_safeguarding", args=[sar.uuid])
    blank = client.post(url, {})
    assert "Choose whether to release the safeguarding content" in blank.content.decode()
    response = client.post(url, {"decision": "release"})
    assert response.status_code == 302
    sar.refresh_from_db()
    assert (
        sar.safeguarding == SafeguardingDecision.RELEASED
        and sar.safeguarding_decided_by == cast.safeguarding
    )
    event = Event.objects.get(action="subject_access.safeguarding_released")
    assert event.actor == cast.safeguarding and event.object_id == str(sar.uuid)
    assert url not in client.get(SAFEGUARDING_LIST).content.decode()


def test_the_manager_rebuilds_after_release(
    client, cast, records, django_capture_on_commit_callbacks
):
    mine, _ = records
    sar = start(
        cast, mine.student, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks
    )
    subject_access.subject_access_safeguarding_decide(
        request=sar, release=True, by=cast.safeguarding
    )
    client.force_login(cast.manager)
    detail = reverse("privacy:subject_access_detail", args=[sar.uuid])
    assert "build it again to include it" in client.get(detail).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("privacy:subject_access_rebuild", args=[sar.uuid]))
    assert response.status_code == 302
    sar.refresh_from_db()
    assert sar.built_with_safeguarding and sar.build == 2
    assert client.get(reverse("privacy:subject_access_rebuild", args=[sar.uuid])).status_code == 405


def test_the_list_is_paged_at_fifty(client, cast, records):
    mine, _ = records
    now = timezone.now()
    SubjectAccessRequest.objects.bulk_create(
        SubjectAccessRequest(
            student=mine.student,
            requester=Requester.STUDENT,
            received_on=timezone.localdate(),
            started_by=cast.manager,
            started_at=now - dt.timedelta(minutes=n),
            status=BuildStatus.BUILDING,
            build_requested_at=timezone.now(),
        )
        for n in range(51)
    )
    client.force_login(cast.manager)
    page = client.get(LIST).content.decode()
    assert page.count('href="/casework/subject-access/') - page.count("/start/") == 50
    assert "Page 1 of 2" in page


def test_the_list_asks_the_same_queries_whatever_the_requests(client, cast, records):
    mine, theirs = records
    client.force_login(cast.manager)
    client.get(LIST)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST).status_code == 200
        return len(captured)

    def requests(student, count):
        SubjectAccessRequest.objects.bulk_create(
            SubjectAccessRequest(
                student=student,
                requester=Requester.STUDENT,
                received_on=timezone.localdate(),
                started_by=cast.manager,
                started_at=timezone.now(),
                status=BuildStatus.BUILDING,
                build_requested_at=timezone.now(),
            )
            for _ in range(count)
        )

    requests(mine.student, 2)
    few = queries()
    requests(theirs.student, 30)
    assert queries() == few


def test_a_build_under_way_is_not_asked_for_twice_unless_lost(cast, records, monkeypatch):
    mine, _ = records
    with monkeypatch.context() as patch:  # the task is queued, and no worker takes it
        patch.setattr(subject_access, "_enqueue", lambda request: None)
        sar = subject_access.subject_access_start(
            student=mine.student,
            requester=Requester.STUDENT,
            received_on=timezone.localdate(),
            by=cast.manager,
        )
        with pytest.raises(Refused, match="being built already"):
            subject_access.subject_access_rebuild(request=sar, by=cast.manager)
        later = timezone.now() + dt.timedelta(hours=2)
        patch.setattr(timezone, "now", lambda: later)
        sar = subject_access.subject_access_rebuild(request=sar, by=cast.manager)
    assert sar.build == 2 and sar.status == BuildStatus.BUILDING
    # the first build's task, if it ran now, would do nothing
    assert subject_access.subject_access_build(request_id=sar.pk, build=1).status == "building"


def test_the_build_asks_the_same_queries_whatever_the_marks(cast, records):
    mine, _ = records

    def build_queries() -> int:
        sar = SubjectAccessRequest.objects.create(
            student=mine.student,
            requester=Requester.STUDENT,
            received_on=timezone.localdate(),
            started_by=cast.manager,
            started_at=timezone.now(),
            status=BuildStatus.BUILDING,
            build_requested_at=timezone.now(),
        )
        with CaptureQueriesContext(connection) as captured:
            subject_access.subject_access_build(request_id=sar.pk, build=sar.build)
        return len(captured)

    few = build_queries()
    for weeks in range(1, 6):
        record_marks(
            mine.placement,
            week_of_codes(MONDAY + dt.timedelta(weeks=weeks), ["/", "\\"] * 5),
            by=cast.provider_staff,
        )
    assert build_queries() == few


def test_the_daily_job_deletes_expired_zips(
    cast, records, settings, django_capture_on_commit_callbacks
):
    settings.CAP_SUBJECT_ACCESS_KEEP_DAYS = 0
    mine, _ = records
    start(cast, mine.student, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    out = io.StringIO()
    call_command("delete_expired_subject_access", stdout=out)
    assert out.getvalue().strip() == "Deleted 1 subject access zip."
    assert SubjectAccessRequest.objects.get().status == BuildStatus.DELETED


def test_a_file_that_cannot_be_opened_is_noted_in_its_place_and_the_rest_is_answered(
    cast, records, django_capture_on_commit_callbacks
):
    mine, _ = records
    document_storage().inner.delete(mine.document.stored_name)  # lost from the store
    sar = start(
        cast, mine.student, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks
    )

    assert sar.status == BuildStatus.READY
    files = unzip(subject_access.subject_access_read(request=sar, by=cast.manager))
    document = f"documents/{mine.application.reference}/{mine.document.filename}"
    assert document not in files
    assert b"could not open it" in files[f"{document} (cannot be opened).txt"]
    assert "student/record.csv" in files


def test_a_zip_missing_from_the_store_is_a_message_not_an_error(
    client, cast, records, django_capture_on_commit_callbacks
):
    mine, _ = records
    sar = start(
        cast, mine.student, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks
    )
    document_storage().inner.delete(sar.stored_name)
    client.force_login(cast.manager)

    response = client.get(reverse("privacy:subject_access_download", args=[sar.uuid]), follow=True)

    assert response.redirect_chain[-1][0] == reverse(
        "privacy:subject_access_detail", args=[sar.uuid]
    )
    assert "The zip cannot be opened. Build it again" in response.content.decode()
    assert not Event.objects.filter(action="subject_access.downloaded").exists()


def test_the_safeguarding_lead_is_asked_to_decide_when_the_student_has_concerns(
    cast, records, mailoutbox, django_capture_on_commit_callbacks
):
    mine, _ = records
    sar = start(
        cast, mine.student, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks
    )

    asked = [m for m in mailoutbox if sar.reference in m.subject]
    assert [m.to for m in asked] == [[cast.safeguarding.email]]
    body = asked[0].body
    assert reverse("privacy:subject_access_safeguarding", args=[sar.uuid]) in body
    assert mine.student.legal_last_name not in body and mine.student.upn not in body


def test_the_safeguarding_lead_is_not_asked_about_a_student_with_no_concerns(
    cast, mailoutbox, django_capture_on_commit_callbacks
):
    quiet = StudentFactory(home_school=cast.school_a)
    start(cast, quiet, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)

    assert not [m for m in mailoutbox if "safeguarding content" in m.subject]
