from decimal import Decimal

import pytest

from lib.money import pence_from_pounds, pounds


@pytest.mark.parametrize(
    ("pence", "shown"),
    [
        (0, "£0.00"),
        (5, "£0.05"),
        (123450, "£1,234.50"),
        (1200000, "£12,000.00"),
        (123456789, "£1,234,567.89"),
        (-300, "\u2212£3.00"),
    ],
)
def test_pence_are_shown_as_pounds_with_a_real_minus_sign(pence, shown):
    assert pounds(pence) == shown


@pytest.mark.parametrize(
    ("value", "pence"),
    [
        ("12000.00", 1200000),
        ("12000", 1200000),
        ("1234.5", 123450),
        (" 0.05 ", 5),
        (".50", 50),
        ("-3.00", -300),
        ("0.00", 0),
        (Decimal("9000.10"), 900010),
        (Decimal("0.1") * 3, 30),
        (250, 25000),
    ],
)
def test_pounds_are_read_as_whole_pence(value, pence):
    assert pence_from_pounds(value) == pence


@pytest.mark.parametrize(
    "value",
    [
        "12.345",
        "12.500",
        Decimal("1.005"),
        "",
        "twelve",
        "£12.00",
        "1,200.00",
        "1e3",
        Decimal("1E+3"),
        "12.",
        "+12",
        "NaN",
        Decimal("Infinity"),
        12.5,
        True,
        None,
    ],
)
def test_anything_but_pounds_with_two_decimal_places_is_refused(value):
    with pytest.raises(ValueError):
        pence_from_pounds(value)
