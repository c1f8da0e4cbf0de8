"""Retention's one sanctioned path past the append-only triggers: it deletes audit events,
safeguarding concerns and issued finance rows; ordinary code and raw SQL still cannot,
before, during another transaction, or after it; and nothing can change a row."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError

from audit import db as audit_db
from audit.models import Event
from audit.services import event_record
from finance import db as finance_db
from lib.append_only import AppendOnlyError, retention_delete
from safeguarding import db as safeguarding_db
from safeguarding.categories import categories_ensure
from safeguarding.models import Category, Concern
from safeguarding.services import concern_acknowledge
from safeguarding.tests.conftest import raise_concern
from students.tests.factories import StudentFactory


@pytest.fixture(autouse=True)
def guards(db):
    # A browser test earlier in the same process may have lifted the triggers.
    for guard in (audit_db, safeguarding_db, finance_db):
        guard.install_guards(connection)
    categories_ensure(Category)


def _raw(sql: str, *params) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def events(cast):
    return [
        event_record(actor=cast.officer, action="test.happened", detail={"n": n}) for n in (1, 2)
    ]


def test_retention_deletes_audit_events_and_nothing_else(events):
    assert retention_delete(Event.objects.filter(pk=events[0].pk)) == 1
    assert list(Event.objects.values_list("pk", flat=True)) == [events[1].pk]


def test_an_ordinary_delete_is_still_refused_after_retention_has_deleted(events):
    retention_delete(Event.objects.filter(pk=events[0].pk))
    with pytest.raises(AppendOnlyError):
        Event.objects.filter(pk=events[1].pk).delete()
    with pytest.raises(DatabaseError, match="cannot be changed or deleted"):
        _raw("DELETE FROM audit_event WHERE id = %s", events[1].pk)
    assert Event.objects.filter(pk=events[1].pk).exists()


def test_raw_sql_cannot_delete_inside_an_outer_transaction_once_retention_is_done(events):
    with transaction.atomic():
        retention_delete(Event.objects.filter(pk=events[0].pk))
        # Same transaction, after retention's own part: the permit is gone.
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_event WHERE id = %s", [events[1].pk])
    assert Event.objects.filter(pk=events[1].pk).exists()


def test_a_failed_retention_delete_leaves_no_permit_behind(events, cast):
    # A concern with an entry cannot go before its entry: the delete is refused part-way.
    concern = raise_concern(StudentFactory(home_school=cast.school_a), by=cast.school_dsl)
    concern_acknowledge(concern=concern, by=cast.school_dsl)
    with transaction.atomic():
        with pytest.raises(ProtectedError):
            retention_delete(Concern.objects.filter(pk=concern.pk))
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_event WHERE id = %s", [events[0].pk])
    assert Concern.objects.filter(pk=concern.pk).exists()
    assert Event.objects.filter(pk=events[0].pk).exists()


def test_retention_deletes_a_safeguarding_concern_and_raw_sql_still_cannot(cast):
    student = StudentFactory(home_school=cast.school_a)
    kept = raise_concern(student, by=cast.school_dsl)
    gone = raise_concern(student, by=cast.school_dsl)
    with pytest.raises(DatabaseError, match="cannot be changed or deleted"):
        _raw("DELETE FROM safeguarding_concern WHERE id = %s", gone.pk)
    assert retention_delete(Concern.objects.filter(pk=gone.pk)) >= 1
    assert list(Concern.objects.values_list("pk", flat=True)) == [kept.pk]
    with pytest.raises(DatabaseError, match="cannot be changed or deleted"):
        _raw("DELETE FROM safeguarding_concern WHERE id = %s", kept.pk)


def test_nothing_changes_a_row_not_even_retention(events):
    with pytest.raises(DatabaseError, match="cannot be changed or deleted"):
        _raw("UPDATE audit_event SET action = 'rewritten' WHERE id = %s", events[0].pk)
    retention_delete(Event.objects.none())
    with pytest.raises(DatabaseError, match="cannot be changed or deleted"):
        _raw("UPDATE audit_event SET action = 'rewritten' WHERE id = %s", events[0].pk)
    assert Event.objects.get(pk=events[0].pk).action == "test.happened"
