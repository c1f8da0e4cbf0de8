import datetime as dt

from django.db.models import Case, F, Prefetch, Q, QuerySet, When
from django.utils import timezone

from accounts.models import Organisation
from lib.dates import add_working_days
from programmes.calendar import Calendar
from programmes.models import (
    AcademicYear,
    ChargingRules,
    ChecklistItem,
    Cohort,
    Course,
    Meeting,
    Panel,
    Programme,
    ProgrammePanel,
    Question,
    Subscription,
    Term,
    Tier,
)


def today() -> dt.date:
    return timezone.localdate()


def year_current(*, on: dt.date | None = None) -> AcademicYear | None:
    """The academic year holding the day, or failing that the latest one before it."""
    on = on or today()
    return (
        AcademicYear.objects.filter(starts_on__lte=on).order_by("-starts_on").first()
        or AcademicYear.objects.order_by("starts_on").first()
    )


def day_after_a_term(on_or_after: dt.date) -> dt.date | None:
    """The first working day after a term ends, on or after the day given: when the
    scheduler makes a term's reports and statements. None while no term ends ahead."""
    for ends_on in (
        Term.objects.filter(ends_on__gte=on_or_after - dt.timedelta(days=14))
        .order_by("ends_on")
        .values_list("ends_on", flat=True)
        .distinct()
    ):
        day = add_working_days(ends_on, 1)
        if day >= on_or_after:
            return day
    return None


def school_calendar() -> Calendar:
    """Every loaded term as one calendar (a few rows a year, one query): lengths in
    teaching weeks count across terms and years."""
    return Calendar(Term.objects.all())


def years_all() -> QuerySet[AcademicYear]:
    return AcademicYear.objects.order_by("-starts_on")


def meetings_upcoming(
    *, year: AcademicYear | None, on: dt.date | None = None, limit: int = 5
) -> list[Meeting]:
    """The next referral deadlines (of the year, or of every year when `year` is None),
    soonest first: never one already passed. A meeting whose row the authority has not
    confirmed (flagged) is not skipped because its deadline reads as passed while the meeting
    is still to come (the January 2027 meetings' deadline of 13 January 2026): it is listed
    by its meeting's date, with `deadline_passed` set, for the page to show the flag instead
    of the date."""
    on = on or today()
    meetings = Meeting.objects.all() if year is None else Meeting.objects.filter(panel__year=year)
    found = list(
        meetings.filter(Q(referral_deadline__gte=on) | (Q(date__gte=on) & ~Q(flags=[])))
        .annotate(
            listed_on=Case(
                When(referral_deadline__lt=on, then=F("date")), default=F("referral_deadline")
            )
        )
        .select_related("panel")
        .prefetch_related("programmes")
        .order_by("listed_on", "panel__name", "id")[:limit]
    )
    for meeting in found:
        meeting.deadline_passed = meeting.referral_deadline < on
    return found


def subscription_for(*, school: Organisation, year: AcademicYear) -> Subscription | None:
    return Subscription.objects.filter(school=school, year=year).first()


def courses_of_provider(*, provider: Organisation, year: AcademicYear) -> list[Course]:
    return list(
        Course.objects.filter(provider=provider, programme__year=year)
        .select_related("programme")
        .order_by("programme__order", "title")
    )


def model_overview(*, year: AcademicYear) -> dict:
    """Everything the model-of-support page shows for one year, in a fixed number of
    queries whatever the size of the model."""
    programmes = Prefetch(
        "programmes",
        queryset=Programme.objects.select_related("delivered_by")
        .prefetch_related(
            Prefetch("panel_steps", queryset=ProgrammePanel.objects.select_related("panel")),
            Prefetch("questions", queryset=Question.objects.select_related("considered_by")),
        )
        .order_by("order"),
    )
    tiers = list(Tier.objects.filter(year=year).prefetch_related(programmes))
    panels = list(Panel.objects.filter(year=year).prefetch_related("seats"))
    meetings = list(
        Meeting.objects.filter(panel__year=year)
        .select_related("panel")
        .prefetch_related("programmes")
        .order_by("referral_deadline", "panel__name")
    )
    cohorts = list(
        Cohort.objects.filter(programme__year=year)
        .select_related("programme", "decided_at__panel")
        .order_by("programme__order", "starts_on")
    )
    checklist = list(ChecklistItem.objects.filter(year=year).prefetch_related("tiers"))
    terms = list(year.terms.all())
    charging = charging_rules_of(year=year)
    return {
        "bands": list(year.agreement_bands.all()),
        "charging": charging,
        "agreement_term": _nth_term(terms, charging.agreement_charged_in),
        "tiers": tiers,
        "panels": panels,
        "meetings": meetings,
        "cohorts": cohorts,
        "terms": terms,
        "checklist": checklist,
        "course_count": Course.objects.filter(programme__year=year).count(),
        "subscriber_count": Subscription.objects.filter(year=year).count(),
        "problems": _problems(tiers, meetings, cohorts, terms),
    }


def charging_rules_of(*, year: AcademicYear) -> ChargingRules:
    """The year's charging rules; the defaults, unsaved, for a year saved before it had any."""
    return ChargingRules.objects.filter(year=year).first() or ChargingRules(year=year)


def _nth_term(terms: list, position: int) -> str:
    """The name of the term at a position counted from 1, or the position when the year has
    no such term."""
    if 1 <= position <= len(terms):
        return terms[position - 1].name
    return f"Term {position}"


def _problems(tiers, meetings, cohorts, terms) -> list[tuple[str, list[str]]]:
    """Every flagged row, labelled for a reader, in page order."""
    problems = [(f"{p.name}", p.flags) for t in tiers for p in t.programmes.all() if p.flags]
    problems += [(f"{t.name}", t.flags) for t in terms if t.flags]
    problems += [
        (f"{m.panel.name}, referral deadline {m.referral_deadline:%-d %B %Y}", m.flags)
        for m in meetings
        if m.flags
    ]
    problems += [(f"{c.programme.name} {c.name}", c.flags) for c in cohorts if c.flags]
    return problems
