"""The CAP casework pages: the queue, an application's page, each CAP step, assignment."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import member
from applications import selectors, services, workflow
from applications.models import Application
from applications.tests.factories import complete_application, early_help_done, subscribe
from applications.workflow import Status
from audit.models import Event
from lib.dates import is_working_day, working_days_between
from programmes.models import AcademicYear, Route, Term
from students.tests.factories import StudentFactory

QUEUE = reverse("casework:queue")


def page_url(application) -> str:
    return reverse("casework:application", args=[application.uuid])


def act_url(application, step: str) -> str:
    return reverse("casework:act", args=[application.uuid, step])


def date_parts(prefix: str, day: dt.date) -> dict:
    return {f"{prefix}_day": day.day, f"{prefix}_month": day.month, f"{prefix}_year": day.year}


def submitted(programmes, *, school, by) -> Application:
    """A complete application for a new student at `school`, submitted."""
    student = StudentFactory(home_school=school)
    early_help_done(student)
    application = complete_application(
        student=student, by=by, programme=programmes["curriculum-support"]
    )
    return services.application_submit(application=application, version=application.version, by=by)


AFTER_PACK = {
    Status.PACK_SENT,
    Status.INTERVIEW_ARRANGED,
    Status.INTERVIEW_HELD,
    Status.PROVIDER_ACCEPTED,
    Status.PROVIDER_DECLINED,
    Status.START_CONFIRMED,
    Status.PLACED,
}


# Statuses an application on the provider route can reach.
PROVIDER_ROUTE_STATUSES = {
    target
    for t in workflow.TRANSITIONS.values()
    if workflow.on_route(t, Route.PROVIDER)
    for target in (t.target, *t.sources)
} - {
    Status.AT_PANEL,
    Status.PANEL_RETURNED,
    Status.PANEL_APPROVED,
    Status.WAITING_LIST,
    Status.PANEL_DECLINED,
}


def at(application, status: str, **fields) -> Application:
    """Put an application at a step directly, as if the steps before it had been taken."""
    if status in AFTER_PACK:
        fields.setdefault("pack_sent_at", timezone.now())
    Application.objects.filter(pk=application.pk).update(
        status=status, status_changed_at=timezone.now(), **fields
    )
    application.refresh_from_db()
    return application


def at_london(*parts) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=timezone.get_current_timezone())


def events(application, action: str) -> int:
    return Event.objects.filter(object_id=str(application.uuid), action=action).count()


def references(html: str) -> list[str]:
    """The application references in the queue's table, in order."""
    return re.findall(r'/casework/applications/[0-9a-f-]+/">(CAP-\d{4}-\d{5})</a>', html)


def school_days_from(day: dt.date):
    """Days from `day` on that are working days in term time and not in half term."""
    terms = list(Term.objects.all())
    while True:
        day += dt.timedelta(days=1)
        in_term = [t for t in terms if t.starts_on <= day <= t.ends_on]
        if (
            is_working_day(day)
            and in_term
            and not any(
                t.half_term_starts_on and t.half_term_starts_on <= day <= t.half_term_ends_on
                for t in in_term
            )
        ):
            yield day


@pytest.fixture
def application(cast, programmes, subscribed):
    return submitted(programmes, school=cast.school_a, by=cast.alice)


@pytest.fixture
def officer_client(client, cast):
    client.force_login(cast.officer)
    return client


# --- The queue -----------------------------------------------------------------------


def test_the_queue_shows_submitted_applications_and_hides_drafts(
    officer_client, cast, programmes, subscribed, application
):
    student = StudentFactory(home_school=cast.school_a)
    early_help_done(student)
    draft = complete_application(
        student=student, by=cast.alice, programme=programmes["curriculum-support"]
    )
    response = officer_client.get(QUEUE)
    assert response.status_code == 200
    page = response.content.decode()
    assert references(page) == [application.reference]
    assert draft.reference is None and str(draft.uuid) not in page
    assert f"{application.student.known_as} {application.student.legal_last_name}" in page
    assert "Waiting for CAP review" in page and "School A" in page
    assert application.course.provider.name in page


def test_the_queue_shows_only_open_applications_unless_asked(
    officer_client, cast, programmes, subscribed, application
):
    closed = at(submitted(programmes, school=cast.school_a, by=cast.alice), Status.CLOSED)
    assert references(officer_client.get(QUEUE).content.decode()) == [application.reference]
    page = officer_client.get(QUEUE, {"step": Status.CLOSED}).content.decode()
    assert references(page) == [closed.reference]
    page = officer_client.get(QUEUE, {"step": selectors.ANY_STEP}).content.decode()
    assert set(references(page)) == {application.reference, closed.reference}


@pytest.fixture
def two_schools(cast, programmes, year, subscribed):
    """One application at each school, on different courses, one of them accepted and
    assigned to the officer."""
    subscribe(cast.school_b, year)
    a = submitted(programmes, school=cast.school_a, by=cast.alice)
    b = submitted(programmes, school=cast.school_b, by=cast.bob)
    other_course = (
        programmes["curriculum-support"].courses.exclude(provider=a.course.provider).first()
    )
    b = at(b, Status.ACCEPTED, course=other_course, assigned_to=cast.officer)
    return a, b


@pytest.mark.parametrize(
    ("name", "value", "expect"),
    [
        ("school", lambda a, b, cast: cast.school_b.name, "b"),
        # Part of a name, in any case, is enough.
        ("school", lambda a, b, cast: cast.school_b.name[-3:].lower(), "b"),
        ("provider", lambda a, b, cast: a.course.provider.name, "a"),
        ("provider", lambda a, b, cast: a.course.provider.name[1:].upper(), "a"),
        ("step", lambda a, b, cast: Status.ACCEPTED, "b"),
        ("officer", lambda a, b, cast: cast.officer.uuid, "b"),
        ("officer", lambda a, b, cast: selectors.UNASSIGNED, "a"),
    ],
)
def test_each_filter_narrows_the_queue(officer_client, cast, two_schools, name, value, expect):
    a, b = two_schools
    page = officer_client.get(QUEUE, {name: value(a, b, cast)}).content.decode()
    assert references(page) == [{"a": a, "b": b}[expect].reference]


@pytest.mark.usefixtures("two_schools")
def test_the_programme_filter_lists_every_year_s_programmes(officer_client, cast, programmes):
    insight = programmes["insight"]
    page = officer_client.get(QUEUE).content.decode()
    assert f"Insight ({insight.year.name})" in page
    assert "Insight (2025-26)" in page
    page = officer_client.get(QUEUE, {"programme": insight.uuid}).content.decode()
    assert references(page) == []
    page = officer_client.get(
        QUEUE, {"programme": programmes["curriculum-support"].uuid}
    ).content.decode()
    assert len(references(page)) == 2


def test_a_bad_filter_value_is_explained_and_the_others_still_apply(officer_client, two_schools):
    _, b = two_schools
    response = officer_client.get(QUEUE, {"programme": "not-a-programme", "step": Status.ACCEPTED})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Select a programme from the list" in page
    assert references(page) == [b.reference]


@pytest.mark.usefixtures("two_schools")
def test_schools_and_providers_are_typed_not_listed(officer_client):
    """There are thousands of each: the filters are boxes for part of a name, and the page
    does not list every school and provider."""
    page = officer_client.get(QUEUE, {"school": "School"}).content.decode()
    assert re.search(r'<input type="text" name="school"[^>]* value="School"', page)
    assert '<input type="text" name="provider"' in page
    assert "All schools" not in page and "Provider P</option>" not in page
    assert len(references(page)) == 2
    assert references(officer_client.get(QUEUE, {"school": "No such"}).content.decode()) == []
    page = officer_client.get(QUEUE, {"provider": "No such"}).content.decode()
    assert "No applications match these filters." in page


def test_the_queue_sorts_by_each_column(officer_client, cast, two_schools):
    a, b = two_schools
    Application.objects.filter(pk=a.pk).update(
        status_changed_at=timezone.now() - dt.timedelta(days=20)
    )
    assert references(officer_client.get(QUEUE).content.decode()) == [a.reference, b.reference]
    by_age = officer_client.get(QUEUE, {"sort": "age"}).content.decode()
    assert references(by_age) == [b.reference, a.reference]
    # a was submitted first, so its reference has the lower number.
    assert a.reference < b.reference
    assert references(officer_client.get(QUEUE, {"sort": "reference"}).content.decode()) == [
        a.reference,
        b.reference,
    ]
    assert references(officer_client.get(QUEUE, {"sort": "-reference"}).content.decode()) == [
        b.reference,
        a.reference,
    ]
    # Submitted comes before accepted in the workflow.
    assert references(officer_client.get(QUEUE, {"sort": "-step"}).content.decode()) == [
        b.reference,
        a.reference,
    ]


def test_the_queue_is_six_columns_the_reference_first(officer_client, cast, two_schools):
    a, _ = two_schools
    page = officer_client.get(QUEUE).content.decode()
    table = page[page.index('aria-label="Applications" tabindex="0"') :]
    head = table[table.index("<thead") : table.index("</thead>")]
    headers = [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<th [^>]*>(.*?)</th>", head)]
    assert headers == ["Reference", "Student", "Programme", "Step", "Age", "Officer"]
    # The school is read under the student's name, the provider under the programme.
    row = page[page.index(f">{a.reference}</a>") :]
    row = row[: row.index("</tr>")]
    assert f"{a.student.known_as} {a.student.legal_last_name}" in row and "School A" in row
    assert a.programme.name in row and a.course.provider.name in row
    assert re.search(r">0 days<", row) and "Unassigned" in row
    # The table scrolls inside its own region rather than widening a narrow page.
    assert 'class="cap-table-wrapper" role="region" aria-label="Applications"' in page


def test_the_queue_finds_an_application_by_its_reference_as_typed(
    officer_client, cast, two_schools
):
    a, b = two_schools
    at(a, Status.CLOSED)
    year, number = a.reference.split("-")[1:]
    # Lower case, without the zeros; found though it is closed.
    page = officer_client.get(QUEUE, {"reference": f"cap-{year}-{int(number)}"}).content.decode()
    assert references(page) == [a.reference]
    page = officer_client.get(QUEUE, {"reference": "C73DA08D"}).content.decode()
    assert "Error:" in page and "Enter a reference like CAP-2026-00123" in page
    # The other filters still apply.
    assert set(references(page)) == {b.reference}


def test_the_column_headers_are_links_that_say_how_the_table_is_sorted(officer_client, two_schools):
    page = officer_client.get(
        QUEUE, {"sort": "reference", "step": Status.ACCEPTED}
    ).content.decode()
    # The sorted column says so, and its link reverses the order and keeps the filters.
    assert (
        'aria-sort="ascending"><a class="govuk-link" href="?sort=-reference&amp;step=accepted">'
        "Reference</a>"
    ) in page
    assert page.count('aria-sort="none"') == 2
    # Age first sorts oldest first; the filter form keeps the sort.
    assert 'href="?sort=-age&amp;step=accepted">' in page
    assert '<input type="hidden" name="sort" value="reference">' in page


def test_age_counts_working_days_across_a_weekend(cast, programmes, subscribed, application):
    friday = dt.date(2026, 11, 20)
    Application.objects.filter(pk=application.pk).update(
        status_changed_at=at_london(2026, 11, 20, 16, 30)
    )
    rows = selectors.queue_rows(
        Application.objects.filter(pk=application.pk), today=dt.date(2026, 11, 24)
    )
    # Monday and Tuesday.
    assert rows[0].age == 2
    assert working_days_between(friday, dt.date(2026, 11, 23)) == 1
    assert working_days_between(friday, dt.date(2026, 11, 22)) == 0


def test_age_skips_the_christmas_bank_holidays(cast, programmes, subscribed, application):
    Application.objects.filter(pk=application.pk).update(
        status_changed_at=at_london(2025, 12, 24, 9, 0)
    )
    rows = selectors.queue_rows(
        Application.objects.filter(pk=application.pk), today=dt.date(2025, 12, 30)
    )
    # Christmas Day, Boxing Day and the weekend do not count: Monday 29th and Tuesday 30th.
    assert rows[0].age == 2


def test_age_falls_back_to_the_submission_date(cast, programmes, subscribed, application):
    Application.objects.filter(pk=application.pk).update(
        status_changed_at=None,
        submitted_at=at_london(2026, 11, 23, 10, 0),
    )
    rows = selectors.queue_rows(
        Application.objects.filter(pk=application.pk), today=dt.date(2026, 11, 25)
    )
    assert rows[0].age == 2


def test_a_withdrawal_is_overdue_once_its_five_working_days_have_passed(
    cast, programmes, subscribed, application
):
    # Withdrawn on Monday 14 December 2026: due on Monday 21st; Christmas does not count.
    at(application, Status.WITHDRAWN)
    Application.objects.filter(pk=application.pk).update(
        status_changed_at=at_london(2026, 12, 14, 23, 30)
    )
    [row] = selectors.queue_rows(
        Application.objects.filter(pk=application.pk), today=dt.date(2026, 12, 21)
    )
    assert row.due_on == dt.date(2026, 12, 21)
    assert not row.overdue

    def overdue(today):
        return list(selectors.queue(cast.officer, today=today, overdue=True))

    assert overdue(dt.date(2026, 12, 21)) == []
    assert overdue(dt.date(2026, 12, 22)) == [application]
    [row] = selectors.queue_rows(
        Application.objects.filter(pk=application.pk), today=dt.date(2026, 12, 22)
    )
    assert row.overdue


def test_an_application_without_a_clock_is_never_overdue(cast, programmes, subscribed, application):
    Application.objects.filter(pk=application.pk).update(
        status_changed_at=timezone.now() - dt.timedelta(days=100)
    )
    assert list(selectors.queue(cast.officer, today=timezone.localdate(), overdue=True)) == []
    [row] = selectors.queue_rows([application], today=timezone.localdate())
    assert row.due_on is None and not row.overdue


def test_the_queue_marks_and_filters_overdue_applications(
    officer_client, cast, programmes, subscribed, application
):
    late = at(submitted(programmes, school=cast.school_a, by=cast.alice), Status.WITHDRAWN)
    Application.objects.filter(pk=late.pk).update(
        status_changed_at=timezone.now() - dt.timedelta(days=30)
    )
    page = officer_client.get(QUEUE).content.decode()
    assert page.count("govuk-tag--red") == 1
    page = officer_client.get(QUEUE, {"overdue": "on"}).content.decode()
    assert references(page) == [late.reference]


def test_the_queue_costs_the_same_queries_however_many_applications(
    officer_client, cast, programmes
):
    programme = programmes["curriculum-support"]
    course = programme.courses.first()

    def add(count):
        for n in range(count):
            Application.objects.create(
                student=StudentFactory(home_school=cast.school_a),
                school=cast.school_a,
                created_by=cast.alice,
                programme=programme,
                course=course,
                status=Status.WITHDRAWN if n % 2 else Status.SUBMITTED,
                # Every other one withdrawn, the first of them 10 days ago: overdue.
                submitted_at=timezone.now() - dt.timedelta(days=10 * n),
                status_changed_at=timezone.now() - dt.timedelta(days=10 * n),
                assigned_to=cast.officer if n % 3 else None,
            )

    def queries(params=None) -> int:
        with CaptureQueriesContext(connection) as context:
            assert officer_client.get(QUEUE, params or {}).status_code == 200
        return len(context)

    add(3)
    found = {"reference": Application.objects.order_by("id").first().reference}
    before = queries(), queries({"overdue": "on", "school": cast.school_a.name}), queries(found)
    add(30)
    after = queries(), queries({"overdue": "on", "school": cast.school_a.name}), queries(found)
    assert after == before


def test_the_queue_shows_fifty_a_page(officer_client, cast, programmes):
    programme = programmes["curriculum-support"]
    for n in range(51):
        Application.objects.create(
            student=StudentFactory(home_school=cast.school_a),
            school=cast.school_a,
            created_by=cast.alice,
            programme=programme,
            status=Status.SUBMITTED,
            submitted_at=timezone.now() - dt.timedelta(days=n),
        )
    page = officer_client.get(QUEUE).content.decode()
    assert len(references(page)) == 50 and "page=2" in page
    assert len(references(officer_client.get(QUEUE, {"page": 2}).content.decode())) == 1


# --- Who may use the casework pages ------------------------------------------------------


@pytest.mark.parametrize(
    "who", ["alice", "headteacher", "provider_staff", "chair", "agency_worker", "outsider"]
)
def test_people_outside_the_la_casework_team_are_refused(client, cast, application, who):
    client.force_login(getattr(cast, who))
    assert client.get(QUEUE).status_code == 403
    assert client.get(page_url(application)).status_code == 403
    assert client.post(act_url(application, "accept"), {"version": 2}).status_code == 403
    assert client.post(reverse("casework:assign", args=[application.uuid])).status_code == 403
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_someone_signed_out_is_sent_to_sign_in(client, application):
    response = client.get(QUEUE)
    assert response.status_code == 302 and "next=" in response.url


@pytest.mark.parametrize("who", ["officer", "manager", "monitoring", "safeguarding"])
def test_the_la_casework_team_sees_the_queue(client, cast, application, who):
    client.force_login(getattr(cast, who))
    assert application.reference in client.get(QUEUE).content.decode()
    assert client.get(page_url(application)).status_code == 200


# --- The application page ---------------------------------------------------------------


def test_the_application_page_shows_the_case_to_a_cap_officer(officer_client, cast, application):
    response = officer_client.get(page_url(application))
    assert response.status_code == 200
    page = response.content.decode()
    assert application.reference in page
    assert application.student.upn in page
    assert application.course.title in page and application.course.provider.name in page
    # The school's answers by page, the documents and the timeline.
    assert "Reasons for referral" in page and "Repeated removals from lessons" in page
    for document in application.documents.all():
        assert reverse("documents:download", args=[document.document.uuid]) in page
    assert "moj-timeline" in page and "Submitted" in page and "Draft started" in page
    # The next steps for a submitted application, and the assignment form.
    for step in ("return_to_school", "accept", "decline", "close"):
        assert act_url(application, step) in page
    assert act_url(application, "send_pack") not in page
    assert reverse("casework:assign", args=[application.uuid]) in page
    assert "Olive Officer" in page


def test_opening_the_application_page_is_audited_but_not_on_its_timeline(
    officer_client, cast, application
):
    officer_client.get(page_url(application))
    response = officer_client.get(page_url(application))
    reads = Event.objects.filter(action="application.read", object_id=str(application.uuid))
    assert reads.count() == 2
    assert all(
        (e.actor, e.object_type, e.detail) == (cast.officer, "applications.application", {})
        for e in reads
    )
    assert "Read" not in [entry.title for entry in response.context["timeline"]]


@pytest.mark.parametrize("who", ["alice", "provider_staff"])
def test_someone_refused_the_application_page_records_no_read(client, cast, application, who):
    client.force_login(getattr(cast, who))
    assert client.get(page_url(application)).status_code in (403, 404)
    assert not Event.objects.filter(action="application.read").exists()


def test_the_application_page_shows_the_question_and_the_school_s_answer(
    officer_client, cast, application
):
    at(application, Status.SUBMITTED, cap_question="Why now?", school_answer="Since Easter.")
    page = officer_client.get(page_url(application)).content.decode()
    assert "Why now?" in page and "Since Easter." in page


def test_a_draft_is_not_found_in_casework(officer_client, cast, programmes, student):
    draft = complete_application(
        student=student, by=cast.alice, programme=programmes["curriculum-support"]
    )
    assert officer_client.get(page_url(draft)).status_code == 404
    assert officer_client.post(act_url(draft, "accept"), {"version": 1}).status_code == 404


def test_a_monitoring_officer_sees_an_application_but_cannot_act_on_it(client, cast, application):
    client.force_login(cast.monitoring)
    page = client.get(page_url(application)).content.decode()
    assert act_url(application, "accept") not in page
    assert "There is nothing for you to do" in page
    response = client.post(
        act_url(application, "accept"), {"version": application.version}, follow=True
    )
    assert "Only a CAP officer can accept the application" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


# --- Each CAP step ------------------------------------------------------------------------


def _valid_data(step: str, application) -> dict:
    data = {"version": application.version}
    if step == "return_to_school":
        data["question"] = "What has the school tried since September?"
    elif step in ("decline", "close"):
        data["reason"] = "Another programme suits the student better."
    elif step == "send_pack":
        data["sections"] = ["reasons", "needs"]
    elif step == "confirm_start":
        data |= date_parts("start_on", next(school_days_from(timezone.localdate())))
    return data


# The provider route's CAP steps; the panel routes' are tested in panels/tests.
CAP_STEPS = [
    (name, source)
    for name, transition in workflow.TRANSITIONS.items()
    if "cap" in transition.actors and workflow.on_route(transition, Route.PROVIDER)
    for source in transition.sources
    if source in PROVIDER_ROUTE_STATUSES
]


@pytest.mark.parametrize(("step", "source"), CAP_STEPS)
def test_each_cap_step_is_taken_from_each_state_that_allows_it(
    officer_client, cast, application, step, source
):
    start_on = next(school_days_from(timezone.localdate()))
    application = at(application, source, start_on=start_on)
    response = officer_client.post(act_url(application, step), _valid_data(step, application))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response.url == page_url(application)
    application.refresh_from_db()
    transition = workflow.TRANSITIONS[step]
    assert application.status == transition.target
    assert events(application, transition.event) == 1
    page = officer_client.get(response.url).content.decode()
    done = transition.done[0].lower() + transition.done[1:]
    assert f"Application {application.reference}: {done}" in page


@pytest.mark.parametrize(
    "step", sorted({name for name, _ in CAP_STEPS}), ids=lambda step: f"{step}-when-placed"
)
def test_each_cap_step_is_refused_with_a_message_from_a_state_that_does_not_allow_it(
    officer_client, cast, application, step
):
    application = at(application, Status.PLACED)
    response = officer_client.post(
        act_url(application, step), _valid_data(step, application), follow=True
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "is now at “Placement set up”" in page
    application.refresh_from_db()
    assert application.status == Status.PLACED
    assert events(application, workflow.TRANSITIONS[step].event) == 0


def test_accepting_twice_acts_once_and_the_second_is_told(officer_client, cast, application):
    data = {"version": application.version}
    first = officer_client.post(act_url(application, "accept"), data)
    second = officer_client.post(act_url(application, "accept"), data, follow=True)
    assert first.status_code == 302
    assert "is now at “Accepted by CAP”, so you cannot accept the application" in (
        second.content.decode()
    )
    application.refresh_from_db()
    assert application.status == Status.ACCEPTED
    assert events(application, "application.accept") == 1


def test_a_stale_page_is_told_it_changed_and_keeps_what_was_typed(
    officer_client, cast, application
):
    stale = application.version
    services.application_assign(application=application, officer=cast.manager, by=cast.manager)
    response = officer_client.post(
        act_url(application, "return_to_school"),
        {"version": stale, "question": "Typed question."},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else changed this application" in page
    assert "Typed question." in page
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert events(application, "application.return_to_school") == 0
    # The page now carries the current version, so sending it again works.
    assert f'value="{application.version}"' in page
    response = officer_client.post(
        act_url(application, "return_to_school"),
        {"version": application.version, "question": "Typed question."},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.cap_question == "Typed question."


def test_a_step_that_is_not_in_the_workflow_is_not_found(officer_client, application):
    response = officer_client.post(act_url(application, "approve"), {"version": 1})
    assert response.status_code == 404


def test_a_step_for_someone_else_is_refused_with_a_message(officer_client, application):
    response = officer_client.post(
        act_url(application, "withdraw"), {"version": application.version}, follow=True
    )
    assert "Only the referring school can withdraw application" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_a_step_needs_a_post(officer_client, application):
    assert officer_client.get(act_url(application, "accept")).status_code == 405
    assert (
        officer_client.get(reverse("casework:assign", args=[application.uuid])).status_code == 405
    )


@pytest.mark.parametrize(
    ("step", "data", "error"),
    [
        ("return_to_school", {"question": ""}, "Enter your question for the school"),
        ("decline", {"reason": ""}, "Enter the reason"),
        ("close", {"reason": "x" * 2001}, "Reason must be 2,000 characters or fewer"),
    ],
)
def test_bad_input_is_shown_beside_its_field_and_in_the_summary(
    officer_client, application, step, data, error
):
    response = officer_client.post(
        act_url(application, step), {"version": application.version, **data}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error:" in page
    assert f'<li><a href="#{step}-' in page  # the summary links to the field
    assert f'id="{step}-{"question" if step == "return_to_school" else "reason"}-error"' in page
    assert page.count(error) == 2
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_a_forged_version_is_explained_not_an_error(officer_client, application):
    response = officer_client.post(act_url(application, "accept"), {"version": "abc"})
    assert response.status_code == 200
    assert "This page is out of date: reload it and try again" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_sending_the_pack_shares_only_the_chosen_documents(officer_client, cast, application):
    application = at(application, Status.ACCEPTED)
    documents = list(application.documents.order_by("id"))
    assert len(documents) >= 2
    page = officer_client.get(page_url(application)).content.decode()
    assert 'value="reasons"' in page and 'value="programme"' not in page
    assert 'value="evidence"' not in page
    response = officer_client.post(
        act_url(application, "send_pack"),
        {
            "version": application.version,
            "sections": ["reasons", "needs"],
            "documents": [documents[0].pk],
            "note": "Please call the school first.",
        },
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.PACK_SENT
    assert application.shared_sections == ["reasons", "needs"]
    assert application.pack_note == "Please call the school first."
    shared = {d.pk: d.shared_with_provider for d in application.documents.all()}
    assert shared == {d.pk: d.pk == documents[0].pk for d in documents}
    page = officer_client.get(page_url(application)).content.decode()
    assert page.count('<td class="govuk-table__cell">Yes</td>') == 1
    assert page.count("Shared with the provider</strong>") == 2  # the two parts sent


def test_sending_the_pack_needs_at_least_one_part_of_the_application(officer_client, application):
    application = at(application, Status.ACCEPTED)
    response = officer_client.post(
        act_url(application, "send_pack"), {"version": application.version}
    )
    assert response.status_code == 200
    assert "Select the parts of the application to send" in response.content.decode()


def test_confirming_the_start_offers_the_provider_s_date(officer_client, application):
    proposed = next(school_days_from(timezone.localdate()))
    application = at(application, Status.PROVIDER_ACCEPTED, proposed_start_on=proposed)
    page = officer_client.get(page_url(application)).content.decode()
    assert f'name="start_on_day" type="text" inputmode="numeric" value="{proposed.day}"' in page


def _half_term_day(today: dt.date) -> dt.date:
    term = (
        Term.objects.filter(half_term_starts_on__gt=today).order_by("half_term_starts_on").first()
    )
    if term is None:  # past the last half term loaded: add a term that has one
        term = Term.objects.create(
            year=AcademicYear.objects.order_by("-starts_on").first(),
            name="Test term",
            starts_on=today + dt.timedelta(days=30),
            ends_on=today + dt.timedelta(days=120),
            half_term_starts_on=today + dt.timedelta(days=60),
            half_term_ends_on=today + dt.timedelta(days=66),
        )
    day = term.half_term_starts_on
    while not is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def _next_saturday(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=(5 - today.weekday()) % 7 or 7)


@pytest.mark.parametrize(
    ("day", "error"),
    [
        (lambda today: today - dt.timedelta(days=1), "The start date must be today or later"),
        (_next_saturday, "is not a school day: it is a weekend or bank holiday"),
        (_half_term_day, "is in half term"),
        (
            lambda today: next(school_days_from(today)),
            "The start date must be on or after the interview",
        ),
    ],
    ids=["in-the-past", "on-a-weekend", "in-half-term", "before-the-interview"],
)
def test_confirming_the_start_refuses_a_date_with_the_reason_beside_the_field(
    officer_client, application, day, error
):
    today = timezone.localdate()
    start_on = day(today)
    application = at(
        application,
        Status.PROVIDER_ACCEPTED,
        interview_on=start_on + dt.timedelta(days=7),
        proposed_start_on=start_on,
    )
    if "interview" not in error:
        at(application, Status.PROVIDER_ACCEPTED, interview_on=None)
    response = officer_client.post(
        act_url(application, "confirm_start"),
        {"version": application.version, **date_parts("start_on", start_on)},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="confirm_start-start_on-error"' in page
    assert page.count(error) == 2  # beside the field and in the summary
    # What was typed is still there.
    assert f'name="start_on_year" type="text" inputmode="numeric" value="{start_on.year}"' in page
    application.refresh_from_db()
    assert application.status == Status.PROVIDER_ACCEPTED and application.start_on is None


def test_an_officer_sets_up_the_placement(officer_client, cast, application):
    start_on = next(school_days_from(timezone.localdate()))
    application = at(application, Status.START_CONFIRMED, start_on=start_on)
    response = officer_client.post(
        act_url(application, "set_up_placement"), {"version": application.version}
    )
    assert response.status_code == 302
    application.refresh_from_db()
    # The placement itself is placements' (placements/tests/test_hooks.py).
    assert application.status == Status.PLACED


# --- Assignment ---------------------------------------------------------------------------


def test_an_officer_assigns_an_application_and_unassigns_it(officer_client, cast, application):
    url = reverse("casework:assign", args=[application.uuid])
    response = officer_client.post(url, {"officer": cast.manager.pk}, follow=True)
    page = response.content.decode()
    assert f"Application {application.reference} assigned to Mandy Manager" in page
    assert "Assigned to Mandy Manager" in page  # the timeline
    application.refresh_from_db()
    assert application.assigned_to == cast.manager
    assert events(application, "application.assigned") == 1
    officer_client.post(url, {"officer": ""})
    application.refresh_from_db()
    assert application.assigned_to is None
    filtered = officer_client.get(QUEUE, {"officer": selectors.UNASSIGNED}).content.decode()
    assert references(filtered) == [application.reference]


def test_an_application_is_assigned_only_to_a_cap_officer(officer_client, cast, application):
    response = officer_client.post(
        reverse("casework:assign", args=[application.uuid]), {"officer": cast.alice.pk}
    )
    assert response.status_code == 200
    assert "Select a CAP officer from the list" in response.content.decode()
    application.refresh_from_db()
    assert application.assigned_to is None


def test_only_a_cap_officer_assigns(client, cast, application):
    client.force_login(cast.monitoring)
    response = client.post(
        reverse("casework:assign", args=[application.uuid]),
        {"officer": cast.officer.pk},
        follow=True,
    )
    assert "Only CAP officers assign applications" in response.content.decode()
    application.refresh_from_db()
    assert application.assigned_to is None


# --- E-mails ------------------------------------------------------------------------------


@pytest.fixture
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.mark.parametrize(
    ("step", "source", "audiences"),
    [
        ("accept", Status.SUBMITTED, {"school"}),
        ("return_to_school", Status.SUBMITTED, {"school"}),
        ("send_pack", Status.ACCEPTED, {"school", "provider"}),
        ("confirm_start", Status.PROVIDER_ACCEPTED, {"school", "provider"}),
        ("close", Status.PACK_SENT, {"school", "provider"}),
        # A provider never sent the pack does not hear of the application.
        ("close", Status.WITHDRAWN, {"school"}),
    ],
)
def test_after_a_step_the_right_people_are_e_mailed_without_the_student_s_name(
    officer_client,
    cast,
    application,
    immediate_tasks,
    django_capture_on_commit_callbacks,
    step,
    source,
    audiences,
):
    provider_staff = member(application.course.provider, Role.PROVIDER_STAFF)
    application = at(application, source)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(act_url(application, step), _valid_data(step, application))
    assert response.status_code == 302
    expected = {"school": cast.alice.email, "provider": provider_staff.email}
    assert {address for message in mail.outbox for address in message.to} == {
        expected[audience] for audience in audiences
    }
    student = application.student
    for message in mail.outbox:
        assert application.reference in message.subject
        for name in (student.legal_first_name, student.legal_last_name, student.known_as):
            assert name not in message.subject and name not in message.body


def test_a_refused_or_stale_step_sends_no_e_mail(
    officer_client, cast, application, immediate_tasks, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        officer_client.post(act_url(application, "accept"), {"version": application.version - 1})
        officer_client.post(act_url(application, "send_pack"), {"version": application.version})
    assert mail.outbox == []
