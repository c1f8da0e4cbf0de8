"""Reading a YAML model file with the line of every value, and typed field readers that
report each problem with its line instead of raising."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml

from lib.dates import WEEKDAYS, WrittenDate, long_date
from lib.money import MOST_PENCE, pence_from_pounds, pounds
from programmes.models import AcademicYear


@dataclass(frozen=True)
class Problem:
    line: int
    where: str
    message: str
    fatal: bool

    def __str__(self) -> str:
        return f"line {self.line}: {self.where}: {self.message}"


class LineDict(dict):
    line: int = 0
    key_lines: dict
    # Each scalar value as written, before YAML reads "12.50" as a float.
    texts: dict


class LineList(list):
    line: int = 0
    item_lines: list


class LineLoader(yaml.SafeLoader):
    """PyYAML's safe loader, keeping the line of every mapping, list and value."""

    def construct_mapping(self, node, deep=False):
        mapping = LineDict(super().construct_mapping(node, deep=True))
        mapping.line = node.start_mark.line + 1
        mapping.key_lines = {
            self.construct_object(k, deep=True): v.start_mark.line + 1 for k, v in node.value
        }
        mapping.texts = {
            self.construct_object(k, deep=True): v.value
            for k, v in node.value
            if isinstance(v, yaml.ScalarNode)
        }
        return mapping

    def construct_sequence(self, node, deep=False):
        items = LineList(super().construct_sequence(node, deep=True))
        items.line = node.start_mark.line + 1
        items.item_lines = [item.start_mark.line + 1 for item in node.value]
        return items


_TAGS = yaml.resolver.BaseResolver
LineLoader.add_constructor(_TAGS.DEFAULT_MAPPING_TAG, LineLoader.construct_mapping)
LineLoader.add_constructor(_TAGS.DEFAULT_SEQUENCE_TAG, LineLoader.construct_sequence)


def add_flag(row, message: str) -> None:
    if message not in row.flags:
        row.flags.append(message)


class Reader:
    def __init__(self, text: str):
        self.text = text
        self.problems: list[Problem] = []
        self.year: AcademicYear | None = None

    # --- reporting ------------------------------------------------------------------------

    def fatal(self, line: int, where: str, message: str) -> None:
        self.problems.append(Problem(line, where, message, fatal=True))

    def flag(self, row, line: int, where: str, message: str) -> None:
        """A problem with one row: reported, and kept on the row if it is loaded flagged."""
        self.problems.append(Problem(line, where, message, fatal=False))
        add_flag(row, message)

    # --- typed field readers --------------------------------------------------------------

    def fields(self, node: Any, where: str, required: set[str], optional: set[str] = frozenset()):
        if not isinstance(node, LineDict):
            self.fatal(getattr(node, "line", 0) or 0, where, "should be a set of named fields.")
            return None
        for key in node:
            if key not in required and key not in optional:
                self.fatal(node.key_lines[key], f"{where}, {key}", "is not a field this file has.")
        for key in sorted(required - set(node)):
            self.fatal(node.line, where, f"has no {key}.")
        return node

    def line(self, node: LineDict, key: str) -> int:
        return node.key_lines.get(key, node.line)

    def text_of(self, node, key, where, default: str | None = None) -> str:
        value = node.get(key, default)
        if value is None or isinstance(value, (dict, list)):
            if key in node or default is None:
                self.fatal(self.line(node, key), f"{where}, {key}", "should be text.")
            return ""
        return str(value).strip()

    def number(self, node, key, where, *, minimum=0, default=None, decimal=False):
        value = node.get(key, default)
        if value is None:
            return None
        try:
            number = Decimal(str(value)) if decimal else int(value)
            if isinstance(value, bool) or number < minimum:
                raise ValueError
        except (ValueError, TypeError, InvalidOperation):
            self.fatal(
                self.line(node, key),
                f"{where}, {key}",
                f"should be a number of at least {minimum}, not {value!r}.",
            )
            return None
        return number

    def money(self, node, key, where) -> int | None:
        """An amount in pounds with at most two decimal places, like 12000.00, as whole
        pence; None when it is not given. It is read from the text as written, so no float
        ever rounds it."""
        if key not in node:
            return None
        text = getattr(node, "texts", {}).get(key)
        try:
            pence = pence_from_pounds(text)
            if not 0 <= pence <= MOST_PENCE:
                raise ValueError
        except ValueError:
            written = node[key] if text is None else text
            self.fatal(
                self.line(node, key),
                f"{where}, {key}",
                f"should be an amount in pounds from 0 to {pounds(MOST_PENCE)}, with at most "
                f"two decimal places like 12000.00, not {written!r}.",
            )
            return None
        return pence

    def boolean(self, node, key, where) -> bool:
        value = node.get(key, False)
        if not isinstance(value, bool):
            self.fatal(
                self.line(node, key), f"{where}, {key}", f"should be yes or no, not {value!r}."
            )
            return False
        return value

    def choice(self, node, key, where, choices, default=None) -> str:
        value = node.get(key, default)
        if value not in choices:
            self.fatal(
                self.line(node, key),
                f"{where}, {key}",
                f"{value!r} is not one of: {', '.join(map(str, choices))}.",
            )
            return default or ""
        return value

    def int_list(self, node, key, where) -> list[int]:
        value = node.get(key, [])
        if not isinstance(value, list) or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in value
        ):
            self.fatal(
                self.line(node, key), f"{where}, {key}", "should be a list of whole numbers."
            )
            return []
        return list(value)

    def text_list(self, node, key, where) -> list[str]:
        value = node.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fatal(self.line(node, key), f"{where}, {key}", "should be a list of text.")
            return []
        return list(value)

    def date(self, node, key, where, row=None, *, optional=False) -> dt.date | None:
        """A date written like "Wednesday 17 September 2025". A weekday that does not match
        is flagged on `row`; a date that cannot be read is fatal."""
        value = node.get(key)
        line = self.line(node, key)
        if value is None and optional:
            return None
        if optional and str(value).strip().upper() in {"NA", "N/A", "NONE", ""}:
            return None
        try:
            written = WrittenDate(str(value))
        except ValueError as error:
            self.fatal(line, f"{where}, {key}", str(error))
            return None
        if not written.weekday_matches:
            message = (
                f"{written.text!r} does not match its weekday: "
                f"{long_date(written.date, weekday=False)} is a {WEEKDAYS[written.date.weekday()]}."
            )
            hint = _weekday_hint(written, self.year)
            if row is not None:
                self.flag(row, line, f"{where}, {key}", message + hint)
            else:
                self.fatal(line, f"{where}, {key}", message + hint)
        return written.date

    def sequence(self, root, key, where=None) -> list[tuple[str, int, Any]]:
        """Each item of a list with a readable name for it ("calendar row 5") and its line."""
        if key not in root:
            return []
        value = root[key]
        if not isinstance(value, LineList):
            self.fatal(self.line(root, key), f"{where or 'file'}, {key}", "should be a list.")
            return []
        return [
            (f"{where or key} row {number}", line, item)
            for number, (line, item) in enumerate(zip(value.item_lines, value, strict=True), 1)
        ]


def _weekday_hint(written: WrittenDate, year: AcademicYear | None) -> str:
    """Suggest what was probably meant: the same day and month in another year when that
    has the weekday given and falls in the academic year, or else the nearest day with
    that weekday."""
    wanted = WEEKDAYS.index(written.weekday)
    day = written.date
    if year is not None and not year.contains(day):
        for other_year in (day.year + 1, day.year - 1):
            try:
                candidate = day.replace(year=other_year)
            except ValueError:  # 29 February
                continue
            if candidate.weekday() == wanted and year.contains(candidate):
                return f" Did you mean {long_date(candidate)}?"
    nearest = sorted(
        (day + dt.timedelta(days=offset) for offset in range(-3, 4) if offset),
        key=lambda candidate: (abs((candidate - day).days), candidate),
    )
    for candidate in nearest:
        if candidate.weekday() == wanted:
            return f" Did you mean {long_date(candidate)}?"
    return ""
