"""Who runs panels and who reads their packs and records their decisions.

CAP officers run every meeting: they keep the agenda, publish the pack, clerk and record
decisions. A panel member sees the meetings of the panels they sit on, and each meeting's
pack from its publication until the panel's pack_access_days after the meeting. The chair
(or vice chair) records decisions, except on items from a school they are part of.
"""

import datetime as dt

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.rules import is_cap_officer, memberships_of, school_ids, sees_every_student
from applications.rules import actor_register
from applications.workflow import Actor
from lib import nav
from panels.models import Meeting, PanelMember
from panels.workflow import ItemState
from programmes.rules import can_edit_model


def panel_seats_of(user: User) -> list[PanelMember]:
    """The user's active panel seats, cached on the user for the request."""
    if not user.is_authenticated or not user.is_active:
        return []
    cached = getattr(user, "_cap_panel_seats", None)
    if cached is None:
        cached = list(PanelMember.objects.filter(user=user, is_active=True))
        user._cap_panel_seats = cached
    return cached


def _seat_on(user: User, panel_id: int) -> PanelMember | None:
    return next((seat for seat in panel_seats_of(user) if seat.panel_id == panel_id), None)


def can_run_panels(user: User) -> bool:
    return is_cap_officer(user)


def check_can_run_panels(user: User) -> None:
    if not can_run_panels(user):
        raise PermissionDenied("Only CAP officers run panel meetings.")


@rules.predicate
def can_view_meeting(user: User, meeting) -> bool:
    return can_run_panels(user) or _seat_on(user, meeting.panel_id) is not None


def meetings_visible_to(user: User, queryset: QuerySet) -> QuerySet:
    if can_run_panels(user):
        return queryset
    return queryset.filter(panel_id__in=[seat.panel_id for seat in panel_seats_of(user)])


def pack_window_closes(meeting) -> dt.date | None:
    """The last day members may read the meeting's pack."""
    if meeting.date is None:
        return None
    return meeting.date + dt.timedelta(days=meeting.panel.pack_access_days)


@rules.predicate
def can_view_meeting_pack(user: User, meeting) -> bool:
    if can_run_panels(user):
        return True
    if _seat_on(user, meeting.panel_id) is None:
        return False
    record = getattr(meeting, "record", None)
    closes = pack_window_closes(meeting)
    return (
        record is not None
        and record.pack_published_at is not None
        and closes is not None
        and timezone.localdate() <= closes
    )


def is_conflicted(user: User, application) -> bool:
    """Part of the referring school, or sitting for it: no part in the item's decision."""
    if application.school_id in {m.organisation_id for m in memberships_of(user)}:
        return True
    return any(seat.represents_id == application.school_id for seat in panel_seats_of(user))


@rules.predicate
def can_decide_item(user: User, item) -> bool:
    """The clerk (a CAP officer) or the panel's chair or vice chair, not conflicted."""
    if is_conflicted(user, item.application):
        return False
    if can_run_panels(user):
        return True
    seat = _seat_on(user, item.meeting.panel_id)
    return seat is not None and seat.position in ("chair", "vice_chair")


def check_can_decide_item(user: User, item) -> None:
    if not can_decide_item(user, item):
        raise PermissionDenied("Only the panel's chair or its clerk records its decisions.")


def can_decide_for_panel(user: User, application) -> bool:
    """Whether the user may record a decision on the item the application waits on."""
    item = (
        application.agenda_items.filter(state=ItemState.WAITING).select_related("meeting").first()
    )
    return item is not None and can_decide_item(user, item)


# The workflow table's "panel" actor: whoever may decide the item the application waits on.
actor_register(Actor.PANEL, can_decide_for_panel)


def can_view_outcome_notice(user: User, notice) -> bool:
    """The referring school once it is sent; CAP staff always."""
    if sees_every_student(user):
        return True
    return notice.sent_at is not None and notice.application.school_id in school_ids(user)


# The CAP manager keeps the members of each panel in the admin.
for _verb in ("view", "add", "change", "delete"):
    rules.add_perm(f"panels.{_verb}_panelmember", can_edit_model)


def pack_recipients(meeting) -> list[str]:
    """The panel's members who may read the meeting's pack now."""
    members = meeting.panel.members.filter(is_active=True, user__is_active=True).select_related(
        "user"
    )
    return sorted({m.user.email for m in members if can_view_meeting_pack(m.user, meeting)})


# Navigation (lib.nav): who may open this app's pages that some signed-in people cannot.
# The lists of every meeting, notice and waiting list are for who runs the panels; a
# meeting's page also for who sits on its panel.
nav.register("casework_meetings:meetings", can_run_panels)
nav.register("casework_meetings:waiting_lists", can_run_panels)


def _may_open_meeting(user: User, meeting_uuid) -> bool:
    if can_run_panels(user):
        return True
    seats = [seat.panel_id for seat in panel_seats_of(user)]
    return bool(seats) and Meeting.objects.filter(uuid=meeting_uuid, panel_id__in=seats).exists()


nav.register("casework_meetings:meeting", _may_open_meeting)
