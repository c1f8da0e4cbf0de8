"""The DfE census lists: for a census (a school census in autumn, spring or summer, or the
authority's AP census in January), the placements it collects, each as a row of the census's
own data items, with what the DfE's validation would refuse.

The census days, items, code sets and the mappings from CAP's records are data, in
placements/data/census.yaml, each with its source and how sure it is. `census_data()` reads
and checks that file once; a file with a date that is not real or not on its weekday, a
doubled code or an unknown mapping is refused with every problem named (CensusFileError).

`census_rows()` is the one way a list is made: the page, its CSV and XLSX all use it. It
reads the placements open in the census's collection period in two queries (placements with
student, setting and home school; their phases), however many there are.
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml
from django.db.models import Count, F, Prefetch, QuerySet

from accounts.models import SCHOOL_KINDS, OrganisationKind
from applications.models import ReferralReason
from lib.dates import WEEKDAYS, WrittenDate, long_date
from placements.models import Phase, Placement
from placements.schedule import pattern_on
from placements.selectors import open_between
from programmes.models import AwayCode

CENSUS_FILE = Path(__file__).parent / "data" / "census.yaml"

SCHOOL, AP = "school", "ap"
TERMS = ("autumn", "spring", "summer")
CERTAINTIES = ("confirmed", "inferred", "not confirmed")
# How long a census collects for: from the day after the previous census of its kind, or
# census day alone.
SINCE_PREVIOUS, CENSUS_DAY = "since_previous_census", "census_day"
RULES = (SINCE_PREVIOUS, CENSUS_DAY)

# What census_rows fills each item with; the data file names and orders them.
ITEM_KEYS = {
    SCHOOL: (
        "urn",
        "ukprn",
        "setting_type",
        "entry_date",
        "leaving_date",
        "reason",
        "attendance_pattern",
        "sessions",
        "enrolment_status",
    ),
    AP: ("urn", "ukprn", "setting_type", "entry_date", "leaving_date", "reason"),
}
DATE_ITEMS = frozenset({"entry_date", "leaving_date"})
NUMBER_ITEMS = frozenset({"sessions"})

FULL_TIME, PART_TIME = "FT", "PT"
SINGLE_STATUS, MAIN_STATUS = "C", "M"
FULL_TIME_SESSIONS = 10  # a school week of mornings and afternoons

_SECTIONS = (
    "collection",
    "censuses",
    "items",
    "setting_types",
    "setting_type_by_kind",
    "placement_reasons",
    "reason_by_referral_reason",
    "attendance_patterns",
    "enrolment_statuses",
)
_YEAR = re.compile(r"^(\d{4})-(\d{2})$")
_KEY = re.compile(r"^[a-z0-9-]+$")
_URN = re.compile(r"^\d{6}$")
_UKPRN = re.compile(r"^1\d{7}$")


class CensusFileError(Exception):
    """The census data file is wrong: every problem found, each on its own line."""

    def __init__(self, path: Path, problems: list[str]):
        self.problems = problems
        listed = "\n- ".join(problems)
        super().__init__(f"{path} is not a census data file CAP can use:\n- {listed}")


@dataclass(frozen=True)
class Sourced:
    source: str
    certainty: str


@dataclass(frozen=True)
class Item(Sourced):
    key: str
    heading: str


@dataclass(frozen=True)
class CodeSet(Sourced):
    codes: dict[str, str]  # code -> meaning, in the file's order


@dataclass(frozen=True)
class Mapping(Sourced):
    to: dict[str, str]  # CAP's value -> census code


@dataclass(frozen=True)
class Collection(Sourced):
    name: str
    rule: str


@dataclass(frozen=True)
class Census(Sourced):
    key: str
    kind: str  # SCHOOL or AP
    term: str  # autumn, spring or summer; "" for the AP census
    year: str  # the academic year, such as 2025-26
    day: dt.date
    # The first day of the collection period; `period_known` is False when the census that
    # would start it is not in the file, and the period is then census day alone.
    period_starts: dt.date
    period_known: bool = True

    @property
    def name(self) -> str:
        if self.kind == AP:
            return f"AP census {self.day.year}"
        return f"{self.term.capitalize()} school census {self.day.year}"


@dataclass(frozen=True)
class CensusData:
    collection: dict[str, Collection]
    censuses: list[Census]  # by day
    items: dict[str, list[Item]]
    setting_types: CodeSet
    setting_type_by_kind: Mapping
    placement_reasons: CodeSet
    reason_by_referral_reason: Mapping
    attendance_patterns: CodeSet
    enrolment_statuses: CodeSet

    def between(self, first: dt.date, last: dt.date, *, kind: str) -> list[Census]:
        """The censuses of a kind whose census day falls from first to last."""
        return [c for c in self.censuses if c.kind == kind and first <= c.day <= last]

    def not_confirmed(self, kind: str) -> list[str]:
        """The headings and code sets of a census's list that no source confirmed."""
        names = [i.heading for i in self.items[kind] if i.certainty == "not confirmed"]
        code_sets = [("reason codes", self.placement_reasons)]
        if kind == SCHOOL:
            code_sets.append(("attendance pattern codes", self.attendance_patterns))
        names += [name for name, codes in code_sets if codes.certainty == "not confirmed"]
        return names


# --- Reading the file ---------------------------------------------------------------------


class _Reader:
    """Collects every problem in the file rather than stopping at the first."""

    def __init__(self):
        self.problems: list[str] = []

    def problem(self, text: str) -> None:
        self.problems.append(text)

    def mapping(self, node, where: str, keys: tuple[str, ...], optional=()) -> dict:
        if not isinstance(node, dict):
            self.problem(f"{where} must be a mapping of {', '.join(keys)}.")
            return {}
        for key in node.keys() - set(keys) - set(optional):
            self.problem(f"{where} has an unknown entry {key!r}.")
        for key in set(keys) - node.keys():
            self.problem(f"{where} needs {key!r}.")
        return node

    def text(self, node: dict, key: str, where: str) -> str:
        value = node.get(key)
        if not isinstance(value, str) or not value.strip():
            if key in node:
                self.problem(f"{where}: {key!r} must be some text.")
            return ""
        return " ".join(value.split())

    def sourced(self, node: dict, where: str) -> tuple[str, str]:
        source = self.text(node, "source", where)
        certainty = node.get("certainty")
        if certainty not in CERTAINTIES:
            self.problem(
                f"{where}: certainty must be one of {', '.join(CERTAINTIES)}, not {certainty!r}."
            )
            certainty = "not confirmed"
        return source, certainty

    def day(self, value, where: str) -> dt.date | None:
        if not isinstance(value, str):
            self.problem(
                f"{where}: write the day with its weekday, like Thursday 15 January 2026, "
                f"not {value!r}."
            )
            return None
        try:
            written = WrittenDate(value)
        except ValueError as error:
            self.problem(f"{where}: {error}.")
            return None
        if written.weekday is None:
            self.problem(f"{where}: give the weekday of {value!r}, like Thursday 15 January 2026.")
        elif not written.weekday_matches:
            self.problem(
                f"{where}: {written.text!r} does not match its weekday: "
                f"{long_date(written.date, weekday=False)} is a {WEEKDAYS[written.date.weekday()]}."
            )
        return written.date

    def code_set(self, node, where: str) -> CodeSet:
        node = self.mapping(node, where, ("source", "certainty", "codes"))
        source, certainty = self.sourced(node, where)
        codes: dict[str, str] = {}
        entries = node.get("codes")
        if "codes" in node and (not isinstance(entries, list) or not entries):
            self.problem(f"{where}: codes must be a list of {{code, meaning}}.")
            entries = []
        for n, entry in enumerate(entries or [], start=1):
            here = f"{where}, code {n}"
            entry = self.mapping(entry, here, ("code", "meaning"))
            code = entry.get("code")
            if not isinstance(code, str) or not code.strip():
                if "code" in entry:
                    self.problem(f"{here}: the code must be some text, not {code!r}.")
                continue
            if code in codes:
                self.problem(f"{where}: the code {code!r} is given twice.")
                continue
            codes[code] = self.text(entry, "meaning", here)
        return CodeSet(source, certainty, codes)

    def code_map(self, node, where: str, key: str, values, codes: CodeSet, *, every: bool):
        node = self.mapping(node, where, ("source", "certainty", key))
        source, certainty = self.sourced(node, where)
        to = node.get(key) or {}
        if not isinstance(to, dict):
            self.problem(f"{where}: {key} must be a mapping.")
            to = {}
        for value, code in to.items():
            if value not in values:
                self.problem(f"{where}: {value!r} is not one of {', '.join(values)}.")
            if code not in codes.codes:
                self.problem(f"{where}: {value!r} maps to {code!r}, which is not a code.")
        if every:
            for value in values:
                if value not in to:
                    self.problem(f"{where}: {value!r} has no code.")
        return Mapping(source, certainty, {str(k): str(v) for k, v in to.items()})


def _collection(reader: _Reader, node) -> dict[str, Collection]:
    node = reader.mapping(node, "collection", (SCHOOL, AP))
    out = {}
    for kind in (SCHOOL, AP):
        where = f"collection: {kind}"
        entry = reader.mapping(node.get(kind, {}), where, ("name", "rule", "source", "certainty"))
        rule = entry.get("rule")
        if rule not in RULES:
            reader.problem(f"{where}: rule must be one of {', '.join(RULES)}, not {rule!r}.")
            rule = CENSUS_DAY
        name = reader.text(entry, "name", where)
        out[kind] = Collection(*reader.sourced(entry, where), name, rule)
    return out


def _censuses(reader: _Reader, node, collection: dict[str, Collection]) -> list[Census]:
    if not isinstance(node, list) or not node:
        reader.problem("censuses must be a list of census days.")
        return []
    read: list[dict] = []
    keys: set[str] = set()
    for n, entry in enumerate(node, start=1):
        where = f"census {n}"
        needed = ("key", "census", "year", "day", "source", "certainty")
        entry = reader.mapping(entry, where, needed, optional=("term",))
        key = entry.get("key")
        if not isinstance(key, str) or not _KEY.match(key):
            reader.problem(f"{where}: key must be lower-case letters, digits and hyphens.")
        elif key in keys:
            reader.problem(f"{where}: the key {key!r} is given twice.")
        else:
            keys.add(key)
            where = f"census {key}"
        kind = entry.get("census")
        if kind not in (SCHOOL, AP):
            reader.problem(f"{where}: census must be {SCHOOL} or {AP}, not {kind!r}.")
        term = entry.get("term") or ""
        if kind == SCHOOL and term not in TERMS:
            reader.problem(f"{where}: term must be one of {', '.join(TERMS)}, not {term!r}.")
        if kind == AP and term:
            reader.problem(f"{where}: the AP census has no term.")
        year = str(entry.get("year", ""))
        match = _YEAR.match(year)
        if not match or (int(match[1]) + 1) % 100 != int(match[2]):
            reader.problem(f"{where}: year must be an academic year like 2025-26, not {year!r}.")
            match = None
        day = reader.day(entry.get("day"), where)
        if (
            day
            and match
            and not (dt.date(int(match[1]), 9, 1) <= day <= dt.date(int(match[1]) + 1, 8, 31))
        ):
            reader.problem(f"{where}: {long_date(day)} is not in the academic year {year}.")
        source, certainty = reader.sourced(entry, where)
        if day and kind in (SCHOOL, AP) and isinstance(key, str):
            read.append(
                {"key": key, "kind": kind, "term": term, "year": year, "day": day}
                | {"source": source, "certainty": certainty}
            )
    read.sort(key=lambda c: c["day"])
    censuses = []
    for i, entry in enumerate(read):
        earlier = [c for c in read[:i] if c["kind"] == entry["kind"]]
        if earlier and earlier[-1]["day"] == entry["day"]:
            reader.problem(f"census {entry['key']}: another census of its kind is on the same day.")
        rule = collection.get(entry["kind"])
        if rule is not None and rule.rule == SINCE_PREVIOUS and earlier:
            starts, known = earlier[-1]["day"] + dt.timedelta(days=1), True
        else:
            starts, known = entry["day"], rule is not None and rule.rule == CENSUS_DAY
        censuses.append(Census(period_starts=starts, period_known=known, **entry))
    return censuses


def _items(reader: _Reader, node) -> dict[str, list[Item]]:
    node = reader.mapping(node, "items", (SCHOOL, AP))
    out: dict[str, list[Item]] = {}
    for kind in (SCHOOL, AP):
        entries = node.get(kind)
        if not isinstance(entries, list):
            if kind in node:
                reader.problem(f"items: {kind} must be a list of items.")
            out[kind] = []
            continue
        items: list[Item] = []
        for n, entry in enumerate(entries, start=1):
            where = f"items: {kind}, item {n}"
            entry = reader.mapping(entry, where, ("key", "heading", "source", "certainty"))
            key = entry.get("key")
            heading = reader.text(entry, "heading", where)
            if key not in ITEM_KEYS[kind]:
                reader.problem(f"{where}: key must be one of {', '.join(ITEM_KEYS[kind])}.")
            elif any(i.key == key for i in items):
                reader.problem(f"{where}: the item {key!r} is given twice.")
            elif heading and any(i.heading == heading for i in items):
                reader.problem(f"{where}: the heading {heading!r} is given twice.")
            else:
                items.append(Item(*reader.sourced(entry, where), key, heading))
        for key in ITEM_KEYS[kind]:
            if key not in (i.key for i in items):
                reader.problem(f"items: {kind} needs the item {key!r}.")
        out[kind] = items
    return out


def census_load(path: Path = CENSUS_FILE) -> CensusData:
    """Read and check a census data file. Raises CensusFileError naming every problem."""
    reader = _Reader()
    try:
        with path.open() as f:
            raw = yaml.safe_load(f)
    except (OSError, yaml.YAMLError) as error:
        raise CensusFileError(path, [str(error)]) from None
    raw = reader.mapping(raw, "The file", _SECTIONS)
    collection = _collection(reader, raw.get("collection"))
    censuses = _censuses(reader, raw.get("censuses"), collection)
    items = _items(reader, raw.get("items"))
    setting_types = reader.code_set(raw.get("setting_types"), "setting_types")
    reasons = reader.code_set(raw.get("placement_reasons"), "placement_reasons")
    patterns = reader.code_set(raw.get("attendance_patterns"), "attendance_patterns")
    statuses = reader.code_set(raw.get("enrolment_statuses"), "enrolment_statuses")
    for where, codes, needed in (
        ("attendance_patterns", patterns, (FULL_TIME, PART_TIME)),
        ("enrolment_statuses", statuses, (SINGLE_STATUS, MAIN_STATUS)),
    ):
        for code in needed:
            if code not in codes.codes:
                reader.problem(f"{where} needs the code {code!r}.")
    by_kind = reader.code_map(
        raw.get("setting_type_by_kind"),
        "setting_type_by_kind",
        "kinds",
        OrganisationKind.values,
        setting_types,
        every=False,
    )
    by_reason = reader.code_map(
        raw.get("reason_by_referral_reason"),
        "reason_by_referral_reason",
        "reasons",
        ReferralReason.values,
        reasons,
        every=True,
    )
    if reader.problems:
        raise CensusFileError(path, reader.problems)
    return CensusData(
        collection=collection,
        censuses=censuses,
        items=items,
        setting_types=setting_types,
        setting_type_by_kind=by_kind,
        placement_reasons=reasons,
        reason_by_referral_reason=by_reason,
        attendance_patterns=patterns,
        enrolment_statuses=statuses,
    )


@cache
def census_data() -> CensusData:
    """The project's census data file, read and checked once per process."""
    return census_load(CENSUS_FILE)


# --- The lists ----------------------------------------------------------------------------


@dataclass
class CensusRow:
    """One placement as the census collects it. `values` holds each item by its key (see
    ITEM_KEYS); `problems` says, in words, what is missing or what the DfE's validation
    would refuse."""

    placement: Placement
    values: dict[str, object]
    problems: list[str] = field(default_factory=list)


def authority_placements(placements: QuerySet[Placement]) -> QuerySet[Placement]:
    """The placements the authority returns in its AP census: those it arranges and funds,
    at a setting that is not a school.

    A placement is arranged by the authority when the home school records K for sessions
    away ("education arranged by a local authority", reg. 10 of the 2024 registration
    regulations): the programme says so, and the placement copies it (away_code). The AP
    census covers pupils "educated otherwise than in schools, pupil referral units, AP
    academies and AP free schools under arrangements made (and funded) by the authority"
    (gov.uk, "Alternative provision census: which pupils to include"): a placement at a
    school or at the AP academy is returned by that school, as a subsidiary registration, in
    its own school census, and is left out here so that no pupil is counted twice."""
    return placements.filter(away_code=AwayCode.K).exclude(provider__kind__in=SCHOOL_KINDS)


def census_rows(
    *, census: Census, placements: QuerySet[Placement], data: CensusData | None = None
) -> list[CensusRow]:
    """The placements `census` collects, from those given (already limited to what the
    person may see): open at some time in its collection period, and for the AP census only
    the authority's own. Ordered by school, student and start."""
    data = data or census_data()
    if census.kind == AP:
        placements = authority_placements(placements)
    rows = (
        open_between(placements, census.period_starts, census.day)
        .select_related("student", "provider", "home_school")
        .prefetch_related(Prefetch("phases", queryset=Phase.objects.order_by("starts_on", "pk")))
        .annotate(census_referral_reason=F("application__referral_reason"))
        .order_by(
            "home_school__name",
            "student__legal_last_name",
            "student__legal_first_name",
            "starts_on",
            "pk",
        )
    )
    return [_row(placement, census, data) for placement in rows]


def census_counts_by_school(
    *, census: Census, placements: QuerySet[Placement]
) -> list[tuple[int, str, object, int]]:
    """How many placements each school's list for `census` holds, counted in one query:
    (school id, name, uuid, placements), by name. For the whole service, where listing every
    placement would be a page of tens of thousands of rows."""
    rows = (
        open_between(placements, census.period_starts, census.day)
        .values("home_school_id", "home_school__name", "home_school__uuid")
        .annotate(n=Count("id"))
        .order_by("home_school__name")
    )
    return [
        (r["home_school_id"], r["home_school__name"], r["home_school__uuid"], r["n"]) for r in rows
    ]


def setting_identity(setting, data: CensusData) -> tuple[str, str, str]:
    """(URN, UKPRN, AP setting type) with exactly one given, or none: the URN when the
    setting has one (then neither of the others is recorded), else its UKPRN, else the
    setting type the data file gives its kind."""
    if setting.urn:
        return setting.urn, "", ""
    if setting.ukprn:
        return "", setting.ukprn, ""
    return "", "", data.setting_type_by_kind.to.get(setting.kind, "")


def sessions_per_week(placement: Placement, day: dt.date) -> int:
    """Sessions a week at the setting on `day` (or the placement's nearest day to it), from
    the pattern of the phase covering it, or the placement's own."""
    on = min(max(day, placement.starts_on), placement.last_day)
    pattern = pattern_on(placement, on, list(placement.phases.all()))
    if pattern:
        return len(pattern)
    return round(float(placement.days_per_week or 0) * 2)


def _row(placement: Placement, census: Census, data: CensusData) -> CensusRow:
    setting = placement.provider
    urn, ukprn, setting_type = setting_identity(setting, data)
    # As the census sees it on census day: a leaving date after it is not yet known.
    left = placement.ended_on if placement.ended_on and placement.ended_on <= census.day else None
    referral_reason = placement.census_referral_reason
    reason = data.reason_by_referral_reason.to.get(referral_reason, "")
    sessions = sessions_per_week(placement, census.day)
    values: dict[str, object] = {
        "urn": urn,
        "ukprn": ukprn,
        "setting_type": setting_type,
        "entry_date": placement.starts_on,
        "leaving_date": left,
        "reason": reason,
        "attendance_pattern": FULL_TIME if sessions >= FULL_TIME_SESSIONS else PART_TIME,
        "sessions": sessions,
        "enrolment_status": MAIN_STATUS if placement.is_dual else SINGLE_STATUS,
    }
    values = {item.key: values[item.key] for item in data.items[census.kind]}
    return CensusRow(
        placement,
        values,
        _problems(placement, census, urn, ukprn, setting_type, referral_reason, reason),
    )


def _problems(placement, census, urn, ukprn, setting_type, referral_reason, reason) -> list[str]:
    setting, student = placement.provider, placement.student
    problems = []
    if not (urn or ukprn or setting_type):
        problems.append(
            f"Rule 2364: {setting.name} has no URN or UKPRN, and no AP setting type for its "
            "kind: add its URN or UKPRN"
        )
    if urn and not _URN.match(urn):
        problems.append(f"The URN {urn} is not 6 digits")
    if ukprn and not _UKPRN.match(ukprn):
        problems.append(f"The UKPRN {ukprn} is not 8 digits starting with 1")
    if placement.ended_on and placement.ended_on < placement.starts_on:
        problems.append(
            f"The leaving date, {long_date(placement.ended_on, weekday=False)}, is before the "
            f"entry date, {long_date(placement.starts_on, weekday=False)}"
        )
    if placement.ended_on is None and placement.planned_end_on < census.day:
        problems.append(
            f"Planned to end on {long_date(placement.planned_end_on, weekday=False)}, but no "
            "leaving date is recorded"
        )
    if not referral_reason:
        problems.append("Rule 2361: no reason for the placement: the application gives none")
    elif not reason:
        problems.append(f"The application's reason “{referral_reason}” has no census code")
    if census.kind == SCHOOL:
        is_school = setting.kind in SCHOOL_KINDS
        if is_school and not placement.is_dual:
            problems.append(
                f"Error 2917: {setting.name} is a school, so the student must be dual "
                "registered there (main here, subsidiary there)"
            )
        if placement.is_dual and not is_school:
            problems.append(
                f"Dual registered, but {setting.name} is not a school: only a school, PRU or "
                "AP academy can hold a subsidiary registration"
            )
    if student.upn_is_temporary:
        problems.append("The UPN is temporary: use the student's permanent UPN")
    return problems
