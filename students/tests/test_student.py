import pytest
from django.core.exceptions import ValidationError

from students.tests.factories import StudentFactory


def test_a_student_with_a_valid_upn_is_accepted(db):
    student = StudentFactory.build(upn="H801200001001")
    student.full_clean(exclude=["home_school"])
    assert not student.upn_is_temporary


def test_a_temporary_upn_is_accepted_and_flagged(db):
    student = StudentFactory.build(upn="G80120000101A")
    student.full_clean(exclude=["home_school"])
    assert student.upn_is_temporary


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("Z801200001001", "check letter"),
        ("H80120000100", "13 characters"),
        ("R900400001001", "local authority"),
        ("h801200001001", "capital letters"),
    ],
)
def test_a_bad_upn_is_refused_with_the_reason(db, value, message):
    student = StudentFactory.build(upn=value)
    with pytest.raises(ValidationError) as error:
        student.full_clean(exclude=["home_school"])
    assert message in str(error.value.message_dict["upn"])


def test_the_known_as_name_prefers_the_preferred_name(db):
    assert StudentFactory.build(legal_first_name="Alexander", preferred_name="Alex").known_as == (
        "Alex"
    )
