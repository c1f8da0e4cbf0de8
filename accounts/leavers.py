"""The leaver process: a person who has left is made inactive, their sessions end, their
memberships end, and their open work passes to people who may take it.

Open work lives in the apps above accounts (an application's CAP officer, a placement's
monitoring officer, a panel seat), so each of them registers its kinds of open work here at
start-up, in its hooks.py (`open_work_register`), and the leaver page shows whatever is
registered without importing them.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from accounts.models import User
from accounts.rules import check_can_record_leaver
from accounts.services import membership_end
from audit.services import event_record
from lib.errors import Refused


@dataclass(frozen=True)
class OpenWork:
    """One kind of work a person can leave open.

    `count(user)` says how much of it the person holds; `candidates(user)` is who may take
    it over (a queryset of active people), or None for work that simply ends with the
    person (a panel seat); `reassign(user, to, by)` moves all of it to `to` (None when it
    ends) through the owning app's services, audited, and returns how much it moved."""

    key: str
    label: str  # "Applications they handle for CAP"
    count: Callable[[User], int]
    candidates: Callable[[User], QuerySet[User]] | None
    reassign: Callable[[User, User | None, User], int]

    @property
    def ends(self) -> bool:
        return self.candidates is None


_OPEN_WORK: dict[str, OpenWork] = {}


def open_work_register(work: OpenWork) -> OpenWork:
    """Add a kind of open work; each key once."""
    if work.key in _OPEN_WORK and _OPEN_WORK[work.key] != work:
        raise ImproperlyConfigured(f"Two kinds of open work have the key {work.key!r}.")
    _OPEN_WORK[work.key] = work
    return work


def open_work_registered() -> list[OpenWork]:
    """Every registered kind of open work, in key order."""
    return [_OPEN_WORK[key] for key in sorted(_OPEN_WORK)]


def people_holding(*, kinds: set[str], roles: set[str]) -> QuerySet[User]:
    """The active people with one of the roles at an active organisation of one of the
    kinds: who may take over a kind of work, for the apps' `candidates`."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__organisation__is_active=True,
            memberships__organisation__kind__in=kinds,
            memberships__role__in=roles,
        )
        .distinct()
        .order_by("full_name", "pk")
    )


@dataclass(frozen=True)
class HeldWork:
    work: OpenWork
    count: int
    candidates: list[User]


def open_work_of(person: User) -> list[HeldWork]:
    """The kinds of open work the person holds, with who may take each over."""
    held = []
    for work in open_work_registered():
        if count := work.count(person):
            candidates = [] if work.ends else list(work.candidates(person).exclude(pk=person.pk))
            held.append(HeldWork(work, count, candidates))
    return held


def _sessions_end(person: User) -> int:
    """End every signed-in session of the person. Sessions are looked up by decoding the
    unexpired ones: a leaver is recorded rarely, and the table holds only live sessions."""
    ended = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(person.pk):
            ended.append(session.pk)
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


@transaction.atomic
def leaver_record(*, person: User, new_owners: dict[str, User | None], by: User) -> dict:
    """Record that `person` has left: their open work passes to `new_owners` (by kind of
    work), their memberships end, their account is made inactive and their sessions end,
    all in one transaction. Refused when any open work has no one (eligible) to take it.
    Returns how much of each kind moved."""
    check_can_record_leaver(by, person)
    moved: dict[str, int] = {}
    taken: dict[int, tuple[User, int]] = {}
    for held in open_work_of(person):
        to = new_owners.get(held.work.key)
        if not held.work.ends:
            if to is None:
                raise Refused(
                    f"Choose who takes over: {held.work.label.lower()}", field=held.work.key
                )
            if to.pk not in {c.pk for c in held.candidates}:
                raise Refused("Choose someone from the list", field=held.work.key)
        moved[held.work.key] = held.work.reassign(person, None if held.work.ends else to, by)
        if to is not None and not held.work.ends:
            owner, count = taken.get(to.pk, (to, 0))
            taken[to.pk] = (owner, count + moved[held.work.key])
    for membership in list(person.memberships.select_related("organisation")):
        membership_end(membership=membership, by=by, leaving=True)
    User.objects.filter(pk=person.pk).update(is_active=False)
    person.is_active = False
    sessions = _sessions_end(person)
    event_record(
        actor=by,
        action="user.left",
        obj=person,
        detail={"reassigned": moved, "sessions_ended": sessions},
    )
    for owner, count in taken.values():
        transaction.on_commit(
            lambda owner_id=owner.pk, count=count: tell_new_owner.enqueue(owner_id, count)
        )
    return moved


@task()
def tell_new_owner(owner_id: int, count: int) -> None:
    """Tell a person how many pieces of work they took over from someone who left: a count
    only, with no pupil's name and no leaver's name."""
    owner = User.objects.get(pk=owner_id)
    if not owner.is_active:
        return
    send_mail(
        subject="Work has been passed to you in CAP",
        message=render_to_string(
            "accounts/email/work_passed.txt",
            {
                "owner": owner,
                "count": count,
                "url": settings.CAP_BASE_URL + reverse("dashboards:home"),
                "service_name": settings.CAP_SERVICE_NAME,
            },
        ),
        from_email=None,
        recipient_list=[owner.email],
    )
