"""The termly access review: opened once a term, a notice and one reminder, suspension of
the people nobody confirmed once it is due, restoring them, and who may see what."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Role, User
from accounts.tests.factories import SchoolFactory, member
from audit.models import Event
from lib.dates import add_working_days, working_days_before
from lib.errors import Refused
from privacy.access_review import (
    access_review_restore,
    access_reviews_close_due,
    access_reviews_open,
    access_reviews_remind,
)
from privacy.models import AccessReview, Outcome
from programmes.models import AcademicYear, Term
from scheduling.registry import registered

# The first day of a term, and the term.
START = dt.date(2026, 4, 13)


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.CAP_ACCESS_REVIEW_WORKING_DAYS = 20
    settings.CAP_ACCESS_REVIEW_REMINDER_WORKING_DAYS = 5


@pytest.fixture
def term(db):
    year = AcademicYear.objects.create(
        name="2025-26", starts_on=dt.date(2025, 9, 1), ends_on=dt.date(2026, 8, 31)
    )
    return Term.objects.create(
        year=year, name="Summer", starts_on=START, ends_on=dt.date(2026, 7, 22)
    )


@pytest.fixture
def admin(cast):
    return member(cast.school_a, Role.ADMINISTRATOR, full_name="Ada Administrator")


def open_now(capture):
    with capture(execute=True):
        return access_reviews_open(today=START)


def review_of(organisation):
    return AccessReview.objects.get(organisation=organisation)


def test_the_job_is_registered():
    job = registered()["run_access_reviews"]
    assert job.command == "run_access_reviews"
    assert job.when.words() == "Working days at 6:45am"


def test_it_opens_one_review_per_organisation_once_a_term(
    cast, term, admin, django_capture_on_commit_callbacks
):
    opened = open_now(django_capture_on_commit_callbacks)

    with_people = {cast.la, cast.school_a, cast.school_b, cast.provider, cast.academy, cast.agency}
    assert {r.organisation for r in opened} == with_people
    review = review_of(cast.school_a)
    assert review.due_on == add_working_days(START, 20)
    assert set(review.people.values_list("user__full_name", flat=True)) >= {
        "Alice Referrer",
        "Ada Administrator",
    }
    assert review.people.count() == 4  # Alice, the headteacher, the DSL and the administrator
    # And again, the same term: nothing more.
    assert open_now(django_capture_on_commit_callbacks) == []
    assert access_reviews_open(today=START + dt.timedelta(days=30)) == []
    assert AccessReview.objects.count() == len(with_people)
    assert Event.objects.filter(action="access_review.opened").count() == len(with_people)


def test_nothing_opens_outside_term_time(cast, term):
    assert access_reviews_open(today=START - dt.timedelta(days=3)) == []


def test_the_notice_goes_to_the_administrator_or_else_the_cap_manager(
    cast, term, admin, django_capture_on_commit_callbacks
):
    open_now(django_capture_on_commit_callbacks)

    to = {tuple(m.to): m for m in mail.outbox}
    notice = to[(admin.email,)]
    assert "School A" in notice.subject
    assert reverse("privacy:access_review", args=[review_of(cast.school_a).uuid]) in notice.body
    assert "Alice" not in notice.body
    # School B, with no administrator, and the authority fall to the CAP manager.
    assert sum(1 for m in mail.outbox if m.to == [cast.manager.email]) == 5


def test_the_command_opens_the_reviews_of_the_term_under_way_once(cast, db):
    today = timezone.localdate()
    year = AcademicYear.objects.create(
        name="now", starts_on=today - dt.timedelta(days=100), ends_on=today + dt.timedelta(days=100)
    )
    Term.objects.create(
        year=year,
        name="This term",
        starts_on=today - dt.timedelta(days=1),
        ends_on=today + dt.timedelta(days=60),
    )
    out = io.StringIO()
    call_command("run_access_reviews", stdout=out)
    assert "Opened 6 reviews" in out.getvalue()
    out = io.StringIO()
    call_command("run_access_reviews", stdout=out)
    assert "Opened 0 reviews" in out.getvalue()
    assert AccessReview.objects.count() == 6


def test_one_reminder_before_the_deadline(cast, term, admin, django_capture_on_commit_callbacks):
    open_now(django_capture_on_commit_callbacks)
    review = review_of(cast.school_a)
    remind_on = working_days_before(review.due_on, 5)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert access_reviews_remind(today=remind_on - dt.timedelta(days=1)) == 0
        assert access_reviews_remind(today=remind_on) == 6
        assert access_reviews_remind(today=remind_on) == 0

    reminder = next(m for m in mail.outbox if m.to == [admin.email])
    assert reminder.subject.startswith("Reminder:")
    assert "4 people at School A are still to be confirmed" in reminder.body


def test_no_reminder_when_everyone_is_answered(cast, term, admin, client, settings):
    access_reviews_open(today=START)
    review = review_of(cast.school_a)
    client.force_login(admin)
    client.post(
        reverse("privacy:access_review", args=[review.uuid]),
        {
            f"person_{u.uuid.hex}": "confirmed"
            for u in (cast.alice, cast.headteacher, cast.school_dsl)
        },
    )
    access_reviews_remind(today=review.due_on)
    review.refresh_from_db()
    assert review.reminded_at is None


def test_after_the_deadline_only_unconfirmed_people_are_suspended(
    cast, term, admin, client, django_capture_on_commit_callbacks
):
    open_now(django_capture_on_commit_callbacks)
    review = review_of(cast.school_a)
    client.force_login(admin)
    client.post(
        reverse("privacy:access_review", args=[review.uuid]),
        {f"person_{cast.alice.uuid.hex}": "confirmed", f"person_{cast.headteacher.uuid.hex}": ""},
    )
    mail.outbox.clear()

    # On the day it is due, nothing yet.
    assert access_reviews_close_due(today=review.due_on) == 0
    with django_capture_on_commit_callbacks(execute=True):
        suspended = access_reviews_close_due(today=review.due_on + dt.timedelta(days=1))

    for person in (cast.alice, cast.headteacher, cast.school_dsl, admin):
        person.refresh_from_db()
    assert cast.alice.is_active and admin.is_active  # confirmed, and the reviewer themself
    assert not cast.headteacher.is_active and not cast.school_dsl.is_active
    assert set(review.people.filter(outcome=Outcome.SUSPENDED).values_list("user", flat=True)) == {
        cast.headteacher.pk,
        cast.school_dsl.pk,
    }
    assert Event.objects.filter(
        action="user.suspended", object_id=str(cast.headteacher.uuid)
    ).exists()
    told = next(m for m in mail.outbox if m.to == [admin.email])
    assert "2 people were not confirmed" in told.body
    assert cast.headteacher.full_name not in told.body
    # Every other organisation's unconfirmed people too; run again, nothing more.
    assert suspended > 2
    assert access_reviews_close_due(today=review.due_on + dt.timedelta(days=2)) == 0


def test_the_administrator_restores_a_suspended_person(cast, term, admin, client):
    access_reviews_open(today=START)
    review = review_of(cast.school_a)
    access_reviews_close_due(today=review.due_on + dt.timedelta(days=1))
    admin.refresh_from_db()
    cast.manager.refresh_from_db()
    assert admin.is_active is False  # they never completed the review
    assert cast.manager.is_active  # the last resort is never suspended
    client.force_login(cast.manager)  # School A has no active administrator now
    url = reverse("privacy:access_review_restore", args=[review.uuid, cast.alice.uuid])

    response = client.post(url)

    assert response.status_code == 302
    cast.alice.refresh_from_db()
    assert cast.alice.is_active
    assert review.people.get(user=cast.alice).outcome == Outcome.RESTORED
    assert Event.objects.filter(action="user.restored", actor=cast.manager).exists()
    assert client.get(url).status_code == 405


def test_the_review_page_lists_people_with_their_roles_and_saves_answers(cast, term, admin, client):
    access_reviews_open(today=START)
    review = review_of(cast.school_a)
    url = reverse("privacy:access_review", args=[review.uuid])
    client.force_login(admin)

    page = client.get(url)
    assert page.status_code == 200
    assert "Alice Referrer" in page.text and "CAP coordinator" in page.text
    assert "Bob Referrer" not in page.text

    response = client.post(
        url,
        {
            f"person_{cast.alice.uuid.hex}": "confirmed",
            f"person_{cast.headteacher.uuid.hex}": "leaving",
        },
    )
    assert response.status_code == 302
    outcomes = dict(review.people.values_list("user", "outcome"))
    assert outcomes[cast.alice.pk] == Outcome.CONFIRMED
    assert outcomes[cast.headteacher.pk] == Outcome.LEAVING
    assert outcomes[admin.pk] == Outcome.CONFIRMED
    assert outcomes[cast.school_dsl.pk] == Outcome.PENDING
    # The person marked as left links to the leaver page.
    page = client.get(url)
    assert reverse("accounts:leaver", args=[cast.headteacher.uuid]) in page.text


def test_the_administrators_list_leads_to_their_review(cast, term, admin, client):
    access_reviews_open(today=START)
    client.force_login(admin)
    response = client.get(reverse("privacy:access_reviews"))
    assert response.url == reverse("privacy:access_review", args=[review_of(cast.school_a).uuid])


def test_the_cap_manager_reviews_the_authority_and_organisations_with_no_administrator(
    cast, term, admin, client
):
    access_reviews_open(today=START)
    client.force_login(cast.manager)
    page = client.get(reverse("privacy:access_reviews"))
    assert "School B" in page.text and "Test City Council" in page.text
    assert "School A" not in page.text
    assert (
        client.get(
            reverse("privacy:access_review", args=[review_of(cast.school_a).uuid])
        ).status_code
        == 404
    )


@pytest.mark.parametrize("who", ["other_administrator", "referrer", "officer"])
def test_others_are_refused_a_review(cast, term, admin, client, who):
    access_reviews_open(today=START)
    review = review_of(cast.school_a)
    asker, status = {
        "other_administrator": (member(cast.school_b, Role.ADMINISTRATOR), 404),
        "referrer": (cast.alice, 403),
        "officer": (cast.officer, 403),
    }[who]
    client.force_login(asker)
    url = reverse("privacy:access_review", args=[review.uuid])
    assert client.get(url).status_code == status
    assert client.post(url, {f"person_{cast.alice.uuid.hex}": "confirmed"}).status_code == status
    restore = reverse("privacy:access_review_restore", args=[review.uuid, cast.alice.uuid])
    assert client.post(restore).status_code == status
    assert review.people.get(user=cast.alice).outcome == Outcome.PENDING
    if who != "other_administrator":
        assert client.get(reverse("privacy:access_reviews")).status_code == 403


def test_the_overview_is_the_cap_managers(cast, term, client):
    access_reviews_open(today=START)
    url = reverse("privacy:access_review_overview")
    client.force_login(cast.officer)
    assert client.get(url).status_code == 404
    client.force_login(cast.alice)
    assert client.get(url).status_code == 403
    client.force_login(cast.manager)
    page = client.get(url)
    assert page.status_code == 200
    assert "School A" in page.text and "Provider P" in page.text


def _overview_queries(client) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("privacy:access_review_overview"))
    assert page.status_code == 200
    return len(queries), page.text


def test_the_overview_queries_do_not_grow_and_it_is_paged(cast, term, client):
    client.force_login(cast.manager)
    for _ in range(3):
        member(SchoolFactory(), Role.REFERRER)
    access_reviews_open(today=START)
    few, _ = _overview_queries(client)

    AccessReview.objects.all().delete()
    for _ in range(60):
        school = SchoolFactory()
        member(school, Role.REFERRER)
        member(school, Role.HEADTEACHER)
    access_reviews_open(today=START)
    many, text = _overview_queries(client)

    assert many == few
    assert "Page 1 of 2" in text


def test_home_pages_link_the_review_only_for_those_who_may_open_it(cast, term, admin, client):
    Membership.objects.create(user=admin, organisation=cast.school_a, role=Role.REFERRER)
    client.force_login(admin)
    assert reverse("privacy:access_reviews") in client.get(reverse("dashboards:schools")).text
    client.force_login(cast.alice)
    assert reverse("privacy:access_reviews") not in client.get(reverse("dashboards:schools")).text
    client.force_login(cast.manager)
    home = client.get(reverse("dashboards:casework")).text
    assert reverse("privacy:access_reviews") in home
    assert reverse("privacy:access_review_overview") in home
    client.force_login(cast.officer)
    assert reverse("privacy:access_reviews") not in client.get(reverse("dashboards:casework")).text


def test_an_administrator_does_not_restore_someone_who_also_works_elsewhere(cast, term, admin):
    # The account is the person's: a school's administrator must not reopen it when the
    # person also holds a role the CAP manager looks after.
    access_reviews_open(today=START)
    review = review_of(cast.school_a)
    access_reviews_close_due(today=review.due_on + dt.timedelta(days=1))
    entry = review.people.get(user=cast.alice)
    assert entry.outcome == Outcome.SUSPENDED
    Membership.objects.create(user=cast.alice, organisation=cast.la, role=Role.PANEL_MEMBER)
    User.objects.filter(pk=admin.pk).update(is_active=True)  # restored themselves
    admin = User.objects.get(pk=admin.pk)

    with pytest.raises(Refused, match="ask the CAP manager"):
        access_review_restore(entry=entry, by=admin)
    cast.alice.refresh_from_db()
    assert cast.alice.is_active is False

    access_review_restore(entry=entry, by=cast.manager)
    cast.alice.refresh_from_db()
    assert cast.alice.is_active
