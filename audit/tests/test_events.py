import pytest
from django.db import DatabaseError, connection, transaction

from audit.db import install_guards
from audit.models import Event
from audit.services import event_record
from lib.append_only import AppendOnlyError
from lib.tests.rewrites import refused, rewrites


@pytest.fixture
def event(cast):
    install_guards(connection)  # a browser test in the same process may have lifted them
    return event_record(
        actor=cast.officer, action="test.happened", obj=cast.school_a, detail={"n": 1}
    )


def test_an_event_records_who_what_which_and_when(event, cast):
    saved = Event.objects.get(pk=event.pk)
    assert saved.actor == cast.officer
    assert saved.action == "test.happened"
    assert saved.object_type == "accounts.organisation"
    assert saved.object_id == str(cast.school_a.uuid)
    assert saved.occurred_at is not None
    assert saved.detail == {"n": 1}


def test_an_anonymous_actor_is_recorded_as_the_system(db):
    from django.contrib.auth.models import AnonymousUser

    assert event_record(actor=AnonymousUser(), action="x").actor is None


def test_an_event_cannot_be_changed_through_the_model(event):
    event.action = "something else"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        Event.objects.filter(pk=event.pk).update(action="something else")


def test_an_event_cannot_be_deleted_through_the_model(event):
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        Event.objects.all().delete()


def test_the_database_refuses_to_change_or_delete_an_event(event):
    for sql in ("UPDATE audit_event SET action = 'forged'", "DELETE FROM audit_event"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert Event.objects.get(pk=event.pk).action == "test.happened"


def test_the_database_refuses_to_rewrite_an_event_by_replacing_it(event):
    # On SQLite, REPLACE deletes the row and inserts another in its place; the delete
    # trigger fires only with recursive triggers on (config.settings). On PostgreSQL an
    # upsert updates the row.
    for sql in rewrites("audit_event"):
        assert refused(sql, event.pk), sql
    assert Event.objects.get(pk=event.pk).action == "test.happened"
