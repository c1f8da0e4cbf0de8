import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import ProviderFactory, member
from audit.models import Event
from lib.append_only import AppendOnlyError
from lib.tests.rewrites import refused, rewrites
from safeguarding import services
from safeguarding.models import (
    ACCOUNT_MAX_LENGTH,
    Category,
    Concern,
    Entry,
    EntryKind,
)
from safeguarding.selectors import with_status
from safeguarding.tests.conftest import ACCOUNT, make_placement, raise_concern
from students.tests.factories import StudentFactory


def test_a_concern_keeps_who_raised_it_for_whom_and_what_they_saw(cast, concern, placement):
    saved = Concern.objects.get(pk=concern.pk)
    assert saved.raised_by == cast.provider_staff
    assert saved.raised_for == cast.provider
    assert saved.placement == placement
    assert saved.account == ACCOUNT
    assert saved.category.key == "physical_abuse"
    assert saved.reference.startswith("SG-") and len(saved.reference) == 11
    event = Event.objects.get(action="safeguarding.concern_raised")
    assert (event.actor, event.object_id) == (cast.provider_staff, str(concern.uuid))
    # The audit log holds identifiers only: nothing of what was written.
    assert event.detail == {}


def test_school_staff_raise_for_the_school_and_cap_staff_for_the_authority(cast, student):
    assert raise_concern(student, by=cast.alice).raised_for == cast.school_a
    assert raise_concern(student, by=cast.monitoring).raised_for == cast.la


@pytest.mark.parametrize("name", ["bob", "chair", "agency_worker", "outsider", "academy_staff"])
def test_someone_who_does_not_work_with_the_student_cannot_raise_one(cast, student, name):
    with pytest.raises(PermissionDenied):
        raise_concern(student, by=getattr(cast, name))
    assert not Concern.objects.exists()


def test_a_provider_raises_only_on_its_own_placement(cast, student, placement):
    other = make_placement(student, ProviderFactory(), by=cast.officer)
    with pytest.raises(services.Refused, match="placements from the list"):
        raise_concern(student, by=cast.provider_staff, placement=other)
    with pytest.raises(services.Refused, match="Choose the placement"):
        raise_concern(student, by=cast.provider_staff, placement=None)
    assert not Concern.objects.exists()


def test_a_placement_of_another_student_is_refused(cast, student, placement):

    someone_else = StudentFactory(home_school=cast.school_a)
    with pytest.raises(services.Refused):
        raise_concern(someone_else, by=cast.alice, placement=placement)


@pytest.mark.parametrize(
    ("account", "message"),
    [("   ", "Enter what you saw or heard"), ("x" * (ACCOUNT_MAX_LENGTH + 1), "10,000")],
)
def test_an_empty_or_oversize_account_is_refused(cast, student, account, message):
    with pytest.raises(services.Refused, match=message):
        raise_concern(student, by=cast.alice, account=account)


def test_a_retired_category_or_a_future_date_is_refused(cast, student):
    Category.objects.filter(key="other").update(is_active=False)
    with pytest.raises(services.Refused, match="category"):
        raise_concern(student, by=cast.alice, category="other")
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(services.Refused, match="today or in the past"):
        raise_concern(student, by=cast.alice, happened_on=tomorrow)


def test_the_categories_cover_the_kcsie_kinds(db):
    assert list(Category.objects.values_list("name", flat=True)) == [
        "Physical abuse",
        "Emotional abuse",
        "Sexual abuse",
        "Neglect",
        "Child-on-child abuse",
        "Criminal or sexual exploitation",
        "Online safety",
        "Mental health or self-harm",
        "Radicalisation",
        "Domestic abuse",
        "Missing from education",
        "Other",
    ]
    assert "county lines" in Category.objects.get(key="exploitation").hint


# --- Never altered -----------------------------------------------------------------------


def test_a_saved_concern_cannot_be_changed_or_deleted_through_the_model(concern):
    concern.account = "Something else"
    with pytest.raises(AppendOnlyError):
        concern.save()
    with pytest.raises(AppendOnlyError):
        concern.delete()
    with pytest.raises(AppendOnlyError):
        Concern.objects.filter(pk=concern.pk).update(account="Something else")
    with pytest.raises(AppendOnlyError):
        Concern.objects.filter(pk=concern.pk).delete()
    assert Concern.objects.get(pk=concern.pk).account == ACCOUNT


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE safeguarding_concern SET account = 'changed'",
        "DELETE FROM safeguarding_concern",
        "UPDATE safeguarding_entry SET text = 'changed'",
        "DELETE FROM safeguarding_entry",
    ],
)
def test_the_database_refuses_to_change_or_delete_them_even_by_raw_sql(cast, concern, sql):
    services.concern_add_update(concern=concern, text="An update.", by=cast.school_dsl)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert Concern.objects.get(pk=concern.pk).account == ACCOUNT
    assert Entry.objects.filter(kind=EntryKind.UPDATE, text="An update.").exists()


def test_the_database_refuses_to_rewrite_them_by_replacing_them(cast, concern):
    entry = services.concern_add_update(concern=concern, text="An update.", by=cast.school_dsl)
    for table, pk in (("safeguarding_concern", concern.pk), ("safeguarding_entry", entry.pk)):
        for sql in rewrites(table):
            assert refused(sql, pk), sql
    assert Concern.objects.get(pk=concern.pk).account == ACCOUNT
    assert Entry.objects.get(pk=entry.pk).text == "An update."


def test_an_entry_cannot_be_changed_or_deleted_through_the_model(cast, concern):
    entry = services.concern_acknowledge(concern=concern, by=cast.school_dsl)
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        Entry.objects.all().update(text="x")


def test_a_correction_is_a_new_entry_and_the_original_stays(cast, concern):
    correction = services.concern_add_update(
        concern=concern,
        text="It was the left arm, not the right.",
        correction=True,
        by=cast.school_dsl,
    )
    assert correction.kind == EntryKind.CORRECTION
    assert correction.corrects is None  # the original account
    assert Concern.objects.get(pk=concern.pk).account == ACCOUNT
    update = services.concern_add_update(concern=concern, text="Spoke to mum.", by=cast.school_dsl)
    again = services.concern_add_update(
        concern=concern, text="Spoke to dad.", corrects=update, correction=True, by=cast.school_dsl
    )
    assert again.corrects == update
    assert Entry.objects.get(pk=update.pk).text == "Spoke to mum."


def test_a_correction_of_another_concerns_entry_is_refused(cast, concern, student):
    other = raise_concern(student, by=cast.alice)
    entry = services.concern_add_update(concern=other, text="An update.", by=cast.school_dsl)
    with pytest.raises(services.Refused):
        services.concern_add_update(
            concern=concern, text="x", corrects=entry, correction=True, by=cast.school_dsl
        )


# --- Acting on a concern ------------------------------------------------------------------


def test_a_concern_is_acknowledged_once(cast, concern):
    services.concern_acknowledge(concern=concern, by=cast.school_dsl)
    with pytest.raises(services.Refused, match="already been acknowledged"):
        services.concern_acknowledge(concern=concern, by=cast.safeguarding)
    assert Entry.objects.filter(kind=EntryKind.ACKNOWLEDGED).count() == 1


def test_an_action_records_what_who_and_when_and_acknowledges_on_the_way(cast, concern):
    day = timezone.localdate() - dt.timedelta(days=1)
    entry = services.concern_record_action(
        concern=concern, action="social_care", taken_on=day, text="MASH ref 123", by=cast.school_dsl
    )
    assert (entry.kind, entry.action, entry.taken_on, entry.by) == (
        EntryKind.ACTION,
        "social_care",
        day,
        cast.school_dsl,
    )
    status = with_status(Concern.objects.filter(pk=concern.pk)).get()
    assert status.is_acknowledged and not status.is_closed


def test_an_unknown_action_or_outcome_is_refused(cast, concern):
    with pytest.raises(services.Refused):
        services.concern_record_action(
            concern=concern,
            action="shrug",
            taken_on=timezone.localdate(),
            text="",
            by=cast.school_dsl,
        )
    with pytest.raises(services.Refused):
        services.concern_close(concern=concern, outcome="forgotten", text="x", by=cast.school_dsl)
    assert not Entry.objects.exists()


def test_closing_records_the_outcome_and_refuses_more_actions(cast, concern):
    services.concern_close(
        concern=concern, outcome="early_help", text="Family accepted support.", by=cast.school_dsl
    )
    status = with_status(Concern.objects.filter(pk=concern.pk)).get()
    assert status.is_closed
    with pytest.raises(services.Refused, match="closed"):
        services.concern_record_action(
            concern=concern,
            action="police",
            taken_on=timezone.localdate(),
            text="",
            by=cast.school_dsl,
        )
    with pytest.raises(services.Refused, match="closed"):
        services.concern_close(concern=concern, outcome="other", text="x", by=cast.school_dsl)
    # An update after closing is still recorded: the record stays complete.
    services.concern_add_update(concern=concern, text="Moved house.", by=cast.school_dsl)


@pytest.mark.parametrize("name", ["officer", "manager", "alice", "provider_staff", "chair"])
def test_nobody_but_its_dsls_acts_on_a_concern(cast, concern, name):
    user = getattr(cast, name)
    with pytest.raises(PermissionDenied):
        services.concern_acknowledge(concern=concern, by=user)
    with pytest.raises(PermissionDenied):
        services.concern_add_update(concern=concern, text="x", by=user)
    with pytest.raises(PermissionDenied):
        services.concern_close(concern=concern, outcome="other", text="x", by=user)
    assert not Entry.objects.exists()


def test_the_provider_dsl_acts_on_concerns_from_their_placements(cast, concern):
    provider_dsl = member(cast.provider, Role.DSL)
    services.concern_acknowledge(concern=concern, by=provider_dsl)
    assert Entry.objects.get().by == provider_dsl
