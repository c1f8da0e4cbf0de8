"""lib.nav: whether a person may open a URL, as each app's rules say; the service menu and
templates offer only what the person may open."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from dashboards.context_processors import service
from lib import nav


def test_a_url_name_without_a_rule_is_open():
    assert nav.may_open(object(), "accounts:sign_in")


@pytest.mark.django_db
def test_the_rule_answers_as_the_view_does(cast):
    assert nav.url_if_allowed(cast.officer, "placements:report_runs") == (
        "/casework/placements/reports/"
    )
    # The CAP safeguarding lead enters casework, but termly reports are the CAP team's.
    assert nav.url_if_allowed(cast.safeguarding, "placements:report_runs") == ""
    assert not nav.may_open(cast.safeguarding, "quality:overview")
    assert nav.may_open(cast.monitoring, "quality:overview")


def test_a_name_has_one_rule():
    nav.register("tests:nav_example", bool)
    with pytest.raises(ValueError, match="already"):
        nav.register("tests:nav_example", lambda user: True)


def _menu(user, *, verified: bool = True) -> list[str]:
    request = RequestFactory().get("/")
    request.user = user
    user.is_verified = lambda: verified  # as django_otp's middleware sets it
    return [item["label"] for item in service(request)["service_nav"]]


@pytest.mark.django_db
def test_there_is_no_menu_before_the_second_factor(cast):
    """Every item would lead back to the code page."""
    assert _menu(cast.officer, verified=False) == []
    assert "Applications" in _menu(cast.officer)


@pytest.mark.django_db
def test_the_safeguarding_leads_menu_has_no_providers_item(cast):
    assert "Providers" not in _menu(cast.safeguarding)
    assert "Safeguarding" in _menu(cast.safeguarding)
    assert "Providers" in _menu(cast.monitoring)
    assert "Panels" not in _menu(cast.monitoring)
    assert "Panels" in _menu(cast.officer)


@pytest.mark.django_db
def test_the_template_tag_gives_the_url_only_to_who_may_open_it(cast):
    template = Template(
        '{% load navigation %}{% url_if_allowed "casework_meetings:meetings" as link %}'
        "{% if link %}<a href='{{ link }}'>Panels</a>{% endif %}"
    )
    request = RequestFactory().get("/")
    for user, shown in ((cast.officer, True), (cast.monitoring, False)):
        request.user = user
        assert ("Panels" in template.render(Context({"request": request}))) is shown
