"""Demo money: a fee on every demo place, the finance system's codes, a few placements in the
last term that has ended, and that term's statements, so that the money pages, a school's
and a provider's statements and the finance system's export all have something to show.
Demo only; safe to run again.

The fees of the places the demo drives through the services are made by finance's hook at
the provider's offer (demo/applications.py, demo/safeguarding.py). The placements written
directly as "placed" (demo/placements.py and the term that has ended, below) get theirs
here, agreed by the school's budget holder before the start, as the route requires.

One provider, Stoke Green Sport and Leadership, has no supplier reference, so the export
shows how a missing code stops it.
"""

import datetime as dt

from django.utils import timezone

from accounts.models import Organisation, OrganisationKind, Role, User
from applications.models import Application
from applications.workflow import Status
from demo.people import SCHOOL_A, demo_user
from finance import selectors
from finance import services as finance
from finance.models import Fee, FinanceCodes
from lib.dates import year_group
from placements import selectors as placement_selectors
from placements import services as placements
from placements.models import ExitOutcome, Placement
from programmes.models import Course, Term
from students.models import Student

K = OrganisationKind

# The authority's codes in the council's finance system: invented.
AUTHORITY_CODES = {
    "cost_centre": "E41520",
    "income_account": "91150",
    "expenditure_account": "51240",
}
UNCODED_UKPRN = "19990005"  # Stoke Green Sport and Leadership: no supplier reference yet

# Placements in the term that has ended: (school URN, provider UKPRN, weeks after which the
# student left early, or None for a course finished as planned). Finham Park's second ended
# early (a fee for the weeks delivered); Lyng Hall has no agreement, so its Tier 1
# placement carries the charge past the allowance.
ENDED_TERM = [
    (SCHOOL_A, "19990001", None),  # Canalside Construction Skills, a six-week taster
    (SCHOOL_A, "19990004", 4),  # Swanswell Kitchen Skills, left after four of twelve weeks
    ("136126", UNCODED_UKPRN, None),  # Sidney Stringer at Stoke Green Sport and Leadership
    ("137209", "19990004", None),  # West Coventry Academy at Swanswell Kitchen Skills
    ("142960", "19990001", None),  # Lyng Hall, without the agreement, at Canalside
]
BUDGET_HOLDER_ROLE = "School business manager, holding the budget for alternative provision"


def load_demo_finance() -> int:
    """Codes, fees, the ended term's placements and its statements. Returns how many
    statements were issued (none on a second run)."""
    finance_officer = demo_user("finance")
    _codes(by=finance_officer)
    today = timezone.localdate()
    ended = Term.objects.filter(ends_on__lt=today).select_related("year").order_by("-ends_on")
    last = ended.first()
    if last is not None and not Placement.objects.filter(starts_on__lte=last.ends_on).exists():
        _ended_term_placements(last)
    _fees_for_placed()
    term = next((t for t in ended[:6] if _has_placements(t)), None)
    if term is None:
        return 0
    issued = 0
    years = selectors.Years()
    for party, organisation_ids in selectors.statement_organisations(term).items():
        organisations = Organisation.objects.in_bulk(organisation_ids)
        for organisation_id in organisation_ids:
            statement = finance.statement_issue(
                organisation=organisations[organisation_id],
                party=party,
                term=term,
                by=None,
                years=years,
            )
            issued += statement is not None
    return issued


def _has_placements(term: Term) -> bool:
    return placement_selectors.open_between(
        Placement.objects.all(), term.starts_on, term.ends_on
    ).exists()


def _codes(*, by: User) -> None:
    """The authority's cost centre and accounts, each school's customer reference and each
    provider's supplier reference (the AP academy is both), but one provider's."""
    coded = set(FinanceCodes.objects.values_list("organisation_id", flat=True))
    organisations = Organisation.objects.filter(
        kind__in=[K.LOCAL_AUTHORITY, K.SCHOOL, K.TRAINING_PROVIDER, K.AP_ACADEMY]
    ).exclude(pk__in=coded)
    for organisation in organisations.order_by("pk"):
        codes = {}
        if organisation.kind == K.LOCAL_AUTHORITY:
            codes = dict(AUTHORITY_CODES)
        if organisation.kind in (K.SCHOOL, K.AP_ACADEMY):
            codes["customer_reference"] = f"CUS{organisation.urn or organisation.pk:0>6}"
        if organisation.kind in (K.TRAINING_PROVIDER, K.AP_ACADEMY):
            if organisation.ukprn == UNCODED_UKPRN:
                continue
            codes["supplier_reference"] = f"SUP{organisation.ukprn or organisation.pk:0>8}"
        finance.finance_codes_save(organisation=organisation, by=by, **codes)


def _fee_pence(course: Course | None) -> int:
    return int(course.fee * 100) if course is not None and course.fee is not None else 0


def _agreed_fee(application: Application, *, starts_on: dt.date, recorded_by: User) -> Fee:
    """The fee as the provider's offer set it and the budget holder agreed it, a fortnight
    before the start. A place with no fee (Refocus, at the academy) needs no agreement."""
    amount = _fee_pence(application.course)
    offered = dt.datetime.combine(
        starts_on - dt.timedelta(days=21), dt.time(10), tzinfo=timezone.get_current_timezone()
    )
    agreement = (
        {
            "agreed_by": _budget_holder(application.school),
            "agreed_by_role": BUDGET_HOLDER_ROLE,
            "agreed_on": starts_on - dt.timedelta(days=14),
            "agreement_recorded_by": recorded_by,
        }
        if amount
        else {}
    )
    return Fee.objects.create(
        application=application, amount_pence=amount, set_at=offered, **agreement
    )


def _budget_holder(school: Organisation) -> str:
    names = ["Simon Demo-Baker", "Angela Demo-Rees", "Kwame Demo-Mensah", "Lucy Demo-Fraser"]
    return names[school.pk % len(names)]


def _fees_for_placed() -> None:
    """A fee for every placement written directly as "placed", which passed no provider's
    offer and so no hook."""
    officer = demo_user("officer")
    for placement in Placement.objects.filter(application__fee__isnull=True).select_related(
        "application__course", "application__school"
    ):
        _agreed_fee(placement.application, starts_on=placement.starts_on, recorded_by=officer)


def _ended_term_placements(term: Term) -> int:
    """Placements that ran in the term that has ended, at training providers, finished or
    left early. Their registers are not written: the demo's registers are this term's
    (demo/placements.py)."""
    officer = demo_user("officer")
    monitoring = demo_user("monitoring")
    calendar = placement_selectors.calendar_for(term.starts_on, term.ends_on)
    days = [
        term.starts_on + dt.timedelta(days=n)
        for n in range((term.ends_on - term.starts_on).days + 1)
        if calendar.is_school_day(term.starts_on + dt.timedelta(days=n))
    ]
    mondays = sorted({day - dt.timedelta(days=day.weekday()) for day in days})
    if len(mondays) < 3:
        return 0
    made = 0
    for index, (urn, ukprn, left_after) in enumerate(ENDED_TERM):
        course = (
            Course.objects.filter(
                programme__year=term.year, provider__ukprn=ukprn, fee__isnull=False, weeks__gte=1
            )
            .select_related("programme", "provider")
            .order_by("pk")
            .first()
        )
        if course is None:
            continue
        student = next(
            (
                s
                for s in Student.objects.filter(
                    home_school__urn=urn, applications__isnull=True
                ).order_by("upn")
                if year_group(s.date_of_birth, term.year.starts_on.year) in course.year_groups
            ),
            None,
        )
        if student is None:
            continue
        # Starts in the second week (or the third, for every other one), on a school day.
        monday = mondays[1 + index % 2]
        starts_on = next(d for d in days if d >= monday)
        planned_end_on = min(starts_on + dt.timedelta(weeks=course.weeks, days=-3), term.ends_on)
        ended_on = (
            max(d for d in days if d < starts_on + dt.timedelta(weeks=left_after))
            if left_after
            else planned_end_on
        )
        referrer = User.objects.filter(
            memberships__organisation=student.home_school,
            memberships__role=Role.REFERRER,
            is_active=True,
        ).first()
        application = Application.objects.create(
            student=student,
            school=student.home_school,
            programme=course.programme,
            course=course,
            created_by=referrer or officer,
            status=Status.PLACED,
            submitted_at=dt.datetime.combine(
                starts_on - dt.timedelta(days=40),
                dt.time(11),
                tzinfo=timezone.get_current_timezone(),
            ),
            start_on=starts_on,
        )
        _agreed_fee(application, starts_on=starts_on, recorded_by=referrer or officer)
        placement = placements.placement_create(
            application=application,
            provider=course.provider,
            course=course,
            starts_on=starts_on,
            planned_end_on=planned_end_on,
            days_per_week=course.days_per_week,
            by=officer,
            monitoring_officer=monitoring,
        )
        # Written directly: placement_exit takes the end from today's point of view.
        Placement.objects.filter(pk=placement.pk).update(
            ended_on=ended_on,
            exit_outcome=ExitOutcome.RETURNED,
            exit_detail=(
                "Left the course after four weeks and returned full-time to school: the "
                "kitchen work did not suit the student."
                if left_after
                else "Completed the course and returned full-time to school."
            ),
        )
        made += 1
    return made
