import pytest

from students.tests.factories import StudentFactory

# Who may use the School area, and who is refused it.
SCHOOL_STAFF = ["alice", "headteacher", "school_dsl"]
OUTSIDE_THE_SCHOOLS_AREA = [
    "officer",
    "manager",
    "provider_staff",
    "academy_staff",
    "chair",
    "agency_worker",
    "outsider",
]


@pytest.fixture
def student(cast):
    """A student at school A."""
    return StudentFactory(
        home_school=cast.school_a,
        upn="H801200001001",
        legal_first_name="Samuel",
        legal_last_name="Smith",
        preferred_name="Sammy",
    )
