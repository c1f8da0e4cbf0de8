"""What each person's home lists after anything urgent: work they can act on, overdue work
by its age in working days, oldest first and bounded; the year the CAP manager is asked to
confirm; the next referral deadlines, with the flags of dates the authority has not
confirmed, and never one already passed."""

import datetime as dt
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.models import Application
from applications.workflow import Status
from dashboards.homes import OVERDUE_SHOWN, overdue_for, year_to_confirm
from lib.dates import working_days_before, working_days_between
from programmes import services
from programmes.models import AcademicYear, Meeting, Programme, YearStatus
from programmes.selectors import meetings_upcoming
from students.models import SchoolRegistration
from students.tests.factories import StudentFactory

REFERENCE = Path(__file__).parents[2] / "programmes" / "data" / "coventry-2025-26.yaml"


@pytest.fixture
def model(db):
    year = services.model_load(path=REFERENCE, flagged=True).year
    services.academic_year_rollover(source=year)
    return year


def _application(cast, *, status: str, changed_days_ago: int) -> Application:
    """A school A application at `status` since that many working days before today."""
    today = timezone.localdate()
    changed = timezone.make_aware(
        dt.datetime.combine(working_days_before(today, changed_days_ago), dt.time(10))
    )
    return Application.objects.create(
        student=StudentFactory(home_school=cast.school_a),
        school=cast.school_a,
        created_by=cast.alice,
        programme=Programme.objects.filter(year__name="2026-27").first(),
        status=status,
        submitted_at=changed - dt.timedelta(days=20),
        status_changed_at=changed,
    )


def _long(day: dt.date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def _page(client, user, area: str) -> str:
    client.force_login(user)
    response = client.get(reverse(f"dashboards:{area}"))
    assert response.status_code == 200
    return response.content.decode()


# --- Casework: only what the person acts on ------------------------------------------------


def test_the_officer_sees_overdue_work_oldest_first_by_its_age_in_working_days(client, cast, model):
    newer = _application(cast, status=Status.WITHDRAWN, changed_days_ago=7)
    older = _application(cast, status=Status.WITHDRAWN, changed_days_ago=12)
    _application(cast, status=Status.WITHDRAWN, changed_days_ago=2)  # not due yet
    _application(cast, status=Status.SUBMITTED, changed_days_ago=1)
    page = _page(client, cast.officer, "casework")
    assert page.index(older.reference) < page.index(newer.reference)
    for application in (older, newer):
        since = timezone.localtime(application.status_changed_at).date()
        age = working_days_between(since, timezone.localdate())
        assert f"{age} working days<br>" in page
    assert page.index("Overdue</h2>") < page.index("Waiting for you")
    assert reverse("casework:application", args=[older.uuid]) in page
    assert "1 applications to review" in page or "1 application to review" in page
    count, rows = overdue_for(cast.officer)
    assert count == 2 and [r.application for r in rows] == [older, newer]


def test_overdue_work_is_bounded_with_a_link_to_all_of_it(client, cast, model):
    made = [
        _application(cast, status=Status.WITHDRAWN, changed_days_ago=6 + n)
        for n in range(OVERDUE_SHOWN + 2)
    ]
    page = _page(client, cast.manager, "casework")
    oldest = list(reversed(made))
    assert all(a.reference in page for a in oldest[:OVERDUE_SHOWN])
    assert not any(a.reference in page for a in oldest[OVERDUE_SHOWN:])
    assert f"All {OVERDUE_SHOWN + 2} overdue applications" in page
    assert reverse("casework:queue") + "?overdue=1" in page


@pytest.mark.parametrize("who", ["safeguarding", "monitoring"])
def test_casework_they_cannot_act_on_is_not_waiting_for_the_lead_or_a_monitoring_officer(
    client, cast, model, who
):
    overdue = _application(cast, status=Status.WITHDRAWN, changed_days_ago=12)
    _application(cast, status=Status.SUBMITTED, changed_days_ago=1)
    page = _page(client, getattr(cast, who), "casework")
    assert overdue.reference not in page
    assert "Overdue</h2>" not in page
    assert "applications to review" not in page and "application to review" not in page
    assert "Nothing is waiting for you." in page
    assert overdue_for(getattr(cast, who)) == (0, [])


def test_a_school_referrer_sees_its_own_work_and_nothing_of_casework_or_safeguarding(
    client, cast, model
):
    returned = _application(cast, status=Status.RETURNED, changed_days_ago=1)
    _application(cast, status=Status.WITHDRAWN, changed_days_ago=12)
    page = _page(client, cast.alice, "schools")
    assert "1 question from the CAP team to answer" in page
    assert "Overdue</h2>" not in page
    assert "Safeguarding</h2>" not in page
    # School B's referrer sees nothing of school A's.
    assert "question from the CAP team to answer" not in _page(client, cast.bob, "schools")
    assert returned.reference not in _page(client, cast.bob, "schools")


def test_a_school_s_waiting_work_is_listed_oldest_first_with_its_age_and_bounded(
    client, cast, model
):
    made = [
        _application(cast, status=Status.RETURNED, changed_days_ago=1 + n)
        for n in range(OVERDUE_SHOWN + 1)
    ]
    page = _page(client, cast.alice, "schools")
    oldest = list(reversed(made))
    positions = [page.index(a.reference) for a in oldest[:OVERDUE_SHOWN]]
    assert positions == sorted(positions)
    assert oldest[-1].reference not in page
    assert f"The oldest {OVERDUE_SHOWN} of {OVERDUE_SHOWN + 1}" in page
    assert reverse("applications:detail", args=[oldest[0].uuid]) in page
    since = timezone.localtime(oldest[0].status_changed_at).date()
    assert f"{working_days_between(since, timezone.localdate())} working days" in page


def test_a_school_is_not_waited_for_on_a_student_it_no_longer_holds_on_roll(client, cast, model):
    moved = _application(cast, status=Status.RETURNED, changed_days_ago=3)
    SchoolRegistration.objects.filter(student=moved.student).update(
        ends_on=timezone.localdate() - dt.timedelta(days=1)
    )
    page = _page(client, cast.alice, "schools")
    assert moved.reference not in page
    assert "questions from the CAP team to answer" not in page


@pytest.mark.parametrize(
    ("who", "area"),
    [
        ("officer", "casework"),
        ("manager", "casework"),
        ("safeguarding", "casework"),
        ("monitoring", "casework"),
        ("alice", "schools"),
        ("school_dsl", "schools"),
    ],
)
def test_each_home_costs_the_same_queries_however_much_work_waits(client, cast, model, who, area):
    client.force_login(getattr(cast, who))
    url = reverse(f"dashboards:{area}")
    _application(cast, status=Status.WITHDRAWN, changed_days_ago=8)

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context)

    before = queries()
    for n in range(OVERDUE_SHOWN + 4):
        _application(cast, status=Status.WITHDRAWN, changed_days_ago=9 + n)
        _application(cast, status=Status.RETURNED, changed_days_ago=1)
    assert queries() == before


# --- The year the CAP manager confirms ------------------------------------------------------


def test_the_manager_is_asked_to_confirm_only_the_coming_year(client, cast, model):
    # 2025-26 (loaded) and 2026-27 (rolled over) are both drafts.
    december = dt.date(2026, 12, 10)
    assert year_to_confirm(today=december).name == "2026-27"
    assert year_to_confirm(today=dt.date(2026, 7, 1)).name == "2026-27"
    # Never a year that has ended.
    assert year_to_confirm(today=dt.date(2027, 9, 20)) is None
    # Once the next year is loaded, it is the one coming.
    services.academic_year_rollover(source=AcademicYear.objects.get(name="2026-27"))
    assert year_to_confirm(today=december).name == "2027-28"
    # A confirmed year is not asked about.
    AcademicYear.objects.filter(name="2027-28").update(status=YearStatus.CONFIRMED)
    assert year_to_confirm(today=december) is None


def test_the_manager_s_home_never_asks_for_a_year_gone_by(client, cast, model):
    page = _page(client, cast.manager, "casework")
    assert "Check and confirm the 2025-26 dates" not in page
    coming = year_to_confirm()
    assert (f"Check and confirm the {coming.name} dates" in page) if coming else True
    assert "Check and confirm" not in _page(client, cast.officer, "casework")


# --- Next referral deadlines ----------------------------------------------------------------


@pytest.fixture
def deadlines(model):
    """Three of this year's meetings moved to around today: one whose deadline is to come,
    one whose deadline passed a day ago (the meeting still to come), and one the authority has
    not confirmed, its deadline read as a year ago; the rest of the year's meetings are
    moved out of the way."""
    today = timezone.localdate()
    year = AcademicYear.objects.get(name="2026-27")
    meetings = list(Meeting.objects.filter(panel__year=year).order_by("id"))
    Meeting.objects.filter(pk__in=[m.pk for m in meetings[3:]]).update(
        date=today - dt.timedelta(days=40), referral_deadline=today - dt.timedelta(days=50)
    )
    coming, passed, flagged = meetings[:3]
    Meeting.objects.filter(pk=coming.pk).update(
        date=today + dt.timedelta(days=20), referral_deadline=today + dt.timedelta(days=6), flags=[]
    )
    Meeting.objects.filter(pk=passed.pk).update(
        date=today + dt.timedelta(days=10), referral_deadline=today - dt.timedelta(days=1), flags=[]
    )
    Meeting.objects.filter(pk=flagged.pk).update(
        date=today + dt.timedelta(days=30),
        referral_deadline=today - dt.timedelta(days=365),
        flags=["calendar row 5: the referral deadline is outside the academic year."],
    )
    for meeting in (coming, passed, flagged):
        meeting.refresh_from_db()
    return coming, passed, flagged


def test_next_deadlines_never_list_a_passed_date_nor_skip_a_flagged_meeting(deadlines):
    coming, _passed, flagged = deadlines
    year = coming.panel.year
    found = meetings_upcoming(year=year)
    assert found == [coming, flagged]
    assert [m.deadline_passed for m in found] == [False, True]
    assert meetings_upcoming(year=None) == [coming, flagged]


@pytest.mark.parametrize(
    ("who", "area", "url"),
    [
        ("alice", "schools", None),
        ("officer", "casework", None),
        ("alice", None, "school_panels:dates"),
    ],
)
def test_a_date_the_authority_has_not_confirmed_is_shown_with_its_flag_to_everyone(
    client, cast, deadlines, who, area, url
):
    coming, passed, flagged = deadlines
    client.force_login(getattr(cast, who))
    page = client.get(reverse(url or f"dashboards:{area}")).content.decode()
    start = page.index("Next referral deadlines</h2>")
    listed = page[start:]
    assert f"{coming.referral_deadline:%A} {coming.referral_deadline.day} " in listed
    # The flagged meeting is listed, by its meeting date, with its flag; its deadline as
    # read, which has passed, is named as such and never as the next one.
    assert f"{flagged.date:%A} {flagged.date.day} {flagged.date:%B %Y}" in listed
    assert "To be confirmed" in listed and "Not confirmed" in listed
    assert (
        f"gives {flagged.referral_deadline.day} {flagged.referral_deadline:%B %Y}, which has passed"
        in listed
    )
    # The meeting whose deadline passed yesterday is not a next deadline.
    assert _long(passed.date) not in listed
    assert _long(passed.referral_deadline) not in listed


def test_the_panel_dates_page_is_for_schools_only(client, cast, deadlines):
    url = reverse("school_panels:dates")
    for who in ("officer", "chair", "provider_staff"):
        client.force_login(getattr(cast, who))
        assert client.get(url).status_code == 403
