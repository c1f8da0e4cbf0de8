"""Every write to quality assurance: the framework loaded as data, provider records, the
evidence providers submit and CAP decides, termly reviews, site visits, expiry reminders,
and the check applications make before a pack is sent or a placement set up."""

import datetime as dt
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.models import PROVIDER_KINDS, Organisation, User
from audit.services import event_record
from documents import validation
from documents.storage import document_storage, new_stored_name
from quality.models import (
    APPROVED_STATUSES,
    ComplianceArea,
    Contact,
    Evidence,
    EvidenceItem,
    EvidenceKind,
    EvidenceStatus,
    GateMode,
    ProviderRecord,
    ProviderStatus,
    Rating,
    Review,
    ReviewRating,
    Site,
    Visit,
)
from quality.rules import (
    check_can_manage_quality,
    check_can_submit_evidence,
    check_can_view_evidence,
)
from quality.selectors import provider_standing, settings_current

FRAMEWORK_FILE = Path(__file__).parent / "data" / "framework.yaml"


# --- The framework, as data ------------------------------------------------------------


class FrameworkError(ValueError):
    """The framework file is not as it must be; the message says where."""


def framework_load(*, path: Path = FRAMEWORK_FILE) -> dict[str, int]:
    """Create or update the compliance areas and evidence items from a YAML file, matched
    by key. Refuses the whole file at the first problem, naming it."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    areas = data.get("areas")
    if not isinstance(areas, list) or not areas:
        raise FrameworkError(f"{path}: expected a list of areas under 'areas'")
    kinds = set(EvidenceKind.values)
    counts = {"areas": 0, "items": 0}
    with transaction.atomic():
        for order, area_data in enumerate(areas, start=1):
            for required in ("key", "name", "items"):
                if not area_data.get(required):
                    raise FrameworkError(f"{path}: area {order} has no {required}")
            area, _ = ComplianceArea.objects.update_or_create(
                key=area_data["key"],
                defaults={
                    "name": area_data["name"],
                    "short_name": area_data.get("short_name") or area_data["name"][:20],
                    "description": area_data.get("description", ""),
                    "order": order,
                },
            )
            counts["areas"] += 1
            for item_order, item in enumerate(area_data["items"], start=1):
                if not item.get("key") or not item.get("name"):
                    raise FrameworkError(
                        f"{path}: area {area.key} item {item_order} needs a key and a name"
                    )
                if item.get("kind") not in kinds:
                    raise FrameworkError(
                        f"{path}: item {item['key']} has kind {item.get('kind')!r}; "
                        f"expected one of {', '.join(sorted(kinds))}"
                    )
                EvidenceItem.objects.update_or_create(
                    key=item["key"],
                    defaults={
                        "area": area,
                        "name": item["name"],
                        "description": item.get("description", ""),
                        "kind": item["kind"],
                        "expires": item.get("expires", True),
                        "order": item_order,
                    },
                )
                counts["items"] += 1
    return counts


# --- Provider records ------------------------------------------------------------------

ORGANISATION_FIELDS = ("name", "urn", "ukprn", "address", "postcode", "telephone")
RECORD_FIELDS = (
    "setting_type",
    "dfe_registration",
    "company_number",
    "description",
    "website",
    "email",
)


@transaction.atomic
def provider_record_save(
    *, organisation: Organisation, data: dict, by: User | None
) -> ProviderRecord:
    """Create or change a provider's record and its organisation's details. The caller's
    form has validated the values; the models' validators run again here."""
    if by is not None:
        check_can_manage_quality(by)
    if organisation.kind not in PROVIDER_KINDS:
        raise ValidationError("Only a training provider or AP academy has a provider record.")
    for name in ORGANISATION_FIELDS:
        if name in data:
            setattr(organisation, name, data[name])
    taken = {
        name: f"Another organisation in CAP already has this {name.upper()}"
        for name in ("urn", "ukprn")
        if getattr(organisation, name)
        and Organisation.objects.filter(**{name: getattr(organisation, name)})
        .exclude(pk=organisation.pk)
        .exists()
    }
    if taken:
        raise ValidationError(taken)
    organisation.full_clean()
    organisation.save()
    record = ProviderRecord.objects.filter(organisation=organisation).first()
    created = record is None
    record = record or ProviderRecord(organisation=organisation)
    for name in RECORD_FIELDS:
        if name in data:
            setattr(record, name, data[name])
    record.full_clean()
    record.save()
    event_record(
        actor=by,
        action="quality.provider_record_created" if created else "quality.provider_record_changed",
        obj=record,
        detail={"fields": sorted(k for k in data if k in ORGANISATION_FIELDS + RECORD_FIELDS)},
    )
    return record


@transaction.atomic
def site_add(*, provider: ProviderRecord, data: dict, by: User | None) -> Site:
    if by is not None:
        check_can_manage_quality(by)
    site = Site(provider=provider, **data)
    site.full_clean()
    if site.is_main:
        provider.sites.update(is_main=False)
    site.save()
    event_record(
        actor=by, action="quality.site_added", obj=site, detail={"provider": str(provider.uuid)}
    )
    return site


@transaction.atomic
def contact_add(*, provider: ProviderRecord, data: dict, by: User | None) -> Contact:
    if by is not None:
        check_can_manage_quality(by)
    contact = Contact(provider=provider, **data)
    contact.full_clean()
    contact.save()
    # Identifiers only in the audit trail: the contact's name is personal data.
    event_record(
        actor=by,
        action="quality.contact_added",
        obj=contact,
        detail={"provider": str(provider.uuid), "kind": contact.kind},
    )
    return contact


# --- Evidence --------------------------------------------------------------------------


def _check_dates(
    *, item: EvidenceItem, issued_on: dt.date, expires_on: dt.date | None, today: dt.date
) -> None:
    errors = {}
    if issued_on > today:
        errors["issued_on"] = "The issue date must be today or in the past"
    if item.expires and expires_on is None:
        errors["expires_on"] = "Enter the expiry date"
    elif expires_on is not None and expires_on < issued_on:
        errors["expires_on"] = "The expiry date must be the same as or after the issue date"
    if errors:
        raise ValidationError(errors)


def evidence_submit(
    *,
    provider: ProviderRecord,
    item: EvidenceItem,
    issued_on: dt.date,
    expires_on: dt.date | None,
    file=None,
    confirmation: str = "",
    by: User,
) -> Evidence:
    """A provider's new evidence for one item, first or replacing what it has. It waits for
    the CAP team; what is approved stays in force until the new one is approved."""
    check_can_submit_evidence(by, provider)
    _check_dates(item=item, issued_on=issued_on, expires_on=expires_on, today=timezone.localdate())
    if item.kind == EvidenceKind.DOCUMENT and file is None:
        raise ValidationError({"file": validation.MESSAGE_REQUIRED})
    if item.kind == EvidenceKind.CONFIRMATION and not confirmation.strip():
        raise ValidationError({"confirmation": "Enter the confirmation"})
    fields = {}
    stored_name = None
    if file is not None:
        checked = validation.check_upload(file)
        storage = document_storage()
        stored_name = storage.save(new_stored_name(), ContentFile(checked.data))
        fields = {
            "filename": checked.filename,
            "content_type": checked.content_type,
            "size": checked.size,
            "sha256": checked.sha256,
            "stored_name": stored_name,
        }
    try:
        with transaction.atomic():
            # A newer submission for the same item replaces one still waiting.
            Evidence.objects.filter(
                provider=provider, item=item, status=EvidenceStatus.SUBMITTED
            ).update(status=EvidenceStatus.SUPERSEDED)
            evidence = Evidence.objects.create(
                provider=provider,
                item=item,
                issued_on=issued_on,
                expires_on=expires_on if item.expires else None,
                confirmation=confirmation.strip(),
                submitted_by=by,
                **fields,
            )
            event_record(
                actor=by,
                action="quality.evidence_submitted",
                obj=evidence,
                detail=_detail(evidence),
            )
    except BaseException:
        if stored_name:
            document_storage().delete(stored_name)
        raise
    return evidence


class NotWaiting(Exception):
    """The evidence has already been decided."""


def _decide(evidence: Evidence, *, status: str, note: str, by: User) -> Evidence:
    check_can_manage_quality(by)
    rows = Evidence.objects.filter(pk=evidence.pk, status=EvidenceStatus.SUBMITTED).update(
        status=status, decided_by=by, decided_at=timezone.now(), decision_note=note
    )
    if not rows:
        raise NotWaiting("This evidence has already been decided.")
    evidence.refresh_from_db()
    return evidence


@transaction.atomic
def evidence_approve(*, evidence: Evidence, by: User) -> Evidence:
    """Approve a submission: it comes into force and replaces what was approved before."""
    evidence = _decide(evidence, status=EvidenceStatus.APPROVED, note="", by=by)
    Evidence.objects.filter(
        provider=evidence.provider_id, item=evidence.item_id, status=EvidenceStatus.APPROVED
    ).exclude(pk=evidence.pk).update(status=EvidenceStatus.SUPERSEDED)
    event_record(
        actor=by, action="quality.evidence_approved", obj=evidence, detail=_detail(evidence)
    )
    return evidence


@transaction.atomic
def evidence_reject(*, evidence: Evidence, note: str, by: User) -> Evidence:
    if not note.strip():
        raise ValidationError({"note": "Enter why the evidence is not accepted"})
    evidence = _decide(evidence, status=EvidenceStatus.REJECTED, note=note.strip(), by=by)
    event_record(
        actor=by, action="quality.evidence_rejected", obj=evidence, detail=_detail(evidence)
    )
    return evidence


def evidence_download(*, evidence: Evidence, by: User) -> bytes:
    """The evidence file's bytes, decrypted, for someone who may see it. Audited."""
    check_can_view_evidence(by, evidence)
    if not evidence.stored_name:
        raise ValidationError("This evidence is a written confirmation, not a file.")
    with document_storage().open(evidence.stored_name) as f:
        data = f.read()
    event_record(
        actor=by, action="quality.evidence_downloaded", obj=evidence, detail=_detail(evidence)
    )
    return data


def evidence_mark_reminded(*, evidence: Evidence) -> None:
    Evidence.objects.filter(pk=evidence.pk).update(reminded_at=timezone.now())


def _detail(evidence: Evidence) -> dict:
    return {"provider": str(evidence.provider.uuid), "item": evidence.item.key}


# --- Reviews and visits ----------------------------------------------------------------


@transaction.atomic
def review_record(
    *,
    provider: ProviderRecord,
    held_on: dt.date,
    summary: str,
    ratings: dict[ComplianceArea, tuple[str, str]],
    by: User,
) -> Review:
    """A termly compliance review: a rating and the actions agreed for every area."""
    check_can_manage_quality(by)
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": "The review date must be today or in the past"})
    missing = [a.name for a in ComplianceArea.objects.all() if a not in ratings]
    if missing:
        raise ValidationError(f"Rate every area: {', '.join(missing)} not rated")
    review = Review.objects.create(
        provider=provider, held_on=held_on, summary=summary, recorded_by=by
    )
    ReviewRating.objects.bulk_create(
        ReviewRating(review=review, area=area, rating=rating, actions=actions)
        for area, (rating, actions) in ratings.items()
    )
    event_record(
        actor=by,
        action="quality.review_recorded",
        obj=review,
        detail={
            "provider": str(provider.uuid),
            "ratings": {area.key: rating for area, (rating, _) in ratings.items()},
        },
    )
    return review


@transaction.atomic
def visit_schedule(
    *, provider: ProviderRecord, site: Site | None, scheduled_on: dt.date, purpose: str, by: User
) -> Visit:
    check_can_manage_quality(by)
    if site is not None and site.provider_id != provider.pk:
        raise ValidationError({"site": "Select one of this provider's sites"})
    visit = Visit.objects.create(
        provider=provider, site=site, scheduled_on=scheduled_on, purpose=purpose, scheduled_by=by
    )
    event_record(
        actor=by,
        action="quality.visit_scheduled",
        obj=visit,
        detail={"provider": str(provider.uuid), "on": scheduled_on.isoformat()},
    )
    return visit


@transaction.atomic
def visit_record(
    *, visit: Visit, visited_on: dt.date, findings: str, rating: str, by: User
) -> Visit:
    check_can_manage_quality(by)
    if visited_on > timezone.localdate():
        raise ValidationError({"visited_on": "The visit date must be today or in the past"})
    if rating not in Rating.values:
        raise ValidationError({"rating": "Select a rating"})
    rows = Visit.objects.filter(pk=visit.pk, visited_on__isnull=True).update(
        visited_on=visited_on, findings=findings, rating=rating, recorded_by=by
    )
    if not rows:
        raise NotWaiting("This visit has already been recorded.")
    visit.refresh_from_db()
    event_record(
        actor=by,
        action="quality.visit_recorded",
        obj=visit,
        detail={"provider": str(visit.provider.uuid), "rating": rating},
    )
    return visit


# --- The check before a pack or a placement --------------------------------------------


def provider_gate(*, provider: Organisation, step: str, application, by: User) -> str | None:
    """What applications ask before sending a pack to, or setting up a placement with, a
    provider. Returns the reason to refuse when the provider is not approved and the CAP
    manager has chosen to block; when they have chosen to warn, records the warning against
    the provider and returns None. Call inside the step's transaction."""
    status, reasons = provider_standing(provider)
    if status in APPROVED_STATUSES:
        return None
    label = ProviderStatus(status).label.lower()
    why = "; ".join(reasons) if reasons else "its compliance has lapsed"
    if settings_current().gate_mode == GateMode.BLOCK:
        return f"{provider.name} is {label} for quality assurance ({why}), so this cannot go ahead."
    event_record(
        actor=by,
        action="quality.not_approved_warning",
        obj=provider,
        detail={"application": str(application.uuid), "step": step, "status": status},
    )
    return None
