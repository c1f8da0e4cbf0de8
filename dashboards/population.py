"""The secondary population CSV: its columns, and reading a file row by row.

Every row is checked and every bad row reported with its number (the header is row 1, as a
spreadsheet numbers it) and what is wrong with it, so the CAP manager can fix them all at
once. A file with any bad row loads nothing (dashboards.services.population_load takes only
a file read without errors).
"""

import csv
import io
from dataclasses import dataclass, field

from accounts.models import Organisation, OrganisationKind
from dashboards.characteristics import BY_KEY, CHARACTERISTICS
from lib.forms import is_number

COLUMNS = ("school_urn", "characteristic", "value", "count")
EXAMPLE = (
    ("100001", "sex", "F", "412"),
    ("100001", "sex", "M", "430"),
    ("100001", "ethnicity", "WBRI", "510"),
    ("100001", "free_school_meals", "yes", "198"),
    ("100001", "year_group", "7", "170"),
)
NOT_CSV = "The file must be a CSV file: in a spreadsheet, save it as “CSV UTF-8 (comma delimited)”"
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 100_000
MAX_COUNT = 100_000  # far more than any school's roll: a bigger number is a slip


@dataclass(frozen=True)
class Row:
    school: Organisation
    characteristic: str
    value: str
    count: int


@dataclass
class Read:
    """What a file held: its good rows, or the problems that stop it loading. `problem`
    is about the whole file; `row_errors` are (row number, what is wrong)."""

    rows: list[Row] = field(default_factory=list)
    problem: str = ""
    row_errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problem and not self.row_errors

    @property
    def schools(self) -> set[int]:
        return {row.school.pk for row in self.rows}


def _characteristic_lookup() -> dict[str, str]:
    found = {}
    for c in CHARACTERISTICS:
        found[c.key] = c.key
        found[c.name.lower()] = c.key
    return found


def _text(upload) -> str | None:
    """The file as text, or None when it is not a text file."""
    data = upload.read()
    if b"\x00" in data:
        return None  # A spreadsheet or other binary file, not a CSV.
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def read(upload) -> Read:
    """Read an uploaded file of population counts."""
    result = Read()
    if upload.size > MAX_BYTES:
        result.problem = "The file must be smaller than 5MB"
        return result
    text = _text(upload)
    if text is None:
        result.problem = NOT_CSV
        return result
    records = list(csv.reader(io.StringIO(text, newline="")))
    if not records or not any(cell.strip() for cell in records[0]):
        result.problem = "The file is empty"
        return result
    header = [cell.strip().lower() for cell in records[0]]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        result.problem = (
            "The first row must name the columns "
            + ", ".join(COLUMNS)
            + f": it has no {' or '.join(missing)} column"
        )
        return result
    where = {name: header.index(name) for name in COLUMNS}
    numbered = [
        (number, record)
        for number, record in enumerate(records[1:], start=2)
        if any(cell.strip() for cell in record)  # Blank lines are skipped, not errors.
    ]
    if not numbered:
        result.problem = "The file has no rows of counts under its first row"
        return result
    if len(numbered) > MAX_ROWS:
        result.problem = f"The file must have {MAX_ROWS:,} rows or fewer"
        return result

    def cell(record: list[str], name: str) -> str:
        i = where[name]
        return record[i].strip() if i < len(record) else ""

    urns = {cell(record, "school_urn") for _, record in numbered}
    schools = {
        s.urn: s
        for s in Organisation.objects.filter(kind=OrganisationKind.SCHOOL, urn__in=urns - {""})
    }
    characteristic_of = _characteristic_lookup()
    seen: dict[tuple[int, str, str], int] = {}
    for number, record in numbered:
        problems = []
        urn = cell(record, "school_urn")
        school = schools.get(urn)
        if not urn:
            problems.append("enter the school's URN")
        elif school is None:
            problems.append(f"there is no school with URN {urn} in CAP")
        named = cell(record, "characteristic")
        key = characteristic_of.get(named.lower())
        value = ""
        if not named:
            problems.append("enter the characteristic")
        elif key is None:
            problems.append(
                f"“{named}” is not a characteristic: use one of "
                + ", ".join(c.key for c in CHARACTERISTICS)
            )
        else:
            typed = cell(record, "value")
            value = BY_KEY[key].codes.get(typed.lower(), "")
            if not typed:
                problems.append("enter the value")
            elif not value:
                problems.append(
                    f"“{typed}” is not a value of {key}: use one of "
                    + ", ".join(code for code, _ in BY_KEY[key].groups)
                )
        count_text = cell(record, "count")
        if not count_text:
            problems.append("enter the count")
        elif not is_number(count_text):
            problems.append(f"the count “{count_text}” must be a whole number, 0 or more")
        elif int(count_text) > MAX_COUNT:
            problems.append(f"the count {count_text} is too big: it must be under {MAX_COUNT:,}")
        if not problems and school is not None and key is not None:
            earlier = seen.get((school.pk, key, value))
            if earlier is not None:
                problems.append(f"it repeats row {earlier} ({urn}, {key}, {value})")
            else:
                seen[(school.pk, key, value)] = number
        if problems:
            text = "; ".join(problems)
            result.row_errors.append((number, text[:1].upper() + text[1:]))
        else:
            result.rows.append(Row(school, key, value, int(count_text)))
    if result.row_errors:
        result.rows = []
    return result
