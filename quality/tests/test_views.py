"""The CAP team's and the providers' pages: who may see what, forms that keep what was
typed and show errors beside the field, and each write's side effects."""

import datetime as dt

import pytest
from cryptography.fernet import Fernet
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
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
    ProviderRecord,
    Review,
    Visit,
)
from quality.tests.factories import PDF, approved_provider

OVERVIEW = reverse("quality:overview")
TODAY = timezone.localdate()


def date_parts(prefix: str, day: dt.date) -> dict:
    return {f"{prefix}_day": day.day, f"{prefix}_month": day.month, f"{prefix}_year": day.year}


def submitted(record, by, key="public-liability-insurance") -> Evidence:
    return services.evidence_submit(
        provider=record,
        item=EvidenceItem.objects.get(key=key),
        issued_on=TODAY,
        expires_on=TODAY + dt.timedelta(days=365),
        file=SimpleUploadedFile("new.pdf", PDF, "application/pdf"),
        by=by,
    )


# --- Casework --------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["officer", "monitoring", "manager"])
def test_cap_staff_see_every_providers_compliance_at_a_glance(client, cast, record, who):
    client.force_login(getattr(cast, who))
    page = client.get(OVERVIEW).content.decode()
    assert "Provider P" in page
    # One provider, approved: counted once by status and green in each area, each number
    # leading to the providers it counts.
    assert f'href="{OVERVIEW}?status=approved">1<' in page
    for area in ComplianceArea.objects.all():
        assert f'href="{OVERVIEW}?area={area.key}&amp;rating=green">1<' in page
    assert reverse("quality:provider", args=[record.uuid]) in page


def test_the_overview_is_a_summary_not_a_column_per_area(client, cast, record):
    client.force_login(cast.officer)
    page = client.get(OVERVIEW).content.decode()
    # The area table has four columns (area, green, amber, red), the providers' three.
    assert page.count('scope="col"') == 4 + 3
    assert page.count('class="cap-table-wrapper" role="region"') == 2


def _missing(record, key: str) -> None:
    """The provider loses its approved evidence for one item: that area turns red."""
    Evidence.objects.filter(provider=record, item__key=key).delete()


def test_each_number_leads_to_the_providers_it_counts(client, cast, record):
    other = approved_provider(ProviderFactory(name="Provider Q"))
    _missing(other, "ico-registration")
    client.force_login(cast.officer)
    page = client.get(OVERVIEW).content.decode()
    assert f'href="{OVERVIEW}?status=suspended">1<' in page
    assert f'href="{OVERVIEW}?area=gdpr&amp;rating=red">1<' in page
    assert f'href="{OVERVIEW}?area=gdpr&amp;rating=green">1<' in page

    page = client.get(OVERVIEW, {"area": "gdpr", "rating": "red"}).content.decode()
    assert "GDPR: providers rated red" in page
    assert "Provider Q" in page and "Provider P" not in page
    assert "No approved ico registration" in page  # what needs attention

    page = client.get(OVERVIEW, {"status": "approved"}).content.decode()
    assert "Provider P" in page and "Provider Q" not in page


def test_an_unknown_filter_lists_every_provider(client, cast, record):
    other = approved_provider(ProviderFactory(name="Provider Q"))
    _missing(other, "ico-registration")
    client.force_login(cast.officer)
    for query in ({"status": "lost"}, {"area": "nowhere", "rating": "red"}, {"area": "gdpr"}):
        page = client.get(OVERVIEW, query).content.decode()
        assert "Every provider" in page and "Provider P" in page and "Provider Q" in page


def test_the_providers_are_listed_a_page_at_a_time_those_needing_attention_first(
    client, cast, record, monkeypatch
):
    monkeypatch.setattr("quality.views.casework.PAGE_SIZE", 2)
    for name in ("Provider Q", "Provider R"):
        approved_provider(ProviderFactory(name=name))
    _missing(ProviderRecord.objects.get(organisation__name="Provider R"), "first-aid")
    client.force_login(cast.officer)
    first = client.get(OVERVIEW).content.decode()
    assert "1 to 2 of 3 providers" in first
    assert first.index("Provider R") < first.index("Provider P")
    assert "Provider Q" not in first and 'rel="next"' in first
    second = client.get(OVERVIEW, {"page": 2}).content.decode()
    assert "Provider Q" in second and "Provider P" not in second


def test_only_the_first_reasons_are_listed_with_the_rest_a_click_away(client, cast, areas):
    record = approved_provider(cast.provider, reviewed=False)
    for key in ("ico-registration", "first-aid", "contract", "gems-declaration"):
        _missing(record, key)
    client.force_login(cast.officer)
    page = client.get(OVERVIEW).content.decode()
    # Not reviewed, and four items missing: five reasons, three listed.
    assert "And 2 more" in page


@pytest.mark.parametrize("who", ["alice", "provider_staff", "agency_worker", "outsider"])
def test_others_may_not_see_the_casework_pages(client, cast, record, who):
    client.force_login(getattr(cast, who))
    assert client.get(OVERVIEW).status_code == 403
    assert client.get(reverse("quality:provider", args=[record.uuid])).status_code == 403


def test_the_cap_safeguarding_lead_in_casework_sees_no_provider_records(client, cast, record):
    client.force_login(cast.safeguarding)
    assert client.get(OVERVIEW).status_code == 404
    assert client.get(reverse("quality:provider", args=[record.uuid])).status_code == 404


@pytest.mark.parametrize("name", ["review_new", "visit_new", "site_add", "contact_add"])
def test_a_monitoring_officer_changes_no_provider_record(client, cast, record, name):
    from quality.models import Contact, Review, Site, Visit

    before = [m.objects.count() for m in (Review, Visit, Site, Contact)]
    client.force_login(cast.monitoring)
    url = reverse(f"quality:{name}", args=[record.uuid])
    assert client.get(url).status_code == 403
    assert client.post(url, {}).status_code == 403
    assert [m.objects.count() for m in (Review, Visit, Site, Contact)] == before


def test_the_overview_takes_the_same_queries_for_3_or_12_providers(client, cast, areas):
    client.force_login(cast.officer)

    def queries(n: int) -> int:
        for _ in range(n - ProviderRecord.objects.count()):
            approved_provider(ProviderFactory())
        with CaptureQueriesContext(connection) as captured:
            assert client.get(OVERVIEW).status_code == 200
        return len(captured)

    assert queries(3) == queries(12)


def test_a_filtered_overview_takes_the_same_queries_for_3_or_12_providers(client, cast, areas):
    client.force_login(cast.officer)

    def queries(n: int) -> int:
        for _ in range(n - ProviderRecord.objects.count()):
            record = approved_provider(ProviderFactory())
            _missing(record, "first-aid")
        with CaptureQueriesContext(connection) as captured:
            response = client.get(OVERVIEW, {"area": "health-safety", "rating": "red"})
            assert response.status_code == 200
        return len(captured)

    assert queries(3) == queries(12)


def test_a_provider_page_shows_its_areas_waiting_evidence_reviews_and_visits(client, cast, record):
    submitted(record, cast.provider_staff)
    services.visit_schedule(
        provider=record, site=None, scheduled_on=TODAY, purpose="Termly", by=cast.officer
    )
    client.force_login(cast.officer)
    page = client.get(reverse("quality:provider", args=[record.uuid])).content.decode()
    for text in (
        "Public liability insurance certificate",
        "new.pdf",
        "Record a termly review",
        "Record the visit",
    ):
        assert text in page
    # A monitoring officer sees it all but changes nothing.
    client.force_login(cast.monitoring)
    page = client.get(reverse("quality:provider", args=[record.uuid])).content.decode()
    assert "new.pdf" in page and "Record a termly review" not in page


def test_a_provider_page_shows_each_area_in_the_same_columns(client, cast, record):
    client.force_login(cast.officer)
    page = client.get(reverse("quality:provider", args=[record.uuid])).content.decode()
    # One summary card per area, with a row per piece of evidence: no table to misalign.
    assert page.count('class="govuk-summary-card"') == ComplianceArea.objects.count()
    assert page.count("govuk-summary-list__row--no-actions") >= EvidenceItem.objects.count()
    assert "<table" not in page


def test_a_provider_page_takes_the_same_queries_however_long_its_history(client, cast, record):
    from quality.tests.factories import review_for

    client.force_login(cast.officer)
    url = reverse("quality:provider", args=[record.uuid])
    client.get(url)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = queries()
    items = [
        "contract",
        "transport-arrangements",
        "first-aid",
        "ico-registration",
        "fire-risk-assessment",
    ]
    for n, key in enumerate(items, start=1):
        review_for(record, held_on=TODAY - dt.timedelta(days=10 * n), ratings={"gems": "amber"})
        Visit.objects.create(provider=record, scheduled_on=TODAY + dt.timedelta(days=n))
        submitted(record, cast.provider_staff, key=key)
    assert queries() == few


def test_an_officer_approves_evidence(client, cast, record):
    evidence = submitted(record, cast.provider_staff)
    client.force_login(cast.officer)
    url = reverse("quality:evidence_approve", args=[record.uuid, evidence.uuid])
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response["Location"] == reverse("quality:provider", args=[record.uuid])
    evidence.refresh_from_db()
    assert evidence.status == EvidenceStatus.APPROVED


def test_a_monitoring_officer_cannot_approve(client, cast, record):
    evidence = submitted(record, cast.provider_staff)
    client.force_login(cast.monitoring)
    response = client.post(reverse("quality:evidence_approve", args=[record.uuid, evidence.uuid]))
    assert response.status_code == 403
    evidence.refresh_from_db()
    assert evidence.status == EvidenceStatus.SUBMITTED


def test_evidence_of_another_provider_is_not_found_under_this_one(client, cast, record):
    other = approved_provider(ProviderFactory())
    evidence = submitted(record, cast.provider_staff)
    client.force_login(cast.officer)
    assert (
        client.post(
            reverse("quality:evidence_approve", args=[other.uuid, evidence.uuid])
        ).status_code
        == 404
    )


def test_refusing_evidence_asks_why(client, cast, record):
    evidence = submitted(record, cast.provider_staff)
    client.force_login(cast.officer)
    url = reverse("quality:evidence_reject", args=[record.uuid, evidence.uuid])
    page = client.post(url, {"note": ""}).content.decode()
    assert "Enter why the evidence is not accepted" in page
    client.post(url, {"note": "Expired policy number"})
    evidence.refresh_from_db()
    assert (evidence.status, evidence.decision_note) == (
        EvidenceStatus.REJECTED,
        "Expired policy number",
    )


def test_record_edit_shows_an_invalid_urn_and_ukprn_beside_the_fields(client, cast, record):
    client.force_login(cast.officer)
    url = reverse("quality:record_edit", args=[cast.provider.uuid])
    data = {
        "name": "Provider P",
        "setting_type": "training_provider",
        "dfe_registration": "not_required",
        "urn": "12AB56",
        "ukprn": "20000000",
        "postcode": "not a postcode",
    }
    page = client.post(url, data).content.decode()
    assert "Enter a URN of 6 digits, like 137209." in page
    assert "Enter a UKPRN of 8 digits starting with 1, like 10079319." in page
    assert "Enter a full UK postcode, like CV1 2GN." in page
    assert 'value="12AB56"' in page  # what was typed is kept
    data |= {"urn": "", "ukprn": "10079319", "postcode": "cv1 2gn"}
    response = client.post(url, data)
    assert response.status_code == 302
    cast.provider.refresh_from_db()
    assert (cast.provider.ukprn, cast.provider.postcode) == ("10079319", "CV1 2GN")


def test_a_ukprn_another_organisation_has_is_refused_beside_the_field(client, cast, record):
    ProviderFactory(ukprn="10079319")
    client.force_login(cast.officer)
    page = client.post(
        reverse("quality:record_edit", args=[cast.provider.uuid]),
        {
            "name": "Provider P",
            "setting_type": "training_provider",
            "dfe_registration": "not_required",
            "ukprn": "10079319",
        },
    ).content.decode()
    assert "Another organisation in CAP already has this UKPRN" in page
    assert 'id="id_ukprn-error"' in page


def test_an_unknown_setting_type_is_refused_beside_the_field(client, cast, record):
    client.force_login(cast.officer)
    page = client.post(
        reverse("quality:record_edit", args=[cast.provider.uuid]),
        {"name": "Provider P", "setting_type": "circus", "dfe_registration": "not_required"},
    ).content.decode()
    assert "Select the type of setting" in page


def test_cap_sets_up_a_record_for_a_provider_without_one(client, cast, areas):
    client.force_login(cast.officer)
    assert f"Set up a record for {cast.provider.name}" in client.get(OVERVIEW).content.decode()
    response = client.post(
        reverse("quality:record_edit", args=[cast.provider.uuid]),
        {
            "name": "Provider P",
            "setting_type": "training_provider",
            "dfe_registration": "registered",
        },
    )
    record = ProviderRecord.objects.get(organisation=cast.provider)
    assert response["Location"] == reverse("quality:provider", args=[record.uuid])


def test_a_school_has_no_record_page(client, cast):
    client.force_login(cast.officer)
    assert client.get(reverse("quality:record_edit", args=[cast.school_a.uuid])).status_code == 404


def test_sites_and_contacts_are_added(client, cast, record):
    client.force_login(cast.officer)
    page = client.post(
        reverse("quality:site_add", args=[record.uuid]),
        {"name": "Yard", "address": "1 Lane", "town": "Coventry", "postcode": "XX"},
    ).content.decode()
    assert "Enter a full UK postcode, like CV1 2GN." in page
    client.post(
        reverse("quality:site_add", args=[record.uuid]),
        {
            "name": "Yard",
            "address": "1 Lane",
            "town": "Coventry",
            "postcode": "CV1 2GN",
            "is_main": "on",
        },
    )
    client.post(
        reverse("quality:contact_add", args=[record.uuid]),
        {"kind": "dsl", "name": "Dee Lead", "email": "dee@example.org"},
    )
    assert record.sites.get().is_main
    assert record.contacts.get().kind == "dsl"
    assert "Dee" not in str(Event.objects.get(action="quality.contact_added").detail)


def test_a_termly_review_is_recorded_with_a_rating_per_area(client, cast, record):
    client.force_login(cast.officer)
    url = reverse("quality:review_new", args=[record.uuid])
    areas = list(ComplianceArea.objects.all())
    data = {**date_parts("held_on", TODAY), "summary": "Termly"}
    data |= {f"rating_{a.key}": "green" for a in areas}
    data["rating_transport"] = "amber"
    data["actions_transport"] = "Send the minibus MOT"
    bad = client.post(
        url,
        {**data, "rating_gdpr": "purple", **date_parts("held_on", TODAY + dt.timedelta(days=2))},
    ).content.decode()
    assert "Select a rating for GDPR" in bad
    assert "The review date must be today or in the past" in bad
    assert not Review.objects.filter(held_on=TODAY).exists()
    assert client.post(url, data).status_code == 302
    review = Review.objects.get(provider=record, held_on=TODAY)
    assert review.ratings.get(area__key="transport").actions == "Send the minibus MOT"
    page = client.get(reverse("quality:provider", args=[record.uuid])).content.decode()
    assert "Approved with conditions" in page


def test_a_visit_is_scheduled_and_recorded(client, cast, record):
    client.force_login(cast.officer)
    page = client.post(
        reverse("quality:visit_new", args=[record.uuid]),
        date_parts("scheduled_on", TODAY - dt.timedelta(days=1)),
    ).content.decode()
    assert "The date of the visit must be today or in the future" in page
    client.post(
        reverse("quality:visit_new", args=[record.uuid]),
        {**date_parts("scheduled_on", TODAY), "purpose": "See a session"},
    )
    visit = Visit.objects.get(provider=record)
    url = reverse("quality:visit_record", args=[record.uuid, visit.uuid])
    page = client.post(url, {**date_parts("visited_on", TODAY), "rating": "red"}).content.decode()
    assert "Enter the findings" in page
    client.post(
        url, {**date_parts("visited_on", TODAY), "rating": "red", "findings": "No register kept"}
    )
    visit.refresh_from_db()
    assert visit.rating == "red"
    page = client.get(reverse("quality:provider", args=[record.uuid])).content.decode()
    assert "Suspended" in page
    # Recorded once only.
    assert client.get(url)["Location"] == reverse("quality:provider", args=[record.uuid])


# --- Providers -------------------------------------------------------------------------


def test_a_provider_sees_its_own_compliance(client, cast, record):
    client.force_login(cast.provider_staff)
    response = client.get(reverse("quality:compliance_home"))
    assert response["Location"] == reverse("quality:compliance", args=[record.uuid])
    page = client.get(response["Location"]).content.decode()
    assert "Public liability insurance certificate" in page and "Approved" in page
    # Each area a summary card, each piece of evidence a row with its own link.
    assert page.count('class="govuk-summary-card"') == ComplianceArea.objects.count()
    assert page.count(">Replace<") == EvidenceItem.objects.count()
    assert "<table" not in page


def test_a_provider_cannot_see_another_providers_compliance(client, cast, record):
    other = approved_provider(ProviderFactory())
    stranger = member(other.organisation, Role.PROVIDER_STAFF)
    client.force_login(stranger)
    assert client.get(reverse("quality:compliance", args=[record.uuid])).status_code == 404
    url = reverse("quality:evidence_new", args=[record.uuid, "public-liability-insurance"])
    assert client.get(url).status_code == 404
    evidence = submitted(record, cast.provider_staff)
    assert client.get(reverse("quality:evidence_download", args=[evidence.uuid])).status_code == 404


@pytest.mark.parametrize("who", ["alice", "officer", "outsider"])
def test_only_providers_use_the_providers_pages(client, cast, record, who):
    client.force_login(getattr(cast, who))
    assert client.get(reverse("quality:compliance", args=[record.uuid])).status_code == 403


def test_a_provider_replaces_its_insurance_and_cap_sees_it_waiting(client, cast, record):
    client.force_login(cast.provider_staff)
    url = reverse("quality:evidence_new", args=[record.uuid, "public-liability-insurance"])
    bad = {
        **date_parts("issued_on", TODAY),
        **date_parts("expires_on", TODAY - dt.timedelta(days=1)),
        "file": SimpleUploadedFile("new.pdf", PDF, "application/pdf"),
    }
    page = client.post(url, bad).content.decode()
    assert "The expiry date must be the same as or after the issue date" in page
    assert f'value="{TODAY.day}"' in page
    good = {
        **date_parts("issued_on", TODAY),
        **date_parts("expires_on", TODAY + dt.timedelta(days=365)),
        "file": SimpleUploadedFile("new.pdf", PDF, "application/pdf"),
    }
    assert client.post(url, good)["Location"] == reverse("quality:compliance", args=[record.uuid])
    evidence = Evidence.objects.get(status=EvidenceStatus.SUBMITTED)
    page = client.get(reverse("quality:compliance", args=[record.uuid])).content.decode()
    assert "Waiting for CAP" in page
    client.force_login(cast.officer)
    response = client.get(reverse("quality:evidence_download", args=[evidence.uuid]))
    assert b"".join(response.streaming_content) == PDF
    assert Event.objects.filter(action="quality.evidence_downloaded", actor=cast.officer).exists()


def test_evidence_no_key_opens_answers_a_page_not_an_error(client, cast, record, settings):
    client.force_login(cast.provider_staff)
    url = reverse("quality:evidence_new", args=[record.uuid, "public-liability-insurance"])
    client.post(
        url,
        {
            **date_parts("issued_on", TODAY),
            **date_parts("expires_on", TODAY + dt.timedelta(days=365)),
            "file": SimpleUploadedFile("new.pdf", PDF, "application/pdf"),
        },
    )
    evidence = Evidence.objects.get(status=EvidenceStatus.SUBMITTED)
    settings.CAP_DOCUMENT_KEYS = [Fernet.generate_key().decode()]
    client.force_login(cast.officer)
    response = client.get(reverse("quality:evidence_download", args=[evidence.uuid]))
    assert response.status_code == 410
    assert "This file cannot be opened" in response.content.decode()
    assert not Event.objects.filter(action="quality.evidence_downloaded").exists()
    assert Event.objects.filter(action="document.unreadable").exists()


def test_a_file_that_is_not_a_document_is_refused(client, cast, record):
    client.force_login(cast.provider_staff)
    url = reverse("quality:evidence_new", args=[record.uuid, "public-liability-insurance"])
    page = client.post(
        url,
        {
            **date_parts("issued_on", TODAY),
            **date_parts("expires_on", TODAY + dt.timedelta(days=365)),
            "file": SimpleUploadedFile("virus.pdf", b"MZ\x90\x00not a pdf", "application/pdf"),
        },
    ).content.decode()
    assert "The selected file must be a PDF, Word document, spreadsheet or image" in page


def test_a_confirmation_has_no_file_and_no_expiry_where_none_applies(client, cast, record):
    client.force_login(cast.provider_staff)
    page = client.get(
        reverse("quality:evidence_new", args=[record.uuid, "company-details"])
    ).content.decode()
    assert "Expiry date" not in page
    page = client.get(
        reverse("quality:evidence_new", args=[record.uuid, "gems-declaration"])
    ).content.decode()
    assert "Your written confirmation" in page and 'type="file"' not in page


def test_an_unknown_evidence_item_is_not_found(client, cast, record):
    client.force_login(cast.provider_staff)
    assert (
        client.get(reverse("quality:evidence_new", args=[record.uuid, "nonsense"])).status_code
        == 404
    )


def test_a_rejection_is_shown_to_the_provider_until_replaced(client, cast, record):
    evidence = submitted(record, cast.provider_staff)
    services.evidence_reject(evidence=evidence, note="Unsigned", by=cast.officer)
    client.force_login(cast.provider_staff)
    page = client.get(reverse("quality:compliance", args=[record.uuid])).content.decode()
    assert "Not accepted" in page and "Unsigned" in page
    submitted(record, cast.provider_staff)
    page = client.get(reverse("quality:compliance", args=[record.uuid])).content.decode()
    assert "Unsigned" not in page


def test_the_nav_leads_each_audience_to_its_pages(client, cast, record):
    client.force_login(cast.alice)
    # A school's menu fits on one line: the directory is on the Applications page.
    assert reverse("quality:directory") in client.get(reverse("applications:list")).content.decode()
    client.force_login(cast.officer)
    assert OVERVIEW in client.get("/casework/").content.decode()
    client.force_login(cast.provider_staff)
    assert reverse("quality:compliance_home") in client.get("/providers/").content.decode()


def test_a_later_page_takes_the_same_queries_for_3_or_12_providers(
    client, cast, areas, monkeypatch
):
    monkeypatch.setattr("quality.views.casework.PAGE_SIZE", 2)
    client.force_login(cast.officer)

    def queries(n: int) -> tuple[int, int]:
        for _ in range(n - ProviderRecord.objects.count()):
            approved_provider(ProviderFactory())
        with CaptureQueriesContext(connection) as captured:
            response = client.get(OVERVIEW, {"page": 2})
            assert response.status_code == 200
        return len(captured), len(response.context["rows"])

    assert queries(3) == (queries(12)[0], 1)
    assert queries(12)[1] == 2
