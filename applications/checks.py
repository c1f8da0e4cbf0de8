"""The rules an application must meet before it is submitted. Each problem names the page
to fix it on, so the check-answers page can link straight there."""

import datetime as dt
from dataclasses import dataclass

from applications import journey
from applications.forms import year_groups_words
from applications.models import Application
from applications.selectors import documents_for
from applications.workflow import ACTIVE
from documents.validation import RISK_ASSESSMENT_KEY
from lib import dates
from programmes.models import (
    ChecklistItem,
    ChecklistWhen,
    EarlyHelpStep,
    OverAllowance,
    Programme,
    Subscription,
)
from programmes.selectors import year_current


@dataclass(frozen=True)
class Problem:
    page: str  # the slug of the page where it is put right, or "student"
    message: str


@dataclass(frozen=True)
class Allowance:
    """A subscribing school's paid-for Tier 1 placements this year."""

    used: int  # including this application
    total: int
    warn_at: int

    @property
    def left(self) -> int:
        return self.total - self.used

    @property
    def nearly_gone(self) -> bool:
        return 0 <= self.left <= self.warn_at

    @property
    def exceeded(self) -> bool:
        return self.used > self.total


def subscription_of(application: Application) -> Subscription | None:
    return Subscription.objects.filter(
        school=application.school, year=application.programme.year
    ).first()


def allowance_for(application: Application) -> Allowance | None:
    """None when the programme does not use the allowance or the school does not subscribe."""
    programme = application.programme
    if programme is None or not programme.counts_against_allowance:
        return None
    subscription = subscription_of(application)
    if subscription is None:
        return None
    others = (
        Application.objects.filter(
            school=application.school,
            programme__year=programme.year,
            programme__counts_against_allowance=True,
            status__in=ACTIVE,
        )
        .exclude(pk=application.pk)
        .count()
    )
    return Allowance(
        used=others + 1,
        total=subscription.tier1_placements,
        warn_at=programme.year.allowance_warning_at,
    )


def required_evidence(application: Application) -> list[ChecklistItem]:
    """The checklist items this application needs, from its tier and the student."""
    programme = application.programme
    items = ChecklistItem.objects.filter(year=programme.year, tiers=programme.tier).order_by(
        "order"
    )
    return [
        item
        for item in items
        if item.when == ChecklistWhen.ALWAYS
        or (item.when == ChecklistWhen.EHC_PLAN and application.student.has_ehc_plan)
    ]


def starts_on(application: Application, *, today: dt.date) -> dt.date:
    """When the placement would start: the plan's start date, or today before there is one.
    Students move up a year group on 1 September, so this decides the year group."""
    return application.plan_starts_on or today


def programme_choices(
    application: Application, programmes, *, today: dt.date
) -> list[tuple[Programme, str]]:
    """Each programme with why the student cannot have it ("" when they can): the year
    group at the planned start (the model file's `year_groups`) and the school's
    subscription (`subscription_required`). One query for the subscription, whatever the
    number of programmes."""
    student = application.student
    start = starts_on(application, today=today)
    year_group = student.year_group(start)
    subscribed_years = set(
        Subscription.objects.filter(school=application.school).values_list("year_id", flat=True)
    )
    moving_up = dates.academic_year_start(start) != dates.academic_year_start(today)
    choices = []
    for programme in programmes:
        reason = ""
        if year_group not in programme.year_groups:
            reason = f"For students in {year_groups_words(programme.year_groups)}: " + (
                f"{student.known_as} will be in Year {year_group} on "
                f"{dates.long_date(start, weekday=False)}"
                if moving_up
                else f"{student.known_as} is in Year {year_group}"
            )
        elif programme.subscription_required and programme.year_id not in subscribed_years:
            reason = (
                f"Only for schools with a CAP subscription for {programme.year.name}: "
                f"{application.school.name} does not have one"
            )
        choices.append((programme, reason))
    return choices


def submit_problems(application: Application, *, today: dt.date) -> list[Problem]:
    """Everything that stops the application being submitted, in page order."""
    programme = application.programme
    if programme is None:
        return [Problem("programme", "Select the programme")]
    problems = [
        Problem(page.slug, f"Complete the page “{page.title}”")
        for page in journey.pages_for(application)
        if not journey.is_answered(application, page)
    ]
    if (
        programme.offers_courses
        and application.course
        and (application.course.programme_id != programme.pk)
    ):
        problems.append(Problem("course", "Select a course on the chosen programme"))
    current = year_current(on=today)
    if current is not None and programme.year_id != current.pk:
        problems.append(
            Problem(
                "programme",
                f"{programme.name} for {programme.year.name} is no longer open: choose the "
                f"programme again for {current.name}",
            )
        )
    problems += _eligibility(application, today=today)
    problems += _evidence(application, today=today)
    return problems


def _eligibility(application: Application, *, today: dt.date) -> list[Problem]:
    programme, student = application.programme, application.student
    name = student.known_as
    problems = []
    # The year group the student will be in when the placement starts.
    year_group = student.year_group(application.plan_starts_on or today)
    if year_group not in programme.year_groups:
        groups = ", ".join(f"Year {g}" for g in programme.year_groups)
        problems.append(
            Problem(
                "programme",
                f"{programme.name} is for students in {groups}; {name} is in Year {year_group}",
            )
        )
    if programme.subscription_required and subscription_of(application) is None:
        problems.append(
            Problem(
                "programme",
                f"{programme.name} is only for schools with a CAP subscription for "
                f"{programme.year.name}, and {application.school.name} does not have one",
            )
        )
    allowance = allowance_for(application)
    if allowance and allowance.exceeded and programme.year.over_allowance == OverAllowance.REFUSE:
        problems.append(
            Problem(
                "programme",
                f"{application.school.name} has used all {allowance.total} of its paid-for Tier 1 "
                f"placements for {programme.year.name}",
            )
        )
    tier = programme.tier
    steps = list(tier.early_help_requires)
    if not student.has_care_plan:
        steps += tier.early_help_requires_without_plan
    missing = [s for s in steps if not getattr(student, f"early_help_{s}", False)]
    if missing:
        problems.append(
            Problem(
                "student",
                f"Tier {tier.number} needs "
                + _and([EarlyHelpStep(s).label for s in missing])
                + f": record them on {name}'s details",
            )
        )
    if programme.parental_consent_required and not application.parental_consent:
        problems.append(
            Problem("parents", f"{programme.name} needs the parents' or carers' consent to apply")
        )
    active = (
        Application.objects.filter(student=student, programme=programme, status__in=ACTIVE)
        .exclude(pk=application.pk)
        .first()
    )
    if active and active.school_id == application.school_id:
        problems.append(
            Problem(
                "programme",
                f"{name} already has an open application for {programme.name} "
                f"(reference {active.reference})",
            )
        )
    elif active:
        # Another school's application: say nothing about it beyond its existence.
        problems.append(
            Problem(
                "programme",
                f"{name} already has an open application for {programme.name}: contact the "
                "CAP team",
            )
        )
    return problems


def _evidence(application: Application, *, today: dt.date) -> list[Problem]:
    documents = list(documents_for(application))
    required = required_evidence(application)
    problems = []
    max_age = application.programme.year.risk_assessment_valid_days
    for item in required:
        uploaded = [d for d in documents if d.checklist_item_id == item.pk]
        if not uploaded:
            problems.append(Problem("evidence", f"Upload the document for “{item.name}”"))
        elif item.key == RISK_ASSESSMENT_KEY and not any(
            d.dated_on and 0 <= (today - d.dated_on).days <= max_age for d in uploaded
        ):
            problems.append(
                Problem(
                    "evidence",
                    f"Upload a risk assessment dated in the last {max_age} days",
                )
            )
    # Only what the programme needs goes to CAP: a document left from an earlier choice
    # of programme, or from an EHC plan the student no longer has, must be removed.
    required_ids = {item.pk for item in required}
    for document in documents:
        if document.checklist_item_id not in required_ids:
            problems.append(
                Problem(
                    "evidence",
                    f"Remove “{document.filename}”: {application.programme.name} does not need it",
                )
            )
    return problems


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
