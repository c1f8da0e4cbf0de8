"""The accessibility statement's facts (about/accessibility.toml), read and checked.

The statement is a file in the repository, not rows a person edits: what it claims is
reviewed like code, and its history shows when a claim changed. The check refuses a
statement that says it is fully compliant while it lists known problems, or partly
compliant with none listed; the browser tests' axe-core results keep the claim honest
(tests/browser/test_about.py)."""

import datetime as dt
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

STATEMENT_FILE = Path(__file__).with_name("accessibility.toml")

# The regulations' three statuses, in the sample statement's words.
COMPLIANCE = {
    "full": "fully compliant",
    "partial": "partially compliant",
    "not": "not compliant",
}
DATES = ("prepared_on", "last_reviewed_on", "last_tested_on")
TEXTS = ("standard", "documents")
LISTS = ("tested", "can", "out_of_scope")
PROBLEM_KEYS = {"what", "criterion", "fix_by"}


@dataclass(frozen=True)
class Problem:
    what: str
    criterion: str
    fix_by: dt.date


@dataclass(frozen=True)
class Statement:
    prepared_on: dt.date
    last_reviewed_on: dt.date
    last_tested_on: dt.date
    standard: str
    compliance: str
    reply_working_days: int
    tested: tuple[str, ...]
    can: tuple[str, ...]
    documents: str
    problems: tuple[Problem, ...]
    out_of_scope: tuple[str, ...]

    @property
    def compliance_words(self) -> str:
        return COMPLIANCE[self.compliance]


def statement_problems(data: dict) -> list[str]:
    """Everything wrong with a parsed statement file, in words; empty if it is sound."""
    problems = []
    for key in DATES:
        if not isinstance(data.get(key), dt.date) or isinstance(data.get(key), dt.datetime):
            problems.append(f"{key} must be a date.")
    for key in TEXTS:
        if not isinstance(data.get(key), str) or not data[key].strip():
            problems.append(f"{key} is missing.")
    for key in LISTS:
        value = data.get(key)
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            problems.append(f"{key} must be a list of sentences.")
    for key in ("tested", "can"):
        if not data.get(key):
            problems.append(f"{key} must say something.")
    days = data.get("reply_working_days")
    if not isinstance(days, int) or isinstance(days, bool) or days < 1:
        problems.append("reply_working_days must be a whole number above 0.")
    known = data.get("problem", [])
    for number, problem in enumerate(known, start=1):
        if set(problem) != PROBLEM_KEYS:
            keys = ", ".join(sorted(PROBLEM_KEYS))
            problems.append(f"Problem {number} must have exactly {keys}.")
        elif not isinstance(problem["fix_by"], dt.date):
            problems.append(f"Problem {number}: fix_by must be a date.")
    compliance = data.get("compliance")
    if compliance not in COMPLIANCE:
        problems.append(f"compliance must be one of {', '.join(COMPLIANCE)}.")
    elif compliance == "full" and known:
        problems.append("It says the service is fully compliant but lists known problems.")
    elif compliance != "full" and not known:
        problems.append(f"It says the service is {COMPLIANCE[compliance]} but lists no problem.")
    dates = [data.get(key) for key in DATES]
    if all(isinstance(day, dt.date) for day in dates) and dates[1] < dates[0]:
        problems.append("last_reviewed_on is before prepared_on.")
    return problems


def statement_read(path: Path = STATEMENT_FILE) -> Statement:
    """Read and check the statement; ImproperlyConfigured lists every problem."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ImproperlyConfigured(
            f"The accessibility statement cannot be read: {error}"
        ) from error
    problems = statement_problems(data)
    if problems:
        raise ImproperlyConfigured("The accessibility statement is wrong: " + " ".join(problems))
    return Statement(
        **{key: data[key] for key in (*DATES, *TEXTS, "compliance", "reply_working_days")},
        **{key: tuple(data[key]) for key in LISTS},
        problems=tuple(Problem(**problem) for problem in data.get("problem", [])),
    )


@cache
def statement() -> Statement:
    return statement_read()


@checks.register()
def statement_check(app_configs=None, **kwargs):
    try:
        statement_read()
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="about.E001")]
    return []
