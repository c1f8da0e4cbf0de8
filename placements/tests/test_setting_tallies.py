"""Each setting's weekly sums of the tallies (SettingTally): always equal to the tallies
they add up, however the tallies were written (a register, a rebuild, the data
migration), and the CAP team's attendance page counted from them, paged by name."""

import datetime as dt
import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Membership, OrganisationKind, Role
from accounts.tests.factories import OrganisationFactory
from placements import selectors, services
from placements.models import MarkTally, Placement, SettingTally
from placements.tests.factories import (
    MONDAY,
    at,
    make_attendance_scenario,
    make_placement,
    record_marks,
    week_of_codes,
)

SPRING = (dt.date(2026, 1, 5), dt.date(2026, 3, 27))
TALLIED = list(services.TALLIED)


def setting_tallies() -> dict:
    """Every setting's week as {(setting id, week): (present, ..., entered_late)}."""
    return {
        (t.provider_id, t.week): tuple(getattr(t, name) for name in TALLIED)
        for t in SettingTally.objects.all()
    }


def summed() -> dict:
    """The same, added up in Python from every tally."""
    sums: dict = {}
    for tally in MarkTally.objects.select_related("placement"):
        key = (tally.placement.provider_id, tally.week)
        row = sums.setdefault(key, [0] * len(TALLIED))
        for i, name in enumerate(TALLIED):
            row[i] += getattr(tally, name)
    return {key: tuple(row) for key, row in sums.items()}


def more_placements(cast, programme, n: int) -> None:
    """`n` more placements, alternately at the provider and the academy, with a week of
    marks each, some entered late; the tallies rebuilt."""
    for i in range(n):
        p = make_placement(
            programme=programme,
            provider=cast.academy if i % 2 else cast.provider,
            school=cast.school_b if i % 3 else cast.school_a,
            by=cast.officer,
            days_per_week=Decimal(i % 5 + 1),
        )
        codes = week_of_codes(MONDAY, ["/", "\\", "N", "I", "V", "Y1", "/", "", "", "U"])
        record_marks(p, codes, by=cast.provider_staff, late=list(codes)[i % 3 :: 3])
    services.tallies_rebuild()


def figures_of(f) -> tuple:
    return (*(f.counts[c] for c in sorted(f.counts)), f.attended, f.possible, f.rate)


def every_figure(every: bool) -> tuple:
    """The figures EVERY selector gives for every placement, from the settings' weeks or
    from the tallies."""
    everyone = Placement.objects.all()
    return (
        figures_of(selectors.attendance_totals(everyone, *SPRING, every=every)),
        [
            (g.key, g.name, figures_of(g.figures))
            for g in selectors.attendance_by(everyone, *SPRING, by="setting", every=every)
        ],
        [
            (w, figures_of(f))
            for w, f in selectors.attendance_by_week(everyone, *SPRING, every=every)
        ],
        [
            (g.key, g.name, figures_of(g.figures))
            for g in selectors.attendance_by_setting_page(
                everyone, *SPRING, number=1, size=50, every=every
            )
        ],
        selectors.register_timeliness(everyone, *SPRING, every=every),
    )


@pytest.fixture
def scenario(cast, year):
    return make_attendance_scenario(cast, year)


@pytest.mark.parametrize("extra", [0, 12])
def test_the_settings_weeks_equal_the_tallies_they_add_up(cast, scenario, programme, extra):
    more_placements(cast, programme, extra)
    assert setting_tallies() == summed()
    assert len(setting_tallies()) == (5 if extra else 4)
    # Every placement counted from the settings' weeks gives exactly what counting every
    # placement's tallies gives.
    assert every_figure(True) == every_figure(False)
    total = MarkTally.objects.aggregate(n=Sum("present"))["n"]
    assert SettingTally.objects.aggregate(n=Sum("present"))["n"] == total


def test_a_saved_register_keeps_its_settings_week_current(cast, scenario):
    """A register of new marks, then a correction, each recounts the setting's week; the
    other setting's week is left as it was."""
    week = MONDAY + dt.timedelta(days=21)  # a week with no marks yet
    [p1, p2] = selectors.with_related(
        Placement.objects.filter(pk__in=[scenario.p1.pk, scenario.p3.pk]).order_by("pk")
    )
    calendar = selectors.calendar_for(week, week + dt.timedelta(days=4))
    academy_before = {k: v for k, v in setting_tallies().items() if k[0] == cast.academy.pk}
    cells = {(week, "am"): "/", (week, "pm"): "N", (week + dt.timedelta(days=1), "am"): "I"}
    services.register_save(
        entries=[
            services.Entry(p, d, s, code, "") for p in (p1, p2) for (d, s), code in cells.items()
        ],
        calendar=calendar,
        by=cast.provider_staff,
        now=at(week + dt.timedelta(days=7), 9),  # every mark late
    )
    assert setting_tallies()[(cast.provider.pk, week)] == (2, 0, 2, 2, 0, 6)
    services.register_save(
        entries=[services.Entry(p1, week, "pm", "\\", "N")],
        calendar=calendar,
        by=cast.provider_staff,
        now=at(week + dt.timedelta(days=7), 10),
    )
    assert setting_tallies()[(cast.provider.pk, week)] == (3, 0, 2, 1, 0, 6)
    assert setting_tallies() == summed()
    assert {k: v for k, v in setting_tallies().items() if k[0] == cast.academy.pk} == academy_before
    assert every_figure(True) == every_figure(False)


def test_a_rebuild_mends_a_settings_week_gone_wrong(cast, scenario):
    SettingTally.objects.filter(provider=cast.provider).update(present=99)
    SettingTally.objects.create(provider=cast.school_a, week=MONDAY, present=5)
    services.tallies_rebuild()
    assert setting_tallies() == summed()


def test_the_data_migration_adds_up_the_existing_tallies(cast, scenario):
    SettingTally.objects.all().delete()
    migration = importlib.import_module("placements.migrations.0015_setting_tallies_build")
    migration.build(apps, None)
    assert setting_tallies() == summed()


# --- The CAP team's attendance page ----------------------------------------------------


def test_the_page_counts_the_settings_weeks_for_the_cap_team(client, cast, scenario):
    """The CAP team's page reads the settings' weeks only, never the tallies, and shows
    what the tallies give."""
    client.force_login(cast.manager)
    with CaptureQueriesContext(connection) as context:
        response = client.get(reverse("placements:attendance") + "?year=2025-26")
    assert response.status_code == 200
    sql = " ".join(q["sql"].lower() for q in context.captured_queries)
    assert "placements_settingtally" in sql and "placements_marktally" not in sql
    everyone = Placement.objects.all()
    first, last = dt.date(2025, 9, 1), dt.date(2026, 8, 31)
    shown = response.context
    assert shown["figures"] == selectors.attendance_totals(everyone, first, last)
    assert list(shown["page"]) == selectors.attendance_by(everyone, first, last, by="setting")
    assert shown["trend"] == selectors.attendance_by_week(everyone, first, last)


def test_a_person_who_sees_some_placements_counts_their_tallies(client, cast, scenario):
    """The CAP safeguarding lead opens casework but is not CAP staff: as a DSL at school A
    too, they count school A's students' placements only (p1 and p2), from the tallies."""
    Membership.objects.create(user=cast.safeguarding, organisation=cast.school_a, role=Role.DSL)
    client.force_login(cast.safeguarding)
    response = client.get(reverse("placements:attendance") + "?year=2025-26")
    assert response.status_code == 200
    mine = Placement.objects.filter(home_school=cast.school_a)
    first, last = dt.date(2025, 9, 1), dt.date(2026, 8, 31)
    assert response.context["figures"] == selectors.attendance_totals(mine, first, last)
    assert response.context["figures"].possible == 18
    assert [g.name for g in response.context["page"]] == ["AP Academy", "Provider P"]


def settings_with_weeks(n: int) -> None:
    """`n` settings with a week of spring marks each, named so their order by name is
    not the order they were made in."""
    for i in range(n):
        setting = OrganisationFactory(
            name=f"Setting {(i * 37) % 1000:03d}", kind=OrganisationKind.TRAINING_PROVIDER
        )
        SettingTally.objects.create(provider=setting, week=MONDAY, present=i + 1, authorised=1)


def test_the_settings_are_paged_fifty_at_a_time_by_name(client, cast, year):
    settings_with_weeks(53)
    client.force_login(cast.manager)
    url = reverse("placements:attendance") + "?year=2025-26"
    first = client.get(url)
    second = client.get(url + "&page=2")
    names = [g.name for g in first.context["page"]] + [g.name for g in second.context["page"]]
    assert len(first.context["page"].object_list) == 50
    assert len(second.context["page"].object_list) == 3
    assert names == sorted(SettingTally.objects.values_list("provider__name", flat=True))
    assert first.context["figures"].possible == sum(i + 2 for i in range(53))
    body = first.content.decode()
    assert "Page 1 of 2" in body and "page=2" in body and "1 to 50 of 53 settings by name" in body
    # A page past the last shows the last; anything not a page number, the first.
    assert client.get(url + "&page=9").context["page"].number == 2
    assert [g.name for g in client.get(url + "&page=9").context["page"]] == names[50:]
    assert client.get(url + "&page=two").context["page"].number == 1


@pytest.mark.parametrize("who", ["manager", "safeguarding"])
def test_the_page_makes_the_same_queries_at_two_sizes(client, cast, scenario, programme, who):
    Membership.objects.create(user=cast.safeguarding, organisation=cast.school_a, role=Role.DSL)
    client.force_login(getattr(cast, who))
    url = reverse("placements:attendance") + "?year=2025-26"

    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context.captured_queries)

    few = count()
    more_placements(cast, programme, 12)
    settings_with_weeks(60)
    assert count() == few
