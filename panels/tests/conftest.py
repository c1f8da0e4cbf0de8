"""Panels in tests: the year's own meetings are replaced by four relative to today, so the
tests hold whatever the date: one past, one today, two to come."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import member
from applications import services as application_services
from applications.models import Application
from applications.tests.factories import (
    complete_application,
    early_help_done,
    load_model,
    subscribe,
)
from panels import services
from panels.models import PanelMember
from programmes.models import Meeting, Panel, Programme, SeatPosition
from students.tests.factories import StudentFactory

DAY = dt.timedelta(days=1)


@pytest.fixture
def year(db):
    return load_model()


@pytest.fixture
def programmes(year):
    return {p.key: p for p in Programme.objects.filter(year=year).select_related("tier")}


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _meetings(panel: Panel, considered: list, today: dt.date) -> SimpleNamespace:
    def make(date_offset: int, deadline_offset: int) -> Meeting:
        meeting = Meeting.objects.create(
            panel=panel,
            date=today + date_offset * DAY,
            referral_deadline=today + deadline_offset * DAY,
        )
        meeting.programmes.set(considered)
        return meeting

    return SimpleNamespace(
        past=make(-7, -20), today=make(0, -13), next=make(21, 7), later=make(42, 28)
    )


@pytest.fixture
def panels(cast, year, programmes):
    """The three panels with members (the chair, an agency member, and school A's
    headteacher), and their meetings relative to today."""
    today = timezone.localdate()
    Meeting.objects.filter(panel__year=year).delete()
    by_key = {p.key: p for p in Panel.objects.filter(year=year)}
    considers = {
        "review-and-authorisation": ["flourish", "supported-transfer", "refocus", "focus-11"],
        "headteachers": ["supported-transfer"],
        "multi-agency": ["refocus", "focus-11"],
    }
    agency_member = member(cast.agency, Role.PANEL_MEMBER, full_name="Amy Agency")
    school_member = member(cast.school_a, Role.PANEL_MEMBER, full_name="Hana Head")
    vice_chair = member(cast.la, Role.PANEL_MEMBER, full_name="Vic Vice")
    result = {}
    for key, panel in by_key.items():
        PanelMember.objects.create(panel=panel, user=cast.chair, position=SeatPosition.CHAIR)
        PanelMember.objects.create(panel=panel, user=vice_chair, position=SeatPosition.VICE_CHAIR)
        PanelMember.objects.create(panel=panel, user=agency_member, represents=cast.agency)
        PanelMember.objects.create(panel=panel, user=school_member, represents=cast.school_a)
        result[key] = SimpleNamespace(
            panel=panel,
            meetings=_meetings(panel, [programmes[k] for k in considers[key]], today),
        )
    return SimpleNamespace(
        rap=result["review-and-authorisation"],
        ht=result["headteachers"],
        map=result["multi-agency"],
        agency_member=agency_member,
        school_member=school_member,
        vice_chair=vice_chair,
    )


def everyone_present(meeting: Meeting, by) -> None:
    services.attendance_record(meeting=meeting, members=list(meeting.panel.members.all()), by=by)


def submitted(cast, programme, *, school=None, by=None, submitted_on: dt.date | None = None):
    """A submitted application from school A (or another school) for the programme."""
    school = school or cast.school_a
    by = by or cast.alice
    if not school.subscriptions.filter(year=programme.year).exists():
        subscribe(school, programme.year)
    student = StudentFactory(home_school=school)
    early_help_done(student)
    application = complete_application(student=student, by=by, programme=programme)
    application = application_services.application_submit(
        application=application, version=application.version, by=by
    )
    if submitted_on is not None:
        moment = timezone.make_aware(dt.datetime.combine(submitted_on, dt.time(12)))
        Application.objects.filter(pk=application.pk).update(submitted_at=moment)
        application.refresh_from_db()
    return application


def at_panel(cast, programme, **kwargs) -> Application:
    """Submitted in time for today's meeting and put on its agenda by CAP."""
    application = submitted(cast, programme, submitted_on=timezone.localdate() - 14 * DAY, **kwargs)
    return application_services.application_refer_to_panel(
        application=application, version=application.version, by=cast.officer
    )


def decide(application, by, outcome="approved", **kwargs):
    item = application.agenda_items.get(state="waiting")
    decision = services.decision_record(
        item=item,
        outcome=outcome,
        rationale=kwargs.pop("rationale", "The panel agreed."),
        by=by,
        **kwargs,
    )
    application.refresh_from_db()
    return decision
