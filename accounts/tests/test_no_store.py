"""No page shown to someone signed in is kept by a browser or a shared cache: pupils' data
must not come back from the back button on a shared computer, nor from a proxy."""

import pytest
from django.urls import reverse

from lib.health import PATH as HEALTH


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("alice", "dashboards:schools"),
        ("alice", "placements:schools_registers"),
        ("officer", "dashboards:casework"),
        ("officer", "casework:queue"),
        ("provider_staff", "dashboards:providers"),
        ("provider_staff", "providers:packs"),
        ("chair", "dashboards:panels"),
        ("agency_worker", "dashboards:agencies"),
        ("finance", "dashboards:finance"),
        ("safeguarding", "safeguarding:queue"),
        ("officer", "dashboards:home"),
    ],
)
def test_every_page_to_someone_signed_in_is_never_stored(client, cast, who, url):
    client.force_login(getattr(cast, who))
    response = client.get(reverse(url), follow=False)
    assert response.status_code in (200, 302)
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= directives


def test_refusals_and_missing_pages_to_someone_signed_in_are_never_stored(client, cast):
    client.force_login(cast.alice)
    for url in (reverse("casework:queue"), "/schools/no-such-page/"):
        response = client.get(url)
        assert response.status_code in (403, 404)
        assert "no-store" in response["Cache-Control"]


def test_the_health_check_is_left_alone(client, cast):
    client.force_login(cast.officer)
    assert client.get(HEALTH)["Cache-Control"] == "no-store"
