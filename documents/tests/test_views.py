"""The download view: the only way a document leaves CAP. Who may read a document is
decided by the rules higher apps register (documents.rules); here a test rule stands in
for them. An application's rule is tested in applications/tests/test_views_documents.py."""

import logging
import uuid

import pytest
from cryptography.fernet import Fernet
from django.urls import reverse

from audit.models import Event
from documents import rules
from documents.tests.factories import PDF, stored_document


@pytest.fixture
def alice_reads(monkeypatch, cast, document):
    """Only one rule: Alice may read the document."""
    monkeypatch.setattr(rules, "_readers", [lambda user, d: user == cast.alice and d == document])


def download_url(document):
    return reverse("documents:download", args=[document.uuid])


def downloads():
    return Event.objects.filter(action="document.downloaded")


@pytest.fixture
def document(cast, request):
    """Stored in the test's store: on disk, or in the bucket for tests that use each_store
    (asked for first, so the document is kept there)."""
    if "each_store" in request.fixturenames:
        request.getfixturevalue("each_store")
    return stored_document(by=cast.alice, name="évil <script>.pdf")


def test_someone_a_rule_allows_downloads_it_and_it_is_recorded(
    client, cast, each_store, document, alice_reads
):
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


@pytest.mark.parametrize("who", ["bob", "officer", "provider_staff", "outsider"])
def test_anyone_no_rule_allows_gets_not_found_and_nothing_is_recorded(
    client, cast, document, alice_reads, who
):
    client.force_login(getattr(cast, who))
    assert client.get(download_url(document)).status_code == 404
    assert not downloads().exists()


def test_a_document_no_rule_claims_is_not_found_even_by_its_uploader(
    client, cast, document, monkeypatch
):
    monkeypatch.setattr(rules, "_readers", [])
    client.force_login(cast.alice)
    assert client.get(download_url(document)).status_code == 404
    assert not downloads().exists()


def test_a_document_that_does_not_exist_is_not_found(client, cast):
    client.force_login(cast.alice)
    response = client.get(reverse("documents:download", args=[uuid.uuid4()]))
    assert response.status_code == 404


def test_signing_in_comes_first(client, document, alice_reads):
    response = client.get(download_url(document))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign_in"))
    assert not downloads().exists()


def test_download_answers_only_get(client, cast, document, alice_reads):
    client.force_login(cast.alice)
    assert client.post(download_url(document)).status_code == 405
    assert not downloads().exists()


def test_no_media_url_serves_the_stored_file(client, cast, document, alice_reads):
    client.force_login(cast.alice)
    for url in (f"/media/{document.stored_name}", f"/static/{document.stored_name}"):
        assert client.get(url).status_code == 404


def test_a_file_no_key_opens_answers_a_page_not_an_error_and_is_recorded(
    client, cast, document, alice_reads, settings, caplog
):
    # As if the key it was stored under had been dropped too early.
    settings.CAP_DOCUMENT_KEYS = [Fernet.generate_key().decode()]
    client.force_login(cast.alice)
    with caplog.at_level(logging.WARNING):
        response = client.get(download_url(document))

    assert response.status_code == 410
    page = response.content.decode()
    assert "This file cannot be opened" in page
    assert "govuk-template__header" in page  # the service's own layout
    assert response["Cache-Control"] == "private, no-store"
    assert not downloads().exists()
    (event,) = Event.objects.filter(action="document.unreadable")
    assert event.actor == cast.alice
    assert event.detail == {"stored_name": document.stored_name}
    (record,) = [r for r in caplog.records if r.name == "documents.middleware"]
    assert record.levelno == logging.WARNING
    assert document.stored_name in record.getMessage()
    assert "évil" not in record.getMessage() and "script" not in record.getMessage()
