"""Money as whole pence. Amounts are read from pounds written with at most two decimal
places, through Decimal and never a float, and shown as pounds the GOV.UK way."""

import re
from decimal import Decimal

# The most a stored amount can be: the largest whole number of pence an integer column holds
# on both databases (£21,474,836.47).
MOST_PENCE = 2_147_483_647

# A real minus sign, which screen readers announce and which does not break from the digits.
MINUS = "\u2212"

# Pounds, optionally negative, with at most two decimal places: "12000", "12000.5", "-3.00".
POUNDS = re.compile(r"-?(?:\d+(?:\.\d{1,2})?|\.\d{1,2})", re.ASCII)


def pounds(pence: int) -> str:
    """Whole pence as pounds: 123450 is "£1,234.50", -300 is "−£3.00"."""
    sign = MINUS if pence < 0 else ""
    whole, part = divmod(abs(pence), 100)
    return f"{sign}£{whole:,}.{part:02d}"


def pence_from_pounds(value: str | Decimal | int) -> int:
    """Pounds as whole pence: "1234.5" is 123450. Raises ValueError for anything that is not
    a number of pounds with at most two decimal places (even when the extra places are
    zeros), and for a float, whose value is not the decimal that was written."""
    if isinstance(value, bool) or not isinstance(value, str | Decimal | int):
        raise ValueError(f"Give pounds as text or a Decimal, not {value!r}")
    text = value.strip() if isinstance(value, str) else str(value)
    if not POUNDS.fullmatch(text):
        raise ValueError(f"{text!r} is not pounds with at most two decimal places")
    return int(Decimal(text) * 100)
