import pytest
from django.utils import timezone

from placements.tests.factories import make_placement, make_programme, make_terms


@pytest.fixture
def year(db):
    return make_terms()


@pytest.fixture
def programme(year):
    return make_programme(year)


@pytest.fixture
def placement(cast, programme):
    """A full-time week at Provider P for a student of school A, from Monday 12 January."""
    return make_placement(
        programme=programme, provider=cast.provider, school=cast.school_a, by=cast.officer
    )


@pytest.fixture
def clock(monkeypatch):
    """Set the time everything reads (timezone.now) to a given moment."""

    def set_to(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment

    return set_to
