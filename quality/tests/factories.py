"""Providers in every state the standing rules know: build one approved, then break one
thing per test."""

import datetime as dt

from django.utils import timezone

from accounts.models import Organisation
from quality import services
from quality.models import (
    ComplianceArea,
    Evidence,
    EvidenceItem,
    EvidenceStatus,
    ProviderRecord,
    Rating,
    Review,
    ReviewRating,
    SettingType,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def framework() -> None:
    if not ComplianceArea.objects.exists():
        services.framework_load()


def record_for(organisation: Organisation, **fields) -> ProviderRecord:
    return ProviderRecord.objects.create(
        organisation=organisation,
        setting_type=fields.pop("setting_type", SettingType.TRAINING_PROVIDER),
        **fields,
    )


def evidence_for(record, item, *, issued_on, expires_on, status=EvidenceStatus.APPROVED):
    return Evidence.objects.create(
        provider=record,
        item=item,
        issued_on=issued_on,
        expires_on=expires_on if item.expires else None,
        confirmation="Confirmed.",
        status=status,
    )


def approved_provider(organisation: Organisation, *, today: dt.date | None = None, reviewed=True):
    """A record with approved evidence for every item, good for a year, and an all-green
    termly review held last week."""
    framework()
    today = today or timezone.localdate()
    record = record_for(organisation)
    Evidence.objects.bulk_create(
        Evidence(
            provider=record,
            item=item,
            issued_on=today - dt.timedelta(days=30),
            expires_on=(today + dt.timedelta(days=335)) if item.expires else None,
            confirmation="Confirmed.",
            status=EvidenceStatus.APPROVED,
        )
        for item in EvidenceItem.objects.all()
    )
    if reviewed:
        review_for(record, held_on=today - dt.timedelta(days=7))
    return record


def review_for(record, *, held_on, ratings: dict[str, str] | None = None) -> Review:
    ratings = ratings or {}
    review = Review.objects.create(provider=record, held_on=held_on)
    ReviewRating.objects.bulk_create(
        ReviewRating(review=review, area=area, rating=ratings.get(area.key, Rating.GREEN))
        for area in ComplianceArea.objects.all()
    )
    return review


def set_expiry(record, item_key: str, expires_on: dt.date) -> Evidence:
    evidence = Evidence.objects.get(
        provider=record, item__key=item_key, status=EvidenceStatus.APPROVED
    )
    Evidence.objects.filter(pk=evidence.pk).update(expires_on=expires_on)
    evidence.refresh_from_db()
    return evidence
