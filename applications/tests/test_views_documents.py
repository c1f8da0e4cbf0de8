"""An application's documents through the views: who may download them (the rule
applications registers with documents.rules) and the school removing one from its draft."""

import uuid

import pytest
from cryptography.fernet import Fernet
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from applications import checks
from applications.models import ApplicationDocument
from applications.rules import can_read_application_document
from applications.tests.factories import draft_application, uploaded_document
from audit.models import Event
from documents import rules as document_rules
from documents.models import Document
from documents.tests.factories import PDF, stored_document, stored_files


@pytest.fixture(autouse=True)
def document_root(settings, tmp_path):
    settings.CAP_DOCUMENT_ROOT = tmp_path / "documents"
    settings.CAP_DOCUMENT_KEYS = [Fernet.generate_key().decode()]
    return settings.CAP_DOCUMENT_ROOT


@pytest.fixture
def application(cast):
    return draft_application(cast)


@pytest.fixture
def document(cast, application):
    return uploaded_document(application, by=cast.alice, name="évil <script>.pdf")


def download_url(linked):
    return reverse("documents:download", args=[linked.document.uuid])


def remove_url(linked):
    return reverse(
        "applications:remove_document", args=[linked.application.uuid, linked.document.uuid]
    )


def downloads():
    return Event.objects.filter(action="document.downloaded")


def submit(application):
    application.status = "submitted"
    application.submitted_at = timezone.now()
    application.save()


# --- download -------------------------------------------------------------------------


def test_the_schools_referrer_downloads_the_document_and_it_is_recorded(client, cast, document):
    client.force_login(cast.alice)
    response = client.get(download_url(document))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%C3%A9vil_script.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    (event,) = downloads()
    assert (event.actor, event.object_type, event.object_id) == (
        cast.alice,
        "documents.document",
        str(document.document.uuid),
    )


@pytest.mark.parametrize("who", ["headteacher", "school_dsl"])
def test_other_staff_at_the_school_download_it(client, cast, document, who):
    client.force_login(getattr(cast, who))
    assert client.get(download_url(document)).status_code == 200
    assert downloads().count() == 1


@pytest.mark.parametrize(
    "who", ["bob", "provider_staff", "academy_staff", "chair", "agency_worker", "outsider"]
)
def test_anyone_else_gets_not_found_and_nothing_is_recorded(client, cast, document, who):
    client.force_login(getattr(cast, who))
    assert client.get(download_url(document)).status_code == 404
    assert not downloads().exists()


def test_a_cap_officer_cannot_see_a_draft_but_can_once_it_is_submitted(
    client, cast, application, document
):
    client.force_login(cast.officer)
    assert client.get(download_url(document)).status_code == 404
    assert not downloads().exists()

    submit(application)

    assert client.get(download_url(document)).status_code == 200
    assert downloads().get().actor == cast.officer


def test_a_document_that_does_not_exist_is_not_found(client, cast):
    client.force_login(cast.alice)
    response = client.get(reverse("documents:download", args=[uuid.uuid4()]))
    assert response.status_code == 404


def test_signing_in_comes_first(client, document):
    response = client.get(download_url(document))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))
    assert not downloads().exists()


def test_download_answers_only_get(client, cast, document):
    client.force_login(cast.alice)
    assert client.post(download_url(document)).status_code == 405
    assert not downloads().exists()


def test_no_media_url_serves_the_stored_file(client, cast, document):
    client.force_login(cast.alice)
    stored_name = document.document.stored_name
    for url in (f"/media/{stored_name}", f"/static/{stored_name}"):
        assert client.get(url).status_code == 404


def test_applications_registers_its_reader_rule_at_start_up():
    assert can_read_application_document in document_rules.readers()


def test_the_rule_says_nothing_of_a_document_no_application_links(cast):
    document = stored_document(by=cast.alice)
    assert can_read_application_document(cast.alice, document) is None


# --- remove ---------------------------------------------------------------------------


def test_the_school_removes_a_document_from_its_draft(client, cast, application, document):
    client.force_login(cast.alice)
    response = client.post(remove_url(document))

    assert response.status_code == 302
    assert response["Location"] == reverse("applications:page", args=[application.uuid, "evidence"])
    assert not Document.objects.exists()
    assert not ApplicationDocument.objects.exists()
    event = Event.objects.get(action="document.removed")
    assert (event.actor, event.object_id) == (cast.alice, str(document.document.uuid))
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "évil_script.pdf has been removed"
    ]


def test_the_file_is_deleted_once_the_removal_is_committed(
    client, cast, document, document_root, django_capture_on_commit_callbacks
):
    client.force_login(cast.alice)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(remove_url(document))
    assert not stored_files(document_root)


def test_a_document_is_removed_only_under_its_own_application(client, cast, document):
    other = uploaded_document(draft_application(cast), by=cast.alice)
    client.force_login(cast.alice)
    url = reverse(
        "applications:remove_document", args=[other.application.uuid, document.document.uuid]
    )
    assert client.post(url).status_code == 404
    assert ApplicationDocument.objects.count() == 2


def test_remove_needs_post(client, cast, document):
    client.force_login(cast.alice)
    assert client.get(remove_url(document)).status_code == 405
    assert Document.objects.exists()


def test_a_document_of_a_submitted_application_cannot_be_removed(
    client, cast, application, document
):
    submit(application)
    client.force_login(cast.alice)
    assert client.post(remove_url(document)).status_code == 403
    assert Document.objects.exists()
    assert ApplicationDocument.objects.exists()


def test_a_cap_officer_who_can_see_it_still_cannot_remove_it(client, cast, application, document):
    submit(application)
    client.force_login(cast.officer)
    assert client.post(remove_url(document)).status_code == 403
    assert Document.objects.exists()


def test_another_school_gets_not_found_on_removal(client, cast, document):
    client.force_login(cast.bob)
    assert client.post(remove_url(document)).status_code == 404
    assert Document.objects.exists()
    assert ApplicationDocument.objects.exists()


@pytest.mark.parametrize("who", ["provider_staff", "outsider"])
def test_anyone_outside_the_schools_area_is_refused_removal(client, cast, document, who):
    client.force_login(getattr(cast, who))
    assert client.post(remove_url(document)).status_code == 403
    assert Document.objects.exists()
    assert ApplicationDocument.objects.exists()
    assert not Event.objects.filter(action="document.removed").exists()


def test_removal_needs_signing_in(client, document):
    response = client.post(remove_url(document))
    assert response.status_code == 302
    assert Document.objects.exists()


# --- upload and download, on local files and in an S3 bucket alike --------------------------


def test_the_school_uploads_evidence_and_reads_it_back_from_the_store(
    client, cast, application, programmes, each_store
):
    application.programme = programmes["insight"]
    application.save()
    item = checks.required_evidence(application)[0]
    today = timezone.localdate()
    client.force_login(cast.alice)
    response = client.post(
        reverse("applications:page", args=[application.uuid, "evidence"]),
        {
            "checklist_item": item.pk,
            "file": SimpleUploadedFile("risk assessment.pdf", PDF, "application/pdf"),
            "dated_on_day": today.day,
            "dated_on_month": today.month,
            "dated_on_year": today.year,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    linked = ApplicationDocument.objects.get(application=application)
    assert list(each_store.objects()) == [linked.document.stored_name]
    assert b"%PDF" not in each_store.objects()[linked.document.stored_name]

    response = client.get(download_url(linked))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert downloads().count() == 1
