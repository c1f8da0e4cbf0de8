"""The audit trail, searchable: the CAP manager finds who did what to which record, and
when; safeguarding's events are the authority's safeguarding lead's alone; searches and
exports are themselves audited."""

import csv
import datetime as dt
import importlib
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.models import Application
from audit.models import Event
from audit.services import event_record
from privacy import views_audit
from privacy.audit_search import action_words, resolve_student
from privacy.rules import (
    SAFEGUARDING_ACTION_PREFIX,
    SAFEGUARDING_OBJECT_TYPES,
    events_visible_to,
    safeguarding_events,
)
from privacy.tests.sar_records import student_with_everything, year_and_programme

SEARCH = reverse("privacy:audit_trail")
EXPORT = reverse("privacy:audit_export")


@pytest.fixture
def records(cast):
    year, programme = year_and_programme()
    return (
        student_with_everything(cast, year, programme, mark="Alpha"),
        student_with_everything(cast, year, programme, mark="Bravo"),
    )


def shown(response) -> str:
    return response.content.decode()


def exported(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


def test_the_manager_sees_every_event_but_safeguardings(client, cast, records):
    mine, _ = records
    client.force_login(cast.manager)
    page = shown(client.get(SEARCH))
    assert "Changed a student&#x27;s record" in page
    assert "Olive Officer" in page
    assert str(mine.student.uuid) in page
    assert "Read a safeguarding concern" not in page
    assert str(mine.concern.uuid) not in page
    assert 'value="students.student"' in page and 'value="safeguarding.concern"' not in page


def test_the_safeguarding_lead_sees_safeguardings_events_only(client, cast, records):
    mine, _ = records
    client.force_login(cast.safeguarding)
    page = shown(client.get(SEARCH))
    assert "Safeguarding audit trail" in page
    assert "Read a safeguarding concern" in page and str(mine.concern.uuid) in page
    assert "Changed a student&#x27;s record" not in page
    assert 'value="safeguarding.concern"' in page and 'value="students.student"' not in page
    rows = exported(client.get(EXPORT))
    assert {r[4] for r in rows[1:]} == {"safeguarding.concern_viewed"}


def test_safeguarding_events_are_known_by_their_record_or_their_action(cast, db):
    by_action = event_record(
        actor=cast.safeguarding, action="safeguarding.chronology_pdf_generated"
    )
    other = event_record(actor=cast.officer, action="student.changed")
    found = set(Event.objects.filter(safeguarding_events()).values_list("pk", flat=True))
    assert by_action.pk in found and other.pk not in found


def test_it_finds_events_by_person_name_or_email(client, cast, records):
    client.force_login(cast.manager)
    page = shown(client.get(SEARCH, {"person": "olive"}))
    assert "Olive Officer" in page and "Alice Referrer" not in page
    page = shown(client.get(SEARCH, {"person": cast.alice.email.upper()}))
    assert "Alice Referrer" in page and "Olive Officer" not in page


def test_it_finds_events_by_action_and_by_record(client, cast, records):
    mine, theirs = records
    client.force_login(cast.manager)
    page = shown(client.get(SEARCH, {"action": "downloaded"}))
    assert "Downloaded a document" in page and "Changed a student" not in page
    page = shown(
        client.get(SEARCH, {"record_type": "students.student", "record_id": str(mine.student.uuid)})
    )
    assert "1 event<" in page and str(mine.student.uuid) in page
    assert str(theirs.student.uuid) not in page


def test_a_upn_or_reference_finds_the_student_their_applications_and_placements(
    client, cast, records
):
    mine, theirs = records
    client.force_login(cast.manager)
    reference = mine.application.reference
    old_hex = str(mine.application.uuid)[:8].upper()
    # As CAP writes it, as someone might type it, and the hex that older letters quote.
    for text in (mine.student.upn, reference, reference.lower(), old_hex):
        page = shown(client.get(SEARCH, {"student": text}))
        assert str(mine.student.uuid) in page  # student.changed
        assert str(mine.application.uuid) in page or str(mine.placement.uuid) in page
        assert str(theirs.student.uuid) not in page and str(theirs.placement.uuid) not in page
    wrong = client.get(SEARCH, {"student": "ABCDEF12"})
    page = shown(wrong)
    assert "<title>Error: " in page
    assert "No student has this UPN, and no application this reference" in page
    assert 'value="ABCDEF12"' in page


def recorded_at(monkeypatch, moment: dt.datetime, **event):
    """An event as if recorded at `moment`: events cannot be changed afterwards."""
    with monkeypatch.context() as patch:
        patch.setattr(timezone, "now", lambda: moment)
        return event_record(**event)


def test_it_finds_events_in_a_date_range(client, cast, db, monkeypatch):
    recorded_at(
        monkeypatch,
        timezone.now() - dt.timedelta(days=40),
        actor=cast.officer,
        action="student.changed",
    )
    event_record(actor=cast.officer, action="placement.updated")
    client.force_login(cast.manager)
    since = timezone.localdate() - dt.timedelta(days=1)
    page = shown(
        client.get(
            SEARCH,
            {"since_day": since.day, "since_month": since.month, "since_year": since.year},
        )
    )
    assert "Changed a placement" in page and "Changed a student" not in page
    backwards = shown(
        client.get(
            SEARCH,
            {
                "since_day": "2",
                "since_month": "1",
                "since_year": "2026",
                "until_day": "1",
                "until_month": "1",
                "until_year": "2026",
            },
        )
    )
    assert "The ‘To’ date must be the same as or after the ‘From’ date" in backwards


def test_rows_are_newest_first_with_govuk_times_and_words(client, cast, db, monkeypatch):
    moment = dt.datetime(2026, 12, 1, 13, 25, tzinfo=dt.UTC)  # GMT in December
    recorded_at(monkeypatch, moment, actor=cast.officer, action="quality.visit_recorded")
    recorded_at(
        monkeypatch, moment + dt.timedelta(hours=1), actor=cast.alice, action="document.uploaded"
    )
    client.force_login(cast.manager)
    page = shown(client.get(SEARCH, {"person": "e"}))
    assert page.index("Uploaded a document") < page.index("Quality: visit recorded")
    assert "1 December 2026 at 1:25pm" in page and "1 December 2026 at 2:25pm" in page
    assert action_words("an_app.something_done") == "An app: something done"


def make_events(cast, count: int) -> None:
    Event.objects.bulk_create(
        Event(
            actor=actor, action="student.changed", object_type="students.student", object_id=str(n)
        )
        for n in range(count)
        for actor in (cast.officer, cast.alice)
    )


def test_the_page_asks_the_same_queries_whatever_the_events(client, cast, db):
    client.force_login(cast.manager)
    filters = {"person": "o", "action": "changed"}
    client.get(SEARCH, filters)  # the session and the kinds of record, read once

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(SEARCH, filters).status_code == 200
        return len(captured)

    make_events(cast, 3)
    few = queries()
    make_events(cast, 40)
    assert queries() == few


def test_the_list_is_paged_at_fifty(client, cast, db):
    make_events(cast, 30)  # 60 events
    client.force_login(cast.manager)
    page = shown(client.get(SEARCH, {"action": "student.changed"}))
    assert "60 events" in page and page.count("Changed a student&#x27;s record") == 50
    assert "Page 1 of 2" in page


def test_past_the_most_it_counts_the_list_says_more_than(client, cast, db, monkeypatch):
    """The count stops at MOST_COUNTED, so a search over millions of events does not count
    them all for its heading; the newest are paged, a narrower search finds the rest."""
    monkeypatch.setattr(views_audit, "MOST_COUNTED", 60)
    make_events(cast, 40)  # 80 events
    client.force_login(cast.manager)
    page = shown(client.get(SEARCH, {"action": "student.changed"}))
    assert "More than 60 events" in page and "Page 1 of 2" in page
    assert "narrow the search to see older ones" in page
    assert "at most the newest 100000 of them" in page
    last = shown(client.get(SEARCH, {"action": "student.changed", "page": 2}))
    assert last.count("Changed a student&#x27;s record") == 10
    few = shown(client.get(SEARCH, {"action": "student.changed", "person": "olive"}))
    assert "40 events" in few and "More than" not in few and "at most the newest" not in few


def test_searches_and_exports_are_audited_with_identifiers_only(client, cast, records):
    mine, _ = records
    client.force_login(cast.manager)
    client.get(SEARCH, {"person": "Olive", "student": mine.student.upn})
    searched = Event.objects.get(action="audit.searched")
    assert searched.actor == cast.manager
    assert searched.detail["people"] == [str(cast.officer.uuid)]
    assert searched.detail["student"] == str(mine.student.uuid)
    assert "Olive" not in str(searched.detail) and mine.student.upn not in str(searched.detail)

    response = client.get(EXPORT, {"person": "Olive"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = exported(response)
    assert rows[0][:2] == ["When", "Who"]
    assert {r[1] for r in rows[1:]} == {"Olive Officer"}
    assert not any(r[4].startswith("safeguarding.") for r in rows[1:])
    assert Event.objects.filter(action="audit.exported", actor=cast.manager).count() == 1


def export_text(client, filters) -> str:
    response = client.get(EXPORT, filters)
    assert response.status_code == 200 and response.streaming
    return b"".join(response.streaming_content).decode()


def test_the_export_streams_in_chunks_what_it_would_write_whole(client, cast, db, monkeypatch):
    """Chunks of three rows give the very file one chunk of all of them gives, newest first,
    with a name that starts like a formula written so no spreadsheet runs it."""
    cast.alice.full_name = '=HYPERLINK("http://example.invalid")'
    cast.alice.save()
    make_events(cast, 5)  # 10 events, rows of three then a last one
    client.force_login(cast.manager)
    filters = {"action": "student.changed"}
    whole = export_text(client, filters)
    monkeypatch.setattr(views_audit, "CHUNK", 3)
    assert export_text(client, filters) == whole

    rows = list(csv.reader(io.StringIO(whole)))
    assert rows[0] == [
        "When",
        "Who",
        "Their e-mail address",
        "What they did",
        "Action",
        "Record",
        "Record's identifier",
    ]
    newest_first = list(
        Event.objects.filter(action="student.changed")
        .order_by("-occurred_at", "-id")
        .values_list("object_id", flat=True)
    )
    assert [r[6] for r in rows[1:]] == newest_first
    assert {r[1] for r in rows[1:]} == {"Olive Officer", '\'=HYPERLINK("http://example.invalid")'}
    assert {r[3] for r in rows[1:]} == {"Changed a student's record"}
    assert {r[5] for r in rows[1:]} == {"Student"}


def test_the_exports_queries_do_not_grow_with_its_rows(client, cast, db, monkeypatch):
    monkeypatch.setattr(views_audit, "CHUNK", 4)
    client.force_login(cast.manager)
    filters = {"person": "o", "action": "changed"}
    export_text(client, filters)  # the session and the kinds of record, read once

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            export_text(client, filters)
        return len(captured)

    make_events(cast, 3)
    few = queries()
    make_events(cast, 40)  # 86 events, 22 chunks
    assert queries() == few


def test_the_export_holds_at_most_the_newest_it_may(client, cast, db, monkeypatch):
    monkeypatch.setattr(views_audit, "MOST_EXPORTED", 7)
    monkeypatch.setattr(views_audit, "CHUNK", 3)
    make_events(cast, 10)
    client.force_login(cast.manager)
    rows = list(csv.reader(io.StringIO(export_text(client, {"action": "student.changed"}))))
    newest = list(
        Event.objects.filter(action="student.changed")
        .order_by("-occurred_at", "-id")
        .values_list("object_id", flat=True)[:7]
    )
    assert [r[6] for r in rows[1:]] == newest


def test_an_export_with_a_wrong_filter_is_refused(client, cast, db):
    client.force_login(cast.manager)
    assert client.get(EXPORT, {"student": "nobody"}).status_code == 404
    assert not Event.objects.filter(action="audit.exported").exists()


@pytest.mark.parametrize(
    "who,status",
    [
        ("officer", 404),
        ("monitoring", 404),
        ("alice", 403),
        ("headteacher", 403),
        ("school_dsl", 403),
        ("provider_staff", 403),
        ("finance", 403),
    ],
)
def test_other_roles_are_refused(client, cast, db, who, status):
    client.force_login(getattr(cast, who))
    assert client.get(SEARCH).status_code == status
    assert client.get(EXPORT).status_code == status
    assert not Event.objects.filter(action__startswith="audit.").exists()


@pytest.mark.parametrize(
    "who,links",
    [
        ("manager", {"Subject access requests", "Audit trail"}),
        ("safeguarding", {"Subject access: safeguarding decisions", "Safeguarding audit trail"}),
        ("officer", set()),
        ("monitoring", set()),
    ],
)
def test_the_casework_home_links_only_what_each_may_open(client, cast, db, who, links):
    client.force_login(getattr(cast, who))
    page = shown(client.get(reverse("dashboards:casework")))
    for label in (
        "Subject access requests",
        "Subject access: safeguarding decisions",
        "Audit trail",
        "Safeguarding audit trail",
    ):
        assert (f">{label}</a>" in page) == (label in links), label


def test_the_safeguarding_lead_finds_the_events_about_a_students_concerns_by_upn(
    client, cast, records
):
    mine, theirs = records
    client.force_login(cast.safeguarding)
    page = shown(client.get(SEARCH, {"student": mine.student.upn}))
    assert str(mine.concern.uuid) in page
    assert str(theirs.concern.uuid) not in page


def test_an_old_reference_of_digits_only_is_still_found(cast, records):
    """Eight digits also read as a new reference (CAP-1234-05678): when none has it, they
    are looked up as the hex reference older letters quote."""
    mine, _ = records
    uuid = "12345678" + str(mine.application.uuid)[8:]
    Application.objects.filter(pk=mine.application.pk).update(uuid=uuid)
    assert resolve_student("12345678") == mine.student


def test_the_index_of_safeguardings_events_holds_those_the_rule_names(cast, db):
    """The migration writes the rule out as SQL: the two stay equal, and PostgreSQL finds
    the safeguarding lead's events through the index, not by reading every event."""
    index = importlib.import_module("privacy.migrations.0004_safeguarding_events_index")
    assert set(index.OBJECT_TYPES) == SAFEGUARDING_OBJECT_TYPES
    assert index.ACTION_PREFIX == SAFEGUARDING_ACTION_PREFIX
    if connection.vendor != "postgresql":
        return
    page = events_visible_to(cast.safeguarding).order_by("-occurred_at", "-id")[:50]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = page.explain()
    assert "audit_event_safeguarding" in plan
