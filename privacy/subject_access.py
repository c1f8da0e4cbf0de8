"""Subject access: the CAP manager's requests for everything CAP holds about one student.

Who may do what (the rules), every write (the services, atomic and audited, identifiers only
in events) and the reads the pages use. The zip itself is gathered in
privacy.subject_access_export and built in the background (the tasks at the end of this
module).

- Only the CAP manager starts a request, sees the requests, downloads a zip (each download
  audited) and asks for it to be built again.
- Only the authority's safeguarding lead decides, once for each request, whether its
  safeguarding content (concerns and their entries, and the audit events about them) is
  released into the zip or withheld. Until then the zip's index says it is withheld pending
  the lead's decision; after a release the manager builds the zip again.
- A zip is deleted from the store CAP_SUBJECT_ACCESS_KEEP_DAYS after it was built, by a
  daily job.
"""

import datetime as dt
import hashlib
import logging
from uuid import UUID

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from accounts.models import Membership, OrganisationKind, Role, User
from accounts.rules import emails_of, is_safeguarding_lead
from audit.services import event_record
from documents.storage import Unreadable, document_storage, stored_read, stored_save
from lib.errors import Refused
from privacy.models import BuildStatus, SafeguardingDecision, SubjectAccessRequest
from privacy.rules import (
    can_decide_subject_access_safeguarding,
    can_manage_subject_access,
    check_can_decide_subject_access_safeguarding,
    check_can_manage_subject_access,
    safeguarding_events,
)
from privacy.subject_access_export import build_zip
from safeguarding.models import Concern
from students.models import Student

logger = logging.getLogger(__name__)

# A build not finished this long after it was asked for is taken to be lost (a worker
# stopped midway): the CAP manager may ask for it again.
GIVE_UP_AFTER = dt.timedelta(hours=1)

# --- Reads --------------------------------------------------------------------------------


def requests_all() -> QuerySet[SubjectAccessRequest]:
    return SubjectAccessRequest.objects.select_related("student", "started_by").order_by(
        "-started_at", "-id"
    )


def requests_waiting_for_safeguarding() -> QuerySet[SubjectAccessRequest]:
    return requests_all().filter(safeguarding=SafeguardingDecision.PENDING)


def get_request_for_manager(user: User, request_uuid: UUID | str) -> SubjectAccessRequest:
    """The request, or 404 for anyone but the CAP manager, whether it exists or not."""
    if not can_manage_subject_access(user):
        raise Http404("No such request")
    found = requests_all().select_related("safeguarding_decided_by").filter(uuid=request_uuid)
    request = found.first()
    if request is None:
        raise Http404("No such request")
    return request


def get_request_for_safeguarding_lead(user: User, request_uuid: UUID | str) -> SubjectAccessRequest:
    if not can_decide_subject_access_safeguarding(user):
        raise Http404("No such request")
    request = requests_all().filter(uuid=request_uuid).first()
    if request is None:
        raise Http404("No such request")
    return request


def may_rebuild(request: SubjectAccessRequest) -> bool:
    """Whether the zip can be asked for again: unless a build asked for within the hour is
    still under way."""
    return not (
        request.status == BuildStatus.BUILDING
        and request.build_requested_at > timezone.now() - GIVE_UP_AFTER
    )


def withheld_words(request: SubjectAccessRequest) -> str:
    """What the index says of safeguarding content left out."""
    if request.safeguarding == SafeguardingDecision.DECLINED:
        return (
            "Safeguarding content is withheld: the authority's safeguarding lead decided not "
            "to release it for this request."
        )
    return (
        "Safeguarding content is withheld pending the decision of the authority's "
        "safeguarding lead."
    )


def keep_days() -> int:
    return settings.CAP_SUBJECT_ACCESS_KEEP_DAYS


# --- Services -----------------------------------------------------------------------------


def _enqueue(request: SubjectAccessRequest) -> None:
    request_id, build = request.pk, request.build
    transaction.on_commit(lambda: build_subject_access.enqueue(request_id, build))


@transaction.atomic
def subject_access_start(
    *, student: Student, requester: str, received_on: dt.date, by: User
) -> SubjectAccessRequest:
    """Record a request and build its zip in the background."""
    check_can_manage_subject_access(by)
    if received_on > timezone.localdate():
        raise Refused(
            "The date the request was received must be today or in the past", field="received_on"
        )
    request = SubjectAccessRequest.objects.create(
        student=student,
        requester=requester,
        received_on=received_on,
        started_by=by,
        started_at=timezone.now(),
        status=BuildStatus.BUILDING,
        build_requested_at=timezone.now(),
    )
    event_record(
        actor=by,
        action="subject_access.started",
        obj=request,
        detail={"student": str(student.uuid), "requester": requester},
    )
    _enqueue(request)
    if Concern.objects.filter(student=student).exists():
        # The safeguarding lead decides whether its safeguarding content goes in.
        transaction.on_commit(lambda: tell_safeguarding_leads.enqueue(request.pk))
    return request


@transaction.atomic
def subject_access_rebuild(*, request: SubjectAccessRequest, by: User) -> SubjectAccessRequest:
    """Build the zip again, from the records as they are now (after the safeguarding lead's
    decision, say). The zip built before stays until the new one replaces it."""
    check_can_manage_subject_access(by)
    request = SubjectAccessRequest.objects.select_for_update().get(pk=request.pk)
    if not may_rebuild(request):
        raise Refused("The zip is being built already. This page shows it when it is ready.")
    request.status = BuildStatus.BUILDING
    request.build += 1
    request.build_requested_at = timezone.now()
    request.failed = ""
    request.save(update_fields=["status", "build", "build_requested_at", "failed"])
    event_record(actor=by, action="subject_access.rebuild_requested", obj=request)
    _enqueue(request)
    return request


@transaction.atomic
def subject_access_safeguarding_decide(
    *, request: SubjectAccessRequest, release: bool, by: User
) -> SubjectAccessRequest:
    """The safeguarding lead's decision for one request, made once."""
    check_can_decide_subject_access_safeguarding(by)
    request = SubjectAccessRequest.objects.select_for_update().get(pk=request.pk)
    if request.safeguarding != SafeguardingDecision.PENDING:
        raise Refused("The decision for this request has been made already.")
    request.safeguarding = (
        SafeguardingDecision.RELEASED if release else SafeguardingDecision.DECLINED
    )
    request.safeguarding_decided_by = by
    request.safeguarding_decided_at = timezone.now()
    request.save(
        update_fields=["safeguarding", "safeguarding_decided_by", "safeguarding_decided_at"]
    )
    event_record(
        actor=by,
        action="subject_access.safeguarding_released"
        if release
        else "subject_access.safeguarding_declined",
        obj=request,
    )
    return request


def subject_access_build(*, request_id: int, build: int) -> SubjectAccessRequest:
    """Gather everything about the student into a zip, keep it encrypted and mark the
    request ready. Does nothing for a build no longer asked for. The zip is stored before the
    row points to it; a failure leaves no file behind (the caller marks the request
    failed)."""
    request = SubjectAccessRequest.objects.select_related("student__home_school", "started_by").get(
        pk=request_id
    )
    if request.build != build or request.status != BuildStatus.BUILDING:
        return request
    with_safeguarding = request.safeguarding == SafeguardingDecision.RELEASED
    built_at = timezone.now()
    data, export = build_zip(
        student=request.student,
        with_safeguarding=with_safeguarding,
        withheld=withheld_words(request),
        safeguarding_events=safeguarding_events(),
        index_context={"request": request, "built_at": built_at},
    )
    name = stored_save(data)
    try:
        with transaction.atomic():
            current = SubjectAccessRequest.objects.select_for_update().get(pk=request_id)
            if current.build != build or current.status != BuildStatus.BUILDING:
                document_storage().delete(name)
                return current
            replaced = current.stored_name
            current.stored_name = name
            current.sha256 = hashlib.sha256(data).hexdigest()
            current.size = len(data)
            current.built_at = built_at
            current.built_with_safeguarding = with_safeguarding
            current.delete_after = built_at + dt.timedelta(days=keep_days())
            current.deleted_at = None
            current.status = BuildStatus.READY
            current.save()
            event_record(
                action="subject_access.built",
                obj=current,
                detail={
                    "sha256": current.sha256,
                    "size": current.size,
                    "safeguarding": with_safeguarding,
                    "records": {s.title: s.records for s in export.sections},
                },
            )
    except BaseException:
        document_storage().delete(name)  # no row points to it
        raise
    if replaced:
        document_storage().delete(replaced)
    return current


@transaction.atomic
def subject_access_fail(*, request_id: int, build: int, reason: str) -> SubjectAccessRequest:
    request = SubjectAccessRequest.objects.select_for_update().get(pk=request_id)
    if request.build != build or request.status != BuildStatus.BUILDING:
        return request
    request.status = BuildStatus.FAILED
    request.failed = reason
    request.save(update_fields=["status", "failed"])
    event_record(action="subject_access.failed", obj=request, detail={"reason": reason})
    return request


def subject_access_read(*, request: SubjectAccessRequest, by: User) -> bytes:
    """The zip as built, for the CAP manager; each download is audited."""
    check_can_manage_subject_access(by)
    if not request.is_ready:
        raise Refused("The zip is not ready to download.")
    try:
        data = stored_read(request.stored_name)
    except (FileNotFoundError, Unreadable):
        data = None
    if data is None or hashlib.sha256(data).hexdigest() != request.sha256:
        raise Refused("The zip cannot be opened. Build it again to download it.")
    event_record(actor=by, action="subject_access.downloaded", obj=request)
    return data


def subject_access_delete_expired(*, now: dt.datetime | None = None) -> int:
    """Delete the zips kept past their time, each in its own transaction. Returns how many."""
    now = now or timezone.now()
    deleted = 0
    expired = SubjectAccessRequest.objects.filter(
        deleted_at__isnull=True, delete_after__lte=now
    ).exclude(stored_name="")
    for request_id in expired.values_list("pk", flat=True).order_by("pk"):
        with transaction.atomic():
            request = SubjectAccessRequest.objects.select_for_update().get(pk=request_id)
            if not request.stored_name or request.status == BuildStatus.BUILDING:
                continue
            name = request.stored_name
            request.stored_name = ""
            request.deleted_at = now
            request.status = BuildStatus.DELETED
            request.save(update_fields=["stored_name", "deleted_at", "status"])
            event_record(action="subject_access.deleted", obj=request)
            transaction.on_commit(lambda name=name: document_storage().delete(name))
        deleted += 1
    return deleted


# --- Background work, run by `manage.py db_worker` ------------------------------------


@task()
def build_subject_access(request_id: int, build: int) -> None:
    """Build the zip. One that cannot be built is marked failed with the reason, for the
    CAP manager to build again; the log names the request's id only, never the student."""
    try:
        subject_access_build(request_id=request_id, build=build)
    except Exception as error:
        logger.exception("Subject access request %s could not be built", request_id)
        subject_access_fail(
            request_id=request_id,
            build=build,
            reason=f"The zip could not be built ({type(error).__name__}). Build it again.",
        )


@task()
def tell_safeguarding_leads(request_id: int) -> None:
    """Ask the authority's safeguarding leads to decide on a request's safeguarding content.
    The e-mail gives the request's reference and a link, never the student's name."""
    request = SubjectAccessRequest.objects.get(pk=request_id)
    leads = Membership.objects.filter(
        role=Role.DSL, organisation__kind=OrganisationKind.LOCAL_AUTHORITY
    )
    recipients = emails_of(leads, is_safeguarding_lead)
    if not recipients:
        return
    url = reverse("privacy:subject_access_safeguarding", args=[request.uuid])
    send_mail(
        subject=f"Subject access request {request.reference}: safeguarding content to decide",
        message=render_to_string(
            "privacy/email/subject_access_safeguarding.txt",
            {
                "request": request,
                "url": settings.CAP_BASE_URL + url,
                "service_name": settings.CAP_SERVICE_NAME,
            },
        ),
        from_email=None,
        recipient_list=recipients,
    )
