"""Every area's home page: what waits for the person, gathered from the domains below, and
from what a domain above registers for the page (lib.sections). What is urgent comes first:
the sections registered as "dashboards:urgent" (safeguarding's unacknowledged concerns, for
the DSLs who may read them) head every home page; then overdue work, oldest first."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.models import Role
from accounts.rules import (
    AREA_LABELS,
    Area,
    areas_of,
    can_manage_people,
    is_cap_officer,
    memberships_of,
    organisations_in_area,
)
from accounts.views import area_required
from applications.models import Application
from applications.rules import applications_visible_to, packs_visible_to
from applications.selectors import waiting_counts
from applications.workflow import Status
from dashboards.homes import overdue_for, school_waiting, school_waiting_oldest, year_to_confirm
from finance import selectors as finance_selectors
from finance.views import money_sections
from lib.dates import bank_holidays_by_rule_from
from lib.sections import sections_for
from panels.selectors import meetings_for
from programmes import selectors as programme_selectors
from scheduling.selectors import jobs_failed_count

# A panel member's home lists this many of their meetings.
MEETINGS_SHOWN = 20


@login_required
@require_GET
def home(request):
    """Send people to the home page of their area; offer a choice when they have several."""
    areas = areas_of(request.user)
    if len(areas) == 1:
        return redirect(f"dashboards:{areas[0]}")
    # An organisation's administrator may hold no other role: their home is this page, with
    # its people.
    return render(
        request,
        "dashboards/home.html",
        {
            "areas": [(a, AREA_LABELS[a]) for a in areas],
            "memberships": memberships_of(request.user),
            "gives_roles": can_manage_people(request.user),
            "urgent_sections": sections_for("dashboards:urgent", request),
            "page_sections": sections_for("dashboards:home", request),
        },
    )


def _area_context(request, area: str) -> dict:
    year = programme_selectors.year_current()
    return {
        "year": year,
        "organisations": organisations_in_area(request.user, area),
        "memberships": memberships_of(request.user),
        "meetings": programme_selectors.meetings_upcoming(year=year) if year else [],
        "urgent_sections": sections_for("dashboards:urgent", request),
        "page_sections": sections_for(f"dashboards:{area}", request),
    }


@area_required(Area.SCHOOLS)
@require_GET
def schools_home(request):
    context = _area_context(request, Area.SCHOOLS)
    year = context["year"]
    mine = Application.objects.filter(school__in=context["organisations"])
    # What waits for the school to act: only students it holds on roll (dashboards.homes).
    waiting = school_waiting(request.user, context["organisations"])
    context["waiting"] = waiting_counts(waiting, Area.SCHOOLS)
    context["waiting_oldest"] = school_waiting_oldest(request.user, context["organisations"])
    context["waiting_total"] = sum(count for _, _, count in context["waiting"])
    drafts = mine.filter(status=Status.DRAFT).select_related("student", "programme")
    context["drafts"] = list(drafts.order_by("-updated_at")[:10])
    context["schools"] = [
        {
            "school": school,
            "subscription": year and programme_selectors.subscription_for(school=school, year=year),
            "student_count": school.students.count(),
        }
        for school in context["organisations"]
    ]
    return render(request, "dashboards/home_schools.html", context)


@area_required(Area.CASEWORK)
@require_GET
def casework_home(request):
    context = _area_context(request, Area.CASEWORK)
    roles = {m.role for m in context["memberships"]}
    context["is_manager"] = Role.CAP_MANAGER in roles
    context["failed_jobs"] = jobs_failed_count() if context["is_manager"] else 0
    if context["is_manager"]:
        context["bank_holidays_by_rule_from"] = bank_holidays_by_rule_from(timezone.localdate())
        context["year_to_confirm"] = year_to_confirm()
    # Casework's steps are taken by those who act for CAP (the workflow's CAP actor): the
    # monitoring officers and the CAP safeguarding lead may open applications but take no
    # step, so nothing of the queue waits for them.
    context["acts_for_cap"] = acts = is_cap_officer(request.user)
    context["waiting"] = (
        waiting_counts(
            applications_visible_to(request.user, Application.objects.all()), Area.CASEWORK
        )
        if acts
        else []
    )
    context["overdue_count"], context["overdue"] = overdue_for(request.user)

    return render(request, "dashboards/home_casework.html", context)


@area_required(Area.PROVIDERS)
@require_GET
def providers_home(request):
    context = _area_context(request, Area.PROVIDERS)
    context["waiting"] = waiting_counts(
        packs_visible_to(request.user, Application.objects.all()), Area.PROVIDERS
    )
    year = context["year"]
    context["providers"] = [
        {
            "provider": provider,
            "courses": programme_selectors.courses_of_provider(provider=provider, year=year)
            if year
            else [],
        }
        for provider in context["organisations"]
    ]
    return render(request, "dashboards/home_providers.html", context)


@area_required(Area.PANELS)
@require_GET
def panels_home(request):
    context = _area_context(request, Area.PANELS)
    context["today"] = today = timezone.localdate()
    # The month's held meetings, then those to come: the first MEETINGS_SHOWN of them; the
    # whole calendar is in the member's iCalendar file.
    meetings = meetings_for(request.user, upcoming_from=today - dt.timedelta(days=31))
    shown = list(meetings[: MEETINGS_SHOWN + 1])  # one more: are there others?
    context["my_meetings"] = shown[:MEETINGS_SHOWN]
    context["more_meetings"] = len(shown) > MEETINGS_SHOWN
    return render(request, "dashboards/home_panels.html", context)


@area_required(Area.AGENCIES)
@require_GET
def agencies_home(request):
    return render(request, "dashboards/home_agencies.html", _area_context(request, Area.AGENCIES))


@area_required(Area.FINANCE)
@require_GET
def finance_home(request):
    """What waits for a finance officer: the terms that have ended with no statements made,
    and the year's subscriptions."""
    year = programme_selectors.year_current()
    return render(
        request,
        "dashboards/home_finance.html",
        {
            "year": year,
            "terms": finance_selectors.terms_without_statements(),
            "subscribed": finance_selectors.subscriptions_total(year) if year else None,
            "money_sections": money_sections(),
            "memberships": memberships_of(request.user),
            "urgent_sections": sections_for("dashboards:urgent", request),
            "page_sections": sections_for("dashboards:finance", request),
        },
    )
