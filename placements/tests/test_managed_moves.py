"""Registrations opened and ended by dual placements, and managed moves at the end of a
Supported Transfer: confirmed by the receiving school, made on their day, and what each
school sees afterwards."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import SchoolFactory, member
from applications.models import Application
from applications.rules import can_edit_application, can_view_application
from applications.services import application_start
from audit.models import Event
from lib.dates import long_date
from placements import services
from placements.models import ExitOutcome, ManagedMove
from placements.tasks import managed_move_notify
from placements.tests.factories import MONDAY, at, make_placement, make_programme
from programmes.models import Route
from students.models import EnrolmentStatus, SchoolRegistration
from students.tests.factories import REGISTERED_FROM, StudentFactory

C, M, S = EnrolmentStatus.SINGLE, EnrolmentStatus.MAIN, EnrolmentStatus.SUBSIDIARY
ONE_DAY = dt.timedelta(days=1)
# A day in the twelve weeks of the transfer that starts on MONDAY (12 January 2026).
DURING = dt.date(2026, 3, 2)


def after(placement) -> dt.date:
    """The first day a managed move may take: the day after the transfer's last day."""
    return placement.last_day + ONE_DAY


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def receiving(db):
    """School C, which receives the student on a Supported Transfer, and its staff."""
    school = SchoolFactory(name="School C")
    return {
        "school": school,
        "head": member(school, Role.HEADTEACHER, full_name="Carol Head"),
        "coordinator": member(school, Role.REFERRER),
        "dsl": member(school, Role.DSL),
    }


@pytest.fixture
def transfer(cast, year, receiving):
    """Twelve weeks at school C for a student of school A, from Monday 12 January 2026."""
    programme = make_programme(year, key="supported-transfer", registration="dual", away_code="D")
    programme.route = Route.PANEL_THEN_HEADTEACHERS
    programme.save(update_fields=["route"])
    return make_placement(
        programme=programme,
        provider=receiving["school"],
        school=cast.school_a,
        by=cast.officer,
        weeks=12,
    )


def rows(student) -> list[tuple]:
    return [
        (r.school.name, r.status, r.starts_on, r.ends_on)
        for r in SchoolRegistration.objects.filter(student=student)
        .select_related("school")
        .order_by("starts_on", "school__name", "pk")
    ]


def confirm_url(placement) -> str:
    return reverse("placements:managed_move_confirm", args=[placement.uuid])


def date_form(day: dt.date) -> dict:
    return {"moves_on_day": day.day, "moves_on_month": day.month, "moves_on_year": day.year}


# Registrations opened and ended by a placement -----------------------------------------------


def test_a_dual_placement_at_a_school_opens_the_subsidiary_registration_from_its_start(
    transfer,
):
    assert rows(transfer.student) == [
        ("School A", C, REGISTERED_FROM, MONDAY - ONE_DAY),
        ("School A", M, MONDAY, None),
        ("School C", S, MONDAY, None),
    ]
    actions = set(Event.objects.values_list("action", flat=True))
    assert {"student.registration_opened", "student.registration_ended"} <= actions


def test_the_exit_ends_the_dual_registration_and_the_home_school_holds_it_single_again(
    cast, transfer, clock
):
    clock(at(DURING, 10))
    services.placement_exit(
        placement=transfer,
        ended_on=DURING,
        outcome=ExitOutcome.RETURNED,
        detail="",
        version=transfer.version,
        by=cast.officer,
    )
    assert rows(transfer.student) == [
        ("School A", C, REGISTERED_FROM, MONDAY - ONE_DAY),
        ("School A", M, MONDAY, DURING),
        ("School C", S, MONDAY, DURING),
        ("School A", C, DURING + ONE_DAY, None),
    ]


def test_a_start_moved_before_the_transfer_begins_moves_the_dual_registration(
    cast, transfer, clock
):
    clock(at(MONDAY - dt.timedelta(days=7), 10))
    later = MONDAY + dt.timedelta(days=7)
    services.placement_dates_change(
        placement=transfer,
        starts_on=later,
        planned_end_on=transfer.planned_end_on,
        version=transfer.version,
        by=cast.officer,
    )
    assert rows(transfer.student) == [
        ("School A", C, REGISTERED_FROM, later - ONE_DAY),
        ("School A", M, later, None),
        ("School C", S, later, None),
    ]


def test_a_placement_at_a_training_provider_opens_no_registration(cast, year):
    programme = make_programme(year, key="refocus-like", registration="dual")
    placement = make_placement(
        programme=programme, provider=cast.provider, school=cast.school_a, by=cast.officer
    )
    assert rows(placement.student) == [("School A", C, REGISTERED_FROM, None)]


# Confirming a managed move -------------------------------------------------------------------


@pytest.mark.parametrize("who", ["head", "coordinator"])
def test_the_receiving_school_confirms_a_move_today_and_it_is_made_at_once(
    client, cast, transfer, receiving, clock, who, django_capture_on_commit_callbacks
):
    day = after(transfer)
    clock(at(day, 10))
    client.force_login(receiving[who])
    assert client.get(confirm_url(transfer)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(confirm_url(transfer), date_form(day))
    assert response.status_code == 302
    student = transfer.student
    student.refresh_from_db()
    assert student.home_school == receiving["school"]
    assert rows(student) == [
        ("School A", C, REGISTERED_FROM, MONDAY - ONE_DAY),
        ("School A", M, MONDAY, day - ONE_DAY),
        ("School C", S, MONDAY, day - ONE_DAY),
        ("School C", C, day, None),
    ]
    move = ManagedMove.objects.get()
    assert (move.from_school, move.to_school, move.moves_on) == (
        cast.school_a,
        receiving["school"],
        day,
    )
    assert move.applied_at is not None
    actions = list(Event.objects.values_list("action", flat=True))
    assert "placement.managed_move_confirmed" in actions
    assert "placement.managed_move_made" in actions
    assert "student.home_school_changed" in actions
    # The former school and the CAP team are told, without the student's name.
    recipients = {address for message in mail.outbox for address in message.to}
    assert cast.alice.email in recipients
    assert "cap-team@example.invalid" in recipients or cast.monitoring.email in recipients
    assert all(student.legal_first_name not in m.body for m in mail.outbox)


def test_the_move_s_e_mail_writes_a_school_s_name_as_it_is(
    cast, transfer, receiving, clock, django_capture_on_commit_callbacks
):
    receiving["school"].name = "St Mary's & St John's"
    receiving["school"].save(update_fields=["name"])
    day = after(transfer)
    clock(at(day, 10))
    with django_capture_on_commit_callbacks(execute=True):
        managed_move_notify(
            services.managed_move_confirm(placement=transfer, moves_on=day, by=receiving["head"])
        )
    body = mail.outbox[0].body
    assert "St Mary's & St John's's roll" in body
    assert "&#x27;" not in body and "&amp;" not in body


def test_a_move_may_be_confirmed_once_the_transfer_ended_in_a_managed_move(
    client, cast, transfer, receiving, clock
):
    clock(at(DURING, 10))
    services.placement_exit(
        placement=transfer,
        ended_on=DURING - ONE_DAY,
        outcome=ExitOutcome.MANAGED_MOVE,
        detail="",
        version=transfer.version,
        by=cast.officer,
    )
    client.force_login(receiving["head"])
    home = client.get(reverse("dashboards:schools")).content.decode()
    assert confirm_url(transfer) in home
    assert client.post(confirm_url(transfer), date_form(DURING)).status_code == 302
    # The home school held the student single for no day before the move: that
    # registration, opened by the exit for the move's day, is superseded.
    assert rows(transfer.student)[-2:] == [
        ("School C", S, MONDAY, DURING - ONE_DAY),
        ("School C", C, DURING, None),
    ]
    assert SchoolRegistration.objects.filter(student=transfer.student, ends_on=None).count() == 1


def test_no_move_to_confirm_when_the_transfer_ended_in_a_return(
    client, cast, transfer, receiving, clock
):
    clock(at(DURING, 10))
    services.placement_exit(
        placement=transfer,
        ended_on=DURING,
        outcome=ExitOutcome.RETURNED,
        detail="",
        version=transfer.version,
        by=cast.officer,
    )
    client.force_login(receiving["head"])
    assert client.get(confirm_url(transfer)).status_code == 404


@pytest.mark.parametrize("who", ["alice", "headteacher", "bob"])
def test_other_schools_cannot_confirm_the_move(client, cast, transfer, clock, who):
    """The former school (its coordinator and its headteacher) and another school: 404,
    whether or not the placement exists."""
    clock(at(DURING, 10))
    client.force_login(getattr(cast, who))
    assert client.get(confirm_url(transfer)).status_code == 404
    assert client.post(confirm_url(transfer), date_form(DURING)).status_code == 404
    assert not ManagedMove.objects.exists()


@pytest.mark.parametrize("who", ["provider_staff", "academy_staff", "officer", "outsider"])
def test_people_outside_the_school_area_cannot_confirm_the_move(client, cast, transfer, clock, who):
    """Refused by the School area before any view code runs, as every school page is."""
    clock(at(DURING, 10))
    client.force_login(getattr(cast, who))
    assert client.get(confirm_url(transfer)).status_code == 403
    assert client.post(confirm_url(transfer), date_form(DURING)).status_code == 403
    assert not ManagedMove.objects.exists()


def test_the_move_is_confirmed_once(client, transfer, receiving, clock):
    clock(at(DURING, 10))
    services.managed_move_confirm(
        placement=transfer, moves_on=after(transfer), by=receiving["head"]
    )
    client.force_login(receiving["coordinator"])
    assert client.get(confirm_url(transfer)).status_code == 404
    assert ManagedMove.objects.count() == 1


def test_a_receiving_school_dsl_cannot_confirm_the_move(client, transfer, receiving, clock):
    clock(at(DURING, 10))
    client.force_login(receiving["dsl"])
    assert client.get(confirm_url(transfer)).status_code == 404
    assert client.post(confirm_url(transfer), date_form(DURING)).status_code == 404
    assert not ManagedMove.objects.exists()


def test_the_confirm_page_takes_posts_and_gets_only(client, transfer, receiving, clock):
    clock(at(DURING, 10))
    client.force_login(receiving["head"])
    assert client.put(confirm_url(transfer)).status_code == 405


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Enter the date the student joins your school"),
        (date_form(MONDAY), "The move must be after the supported transfer started"),
        (date_form(DURING + dt.timedelta(days=400)), "The move must be within the next year"),
        ({"moves_on_day": "31", "moves_on_month": "2", "moves_on_year": "2026"}, "real date"),
        ("during", "The move must be after the supported transfer's last day, "),
        ("last day", "The move must be after the supported transfer's last day, "),
    ],
)
def test_a_wrong_date_is_explained_beside_the_field(
    client, transfer, receiving, clock, data, message
):
    """A move takes effect only after the transfer: while the placement runs, the former
    school is still the home school that its rules (whereabouts, absence alerts, visits)
    serve."""
    clock(at(DURING, 10))
    if data == "during":
        data = date_form(DURING)
    elif data == "last day":
        data = date_form(transfer.last_day)
    if message.endswith("last day, "):
        message += long_date(transfer.last_day)
    client.force_login(receiving["head"])
    page = client.post(confirm_url(transfer), data).content.decode()
    assert "<title>Error: " in page
    assert "govuk-error-summary" in page
    assert message in page.replace("&#x27;", "'")
    assert not ManagedMove.objects.exists()


# A move dated ahead, made by the daily job -------------------------------------------------


def test_a_move_dated_ahead_is_made_by_the_daily_job_on_its_day(
    client, cast, transfer, receiving, clock
):
    clock(at(DURING, 10))
    day = after(transfer) + dt.timedelta(days=2)
    client.force_login(receiving["head"])
    assert client.post(confirm_url(transfer), date_form(day)).status_code == 302
    student = transfer.student
    student.refresh_from_db()
    assert student.home_school == cast.school_a  # nothing changes before the day
    home = client.get(reverse("dashboards:schools")).content.decode()
    assert f"roll from School A on {long_date(day, weekday=False)}" in home

    clock(at(day - ONE_DAY, 0, 30))
    out = io.StringIO()
    call_command("apply_managed_moves", stdout=out)
    assert out.getvalue().strip() == "Made 0 managed moves."
    student.refresh_from_db()
    assert student.home_school == cast.school_a

    clock(at(day, 0, 30))
    out = io.StringIO()
    call_command("apply_managed_moves", stdout=out)
    assert out.getvalue().strip() == "Made 1 managed move."
    student.refresh_from_db()
    assert student.home_school == receiving["school"]
    assert rows(student)[-1] == ("School C", C, day, None)
    assert ManagedMove.objects.get().applied_at is not None
    call_command("apply_managed_moves", stdout=out)  # once only
    assert (
        SchoolRegistration.objects.filter(student=student, school=receiving["school"]).count() == 2
    )


# What each school sees after the move ------------------------------------------------------


def test_after_the_move_the_former_school_keeps_its_own_past_and_nothing_later(
    client, cast, transfer, receiving, clock
):
    day = after(transfer)
    clock(at(day, 10))
    old = transfer.application
    draft = Application.objects.create(
        student=transfer.student, school=cast.school_a, created_by=cast.alice
    )
    services.managed_move_confirm(placement=transfer, moves_on=day, by=receiving["head"])
    student = transfer.student
    student.refresh_from_db()
    later = application_start(student=student, by=receiving["coordinator"])

    client.force_login(cast.alice)
    # Its own application and the placement it commissioned, read only.
    assert can_view_application(cast.alice, old)
    assert client.get(reverse("placements:schools_detail", args=[transfer.uuid])).status_code == 200
    assert not can_edit_application(cast.alice, draft)
    # Not the student's record, not the new school's application, no new application.
    student_page = reverse("students:detail", args=[student.uuid])
    assert client.get(student_page).status_code == 404
    assert client.get(reverse("applications:detail", args=[later.uuid])).status_code == 404
    start = reverse("applications:start", args=[student.uuid])
    assert client.post(start).status_code == 404
    assert Application.objects.filter(student=student, school=cast.school_a).count() == 2

    # The new school sees the student from the day, with both schools and their dates.
    client.force_login(receiving["head"])
    page = client.get(student_page).content.decode()
    assert "School registrations" in page
    assert "School A" in page and "School C" in page
    assert long_date(day, weekday=False) in page
    assert long_date(day - ONE_DAY, weekday=False) in page


def test_before_the_day_the_new_school_does_not_see_the_student(
    client, cast, transfer, receiving, clock
):
    clock(at(DURING, 10))
    services.managed_move_confirm(
        placement=transfer, moves_on=after(transfer), by=receiving["head"]
    )
    client.force_login(receiving["head"])
    student_page = reverse("students:detail", args=[transfer.student.uuid])
    assert client.get(student_page).status_code == 404
    client.force_login(cast.alice)
    assert client.get(student_page).status_code == 200


def test_the_receiving_school_home_page_keeps_its_queries_with_more_transfers(
    client, cast, year, transfer, receiving, clock
):
    clock(at(DURING, 10))
    client.force_login(receiving["head"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("dashboards:schools")).status_code == 200
        return len(captured)

    few = queries()
    for _ in range(4):
        make_placement(
            programme=transfer.programme,
            provider=receiving["school"],
            school=cast.school_b,
            by=cast.officer,
            weeks=12,
            student=StudentFactory(home_school=cast.school_b),
        )
    assert queries() == few


def test_the_student_page_keeps_its_queries_with_more_registrations(
    client, cast, transfer, receiving, clock
):
    clock(at(DURING, 10))
    client.force_login(cast.alice)
    page = reverse("students:detail", args=[transfer.student.uuid])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(page).status_code == 200
        return len(captured)

    few = queries()
    services.placement_exit(
        placement=transfer,
        ended_on=DURING,
        outcome=ExitOutcome.RETURNED,
        detail="",
        version=transfer.version,
        by=cast.officer,
    )
    assert queries() == few


@pytest.mark.parametrize(
    ("who", "offered"), [("head", True), ("coordinator", True), ("dsl", False)]
)
def test_the_placement_page_offers_the_move_only_to_whoever_may_confirm_it(
    client, transfer, receiving, clock, who, offered
):
    clock(at(DURING, 10))
    client.force_login(receiving[who])
    page = client.get(reverse("placements:schools_detail", args=[transfer.uuid])).content.decode()
    assert (confirm_url(transfer) in page) is offered


def test_the_former_school_is_not_offered_the_move(client, cast, transfer, clock):
    clock(at(DURING, 10))
    client.force_login(cast.headteacher)
    page = client.get(reverse("placements:schools_detail", args=[transfer.uuid])).content.decode()
    assert confirm_url(transfer) not in page


def test_once_a_move_is_confirmed_the_exit_can_only_be_a_managed_move(
    cast, transfer, receiving, clock
):
    clock(at(DURING, 10))
    day = after(transfer)
    services.managed_move_confirm(placement=transfer, moves_on=day, by=receiving["head"])
    transfer.refresh_from_db()
    with pytest.raises(services.Refused, match="the outcome is a managed move"):
        services.placement_exit(
            placement=transfer,
            ended_on=DURING,
            outcome=ExitOutcome.RETURNED,
            detail="",
            version=transfer.version,
            by=cast.officer,
        )
    services.placement_exit(
        placement=transfer,
        ended_on=DURING,
        outcome=ExitOutcome.MANAGED_MOVE,
        detail="",
        version=transfer.version,
        by=cast.officer,
    )
    assert rows(transfer.student)[-1] == ("School A", C, DURING + ONE_DAY, None)
    clock(at(day, 0, 30))
    assert services.managed_moves_apply() == 1
    assert rows(transfer.student)[-2:] == [
        ("School A", C, DURING + ONE_DAY, day - ONE_DAY),
        ("School C", C, day, None),
    ]


# The move follows the transfer ---------------------------------------------------------------


def test_a_move_on_or_before_an_ended_transfers_last_day_is_refused(
    cast, transfer, receiving, clock
):
    """Else the dual registration and the new school's single one would overlap."""
    clock(at(DURING, 10))
    services.placement_exit(
        placement=transfer,
        ended_on=DURING - ONE_DAY,
        outcome=ExitOutcome.MANAGED_MOVE,
        detail="",
        version=transfer.version,
        by=cast.officer,
    )
    before = rows(transfer.student)
    for day in (DURING - dt.timedelta(days=7), DURING - ONE_DAY):
        with pytest.raises(services.Refused, match="after the supported transfer's last day"):
            services.managed_move_confirm(placement=transfer, moves_on=day, by=receiving["head"])
    assert not ManagedMove.objects.exists()
    assert rows(transfer.student) == before


def test_the_planned_end_cannot_reach_a_confirmed_move(cast, transfer, receiving, clock):
    clock(at(DURING, 10))
    day = after(transfer) + dt.timedelta(days=2)  # the Monday after the transfer
    services.managed_move_confirm(placement=transfer, moves_on=day, by=receiving["head"])
    transfer.refresh_from_db()
    for later in (day, day + dt.timedelta(days=7)):
        with pytest.raises(services.Refused, match="the planned end must be before it") as refused:
            services.placement_dates_change(
                placement=transfer,
                starts_on=transfer.starts_on,
                planned_end_on=later,
                version=transfer.version,
                by=cast.officer,
            )
        assert refused.value.field == "planned_end_on"
    transfer.refresh_from_db()
    assert transfer.planned_end_on == day - dt.timedelta(days=3)


def test_the_transfer_cannot_end_on_or_after_the_move(cast, transfer, receiving, clock):
    clock(at(DURING, 10))
    day = after(transfer)
    services.managed_move_confirm(placement=transfer, moves_on=day, by=receiving["head"])
    transfer.refresh_from_db()
    clock(at(day + dt.timedelta(days=3), 10))
    with pytest.raises(services.Refused, match="must end before the managed move"):
        services.placement_exit(
            placement=transfer,
            ended_on=day,
            outcome=ExitOutcome.MANAGED_MOVE,
            detail="",
            version=transfer.version,
            by=cast.officer,
        )
    transfer.refresh_from_db()
    assert transfer.ended_on is None


def test_an_exit_from_a_page_loaded_before_the_move_was_confirmed_is_a_conflict(
    cast, transfer, receiving, clock
):
    """The exit's check for a move and the confirm can run at once: the confirm changes
    the placement's version, so the exit loaded before it cannot commit beside it."""
    clock(at(DURING, 10))
    loaded = transfer.version
    services.managed_move_confirm(
        placement=transfer, moves_on=after(transfer), by=receiving["head"]
    )
    with pytest.raises(services.Conflict):
        services.placement_exit(
            placement=transfer,
            ended_on=DURING,
            outcome=ExitOutcome.MANAGED_MOVE,
            detail="",
            version=loaded,
            by=cast.officer,
        )
    transfer.refresh_from_db()
    assert transfer.ended_on is None


def test_an_exit_keeps_the_dual_registration_another_open_placement_shares(cast, year, clock):
    """Two dual placements of a student at the academy at once share one subsidiary
    registration: the first to end leaves it open for the other."""
    programme = make_programme(year, key="academy-dual", registration="dual")
    first = make_placement(
        programme=programme, provider=cast.academy, school=cast.school_a, by=cast.officer, weeks=12
    )
    second = make_placement(
        programme=programme,
        provider=cast.academy,
        school=cast.school_a,
        by=cast.officer,
        weeks=12,
        student=first.student,
    )
    clock(at(DURING, 10))
    services.placement_exit(
        placement=first,
        ended_on=DURING,
        outcome=ExitOutcome.RETURNED,
        detail="",
        version=first.version,
        by=cast.officer,
    )
    assert rows(first.student) == [
        ("School A", C, REGISTERED_FROM, MONDAY - ONE_DAY),
        ("AP Academy", S, MONDAY, None),
        ("School A", M, MONDAY, None),
    ]
    second.refresh_from_db()
    clock(at(DURING + ONE_DAY, 10))
    services.placement_exit(
        placement=second,
        ended_on=DURING + ONE_DAY,
        outcome=ExitOutcome.RETURNED,
        detail="",
        version=second.version,
        by=cast.officer,
    )
    assert rows(first.student)[1:] == [
        ("AP Academy", S, MONDAY, DURING + ONE_DAY),
        ("School A", M, MONDAY, DURING + ONE_DAY),
        ("School A", C, DURING + dt.timedelta(days=2), None),
    ]
