import datetime as dt
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Organisation
from accounts.tests.factories import member
from accounts.views import server_error
from lib import dates
from programmes import services
from programmes.models import Course, Programme, Subscription
from students.tests.factories import StudentFactory

REFERENCE = Path(__file__).parents[2] / "programmes" / "data" / "coventry-2025-26.yaml"

HOMES = {
    "schools": ["alice", "headteacher", "school_dsl"],
    "casework": ["officer", "monitoring", "manager", "safeguarding"],
    "providers": ["provider_staff", "academy_staff"],
    "panels": ["chair"],
    "agencies": ["agency_worker"],
    "finance": ["finance"],
}
EVERYONE = [who for people in HOMES.values() for who in people] + ["outsider"]


@pytest.fixture
def model(db):
    year = services.model_load(path=REFERENCE, flagged=True).year
    services.academic_year_rollover(source=year)
    return year


@pytest.mark.parametrize(("area", "who"), [(a, w) for a, people in HOMES.items() for w in people])
def test_each_role_reaches_its_home_from_the_front_page(client, cast, model, area, who):
    client.force_login(getattr(cast, who))
    response = client.get(reverse("dashboards:home"))
    assert response.url == reverse(f"dashboards:{area}")
    page = client.get(response.url).content.decode()
    assert "Waiting for you" in page


@pytest.mark.parametrize(
    ("area", "who"),
    [(area, who) for area, people in HOMES.items() for who in EVERYONE if who not in people],
)
def test_everyone_else_is_refused_each_home(client, cast, area, who):
    client.force_login(getattr(cast, who))
    response = client.get(reverse(f"dashboards:{area}"))
    assert response.status_code == 403
    assert "You do not have access to this page" in response.content.decode()


def test_a_school_home_shows_its_subscription_and_students(client, cast, model):

    year = model.__class__.objects.get(name="2026-27")
    Subscription.objects.create(year=year, school=cast.school_a, tier1_placements=15)
    StudentFactory.create_batch(3, home_school=cast.school_a)
    StudentFactory(home_school=cast.school_b)
    client.force_login(cast.alice)
    page = client.get(reverse("dashboards:schools")).content.decode()
    assert "School A" in page and "School B" not in page
    assert "Subscribed: 15 paid-for Tier 1 placements" in page
    assert '<dd class="govuk-summary-list__value">3</dd>' in page
    client.force_login(cast.bob)
    page = client.get(reverse("dashboards:schools")).content.decode()
    assert "Not subscribed" in page


def test_homes_show_the_next_deadlines_of_the_year_we_are_in(client, cast, model):
    # Today (in the tests as in life) falls in 2026-27, the rolled-over draft year.
    client.force_login(cast.officer)
    page = client.get(reverse("dashboards:casework")).content.decode()
    assert "dates are a draft" in page


def test_the_manager_is_asked_to_confirm_a_draft_year(client, cast, model):
    client.force_login(cast.manager)
    page = client.get(reverse("dashboards:casework")).content.decode()
    assert "Check and confirm the 2026-27 dates" in page
    client.force_login(cast.officer)
    assert "Check and confirm" not in client.get(reverse("dashboards:casework")).content.decode()


def test_the_manager_is_warned_a_year_before_the_bank_holiday_data_runs_out(
    client, cast, monkeypatch
):
    client.force_login(cast.manager)
    home = reverse("dashboards:casework")
    far_off = timezone.localdate() + dt.timedelta(days=400)
    monkeypatch.setattr(dates, "bundled_bank_holidays_end", lambda: far_off)
    assert "bank holiday dates" not in client.get(home).content.decode()

    soon = timezone.localdate() + dt.timedelta(days=200)
    monkeypatch.setattr(dates, "bundled_bank_holidays_end", lambda: soon)
    page = client.get(home).content.decode()
    first_by_rule = soon + dt.timedelta(days=1)
    assert "Ask the team that supports CAP to update its bank holiday dates" in page
    assert f"from {dates.long_date(first_by_rule, weekday=False)} CAP works" in page
    client.force_login(cast.officer)
    assert "bank holiday dates" not in client.get(home).content.decode()


def test_a_provider_home_lists_only_its_own_courses(client, cast, model):

    provider = Organisation.objects.get(ukprn="19990001")
    other = Organisation.objects.get(ukprn="19990002")

    staff = member(provider, "provider_staff")
    client.force_login(staff)
    page = client.get(reverse("dashboards:providers")).content.decode()
    assert provider.courses.first().title in page
    assert other.courses.first().title not in page


def test_a_person_with_several_areas_chooses_where_to_start(client, cast):

    Membership.objects.create(user=cast.alice, organisation=cast.la, role="panel_member")
    client.force_login(cast.alice)
    response = client.get(reverse("dashboards:home"))
    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("dashboards:schools") in page and reverse("dashboards:panels") in page


def test_a_person_with_no_organisation_is_told_what_to_do(client, cast):
    client.force_login(cast.outsider)
    page = client.get(reverse("dashboards:home")).content.decode()
    assert "not linked to an organisation" in page


def test_home_pages_answer_only_get(client, cast):
    client.force_login(cast.alice)
    assert client.post(reverse("dashboards:schools")).status_code == 405


def test_the_navigation_shows_each_person_their_own_areas(client, cast, model):
    client.force_login(cast.manager)
    page = client.get(reverse("dashboards:casework")).content.decode()
    assert 'href="/casework/"' in page and 'href="/admin/"' in page
    assert 'href="/schools/"' not in page
    client.force_login(cast.alice)
    page = client.get(reverse("dashboards:schools")).content.decode()
    assert 'href="/schools/"' in page and 'href="/admin/"' not in page


@pytest.mark.parametrize("who", [w for w in EVERYONE if w != "manager"])
def test_only_the_manager_may_use_the_admin(client, cast, who):
    client.force_login(getattr(cast, who))
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")
    client.force_login(cast.manager)
    assert client.get("/admin/").status_code == 200


def test_an_unknown_page_answers_with_the_service_s_404(client, cast):
    client.force_login(cast.alice)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_a_server_error_answers_with_the_service_s_500_page(rf):

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()


def test_the_admin_s_own_sign_in_page_sends_people_to_cap_s(client, db):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.url == "/sign-in/?next=%2Fadmin%2F"


def test_a_form_sent_without_its_token_is_explained(cast):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.alice)
    response = client.post(reverse("accounts:sign_out"))
    assert response.status_code == 403
    assert "The form had expired" in response.content.decode()
    assert "_auth_user_id" in client.session  # nothing happened


def test_every_page_carries_a_strict_content_security_policy(client, db):
    policy = client.get(reverse("accounts:sign_in"))["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy


@pytest.mark.parametrize(
    ("area", "who"),
    [
        ("schools", "alice"),
        ("providers", "provider_staff"),
        ("casework", "officer"),
        ("panels", "chair"),
    ],
)
def test_home_pages_cost_the_same_queries_however_much_data(client, cast, model, area, who):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(getattr(cast, who))

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(reverse(f"dashboards:{area}")).status_code == 200
        return len(context)

    before = queries()
    programme = Programme.objects.filter(year__name="2026-27", offers_courses=True).first()
    Course.objects.bulk_create(
        Course(
            programme=programme,
            provider=cast.provider,
            title=f"Course {n}",
            weeks=6,
            days_per_week=1,
            year_groups=[10],
        )
        for n in range(25)
    )
    StudentFactory.create_batch(25, home_school=cast.school_a)
    assert queries() == before
