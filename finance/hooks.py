"""What finance registers with the apps below it at start-up (FinanceConfig.ready): a fee
on every place, its agreement before the start, and the cost of a withdrawal."""

from accounts.models import User
from applications.effects import on_transition
from applications.models import Application
from finance import services


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
