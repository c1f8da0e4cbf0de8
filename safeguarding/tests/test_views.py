import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import member
from audit.models import Event
from lib.admin import admin_site
from safeguarding import services, views
from safeguarding.models import ACCOUNT_MAX_LENGTH, VIEWED, Concern, Entry, EntryKind
from safeguarding.tests.conftest import ACCOUNT, raise_concern
from students.tests.factories import StudentFactory


def _raise_data(placement=None, **changes):
    today = timezone.localdate()
    data = {
        "placement": str(placement.uuid) if placement else "none",
        "happened_on_day": str(today.day),
        "happened_on_month": str(today.month),
        "happened_on_year": str(today.year),
        "category": "neglect",
        "account": "Came in hungry again, in the same clothes as all week.",
        "injuries": "",
        "immediate_actions": "Gave breakfast.",
        "urgent": "no",
    }
    return {**data, **changes}


# --- Raising ------------------------------------------------------------------------------


def test_a_provider_raises_a_concern_and_sees_only_a_receipt(client, cast, student, placement):
    client.force_login(cast.provider_staff)
    url = reverse("safeguarding:raise", args=[student.uuid])
    page = client.get(url)
    assert cast.provider.name in page.text
    assert "Not on a placement" not in page.text  # a provider raises on its placement
    response = client.post(url, _raise_data(placement))
    concern = Concern.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("safeguarding:receipt", args=[concern.uuid])
    assert (concern.placement, concern.raised_by, concern.urgent) == (
        placement,
        cast.provider_staff,
        False,
    )
    receipt = client.get(response.url)
    assert concern.reference in receipt.text
    assert "hungry" not in receipt.text
    assert client.get(reverse("safeguarding:concern", args=[concern.uuid])).status_code == 404


def test_school_staff_may_raise_a_concern_not_on_a_placement(client, cast, student, placement):
    client.force_login(cast.alice)
    response = client.post(reverse("safeguarding:raise", args=[student.uuid]), _raise_data())
    assert response.status_code == 302
    assert Concern.objects.get().placement is None


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"account": "  "}, "account", "Enter what you saw or heard"),
        ({"account": "x" * (ACCOUNT_MAX_LENGTH + 1)}, "account", "10,000 characters or fewer"),
        ({"category": "aliens"}, "category", "Choose a kind of concern from the list"),
        ({"urgent": ""}, "urgent", "Select yes if the student is at risk of harm now"),
        (
            {"happened_on_day": "31", "happened_on_month": "2"},
            "happened_on",
            "does not have 31 days",
        ),
    ],
)
def test_bad_input_is_refused_beside_the_field_and_kept(
    client, cast, student, changes, field, message
):
    client.force_login(cast.alice)
    response = client.post(
        reverse("safeguarding:raise", args=[student.uuid]), _raise_data(**changes)
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert "There is a problem" in response.text
    assert "Gave breakfast." in response.text  # what was typed is kept
    assert not Concern.objects.exists()


def test_a_future_date_is_refused(client, cast, student):
    client.force_login(cast.alice)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(
        reverse("safeguarding:raise", args=[student.uuid]),
        _raise_data(
            happened_on_day=str(tomorrow.day),
            happened_on_month=str(tomorrow.month),
            happened_on_year=str(tomorrow.year),
        ),
    )
    assert "today or in the past" in response.text
    assert not Concern.objects.exists()


def test_a_forged_post_for_another_students_placement_is_refused(client, cast, student, placement):
    from safeguarding.tests.conftest import make_placement

    other = make_placement(
        StudentFactory(home_school=cast.school_b), cast.provider, by=cast.officer
    )
    client.force_login(cast.provider_staff)
    response = client.post(reverse("safeguarding:raise", args=[student.uuid]), _raise_data(other))
    assert response.status_code == 200
    assert "Choose one of this student’s placements from the list" in response.text
    assert not Concern.objects.exists()


def test_a_forged_post_for_a_student_the_user_does_not_work_with_is_404(client, cast, student):

    client.force_login(cast.alice)
    stranger = StudentFactory(home_school=cast.school_b)
    response = client.post(reverse("safeguarding:raise", args=[stranger.uuid]), _raise_data())
    assert response.status_code == 404
    assert not Concern.objects.exists()


def test_a_provider_without_a_placement_of_the_student_cannot_raise(client, cast, student):
    client.force_login(cast.provider_staff)
    assert client.get(reverse("safeguarding:raise", args=[student.uuid])).status_code == 404


# --- Reading: every read audited -------------------------------------------------------


def test_reading_a_concern_is_audited_and_the_dsl_sees_who_read_it(client, cast, concern):
    url = reverse("safeguarding:concern", args=[concern.uuid])
    client.force_login(cast.safeguarding)
    client.get(url)
    client.force_login(cast.school_dsl)
    response = client.get(url)
    assert ACCOUNT in response.text
    reads = Event.objects.filter(action=VIEWED, object_id=str(concern.uuid))
    assert sorted(e.actor.full_name for e in reads) == sorted(
        [cast.safeguarding.full_name, cast.school_dsl.full_name]
    )
    assert all(e.detail == {"via": "concern"} for e in reads)
    readers = response.text.split("Who has read this concern</h2>")[1]
    assert cast.safeguarding.full_name in readers
    assert cast.school_dsl.full_name in readers


def test_the_chronology_and_its_pdf_are_audited(client, cast, student, concern):
    second = raise_concern(student, by=cast.alice, category="neglect")
    client.force_login(cast.school_dsl)
    page = client.get(reverse("safeguarding:chronology", args=[student.uuid]))
    assert ACCOUNT in page.text and second.reference in page.text
    response = client.get(reverse("safeguarding:chronology_pdf", args=[student.uuid]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    reads = Event.objects.filter(action=VIEWED, actor=cast.school_dsl)
    assert sorted((e.object_id, e.detail["via"]) for e in reads) == sorted(
        [
            (str(concern.uuid), "chronology"),
            (str(second.uuid), "chronology"),
            (str(concern.uuid), "pdf"),
            (str(second.uuid), "pdf"),
        ]
    )
    generated = Event.objects.get(action="safeguarding.chronology_pdf_generated")
    assert (generated.actor, generated.object_id) == (cast.school_dsl, str(student.uuid))


def test_a_provider_dsl_sees_only_the_concerns_from_its_placements(client, cast, student, concern):
    raise_concern(student, by=cast.alice, account="Seen at school only.")
    provider_dsl = member(cast.provider, Role.DSL)
    client.force_login(provider_dsl)
    page = client.get(reverse("safeguarding:chronology", args=[student.uuid]))
    assert ACCOUNT in page.text
    assert "Seen at school only." not in page.text
    assert Event.objects.filter(action=VIEWED, actor=provider_dsl).count() == 1


# --- Acting -------------------------------------------------------------------------------


def test_a_dsl_acknowledges_by_post_only(client, cast, concern):
    client.force_login(cast.school_dsl)
    url = reverse("safeguarding:acknowledge", args=[concern.uuid])
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 302
    entry = Entry.objects.get()
    assert (entry.kind, entry.by) == (EntryKind.ACKNOWLEDGED, cast.school_dsl)
    again = client.post(url, follow=True)
    assert "already been acknowledged" in again.text
    assert Entry.objects.count() == 1


def test_a_dsl_adds_a_correction_of_the_account_and_both_show(client, cast, concern):
    client.force_login(cast.school_dsl)
    url = reverse("safeguarding:update", args=[concern.uuid])
    assert client.post(url, {"corrects": "account", "text": ""}).status_code == 200
    response = client.post(url, {"corrects": "account", "text": "It was a slipper, not a belt."})
    assert response.status_code == 302
    page = client.get(reverse("safeguarding:concern", args=[concern.uuid]))
    assert ACCOUNT in page.text
    assert "It was a slipper, not a belt." in page.text
    assert "Correction of the original account" in page.text


def test_a_forged_correction_target_is_refused(client, cast, concern, student):
    from safeguarding import services

    other = raise_concern(student, by=cast.alice)
    elsewhere = services.concern_add_update(concern=other, text="x", by=cast.school_dsl)
    client.force_login(cast.school_dsl)
    response = client.post(
        reverse("safeguarding:update", args=[concern.uuid]),
        {"corrects": str(elsewhere.uuid), "text": "y"},
    )
    assert response.status_code == 200
    assert "Choose what you are correcting from the list" in response.text


def test_a_dsl_records_an_action_and_closes_with_an_outcome(client, cast, concern):
    client.force_login(cast.school_dsl)
    day = timezone.localdate()
    response = client.post(
        reverse("safeguarding:action", args=[concern.uuid]),
        {
            "action": "social_care",
            "taken_on_day": day.day,
            "taken_on_month": day.month,
            "taken_on_year": day.year,
            "text": "Referred to the MASH.",
        },
    )
    assert response.status_code == 302
    bad = client.post(reverse("safeguarding:close", args=[concern.uuid]), {"outcome": "nope"})
    assert "Choose the outcome from the list" in bad.text
    closed = client.post(
        reverse("safeguarding:close", args=[concern.uuid]),
        {"outcome": "child_in_need", "text": "Strategy meeting held."},
    )
    assert closed.status_code == 302
    assert [e.kind for e in Entry.objects.order_by("id")] == [
        EntryKind.ACKNOWLEDGED,
        EntryKind.ACTION,
        EntryKind.CLOSED,
    ]
    page = client.get(reverse("safeguarding:concern", args=[concern.uuid]))
    assert "Closed: child in need plan" in page.text
    assert "Record an action" not in page.text


# --- Query counts -------------------------------------------------------------------------


def test_the_queue_pages_its_concerns_unacknowledged_and_urgent_first(client, cast, student):
    raised = [
        raise_concern(student, by=cast.alice, account=f"Concern {i}", urgent=i % 3 == 0)
        for i in range(views.PAGE_SIZE + 5)
    ]
    for concern in raised[::4]:
        services.concern_acknowledge(concern=concern, by=cast.school_dsl)
    client.force_login(cast.school_dsl)
    shown = []
    for number in (1, 2):
        page = client.get(reverse("safeguarding:queue"), {"page": number}).context["page"]
        shown += [(c.is_acknowledged, not c.urgent, -c.raised_at.timestamp(), -c.pk) for c in page]
    assert len(shown) == len(raised)
    assert shown == sorted(shown)


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_queue_and_the_chronology_do_not_grow_with_the_number_of_concerns(
    client, cast, student, concern
):
    from safeguarding import services

    def add(n):
        for i in range(n):
            c = raise_concern(student, by=cast.alice, account=f"Concern {i}")
            services.concern_add_update(concern=c, text="Update", by=cast.school_dsl)

    client.force_login(cast.school_dsl)
    add(2)
    urls = [
        reverse("safeguarding:queue"),
        reverse("safeguarding:chronology", args=[student.uuid]),
        reverse("safeguarding:raised"),
    ]
    small = [_count(client, url) for url in urls]
    add(27)
    assert [_count(client, url) for url in urls] == small


# --- Never listed elsewhere ----------------------------------------------------------------


def test_the_admin_has_no_safeguarding_pages_and_hides_its_audit_events(client, cast, concern):
    from safeguarding.models import Category

    assert not [m for m in admin_site._registry if m._meta.app_label == "safeguarding"]
    assert Category not in admin_site._registry
    client.force_login(cast.manager)
    assert client.get("/admin/safeguarding/").status_code == 404
    assert client.get("/admin/safeguarding/concern/").status_code == 404
    events = client.get("/admin/audit/event/")
    assert events.status_code == 200
    assert str(concern.uuid) not in events.text
    assert "safeguarding." not in events.text


def test_concerns_are_not_in_the_student_pages_search_or_application_timeline(
    client, cast, student, concern
):
    for user in (cast.school_dsl, cast.alice):
        client.force_login(user)
        for url in (
            reverse("students:list") + f"?q={student.legal_last_name}",
            reverse("students:detail", args=[student.uuid]),
            reverse("applications:detail", args=[concern.placement.application.uuid]),
        ):
            response = client.get(url)
            assert response.status_code == 200, url
            assert concern.reference not in response.text
            assert ACCOUNT not in response.text


@pytest.mark.parametrize("name", ["acknowledge", "update", "action", "close", "concern"])
def test_other_methods_are_refused(client, cast, concern, name):
    client.force_login(cast.school_dsl)
    url = reverse(f"safeguarding:{name}", args=[concern.uuid])
    assert client.put(url).status_code == 405
    assert client.delete(url).status_code == 405
    assert not Entry.objects.exists()
    assert Concern.objects.get(pk=concern.pk).account == ACCOUNT


def test_a_future_action_date_is_refused_beside_the_field(client, cast, concern):
    client.force_login(cast.school_dsl)
    later = timezone.localdate() + dt.timedelta(days=3)
    response = client.post(
        reverse("safeguarding:action", args=[concern.uuid]),
        {
            "action": "police",
            "taken_on_day": later.day,
            "taken_on_month": later.month,
            "taken_on_year": later.year,
        },
    )
    assert response.context["form"].errors["taken_on"] == [
        "The date of the action must be today or in the past"
    ]
    assert not Entry.objects.exists()


def test_the_categories_are_offered_with_their_hints(client, cast, student):
    client.force_login(cast.alice)
    page = client.get(reverse("safeguarding:raise", args=[student.uuid]))
    assert "Criminal or sexual exploitation (including county lines)" in page.text
    assert "Neglect" in page.text
