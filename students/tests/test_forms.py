"""The student form's checks: the UPN (DfE's worked examples and a property test against
python-stdnum's check letter) and the GOV.UK date input."""

import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st
from stdnum.gb import upn as stdnum_upn

from students.forms import DateField, StudentForm, upn_problem

# python-stdnum's list of LA numbers is the one the validator uses.
LA_CODES = sorted(stdnum_upn._la_numbers)
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
TEMPORARY_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # no I, O or S


def test_dfes_permanent_example_is_valid():
    assert upn_problem("H801200001001") is None


def test_dfes_temporary_example_is_valid():
    assert upn_problem("G80120000101A") is None


def test_dfes_example_with_the_wrong_check_letter_is_refused_naming_the_check_letter():
    assert "check letter" in upn_problem("Z801200001001")


def test_dfes_example_with_an_unknown_la_code_is_refused_naming_characters_2_to_4():
    assert upn_problem("R900400001001") == (
        "Characters 2 to 4 of the UPN are not a local authority number"
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("H80120000100", "A UPN has 13 characters, like H801200001001: you entered 12"),
        ("1801200001001", "A UPN starts with its check letter"),
        ("H8012000A1001", "Character 9 of the UPN must be a number"),
        ("H80120000100I", "The last character of the UPN must be a number, or"),
    ],
)
def test_a_badly_formed_upn_is_refused_naming_the_part_at_fault(value, message):
    assert upn_problem(value).startswith(message)


upn_bodies = st.builds(
    lambda la, digits, last: f"{la:03d}{digits}{last}",
    st.sampled_from(LA_CODES),
    st.text(alphabet="0123456789", min_size=8, max_size=8),
    st.sampled_from("0123456789" + TEMPORARY_LETTERS),
)


@given(upn_bodies)
def test_any_upn_with_a_known_la_code_and_the_right_check_letter_is_valid(body):
    assert upn_problem(stdnum_upn.calc_check_digit(body) + body) is None


@given(upn_bodies, st.sampled_from(LETTERS))
def test_any_other_check_letter_is_refused(body, letter):
    right = stdnum_upn.calc_check_digit(body)
    if letter == right:
        return
    assert "check letter" in upn_problem(letter + body)


def test_the_form_stores_the_upn_in_capitals_without_spaces():
    form = StudentForm(data={"upn": " h8012 0000 1001 "})
    form.is_valid()
    assert form.cleaned_data["upn"] == "H801200001001"


# Date input ---------------------------------------------------------------------------------


def clean_date(day, month, year):
    return DateField(label="Date of birth").clean([day, month, year])


def date_error(day, month, year) -> str:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        clean_date(day, month, year)
    return error.value.messages[0]


def test_a_date_typed_in_three_parts_is_read():
    assert clean_date(" 4 ", "03", "2012") == dt.date(2012, 3, 4)


def test_an_empty_date_is_asked_for():
    assert date_error("", "", "") == "Enter the date of birth"


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (("", "3", "2012"), "Date of birth must include a day"),
        (("4", "", ""), "Date of birth must include a month and a year"),
        (("4", "13", "2012"), "Date of birth must be a real date: the month must be a number"),
        (("x", "3", "2012"), "Date of birth must be a real date: the day must be a number"),
        (("4", "3", "12"), "Date of birth must be a real date: the year must have 4 numbers"),
        (("30", "2", "2012"), "Date of birth must be a real date: February 2012 does not have 30"),
    ],
)
def test_a_date_error_names_the_part_that_is_wrong(parts, message):
    assert date_error(*parts).startswith(message)


def test_only_the_wrong_part_of_a_date_is_marked_as_an_error():
    form = StudentForm(
        data={"date_of_birth_day": "4", "date_of_birth_month": "13", "date_of_birth_year": "2012"}
    )
    form.is_valid()
    html = str(form["date_of_birth"].as_field_group())
    assert 'id="id_date_of_birth_1"' in html
    marked = [chunk for chunk in html.split("<input")[1:] if "govuk-input--error" in chunk]
    assert len(marked) == 1 and 'name="date_of_birth_month"' in marked[0]
    assert 'value="13"' in html and 'value="4"' in html and 'value="2012"' in html


def test_every_part_of_a_date_is_marked_when_the_whole_date_is_wrong():
    form = StudentForm(
        data={"date_of_birth_day": "1", "date_of_birth_month": "1", "date_of_birth_year": "1990"}
    )
    form.is_valid()
    assert str(form["date_of_birth"].as_field_group()).count("govuk-input--error") == 3


def test_a_date_of_birth_must_be_in_the_past():
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    form = StudentForm(
        data={
            "date_of_birth_day": tomorrow.day,
            "date_of_birth_month": tomorrow.month,
            "date_of_birth_year": tomorrow.year,
        }
    )
    form.is_valid()
    assert form.errors["date_of_birth"] == ["Date of birth must be in the past"]


def test_a_date_of_birth_more_than_25_years_ago_is_refused():
    form = StudentForm(
        data={"date_of_birth_day": "1", "date_of_birth_month": "1", "date_of_birth_year": "1990"}
    )
    form.is_valid()
    assert form.errors["date_of_birth"][0].startswith("Date of birth must be the same as or after")


def test_a_date_part_in_other_digits_is_refused_not_crashed():
    assert date_error("²", "3", "2012").startswith("Date of birth must be a real date: the day")
