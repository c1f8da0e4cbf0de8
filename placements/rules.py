"""Who sees a placement, takes its registers and adds to its record.

CAP staff see every placement; a school sees its own students' placements (and the codes
it records for them); a setting (provider, academy or receiving school) sees the placements
at its organisation and records their marks. Nobody else sees any.
"""

import rules
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from accounts.models import SCHOOL_KINDS, Role, User
from accounts.rules import (
    dsl_organisation_ids,
    is_cap_staff,
    memberships_of,
    provider_ids,
    school_ids,
)
from lib import nav
from placements.models import ExitOutcome
from programmes.models import Route
from students.rules import is_linked_to


def _setting_ids(user: User) -> set[int]:
    """Organisations whose registers the user takes: provider staff and DSLs at a provider
    or the academy, and a receiving school's staff (Supported Transfer)."""
    return provider_ids(user) | school_ids(user)


@rules.predicate
def can_view_placement(user: User, placement) -> bool:
    return (
        is_cap_staff(user)
        or placement.home_school_id in school_ids(user)
        or placement.provider_id in _setting_ids(user)
    )


def check_can_view_placement(user: User, placement) -> None:
    if not can_view_placement(user, placement):
        raise PermissionDenied("This placement is not yours to see.")


def sees_every_placement(user: User) -> bool:
    """CAP staff: figures for them may count every placement at once."""
    return is_cap_staff(user)


def placements_visible_to(user: User, queryset: QuerySet) -> QuerySet:
    """The same rule as can_view_placement, as a queryset filter for lists."""
    if sees_every_placement(user):
        return queryset
    return queryset.filter(
        Q(home_school_id__in=school_ids(user)) | Q(provider_id__in=_setting_ids(user))
    )


def registers_visible_to(user: User) -> set[int]:
    """The settings whose registers the user may take."""
    return _setting_ids(user)


@rules.predicate
def can_record_marks(user: User, placement) -> bool:
    """Only the setting records a placement's marks."""
    return placement.provider_id in _setting_ids(user)


def check_can_record_marks(user: User, placement) -> None:
    if not can_record_marks(user, placement):
        raise PermissionDenied("Only the setting records this placement's marks.")


@rules.predicate
def can_view_home_codes(user: User, placement) -> bool:
    """The codes the home school records: the school itself and CAP staff."""
    return is_cap_staff(user) or placement.home_school_id in school_ids(user)


@rules.predicate
def can_edit_placement(user: User, placement) -> bool:
    """The CAP team keeps the pattern, the monitoring officer, the safeguarding
    confirmation and the exit."""
    return is_cap_staff(user)


def check_can_edit_placement(user: User, placement) -> None:
    if not can_edit_placement(user, placement):
        raise PermissionDenied("Only the CAP team changes a placement.")


@rules.predicate
def can_add_placement_record(user: User, placement) -> bool:
    """Targets, assessments, behaviour, reviews, plans and the student's view: the setting
    and the CAP team record them; the home school reads them."""
    return is_cap_staff(user) or can_record_marks(user, placement)


def check_can_add_placement_record(user: User, placement) -> None:
    if not can_add_placement_record(user, placement):
        raise PermissionDenied("Only the setting and the CAP team add to this placement.")


@rules.predicate
def can_add_to_review(user: User, review) -> bool:
    """Notes and actions on a review meeting: whoever adds the placement's records, and an
    agency professional linked to the student (students.rules)."""
    return can_add_placement_record(user, review.placement) or is_linked_to(
        user, review.placement.student
    )


def check_can_add_to_review(user: User, review) -> None:
    if not can_add_to_review(user, review):
        raise PermissionDenied("Only the people working with this student add to its reviews.")


can_issue_reports = is_cap_staff


def check_can_issue_reports(user: User) -> None:
    if not can_issue_reports(user):
        raise PermissionDenied("Only the CAP team issues termly reports.")


def monitoring_recipients(placement) -> list[str]:
    """The placement's monitoring officer while they may still see it; otherwise the CAP
    team's inbox."""
    officer = placement.monitoring_officer
    if officer is not None and officer.is_active and can_view_placement(officer, placement):
        return [officer.email]
    return [settings.CAP_TEAM_EMAIL]


# --- Monitoring officers' visits ---------------------------------------------------------
#
# The CAP team plans, records and reads every visit. The home school reads every visit of
# its students' placements, and what was found and the next steps of visits at the setting
# and one-to-one sessions; what was found on a home visit is about the family and the home,
# so at the school only its designated safeguarding lead reads it (the person who holds the
# family's context and acts on a welfare concern); the rest of the school sees that the
# home visit was made, when and by whom. The setting sees the visits planned at the setting
# (when, by whom, whether it happened) and nothing of home visits or one-to-ones. Nobody
# else sees any.


@rules.predicate
def can_manage_visits(user: User, placement) -> bool:
    """Plan and record a placement's visits: the CAP team."""
    return is_cap_staff(user)


def check_can_manage_visits(user: User, placement) -> None:
    if not can_manage_visits(user, placement):
        raise PermissionDenied("Only the CAP team plans and records visits.")


def _visit_kinds_visible(user: User, placement) -> set[str] | None:
    """The kinds of the placement's visits the user sees; None for all of them."""
    if is_cap_staff(user) or placement.home_school_id in school_ids(user):
        return None
    if placement.provider_id in _setting_ids(user):
        return {"setting"}
    return set()


@rules.predicate
def can_view_visit(user: User, visit) -> bool:
    kinds = _visit_kinds_visible(user, visit.placement)
    return kinds is None or visit.kind in kinds


@rules.predicate
def can_read_visit_findings(user: User, visit) -> bool:
    """Who was seen, what was found and the next steps (module comment above)."""
    placement = visit.placement
    if is_cap_staff(user):
        return True
    if placement.home_school_id not in school_ids(user):
        return False
    return visit.kind != "home" or placement.home_school_id in dsl_organisation_ids(user)


def visits_visible_to(user: User, placement, queryset: QuerySet) -> QuerySet:
    """The same rule as can_view_visit, as a filter of one placement's visits."""
    kinds = _visit_kinds_visible(user, placement)
    queryset = queryset.filter(placement=placement)
    return queryset if kinds is None else queryset.filter(kind__in=kinds)


# --- Managed moves ------------------------------------------------------------------------

# Who at the receiving school agrees that a student joins its roll.
MOVE_ROLES = frozenset({Role.HEADTEACHER, Role.REFERRER})


def move_confirmer_school_ids(user: User) -> set[int]:
    """The schools (and the academy) where the user may confirm a managed move in."""
    return {
        m.organisation_id
        for m in memberships_of(user)
        if m.organisation.kind in SCHOOL_KINDS and m.role in MOVE_ROLES
    }


def is_supported_transfer(placement) -> bool:
    """A placement at another school on the Supported Transfer route: the route that may end
    in a managed move (DESIGN.md §4, route 3)."""
    return (
        placement.programme.route == Route.PANEL_THEN_HEADTEACHERS
        and placement.provider.kind in SCHOOL_KINDS
    )


@rules.predicate
def can_confirm_managed_move(user: User, placement) -> bool:
    """The receiving school's headteacher or CAP coordinator, for a Supported Transfer at
    their school that is open or ended in a managed move, and not yet confirmed."""
    return (
        placement.provider_id in move_confirmer_school_ids(user)
        and is_supported_transfer(placement)
        and (not placement.ended_on or placement.exit_outcome == ExitOutcome.MANAGED_MOVE)
        and not hasattr(placement, "managed_move")
    )


def check_can_confirm_managed_move(user: User, placement) -> None:
    if not can_confirm_managed_move(user, placement):
        raise PermissionDenied("Only the receiving school confirms this managed move.")


# Navigation (lib.nav): who may open this app's pages that some signed-in people cannot.
nav.register("placements:report_runs", can_issue_reports)
