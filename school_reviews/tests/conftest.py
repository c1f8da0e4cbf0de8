import pytest
from django.utils import timezone

from placements.tests.factories import make_programme, make_terms
from school_reviews.tests.factories import now


@pytest.fixture
def year(db):
    return make_terms()


@pytest.fixture
def programme(year):
    return make_programme(year)


@pytest.fixture(autouse=True)
def in_spring(monkeypatch):
    """The clock reads Tuesday 20 January 2026, in the spring term."""
    monkeypatch.setattr(timezone, "now", now)
