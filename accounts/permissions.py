"""Every access rule in CAP, in one place.

Rules are predicates (django-rules) named can_<verb>_<noun>; each has a raising twin
check_<verb>_<noun> for services. Views, services and templates ask the same predicate.
docs/permissions.md explains them in plain English: change both together.
"""

from collections.abc import Iterable

import rules
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from accounts.models import Membership, Organisation, OrganisationKind, Role, User

K = OrganisationKind

# Which roles an organisation of each kind can give. The AP academy is a school that is
# also a provider, so it can give both kinds of role.
ROLES_BY_KIND: dict[str, frozenset[str]] = {
    K.LOCAL_AUTHORITY: frozenset(
        {Role.CAP_OFFICER, Role.MONITORING_OFFICER, Role.CAP_MANAGER, Role.DSL, Role.PANEL_MEMBER}
    ),
    K.SCHOOL: frozenset({Role.REFERRER, Role.HEADTEACHER, Role.DSL, Role.PANEL_MEMBER}),
    K.TRAINING_PROVIDER: frozenset({Role.PROVIDER_STAFF, Role.DSL}),
    K.AP_ACADEMY: frozenset(
        {Role.REFERRER, Role.HEADTEACHER, Role.DSL, Role.PROVIDER_STAFF, Role.PANEL_MEMBER}
    ),
    K.AGENCY: frozenset({Role.AGENCY_PROFESSIONAL, Role.PANEL_MEMBER}),
}


class Area:
    """An audience with its own URL namespace (STYLE.md rule 11)."""

    SCHOOLS = "schools"
    CASEWORK = "casework"
    PROVIDERS = "providers"
    PANELS = "panels"
    AGENCIES = "agencies"


AREA_LABELS = {
    Area.SCHOOLS: "School",
    Area.CASEWORK: "Casework",
    Area.PROVIDERS: "Provider",
    Area.PANELS: "Panels",
    Area.AGENCIES: "Agency",
}

# (organisation kinds, roles) that open each area.
_AREA_GRANTS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    Area.SCHOOLS: (
        frozenset({K.SCHOOL, K.AP_ACADEMY}),
        frozenset({Role.REFERRER, Role.HEADTEACHER, Role.DSL}),
    ),
    Area.CASEWORK: (
        frozenset({K.LOCAL_AUTHORITY}),
        frozenset({Role.CAP_OFFICER, Role.MONITORING_OFFICER, Role.CAP_MANAGER, Role.DSL}),
    ),
    Area.PROVIDERS: (
        frozenset({K.TRAINING_PROVIDER, K.AP_ACADEMY}),
        frozenset({Role.PROVIDER_STAFF, Role.DSL}),
    ),
    Area.PANELS: (frozenset(K.values), frozenset({Role.PANEL_MEMBER})),
    Area.AGENCIES: (frozenset({K.AGENCY}), frozenset({Role.AGENCY_PROFESSIONAL})),
}


def role_allowed(*, kind: str, role: str) -> bool:
    return role in ROLES_BY_KIND.get(kind, frozenset())


def memberships_of(user: User) -> list[Membership]:
    """The user's memberships at active organisations, cached on the user for the request."""
    if not user.is_authenticated or not user.is_active:
        return []
    cached = getattr(user, "_cap_memberships", None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user, organisation__is_active=True).select_related(
                "organisation"
            )
        )
        user._cap_memberships = cached
    return cached


def _holds(user: User, *, kinds: Iterable[str], roles: Iterable[str]) -> bool:
    kinds, roles = set(kinds), set(roles)
    return any(m.organisation.kind in kinds and m.role in roles for m in memberships_of(user))


def areas_of(user: User) -> list[str]:
    """The areas a user may enter, in a stable order."""
    return [
        area
        for area, (kinds, roles) in _AREA_GRANTS.items()
        if _holds(user, kinds=kinds, roles=roles)
    ]


def organisations_in_area(user: User, area: str) -> list[Organisation]:
    kinds, roles = _AREA_GRANTS[area]
    seen: dict[int, Organisation] = {}
    for m in memberships_of(user):
        if m.organisation.kind in kinds and m.role in roles:
            seen.setdefault(m.organisation.pk, m.organisation)
    return list(seen.values())


# --- Predicates -------------------------------------------------------------------------


@rules.predicate
def has_membership(user: User) -> bool:
    return bool(memberships_of(user))


@rules.predicate
def is_cap_manager(user: User) -> bool:
    return _holds(user, kinds={K.LOCAL_AUTHORITY}, roles={Role.CAP_MANAGER})


@rules.predicate
def is_cap_staff(user: User) -> bool:
    """CAP officers, monitoring officers and the CAP manager at the local authority."""
    return _holds(
        user,
        kinds={K.LOCAL_AUTHORITY},
        roles={Role.CAP_OFFICER, Role.MONITORING_OFFICER, Role.CAP_MANAGER},
    )


def can_enter_area(user: User, area: str) -> bool:
    return area in areas_of(user)


can_view_model = has_membership
can_edit_model = is_cap_manager
can_use_admin = is_cap_manager
can_manage_users = is_cap_manager
can_view_audit = is_cap_manager


def _sees_every_student(user: User) -> bool:
    """CAP staff and the CAP safeguarding lead (a DSL at the local authority)."""
    return is_cap_staff(user) or _holds(user, kinds={K.LOCAL_AUTHORITY}, roles={Role.DSL})


@rules.predicate
def can_view_student(user: User, student) -> bool:
    """CAP staff and the CAP safeguarding lead see every student; school staff see only
    their own school's students; nobody else sees any."""
    if _sees_every_student(user):
        return True
    return student.home_school_id in _school_ids(user)


def check_can_view_student(user: User, student) -> None:
    if not can_view_student(user, student):
        raise PermissionDenied("This student's record is not yours to see.")


def students_visible_to(user: User, queryset: QuerySet) -> QuerySet:
    """The same rule as can_view_student, as a queryset filter for lists."""
    if _sees_every_student(user):
        return queryset
    school_ids = [o.pk for o in organisations_in_area(user, Area.SCHOOLS)]
    return queryset.filter(home_school_id__in=school_ids)


def _school_ids(user: User) -> set[int]:
    return {o.pk for o in organisations_in_area(user, Area.SCHOOLS)}


@rules.predicate
def can_edit_student(user: User, student) -> bool:
    """The student's own school keeps the record."""
    return student.home_school_id in _school_ids(user)


def check_can_edit_student(user: User, student) -> None:
    if not can_edit_student(user, student):
        raise PermissionDenied("Only the student's own school keeps their record.")


@rules.predicate
def can_create_student(user: User, school: Organisation) -> bool:
    return school.pk in _school_ids(user)


def check_can_create_student(user: User, school: Organisation) -> None:
    if not can_create_student(user, school):
        raise PermissionDenied("You can add students only to your own school.")


# --- Applications ---------------------------------------------------------------------
# A school sees all its own applications, drafts included. CAP staff see an application
# once it has been submitted: a draft, even a discarded one, is the school's own work.


@rules.predicate
def can_view_application(user: User, application) -> bool:
    if application.school_id in _school_ids(user):
        return True
    return _sees_every_student(user) and application.submitted_at is not None


def applications_visible_to(user: User, queryset: QuerySet) -> QuerySet:
    """The same rule as can_view_application, as a queryset filter for lists."""
    from django.db.models import Q

    mine = Q(school_id__in=_school_ids(user))
    if _sees_every_student(user):
        return queryset.filter(mine | Q(submitted_at__isnull=False))
    return queryset.filter(mine)


@rules.predicate
def can_edit_application(user: User, application) -> bool:
    """Only the referring school changes a draft."""
    return application.status == "draft" and application.school_id in _school_ids(user)


@rules.predicate
def can_withdraw_application(user: User, application) -> bool:
    return can_act_on_application(user, application, "withdraw")


def _provider_ids(user: User) -> set[int]:
    return {o.pk for o in organisations_in_area(user, Area.PROVIDERS)}


def _is_cap_officer(user: User) -> bool:
    """Who acts for CAP on an application: CAP officers and the CAP manager."""
    return _holds(user, kinds={K.LOCAL_AUTHORITY}, roles={Role.CAP_OFFICER, Role.CAP_MANAGER})


@rules.predicate
def can_view_pack(user: User, application) -> bool:
    """Provider staff see the pack CAP sent to their organisation, from when it was sent,
    and nothing else of the application."""
    return (
        application.pack_sent_at is not None
        and application.course_id is not None
        and application.course.provider_id in _provider_ids(user)
    )


def packs_visible_to(user: User, queryset: QuerySet) -> QuerySet:
    """The same rule as can_view_pack, as a queryset filter."""
    return queryset.filter(pack_sent_at__isnull=False, course__provider_id__in=_provider_ids(user))


def can_act_on_application(user: User, application, transition: str) -> bool:
    """Whether the user may take this step now: the workflow table says who acts."""
    from applications.workflow import TRANSITIONS, allowed, route_of

    if not allowed(transition, application.status, route_of(application)):
        return False
    actors = TRANSITIONS[transition].actors
    return (
        ("school" in actors and application.school_id in _school_ids(user))
        or ("cap" in actors and _is_cap_officer(user))
        or ("provider" in actors and can_view_pack(user, application))
        or ("panel" in actors and can_decide_for_panel(user, application))
    )


def check_can_act_on_application(user: User, application, transition: str) -> None:
    if not can_act_on_application(user, application, transition):
        raise PermissionDenied("You cannot take this step on this application now.")


def can_assign_application(user: User, application) -> bool:
    return _is_cap_officer(user) and application.submitted_at is not None


def check_can_edit_application(user: User, application) -> None:
    if not can_edit_application(user, application):
        raise PermissionDenied("Only the referring school can change this draft.")


def check_can_withdraw_application(user: User, application) -> None:
    if not can_withdraw_application(user, application):
        raise PermissionDenied("This application cannot be withdrawn by you now.")


def check_can_edit_model(user: User) -> None:
    if not can_edit_model(user):
        raise PermissionDenied("Only the CAP manager can change the model of support.")


def check_can_manage_users(user: User) -> None:
    if not can_manage_users(user):
        raise PermissionDenied("Only the CAP manager can manage users.")


# --- Panels -------------------------------------------------------------------------------
# CAP officers run every meeting: they keep the agenda, publish the pack, clerk and record
# decisions. A panel member sees the meetings of the panels they sit on, and each meeting's
# pack from its publication until the panel's pack_access_days after the meeting. The chair
# (or vice chair) records decisions, except on items from a school they are part of.


def panel_seats_of(user: User) -> list:
    """The user's active panel seats, cached on the user for the request."""
    from panels.models import PanelMember

    if not user.is_authenticated or not user.is_active:
        return []
    cached = getattr(user, "_cap_panel_seats", None)
    if cached is None:
        cached = list(PanelMember.objects.filter(user=user, is_active=True))
        user._cap_panel_seats = cached
    return cached


def _seat_on(user: User, panel_id: int):
    return next((seat for seat in panel_seats_of(user) if seat.panel_id == panel_id), None)


def can_run_panels(user: User) -> bool:
    return _is_cap_officer(user)


@rules.predicate
def can_view_meeting(user: User, meeting) -> bool:
    return can_run_panels(user) or _seat_on(user, meeting.panel_id) is not None


def meetings_visible_to(user: User, queryset: QuerySet) -> QuerySet:
    if can_run_panels(user):
        return queryset
    return queryset.filter(panel_id__in=[seat.panel_id for seat in panel_seats_of(user)])


def pack_window_closes(meeting):
    """The last day members may read the meeting's pack."""
    import datetime as dt

    if meeting.date is None:
        return None
    return meeting.date + dt.timedelta(days=meeting.panel.pack_access_days)


@rules.predicate
def can_view_meeting_pack(user: User, meeting) -> bool:
    from django.utils import timezone

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
    item = application.agenda_items.filter(state="waiting").select_related("meeting").first()
    return item is not None and can_decide_item(user, item)


def can_view_outcome_notice(user: User, notice) -> bool:
    """The referring school once it is sent; CAP staff always."""
    if _sees_every_student(user):
        return True
    return notice.sent_at is not None and notice.application.school_id in _school_ids(user)


# --- Safeguarding ------------------------------------------------------------------------
# A concern is seen by the designated safeguarding leads (DSLs) of the student's home school,
# the DSL of the provider running the placement it was raised on, and the CAP safeguarding
# lead (a DSL at the local authority). Nobody else: not the CAP manager, CAP officers,
# panels, other schools or other providers. Anyone who works with the student may raise
# one, and sees only their receipt. docs/permissions.md explains this in plain English.


def _dsl_organisation_ids(user: User) -> set[int]:
    return {m.organisation_id for m in memberships_of(user) if m.role == Role.DSL}


def is_safeguarding_lead(user: User) -> bool:
    """The CAP safeguarding lead: a DSL at the local authority."""
    return _holds(user, kinds={K.LOCAL_AUTHORITY}, roles={Role.DSL})


def is_dsl(user: User) -> bool:
    return bool(_dsl_organisation_ids(user))


@rules.predicate
def can_view_concern(user: User, concern) -> bool:
    if is_safeguarding_lead(user):
        return True
    dsl_of = _dsl_organisation_ids(user)
    if concern.student.home_school_id in dsl_of:
        return True
    return concern.placement_id is not None and concern.placement.provider_id in dsl_of


def check_can_view_concern(user: User, concern) -> None:
    if not can_view_concern(user, concern):
        raise PermissionDenied("This concern is not yours to see.")


def concerns_visible_to(user: User, queryset: QuerySet) -> QuerySet:
    """The same rule as can_view_concern, as a queryset filter for the DSL's queue."""
    from django.db.models import Q

    if is_safeguarding_lead(user):
        return queryset
    dsl_of = _dsl_organisation_ids(user)
    if not dsl_of:
        return queryset.none()
    return queryset.filter(
        Q(student__home_school_id__in=dsl_of) | Q(placement__provider_id__in=dsl_of)
    )


# Whoever may see a concern acts on it: acknowledges it, records actions, updates and
# corrections, and closes it with an outcome.
can_act_on_concern = can_view_concern
check_can_act_on_concern = check_can_view_concern


def can_view_chronology(user: User, student) -> bool:
    """The student's safeguarding chronology: the home school's DSLs, the CAP safeguarding
    lead, and the DSL of a provider with a placement of the student (who sees only the
    concerns raised on their placements)."""
    if is_safeguarding_lead(user):
        return True
    dsl_of = _dsl_organisation_ids(user)
    if student.home_school_id in dsl_of:
        return True
    from placements.models import Placement

    return (
        bool(dsl_of) and Placement.objects.filter(student=student, provider_id__in=dsl_of).exists()
    )


def raising_organisations(user: User, student) -> list[Organisation]:
    """The organisations for which the user works with the student, and so may raise a
    concern: the home school's staff, the staff of a provider with a placement of the
    student, and CAP staff and the CAP safeguarding lead at the local authority."""
    from placements.models import Placement

    found: dict[int, Organisation] = {}
    for organisation in organisations_in_area(user, Area.SCHOOLS):
        if organisation.pk == student.home_school_id:
            found[organisation.pk] = organisation
    provider_ids = _provider_ids(user)
    if provider_ids:
        placed_at = set(
            Placement.objects.filter(student=student, provider_id__in=provider_ids).values_list(
                "provider_id", flat=True
            )
        )
        for organisation in organisations_in_area(user, Area.PROVIDERS):
            if organisation.pk in placed_at:
                found.setdefault(organisation.pk, organisation)
    for m in memberships_of(user):
        if m.organisation.kind == K.LOCAL_AUTHORITY and m.role in {
            Role.CAP_OFFICER,
            Role.MONITORING_OFFICER,
            Role.CAP_MANAGER,
            Role.DSL,
        }:
            found.setdefault(m.organisation.pk, m.organisation)
    return list(found.values())


@rules.predicate
def can_raise_concern(user: User, student) -> bool:
    return bool(raising_organisations(user, student))


def check_can_raise_concern(user: User, student) -> None:
    if not can_raise_concern(user, student):
        raise PermissionDenied("You can raise a concern only about a student you work with.")


def can_view_concern_receipt(user: User, concern) -> bool:
    """The person who raised a concern sees that they raised it, and nothing more."""
    return user.is_authenticated and concern.raised_by_id == user.pk


# --- Provider quality assurance and the course directory (quality app) ------------------
# School staff (and CAP staff) search the directory. CAP officers and the CAP manager keep
# every provider's record, approve evidence, record reviews and visits; monitoring officers
# see it all. A provider's own staff see and maintain only their own evidence.


@rules.predicate
def can_view_directory(user: User) -> bool:
    return bool(_school_ids(user)) or is_cap_staff(user)


def check_can_view_directory(user: User) -> None:
    if not can_view_directory(user):
        raise PermissionDenied("The course directory is for school and CAP staff.")


@rules.predicate
def can_view_provider_quality(user: User, record) -> bool:
    return is_cap_staff(user) or record.organisation_id in _provider_ids(user)


def provider_records_visible_to(user: User, queryset: QuerySet) -> QuerySet:
    """The same rule as can_view_provider_quality, as a queryset filter."""
    if is_cap_staff(user):
        return queryset
    return queryset.filter(organisation_id__in=_provider_ids(user))


@rules.predicate
def can_manage_quality(user: User) -> bool:
    """Approve evidence, record reviews and visits, keep provider records."""
    return _is_cap_officer(user)


def check_can_manage_quality(user: User) -> None:
    if not can_manage_quality(user):
        raise PermissionDenied("Only CAP officers and the CAP manager keep provider compliance.")


@rules.predicate
def can_submit_evidence(user: User, record) -> bool:
    return record.organisation_id in _provider_ids(user)


def check_can_submit_evidence(user: User, record) -> None:
    if not can_submit_evidence(user, record):
        raise PermissionDenied("Only the provider's own staff submit its evidence.")


def can_view_evidence(user: User, evidence) -> bool:
    return can_view_provider_quality(user, evidence.provider)


def check_can_view_evidence(user: User, evidence) -> None:
    if not can_view_evidence(user, evidence):
        raise PermissionDenied("This evidence is not yours to see.")


# The CAP manager configures quality assurance in the admin; provider records, evidence,
# reviews and visits are kept through CAP's own audited pages.
for _model in ("qualitysettings", "compliancearea", "evidenceitem"):
    for _verb in ("view", "add", "change", "delete"):
        rules.add_perm(f"quality.{_verb}_{_model}", can_edit_model)


# --- Placements (issue 6) ---------------------------------------------------------------
# CAP staff see every placement; a school sees its own students' placements (and the codes
# it records for them); a setting (provider, academy or receiving school) sees the
# placements at its organisation and records their marks. Nobody else sees any.


def _placement_setting_ids(user: User) -> set[int]:
    """Organisations whose registers the user takes: provider staff and DSLs at a provider
    or the academy, and a receiving school's staff (Supported Transfer)."""
    return _provider_ids(user) | _school_ids(user)


@rules.predicate
def can_view_placement(user: User, placement) -> bool:
    return (
        is_cap_staff(user)
        or placement.home_school_id in _school_ids(user)
        or placement.provider_id in _placement_setting_ids(user)
    )


def check_can_view_placement(user: User, placement) -> None:
    if not can_view_placement(user, placement):
        raise PermissionDenied("This placement is not yours to see.")


def placements_visible_to(user: User, queryset: QuerySet) -> QuerySet:
    """The same rule as can_view_placement, as a queryset filter for lists."""
    from django.db.models import Q

    if is_cap_staff(user):
        return queryset
    return queryset.filter(
        Q(home_school_id__in=_school_ids(user)) | Q(provider_id__in=_placement_setting_ids(user))
    )


def registers_visible_to(user: User) -> set[int]:
    """The settings whose registers the user may take."""
    return _placement_setting_ids(user)


@rules.predicate
def can_record_marks(user: User, placement) -> bool:
    """Only the setting records a placement's marks."""
    return placement.provider_id in _placement_setting_ids(user)


def check_can_record_marks(user: User, placement) -> None:
    if not can_record_marks(user, placement):
        raise PermissionDenied("Only the setting records this placement's marks.")


@rules.predicate
def can_view_home_codes(user: User, placement) -> bool:
    """The codes the home school records: the school itself and CAP staff."""
    return is_cap_staff(user) or placement.home_school_id in _school_ids(user)


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


can_issue_reports = is_cap_staff


def check_can_issue_reports(user: User) -> None:
    if not can_issue_reports(user):
        raise PermissionDenied("Only the CAP team issues termly reports.")


# --- Django permissions, for the admin site ----------------------------------------------
# The admin asks user.has_perm("app.verb_model"); these answer from the predicates above.

_MODEL_OF_SUPPORT = [
    "academicyear",
    "term",
    "tier",
    "programme",
    "programmepanel",
    "question",
    "checklistitem",
    "course",
    "panel",
    "panelseat",
    "meeting",
    "cohort",
    "subscription",
]
for _model in _MODEL_OF_SUPPORT:
    for _verb in ("view", "add", "change", "delete"):
        rules.add_perm(f"programmes.{_verb}_{_model}", can_edit_model)
for _verb in ("view", "add", "change", "delete"):
    rules.add_perm(f"panels.{_verb}_panelmember", can_edit_model)
for _model in ("user", "organisation", "membership"):
    for _verb in ("view", "add", "change"):
        rules.add_perm(f"accounts.{_verb}_{_model}", can_manage_users)
rules.add_perm("accounts.delete_membership", can_manage_users)
rules.add_perm("audit.view_event", can_view_audit)
rules.add_perm("students.view_student", is_cap_manager)
