"""The domain-free services: store a file, delete it, download it. Nothing here knows
what a document is for; see applications/tests for an application's evidence."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import Event
from documents import rules
from documents.models import Document
from documents.services import document_delete, document_download, document_store
from documents.storage import document_storage
from documents.tests.factories import EXE, PDF, stored_document, stored_files, upload


@pytest.fixture
def readers(monkeypatch):
    """The registered reader rules, emptied for the test and put back after it."""
    registered: list = []
    monkeypatch.setattr(rules, "_readers", registered)
    return registered


def test_a_file_is_stored_encrypted_and_recorded(cast, each_store):
    with document_store(
        file=upload("../../etc/passwd.pdf", PDF), by=cast.alice, detail={"case": "c1"}
    ) as document:
        pass

    assert Document.objects.get() == document
    assert document.filename == "passwd.pdf"
    assert document.content_type == "application/pdf"
    assert document.size == len(PDF)
    assert document.uploaded_by == cast.alice
    assert "passwd" not in document.stored_name
    assert list(each_store.objects()) == [document.stored_name]
    assert b"%PDF" not in each_store.objects()[document.stored_name]
    assert document_storage().open(document.stored_name).read() == PDF
    event = Event.objects.get(action="document.uploaded")
    assert (event.actor, event.object_type, event.object_id) == (
        cast.alice,
        "documents.document",
        str(document.uuid),
    )
    assert event.detail == {"case": "c1"}


def test_a_refused_file_is_never_stored(cast, each_store):
    with pytest.raises(ValidationError):
        stored_document(by=cast.alice, data=EXE)
    assert not Document.objects.exists()
    assert not each_store.objects()
    assert not Event.objects.exists()


def test_a_file_over_the_limit_is_refused(cast, settings, document_root):
    settings.CAP_DOCUMENT_MAX_BYTES = len(PDF) - 1
    with pytest.raises(ValidationError):
        stored_document(by=cast.alice)
    assert not stored_files(document_root)


def test_if_recording_the_upload_fails_the_stored_file_is_deleted(cast, document_root, monkeypatch):
    def fail(**kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr("documents.services.event_record", fail)
    with pytest.raises(RuntimeError):
        stored_document(by=cast.alice)
    assert not Document.objects.exists()
    assert not stored_files(document_root)


def test_if_the_callers_block_fails_nothing_is_kept(cast, each_store):
    """The caller links the document inside the block: a failure there undoes it all."""
    with pytest.raises(RuntimeError), document_store(file=upload(), by=cast.alice):
        raise RuntimeError("the link could not be saved")
    assert not Document.objects.exists()
    assert not Event.objects.filter(action="document.uploaded").exists()
    assert not each_store.objects()


def test_deleting_a_document_removes_its_file_after_commit(
    cast, each_store, django_capture_on_commit_callbacks
):
    document = stored_document(by=cast.alice)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        document_delete(document=document, by=cast.alice, detail={"case": "c1"})
    assert not Document.objects.exists()
    assert each_store.objects(), "the file stays until the deletion is committed"
    for callback in callbacks:
        callback()
    assert not each_store.objects()
    event = Event.objects.get(action="document.removed")
    assert (event.actor, event.object_id, event.detail) == (
        cast.alice,
        str(document.uuid),
        {"case": "c1"},
    )


def test_a_document_no_rule_claims_cannot_be_downloaded(cast, readers):
    document = stored_document(by=cast.alice)
    with pytest.raises(PermissionDenied):
        document_download(document=document, by=cast.alice)
    assert not Event.objects.filter(action="document.downloaded").exists()


def test_a_document_a_rule_allows_is_downloaded_and_recorded(cast, readers, each_store):
    document = stored_document(by=cast.alice)
    rules.register_reader(lambda user, d: user == cast.alice and d == document)

    assert document_download(document=document, by=cast.alice) == PDF
    event = Event.objects.get(action="document.downloaded")
    assert (event.actor, event.object_id) == (cast.alice, str(document.uuid))
    with pytest.raises(PermissionDenied):
        document_download(document=document, by=cast.bob)
    assert Event.objects.filter(action="document.downloaded").count() == 1


def test_a_rule_that_does_not_know_the_document_grants_nothing(cast, readers):
    document = stored_document(by=cast.alice)
    rules.register_reader(lambda user, d: None)
    rules.register_reader(lambda user, d: False)
    assert not rules.can_view_document(cast.alice, document)


def test_registering_a_rule_twice_has_no_effect(readers):
    def reader(user, document):
        return True

    rules.register_reader(reader)
    rules.register_reader(reader)
    assert rules.readers() == (reader,)
