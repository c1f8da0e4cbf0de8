"""The code the home school records, for each registration arrangement."""

from types import SimpleNamespace

import pytest

from placements.codes import OWN_REGISTER, home_code
from placements.models import AttendanceCode, Category
from placements.schedule import HOME, SETTING


def placement(away_code):
    return SimpleNamespace(away_code=away_code)


@pytest.mark.parametrize(
    ("away", "mark", "category", "expected"),
    [
        # Single registration, school-arranged provision: B when attended, late or on a trip.
        ("B", "/", Category.PRESENT, "B"),
        ("B", "L", Category.PRESENT, "B"),
        ("B", "V", Category.APPROVED, "B"),
        # Single registration, arranged by the local authority: K when attended.
        ("K", "\\", Category.PRESENT, "K"),
        # Absent from the provider: the provider's absence code.
        ("B", "I", Category.AUTHORISED, "I"),
        ("K", "U", Category.UNAUTHORISED, "U"),
        ("B", "Y1", Category.NOT_POSSIBLE, "Y1"),
        # Dual registration: D whatever the other school recorded.
        ("D", "/", Category.PRESENT, "D"),
        ("D", "I", Category.AUTHORISED, "D"),
        ("D", None, None, "D"),
    ],
)
def test_the_home_code_follows_the_arrangement_and_the_mark(away, mark, category, expected):
    code = home_code(
        placement=placement(away), where=SETTING, mark_code=mark, category=category, overdue=True
    )
    assert code.code == expected


def test_a_session_at_the_home_school_is_the_schools_own_register():
    assert (
        home_code(placement=placement("B"), where=HOME, mark_code=None, category=None, overdue=True)
        == OWN_REGISTER
    )


def test_no_session_means_no_code():
    assert (
        home_code(placement=placement("B"), where=None, mark_code=None, category=None, overdue=True)
        is None
    )


def test_a_missing_mark_is_nothing_until_the_register_closes_then_n():
    before = home_code(
        placement=placement("B"), where=SETTING, mark_code=None, category=None, overdue=False
    )
    after = home_code(
        placement=placement("B"), where=SETTING, mark_code=None, category=None, overdue=True
    )
    assert before.code == ""
    assert after.code == "N"


def test_the_2024_codes_are_loaded_with_their_category(db):
    codes = dict(AttendanceCode.objects.values_list("code", "category"))
    assert len(codes) == 34
    assert codes["/"] == codes["\\"] == codes["L"] == Category.PRESENT
    assert {codes[c] for c in ("K", "V", "P", "W", "B")} == {Category.APPROVED}
    assert {codes[c] for c in ("C1", "M", "J1", "S", "C2", "C", "T", "R", "I", "E")} == {
        Category.AUTHORISED
    }
    assert {codes[c] for c in ("G", "N", "O", "U")} == {Category.UNAUTHORISED}
    assert {codes[c] for c in ("D", "X", "Q", "Y1", "Y7", "Z", "#")} == {Category.NOT_POSSIBLE}
    # Withdrawn in August 2024.
    assert not {"H", "Y", "J"} & set(codes)


def test_the_migration_and_the_module_hold_the_same_codes(db):
    import importlib

    from placements.attendance_codes import CODES, attendance_codes_ensure

    migration = importlib.import_module("placements.migrations.0003_attendance_codes_2024")
    assert migration.CODES == CODES
    AttendanceCode.objects.filter(code__in=["/", "Y7"]).delete()
    assert attendance_codes_ensure() == 2
    assert AttendanceCode.objects.count() == 34
