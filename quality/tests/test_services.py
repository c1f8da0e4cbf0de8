"""Writes: the framework loader, provider records, evidence submitted, approved and refused,
reviews, visits; each audited, each refusing bad input with the field it belongs to."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import ProviderFactory, member
from audit.models import Event
from quality import services
from quality.models import (
    ComplianceArea,
    Evidence,
    EvidenceItem,
    EvidenceStatus,
    Rating,
    SettingType,
)
from quality.tests.factories import PDF

TODAY = timezone.localdate()


def pdf(name="certificate.pdf"):
    return SimpleUploadedFile(name, PDF, "application/pdf")


def test_the_framework_has_the_ten_areas_of_the_reference_document(areas):
    assert list(ComplianceArea.objects.values_list("name", flat=True)) == [
        "Procurement and company details",
        "Keeping Children Safe in Education (KCSIE) and safeguarding",
        "Policies",
        "Transport",
        "Teaching and learning",
        "Systems and monitoring",
        "GDPR",
        "Health and safety",
        "Ofsted and quality assurance",
        "GEMS",
    ]
    assert EvidenceItem.objects.filter(key="school-safeguarding-letter", kind="confirmation")


def test_loading_the_framework_again_changes_nothing(areas):
    before = EvidenceItem.objects.count()
    assert services.framework_load() == {"areas": 10, "items": before}
    assert EvidenceItem.objects.count() == before


def test_a_framework_file_with_an_unknown_kind_is_refused_whole(db, tmp_path):
    path = tmp_path / "framework.yaml"
    path.write_text(
        "areas:\n  - key: a\n    name: A\n    items:\n      - {key: x, name: X, kind: document}\n"
        "  - key: b\n    name: B\n    items:\n      - {key: y, name: Y, kind: scroll}\n"
    )
    with pytest.raises(services.FrameworkError, match="item y has kind 'scroll'"):
        services.framework_load(path=path)
    assert not ComplianceArea.objects.exists()


# --- Provider records ------------------------------------------------------------------


def test_cap_sets_up_a_provider_record(cast, areas):
    record = services.provider_record_save(
        organisation=cast.provider,
        data={"setting_type": SettingType.VOLUNTARY, "urn": "", "ukprn": "10079319"},
        by=cast.officer,
    )
    assert record.setting_type == SettingType.VOLUNTARY
    cast.provider.refresh_from_db()
    assert cast.provider.ukprn == "10079319"
    assert Event.objects.get(action="quality.provider_record_created").object_id == str(record.uuid)


@pytest.mark.parametrize(
    ("field", "value"), [("urn", "12345"), ("ukprn", "20079319"), ("ukprn", "1007931X")]
)
def test_an_invalid_urn_or_ukprn_is_refused(cast, field, value):
    with pytest.raises(ValidationError) as refused:
        services.provider_record_save(
            organisation=cast.provider,
            data={"setting_type": SettingType.TRAINING_PROVIDER, field: value},
            by=cast.officer,
        )
    assert field in refused.value.message_dict


def test_only_cap_officers_keep_provider_records(cast):
    with pytest.raises(PermissionDenied):
        services.provider_record_save(
            organisation=cast.provider,
            data={"setting_type": SettingType.TRAINING_PROVIDER},
            by=cast.provider_staff,
        )


def test_a_school_has_no_provider_record(cast):
    with pytest.raises(ValidationError):
        services.provider_record_save(
            organisation=cast.school_a,
            data={"setting_type": SettingType.TRAINING_PROVIDER},
            by=cast.officer,
        )


# --- Evidence --------------------------------------------------------------------------


def insurance():
    return EvidenceItem.objects.get(key="public-liability-insurance")


def test_a_provider_submits_a_certificate_which_waits_for_cap(cast, record, each_store):
    evidence = services.evidence_submit(
        provider=record,
        item=insurance(),
        issued_on=TODAY,
        expires_on=TODAY + dt.timedelta(days=365),
        file=pdf(),
        by=cast.provider_staff,
    )
    assert evidence.status == EvidenceStatus.SUBMITTED
    assert evidence.filename == "certificate.pdf"
    # Kept encrypted: the bytes in the store are not the PDF.
    assert list(each_store.objects()) == [evidence.stored_name]
    assert PDF not in each_store.objects()[evidence.stored_name]
    assert services.evidence_download(evidence=evidence, by=cast.officer) == PDF
    assert Event.objects.filter(
        action="quality.evidence_downloaded", object_id=str(evidence.uuid), actor=cast.officer
    ).exists()


def test_expiry_before_issue_is_refused_beside_the_expiry_date(cast, record):
    with pytest.raises(ValidationError) as refused:
        services.evidence_submit(
            provider=record,
            item=insurance(),
            issued_on=TODAY,
            expires_on=TODAY - dt.timedelta(days=1),
            file=pdf(),
            by=cast.provider_staff,
        )
    assert refused.value.message_dict == {
        "expires_on": ["The expiry date must be the same as or after the issue date"]
    }
    assert not Evidence.objects.filter(status=EvidenceStatus.SUBMITTED).exists()


def test_a_confirmation_needs_its_text(cast, record):
    with pytest.raises(ValidationError) as refused:
        services.evidence_submit(
            provider=record,
            item=EvidenceItem.objects.get(key="scr-confirmation"),
            issued_on=TODAY,
            expires_on=TODAY + dt.timedelta(days=365),
            confirmation="  ",
            by=cast.provider_staff,
        )
    assert "confirmation" in refused.value.message_dict


def test_another_provider_cannot_submit_evidence_for_this_one(cast, record):

    stranger = member(ProviderFactory(), Role.PROVIDER_STAFF)
    for by in (stranger, cast.officer, cast.alice):
        with pytest.raises(PermissionDenied):
            services.evidence_submit(
                provider=record,
                item=insurance(),
                issued_on=TODAY,
                expires_on=TODAY + dt.timedelta(days=30),
                file=pdf(),
                by=by,
            )


def test_approving_a_replacement_retires_the_old_evidence(cast, record):
    old = Evidence.objects.get(provider=record, item=insurance(), status=EvidenceStatus.APPROVED)
    new = services.evidence_submit(
        provider=record,
        item=insurance(),
        issued_on=TODAY,
        expires_on=TODAY + dt.timedelta(days=365),
        file=pdf(),
        by=cast.provider_staff,
    )
    services.evidence_approve(evidence=new, by=cast.officer)
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.status, new.status) == (EvidenceStatus.SUPERSEDED, EvidenceStatus.APPROVED)
    assert new.decided_by == cast.officer
    with pytest.raises(services.NotWaiting):
        services.evidence_approve(evidence=new, by=cast.officer)


def test_a_second_submission_replaces_one_still_waiting(cast, record):
    def submit():
        return services.evidence_submit(
            provider=record,
            item=insurance(),
            issued_on=TODAY,
            expires_on=TODAY + dt.timedelta(days=365),
            file=pdf(),
            by=cast.provider_staff,
        )

    first, second = submit(), submit()
    first.refresh_from_db()
    assert first.status == EvidenceStatus.SUPERSEDED
    assert second.status == EvidenceStatus.SUBMITTED


def test_refusing_evidence_needs_a_reason_and_a_cap_officer(cast, record):
    evidence = services.evidence_submit(
        provider=record,
        item=insurance(),
        issued_on=TODAY,
        expires_on=TODAY + dt.timedelta(days=365),
        file=pdf(),
        by=cast.provider_staff,
    )
    with pytest.raises(ValidationError):
        services.evidence_reject(evidence=evidence, note=" ", by=cast.officer)
    with pytest.raises(PermissionDenied):
        services.evidence_reject(evidence=evidence, note="Wrong", by=cast.monitoring)
    services.evidence_reject(
        evidence=evidence, note="The policy number is missing", by=cast.officer
    )
    evidence.refresh_from_db()
    assert evidence.status == EvidenceStatus.REJECTED
    assert evidence.decision_note == "The policy number is missing"


# --- Reviews and visits ----------------------------------------------------------------


def test_a_review_rates_every_area(cast, record):
    areas = list(ComplianceArea.objects.all())
    with pytest.raises(ValidationError, match="Rate every area"):
        services.review_record(
            provider=record,
            held_on=TODAY,
            summary="",
            ratings={areas[0]: (Rating.GREEN, "")},
            by=cast.officer,
        )
    review = services.review_record(
        provider=record,
        held_on=TODAY,
        summary="Termly review",
        ratings={
            a: (Rating.AMBER if a.key == "gdpr" else Rating.GREEN, "Renew ICO") for a in areas
        },
        by=cast.officer,
    )
    assert review.ratings.get(area__key="gdpr").rating == Rating.AMBER
    event = Event.objects.get(action="quality.review_recorded")
    assert event.detail["ratings"]["gdpr"] == "amber"


def test_a_review_cannot_be_in_the_future(cast, record):
    with pytest.raises(ValidationError) as refused:
        services.review_record(
            provider=record,
            held_on=TODAY + dt.timedelta(days=1),
            summary="",
            ratings={},
            by=cast.officer,
        )
    assert "held_on" in refused.value.message_dict


def test_a_visit_is_scheduled_then_recorded_once(cast, record):
    visit = services.visit_schedule(
        provider=record, site=None, scheduled_on=TODAY, purpose="Termly", by=cast.officer
    )
    services.visit_record(
        visit=visit, visited_on=TODAY, findings="All well", rating=Rating.GREEN, by=cast.officer
    )
    with pytest.raises(services.NotWaiting):
        services.visit_record(
            visit=visit, visited_on=TODAY, findings="Again", rating=Rating.RED, by=cast.officer
        )
    visit.refresh_from_db()
    assert (visit.rating, visit.findings) == (Rating.GREEN, "All well")
    assert [e.action for e in Event.objects.filter(object_id=str(visit.uuid)).order_by("id")] == [
        "quality.visit_scheduled",
        "quality.visit_recorded",
    ]


def test_a_visit_to_another_providers_site_is_refused(cast, record):
    other = services.provider_record_save(
        organisation=ProviderFactory(),
        data={"setting_type": SettingType.TRAINING_PROVIDER},
        by=cast.officer,
    )
    site = services.site_add(
        provider=other,
        data={"name": "Main", "address": "1 Road", "town": "Coventry", "postcode": "CV1 2GN"},
        by=cast.officer,
    )
    with pytest.raises(ValidationError):
        services.visit_schedule(
            provider=record, site=site, scheduled_on=TODAY, purpose="", by=cast.officer
        )
