"""Reading a model-of-support file (programmes/data/*.yaml) into unsaved model rows.

The reader checks the file's shape and every rule in programmes.checks, and reports each
problem with its line. A problem about one row (a date that does not match its weekday, a
deadline after its meeting) can be loaded as a flag on that row when asked; a problem with
the file's shape (an unknown key, an unreadable date) always stops the load.
"""

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from accounts.models import Organisation, OrganisationKind, ukprn_validator, urn_validator
from lib.dates import long_date
from programmes import checks
from programmes.modelfile_reader import (
    LineDict,
    LineList,
    LineLoader,
    Problem,
    Reader,
    add_flag,
)
from programmes.models import (
    ROUTE_PANEL_STEPS,
    AcademicYear,
    AgreementBand,
    AwayCode,
    Benefit,
    BenefitFrequency,
    BenefitGivenAs,
    CapacityRule,
    ChargingRules,
    ChecklistItem,
    ChecklistWhen,
    Cohort,
    Course,
    EarlyExitCharge,
    EarlyHelpStep,
    Meeting,
    OverAllowance,
    Panel,
    PanelSeat,
    PanelStep,
    Payment,
    Programme,
    ProgrammePanel,
    Question,
    Registration,
    Rounding,
    Route,
    SeatPosition,
    Term,
    Tier,
    WithdrawalCharge,
)


@dataclass
class Plan:
    """Unsaved rows, in the order they are saved, and the links between them."""

    year: AcademicYear
    bands: list[AgreementBand] = field(default_factory=list)
    charging: ChargingRules | None = None
    terms: list[Term] = field(default_factory=list)
    tiers: dict[int, Tier] = field(default_factory=dict)
    organisations: dict[str, Organisation] = field(default_factory=dict)
    panels: dict[str, Panel] = field(default_factory=dict)
    seats: list[PanelSeat] = field(default_factory=list)
    programmes: dict[str, Programme] = field(default_factory=dict)
    programme_panels: list[ProgrammePanel] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    checklist: list[tuple[ChecklistItem, list[int]]] = field(default_factory=list)
    meetings: list[tuple[Meeting, list[str]]] = field(default_factory=list)
    cohorts: list[Cohort] = field(default_factory=list)
    courses: list[Course] = field(default_factory=list)
    benefits: list[Benefit] = field(default_factory=list)


class ModelFileError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problems")


KIND_KEYS = {OrganisationKind.TRAINING_PROVIDER.value, OrganisationKind.AP_ACADEMY.value}


def read_model(text: str) -> tuple[Plan | None, list[Problem]]:
    """Read a model file into a plan of unsaved rows and the problems found."""
    reader = Reader(text)
    try:
        root = yaml.load(text, Loader=LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        reader.fatal(mark.line + 1 if mark else 0, "file", f"is not valid YAML: {error}")
        return None, reader.problems
    root = reader.fields(
        root,
        "file",
        required={"year", "tiers", "panels", "programmes", "calendar"},
        optional={
            "terms",
            "settings",
            "question_sets",
            "checklist",
            "cohorts",
            "providers",
            "courses",
            "agreement",
            "charging",
            "benefits",
        },
    )
    if root is None or any(p.fatal for p in reader.problems):
        return None, reader.problems

    plan = _read_year(reader, root)
    if plan is None:
        return None, reader.problems
    _read_terms(reader, root, plan)
    _read_agreement(reader, root, plan)
    _read_charging(reader, root, plan)
    _read_tiers(reader, root, plan)
    _read_organisations(reader, root, plan)
    _read_panels(reader, root, plan)
    question_sets = _read_question_sets(reader, root, plan)
    steps, question_panels, programme_lines = _read_programmes(reader, root, plan, question_sets)
    _read_checklist(reader, root, plan)
    rounds = _read_calendar(reader, root, plan)
    _read_cohorts(reader, root, plan, rounds)
    _read_courses(reader, root, plan)
    _read_benefits(reader, root, plan)
    _check_programmes(reader, plan, steps, question_panels, programme_lines)
    return plan, reader.problems


# Settings the CAP manager chooses for a year, as the file names them.
YEAR_NUMBERS = {
    "allowance_warning_at": "allowance_warning_at",
    "risk_assessment_valid_days": "risk_assessment_valid_days",
    "draft_reminder_days": "draft_reminder_days",
}


def _read_year(reader: Reader, root) -> Plan | None:
    node = reader.fields(
        root["year"],
        "year",
        {"name", "starts", "ends"},
        {"source", "subscription_tier1_placements", *YEAR_NUMBERS, "over_allowance"},
    )
    if node is None:
        return None
    year = AcademicYear(
        name=reader.text_of(node, "name", "year"),
        source=reader.text_of(node, "source", "year", default=""),
        sla_tier1_placements=reader.number(
            node, "subscription_tier1_placements", "year", default=15
        )
        or 0,
    )
    for key, field_name in YEAR_NUMBERS.items():
        if key in node:
            setattr(year, field_name, reader.number(node, key, "year", minimum=0) or 0)
    if "over_allowance" in node:
        year.over_allowance = reader.choice(node, "over_allowance", "year", OverAllowance.values)
    year.flags = []
    starts = reader.date(node, "starts", "year")
    ends = reader.date(node, "ends", "year")
    if starts is None or ends is None:
        return None
    year.starts_on, year.ends_on = starts, ends
    for message in checks.check_year(year):
        reader.fatal(node.line, "year", message)
    reader.year = year
    return Plan(year=year)


def _read_terms(reader: Reader, root, plan: Plan) -> None:
    nodes = []
    for where, line, node in reader.sequence(root, "terms"):
        if reader.fields(node, where, {"name", "starts", "ends"}, {"half_term"}) is None:
            continue
        term = Term(year=plan.year, name=reader.text_of(node, "name", where), flags=[])
        term.starts_on = reader.date(node, "starts", where, term)
        term.ends_on = reader.date(node, "ends", where, term)
        half = node.get("half_term")
        if half is not None:
            if isinstance(half, LineList) and len(half) == 2:
                pair = LineDict(starts=half[0], ends=half[1])
                pair.line, pair.key_lines = half.line, {"starts": half.line, "ends": half.line}
                term.half_term_starts_on = reader.date(pair, "starts", f"{where}, half_term", term)
                term.half_term_ends_on = reader.date(pair, "ends", f"{where}, half_term", term)
            else:
                reader.fatal(
                    reader.line(node, "half_term"),
                    f"{where}, half_term",
                    "should be a list of two dates: the first and last day.",
                )
        if term.starts_on and term.ends_on:
            plan.terms.append(term)
            nodes.append((line, term))
    for line, term in nodes:
        for message in checks.check_term(term, plan.year, plan.terms):
            reader.flag(term, line, f"terms, {term.name}", message)


def _read_agreement(reader: Reader, root, plan: Plan) -> None:
    """The service level agreement: its price for a school in no band, the bands, and what
    it includes."""
    if "agreement" not in root:
        return
    node = reader.fields(root["agreement"], "agreement", set(), {"price", "bands", "includes"})
    if node is None:
        return
    plan.year.agreement_price_pence = reader.money(node, "price", "agreement") or 0
    plan.year.agreement_includes = reader.text_list(node, "includes", "agreement")
    names = set()
    for order, (where, line, band) in enumerate(reader.sequence(node, "bands", "agreement bands")):
        if reader.fields(band, where, {"name", "price"}) is None:
            continue
        name = reader.text_of(band, "name", where)
        if name in names:
            reader.fatal(line, where, f"the band {name!r} is given twice.")
            continue
        names.add(name)
        plan.bands.append(
            AgreementBand(
                year=plan.year,
                name=name,
                price_pence=reader.money(band, "price", where) or 0,
                order=order,
            )
        )


# The amounts in the charging section, as the file names them.
CHARGING_MONEY = {
    "withdrawal_charge": "withdrawal_charge_pence",
    "over_allowance_charge": "over_allowance_charge_pence",
}


def _read_charging(reader: Reader, root, plan: Plan) -> None:
    """How fees are charged. A year always has charging rules: the defaults when the file
    has no charging section."""
    rules = plan.charging = ChargingRules(year=plan.year)
    if "charging" not in root:
        return
    where = "charging"
    node = reader.fields(
        root["charging"],
        where,
        set(),
        {
            "payment",
            "early_exit",
            "rounding",
            "withdrawn_before_start",
            *CHARGING_MONEY,
            "agreement_charged_in",
        },
    )
    if node is None:
        return
    for key, choices in (
        ("payment", Payment),
        ("early_exit", EarlyExitCharge),
        ("rounding", Rounding),
        ("withdrawn_before_start", WithdrawalCharge),
    ):
        setattr(rules, key, reader.choice(node, key, where, choices.values, getattr(rules, key)))
    for key, field_name in CHARGING_MONEY.items():
        setattr(rules, field_name, reader.money(node, key, where) or 0)
    # The charge is judged against the choice only when the choice could be read.
    withdrawn = node.get("withdrawn_before_start", WithdrawalCharge.NOTHING)
    fixed = withdrawn == WithdrawalCharge.FIXED
    if fixed and "withdrawal_charge" not in node:
        reader.fatal(
            node.line, where, "has no withdrawal_charge: give the fixed charge, like 50.00."
        )
    elif withdrawn in WithdrawalCharge.values and not fixed and rules.withdrawal_charge_pence:
        reader.fatal(
            reader.line(node, "withdrawal_charge"),
            f"{where}, withdrawal_charge",
            "is only for withdrawn_before_start: fixed.",
        )
        rules.withdrawal_charge_pence = 0
    if "agreement_charged_in" in node:
        # Terms are counted in date order, as the year lists them.
        names = [t.name for t in sorted(plan.terms, key=lambda t: t.starts_on)]
        term = reader.text_of(node, "agreement_charged_in", where)
        if term in names:
            rules.agreement_charged_in = names.index(term) + 1
        else:
            reader.fatal(
                reader.line(node, "agreement_charged_in"),
                f"{where}, agreement_charged_in",
                f"{term!r} is not a term in this file"
                + (f" ({', '.join(names)})." if names else "."),
            )


def _read_tiers(reader: Reader, root, plan: Plan) -> None:
    for where, line, node in reader.sequence(root, "tiers"):
        if (
            reader.fields(
                node,
                where,
                {"number", "name"},
                {
                    "description",
                    "early_help",
                    "early_help_requires",
                    "early_help_requires_without_plan",
                },
            )
            is None
        ):
            continue
        number = reader.number(node, "number", where, minimum=1)
        if number in plan.tiers:
            reader.fatal(line, where, f"Tier {number} is given twice.")
            continue
        requires = {}
        for key in ("early_help_requires", "early_help_requires_without_plan"):
            requires[key] = reader.text_list(node, key, where)
            for step in requires[key]:
                if step not in EarlyHelpStep.values:
                    reader.fatal(
                        reader.line(node, key),
                        f"{where}, {key}",
                        f"{step!r} is not one of: {', '.join(EarlyHelpStep.values)}.",
                    )
        plan.tiers[number] = Tier(
            year=plan.year,
            number=number or 0,
            name=reader.text_of(node, "name", where),
            description=reader.text_of(node, "description", where, default=""),
            early_help=reader.text_of(node, "early_help", where, default=""),
            **requires,
        )


def _organisation(reader: Reader, node, where: str, kinds: set[str]) -> Organisation | None:
    kind = reader.choice(node, "kind", where, sorted(kinds))
    org = Organisation(
        name=reader.text_of(node, "name", where),
        kind=kind,
        ukprn=reader.text_of(node, "ukprn", where, default=""),
        urn=reader.text_of(node, "urn", where, default=""),
        address=reader.text_of(node, "address", where, default=""),
        postcode=reader.text_of(node, "postcode", where, default=""),
    )
    for value, validator, key in (
        (org.ukprn, ukprn_validator, "ukprn"),
        (org.urn, urn_validator, "urn"),
    ):
        if value:
            try:
                validator(value)
            except Exception as error:
                reader.fatal(reader.line(node, key), f"{where}, {key}", " ".join(error.messages))
    return org


def _read_organisations(reader: Reader, root, plan: Plan) -> None:
    for section in ("settings", "providers"):
        for where, line, node in reader.sequence(root, section):
            if (
                reader.fields(
                    node, where, {"key", "name", "kind"}, {"ukprn", "urn", "address", "postcode"}
                )
                is None
            ):
                continue
            key = reader.text_of(node, "key", where)
            if key in plan.organisations:
                reader.fatal(line, where, f"the key {key!r} is used twice.")
                continue
            plan.organisations[key] = _organisation(reader, node, where, KIND_KEYS)


def _read_panels(reader: Reader, root, plan: Plan) -> None:
    for where, line, node in reader.sequence(root, "panels"):
        if (
            reader.fields(node, where, {"key", "name"}, {"purpose", "items_per_meeting", "seats"})
            is None
        ):
            continue
        key = reader.text_of(node, "key", where)
        if key in plan.panels:
            reader.fatal(line, where, f"the key {key!r} is used twice.")
            continue
        panel = Panel(
            year=plan.year,
            key=key,
            name=reader.text_of(node, "name", where),
            purpose=reader.text_of(node, "purpose", where, default=""),
            items_per_meeting=reader.number(node, "items_per_meeting", where, minimum=1),
        )
        plan.panels[key] = panel
        for order, (seat_where, _, seat) in enumerate(reader.sequence(node, "seats", where)):
            if reader.fields(seat, seat_where, {"title"}, {"position"}) is None:
                continue
            plan.seats.append(
                PanelSeat(
                    panel=panel,
                    title=reader.text_of(seat, "title", seat_where),
                    order=order,
                    position=reader.choice(
                        seat,
                        "position",
                        seat_where,
                        SeatPosition.values,
                        default=SeatPosition.MEMBER,
                    ),
                )
            )


def _read_question_sets(reader: Reader, root, plan: Plan) -> dict[str, tuple[str | None, list]]:
    sets: dict[str, tuple[str | None, list]] = {}
    node = root.get("question_sets", LineDict())
    if not isinstance(node, LineDict):
        reader.fatal(reader.line(root, "question_sets"), "question_sets", "should be named sets.")
        return sets
    for name, body in node.items():
        where = f"question_sets.{name}"
        if reader.fields(body, where, {"considered_by", "questions"}) is None:
            continue
        panel = reader.text_of(body, "considered_by", where)
        if panel != "none" and panel not in plan.panels:
            reader.fatal(
                reader.line(body, "considered_by"),
                where,
                f"considered_by names {panel!r}, which is not a panel in this file.",
            )
        questions = []
        seen = set()
        for q_where, line, question in reader.sequence(body, "questions", where):
            if reader.fields(question, q_where, {"key", "text"}) is None:
                continue
            key = reader.text_of(question, "key", q_where)
            if key in seen:
                reader.fatal(line, q_where, f"the key {key!r} is used twice.")
            seen.add(key)
            questions.append((key, reader.text_of(question, "text", q_where)))
        sets[name] = (None if panel == "none" else panel, questions)
    return sets


def _read_programmes(reader: Reader, root, plan: Plan, question_sets):
    steps_of: dict[str, dict[str, str]] = {}
    question_panels: dict[str, set[str]] = {}
    lines: dict[str, int] = {}
    for order, (where, line, node) in enumerate(reader.sequence(root, "programmes")):
        if (
            reader.fields(
                node,
                where,
                {
                    "key",
                    "name",
                    "tier",
                    "route",
                    "weeks",
                    "year_groups",
                    "registration",
                    "away_code",
                },
                {
                    "summary",
                    "pathways",
                    "panels",
                    "days_per_week",
                    "offers_courses",
                    "delivered_by",
                    "subscription_required",
                    "subscriber_priority",
                    "counts_against_allowance",
                    "parental_consent",
                    "capacity",
                    "questions",
                },
            )
            is None
        ):
            continue
        key = reader.text_of(node, "key", where)
        where = f"programme {key}"
        if key in plan.programmes:
            reader.fatal(line, where, "the key is used twice.")
            continue
        tier = plan.tiers.get(node.get("tier"))
        if tier is None:
            reader.fatal(
                reader.line(node, "tier"),
                f"{where}, tier",
                f"there is no Tier {node.get('tier')!r} in this file.",
            )
        weeks = node.get("weeks")
        if not (
            isinstance(weeks, list)
            and len(weeks) == 2
            and all(isinstance(w, int) and w > 0 for w in weeks)
        ):
            reader.fatal(
                reader.line(node, "weeks"),
                f"{where}, weeks",
                "should be the shortest and longest length in weeks, like [6, 12].",
            )
            weeks = [1, 1]
        programme = Programme(
            year=plan.year,
            tier=tier,
            key=key,
            order=order,
            flags=[],
            name=reader.text_of(node, "name", where),
            summary=reader.text_of(node, "summary", where, default=""),
            pathways=reader.text_list(node, "pathways", where),
            route=reader.choice(node, "route", where, Route.values),
            min_weeks=weeks[0],
            max_weeks=weeks[1],
            days_per_week=reader.number(node, "days_per_week", where, decimal=True),
            year_groups=reader.int_list(node, "year_groups", where),
            offers_courses=reader.boolean(node, "offers_courses", where),
            subscription_required=reader.boolean(node, "subscription_required", where),
            subscriber_priority=reader.boolean(node, "subscriber_priority", where),
            counts_against_allowance=reader.boolean(node, "counts_against_allowance", where),
            parental_consent_required=reader.boolean(node, "parental_consent", where),
            registration=reader.choice(node, "registration", where, Registration.values),
            away_code=reader.choice(node, "away_code", where, AwayCode.values),
        )
        if "delivered_by" in node:
            org_key = node["delivered_by"]
            programme.delivered_by = plan.organisations.get(org_key)
            if programme.delivered_by is None:
                reader.fatal(
                    reader.line(node, "delivered_by"),
                    f"{where}, delivered_by",
                    f"{org_key!r} is not a setting in this file.",
                )
        capacity = node.get("capacity")
        if capacity is not None:
            cap_where = f"{where}, capacity"
            if reader.fields(capacity, cap_where, {"rule"}, {"per_year"}) is not None:
                programme.capacity_rule = reader.choice(
                    capacity, "rule", cap_where, CapacityRule.values
                )
                programme.yearly_capacity = reader.number(capacity, "per_year", cap_where)
        steps: dict[str, str] = {}
        panels = node.get("panels", LineDict())
        if not isinstance(panels, dict):
            reader.fatal(
                reader.line(node, "panels"),
                f"{where}, panels",
                "should name a panel for each step, like {review: panel-key}.",
            )
            panels = {}
        for step, panel_key in panels.items():
            if step not in PanelStep.values:
                reader.fatal(
                    reader.line(node, "panels"),
                    f"{where}, panels",
                    f"{step!r} is not a panel step ({', '.join(PanelStep.values)}).",
                )
            elif panel_key not in plan.panels:
                reader.fatal(
                    reader.line(node, "panels"),
                    f"{where}, panels",
                    f"{panel_key!r} is not a panel in this file.",
                )
            else:
                steps[step] = panel_key
                plan.programme_panels.append(
                    ProgrammePanel(programme=programme, step=step, panel=plan.panels[panel_key])
                )
        question_panels[key] = set()
        set_name = node.get("questions")
        if set_name is not None:
            if set_name not in question_sets:
                reader.fatal(
                    reader.line(node, "questions"),
                    f"{where}, questions",
                    f"{set_name!r} is not a question set in this file.",
                )
            else:
                panel_key, questions = question_sets[set_name]
                if panel_key:
                    question_panels[key].add(panel_key)
                for q_order, (q_key, text) in enumerate(questions):
                    plan.questions.append(
                        Question(
                            programme=programme,
                            key=q_key,
                            text=text,
                            order=q_order,
                            considered_by=plan.panels.get(panel_key) if panel_key else None,
                        )
                    )
        plan.programmes[key] = programme
        steps_of[key] = steps
        lines[key] = line
    return steps_of, question_panels, lines


def _read_checklist(reader: Reader, root, plan: Plan) -> None:
    for order, (where, _, node) in enumerate(reader.sequence(root, "checklist")):
        if reader.fields(node, where, {"key", "name", "tiers"}, {"when"}) is None:
            continue
        tiers = reader.int_list(node, "tiers", where)
        for number in tiers:
            if number not in plan.tiers:
                reader.fatal(
                    reader.line(node, "tiers"),
                    f"{where}, tiers",
                    f"there is no Tier {number} in this file.",
                )
        item = ChecklistItem(
            year=plan.year,
            key=reader.text_of(node, "key", where),
            order=order,
            name=reader.text_of(node, "name", where),
            when=reader.choice(
                node, "when", where, ChecklistWhen.values, default=ChecklistWhen.ALWAYS
            ),
        )
        plan.checklist.append((item, tiers))


def _read_calendar(reader: Reader, root, plan: Plan) -> dict[dt.date, dict[str, Meeting]]:
    """Each row becomes one meeting for every panel that hears one of the programmes it
    considers. Returns the meetings by panel date and panel key, for cohorts to refer to."""
    rounds: dict[dt.date, dict[str, Meeting]] = {}
    for where, line, node in reader.sequence(root, "calendar"):
        if (
            reader.fields(node, where, {"referral_deadline", "panel_date", "considers"}, {"note"})
            is None
        ):
            continue
        considers = reader.text_list(node, "considers", where)
        note = reader.text_of(node, "note", where, default="")
        # Dates are read once per row; their flags go on every meeting the row makes.
        row_flags = type("Row", (), {"flags": []})()
        deadline = reader.date(node, "referral_deadline", where, row_flags)
        date = reader.date(node, "panel_date", where, row_flags, optional=True)
        if deadline is None:
            continue
        panels: dict[str, list[str]] = {}
        for key in considers:
            programme = plan.programmes.get(key)
            if programme is None:
                reader.fatal(
                    reader.line(node, "considers"),
                    f"{where}, considers",
                    f"{key!r} is not a programme in this file.",
                )
                continue
            steps = [pp for pp in plan.programme_panels if pp.programme is programme]
            if not steps:
                reader.fatal(
                    reader.line(node, "considers"),
                    f"{where}, considers",
                    f"{programme.name} goes to no panel, so no meeting considers it.",
                )
            for pp in steps:
                panels.setdefault(pp.panel.key, []).append(key)
        for panel_key, programme_keys in panels.items():
            meeting = Meeting(
                panel=plan.panels[panel_key],
                date=date,
                referral_deadline=deadline,
                note=note,
                flags=list(row_flags.flags),
            )
            for message in checks.check_meeting(meeting, plan.year):
                add_flag(meeting, message)
            plan.meetings.append((meeting, programme_keys))
            if date is not None:
                rounds.setdefault(date, {})[panel_key] = meeting
        # Report each row's problems once, however many meetings it makes.
        made = [m for m, _ in plan.meetings[-len(panels) :]] if panels else []
        if made:
            for message in checks.check_meeting(made[0], plan.year):
                reader.problems.append(Problem(line, where, message, fatal=False))
    return rounds


def _read_cohorts(reader: Reader, root, plan: Plan, rounds) -> None:
    for where, line, node in reader.sequence(root, "cohorts"):
        if (
            reader.fields(
                node,
                where,
                {"programme", "name", "starts"},
                {"ends", "weeks", "capacity", "decided_at", "note"},
            )
            is None
        ):
            continue
        programme = plan.programmes.get(node.get("programme"))
        if programme is None:
            reader.fatal(
                reader.line(node, "programme"),
                f"{where}, programme",
                f"{node.get('programme')!r} is not a programme in this file.",
            )
            continue
        cohort = Cohort(
            programme=programme,
            name=reader.text_of(node, "name", where),
            flags=[],
            weeks=reader.number(node, "weeks", where, minimum=1),
            capacity=reader.number(node, "capacity", where, minimum=1),
            note=reader.text_of(node, "note", where, default=""),
        )
        where = f"{where} ({programme.key} {cohort.name})"
        cohort.starts_on = reader.date(node, "starts", where, cohort)
        cohort.ends_on = reader.date(node, "ends", where, cohort, optional=True)
        if "decided_at" in node:
            decided = reader.date(node, "decided_at", where, cohort)
            deciding_steps = [pp for pp in plan.programme_panels if pp.programme is programme]
            panel_key = deciding_steps[-1].panel.key if deciding_steps else None
            cohort.decided_at = rounds.get(decided, {}).get(panel_key)
            if decided is not None and cohort.decided_at is None:
                reader.fatal(
                    reader.line(node, "decided_at"),
                    f"{where}, decided_at",
                    f"no meeting in the calendar on {long_date(decided)} decides {programme.name}.",
                )
        if cohort.starts_on is None:
            continue
        for message in checks.check_cohort(cohort, plan.year, plan.terms, programme):
            reader.flag(cohort, line, where, message)
        plan.cohorts.append(cohort)


def _read_courses(reader: Reader, root, plan: Plan) -> None:
    for where, _, node in reader.sequence(root, "courses"):
        if (
            reader.fields(
                node,
                where,
                {"programme", "provider", "title", "weeks", "days_per_week"},
                {"qualification", "level", "year_groups", "fee", "venue"},
            )
            is None
        ):
            continue
        programme = plan.programmes.get(node.get("programme"))
        provider = plan.organisations.get(node.get("provider"))
        if programme is None or not programme.offers_courses:
            reader.fatal(
                reader.line(node, "programme"),
                f"{where}, programme",
                f"{node.get('programme')!r} is not a programme with courses.",
            )
            continue
        if provider is None:
            reader.fatal(
                reader.line(node, "provider"),
                f"{where}, provider",
                f"{node.get('provider')!r} is not a provider in this file.",
            )
            continue
        course = Course(
            programme=programme,
            provider=provider,
            title=reader.text_of(node, "title", where),
            qualification=reader.text_of(node, "qualification", where, default=""),
            level=reader.text_of(node, "level", where, default=""),
            weeks=reader.number(node, "weeks", where, minimum=1) or 1,
            days_per_week=reader.number(node, "days_per_week", where, decimal=True) or 0,
            year_groups=reader.int_list(node, "year_groups", where) or programme.year_groups,
            fee=reader.number(node, "fee", where, decimal=True),
            venue=reader.text_of(node, "venue", where, default=""),
        )
        if not programme.min_weeks <= course.weeks <= programme.max_weeks:
            reader.fatal(
                reader.line(node, "weeks"),
                f"{where}, weeks",
                f"{course.weeks} weeks is outside {programme.name}'s "
                f"{programme.min_weeks} to {programme.max_weeks} weeks.",
            )
        if not set(course.year_groups) <= set(programme.year_groups):
            reader.fatal(
                reader.line(node, "year_groups"),
                f"{where}, year_groups",
                f"{programme.name} is only for Years {', '.join(map(str, programme.year_groups))}.",
            )
        plan.courses.append(course)


def _read_benefits(reader: Reader, root, plan: Plan) -> None:
    """What the agreement gives a school beyond placements, each with how it is given (what
    the CAP team allocates) and how often it is expected."""
    keys: set[str] = set()
    required = {"key", "name", "gives", "given_as"}
    for order, (where, line, node) in enumerate(reader.sequence(root, "benefits")):
        if reader.fields(
            node,
            where,
            required,
            {"frequency", "length", "provided_by", "tiers", "condition", "confidential"},
        ) is None or not required <= set(node):
            continue
        key = reader.text_of(node, "key", where)
        where = f"benefit {key}"
        if key in keys:
            reader.fatal(line, where, "the key is used twice.")
            continue
        keys.add(key)
        benefit = Benefit(
            year=plan.year,
            key=key,
            order=order,
            name=reader.text_of(node, "name", where),
            gives=reader.text_of(node, "gives", where),
            given_as=reader.choice(node, "given_as", where, BenefitGivenAs.values),
            frequency=reader.choice(
                node, "frequency", where, BenefitFrequency.values, BenefitFrequency.AS_NEEDED
            ),
            length=reader.text_of(node, "length", where, default=""),
            provided_by=reader.text_of(node, "provided_by", where, default=""),
            tiers=reader.int_list(node, "tiers", where),
            condition=reader.text_of(node, "condition", where, default=""),
            confidential=reader.boolean(node, "confidential", where),
        )
        for number in benefit.tiers:
            if number not in plan.tiers:
                reader.fatal(
                    reader.line(node, "tiers"),
                    f"{where}, tiers",
                    f"there is no Tier {number} in this file.",
                )
        weekly = benefit.frequency == BenefitFrequency.WEEKLY
        if benefit.given_as == BenefitGivenAs.PRACTITIONER_WEEKLY and not weekly:
            reader.fatal(
                reader.line(node, "given_as"),
                f"{where}, given_as",
                "a practitioner on a day each week needs frequency: weekly.",
            )
        elif weekly and benefit.given_as != BenefitGivenAs.PRACTITIONER_WEEKLY:
            reader.fatal(
                reader.line(node, "frequency"),
                f"{where}, frequency",
                "only a practitioner on a day each week (given_as: practitioner_weekly) "
                "is expected weekly.",
            )
        if benefit.given_as == BenefitGivenAs.EVENT_PLACES and "frequency" in node:
            reader.fatal(
                reader.line(node, "frequency"),
                f"{where}, frequency",
                "places at events follow the events' own dates: leave frequency out.",
            )
        if benefit.confidential and benefit.given_as != BenefitGivenAs.ONE_TO_ONES:
            reader.fatal(
                reader.line(node, "confidential"),
                f"{where}, confidential",
                "only one-to-one meetings with the headteacher (given_as: one_to_ones) "
                "are kept confidential.",
            )
        plan.benefits.append(benefit)


def _check_programmes(reader: Reader, plan: Plan, steps_of, question_panels, lines) -> None:
    heard: dict[str, set[str]] = {key: set() for key in plan.programmes}
    for meeting, programme_keys in plan.meetings:
        for key in programme_keys:
            heard[key].add(meeting.panel.name)
    for key, programme in plan.programmes.items():
        if programme.route not in ROUTE_PANEL_STEPS:
            continue
        cohorts = [c for c in plan.cohorts if c.programme is programme]
        for message in checks.check_programme(
            programme,
            steps={step: plan.panels[k].name for step, k in steps_of[key].items()},
            question_panels={plan.panels[k].name for k in question_panels[key]},
            heard_by=heard[key],
            cohorts=cohorts,
        ):
            reader.flag(programme, lines[key], f"programme {key}", message)


def read_model_file(path: Path) -> tuple[Plan | None, list[Problem]]:
    return read_model(Path(path).read_text(encoding="utf-8"))
