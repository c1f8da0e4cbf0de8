"""The provider's side: the packs CAP sent, one pack's page, and the provider's steps."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import ProviderFactory, member
from applications import services
from applications.models import READS, Application
from applications.tests.factories import complete_application
from applications.workflow import TRANSITIONS, Status
from audit.models import Event
from lib.dates import bank_holiday_name, is_working_day
from programmes.models import Course, Term
from students.tests.factories import StudentFactory

CHANGED = "Someone else changed this application"
PROVIDER_STEPS = ["arrange_interview", "hold_interview", "provider_accept", "provider_decline"]


@pytest.fixture
def course(cast, programmes):
    return Course.objects.create(
        programme=programmes["curriculum-support"],
        provider=cast.provider,
        title="Test course",
        weeks=6,
        days_per_week=1,
        year_groups=[10],
    )


@pytest.fixture
def accepted(cast, programmes, subscribed, student, course) -> Application:
    """Accepted by CAP, its pack not yet sent."""
    application = complete_application(
        student=student, by=cast.alice, programme=programmes["curriculum-support"]
    )
    Application.objects.filter(pk=application.pk).update(course=course)
    application.refresh_from_db()
    application = services.application_submit(
        application=application, version=application.version, by=cast.alice
    )
    return services.application_accept(
        application=application, version=application.version, by=cast.officer
    )


def send_pack(application: Application, cast) -> Application:
    """CAP shares the reasons and the student's voice, and the risk assessment only."""
    documents = application.documents.filter(checklist_item__key="risk-assessment")
    return services.application_send_pack(
        application=application,
        sections=["reasons", "voice"],
        documents=list(documents),
        note="Keen on practical work; prefers mornings.",
        version=application.version,
        by=cast.officer,
    )


@pytest.fixture
def pack(cast, accepted) -> Application:
    return send_pack(accepted, cast)


def at(application: Application, status: str, **fields) -> Application:
    """Put an application in a state directly, as if the steps before had been taken."""
    Application.objects.filter(pk=application.pk).update(status=status, **fields)
    application.refresh_from_db()
    return application


def pack_url(application) -> str:
    return reverse("providers:pack", args=[application.uuid])


def act_url(application, step: str) -> str:
    return reverse("providers:act", args=[application.uuid, step])


def date_parts(prefix: str, day: dt.date) -> dict:
    return {f"{prefix}_day": day.day, f"{prefix}_month": day.month, f"{prefix}_year": day.year}


def school_day(after: dt.date) -> dt.date:
    """The first day after `after` that is in term, out of half term, and a working day."""
    day = after
    for _ in range(400):
        day += dt.timedelta(days=1)
        terms = Term.objects.filter(starts_on__lte=day, ends_on__gte=day)
        in_half_term = any(
            t.half_term_starts_on and t.half_term_starts_on <= day <= t.half_term_ends_on
            for t in terms
        )
        if terms and not in_half_term and is_working_day(day):
            return day
    raise AssertionError("No school day in the calendar")


def events(application) -> list[str]:
    """The application's steps, without the reads of its pages."""
    return list(
        Event.objects.filter(object_id=str(application.uuid))
        .exclude(action__in=READS)
        .order_by("id")
        .values_list("action", flat=True)
    )


def step_data(step: str, application: Application) -> dict:
    """Valid answers for each provider step, as a browser would send them."""
    data = {"version": application.version}
    today = timezone.localdate()
    if step == "arrange_interview":
        data |= {**date_parts("on", today + dt.timedelta(days=3)), "details": "10am, main site"}
    elif step == "provider_accept":
        data |= date_parts("start_on", school_day(application.interview_on or today))
    elif step == "provider_decline":
        data |= {"reason": "capacity", "detail": "The Tuesday group is full until Easter."}
    return data


# --- Who sees what ---------------------------------------------------------------------


def test_provider_staff_see_the_packs_sent_to_their_organisation(client, cast, pack):
    client.force_login(cast.provider_staff)
    listing = client.get(reverse("providers:packs"))
    assert listing.status_code == 200
    assert pack.reference in listing.content.decode()
    page = client.get(pack_url(pack))
    assert page.status_code == 200


def test_opening_a_pack_is_audited_each_time(client, cast, pack):
    client.force_login(cast.provider_staff)
    client.get(pack_url(pack))
    client.get(pack_url(pack))
    reads = Event.objects.filter(action="application.pack_read", object_id=str(pack.uuid))
    assert reads.count() == 2
    assert all(
        (e.actor, e.object_type, e.detail) == (cast.provider_staff, "applications.application", {})
        for e in reads
    )


def test_a_pack_that_is_not_theirs_records_no_read(client, cast, pack):
    client.force_login(member(ProviderFactory(name="Provider Q"), "provider_staff"))
    assert client.get(pack_url(pack)).status_code == 404
    assert not Event.objects.filter(action="application.pack_read").exists()


def test_the_provider_s_safeguarding_lead_sees_the_pack_too(client, cast, pack):
    client.force_login(member(cast.provider, "dsl"))
    assert client.get(pack_url(pack)).status_code == 200
    assert pack.reference in client.get(reverse("providers:packs")).content.decode()


@pytest.mark.parametrize("who", ["other_provider", "academy_staff"])
def test_another_provider_finds_nothing_of_the_pack(client, cast, pack, who):
    if who == "other_provider":
        user = member(ProviderFactory(name="Provider Q"), "provider_staff")
    else:
        user = cast.academy_staff
    client.force_login(user)
    assert pack.reference not in client.get(reverse("providers:packs")).content.decode()
    assert client.get(pack_url(pack)).status_code == 404
    response = client.post(act_url(pack, "hold_interview"), {"version": pack.version})
    assert response.status_code == 404
    pack.refresh_from_db()
    assert pack.status == Status.PACK_SENT


@pytest.mark.parametrize("who", ["alice", "headteacher", "officer", "manager", "outsider"])
def test_people_who_are_not_provider_staff_are_refused_the_provider_pages(client, cast, pack, who):
    client.force_login(getattr(cast, who))
    assert client.get(reverse("providers:packs")).status_code == 403
    assert client.get(pack_url(pack)).status_code == 403
    response = client.post(act_url(pack, "provider_decline"), step_data("provider_decline", pack))
    assert response.status_code == 403
    pack.refresh_from_db()
    assert pack.status == Status.PACK_SENT


def test_someone_signed_out_is_sent_to_sign_in(client, pack):
    response = client.get(pack_url(pack))
    assert response.status_code == 302
    assert reverse("accounts:sign_in") in response.url


def test_a_pack_is_not_visible_before_cap_sends_it(client, cast, accepted):
    client.force_login(cast.provider_staff)
    assert accepted.reference not in client.get(reverse("providers:packs")).content.decode()
    assert client.get(pack_url(accepted)).status_code == 404
    assert client.post(act_url(accepted, "provider_decline")).status_code == 404

    application = send_pack(accepted, cast)
    assert application.reference in client.get(reverse("providers:packs")).content.decode()
    assert client.get(pack_url(application)).status_code == 200


@pytest.mark.parametrize("status", [Status.WITHDRAWN, Status.CLOSED])
def test_a_pack_withdrawn_or_closed_stays_visible_so_the_provider_knows_to_stop(
    client, cast, pack, status
):
    application = at(pack, status)
    client.force_login(cast.provider_staff)
    response = client.get(pack_url(application))
    assert response.status_code == 200
    page = response.content.decode()
    assert application.get_status_display() in page
    assert "Record the interview arrangements" not in page


def test_the_pack_shows_only_what_cap_shared(client, cast, pack, student):
    client.force_login(cast.provider_staff)
    page = client.get(pack_url(pack)).content.decode()
    # The student, the school and the course.
    assert f"{student.known_as} {student.legal_last_name}" in page
    assert f"{student.date_of_birth.day} {student.date_of_birth:%B %Y}" in page
    assert f"Year {student.year_group()}" in page
    assert "School A" in page and "Curriculum support" in page and "Test course" in page
    assert "Keen on practical work; prefers mornings." in page
    # The shared pages: reasons and the student's voice.
    assert "Repeated removals from lessons this term." in page
    assert "Wants to learn a trade." in page
    # Not the pages CAP kept back, nor the UPN, nor CAP's own history.
    for kept_back in [
        "SEN support for literacy.",
        "Low risk; managed with a plan.",
        "Disruption in afternoon lessons.",
        "Supportive.",
        "Re-engage with learning.",
        student.upn,
        "Accepted by CAP",
        "Alice Referrer",
        "Olive Officer",
    ]:
        assert kept_back not in page
    # The shared document only.
    shared = pack.documents.get(checklist_item__key="risk-assessment")
    unshared = pack.documents.exclude(pk=shared.pk)
    assert unshared.exists()
    assert reverse("documents:download", args=[shared.document.uuid]) in page
    for document in unshared:
        assert reverse("documents:download", args=[document.document.uuid]) not in page
        assert document.filename not in page


def test_a_provider_downloads_a_shared_document_but_not_an_unshared_one(client, cast, pack):
    client.force_login(cast.provider_staff)
    shared = pack.documents.get(shared_with_provider=True)
    unshared = pack.documents.filter(shared_with_provider=False).first()
    response = client.get(reverse("documents:download", args=[shared.document.uuid]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert (
        client.get(reverse("documents:download", args=[unshared.document.uuid])).status_code == 404
    )


def test_another_provider_cannot_download_a_shared_document(client, pack):
    client.force_login(member(ProviderFactory(), "provider_staff"))
    shared = pack.documents.get(shared_with_provider=True)
    assert client.get(reverse("documents:download", args=[shared.document.uuid])).status_code == 404


# --- The list --------------------------------------------------------------------------


# The states an application can be in once its pack has gone.
PROVIDER_CAN_SEE = [
    Status.PACK_SENT,
    Status.INTERVIEW_ARRANGED,
    Status.INTERVIEW_HELD,
    Status.PROVIDER_ACCEPTED,
    Status.PROVIDER_DECLINED,
    Status.START_CONFIRMED,
    Status.PLACED,
    Status.WITHDRAWN,
    Status.CLOSED,
]


def make_pack(cast, course, status: str) -> Application:
    """A cheap application in a provider's state, for the list."""
    return Application.objects.create(
        student=StudentFactory(home_school=cast.school_a),
        school=cast.school_a,
        programme=course.programme,
        course=course,
        status=status,
        created_by=cast.alice,
        submitted_at=timezone.now(),
        status_changed_at=timezone.now(),
        pack_sent_at=None if status == Status.ACCEPTED else timezone.now(),
    )


def test_the_list_splits_what_is_waiting_from_the_others(client, cast, course):
    waiting = {
        Status.PACK_SENT: "Arrange or record the interview",
        Status.INTERVIEW_ARRANGED: "Record the interview",
        Status.INTERVIEW_HELD: "Respond",
    }
    made = {status: make_pack(cast, course, status) for status in PROVIDER_CAN_SEE}
    hidden = make_pack(cast, course, Status.ACCEPTED)
    client.force_login(cast.provider_staff)
    page = client.get(reverse("providers:packs")).content.decode()
    waiting_part, others_part = page.split('<h2 class="govuk-heading-m">Others</h2>')
    for status, application in made.items():
        row = application.reference
        if status in waiting:
            assert row in waiting_part and row not in others_part
        else:
            assert row in others_part and row not in waiting_part
    for words in waiting.values():
        assert words in waiting_part
    student = made[Status.PACK_SENT].student
    assert f"{student.known_as} {student.legal_last_name}" in page
    assert "School A" in page and "Test course" in page
    assert hidden.reference not in page


def test_the_list_is_paginated_at_fifty(client, cast, course):
    for _ in range(51):
        make_pack(cast, course, Status.PACK_SENT)
    client.force_login(cast.provider_staff)
    page = client.get(reverse("providers:packs"))
    assert len(page.context["waiting"].object_list) == 50
    assert "Page 1 of 2" in page.content.decode()
    second = client.get(reverse("providers:packs"), {"page": 2})
    assert len(second.context["waiting"].object_list) == 1


def test_the_list_costs_the_same_queries_however_many_packs(client, cast, course):
    client.force_login(cast.provider_staff)

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(reverse("providers:packs")).status_code == 200
        return len(context.captured_queries)

    for status in (Status.PACK_SENT, Status.PLACED):
        make_pack(cast, course, status)
    few = queries()
    for status in list(PROVIDER_CAN_SEE) * 3:
        make_pack(cast, course, status)
    assert queries() == few


def test_the_pack_page_needs_a_get(client, cast, pack):
    client.force_login(cast.provider_staff)
    assert client.post(pack_url(pack)).status_code == 405
    assert client.post(reverse("providers:packs")).status_code == 405


# --- The provider's steps --------------------------------------------------------------


def test_the_pack_offers_only_the_steps_the_provider_can_take_now(client, cast, pack):
    client.force_login(cast.provider_staff)
    page = client.get(pack_url(pack)).content.decode()
    assert act_url(pack, "arrange_interview") in page
    assert act_url(pack, "provider_decline") in page
    assert act_url(pack, "hold_interview") not in page
    assert act_url(pack, "provider_accept") not in page
    assert "withdraw" not in page and "close" not in page


def test_the_provider_records_the_interview_arrangements(
    client, cast, pack, django_capture_on_commit_callbacks, settings, mailoutbox
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    client.force_login(cast.provider_staff)
    data = step_data("arrange_interview", pack)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(act_url(pack, "arrange_interview"), data)
    assert response.status_code == 302 and response.url == pack_url(pack)
    pack.refresh_from_db()
    assert pack.status == Status.INTERVIEW_ARRANGED
    assert pack.interview_on == timezone.localdate() + dt.timedelta(days=3)
    assert pack.interview_details == "10am, main site"
    assert events(pack)[-1] == "application.arrange_interview"
    # After commit, the school and the provider are told; the e-mail names no student.
    recipients = {address for message in mailoutbox for address in message.to}
    assert {cast.alice.email, cast.provider_staff.email} <= recipients
    assert all(pack.student.legal_last_name not in m.body for m in mailoutbox)
    page = client.get(response.url).content.decode()
    assert "Interview arranged" in page  # the success message
    assert "10am, main site" in page
    assert act_url(pack, "hold_interview") in page


def test_the_provider_records_that_the_interview_was_held(client, cast, pack):
    application = at(
        pack, Status.INTERVIEW_ARRANGED, interview_on=timezone.localdate(), interview_details="x"
    )
    client.force_login(cast.provider_staff)
    response = client.post(act_url(application, "hold_interview"), {"version": application.version})
    assert response.url == pack_url(application)
    application.refresh_from_db()
    assert application.status == Status.INTERVIEW_HELD
    assert events(application)[-1] == "application.hold_interview"
    page = client.get(response.url).content.decode()
    assert "Interview held" in page
    assert "Offer a place from" in page


def test_the_provider_offers_a_place_from_a_school_day(client, cast, pack):
    application = at(pack, Status.INTERVIEW_HELD, interview_on=timezone.localdate())
    client.force_login(cast.provider_staff)
    data = step_data("provider_accept", application)
    response = client.post(act_url(application, "provider_accept"), data)
    assert response.url == pack_url(application)
    application.refresh_from_db()
    assert application.status == Status.PROVIDER_ACCEPTED
    assert application.proposed_start_on == school_day(timezone.localdate())
    assert events(application)[-1] == "application.provider_accept"
    page = client.get(response.url).content.decode()
    assert "Provider offered a place" in page
    assert "Place offered from" in page


@pytest.mark.parametrize(
    "status", [Status.PACK_SENT, Status.INTERVIEW_ARRANGED, Status.INTERVIEW_HELD]
)
def test_the_provider_declines_with_a_reason(client, cast, pack, status):
    application = at(pack, status)
    client.force_login(cast.provider_staff)
    data = step_data("provider_decline", application)
    response = client.post(act_url(application, "provider_decline"), data)
    assert response.url == pack_url(application)
    application.refresh_from_db()
    assert application.status == Status.PROVIDER_DECLINED
    assert application.provider_decline_reason == "capacity"
    assert application.provider_decline_detail == "The Tuesday group is full until Easter."
    assert events(application)[-1] == "application.provider_decline"
    page = client.get(response.url).content.decode()
    assert "No place is free" in page and "The Tuesday group is full until Easter." in page
    # Declined: nothing more for the provider to do, but the pack stays readable.
    assert "What you can do now" not in page


@pytest.mark.parametrize(
    ("step", "status"),
    [
        (step, status)
        for step in PROVIDER_STEPS
        for status in sorted(PROVIDER_CAN_SEE)
        if status not in TRANSITIONS[step].sources
    ],
)
def test_a_provider_step_from_the_wrong_state_is_refused_with_a_message(
    client, cast, pack, step, status
):
    application = at(pack, status, interview_on=timezone.localdate())
    client.force_login(cast.provider_staff)
    before = events(application)
    response = client.post(act_url(application, step), step_data(step, application))
    assert response.status_code == 302 and response.url == pack_url(application)
    page = client.get(response.url).content.decode()
    label = TRANSITIONS[step].label
    assert f"so you cannot {label[0].lower()}{label[1:]}" in page
    assert application.get_status_display() in page
    application.refresh_from_db()
    assert application.status == status
    assert events(application) == before


def test_a_step_that_is_not_the_provider_s_is_refused_with_a_message(client, cast, pack):
    client.force_login(cast.provider_staff)
    response = client.post(act_url(pack, "close"), {"version": pack.version, "reason": "x"})
    assert response.url == pack_url(pack)
    assert (
        "Only a CAP officer can close the application" in client.get(response.url).content.decode()
    )
    pack.refresh_from_db()
    assert pack.status == Status.PACK_SENT


def test_an_unknown_step_is_not_found(client, cast, pack):
    client.force_login(cast.provider_staff)
    assert client.post(act_url(pack, "teleport"), {"version": pack.version}).status_code == 404


def test_acting_needs_a_post(client, cast, pack):
    client.force_login(cast.provider_staff)
    assert client.get(act_url(pack, "arrange_interview")).status_code == 405
    pack.refresh_from_db()
    assert pack.status == Status.PACK_SENT


def test_a_double_post_acts_once(client, cast, pack):
    client.force_login(cast.provider_staff)
    data = step_data("provider_decline", pack)
    first = client.post(act_url(pack, "provider_decline"), data)
    second = client.post(act_url(pack, "provider_decline"), data)
    assert first.status_code == second.status_code == 302
    assert events(pack).count("application.provider_decline") == 1
    page = client.get(second.url).content.decode()
    assert "has changed since you opened it" in page


def test_a_stale_version_is_told_it_changed_and_keeps_the_typing(client, cast, pack):
    client.force_login(cast.provider_staff)
    stale = pack.version
    # CAP assigns the application meanwhile: the version moves, the status does not.
    services.application_assign(application=pack, officer=cast.officer, by=cast.officer)
    data = {**step_data("arrange_interview", pack), "version": stale}
    response = client.post(act_url(pack, "arrange_interview"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert CHANGED in page
    assert "10am, main site" in page
    pack.refresh_from_db()
    assert pack.status == Status.PACK_SENT
    assert f'value="{pack.version}"' in page  # sending again now works
    response = client.post(act_url(pack, "arrange_interview"), {**data, "version": pack.version})
    assert response.status_code == 302
    pack.refresh_from_db()
    assert pack.status == Status.INTERVIEW_ARRANGED


def _first(day: dt.date, test) -> dt.date:
    for _ in range(400):
        if test(day):
            return day
        day += dt.timedelta(days=1)
    raise AssertionError("No such day in the next year")


def _half_term_day(today: dt.date) -> dt.date:
    term = (
        Term.objects.filter(half_term_starts_on__gt=today).order_by("half_term_starts_on").first()
    )
    return _first(term.half_term_starts_on, is_working_day)


@pytest.mark.parametrize(
    ("when", "reason"),
    [
        ("yesterday", "The start date must be today or later"),
        ("before the interview", "The start date must be on or after the interview"),
        ("a saturday", "is not a school day: it is a weekend or bank holiday"),
        ("a bank holiday", "is not a school day: it is a weekend or bank holiday"),
        ("half term", "is in half term"),
    ],
)
def test_a_start_date_the_service_cannot_use_is_refused_beside_the_field(
    client, cast, pack, when, reason
):
    today = timezone.localdate()
    before_interview = when == "before the interview"
    interview = school_day(today + dt.timedelta(days=14)) if before_interview else today
    day = {
        "yesterday": lambda: today - dt.timedelta(days=1),
        "before the interview": lambda: school_day(today),
        "a saturday": lambda: _first(today + dt.timedelta(days=1), lambda d: d.weekday() == 5),
        "a bank holiday": lambda: _first(
            today + dt.timedelta(days=1), lambda d: bank_holiday_name(d) is not None
        ),
        "half term": lambda: _half_term_day(today),
    }[when]()
    application = at(pack, Status.INTERVIEW_HELD, interview_on=interview)
    client.force_login(cast.provider_staff)
    data = {"version": application.version, **date_parts("start_on", day)}
    response = client.post(act_url(application, "provider_accept"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page  # the error summary
    assert 'id="provider_accept-start_on-error"' in page  # beside the field
    error = page.split('id="provider_accept-start_on-error"')[1].split("</p>")[0]
    assert reason in error
    assert f'value="{day.day}"' in page and f'value="{day.year}"' in page
    application.refresh_from_db()
    assert application.status == Status.INTERVIEW_HELD
    assert application.proposed_start_on is None


def test_an_interview_date_in_the_past_is_refused_beside_the_field(client, cast, pack):
    client.force_login(cast.provider_staff)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    data = {**step_data("arrange_interview", pack), **date_parts("on", yesterday)}
    response = client.post(act_url(pack, "arrange_interview"), data)
    assert response.status_code == 200
    page = response.content.decode()
    error = page.split('id="arrange_interview-on-error"')[1].split("</p>")[0]
    assert "The interview date must be today or later" in error
    assert "10am, main site" in page
    pack.refresh_from_db()
    assert pack.status == Status.PACK_SENT


def test_a_decline_without_a_reason_shows_errors_beside_the_fields(client, cast, pack):
    client.force_login(cast.provider_staff)
    response = client.post(
        act_url(pack, "provider_decline"), {"version": pack.version, "detail": "Typed detail"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("Select why you cannot offer a place") == 2  # summary and field
    assert "Typed detail" in page
    assert "<title>Error:" in page
    pack.refresh_from_db()
    assert pack.status == Status.PACK_SENT


def test_a_missing_version_is_explained_not_an_error(client, cast, pack):
    client.force_login(cast.provider_staff)
    response = client.post(act_url(pack, "hold_interview"), {})
    # In pack_sent the interview cannot be held: refused before the form is read.
    assert response.status_code == 302
    application = at(pack, Status.INTERVIEW_ARRANGED)
    response = client.post(act_url(application, "hold_interview"), {"version": "x"})
    assert response.status_code == 200
    assert "This page is out of date" in response.content.decode()
