"""Synthetic volume for the benchmark: schools, settings, students, applications in every
state, placements, panel items, quality records, population counts, and marks with their
alerts, weekly tallies and each setting's weekly sums of them, at a scale of national
volume (1.0 is 200,000 students, 300,000 applications, 200,000 placements and 20 million
marks).

Everything is written in bulk: the rows people make one at a time (students, applications,
placements and the like) are worked out here and sent with COPY; the marks, alerts and
tallies are made by the database itself, with INSERT ... SELECT over the placements and
the school days, a statement each for all the days, into tables whose secondary indexes
are set aside meanwhile and built once at the end. Nothing goes through the services,
which would take hours; the tallies are checked against
placements.services.tallies_rebuild on two sample weeks so the figures count exactly what
the service would have kept.

Run by bench/common.py's volume_ready after django.setup(); never imported by the project.
"""
# ruff: noqa: S311, S608 - random makes synthetic data, not secrets; the SQL is built from
# this module's own table names and constants, never from input.

import bisect
import datetime as dt
import io
import itertools
import json
import random
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from stdnum.gb import upn

from accounts.models import Membership, Organisation, OrganisationKind, Role, User
from applications.models import Agency, Application, ProviderDeclineReason, ReferralReason
from applications.workflow import Status
from audit.models import Event
from dashboards.models import PopulationCount, PopulationUpload
from lib.dates import add_working_days, is_working_day
from panels.models import AgendaItem, Decision, Outcome, OutcomeNotice, PanelMember
from panels.workflow import ItemState
from placements import schedule
from placements.models import (
    Alert,
    AttendanceCode,
    Category,
    ExitOutcome,
    Mark,
    MarkChange,
    MarkTally,
    Phase,
    Placement,
    SettingTally,
)
from placements.services import tallies_rebuild
from programmes.calendar import Calendar
from programmes.models import (
    ROUTE_PANEL_STEPS,
    AcademicYear,
    Cohort,
    Course,
    Meeting,
    Panel,
    PanelStep,
    Programme,
    ProgrammePanel,
    Route,
    Subscription,
    Term,
)
from quality import services as quality_services
from quality.models import (
    ComplianceArea,
    DfeRegistration,
    Evidence,
    EvidenceItem,
    EvidenceStatus,
    ProviderRecord,
    Rating,
    Review,
    ReviewRating,
    SettingType,
)
from safeguarding.models import VIEWED, Concern, EntryKind
from safeguarding.models import Category as ConcernCategory
from safeguarding.models import Entry as ConcernEntry
from safeguarding.models import Outcome as ConcernOutcome
from students.models import (
    CarePlan,
    EnrolmentStatus,
    Ethnicity,
    SchoolRegistration,
    SenProvision,
    Sex,
    Student,
)

ROOT = Path(__file__).resolve().parent.parent
MODEL_FILE = ROOT / "programmes" / "data" / "coventry-2025-26.yaml"
SEED = 13
EMAIL_DOMAIN = "bench.cap.invalid"  # .invalid: never a real address (RFC 2606)
MANAGER_EMAIL = f"manager@{EMAIL_DOMAIN}"
# The CAP team's other roles: its safeguarding lead (a DSL at the local authority), a
# finance officer and a panel member who sits on every panel.
SAFEGUARDING_EMAIL = f"safeguarding@{EMAIL_DOMAIN}"
FINANCE_EMAIL = f"finance@{EMAIL_DOMAIN}"
PANEL_EMAIL = f"panel@{EMAIL_DOMAIN}"
# Safeguarding concerns: one student in this many has one or more.
CONCERN_ONE_IN = 40

# National volume; a scale multiplies these. Schools and settings follow the national count
# too (about 3,500 secondary schools and 2,000 settings) so that one school's or one
# setting's pages see a realistic amount whatever the scale, while the CAP team's see all.
NATIONAL = {
    "students": 200_000,
    "applications": 300_000,
    "placements": 200_000,
    "marks": 20_000_000,
    "schools": 3_500,
    "settings": 2_000,
    "academies": 300,
    "cap_officers": 40,
    "monitoring_officers": 300,
}
MINIMUM = {"schools": 20, "settings": 10, "academies": 1, "cap_officers": 3}

# Programmes by key, how often each is applied for.
PROGRAMME_WEIGHTS = {
    "work-based-learning": 24,
    "curriculum-support": 14,
    "employability": 14,
    "insight": 12,
    "flourish": 10,
    "supported-transfer": 8,
    "refocus": 6,
    "focus-11": 4,
    "year-11-post-16": 8,
}
YEAR_11_ONLY = {"focus-11", "year-11-post-16"}
ACADEMY_PROGRAMMES = {"refocus", "focus-11"}
# Weeks a provider's course may run, by programme (within the programme's own limits).
COURSE_WEEKS = [12, 24, 30, 36, 39, 39]
# Days a week of a provider's course, and the programmes whose days the model fixes.
COURSE_DAYS = [3, 4, 5, 5, 5]
FIXED_DAYS = {"insight", "flourish"}

S = Status
# The statuses of applications that did not (or not yet) become a placement, by route.
PROVIDER_STATUSES = {
    S.DRAFT: 12,
    S.DISCARDED: 3,
    S.SUBMITTED: 8,
    S.RETURNED: 3,
    S.ACCEPTED: 6,
    S.PACK_SENT: 8,
    S.INTERVIEW_ARRANGED: 4,
    S.INTERVIEW_HELD: 3,
    S.PROVIDER_ACCEPTED: 4,
    S.PROVIDER_DECLINED: 8,
    S.START_CONFIRMED: 5,
    S.DECLINED: 12,
    S.WITHDRAWN: 12,
    S.CLOSED: 5,
}
PANEL_STATUSES = {
    S.DRAFT: 12,
    S.DISCARDED: 3,
    S.SUBMITTED: 6,
    S.RETURNED: 2,
    S.AT_PANEL: 14,
    S.PANEL_RETURNED: 4,
    S.PANEL_APPROVED: 12,
    S.WAITING_LIST: 8,
    S.PANEL_DECLINED: 20,
    S.DECLINED: 5,
    S.WITHDRAWN: 10,
    S.CLOSED: 3,
}
# Flourish goes to a panel and then to a provider.
PANEL_THEN_PROVIDER_STATUSES = {
    **PANEL_STATUSES,
    S.PACK_SENT: 5,
    S.INTERVIEW_HELD: 3,
    S.PROVIDER_ACCEPTED: 2,
    S.PROVIDER_DECLINED: 4,
    S.START_CONFIRMED: 4,
}
# Statuses early in the journey: applications in them were started recently.
FIRST_DRAFTS = dt.date(2025, 6, 1)  # the first applications, for 2025-26
RECENT = {
    S.DRAFT,
    S.SUBMITTED,
    S.RETURNED,
    S.ACCEPTED,
    S.AT_PANEL,
    S.PANEL_RETURNED,
    S.PACK_SENT,
    S.INTERVIEW_ARRANGED,
    S.INTERVIEW_HELD,
    S.PROVIDER_ACCEPTED,
    S.START_CONFIRMED,
}
NOT_SUBMITTED = {S.DRAFT, S.DISCARDED}
# Statuses reached only after CAP's or the first panel's decision.
DECIDED = {
    S.ACCEPTED,
    S.PACK_SENT,
    S.INTERVIEW_ARRANGED,
    S.INTERVIEW_HELD,
    S.PROVIDER_ACCEPTED,
    S.PROVIDER_DECLINED,
    S.START_CONFIRMED,
    S.PANEL_APPROVED,
    S.WAITING_LIST,
    S.PANEL_DECLINED,
    S.DECLINED,
    S.CLOSED,
    S.PLACED,
}
PACKED = {
    S.PACK_SENT,
    S.INTERVIEW_ARRANGED,
    S.INTERVIEW_HELD,
    S.PROVIDER_ACCEPTED,
    S.PROVIDER_DECLINED,
    S.START_CONFIRMED,
    S.PLACED,
}
INTERVIEWED = {S.INTERVIEW_ARRANGED, S.INTERVIEW_HELD, S.PROVIDER_ACCEPTED, S.START_CONFIRMED}
OFFERED = {S.PROVIDER_ACCEPTED, S.START_CONFIRMED}

EXIT_WEIGHTS = {
    ExitOutcome.RETURNED: 50,
    ExitOutcome.MANAGED_MOVE: 8,
    ExitOutcome.ANOTHER_TIER: 12,
    ExitOutcome.NEET: 6,
    ExitOutcome.OTHER: 6,
}
ETHNICITY_WEIGHTS = {
    Ethnicity.WBRI: 52,
    Ethnicity.WIRI: 1,
    Ethnicity.WIRT: 1,
    Ethnicity.WROM: 2,
    Ethnicity.WOTH: 7,
    Ethnicity.MWBC: 4,
    Ethnicity.MWBA: 1,
    Ethnicity.MWAS: 2,
    Ethnicity.MOTH: 3,
    Ethnicity.AIND: 6,
    Ethnicity.APKN: 4,
    Ethnicity.ABAN: 2,
    Ethnicity.AOTH: 2,
    Ethnicity.BCRB: 2,
    Ethnicity.BAFR: 6,
    Ethnicity.BOTH: 1,
    Ethnicity.CHNE: 1,
    Ethnicity.OOTH: 2,
    Ethnicity.REFU: 1,
    Ethnicity.NOBT: 2,
}
# Year groups of referred students in their year (older students are referred more).
YEAR_GROUP_WEIGHTS = {7: 8, 8: 14, 9: 22, 10: 30, 11: 26}
FIRST_NAMES = (  # noqa: SIM905 - a list of words
    "Alex Jordan Casey Riley Morgan Taylor Jamie Charlie Reece Kai Leah Maya Ibrahim "
    "Zara Tyler Amelia Noah Ruby Harvey Aleena Oliver Freya Mason Ava Logan Isla "
    "Ethan Poppy Kacper Amira Connor Jessica Callum Sofia Lewis Ellie Dylan Hannah "
    "Rhys Aisha"
).split()
LAST_NAMES = (  # noqa: SIM905 - a list of words
    "Adams Brown Carter Davies Edwards Fisher Green Hall Iqbal Khan Lewis Morris "
    "Nowak Okafor Patel Quinn Roberts Singh Thomas Usman Walker Wright Young Ahmed "
    "Bell Clarke Evans Hughes Jones Kaur Mahmood Murphy Price Shah Smith Turner Ward "
    "Wilson Wood Begum"
).split()
TOWNS = (  # noqa: SIM905 - a list of words
    "Allesley Binley Canley Cheylesmore Coundon Earlsdon Foleshill Holbrooks "
    "Keresley Longford Radford Stoke Tilehill Walsgrave Whitley Willenhall Wyken "
    "Styvechale Tollbar Finham Brownshill Henley Ernesford Pottersgreen Bellgreen "
    "Hillfields Spon"
).split()

# Absence and other codes a setting records when a student does not attend, with weights.
ABSENT_CODES = ["I"] * 30 + ["M"] * 8 + ["C"] * 4 + ["R"] * 2 + ["T"] * 1 + ["E"] * 2
ABSENT_CODES += ["N"] * 14 + ["O"] * 22 + ["G"] * 5 + ["U"] * 7 + ["Y7"] * 3 + ["Q"] * 2
APPROVED_CODES = ["V", "P", "W"]


@dataclass
class Sizes:
    students: int
    applications: int
    placements: int
    marks: int
    schools: int
    settings: int
    academies: int
    cap_officers: int
    monitoring_officers: int

    @classmethod
    def at(cls, scale: float) -> "Sizes":
        return cls(
            **{
                key: max(MINIMUM.get(key, 1), round(value * scale))
                for key, value in NATIONAL.items()
            }
        )


# The tables the audit events and the marks fill with millions of rows: their secondary
# indexes are built after the load rather than kept up row by row.
BULK_TABLES = [model._meta.db_table for model in (Mark, MarkChange, Alert, MarkTally, Event)]


# --- Writing in bulk ---------------------------------------------------------------------


def _sql(statement: str, params=None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


def _one(statement: str, params=None):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchone()[0]


def _all(statement: str, params=None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall()


def _first_id(model) -> int:
    return _one(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {model._meta.db_table}")


def _year_7_starts(born: dt.date) -> dt.date:
    """1 September of the year a child born on `born` starts Year 7 (aged 11 on 31 August)."""
    return dt.date(born.year + (12 if born.month >= 9 else 11), 9, 1)


def copy_rows(model, fields: list[str], rows) -> int:
    """COPY rows (tuples in the order of `fields`, which name attnames such as
    "school_id") into the model's table. Every other column is given its field's default,
    called afresh for each row when it is callable (a UUID), or left to be NULL when the
    field allows it; `auto_now` fields are set to now."""
    meta = model._meta
    given = set(fields)
    now = timezone.now()
    constants: list[tuple[str, object]] = []
    per_row: list[tuple[str, object]] = []
    for field in meta.concrete_fields:
        if field.attname in given or field.primary_key:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            constants.append((field.column, now))
        elif field.has_default() and callable(field.default):
            per_row.append((field.column, field.default))
        elif field.has_default() or not field.null:
            value = field.get_default()
            if value is None and not field.null:
                raise ValueError(f"{meta.label}.{field.name} needs a value")
            constants.append((field.column, value))
    columns = [meta.get_field(name).column if name != "id" else "id" for name in fields]
    columns += [c for c, _ in constants] + [c for c, _ in per_row]

    def as_copied(value):
        if isinstance(value, list | dict):
            return json.dumps(value)
        return value

    fixed = tuple(as_copied(v) for _, v in constants)
    makers = [make for _, make in per_row]
    count = 0
    with connection.cursor() as cursor:
        statement = f"COPY {meta.db_table} ({', '.join(columns)}) FROM STDIN"
        with cursor.cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(
                    (
                        *(as_copied(v) for v in row),
                        *fixed,
                        *(as_copied(make()) for make in makers),
                    )
                )
                count += 1
    if "id" in given:
        _sql(
            f"SELECT setval(pg_get_serial_sequence('{meta.db_table}', 'id'), "
            f"(SELECT MAX(id) FROM {meta.db_table}))"
        )
    return count


def _weighted(weights: dict):
    """A chooser of keys in proportion to their weights."""
    keys = list(weights)
    cumulative = list(itertools.accumulate(weights[k] for k in keys))
    total = cumulative[-1]

    def choose(rng: random.Random):
        return keys[bisect.bisect_right(cumulative, rng.random() * total)]

    return choose


def _skewed(items: list, rng: random.Random, sigma: float):
    """A chooser of items of unequal size (log-normal weights): a few big, most middling."""
    weights = [rng.lognormvariate(0, sigma) for _ in items]
    cumulative = list(itertools.accumulate(weights))
    total = cumulative[-1]

    def choose(r: random.Random):
        return items[min(bisect.bisect_right(cumulative, r.random() * total), len(items) - 1)]

    return choose


def _aware(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _moment(rng: random.Random, day: dt.date) -> dt.datetime:
    """A time in the working day on `day`."""
    return _aware(day, rng.randint(8, 16), rng.randint(0, 59))


def _days(rng: random.Random, low: int, high: int) -> dt.timedelta:
    return dt.timedelta(days=rng.randint(low, high))


# --- The generator -----------------------------------------------------------------------


class Generator:
    def __init__(self, scale: float, log):
        self.scale = scale
        self.sizes = Sizes.at(scale)
        self.log = log
        self.rng = random.Random(SEED)
        self.today = timezone.localdate()
        self.now = timezone.now()

    # The steps, in order ---------------------------------------------------------------

    def run(self) -> dict:
        started = time.monotonic()
        self.model_of_support()
        with connection.cursor() as cursor:
            # Bulk loading: skip the foreign key triggers (every row is made consistent
            # here), keep the commit cheap and give sorts room.
            cursor.execute("SET session_replication_role = replica")
            cursor.execute("SET synchronous_commit = off")
            cursor.execute("SET work_mem = '256MB'")
            cursor.execute("SET maintenance_work_mem = '1GB'")  # the indexes rebuilt at the end
            cursor.execute("SET temp_buffers = '1GB'")  # the marks' working tables
        self.steps = {"model_of_support": round(time.monotonic() - started, 1)}
        try:
            for step in (
                self.organisations,
                self.people,
                self.courses,
                self.students,
                self.applications_and_placements,
                self.application_references,
                self.panels,
                self.quality,
                self.population,
                self.safeguarding,
                self.indexes_set_aside,
                self.audit_events,
                self.marks,
                self.indexes_rebuilt,
            ):
                began = time.monotonic()
                step()
                self.steps[step.__name__] = round(time.monotonic() - began, 1)
        finally:
            _sql("RESET session_replication_role")
        began = time.monotonic()
        self.tallies_check()
        self.steps["tallies_check"] = round(time.monotonic() - began, 1)
        self.log("VACUUM ANALYZE")
        began = time.monotonic()
        _sql("VACUUM ANALYZE")
        self.steps["vacuum_analyze"] = round(time.monotonic() - began, 1)
        counts = self.counts()
        counts["seconds"] = round(time.monotonic() - started)
        counts["steps"] = self.steps
        return counts

    def counts(self) -> dict:
        models = {
            "schools": Organisation.objects.filter(kind=OrganisationKind.SCHOOL),
            "settings": Organisation.objects.filter(placements_provided__isnull=False).distinct(),
            "students": Student.objects.all(),
            "applications": Application.objects.all(),
            "placements": Placement.objects.all(),
            "marks": Mark.objects.all(),
            "tallies": MarkTally.objects.all(),
            "alerts": Alert.objects.all(),
            "agenda_items": AgendaItem.objects.all(),
            "concerns": Concern.objects.all(),
            "audit_events": Event.objects.all(),
        }
        return {name: qs.count() for name, qs in models.items()}

    def model_of_support(self) -> None:
        self.log("Model of support: migrate, load_model, rollover_year")
        said = {"stdout": io.StringIO(), "stderr": io.StringIO()}  # the model file's own flags
        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_model", str(MODEL_FILE), flagged=True, skip_existing=True, **said)
        call_command("rollover_year", "2025-26", skip_existing=True, **said)
        quality_services.framework_load()
        self.years = {y.name: y for y in AcademicYear.objects.order_by("starts_on")}
        self.terms = list(Term.objects.order_by("starts_on"))
        self.programmes = {
            (p.year_id, p.key): p for p in Programme.objects.select_related("tier", "delivered_by")
        }

    def organisations(self) -> None:
        sizes, rng = self.sizes, self.rng
        self.log(
            f"Organisations: {sizes.schools:,} schools, {sizes.settings:,} training providers, "
            f"{sizes.academies:,} AP academies"
        )
        rows = [
            (f"{TOWNS[0]} local authority (benchmark)", OrganisationKind.LOCAL_AUTHORITY, "", "")
        ]
        for i in range(sizes.schools):
            town = TOWNS[i % len(TOWNS)]
            kind = ("Academy", "School", "High School", "Community College")[i % 4]
            rows.append(
                (f"{town} {kind} {i + 1:04d}", OrganisationKind.SCHOOL, f"{900000 + i}", "")
            )
        for i in range(sizes.settings):
            trade = ("Skills", "Training", "Futures", "Learning", "Academy of Trades")[i % 5]
            rows.append(
                (
                    f"{TOWNS[(i * 7) % len(TOWNS)]} {trade} {i + 1:04d}",
                    OrganisationKind.TRAINING_PROVIDER,
                    "",
                    f"{18000000 + i}",
                )
            )
        for i in range(sizes.academies - 1):  # the model file's academy is the first
            rows.append(
                (
                    f"{TOWNS[(i * 3) % len(TOWNS)]} AP Academy {i + 2:03d}",
                    OrganisationKind.AP_ACADEMY,
                    f"{990000 + i}",
                    "",
                )
            )
        copy_rows(Organisation, ["name", "kind", "urn", "ukprn"], rows)
        by_kind = {}
        for org_id, kind in Organisation.objects.values_list("id", "kind").order_by("id"):
            by_kind.setdefault(kind, []).append(org_id)
        self.la = Organisation.objects.get(kind=OrganisationKind.LOCAL_AUTHORITY).pk
        self.schools = by_kind[OrganisationKind.SCHOOL]
        self.academies = by_kind[OrganisationKind.AP_ACADEMY]
        self.providers = by_kind[OrganisationKind.TRAINING_PROVIDER]
        self.school_of = _skewed(self.schools, rng, 0.5)
        self.academy_of = _skewed(self.academies, rng, 0.5)
        # Training providers' sizes, to weight the choice of their courses.
        self.provider_weight = {p: rng.lognormvariate(0, 0.8) for p in self.providers}

    def people(self) -> None:
        sizes = self.sizes
        self.log("People: the CAP team, one person at each school and setting")
        users = [(MANAGER_EMAIL, "Benchmark CAP manager", Role.CAP_MANAGER, self.la)]
        users += [
            (f"officer{i}@{EMAIL_DOMAIN}", f"CAP officer {i}", Role.CAP_OFFICER, self.la)
            for i in range(sizes.cap_officers)
        ]
        users += [
            (
                f"monitoring{i}@{EMAIL_DOMAIN}",
                f"Monitoring officer {i}",
                Role.MONITORING_OFFICER,
                self.la,
            )
            for i in range(sizes.monitoring_officers)
        ]
        users += [
            (SAFEGUARDING_EMAIL, "Benchmark safeguarding lead", Role.DSL, self.la),
            (FINANCE_EMAIL, "Benchmark finance officer", Role.FINANCE_OFFICER, self.la),
            (PANEL_EMAIL, "Benchmark panel member", Role.PANEL_MEMBER, self.la),
        ]
        users += [
            (f"school{s}@{EMAIL_DOMAIN}", f"Coordinator {s}", Role.REFERRER, s)
            for s in self.schools
        ]
        users += [
            (f"setting{p}@{EMAIL_DOMAIN}", f"Course leader {p}", Role.PROVIDER_STAFF, p)
            for p in self.providers + self.academies
        ]
        # Each school's and setting's designated safeguarding lead.
        users += [
            (f"dsl{o}@{EMAIL_DOMAIN}", f"Safeguarding lead {o}", Role.DSL, o)
            for o in self.schools + self.providers + self.academies
        ]
        first = _first_id(User)
        copy_rows(
            User,
            ["id", "email", "full_name", "password"],
            (
                (first + i, email, name, "!benchmark-no-password")
                for i, (email, name, _, _) in enumerate(users)
            ),
        )
        copy_rows(
            Membership,
            ["user_id", "organisation_id", "role"],
            ((first + i, org, role) for i, (_, _, role, org) in enumerate(users)),
        )
        ids = {email: first + i for i, (email, *_) in enumerate(users)}
        self.manager = ids[MANAGER_EMAIL]
        self.safeguarding_lead = ids[SAFEGUARDING_EMAIL]
        self.dsl_user = {
            o: ids[f"dsl{o}@{EMAIL_DOMAIN}"] for o in self.schools + self.providers + self.academies
        }
        # The panel member sits on every panel of every year.
        copy_rows(
            PanelMember,
            ["panel_id", "user_id"],
            ((panel, ids[PANEL_EMAIL]) for panel in Panel.objects.values_list("pk", flat=True)),
        )
        self.officers = [ids[f"officer{i}@{EMAIL_DOMAIN}"] for i in range(sizes.cap_officers)]
        self.monitors = [
            ids[f"monitoring{i}@{EMAIL_DOMAIN}"] for i in range(sizes.monitoring_officers)
        ]
        self.school_user = {s: ids[f"school{s}@{EMAIL_DOMAIN}"] for s in self.schools}
        self.setting_user = {
            p: ids[f"setting{p}@{EMAIL_DOMAIN}"] for p in self.providers + self.academies
        }
        # The model file's providers get a person too.
        model_providers = list(
            Organisation.objects.filter(kind=OrganisationKind.TRAINING_PROVIDER)
            .exclude(pk__in=self.providers)
            .values_list("pk", flat=True)
        )
        first = _first_id(User)
        copy_rows(
            User,
            ["id", "email", "full_name", "password"],
            (
                (
                    first + i,
                    f"setting{p}@{EMAIL_DOMAIN}",
                    f"Course leader {p}",
                    "!benchmark-no-password",
                )
                for i, p in enumerate(model_providers)
            ),
        )
        copy_rows(
            Membership,
            ["user_id", "organisation_id", "role"],
            ((first + i, p, Role.PROVIDER_STAFF) for i, p in enumerate(model_providers)),
        )
        for i, p in enumerate(model_providers):
            self.setting_user[p] = first + i
            self.provider_weight[p] = self.rng.lognormvariate(0, 0.8)
        # Subscriptions: most schools take out the service level agreement each year.
        rows = []
        for year in self.years.values():
            rows += [
                (year.pk, s, year.sla_tier1_placements)
                for s in self.schools
                if self.rng.random() < 0.85
            ]
        copy_rows(Subscription, ["year_id", "school_id", "tier1_placements"], rows)

    def courses(self) -> None:
        """Courses for the benchmark's training providers, on the programmes that offer
        them, in both years; the model file's own providers keep its courses."""
        rng = self.rng
        offering = sorted({key for (_, key), p in self.programmes.items() if p.offers_courses})
        rows = []
        for provider in self.providers:
            for key in rng.sample(offering, rng.randint(1, 3)):
                wanted = rng.choice(COURSE_WEEKS)
                chosen = Decimal(rng.choice(COURSE_DAYS))
                for year in self.years.values():
                    programme = self.programmes[(year.pk, key)]
                    weeks = min(max(wanted, programme.min_weeks), programme.max_weeks)
                    # A provider's course sets its own days; the therapeutic programmes
                    # keep the model's.
                    days = programme.days_per_week if key in FIXED_DAYS else chosen
                    rows.append(
                        (
                            programme.pk,
                            provider,
                            f"{programme.name}: course {provider}",
                            "Level 1 Award",
                            "Level 1",
                            weeks,
                            days,
                            [10, 11] if key not in YEAR_11_ONLY else [11],
                        )
                    )
        self.log(f"Courses: {len(rows):,}")
        copy_rows(
            Course,
            [
                "programme_id",
                "provider_id",
                "title",
                "qualification",
                "level",
                "weeks",
                "days_per_week",
                "year_groups",
            ],
            rows,
        )
        # Courses of each programme with their providers' weights, to choose from.
        self.courses_of: dict[int, tuple] = {}
        found: dict[int, list] = {}
        for course in Course.objects.values(
            "pk", "programme_id", "provider_id", "weeks", "days_per_week"
        ):
            found.setdefault(course["programme_id"], []).append(course)
        for programme_id, courses in found.items():
            weights = [self.provider_weight.get(c["provider_id"], 1.0) for c in courses]
            self.courses_of[programme_id] = (courses, list(itertools.accumulate(weights)))

    def _course(self, programme: Programme) -> dict:
        courses, cumulative = self.courses_of[programme.pk]
        i = bisect.bisect_right(cumulative, self.rng.random() * cumulative[-1])
        return courses[min(i, len(courses) - 1)]

    def students(self) -> None:
        """Students in two pools, one referred in each academic year, with year groups
        7 to 11 in that year."""
        sizes, rng = self.sizes, self.rng
        self.log(f"Students: {sizes.students:,}")
        year_group = _weighted(YEAR_GROUP_WEIGHTS)
        ethnicity = _weighted(ETHNICITY_WEIGHTS)
        sex = _weighted({Sex.MALE: 62, Sex.FEMALE: 37, Sex.UNKNOWN: 1})
        sen = _weighted(
            {SenProvision.NONE: 62, SenProvision.SEN_SUPPORT: 30, SenProvision.EHC_PLAN: 8}
        )
        care = _weighted(
            {CarePlan.NONE: 85, CarePlan.CHILD_IN_NEED: 11, CarePlan.CHILD_PROTECTION: 4}
        )
        first = _first_id(Student)
        names = list(self.years)
        self.pool: dict[str, dict[str, list]] = {name: {"all": [], "y11": []} for name in names}
        self.student_school: dict[int, int] = {}
        rows = []
        for i in range(sizes.students):
            pk = first + i
            name = names[0] if i < sizes.students * 0.62 else names[1]
            starting = self.years[name].starts_on.year
            group = year_group(rng)
            # Year N in the year starting S: born from 1 September S-N-5 to 31 August S-N-4.
            born = dt.date(starting - group - 5, 9, 1) + _days(rng, 0, 364)
            school = self.school_of(rng)
            self.pool[name]["all"].append(pk)
            if group == 11:
                self.pool[name]["y11"].append(pk)
            self.student_school[pk] = school
            body = f"331{i:09d}"  # Coventry's LA number, then a serial
            rows.append(
                (
                    pk,
                    _upn(body),
                    rng.choice(FIRST_NAMES),
                    rng.choice(LAST_NAMES),
                    born,
                    sex(rng),
                    ethnicity(rng),
                    school,
                    sen(rng),
                    rng.random() < 0.45,
                    rng.random() < 0.06,
                    care(rng),
                    rng.random() < 0.08,
                    rng.random() < 0.5,
                    rng.random() < 0.45,
                    rng.random() < 0.4,
                    rng.random() < 0.25,
                )
            )
        copy_rows(
            Student,
            [
                "id",
                "upn",
                "legal_first_name",
                "legal_last_name",
                "date_of_birth",
                "sex",
                "ethnicity",
                "home_school_id",
                "sen_provision",
                "free_school_meals",
                "looked_after",
                "care_plan",
                "youth_justice",
                "early_help_offer_made",
                "early_help_consent_gained",
                "early_help_recorded_on_ehm",
                "early_help_assessment_and_plan",
            ],
            rows,
        )
        # Each on their home school's roll from the September they joined Year 7, so the
        # schools see them (students.rules).
        copy_rows(
            SchoolRegistration,
            ["student_id", "school_id", "status", "starts_on"],
            ((row[0], row[7], EnrolmentStatus.SINGLE, _year_7_starts(row[4])) for row in rows),
        )

    # Applications and placements ---------------------------------------------------------

    def _year_of(self, day: dt.date) -> AcademicYear:
        for year in self.years.values():
            if year.starts_on <= day <= year.ends_on:
                return year
        return list(self.years.values())[-1]

    def _school_days(self, term: Term) -> list[dt.date]:
        days, day = [], term.starts_on
        while day <= term.ends_on:
            if is_working_day(day) and not (
                term.half_term_starts_on
                and term.half_term_starts_on <= day <= term.half_term_ends_on
            ):
                days.append(day)
            day += dt.timedelta(days=1)
        return days

    def _meetings(self) -> None:
        """Each programme's meetings at each panel step, by date (dated meetings only)."""
        steps = {(pp.programme_id, pp.step): pp.panel_id for pp in ProgrammePanel.objects.all()}
        by_panel: dict[tuple[int, int], list] = {}
        for meeting in Meeting.objects.filter(date__isnull=False).prefetch_related("programmes"):
            for programme in meeting.programmes.all():
                by_panel.setdefault((meeting.panel_id, programme.pk), []).append(meeting)
        self.meetings: dict[tuple[int, str], list[Meeting]] = {}
        for (programme_id, step), panel_id in steps.items():
            found = sorted(by_panel.get((panel_id, programme_id), []), key=lambda m: m.date)
            self.meetings[(programme_id, step)] = found

    def _meeting_before(self, programme: Programme, day: dt.date) -> Meeting | None:
        found = [
            m for m in self.meetings.get((programme.pk, PanelStep.REVIEW), []) if m.date <= day
        ]
        return found[-1] if found else None

    def _meeting_after(self, programme: Programme, day: dt.date) -> Meeting | None:
        return next(
            (
                m
                for m in self.meetings.get((programme.pk, PanelStep.REVIEW), [])
                if m.referral_deadline >= day
            ),
            None,
        )

    def applications_and_placements(self) -> None:
        sizes, rng = self.sizes, self.rng
        self.log(f"Applications: {sizes.applications:,}, of which placements: {sizes.placements:,}")
        self._meetings()
        programme_key = _weighted(PROGRAMME_WEIGHTS)
        exit_outcome = _weighted(EXIT_WEIGHTS)
        self.route_of = {key: p.route for (_, key), p in self.programmes.items()}
        self.status_of = {
            route: _weighted(
                {
                    Route.PROVIDER: PROVIDER_STATUSES,
                    Route.PANEL_THEN_PROVIDER: PANEL_THEN_PROVIDER_STATUSES,
                }.get(route, PANEL_STATUSES)
            )
            for route in Route.values
        }
        referral_reason = [r.value for r in ReferralReason]
        agencies = [a.value for a in Agency]
        cohorts: dict[int, list] = {}
        for cohort in Cohort.objects.order_by("starts_on"):
            cohorts.setdefault(cohort.programme_id, []).append(cohort)
        # Terms placements start in, with how many start in each; a few start next term.
        starts = {}
        for term in self.terms:
            if term.starts_on <= self.today or term.starts_on <= self.today + dt.timedelta(days=60):
                starts[term.pk] = 0.15 if term.starts_on > self.today else 1.0
        start_term = _weighted(starts)
        terms = {t.pk: t for t in self.terms}
        school_days = {pk: self._school_days(terms[pk]) for pk in starts}

        first_app = _first_id(Application)
        first_placement = _first_id(Placement)
        self.apps: list[dict] = []
        placements: list[tuple] = []
        phases: list[tuple] = []
        calendar = Calendar(self.terms)
        yesterday = self.today - dt.timedelta(days=1)

        for n in range(sizes.placements):
            key = programme_key(rng)
            term = terms[start_term(rng)]
            days = school_days[term.pk]
            year = self._year_of(term.starts_on)
            programme = self.programmes[(year.pk, key)]
            course = self._course(programme) if programme.offers_courses else None
            if programme.pk in cohorts and rng.random() < 0.9:
                in_term = [
                    c
                    for c in cohorts[programme.pk]
                    if term.starts_on <= c.starts_on <= term.ends_on
                ]
                starts_on = rng.choice(in_term).starts_on if in_term else rng.choice(days)
            elif rng.random() < 0.5:
                starts_on = rng.choice(days[:15])
            else:
                starts_on = rng.choice(days)
            weeks = course["weeks"] if course else programme.max_weeks
            per_week = (
                course["days_per_week"] if course else (programme.days_per_week or Decimal(4))
            )
            # School weeks, as the set-up step counts them; past the loaded terms (a few
            # start late in the last year), the Friday of the last calendar week.
            monday = starts_on - dt.timedelta(days=starts_on.weekday())
            planned_end_on = calendar.last_school_day_of_week(starts_on, weeks) or max(
                starts_on, monday + dt.timedelta(weeks=weeks, days=-3)
            )
            if course:
                provider = course["provider_id"]
            elif key in ACADEMY_PROGRAMMES:
                provider = self.academy_of(rng)
            else:  # a supported transfer: a receiving school
                provider = self.school_of(rng)
            pool = self.pool[year.name]["y11" if key in YEAR_11_ONLY else "all"]
            student = rng.choice(pool)
            school = self.student_school[student]
            if provider == school:
                provider = self.schools[(self.schools.index(school) + 1) % len(self.schools)]
            ended_on, outcome = None, ""
            if planned_end_on < self.today:
                roll = rng.random()
                if roll < 0.85:
                    ended_on = planned_end_on
                elif roll < 0.93:
                    ended_on = starts_on + dt.timedelta(
                        days=int((planned_end_on - starts_on).days * rng.uniform(0.2, 0.9))
                    )
                elif (self.today - planned_end_on).days > 45:
                    ended_on = planned_end_on + _days(rng, 1, 20)
            elif starts_on < yesterday and rng.random() < 0.06:
                ended_on = starts_on + dt.timedelta(
                    days=int((yesterday - starts_on).days * rng.uniform(0.3, 1))
                )
            if ended_on:
                outcome = exit_outcome(rng)
                if key in YEAR_11_ONLY and rng.random() < 0.6:
                    outcome = ExitOutcome.POST_16
            app = self._placed_application(programme, course, starts_on, student, school, provider)
            app["id"] = first_app + n
            self.apps.append(app)
            placement_id = first_placement + n
            pattern = schedule.default_pattern(starts_on, per_week)
            for phase in schedule.phases_for(key, starts_on, planned_end_on, calendar):
                phases.append(
                    (
                        placement_id,
                        phase["name"],
                        phase["starts_on"],
                        phase["ends_on"],
                        phase["pattern"],
                        True,
                    )
                )
            placements.append(
                (
                    placement_id,
                    app["id"],
                    student,
                    programme.pk,
                    course["pk"] if course else None,
                    provider,
                    school,
                    starts_on,
                    planned_end_on,
                    per_week,
                    programme.registration,
                    programme.away_code,
                    pattern,
                    rng.choice(self.monitors) if rng.random() < 0.95 else None,
                    starts_on - _days(rng, 1, 10),
                    "Course leader",
                    ended_on,
                    outcome,
                    rng.choice(self.officers),
                    min(self.now, _aware(starts_on, 9) - _days(rng, 1, 6)),
                )
            )

        for n in range(sizes.applications - sizes.placements):
            app = self._open_application(programme_key(rng), cohorts)
            app["id"] = first_app + sizes.placements + n
            self.apps.append(app)

        for app in self.apps:
            app.setdefault("referral_reason", rng.choice(referral_reason))
            app["agencies"] = rng.sample(agencies, rng.randint(0, 3))
        fields = [
            "id",
            "student_id",
            "school_id",
            "programme_id",
            "course_id",
            "status",
            "created_by_id",
            "created_at",
            "updated_at",
            "submitted_at",
            "referral_reason",
            "agencies",
            "attendance_percent",
            "suspensions_this_year",
            "parental_consent",
            "status_changed_at",
            "decided_at",
            "assigned_to_id",
            "pack_sent_at",
            "interview_on",
            "proposed_start_on",
            "provider_decline_reason",
            "start_on",
            "panel_step",
            "cohort_id",
            "receiving_school_id",
            "days_per_week",
            "withdrawn_reason",
        ]
        defaults = {
            "course_id": None,
            "submitted_at": None,
            "status_changed_at": None,
            "decided_at": None,
            "pack_sent_at": None,
            "interview_on": None,
            "proposed_start_on": None,
            "provider_decline_reason": "",
            "start_on": None,
            "panel_step": "",
            "cohort_id": None,
            "receiving_school_id": None,
            "days_per_week": None,
            "withdrawn_reason": "",
            "assigned_to_id": None,
        }
        for app in self.apps:
            app["updated_at"] = app.get("status_changed_at") or app["created_at"]
            app["attendance_percent"] = Decimal(rng.randint(350, 990)) / 10
            app["suspensions_this_year"] = rng.choice([0, 0, 1, 1, 2, 3, 5])
            app["parental_consent"] = app["status"] not in NOT_SUBMITTED or rng.random() < 0.5
        copy_rows(
            Application,
            fields,
            ([app.get(f, defaults.get(f)) for f in fields] for app in self.apps),
        )
        self.log(f"Placements: {len(placements):,}; phases: {len(phases):,}")
        copy_rows(
            Placement,
            [
                "id",
                "application_id",
                "student_id",
                "programme_id",
                "course_id",
                "provider_id",
                "home_school_id",
                "starts_on",
                "planned_end_on",
                "days_per_week",
                "registration",
                "away_code",
                "pattern",
                "monitoring_officer_id",
                "safeguarding_confirmed_on",
                "safeguarding_confirmed_by",
                "ended_on",
                "exit_outcome",
                "created_by_id",
                "created_at",
            ],
            placements,
        )
        copy_rows(
            Phase, ["placement_id", "name", "starts_on", "ends_on", "pattern", "planned"], phases
        )
        # Each student's placements with their settings, for safeguarding concerns.
        self.placements_of: dict[int, list[tuple[int, int, dt.date]]] = {}
        for row in placements:
            self.placements_of.setdefault(row[2], []).append((row[0], row[5], row[7]))

    def _placed_application(self, programme, course, starts_on, student, school, provider) -> dict:
        """The application behind a placement, worked back from its start."""
        rng = self.rng
        route = programme.route
        app = {
            "student_id": student,
            "school_id": school,
            "programme_id": programme.pk,
            "course_id": course["pk"] if course else None,
            "status": S.PLACED,
            "created_by_id": self.school_user[school],
            "assigned_to_id": rng.choice(self.officers),
            "start_on": starts_on,
        }
        meeting = None
        if route != Route.PROVIDER:
            # The last meeting a week before the start that has been held.
            held_by = min(starts_on - dt.timedelta(days=7), self.today - dt.timedelta(days=1))
            meeting = self._meeting_before(programme, held_by)
        if meeting is not None:
            decided = _aware(meeting.date, 17)
            submitted = _moment(rng, meeting.referral_deadline - _days(rng, 0, 25))
            app["panel_step"] = list(ROUTE_PANEL_STEPS[route])[-1]
        else:
            decided = _moment(rng, starts_on - _days(rng, 12, 45))
            submitted = decided - _days(rng, 2, 21)
            if route != Route.PROVIDER:
                app["panel_step"] = list(ROUTE_PANEL_STEPS[route])[-1]
        decided = min(decided, self.now - dt.timedelta(hours=2))
        submitted = min(submitted, decided - dt.timedelta(hours=1))
        app["submitted_at"] = submitted
        app["created_at"] = submitted - dt.timedelta(days=rng.uniform(0.1, 14))
        app["decided_at"] = decided
        if programme.offers_courses:
            pack = min(decided + _days(rng, 0, 4), self.now - dt.timedelta(hours=1))
            app["pack_sent_at"] = pack
            app["interview_on"] = min(starts_on, (pack + _days(rng, 2, 10)).date())
            app["proposed_start_on"] = starts_on
            if rng.random() < 0.05:
                app["provider_decline_reason"] = rng.choice(ProviderDeclineReason.values)
        else:
            app["days_per_week"] = programme.days_per_week or Decimal(4)
        if route == Route.PANEL_THEN_HEADTEACHERS:
            app["receiving_school_id"] = provider
        app["status_changed_at"] = min(
            self.now - dt.timedelta(minutes=30),
            max(decided, _aware(starts_on, 9) - _days(rng, 1, 5)),
        )
        app["meeting"] = meeting
        app["route"] = route
        return app

    def _open_application(self, key: str, cohorts) -> dict:
        """An application that has not become a placement, in a status its route allows,
        with the dates that status implies."""
        rng = self.rng
        status = self.status_of[self.route_of[key]](rng)
        # Applications early in their journey were started lately, the rest at any time.
        span = 75 if status in RECENT else (self.today - FIRST_DRAFTS).days
        created = self.now - dt.timedelta(days=rng.uniform(0.2, span))
        # A draft begun in the summer is for the coming academic year.
        year = self._year_of(created.date() + dt.timedelta(days=92))
        programme = self.programmes[(year.pk, key)]
        pool = self.pool[year.name]["y11" if key in YEAR_11_ONLY else "all"]
        student = rng.choice(pool)
        school = self.student_school[student]
        app = {
            "student_id": student,
            "school_id": school,
            "programme_id": programme.pk,
            "course_id": self._course(programme)["pk"] if programme.offers_courses else None,
            "status": status,
            "created_by_id": self.school_user[school],
            "created_at": created,
            "route": programme.route,
        }
        if status in NOT_SUBMITTED:
            if status == S.DISCARDED:
                app["status_changed_at"] = created + _days(rng, 14, 40)
            return self._clamped(app)
        app["assigned_to_id"] = rng.choice(self.officers)
        submitted = created + dt.timedelta(days=rng.uniform(0.05, 14))
        app["submitted_at"] = submitted
        last = submitted
        if programme.route != Route.PROVIDER and status not in (
            S.SUBMITTED,
            S.RETURNED,
            S.DECLINED,
            S.WITHDRAWN,
        ):
            meeting = self._meeting_after(programme, submitted.date())
            app["panel_step"] = PanelStep.REVIEW
            if meeting is None or meeting.date >= self.today:
                status = app["status"] = S.AT_PANEL if status != S.PANEL_RETURNED else status
                app["meeting"] = meeting
            else:
                app["meeting"] = meeting
                if status in (S.AT_PANEL, S.PANEL_RETURNED):
                    pass  # heard, not yet decided: a waiting item at a past meeting
                else:
                    app["decided_at"] = _aware(meeting.date, 17)
                    last = app["decided_at"]
                    app["panel_step"] = list(ROUTE_PANEL_STEPS[programme.route])[-1]
        elif status in DECIDED:
            app["decided_at"] = submitted + _days(rng, 2, 25)
            last = app["decided_at"]
        if status in PACKED and programme.offers_courses:
            app["pack_sent_at"] = last + _days(rng, 0, 5)
            last = app["pack_sent_at"]
            if status in INTERVIEWED:
                app["interview_on"] = (last + _days(rng, 3, 14)).date()
            if status in OFFERED:
                app["proposed_start_on"] = (last + _days(rng, 14, 45)).date()
                if status == S.START_CONFIRMED:
                    app["start_on"] = app["proposed_start_on"]
            if status == S.PROVIDER_DECLINED:
                app["provider_decline_reason"] = rng.choice(ProviderDeclineReason.values)
        if status in (S.PANEL_APPROVED, S.WAITING_LIST) and programme.pk in cohorts:
            app["cohort_id"] = rng.choice(cohorts[programme.pk]).pk
        if status == S.START_CONFIRMED and not programme.offers_courses:
            app["start_on"] = (last + _days(rng, 10, 40)).date()
            app["days_per_week"] = programme.days_per_week or Decimal(4)
        if status == S.WITHDRAWN:
            app["withdrawn_reason"] = "The family moved away."
            last = last + _days(rng, 1, 30)
        elif status == S.CLOSED:
            last = last + _days(rng, 5, 60)
        app["status_changed_at"] = last
        return self._clamped(app)

    def _clamped(self, app: dict) -> dict:
        """No moment after now: a later one is pulled back to the hour before."""
        latest = self.now - dt.timedelta(minutes=5)
        for name in (
            "created_at",
            "submitted_at",
            "decided_at",
            "pack_sent_at",
            "status_changed_at",
        ):
            if app.get(name) and app[name] > latest:
                app[name] = latest
        return app

    # Panels -------------------------------------------------------------------------------

    def panels(self) -> None:
        """Agenda items at each panel step of a panel route, their decisions (some deferred
        to the next meeting and rolled) and the outcome notices, from the applications'
        statuses."""
        rng = self.rng
        items, decisions, notices = [], [], []
        item_id, decision_id = _first_id(AgendaItem), _first_id(Decision)
        panel_approved = {S.PLACED, S.PANEL_APPROVED, S.WAITING_LIST, *PACKED}
        for app in self.apps:
            meeting = app.get("meeting")
            if meeting is None or app["route"] == Route.PROVIDER:
                continue
            programme_id = app["programme_id"]
            status = app["status"]
            steps = list(ROUTE_PANEL_STEPS[app["route"]])
            heard = meeting.date < self.today and status not in (S.AT_PANEL, S.PANEL_RETURNED)
            if not heard:
                items.append(
                    (
                        item_id,
                        meeting.pk,
                        app["id"],
                        steps[0],
                        ItemState.WAITING,
                        None,
                        _aware(meeting.referral_deadline, 12),
                    )
                )
                item_id += 1
                continue
            previous = None
            submitted = app["submitted_at"].date()
            earlier = [
                m
                for m in self.meetings[(programme_id, steps[0])]
                if m.date < meeting.date and m.referral_deadline >= submitted
            ]
            if earlier and rng.random() < 0.06:  # deferred once, heard at the next meeting
                first = earlier[-1]
                items.append(
                    (
                        item_id,
                        first.pk,
                        app["id"],
                        steps[0],
                        ItemState.DECIDED,
                        None,
                        _aware(first.referral_deadline, 12),
                    )
                )
                decisions.append((decision_id, item_id, Outcome.DEFERRED, meeting.pk, first.date))
                previous, item_id, decision_id = item_id, item_id + 1, decision_id + 1
            if status == S.WAITING_LIST:
                final = Outcome.WAITING_LIST
            elif status == S.PANEL_DECLINED:
                final = Outcome.DECLINED
            elif status in panel_approved:
                final = Outcome.APPROVED_WITH_CONDITIONS if rng.random() < 0.2 else Outcome.APPROVED
            else:
                final = Outcome.MORE_INFORMATION
            for index, step in enumerate(steps):
                found = [
                    m for m in self.meetings.get((programme_id, step), []) if m.date == meeting.date
                ]
                at = found[0] if found else meeting
                last = index == len(steps) - 1
                outcome = final if last else Outcome.APPROVED
                if not last and final == Outcome.DECLINED and rng.random() < 0.5:
                    outcome, last = Outcome.DECLINED, True
                items.append(
                    (
                        item_id,
                        at.pk,
                        app["id"],
                        step,
                        ItemState.DECIDED,
                        previous if index == 0 else None,
                        _aware(at.referral_deadline, 12),
                    )
                )
                decisions.append((decision_id, item_id, outcome, None, at.date))
                item_id, decision_id = item_id + 1, decision_id + 1
                if last:
                    break
        self.log(f"Panels: {len(items):,} agenda items, {len(decisions):,} decisions")
        copy_rows(
            AgendaItem,
            ["id", "meeting_id", "application_id", "step", "state", "moved_from_id", "added_at"],
            items,
        )
        app_of_item = {row[0]: row[2] for row in items}
        rows = []
        for pk, item, outcome, deferred_to, day in decisions:
            rows.append(
                (
                    pk,
                    item,
                    outcome,
                    "Decided at the meeting (benchmark).",
                    deferred_to,
                    self.manager,
                    _aware(day, 17),
                )
            )
            due = add_working_days(day, 3)
            roll = rng.random()
            if roll < 0.82:
                sent = _moment(rng, min(due, day + _days(rng, 0, 4)))
            elif roll < 0.94:
                sent = _moment(rng, due + _days(rng, 1, 8))
            else:
                sent = None
            if sent and sent > self.now:
                sent = None
            notices.append(
                (
                    pk,
                    app_of_item[item],
                    due,
                    "The panel's decision",
                    "Dear colleague,",
                    sent,
                    self.manager if sent else None,
                    ["school@example.invalid"] if sent else [],
                )
            )
        copy_rows(
            Decision,
            [
                "id",
                "item_id",
                "outcome",
                "rationale",
                "deferred_to_id",
                "recorded_by_id",
                "recorded_at",
            ],
            rows,
        )
        copy_rows(
            OutcomeNotice,
            [
                "decision_id",
                "application_id",
                "due_on",
                "subject",
                "body",
                "sent_at",
                "sent_by_id",
                "sent_to",
            ],
            notices,
        )
        for app in self.apps:
            app.pop("meeting", None)

    # Quality assurance --------------------------------------------------------------------

    def quality(self) -> None:
        rng = self.rng
        settings = list(self.setting_user)
        self.log(f"Quality assurance records: {len(settings):,}")
        academies = set(self.academies)
        first = _first_id(ProviderRecord)
        copy_rows(
            ProviderRecord,
            ["id", "organisation_id", "setting_type", "dfe_registration"],
            (
                (
                    first + i,
                    org,
                    SettingType.AP_ACADEMY if org in academies else SettingType.TRAINING_PROVIDER,
                    DfeRegistration.STATE_FUNDED
                    if org in academies
                    else DfeRegistration.NOT_REQUIRED,
                )
                for i, org in enumerate(settings)
            ),
        )
        records = range(first, first + len(settings))
        items = list(EvidenceItem.objects.values_list("pk", "expires"))
        evidence = []
        for record in records:
            for item, expires in items:
                issued = self.today - _days(rng, 20, 390)
                evidence.append(
                    (
                        record,
                        item,
                        issued,
                        issued + dt.timedelta(days=365) if expires else None,
                        EvidenceStatus.APPROVED,
                        self.manager,
                        _aware(issued, 12),
                    )
                )
        copy_rows(
            Evidence,
            [
                "provider_id",
                "item_id",
                "issued_on",
                "expires_on",
                "status",
                "decided_by_id",
                "decided_at",
            ],
            evidence,
        )
        areas = list(ComplianceArea.objects.values_list("pk", flat=True))
        first_review = _first_id(Review)
        reviewed = [r for r in records if rng.random() < 0.85]
        copy_rows(
            Review,
            ["id", "provider_id", "held_on", "summary", "recorded_by_id"],
            (
                (
                    first_review + i,
                    r,
                    self.today - _days(rng, 10, 160),
                    "Termly review.",
                    self.manager,
                )
                for i, r in enumerate(reviewed)
            ),
        )
        rating = _weighted({Rating.GREEN: 90, Rating.AMBER: 8, Rating.RED: 2})
        copy_rows(
            ReviewRating,
            ["review_id", "area_id", "rating"],
            ((first_review + i, area, rating(rng)) for i in range(len(reviewed)) for area in areas),
        )

    # Secondary population -----------------------------------------------------------------

    def population(self) -> None:
        """Each school's secondary population by characteristic, as the CAP manager would
        load it each year, for the equalities comparator."""
        rng = self.rng
        rows = []
        for year in self.years.values():
            upload = PopulationUpload.objects.create(
                year=year,
                filename="population-benchmark.csv",
                rows=0,
                schools=len(self.schools),
                uploaded_by_id=self.manager,
            )
            for school in self.schools:
                roll = rng.randint(600, 1600)

                def split(weights: dict, roll=roll) -> dict:
                    total = sum(weights.values())
                    return {
                        k: max(0, round(roll * w / total + rng.uniform(-3, 3)))
                        for k, w in weights.items()
                    }

                counts = {
                    "sex": split({"F": 49, "M": 50, "U": 1}),
                    "ethnicity": split({e.value: w for e, w in ETHNICITY_WEIGHTS.items()}),
                    "sen_provision": split({"N": 84, "K": 13, "E": 3}),
                    "free_school_meals": split({"yes": 26, "no": 74}),
                    "looked_after": split({"yes": 1, "no": 99}),
                    "care_plan": split({"none": 96, "child_in_need": 3, "child_protection": 1}),
                    "year_group": split(dict.fromkeys(("7", "8", "9", "10", "11"), 1)),
                }
                for characteristic, values in counts.items():
                    rows += [
                        (year.pk, school, characteristic, v, n, upload.pk)
                        for v, n in values.items()
                    ]
            upload.rows = sum(1 for r in rows if r[0] == year.pk)
            upload.save(update_fields=["rows"])
        self.log(f"Secondary population: {len(rows):,} counts")
        copy_rows(
            PopulationCount,
            ["year_id", "school_id", "characteristic", "value", "count", "upload_id"],
            rows,
        )
        # Each upload's year totals, as dashboards.services.population_load records them.
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE dashboards_populationupload u SET year_schools = t.schools, "
                "year_counts = t.counts FROM (SELECT year_id, COUNT(DISTINCT school_id) AS "
                "schools, COUNT(*) AS counts FROM dashboards_populationcount GROUP BY year_id) t "
                "WHERE t.year_id = u.year_id"
            )

    # Safeguarding ------------------------------------------------------------------------

    def safeguarding(self) -> None:
        """Concerns about one student in CONCERN_ONE_IN, raised by the home school's DSL or,
        for a student on a placement, as often by the setting's; most acknowledged, half
        closed with an outcome, and each read a few times (an audit event per read, as
        safeguarding.services.concerns_read_record writes)."""
        rng = self.rng
        categories = list(ConcernCategory.objects.values_list("pk", flat=True))
        outcomes = [o.value for o in ConcernOutcome]
        concerns, entries, reads = [], [], []
        first = _first_id(Concern)
        students = sorted(self.student_school)
        for student in students:
            if rng.random() >= 1 / CONCERN_ONE_IN:
                continue
            for _ in range(1 if rng.random() < 0.8 else rng.randint(2, 4)):
                school = self.student_school[student]
                placement, raised_for = None, school
                placed = self.placements_of.get(student)
                if placed and rng.random() < 0.5:
                    placement, raised_for, starts_on = rng.choice(placed)
                    happened = min(self.today, starts_on + _days(rng, 0, 120))
                else:
                    happened = self.today - _days(rng, 0, 400)
                raised_by = self.dsl_user.get(raised_for) or self.school_user[school]
                pk = first + len(concerns)
                raised_at = _moment(rng, happened)
                raised_at = min(raised_at, self.now - dt.timedelta(minutes=10))
                concerns.append(
                    (
                        pk,
                        student,
                        placement,
                        raised_by,
                        raised_for,
                        raised_at,
                        happened,
                        rng.choice(categories),
                        "What was seen and heard, in the person's own words (benchmark).",
                        rng.random() < 0.1,
                    )
                )
                readers = [raised_by, self.safeguarding_lead]
                if rng.random() < 0.9:
                    done = min(self.now, raised_at + dt.timedelta(hours=rng.uniform(0.5, 30)))
                    entries.append((pk, EntryKind.ACKNOWLEDGED, self.safeguarding_lead, done, ""))
                    if rng.random() < 0.55:
                        closed = min(self.now, done + _days(rng, 1, 40))
                        entries.append(
                            (
                                pk,
                                EntryKind.CLOSED,
                                self.safeguarding_lead,
                                closed,
                                rng.choice(outcomes),
                            )
                        )
                for _read in range(rng.randint(1, 4)):
                    reads.append(
                        (
                            rng.choice(readers),
                            min(self.now, raised_at + dt.timedelta(hours=rng.uniform(0, 200))),
                            pk,
                        )
                    )
        self.log(f"Safeguarding: {len(concerns):,} concerns, {len(entries):,} entries")
        copy_rows(
            Concern,
            [
                "id",
                "student_id",
                "placement_id",
                "raised_by_id",
                "raised_for_id",
                "raised_at",
                "happened_on",
                "category_id",
                "account",
                "urgent",
            ],
            concerns,
        )
        copy_rows(
            ConcernEntry,
            ["concern_id", "kind", "by_id", "recorded_at", "outcome"],
            entries,
        )
        uuids = dict(Concern.objects.values_list("pk", "uuid"))
        copy_rows(
            Event,
            ["actor_id", "occurred_at", "action", "object_type", "object_id", "detail"],
            (
                (actor, at, VIEWED, Concern._meta.label_lower, str(uuids[pk]), {"via": "queue"})
                for actor, at, pk in reads
            ),
        )

    # References ---------------------------------------------------------------------------

    def application_references(self) -> None:
        """Each application past its draft numbered as ReferenceCounter would have, by the
        calendar year it was submitted in, and each year's counter left at its last."""
        _sql(
            """
            UPDATE applications_application a SET reference = numbered.reference
            FROM (
                SELECT id, 'CAP-' || y || '-' || lpad(n::text, greatest(5, length(n::text)), '0')
                       AS reference
                FROM (
                    SELECT id, y, row_number() OVER (PARTITION BY y ORDER BY dated, id) AS n
                    FROM (
                        SELECT id, COALESCE(submitted_at, created_at) AS dated,
                               extract(year FROM COALESCE(submitted_at, created_at)
                                       AT TIME ZONE %(zone)s)::int AS y
                        FROM applications_application
                        WHERE reference IS NULL
                          AND (submitted_at IS NOT NULL OR status NOT IN ('draft', 'discarded'))
                    ) dated
                ) counted
            ) numbered
            WHERE a.id = numbered.id
            """,
            {"zone": settings.TIME_ZONE},
        )
        _sql(
            """
            INSERT INTO applications_referencecounter (year, last)
            SELECT split_part(reference, '-', 2)::int, max(split_part(reference, '-', 3)::int)
            FROM applications_application WHERE reference IS NOT NULL GROUP BY 1
            ON CONFLICT (year) DO UPDATE SET last = EXCLUDED.last
            """
        )

    # Audit events ------------------------------------------------------------------------

    def audit_events(self) -> None:
        """The events the services would have written for the applications and placements
        made here: each application started, submitted, assigned and decided, and each
        placement set up and ended (registers saved are written with the marks). Made by
        the database with INSERT ... SELECT."""
        label_app = Application._meta.label_lower
        label_placement = Placement._meta.label_lower
        made = _sql(
            f"""
            INSERT INTO audit_event (uuid, occurred_at, actor_id, action, object_type,
                                     object_id, detail)
            SELECT gen_random_uuid(), a.created_at, a.created_by_id, 'application.started',
                   '{label_app}', a.uuid::text, '{{}}'::jsonb
            FROM applications_application a
            UNION ALL
            SELECT gen_random_uuid(), a.submitted_at, a.created_by_id, 'application.submit',
                   '{label_app}', a.uuid::text, '{{}}'::jsonb
            FROM applications_application a WHERE a.submitted_at IS NOT NULL
            UNION ALL
            SELECT gen_random_uuid(), a.submitted_at + interval '3 hours', %(manager)s,
                   'application.assigned', '{label_app}', a.uuid::text,
                   jsonb_build_object('officer', u.uuid::text)
            FROM applications_application a JOIN accounts_user u ON u.id = a.assigned_to_id
            WHERE a.submitted_at IS NOT NULL
            UNION ALL
            SELECT gen_random_uuid(), a.decided_at, a.assigned_to_id,
                   CASE WHEN a.status IN ('declined', 'panel_declined') THEN 'application.decline'
                        ELSE 'application.accept' END,
                   '{label_app}', a.uuid::text, '{{}}'::jsonb
            FROM applications_application a WHERE a.decided_at IS NOT NULL
            UNION ALL
            SELECT gen_random_uuid(), p.created_at, p.created_by_id, 'placement.created',
                   '{label_placement}', p.uuid::text, '{{}}'::jsonb
            FROM placements_placement p
            UNION ALL
            SELECT gen_random_uuid(),
                   ((p.ended_on + time '16:00') AT TIME ZONE 'Europe/London'),
                   p.monitoring_officer_id, 'placement.exited', '{label_placement}',
                   p.uuid::text, jsonb_build_object('outcome', p.exit_outcome)
            FROM placements_placement p WHERE p.ended_on IS NOT NULL
            """,
            {"manager": self.manager},
        )
        self.log(f"Audit events: {made:,} for applications and placements")

    # Indexes set aside while the bulk tables fill ------------------------------------------

    def indexes_set_aside(self) -> None:
        """Drop the secondary indexes and unique constraints of the tables the last steps
        fill with millions of rows (BULK_TABLES), so that each is built once at the end
        (indexes_rebuilt) rather than kept up row by row. What to make again is read from
        the catalogue, so nothing is forgotten. Primary keys stay: rows arrive in their
        order, and foreign keys refer to them. Foreign keys are not checked meanwhile
        anyway (session_replication_role)."""
        self.bulk_schema = _schema_of(BULK_TABLES)
        self.set_aside = _all(
            """
            SELECT CASE WHEN c.oid IS NULL THEN format('DROP INDEX %%I', x.relname)
                        ELSE format('ALTER TABLE %%I DROP CONSTRAINT %%I', t.relname, c.conname)
                   END,
                   CASE WHEN c.oid IS NULL THEN pg_get_indexdef(i.indexrelid)
                        ELSE format('ALTER TABLE %%I ADD CONSTRAINT %%I %%s', t.relname,
                                    c.conname, pg_get_constraintdef(c.oid))
                   END
            FROM pg_index i
            JOIN pg_class t ON t.oid = i.indrelid
            JOIN pg_class x ON x.oid = i.indexrelid
            LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid AND c.conrelid = t.oid
            WHERE t.relname = ANY(%s) AND t.relnamespace = 'public'::regnamespace
              AND NOT i.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint f
                              WHERE f.contype = 'f' AND f.conindid = i.indexrelid)
            ORDER BY t.relname, x.relname
            """,
            [BULK_TABLES],
        )
        for drop, _ in self.set_aside:
            _sql(drop)
        self.log(f"Indexes: {len(self.set_aside)} set aside on {', '.join(BULK_TABLES)}")

    def indexes_rebuilt(self) -> None:
        """Make again what indexes_set_aside dropped, then check that the tables' indexes
        and constraints are exactly those Django made."""
        for _, make in self.set_aside:
            _sql(make)
        now = _schema_of(BULK_TABLES)
        if now != self.bulk_schema:
            raise SystemExit(
                "The bulk tables' indexes differ from Django's after the load: "
                f"missing {sorted(self.bulk_schema - now)}, extra {sorted(now - self.bulk_schema)}"
            )
        self.log(f"Indexes: {len(self.set_aside)} built again, the same as before the load")

    # Marks, alerts and tallies ------------------------------------------------------------

    def marks(self) -> None:
        """Marks for the sessions each placement expects at its setting, on every school day
        up to yesterday, made by the database in a few statements over all the days at
        once: a code from the placement's own attendance (most attend well, some poorly), a
        few entered after the register closed (with their first entry and a resolved
        missing-mark alert), a few never entered (an alert still open), and an alert for
        each absence. Then the tallies, counted as placements.services counts them."""
        rng = self.rng
        _sql("SELECT setseed(0.13)")  # the database's random(), for the codes and times
        yesterday = self.today - dt.timedelta(days=1)
        days = []
        for term in self.terms:
            days += [d for d in self._school_days(term) if d <= yesterday]
        spent = dict.fromkeys(("slots", "marks", "changes", "alerts", "events", "tallies"), 0.0)
        began = time.monotonic()

        def timed(what: str, began: float) -> float:
            now = time.monotonic()
            spent[what] += now - began
            return now

        _sql(
            "DROP TABLE IF EXISTS bench_days, bench_placements, bench_expected, bench_pieces, "
            "bench_slots"
        )
        _sql("CREATE TEMP TABLE bench_days (d date PRIMARY KEY, day text)")
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy("COPY bench_days (d, day) FROM STDIN") as copy,
        ):
            for day in days:
                copy.write_row((day, schedule.DAYS[day.weekday()]))
        # Each placement's attendance: most attend well, a quarter under 90%, a few under half.
        _sql(
            "CREATE TEMP TABLE bench_placements (id bigint PRIMARY KEY, attend real, late real, "
            "recorder bigint, phased boolean)"
        )
        phased = set(Phase.objects.values_list("placement_id", flat=True).distinct())
        settings_of = list(Placement.objects.values_list("pk", "provider_id").order_by("pk"))
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(
                "COPY bench_placements (id, attend, late, recorder, phased) FROM STDIN"
            ) as copy,
        ):
            for pk, provider in settings_of:
                roll = rng.random()
                attend = (
                    rng.uniform(0.9, 1.0)
                    if roll < 0.62
                    else rng.uniform(0.7, 0.9)
                    if roll < 0.9
                    else rng.uniform(0.15, 0.6)
                )
                late = rng.choice([0.0, 0.01, 0.02, 0.05, 0.15])
                recorder = self.setting_user.get(provider) or self.school_user[provider]
                copy.write_row((pk, attend, late, recorder, pk in phased))
        _sql("ANALYZE bench_days")
        _sql("ANALYZE bench_placements")
        # The sessions each weekly pattern expects on each school day, worked out once per
        # pattern (there are a few dozen) rather than for every placement on every day.
        _sql(
            """
            CREATE TEMP TABLE bench_expected AS
            SELECT pt.pattern, d.d, sess.session
            FROM (SELECT pattern FROM placements_placement
                  UNION SELECT pattern FROM placements_phase) pt
            CROSS JOIN bench_days d
            CROSS JOIN (VALUES ('am'), ('pm')) AS sess (session)
            WHERE pt.pattern ? (d.day || '_' || sess.session)
            """
        )
        _sql("CREATE INDEX ON bench_expected (pattern, d)")
        _sql("VACUUM ANALYZE bench_expected")
        # Each placement's stretches of days under one pattern: the whole placement when it
        # has no phases; otherwise each day with the pattern of the phase covering it (the
        # latest to start), or the placement's own.
        _sql(
            """
            CREATE TEMP TABLE bench_pieces AS
            SELECT p.id AS placement_id, p.starts_on AS first,
                   coalesce(p.ended_on, p.planned_end_on) AS last, p.pattern,
                   b.recorder, b.attend, b.late
            FROM placements_placement p JOIN bench_placements b ON b.id = p.id AND NOT b.phased
            UNION ALL
            (SELECT DISTINCT ON (p.id, d.d) p.id, d.d, d.d, coalesce(ph.pattern, p.pattern),
                    b.recorder, b.attend, b.late
             FROM placements_placement p
             JOIN bench_placements b ON b.id = p.id AND b.phased
             JOIN bench_days d
               ON d.d BETWEEN p.starts_on AND coalesce(p.ended_on, p.planned_end_on)
             LEFT JOIN placements_phase ph
               ON ph.placement_id = p.id AND d.d BETWEEN ph.starts_on AND ph.ends_on
             ORDER BY p.id, d.d, ph.starts_on DESC NULLS LAST, ph.id DESC)
            """
        )
        _sql("CREATE INDEX ON bench_pieces USING gist (daterange(first, last, '[]'))")
        _sql("ANALYZE bench_pieces")

        # Every expected session, numbered in the order the marks are written (by day, then
        # placement), with the draws that decide it: whether it is marked (r_keep, against
        # the share worked out below), whether late, its code and when entered. Made a day
        # at a time (the lateral subquery, sorted within the day), so the whole is never
        # sorted at once.
        present_am, present_pm = "/", "\\"
        absent = "ARRAY[" + ", ".join(f"'{c}'" for c in ABSENT_CODES) + "]"
        approved = "ARRAY[" + ", ".join(f"'{c}'" for c in APPROVED_CODES) + "]"
        window = 30  # settings.CAP_REGISTER_WINDOW_MINUTES, the demo's and production's default
        starts = "CASE s.session WHEN 'am' THEN time '08:45' ELSE time '13:15' END"
        slots = _sql(
            f"""
            CREATE TEMP TABLE bench_slots AS
            SELECT row_number() OVER (ORDER BY s.date, s.placement_id, s.session) AS n,
                   s.placement_id, s.date, s.session, s.recorder, s.r_keep,
                   r_late < s.late AS late,
                   CASE WHEN r_attend < s.attend THEN
                       CASE WHEN r_code < 0.04 THEN 'L'
                            WHEN r_code < 0.07
                                THEN ({approved})[1 + mod(floor(r_code * 1000)::int, 3)]
                            WHEN s.session = 'am' THEN '{present_am}' ELSE '{present_pm}' END
                   ELSE ({absent})[1 + floor(r_code * {len(ABSENT_CODES)})::int] END AS code,
                   ((s.date + {starts}) AT TIME ZONE 'Europe/London')
                     + CASE WHEN r_late < s.late
                            THEN make_interval(mins => {window} + 1 + floor(r_min * 500)::int)
                            ELSE make_interval(mins => floor(r_min * 25)::int)
                       END AS recorded_at
            FROM (SELECT d FROM bench_days ORDER BY d) day
            CROSS JOIN LATERAL (
                SELECT pc.placement_id, e.d AS date, e.session, pc.recorder, pc.attend,
                       pc.late, random() AS r_keep, random() AS r_late, random() AS r_attend,
                       random() AS r_code, random() AS r_min
                FROM bench_pieces pc
                JOIN bench_expected e ON e.pattern = pc.pattern AND e.d = day.d
                WHERE daterange(pc.first, pc.last, '[]') @> day.d
                ORDER BY pc.placement_id, e.session
            ) s
            ORDER BY s.date, s.placement_id, s.session
            """
        )
        _sql("ANALYZE bench_slots")
        keep = min(1.0, self.sizes.marks / slots) if slots else 1.0
        self.log(
            f"Marks: {slots:,} expected sessions up to yesterday; marking {keep:.1%} of them "
            f"(about {round(slots * keep):,} marks); the rest stay missing"
        )
        if slots < self.sizes.marks:
            self.log(f"  (fewer than the {self.sizes.marks:,} asked for: every session is marked)")
        # A session is marked when its draw is under the share; its mark's id is the first
        # free one plus its number (the unmarked sessions leave gaps, as a sequence may).
        kept = "s.r_keep < %(keep)s"
        given = {"keep": keep, "first": _first_id(Mark) - 1}
        began = timed("slots", began)

        made = _sql(
            f"""
            INSERT INTO placements_mark
                (id, placement_id, date, session, code_id, recorded_by_id, recorded_at)
            SELECT %(first)s + s.n, s.placement_id, s.date, s.session, s.code, s.recorder,
                   s.recorded_at
            FROM bench_slots s WHERE {kept}
            """,
            given,
        )
        _sql(
            "SELECT setval(pg_get_serial_sequence('placements_mark', 'id'), "
            "(SELECT MAX(id) FROM placements_mark))"
        )
        began = timed("marks", began)
        changes = _sql(
            f"""
            INSERT INTO placements_markchange
                (mark_id, previous_code, code, changed_by_id, changed_at, late)
            SELECT %(first)s + s.n, '', s.code, s.recorder, s.recorded_at, true
            FROM bench_slots s WHERE {kept} AND s.late
            """,
            given,
        )
        began = timed("changes", began)
        # A missing-mark alert for each session never marked or marked late (resolved when
        # marked), and an absence alert for each absence: one pass over the sessions, so
        # the alerts are written day by day as the service raises them.
        categories = dict(AttendanceCode.objects.values_list("code", "category"))
        absent_codes = ", ".join(
            f"'{c}'" for c, cat in categories.items() if cat in Category.absent()
        )
        closes = f"((s.date + {starts}) AT TIME ZONE 'Europe/London') + interval '{window} minutes'"
        alerts = _sql(
            f"""
            INSERT INTO placements_alert (uuid, placement_id, date, session, kind, code,
                                          raised_at, emailed_at, resolved_at)
            SELECT gen_random_uuid(), a.placement_id, a.date, a.session, a.kind, a.code,
                   a.raised_at, a.raised_at + interval '2 minutes', a.resolved_at
            FROM bench_slots s
            CROSS JOIN LATERAL (
                SELECT s.placement_id, s.date, s.session, 'missing' AS kind, '' AS code,
                       {closes} AS raised_at,
                       CASE WHEN {kept} THEN s.recorded_at END AS resolved_at
                WHERE NOT ({kept}) OR s.late
                UNION ALL
                SELECT s.placement_id, s.date, s.session, 'absent', s.code, s.recorded_at, NULL
                WHERE {kept} AND s.code IN ({absent_codes})
            ) a
            """,
            given,
        )
        began = timed("alerts", began)
        # The registers saved: one event a setting a day, as register_save writes.
        events = _sql(
            f"""
            INSERT INTO audit_event (uuid, occurred_at, actor_id, action, object_type,
                                     object_id, detail)
            SELECT gen_random_uuid(), MAX(s.recorded_at), s.recorder, 'register.saved',
                   '', '', jsonb_build_object('marks', COUNT(*),
                                              'setting', MIN(o.uuid::text),
                                              'dates', jsonb_build_array(s.date))
            FROM bench_slots s
            JOIN placements_placement p ON p.id = s.placement_id
            JOIN accounts_organisation o ON o.id = p.provider_id
            WHERE {kept}
            GROUP BY s.recorder, s.date
            ORDER BY s.date, s.recorder
            """,
            given,
        )
        began = timed("events", began)
        tallies = self._tallies(kept, given)
        setting_weeks = self._setting_tallies()
        timed("tallies", began)
        self.log(
            f"  {made:,} marks, {changes:,} entered late, {alerts:,} alerts, "
            f"{events:,} registers saved, {tallies:,} weekly tallies, "
            f"{setting_weeks:,} settings' weeks"
        )
        _sql("DROP TABLE bench_slots, bench_pieces, bench_expected, bench_days, bench_placements")
        # Where the marks' time goes, for the results: the step to make faster.
        for what, seconds in spent.items():
            self.steps[f"marks: {what}"] = round(seconds, 1)
        self.log("  by statement (s): " + ", ".join(f"{k} {v:.1f}" for k, v in spent.items()))

    def _tallies(self, kept: str, given: dict) -> int:
        """Every week's tallies in one statement: what placements.services._counted counts
        (marks by their code's category, and those whose first entry was late), from the
        sessions marked, written in order of week, as the service writes them."""
        sums = ", ".join(f"COUNT(*) FILTER (WHERE c.category = '{cat.value}')" for cat in Category)
        return _sql(
            f"""
            INSERT INTO placements_marktally
                (placement_id, week, {", ".join(cat.value for cat in Category)}, entered_late)
            SELECT s.placement_id, date_trunc('week', s.date)::date AS week, {sums},
                   COUNT(*) FILTER (WHERE s.late)
            FROM bench_slots s
            JOIN placements_attendancecode c ON c.code = s.code
            WHERE {kept}
            GROUP BY s.placement_id, week
            ORDER BY week, s.placement_id
            """,
            given,
        )

    def _setting_tallies(self) -> int:
        """Each setting's weeks in one statement: the tallies added up by setting and
        week, as placements.services._setting_counted adds them."""
        fields = [*(cat.value for cat in Category), "entered_late"]
        return _sql(
            f"""
            INSERT INTO placements_settingtally (provider_id, week, {", ".join(fields)})
            SELECT p.provider_id, t.week, {", ".join(f"SUM(t.{f})" for f in fields)}
            FROM placements_marktally t
            JOIN placements_placement p ON p.id = t.placement_id
            GROUP BY p.provider_id, t.week
            ORDER BY t.week, p.provider_id
            """
        )

    def tallies_check(self) -> None:
        """The tallies made here against those placements.services.tallies_rebuild makes
        from the same marks, on a week of each year: they must be the same rows."""
        weeks = list(MarkTally.objects.values_list("week", flat=True).distinct().order_by("week"))
        if not weeks:
            return
        sample = sorted({weeks[len(weeks) // 4], weeks[(3 * len(weeks)) // 4]})
        fields = ["placement_id", "week", *[c.value for c in Category], "entered_late"]
        summed = ["provider_id", *fields[1:]]
        for week in sample:
            ours = set(MarkTally.objects.filter(week=week).values_list(*fields))
            ours_summed = set(SettingTally.objects.filter(week=week).values_list(*summed))
            written = tallies_rebuild(first=week, last=week)
            theirs = set(MarkTally.objects.filter(week=week).values_list(*fields))
            theirs_summed = set(SettingTally.objects.filter(week=week).values_list(*summed))
            if ours != theirs or ours_summed != theirs_summed:
                raise SystemExit(
                    f"The tallies of the week of {week} differ from tallies_rebuild's: "
                    f"{len(ours - theirs)} rows only here, {len(theirs - ours)} only there; "
                    f"settings' weeks {len(ours_summed - theirs_summed)} only here, "
                    f"{len(theirs_summed - ours_summed)} only there."
                )
            self.log(f"Tallies of the week of {week}: the same {written:,} rows as tallies_rebuild")


def _schema_of(tables: list[str]) -> set[tuple[str, str, str]]:
    """The tables' indexes and constraints as the catalogue defines them."""
    return set(
        _all(
            """
            SELECT tablename, indexname, indexdef FROM pg_indexes
            WHERE schemaname = 'public' AND tablename = ANY(%(tables)s)
            UNION ALL
            SELECT t.relname, c.conname, pg_get_constraintdef(c.oid)
            FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
            WHERE t.relname = ANY(%(tables)s) AND t.relnamespace = 'public'::regnamespace
            """,
            {"tables": tables},
        )
    )


def _upn(body: str) -> str:
    """A valid UPN from its 12 characters after the check letter (lib.upn's rule)."""
    return upn.calc_check_digit(body) + body
