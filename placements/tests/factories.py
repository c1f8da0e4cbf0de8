"""Placements for tests, made through placement_create as every route makes them."""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from django.utils import timezone

from applications.models import Application
from placements.models import Alert, Mark, MarkChange
from placements.services import placement_create, tallies_rebuild
from programmes.models import AcademicYear, Programme, Term, Tier
from students.tests.factories import StudentFactory

# A fixed school week for tests that set the clock: Monday 12 to Friday 16 January 2026,
# in a spring term with a February half term.
MONDAY = dt.date(2026, 1, 12)
WEDNESDAY = dt.date(2026, 1, 14)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


def make_terms() -> AcademicYear:
    """Spring 2026 (with half term), and a term around today so that pages at the real
    date have school days."""
    year = AcademicYear.objects.create(
        name="2025-26", starts_on=dt.date(2025, 9, 1), ends_on=dt.date(2026, 8, 31)
    )
    Term.objects.create(
        year=year,
        name="Spring",
        starts_on=dt.date(2026, 1, 5),
        ends_on=dt.date(2026, 3, 27),
        half_term_starts_on=dt.date(2026, 2, 16),
        half_term_ends_on=dt.date(2026, 2, 20),
    )
    today = timezone.localdate()
    if not (dt.date(2025, 9, 1) <= today <= dt.date(2026, 8, 31)):
        now_year = AcademicYear.objects.create(
            name="now",
            starts_on=today - dt.timedelta(days=200),
            ends_on=today + dt.timedelta(days=200),
        )
        Term.objects.create(
            year=now_year,
            name="This term",
            starts_on=today - dt.timedelta(days=100),
            ends_on=today + dt.timedelta(days=100),
        )
    return year


def make_programme(year, *, key="work-based-learning", registration="single", away_code="B"):
    tier, _ = Tier.objects.get_or_create(year=year, number=1, defaults={"name": "Universal"})
    programme, _ = Programme.objects.get_or_create(
        year=year,
        key=key,
        defaults={
            "tier": tier,
            "name": key.replace("-", " ").capitalize(),
            "route": "provider",
            "min_weeks": 1,
            "max_weeks": 39,
            "registration": registration,
            "away_code": away_code,
        },
    )
    return programme


def make_placement(
    *,
    programme,
    provider,
    school,
    by,
    starts_on=MONDAY,
    weeks=6,
    days_per_week=Decimal("5"),
    student=None,
    planned_end_on=None,
    **extra,
):
    """`weeks` are calendar weeks, ending on the Friday of the last (tests choose their
    dates around the terms); give `planned_end_on` for an end in school weeks."""
    student = student or StudentFactory(home_school=school)
    application = Application.objects.create(
        student=student, school=school, programme=programme, created_by=by, status="placed"
    )
    return placement_create(
        application=application,
        provider=provider,
        starts_on=starts_on,
        planned_end_on=planned_end_on or starts_on + dt.timedelta(weeks=weeks, days=-3),
        days_per_week=days_per_week,
        by=by,
        **extra,
    )


def record_marks(placement, codes: dict, *, by, late=()) -> None:
    """Write marks as a loader would, not through a register: `codes` maps (day, session)
    to a code; the sessions in `late` were first entered after their register closed. The
    caller recounts the tallies (services.tallies_rebuild)."""
    for (day, session), code in codes.items():
        when = at(day, 12 if (day, session) in late else 9)
        mark = Mark.objects.create(
            placement=placement,
            date=day,
            session=session,
            code_id=code,
            recorded_by=by,
            recorded_at=when,
        )
        MarkChange.objects.create(
            mark=mark, code=code, changed_by=by, changed_at=when, late=(day, session) in late
        )


def week_of_codes(monday: dt.date, codes: list[str]) -> dict:
    """The ten sessions of a week, Monday morning first, with these codes ("" for none)."""
    sessions = [(monday + dt.timedelta(days=d), s) for d in range(5) for s in ("am", "pm")]
    return {key: code for key, code in zip(sessions, codes, strict=True) if code}


def make_attendance_scenario(cast, year):
    """Four placements in the spring term of 2025-26, counted by hand; the figures each
    test expects are worked out beside it.

    p1  school A at Provider P, year 11, full time: week 1, 8 present, 1 trip (V, approved),
        1 unexplained (N): 9 of 10, 90.0%. Three marks entered late.
    p2  school A at the AP Academy on the short course, 2 days a week: week 2, 4 present,
        4 illness (I), 2 transport (Y1, not possible): 4 of 8, 50.0%.
    p3  school B at Provider P: week 1, 2 present, 8 unexplained: 2 of 10, 20.0%. One late.
    p4  school B at Provider P, 2½ days a week: week 2, two Y1 only: no possible sessions.
    p5  school B at Provider P in the summer term: a mark outside the spring term.
    Alerts: p1 a missing mark that came (week 1) and one that never did (week 2); p3 one
    that never came; p2 one that came; p1 an absence alert (not a missing mark); p5 a
    missing mark in the summer."""
    wbl = make_programme(year)
    short = make_programme(year, key="short-course")
    week2 = MONDAY + dt.timedelta(days=7)
    summer = dt.date(2026, 4, 20)
    born_year_11 = StudentFactory(home_school=cast.school_a, date_of_birth=dt.date(2009, 10, 1))
    p1 = make_placement(
        programme=wbl,
        provider=cast.provider,
        school=cast.school_a,
        by=cast.officer,
        student=born_year_11,
    )
    p2 = make_placement(
        programme=short,
        provider=cast.academy,
        school=cast.school_a,
        by=cast.officer,
        days_per_week=Decimal("2"),
    )
    p3 = make_placement(
        programme=wbl, provider=cast.provider, school=cast.school_b, by=cast.officer
    )
    p4 = make_placement(
        programme=wbl,
        provider=cast.provider,
        school=cast.school_b,
        by=cast.officer,
        days_per_week=Decimal("2.5"),
    )
    p5 = make_placement(
        programme=wbl,
        provider=cast.provider,
        school=cast.school_b,
        by=cast.officer,
        starts_on=summer,
    )
    by = cast.provider_staff
    p1_codes = week_of_codes(MONDAY, ["/", "\\", "/", "\\", "V", "\\", "/", "N", "/", "\\"])
    record_marks(p1, p1_codes, by=by, late=list(p1_codes)[:3])
    record_marks(
        p2, week_of_codes(week2, ["/", "\\", "I", "I", "/", "\\", "I", "I", "Y1", "Y1"]), by=by
    )
    p3_codes = week_of_codes(MONDAY, ["/", "\\", "N", "N", "N", "N", "N", "N", "N", "N"])
    record_marks(p3, p3_codes, by=by, late=list(p3_codes)[9:])
    record_marks(p4, week_of_codes(week2, ["Y1", "Y1", "", "", "", "", "", "", "", ""]), by=by)
    record_marks(p5, {(summer, "am"): "N"}, by=by)
    # p3's last mark corrected later (late, but a correction is not a late entry).
    mark = Mark.objects.get(placement=p3, date=MONDAY + dt.timedelta(days=4), session="pm")
    MarkChange.objects.create(
        mark=mark, previous_code="N", code="N", changed_by=by, changed_at=at(week2, 9), late=True
    )
    for placement, day, session, kind, resolved in [
        (p1, MONDAY, "am", "missing", True),
        (p1, week2, "am", "missing", False),
        (p3, MONDAY + dt.timedelta(days=2), "pm", "missing", False),
        (p2, week2, "am", "missing", True),
        (p1, MONDAY + dt.timedelta(days=3), "pm", "absent", False),
        (p5, summer, "pm", "missing", False),
    ]:
        Alert.objects.create(
            placement=placement,
            date=day,
            session=session,
            kind=kind,
            raised_at=at(day, 10),
            resolved_at=at(day, 11) if resolved else None,
        )
    tallies_rebuild()
    return SimpleNamespace(p1=p1, p2=p2, p3=p3, p4=p4, p5=p5, week1=MONDAY, week2=week2)
