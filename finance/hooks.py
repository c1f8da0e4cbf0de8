"""What finance registers with the apps below it at start-up (FinanceConfig.ready): a fee
on every place, its agreement before the start, and the cost of a withdrawal; and the fee's
sections of the school's, the CAP team's and the provider's application pages."""

from django.template.loader import render_to_string

from accounts.models import User
from applications.effects import on_transition
from applications.models import Application
from finance import selectors, services
from finance.rules import can_agree_fee, can_manage_money, can_view_fee
from lib.sections import section


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
