"""Who sees and records the termly school review meetings.

The CAP team (CAP officers, monitoring officers, the CAP manager) prepares every school's
meeting, records its minutes and actions, and shares it with the school. Once shared, the
school's staff (CAP coordinator, headteacher, DSL) see their own school's meetings and
mark done the actions owned by their school's people. Nobody else sees any: other schools,
providers, agencies, panel members and the CAP safeguarding lead are answered 404.
"""

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from accounts.models import User
from accounts.rules import is_cap_staff, school_ids


@rules.predicate
def can_record_school_review(user: User) -> bool:
    """Prepare meetings, refresh agendas, record minutes and actions, share."""
    return is_cap_staff(user)


def check_can_record_school_review(user: User) -> None:
    if not can_record_school_review(user):
        raise PermissionDenied("Only the CAP team prepares and records school review meetings.")


@rules.predicate
def can_view_school_review(user: User, meeting) -> bool:
    return is_cap_staff(user) or (meeting.is_shared and meeting.school_id in school_ids(user))


def check_can_view_school_review(user: User, meeting) -> None:
    if not can_view_school_review(user, meeting):
        raise PermissionDenied("This review meeting is not yours to see.")


def school_reviews_visible_to(user: User, queryset: QuerySet) -> QuerySet:
    """The same rule as can_view_school_review, as a queryset filter for lists."""
    if is_cap_staff(user):
        return queryset
    return queryset.filter(shared_at__isnull=False, school_id__in=school_ids(user))


def school_reviews_shared_with(user: User, queryset: QuerySet) -> QuerySet:
    """The meetings shared with the user's own schools: what the School area lists, for
    CAP staff as for anyone (CAP staff hold no school)."""
    return queryset.filter(shared_at__isnull=False, school_id__in=school_ids(user))


@rules.predicate
def can_mark_school_review_action(user: User, action) -> bool:
    """The CAP team marks any action done or not done; the school's staff, on a meeting
    shared with them, those owned by their school's people."""
    meeting = action.meeting
    return is_cap_staff(user) or (
        can_view_school_review(user, meeting)
        and action.owner_organisation_id is not None
        and action.owner_organisation_id == meeting.school_id
    )


def check_can_mark_school_review_action(user: User, action) -> None:
    if not can_mark_school_review_action(user, action):
        raise PermissionDenied("Only the CAP team and the action's school mark it done.")
