"""Reads of the model of support that other apps schedule by."""

import datetime as dt

from programmes.models import AcademicYear, Term
from programmes.selectors import day_after_a_term


def test_the_day_after_a_term_is_the_first_working_day_after_it_ends(db):
    year = AcademicYear.objects.create(
        name="2026-27", starts_on=dt.date(2026, 9, 1), ends_on=dt.date(2027, 8, 31)
    )
    # Autumn ends on Friday 18 December; Spring on Thursday 25 March, before Good Friday
    # and Easter Monday.
    for name, starts_on, ends_on in [
        ("Autumn", dt.date(2026, 9, 3), dt.date(2026, 12, 18)),
        ("Spring", dt.date(2027, 1, 5), dt.date(2027, 3, 25)),
    ]:
        Term.objects.create(year=year, name=name, starts_on=starts_on, ends_on=ends_on)
    assert day_after_a_term(dt.date(2026, 12, 1)) == dt.date(2026, 12, 21)
    assert day_after_a_term(dt.date(2026, 12, 21)) == dt.date(2026, 12, 21)
    assert day_after_a_term(dt.date(2026, 12, 22)) == dt.date(2027, 3, 30)
    assert day_after_a_term(dt.date(2027, 3, 31)) is None
