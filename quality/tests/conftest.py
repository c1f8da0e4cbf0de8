import pytest

from quality.tests.factories import approved_provider, framework


@pytest.fixture
def areas(db):
    framework()


@pytest.fixture
def record(cast, areas):
    """Provider P, approved: every piece of evidence in force and a green review."""
    return approved_provider(cast.provider)
