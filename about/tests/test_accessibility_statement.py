"""The accessibility statement says only what is true: its compliance claim agrees with its
known problems (the browser tests' axe results keep the problems honest:
tests/browser/test_about.py), and its dates are the file's, written the GOV.UK way."""

import dataclasses
import datetime as dt
import tomllib

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from about import accessibility, views
from about.accessibility import STATEMENT_FILE, Problem, statement, statement_problems
from lib.dates import long_date


def the_file() -> dict:
    return tomllib.loads(STATEMENT_FILE.read_text(encoding="utf-8"))


def test_the_statement_claims_full_compliance_only_with_no_known_problem():
    facts = statement()
    assert (facts.compliance == "full") == (facts.problems == ())


def test_the_statement_file_is_sound():
    assert statement_problems(the_file()) == []


def test_it_refuses_a_claim_of_full_compliance_beside_a_known_problem():
    data = the_file()
    data["compliance"] = "full"
    data["problem"] = [
        {
            "what": "Some tables are wider than a phone.",
            "criterion": "1.4.10 Reflow",
            "fix_by": dt.date(2027, 3, 31),
        }
    ]
    assert statement_problems(data) == [
        "It says the service is fully compliant but lists known problems."
    ]


def test_it_refuses_partial_compliance_with_nothing_listed():
    data = the_file()
    data["compliance"] = "partial"
    data.pop("problem", None)
    assert statement_problems(data) == [
        "It says the service is partially compliant but lists no problem."
    ]


def test_it_refuses_a_statement_without_its_dates_or_a_known_status():
    data = the_file()
    del data["prepared_on"]
    data["compliance"] = "mostly"
    assert statement_problems(data) == [
        "prepared_on must be a date.",
        "compliance must be one of full, partial, not.",
    ]


def test_a_statement_file_that_cannot_be_used_stops_the_service(tmp_path):
    broken = tmp_path / "accessibility.toml"
    broken.write_text('compliance = "full"\n', encoding="utf-8")
    with pytest.raises(ImproperlyConfigured, match="prepared_on must be a date"):
        accessibility.statement_read(broken)


def test_the_system_check_passes_with_the_committed_file():
    assert accessibility.statement_check() == []


@pytest.mark.django_db
def test_the_page_says_what_the_file_says(client):
    facts = statement()
    response = client.get(reverse("about:accessibility"))
    html = response.content.decode()
    assert f"This service is {facts.compliance_words} with the" in html
    assert "Web Content Accessibility Guidelines version 2.2 AA standard" in html
    assert "Equality and Human Rights Commission" in html
    assert "Equality Advisory and Support Service" in html
    assert "Public Sector Bodies (Websites and Mobile Applications) (No. 2)" in html
    assert f"prepared on {long_date(facts.prepared_on, weekday=False)}" in html
    assert f"last reviewed on {long_date(facts.last_reviewed_on, weekday=False)}" in html
    assert f"last tested on {long_date(facts.last_tested_on, weekday=False)}" in html


@pytest.mark.django_db
def test_known_problems_make_the_page_say_partially_compliant(client, monkeypatch):
    problem = Problem(
        what="Some tables are wider than a phone’s screen.",
        criterion="1.4.10 Reflow",
        fix_by=dt.date(2027, 3, 31),
    )
    partial = dataclasses.replace(statement(), compliance="partial", problems=(problem,))
    monkeypatch.setattr(views, "statement", lambda: partial)
    html = client.get(reverse("about:accessibility")).content.decode()
    assert "This service is partially compliant with the" in html
    assert "due to the non-compliances listed below" in html
    assert "Some tables are wider than a phone’s screen." in html
    assert "success criterion 1.4.10 Reflow" in html
    assert "fix this by 31 March 2027" in html
    assert "fully compliant" not in html
