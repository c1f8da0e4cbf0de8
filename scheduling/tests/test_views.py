"""The CAP manager's page of scheduled jobs."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from scheduling import registry, services
from scheduling.models import ScheduledJob

URL = reverse("scheduling:jobs")

LONDON = ZoneInfo("Europe/London")


def test_the_cap_manager_sees_every_job_when_it_runs_next_and_how_it_last_went(
    client, cast, monkeypatch
):
    monday = dt.datetime(2026, 11, 30, 13, 25, tzinfo=LONDON)
    monkeypatch.setattr(timezone, "now", lambda: monday)
    client.force_login(cast.manager)
    page = client.get(URL).content.decode()
    for name, job in registry.registered().items():
        assert name in page and job.when.words() in page
    assert page.count("Not run yet") == len(registry.registered())
    assert "When the scheduler first runs, it works this out" in page

    services.jobs_sync()
    sweep = ScheduledJob.objects.get(name="sweep_attendance")
    ScheduledJob.objects.filter(name="sweep_attendance").update(
        last_started_at=monday - dt.timedelta(minutes=5),
        last_finished_at=monday - dt.timedelta(minutes=5),
        last_outcome="ok",
    )
    ScheduledJob.objects.filter(name="escalate_concerns").update(
        last_started_at=monday - dt.timedelta(hours=3),
        last_outcome="failed",
        last_error="OperationalError",
    )
    page = client.get(URL).content.decode()
    assert sweep.next_run_at == monday + dt.timedelta(minutes=5)
    assert "30 November 2026 at 1:30pm" in page  # the sweep's next run
    assert "30 November 2026 at 1:20pm" in page and "Succeeded" in page
    assert "30 November 2026 at 10:25am" in page and "Failed" in page
    assert "OperationalError" in page
    # No term ends ahead in this database, so the term's jobs have no next run yet.
    assert page.count("Not known: no date ahead yet") == 2


@pytest.mark.parametrize(("who", "status"), [("officer", 404), ("monitoring", 404)])
def test_the_rest_of_the_cap_team_is_not_shown_the_page(client, cast, who, status):
    client.force_login(getattr(cast, who))
    assert client.get(URL).status_code == status


@pytest.mark.parametrize("who", ["alice", "provider_staff", "finance"])
def test_schools_providers_and_finance_are_refused(client, cast, who):
    client.force_login(getattr(cast, who))
    assert client.get(URL).status_code == 403


def test_it_asks_who_you_are_first(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and "next=" in response.url


def test_it_only_shows(client, cast):
    client.force_login(cast.manager)
    assert client.post(URL).status_code == 405


def test_the_cap_managers_home_page_links_to_it(client, cast):
    client.force_login(cast.manager)
    assert URL in client.get(reverse("dashboards:casework")).content.decode()
    client.force_login(cast.officer)
    assert URL not in client.get(reverse("dashboards:casework")).content.decode()


def test_the_cap_managers_home_page_says_when_a_job_failed(client, cast):
    services.jobs_sync()
    ScheduledJob.objects.filter(name="escalate_concerns").update(last_outcome="failed")
    client.force_login(cast.manager)
    page = client.get(reverse("dashboards:casework")).content.decode()
    assert "1 scheduled job failed its last run" in page
