"""What finance registers with the apps below it at start-up (FinanceConfig.ready): a fee
on every place, its agreement before the start, and the cost of a withdrawal; the fee's
sections of the school's, the CAP team's and the provider's application pages; and the
latest statement on a school's and a provider's home page."""

import datetime as dt

from django.template.loader import render_to_string

from accounts.models import User
from accounts.rules import Area, provider_ids, school_ids
from applications.effects import on_transition
from applications.models import Application
from finance import selectors, services
from finance.models import Party
from finance.rules import (
    can_agree_fee,
    can_manage_money,
    can_view_fee,
    sees_own_statements,
    statements_visible_to,
)
from lib.sections import section
from programmes.selectors import day_after_a_term
from scheduling.registry import Job, OnDays, register


@on_transition("provider_accept", "confirm_panel_start")
def fee_on_offer(*, application: Application, by: User) -> None:
    """The fee is copied from the course when the provider offers the place; a place on a
    route with no provider's offer gets it when its start is confirmed."""
    services.fee_set_from_course(application=application, by=by)


@on_transition("confirm_start")
def fee_agreed_before_start(*, application: Application, by: User) -> None:
    services.fee_check_agreed(application=application)


@on_transition("withdraw")
def fee_withdrawn(*, application: Application, by: User) -> None:
    services.fee_mark_withdrawn(application=application, by=by)


# --- Sections of the application pages below finance ------------------------------------
# The provider's offer tells only CAP (the workflow's e-mail), so the school learns of the
# fee, and that its budget holder must agree it, from its application's page.


def _fee_shown(request, application: Application):
    """The place's fee, if it has one and the reader may see it."""
    if not can_view_fee(request.user, application):
        return None
    return selectors.fee_of(application)


@section("applications:detail")
def fee_for_school(request, application: Application) -> str:
    fee = _fee_shown(request, application)
    if fee is None:
        return ""
    return render_to_string(
        "finance/fees/_school_section.html",
        {
            "fee": fee,
            "application": application,
            "waiting": selectors.agreement_waiting(fee),
            "can_agree": can_agree_fee(request.user, application),
        },
        request,
    )


@section("casework:application")
def fee_for_casework(request, application: Application) -> str:
    fee = _fee_shown(request, application)
    if fee is None:
        return ""
    return render_to_string(
        "finance/fees/_casework_section.html",
        {
            "fee": fee,
            "application": application,
            "changes": selectors.fee_changes(fee),
            "waiting": selectors.agreement_waiting(fee),
            "can_agree": can_agree_fee(request.user, application),
            "can_change": can_manage_money(request.user),
        },
        request,
    )


@section("providers:pack")
def fee_for_provider(request, application: Application) -> str:
    """The fee of the place the provider offered; nothing of the school's budget."""
    fee = _fee_shown(request, application)
    if fee is None:
        return ""
    return render_to_string("finance/fees/_provider_section.html", {"fee": fee}, request)


# --- Sections of the home pages ---------------------------------------------------------


def _latest_statement(request, area: str, party: str, organisation_ids: set[int]) -> str:
    """The latest statement of the reader's school or provider, with a link to them all;
    nothing for someone who does not read statements, or before the first is issued."""
    if not sees_own_statements(request.user):
        return ""
    latest = statements_visible_to(
        request.user, selectors.statements_of(organisation_ids, party)
    ).first()
    if latest is None:
        return ""
    return render_to_string(
        "finance/statements/_home.html",
        {
            "statement": latest,
            "list": f"finance:{area}_statements",
            "detail": f"finance:{area}_statement",
        },
        request,
    )


@section(f"dashboards:{Area.SCHOOLS}")
def schools_latest_statement(request, _) -> str:
    return _latest_statement(request, Area.SCHOOLS, Party.SCHOOL, school_ids(request.user))


@section(f"dashboards:{Area.PROVIDERS}")
def providers_latest_statement(request, _) -> str:
    return _latest_statement(request, Area.PROVIDERS, Party.PROVIDER, provider_ids(request.user))


# --- Scheduled jobs -----------------------------------------------------------------------

register(
    Job(
        name="make_statements",
        description="Issues the statements of the term that ended for every school and provider.",
        when=OnDays(
            next_day=day_after_a_term,
            at=dt.time(6, 0),
            description="the first working day after each term ends",
        ),
        command="make_statements",
    )
)
