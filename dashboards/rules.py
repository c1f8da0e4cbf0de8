"""Who sees which oversight figures.

The CAP manager and officers see the whole service; a monitoring officer sees their own
caseload; school and provider staff see their own organisation's figures, with small
numbers withheld (dashboards.scope). The CAP manager sets the threshold and loads the
secondary population the equalities figures are compared with.

The multi-agency panel's termly oversight report is made by the CAP team (officers and the
manager) and read by them and by the active members of the panel it is for, once it is
published; nobody else learns that it exists.
"""

import rules
from django.core.exceptions import PermissionDenied

from accounts.models import OrganisationKind, Role, User
from accounts.rules import holds, is_cap_manager, is_cap_officer
from lib import nav
from panels.rules import panel_seats_of

sees_service_figures = is_cap_officer
can_manage_oversight = is_cap_manager


@rules.predicate
def sees_caseload_figures(user: User) -> bool:
    return holds(user, kinds={OrganisationKind.LOCAL_AUTHORITY}, roles={Role.MONITORING_OFFICER})


# --- The panel's termly oversight report ----------------------------------------------------

can_make_panel_reports = sees_service_figures


def check_can_make_panel_reports(user: User) -> None:
    if not can_make_panel_reports(user):
        raise PermissionDenied("Only the CAP team makes the panels' oversight reports.")


def sits_on(user: User, panel_id: int) -> bool:
    """An active member of the panel (panels.rules: active seats of an active user)."""
    return any(seat.panel_id == panel_id for seat in panel_seats_of(user))


@rules.predicate
def can_read_panel_report(user: User, report) -> bool:
    """The CAP team, once it is made; the panel's active members, once it is published."""
    if report.made_at is None:
        return False
    if sees_service_figures(user):
        return True
    return report.published_at is not None and sits_on(user, report.panel_id)


def check_can_read_panel_report(user: User, report) -> None:
    if not can_read_panel_report(user, report):
        raise PermissionDenied("This report is not yours to read.")


def panel_report_recipients(report) -> list[str]:
    """Whom a published report is e-mailed to: the panel's members who may read it now."""
    members = report.panel.members.filter(is_active=True, user__is_active=True).select_related(
        "user"
    )
    return sorted({m.user.email for m in members if can_read_panel_report(m.user, report)})


# Navigation (lib.nav): who may open this app's pages that some signed-in people cannot.
nav.register(
    "dashboards:casework_figures",
    lambda user: sees_service_figures(user) or sees_caseload_figures(user),
)
