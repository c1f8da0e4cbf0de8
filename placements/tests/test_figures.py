"""Attendance the DfE way, against examples worked by hand."""

import datetime as dt
from collections import Counter

from placements import selectors, services
from placements.models import Category, Mark
from placements.selectors import Figures
from placements.tests.factories import MONDAY, at


def test_a_hand_worked_week():
    # 10 sessions: 6 present, 1 late (L), 1 trip (V), 1 illness (I), 1 unexplained (N).
    figures = Figures(
        Counter(
            {
                Category.PRESENT: 7,
                Category.APPROVED: 1,
                Category.AUTHORISED: 1,
                Category.UNAUTHORISED: 1,
            }
        )
    )
    assert figures.attended == 8
    assert figures.possible == 10
    assert figures.rate == 80.0
    assert figures.absence_rate == 20.0
    assert figures.unauthorised_rate == 10.0


def test_not_possible_sessions_leave_the_possible_count():
    # 8 at the setting (7 present, 1 unauthorised), 2 marked D or Y1: 7 of 8, not 7 of 10.
    figures = Figures(
        Counter({Category.PRESENT: 7, Category.UNAUTHORISED: 1, Category.NOT_POSSIBLE: 2})
    )
    assert figures.possible == 8
    assert figures.rate == 87.5


def test_no_possible_sessions_has_no_rate():
    assert Figures(Counter({Category.NOT_POSSIBLE: 3})).rate is None


def test_figures_and_trend_from_marks(cast, placement):
    codes = {  # Monday to Wednesday of two weeks
        (MONDAY, "am"): "/",
        (MONDAY, "pm"): "\\",
        (MONDAY + dt.timedelta(days=1), "am"): "I",
        (MONDAY + dt.timedelta(days=7), "am"): "/",
        (MONDAY + dt.timedelta(days=7), "pm"): "U",
        (MONDAY + dt.timedelta(days=8), "am"): "Y2",
    }
    for (day, session), code in codes.items():
        Mark.objects.create(
            placement=placement,
            date=day,
            session=session,
            code_id=code,
            recorded_by=cast.provider_staff,
            recorded_at=at(day, 9),
        )
    marks = Mark.objects.filter(placement=placement)
    figures = selectors.figures(marks)
    assert (figures.attended, figures.possible, figures.rate) == (3, 5, 60.0)
    trend = selectors.weekly_trend(marks)
    assert [(week, f.attended, f.possible) for week, f in trend] == [
        (MONDAY, 2, 3),
        (MONDAY + dt.timedelta(days=7), 1, 2),
    ]
    assert selectors.figures(Mark.objects.filter(placement__provider=cast.provider)).possible == 5
    first_week = Mark.objects.filter(
        placement=placement, date__range=(MONDAY, MONDAY + dt.timedelta(days=4))
    )
    assert selectors.figures(first_week).possible == 3


def test_the_attendance_page_counts_each_setting(client, cast, placement, programme):
    from django.urls import reverse

    from placements.tests.factories import make_placement

    other = make_placement(
        programme=programme, provider=cast.academy, school=cast.school_b, by=cast.officer
    )
    for p, code in ((placement, "/"), (placement, "I"), (other, "N")):
        day = MONDAY if code != "I" else MONDAY + dt.timedelta(days=1)
        Mark.objects.create(
            placement=p,
            date=day,
            session="am",
            code_id=code,
            recorded_by=cast.provider_staff,
            recorded_at=at(day, 9),
        )
    services.tallies_rebuild()  # the marks above were not saved through a register
    client.force_login(cast.manager)
    response = client.get(reverse("placements:attendance") + "?year=2025-26")
    by_setting = {
        g.name: (g.figures.attended, g.figures.possible) for g in response.context["page"]
    }
    assert by_setting == {"Provider P": (1, 2), "AP Academy": (0, 1)}
    client.force_login(cast.alice)
    assert client.get(reverse("placements:attendance")).status_code == 403
