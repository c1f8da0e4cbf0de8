"""Today's whereabouts in SQL: the database says where each student is expected exactly as
schedule.expected_at does, and gives each session the status a person would."""

import datetime as dt
import random
from decimal import Decimal

import pytest

from lib.sql import HoldsString
from placements import schedule, selectors
from placements.models import Alert, Category, Mark, Phase, Placement
from placements.schedule import HOME, SETTING
from placements.tests.factories import MONDAY, WEDNESDAY, at, make_placement

# From the Thursday before the spring term to the Friday after it: weekends, the term's
# first and last days, the February half term, and days outside any term.
DAYS = [
    dt.date(2026, 1, 1),
    dt.date(2026, 1, 5),
    dt.date(2026, 1, 10),
    MONDAY,
    dt.date(2026, 1, 13),
    WEDNESDAY,
    dt.date(2026, 1, 15),
    dt.date(2026, 1, 16),
    dt.date(2026, 1, 23),
    dt.date(2026, 2, 3),
    dt.date(2026, 2, 13),
    dt.date(2026, 2, 17),
    dt.date(2026, 2, 24),
    dt.date(2026, 3, 4),
    dt.date(2026, 3, 19),
    dt.date(2026, 3, 27),
    dt.date(2026, 3, 30),
]


def _pattern(rng: random.Random) -> list[str]:
    return [k for k in schedule.SESSION_KEYS if rng.random() < 0.4]


def _make_many(cast, programme, rng: random.Random, n: int) -> list[Placement]:
    """Placements starting on any day around the term, some ended early, each with its own
    pattern (some empty, some whole weeks) and with no, one or several phases: overlapping,
    starting on the same day (the later id wins), changes of pattern to the end."""
    made = []
    for i in range(n):
        starts_on = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(0, 70))
        placement = make_placement(
            programme=programme,
            provider=cast.provider,
            school=cast.school_a,
            by=cast.officer,
            starts_on=starts_on,
            weeks=rng.randrange(1, 12),
            days_per_week=Decimal(rng.choice(["1", "2.5", "4", "5"])),
            pattern=[] if i % 9 == 0 else list(schedule.SESSION_KEYS) if i % 7 == 0 else None,
        )
        if i % 3 == 0:
            placement.pattern = _pattern(rng)
        if i % 5 == 0:
            placement.ended_on = placement.starts_on + dt.timedelta(days=rng.randrange(0, 30))
        placement.save()
        for _ in range(rng.choice([0, 0, 1, 2, 3])):
            first = placement.starts_on + dt.timedelta(days=rng.randrange(-5, 40))
            Phase.objects.create(
                placement=placement,
                name="Phase",
                starts_on=first,
                ends_on=first + dt.timedelta(days=rng.randrange(0, 40)),
                pattern=_pattern(rng),
            )
        if i % 4 == 0:  # two phases from the same day: the one made last applies
            first = placement.starts_on + dt.timedelta(days=rng.randrange(0, 20))
            for _ in range(2):
                Phase.objects.create(
                    placement=placement,
                    name="Same day",
                    starts_on=first,
                    ends_on=placement.planned_end_on,
                    pattern=_pattern(rng),
                )
        made.append(placement)
    return made


def test_the_database_expects_each_student_where_expected_at_does(cast, programme):
    rng = random.Random(15)
    _make_many(cast, programme, rng, 45)
    placements = list(selectors.with_related(Placement.objects.all()))
    seen = {SETTING: 0, HOME: 0, None: 0}
    wrong = []
    for day in DAYS:
        calendar = selectors.calendar_for(day, day)
        for session in schedule.SESSIONS:
            in_sql = dict(
                selectors.expected(
                    Placement.objects.all(), day=day, session=session, calendar=calendar
                ).values_list("pk", "where")
            )
            for placement in placements:
                want = schedule.expected_at(placement, day, session, calendar)
                seen[want] += 1
                if in_sql.get(placement.pk) != want:
                    wrong.append((placement.pk, day, session, want, in_sql.get(placement.pk)))
    assert wrong == []
    assert all(n > 50 for n in seen.values()), seen  # every answer was tried, many times


# The codes a setting might record, and how a person reads each.
CODES = ["/", "\\", "L", "V", "N", "I", "O", "Y1", "D"]


def _status(placement, where, mark, overdue) -> str:
    if where == HOME:
        return "home"
    if mark is None:
        return "missing" if overdue else "waiting"
    return "absent" if mark.code.category in Category.absent() else "marked"


@pytest.mark.parametrize("minutes", [29, 30, 90])  # before, as and after the register closes
def test_each_session_has_the_status_its_mark_gives_it(cast, programme, minutes):
    rng = random.Random(minutes)
    _make_many(cast, programme, rng, 30)
    now = at(WEDNESDAY, 8, 45) + dt.timedelta(minutes=minutes)
    session = "am"
    calendar = selectors.calendar_for(WEDNESDAY, WEDNESDAY)
    marks = {}
    for placement in Placement.objects.all():
        if rng.random() < 0.6:
            marks[placement.pk] = Mark.objects.create(
                placement=placement,
                date=WEDNESDAY,
                session=session,
                code_id=rng.choice(CODES),
                recorded_by=cast.provider_staff,
                recorded_at=at(WEDNESDAY, 9),
            )
        if rng.random() < 0.2:
            Alert.objects.create(
                placement=placement,
                date=WEDNESDAY,
                session=session,
                kind="missing",
                raised_at=at(WEDNESDAY, 9, 15),
            )
    overdue = now >= schedule.register_closes(WEDNESDAY, session)
    rows = list(selectors.whereabouts(Placement.objects.all(), now=now, session=session))
    placements = {p.pk: p for p in selectors.with_related(Placement.objects.all())}
    alerted = set(Alert.objects.values_list("placement", flat=True))
    expected_rows = {}
    for pk, placement in placements.items():
        where = schedule.expected_at(placement, WEDNESDAY, session, calendar)
        if where is not None:
            expected_rows[pk] = _status(placement, where, marks.get(pk), overdue)
    assert {r.pk: r.status for r in rows} == expected_rows
    assert {r.pk: r.has_alert for r in rows} == {pk: pk in alerted for pk in expected_rows}
    assert {r.pk: r.mark for r in rows} == {
        pk: marks[pk].code_id if pk in marks else None for pk in expected_rows
    }
    # The exceptions come first, then the rest.
    ranks = [0 if r.status in ("missing", "absent") or r.has_alert else 1 for r in rows]
    assert ranks == sorted(ranks)
    counts = selectors.whereabouts_counts(
        selectors.whereabouts(Placement.objects.all(), now=now, session=session)
    )
    assert counts.by_status == {
        s: sum(v == s for v in expected_rows.values()) for s in selectors.STATUSES
    }
    assert counts.exceptions == ranks.count(0)


def test_nobody_is_expected_on_a_day_that_is_not_a_school_day(cast, placement):
    saturday = MONDAY + dt.timedelta(days=5)
    now = at(saturday, 10)
    placements = selectors.whereabouts(Placement.objects.all(), now=now, session="am")
    assert list(placements) == []
    assert selectors.whereabouts_counts(placements).total == 0


def test_a_pattern_holds_a_key_only_as_a_whole_element(cast, programme):
    # lib.sql.HoldsString: jsonb's `?` on PostgreSQL, the quoted key in the text elsewhere.
    patterns = [["mon_am", "tue_pm"], ["tue_pm"], [], ["mon_pm"], list(schedule.SESSION_KEYS)]
    made = []
    for pattern in patterns:
        placement = make_placement(
            programme=programme,
            provider=cast.provider,
            school=cast.school_a,
            by=cast.officer,
            starts_on=MONDAY,
        )
        placement.pattern = pattern
        placement.save()
        made.append(placement.pk)
    holding = set(
        Placement.objects.filter(HoldsString("pattern", "mon_am")).values_list("pk", flat=True)
    )
    assert holding == {made[0], made[4]}
    with pytest.raises(ValueError):
        HoldsString("pattern", 'mon_am"')
