"""An amount typed in pounds: cleaned to whole pence, shown with a "£" prefix, and what was
typed kept beside a clear error."""

import pytest
from django import forms
from django.core.exceptions import ValidationError

from lib.forms import PoundsField
from lib.tests.test_form_rendering import by_id, classes, described_by


class PriceForm(forms.Form):
    price = PoundsField(label="Price", help_text="For the year")


@pytest.mark.parametrize(
    ("typed", "pence"),
    [
        ("9000", 900_000),
        ("9,000.50", 900_050),
        ("£9000.5", 900_050),
        (" £ 12,000 ", 1_200_000),
        ("0", 0),
        (".05", 5),
    ],
)
def test_pounds_are_cleaned_to_whole_pence(typed, pence):
    form = PriceForm({"price": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["price"] == pence


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the price"),
        ("£", "Enter the price"),
        ("nine thousand", "Enter the price in pounds and pence, like 9000 or 9000.50"),
        ("9000.505", "Enter the price in pounds and pence, like 9000 or 9000.50"),
        ("1e3", "Enter the price in pounds and pence, like 9000 or 9000.50"),
        ("-1", "The price must be £0.00 or more"),
    ],
)
def test_anything_else_is_refused_in_words(typed, message):
    form = PriceForm({"price": typed})
    assert not form.is_valid()
    assert form.errors["price"] == [message]


def test_a_label_that_names_its_amount_is_not_given_another_the():
    field = PoundsField(label="The school’s own price")
    with pytest.raises(forms.ValidationError) as error:
        field.clean("")
    assert error.value.messages == ["Enter the school’s own price"]


def test_the_input_has_a_pound_prefix_and_shows_pence_as_pounds():
    html = PriceForm(initial={"price": 1_250_005})["price"].as_field_group()
    _, attrs = by_id(html, "id_price")
    assert attrs["value"] == "12500.05"
    assert attrs["inputmode"] == "decimal"
    assert classes(attrs) == {"govuk-input", "govuk-input--width-10"}
    assert '<div class="govuk-input__prefix" aria-hidden="true">£</div>' in html
    assert described_by(attrs) == ["id_price-hint"]


def test_what_was_typed_is_kept_beside_the_error():
    form = PriceForm({"price": "12,000.999"})
    html = form["price"].as_field_group()
    _, attrs = by_id(html, "id_price")
    assert attrs["value"] == "12,000.999"
    assert "govuk-input--error" in classes(attrs)
    assert described_by(attrs) == ["id_price-hint", "id_price-error"]


def test_an_amount_too_large_to_store_is_refused_not_crashed():
    field = PoundsField(label="Price")
    with pytest.raises(ValidationError, match=r"must be £21,474,836\.47 or less"):
        field.clean("9" * 25)
    assert field.clean("21474836.47") == 2_147_483_647
