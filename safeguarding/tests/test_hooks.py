"""What safeguarding adds to the pages of the apps below it (safeguarding/hooks.py): the
concerns waiting on a DSL's home page, and the link to raise a concern."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import member
from lib.dates import working_days_between
from safeguarding import hooks, services
from safeguarding.selectors import URGENT_SHOWN
from safeguarding.tests.conftest import ACCOUNT, raise_concern
from students.tests.factories import StudentFactory


def _home(client, user, area: str) -> str:
    client.force_login(user)
    return client.get(reverse(f"dashboards:{area}")).content.decode()


def test_a_dsl_s_home_shows_the_concerns_waiting_for_them(client, cast, student):
    raise_concern(student, by=cast.alice)
    raise_concern(student, by=cast.alice)
    page = _home(client, cast.school_dsl, "schools")
    assert "2 concerns waiting for you to acknowledge them</a>" in page
    assert reverse("safeguarding:queue") in page
    lead = _home(client, cast.safeguarding, "casework")
    assert "2 concerns waiting for you to acknowledge them</a>" in lead


@pytest.mark.parametrize(("who", "area"), [("school_dsl", "schools"), ("safeguarding", "casework")])
def test_an_urgent_concern_heads_the_home_of_each_dsl_who_may_read_it(
    client, cast, student, who, area
):
    urgent = raise_concern(student, by=cast.alice, urgent=True, category="neglect")
    raise_concern(student, by=cast.alice)
    page = _home(client, getattr(cast, who), area)
    # At the top: before anything else the page lists.
    assert page.index("1 urgent concern not acknowledged yet") < page.index("Waiting for you")
    # Its reference (a link to it), category and age; never what was seen or heard.
    assert reverse("safeguarding:concern", args=[urgent.uuid]) in page
    assert f"{urgent.reference}</a>: Neglect, raised less than an hour ago" in page
    assert ACCOUNT not in page and "belt" not in page
    # The concern that is not urgent is counted, not listed.
    assert "And 1 other concern waiting for you to acknowledge it." in page


def test_an_acknowledged_urgent_concern_leaves_the_home_page(client, cast, student):
    urgent = raise_concern(student, by=cast.alice, urgent=True)
    services.concern_acknowledge(concern=urgent, by=cast.safeguarding)
    for who, area in (("school_dsl", "schools"), ("safeguarding", "casework")):
        page = _home(client, getattr(cast, who), area)
        assert urgent.reference not in page
        assert "Safeguarding</h2>" not in page


def test_urgent_concerns_are_listed_oldest_first_and_bounded(client, cast, student):
    concerns = [raise_concern(student, by=cast.alice, urgent=True) for _ in range(URGENT_SHOWN + 2)]
    page = _home(client, cast.school_dsl, "schools")
    shown = [c for c in concerns if c.reference in page]
    assert shown == concerns[:URGENT_SHOWN]
    positions = [page.index(c.reference) for c in shown]
    assert positions == sorted(positions)
    assert f"The oldest {URGENT_SHOWN} of {URGENT_SHOWN + 2} urgent concerns are listed." in page
    assert reverse("safeguarding:queue") in page


def test_an_urgent_concern_s_age_is_in_working_days_once_a_day_has_passed(
    client, cast, student, monkeypatch
):
    urgent = raise_concern(student, by=cast.alice, urgent=True)
    # Seen from the Wednesday of the week after next: ten or so working days later.
    later = urgent.raised_at + dt.timedelta(days=14)
    monkeypatch.setattr(hooks, "timezone", SimpleNamespace(now=lambda: later))
    days = working_days_between(
        timezone.localtime(urgent.raised_at).date(), timezone.localtime(later).date()
    )
    page = _home(client, cast.school_dsl, "schools")
    assert f"raised {days} working days ago" in page


def test_other_schools_dsls_and_other_providers_see_nothing_of_an_urgent_concern(
    client, cast, student, placement
):
    urgent = raise_concern(student, by=cast.alice, urgent=True)
    other_school_dsl = member(cast.school_b, Role.DSL)
    provider_dsl = member(cast.provider, Role.DSL)
    assert urgent.reference not in _home(client, other_school_dsl, "schools")
    # Not raised on Provider P's placement: its DSL does not read it.
    assert urgent.reference not in _home(client, provider_dsl, "providers")
    on_placement = raise_concern(student, by=cast.provider_staff, placement=placement, urgent=True)
    page = _home(client, provider_dsl, "providers")
    assert on_placement.reference in page and urgent.reference not in page


@pytest.mark.parametrize(("who", "area"), [("school_dsl", "schools"), ("safeguarding", "casework")])
def test_a_dsl_s_home_costs_the_same_queries_however_many_concerns(
    client, cast, student, who, area
):
    client.force_login(getattr(cast, who))
    url = reverse(f"dashboards:{area}")
    raise_concern(student, by=cast.alice, urgent=True)

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context)

    before = queries()
    for _ in range(URGENT_SHOWN + 3):
        raise_concern(StudentFactory(home_school=cast.school_a), by=cast.alice, urgent=True)
        raise_concern(student, by=cast.alice)
    assert queries() == before


def test_an_acknowledged_concern_no_longer_waits(client, cast, student):
    concern = raise_concern(student, by=cast.alice)
    services.concern_acknowledge(concern=concern, by=cast.school_dsl)
    assert "waiting for you to acknowledge" not in _home(client, cast.school_dsl, "schools")


def test_people_who_are_not_its_dsls_see_nothing_of_a_concern_on_their_home(client, cast, student):
    raise_concern(student, by=cast.alice)
    assert "acknowledge" not in _home(client, cast.alice, "schools")
    assert "acknowledge" not in _home(client, cast.officer, "casework")
    assert "acknowledge" not in _home(client, cast.manager, "casework")
    # A provider's DSL sees only concerns raised on their own placements.
    client.force_login(cast.provider_staff)
    assert "acknowledge" not in client.get(reverse("dashboards:providers")).content.decode()


def test_the_link_to_raise_a_concern_shows_to_those_who_work_with_the_student(
    client, cast, student, placement
):
    raise_link = reverse("safeguarding:raise", args=[student.uuid])
    client.force_login(cast.alice)
    page = client.get(reverse("students:detail", args=[student.uuid])).content.decode()
    assert raise_link in page
    client.force_login(cast.provider_staff)
    page = client.get(
        reverse("placements:providers_detail", args=[placement.uuid])
    ).content.decode()
    assert raise_link in page
