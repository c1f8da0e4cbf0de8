"""Who may see an application, change it, take each step of its route, and hear about it.

A school sees all its own applications, drafts included. CAP staff see an application once
it has been submitted: a draft, even a discarded one, is the school's own work. Provider
staff see the pack CAP sent to their organisation, from when it was sent, and nothing else
of the application. A school acts on its applications only while it holds the student on
roll (students.rules): after a managed move the former school still reads the applications
it made, all made before the move, but changes, withdraws or answers none of them, and does
not see the new school's. Who takes each step is named in the workflow table (Actor); panels
registers how a panel acts (panels/rules.py), so applications does not import panels.
"""

from collections.abc import Callable

import rules
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from accounts.models import Membership, Role, User
from accounts.rules import emails_of, is_cap_officer, provider_ids, school_ids, sees_every_student
from applications.models import Application, ApplicationDocument
from applications.workflow import TRANSITIONS, Actor, Status, allowed, route_of
from documents.models import Document
from documents.rules import register_reader
from students.rules import holds_on_roll


@rules.predicate
def can_view_application(user: User, application) -> bool:
    if application.school_id in school_ids(user):
        return True
    return sees_every_student(user) and application.submitted_at is not None


def applications_visible_to(user: User, queryset: QuerySet) -> QuerySet:
    """The same rule as can_view_application, as a queryset filter for lists."""
    mine = Q(school_id__in=school_ids(user))
    if sees_every_student(user):
        return queryset.filter(mine | Q(submitted_at__isnull=False))
    return queryset.filter(mine)


@rules.predicate
def can_edit_application(user: User, application) -> bool:
    """Only the referring school changes a draft."""
    return application.status == Status.DRAFT and _school_acts(user, application)


def check_can_edit_application(user: User, application) -> None:
    if not can_edit_application(user, application):
        raise PermissionDenied("Only the referring school can change this draft.")


@rules.predicate
def can_view_pack(user: User, application) -> bool:
    return (
        application.pack_sent_at is not None
        and application.course_id is not None
        and application.course.provider_id in provider_ids(user)
    )


def packs_visible_to(user: User, queryset: QuerySet) -> QuerySet:
    """The same rule as can_view_pack, as a queryset filter."""
    return queryset.filter(pack_sent_at__isnull=False, course__provider_id__in=provider_ids(user))


def _school_acts(user: User, application) -> bool:
    """The referring school's staff, while the school holds the student on roll."""
    return application.school_id in school_ids(user) and holds_on_roll(user, application.student)


# Who acts for each actor the workflow table names. A domain above applications registers
# its own actor at start-up (panels: the panel's chair or clerk).
ACTORS: dict[str, Callable[[User, Application], bool]] = {
    Actor.SCHOOL: _school_acts,
    Actor.CAP: lambda user, application: is_cap_officer(user),
    Actor.PROVIDER: can_view_pack,
}


def actor_register(actor: str, acts: Callable[[User, Application], bool]) -> None:
    ACTORS[actor] = acts


def can_act_on_application(user: User, application, transition: str) -> bool:
    """Whether the user may take this step now: the workflow table says who acts."""
    if not allowed(transition, application.status, route_of(application)):
        return False
    return any(ACTORS[actor](user, application) for actor in TRANSITIONS[transition].actors)


def check_can_act_on_application(user: User, application, transition: str) -> None:
    if not can_act_on_application(user, application, transition):
        raise PermissionDenied("You cannot take this step on this application now.")


@rules.predicate
def can_withdraw_application(user: User, application) -> bool:
    return can_act_on_application(user, application, "withdraw")


def check_can_withdraw_application(user: User, application) -> None:
    if not can_withdraw_application(user, application):
        raise PermissionDenied("This application cannot be withdrawn by you now.")


def can_assign_application(user: User, application) -> bool:
    return is_cap_officer(user) and application.submitted_at is not None


def can_read_application_document(user: User, document: Document) -> bool | None:
    """An application's document is read by whoever may see the application, and by the
    provider once CAP has shared it in the pack. None: the document is not an
    application's, so other domains' rules decide."""
    link = (
        ApplicationDocument.objects.select_related("application__course")
        .filter(document=document)
        .first()
    )
    if link is None:
        return None
    application = link.application
    return can_view_application(user, application) or (
        link.shared_with_provider and can_view_pack(user, application)
    )


# Documents belong to no domain: applications tells documents who may read its own.
register_reader(can_read_application_document)


# --- Who hears about an application -------------------------------------------------------
# E-mails go to people the rules above let see what the e-mail links to.


def school_recipients(application: Application) -> list[str]:
    """The person who made the application while they still work at the school; otherwise
    the school's CAP coordinators and headteachers."""
    school_staff = Membership.objects.filter(
        organisation_id=application.school_id, role__in=[Role.REFERRER, Role.HEADTEACHER]
    )

    def may_see(user: User) -> bool:
        return can_view_application(user, application)

    creator = school_staff.filter(user_id=application.created_by_id)
    return emails_of(creator, may_see) or emails_of(school_staff, may_see)


def cap_recipients(application: Application) -> list[str]:
    """The assigned officer while they may still act for CAP; otherwise the team's inbox."""
    officer = application.assigned_to
    if officer is not None and officer.is_active and can_assign_application(officer, application):
        return [officer.email]
    return [settings.CAP_TEAM_EMAIL]


def provider_recipients(application: Application) -> list[str]:
    """The staff of the course's provider who may see the pack: none before it is sent."""
    if application.course is None:
        return []
    provider_staff = Membership.objects.filter(
        organisation_id=application.course.provider_id, role__in=[Role.PROVIDER_STAFF, Role.DSL]
    )
    return emails_of(provider_staff, lambda user: can_view_pack(user, application))
