import uuid

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from audit.models import Event
from documents.models import Document
from documents.tests.factories import PDF, draft_application, stored_files, uploaded_document


@pytest.fixture
def application(cast):
    return draft_application(cast)


@pytest.fixture
def document(cast, application):
    return uploaded_document(application, by=cast.alice, name="évil <script>.pdf")


def download_url(document):
    return reverse("documents:download", args=[document.uuid])


def remove_url(document):
    return reverse("documents:remove", args=[document.uuid])


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
        str(document.uuid),
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
    for url in (f"/media/{document.stored_name}", f"/static/{document.stored_name}"):
        assert client.get(url).status_code == 404


# --- remove ---------------------------------------------------------------------------


def test_the_school_removes_a_document_from_its_draft(client, cast, document, document_root):
    client.force_login(cast.alice)
    with_next = "/schools/applications/somewhere/"
    response = client.post(remove_url(document), {"next": with_next})

    assert response.status_code == 302
    assert response["Location"] == with_next
    assert not Document.objects.exists()
    assert Event.objects.filter(action="document.removed").count() == 1
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


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", ""])
def test_removal_never_redirects_to_another_site(client, cast, document, target):
    client.force_login(cast.alice)
    response = client.post(remove_url(document), {"next": target})
    assert response["Location"] == "/"


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


def test_a_cap_officer_who_can_see_it_still_cannot_remove_it(client, cast, application, document):
    submit(application)
    client.force_login(cast.officer)
    assert client.post(remove_url(document)).status_code == 403
    assert Document.objects.exists()


@pytest.mark.parametrize("who", ["bob", "provider_staff", "outsider"])
def test_anyone_who_cannot_see_it_gets_not_found_on_removal(client, cast, document, who):
    client.force_login(getattr(cast, who))
    assert client.post(remove_url(document)).status_code == 404
    assert Document.objects.exists()


def test_removal_needs_signing_in(client, document):
    response = client.post(remove_url(document))
    assert response.status_code == 302
    assert Document.objects.exists()
