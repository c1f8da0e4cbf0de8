import pytest

from applications.tests.factories import early_help_done, load_model, subscribe
from programmes.models import Programme
from students.tests.factories import StudentFactory


@pytest.fixture
def year(db):
    return load_model()


@pytest.fixture
def programmes(year):
    return {p.key: p for p in Programme.objects.filter(year=year).select_related("tier")}


@pytest.fixture
def subscribed(cast, year):
    return subscribe(cast.school_a, year)


@pytest.fixture
def student(cast):
    """A Year 10 student at school A whose family has had the whole Early Help offer."""
    student = StudentFactory(home_school=cast.school_a)
    early_help_done(student)
    return student
