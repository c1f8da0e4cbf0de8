"""An application's evidence: the school uploads it to its draft and removes it."""

import datetime as dt

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from applications.models import ApplicationDocument
from applications.services import (
    application_document_remove,
    application_document_upload,
)
from applications.tests.factories import draft_application, uploaded_document
from audit.models import Event
from documents.models import Document
from documents.storage import document_storage
from documents.tests.factories import EXE, PDF, checklist_item, stored_files, upload


@pytest.fixture(autouse=True)
def document_root(settings, tmp_path):
    settings.CAP_DOCUMENT_ROOT = tmp_path / "documents"
    settings.CAP_DOCUMENT_KEYS = [Fernet.generate_key().decode()]
    return settings.CAP_DOCUMENT_ROOT


def test_an_upload_is_stored_encrypted_and_recorded(cast, document_root):
    application = draft_application(cast)
    linked = application_document_upload(
        application=application,
        checklist_item=checklist_item(),
        file=upload("../../etc/passwd.pdf", PDF),
        dated_on=None,
        by=cast.alice,
    )

    assert ApplicationDocument.objects.get() == linked
    assert (linked.application, linked.checklist_item.key) == (application, "application-form")
    assert not linked.shared_with_provider
    document = Document.objects.get()
    assert linked.document == document
    assert document.filename == "passwd.pdf"
    assert document.content_type == "application/pdf"
    assert document.size == len(PDF)
    assert "passwd" not in document.stored_name
    (on_disk,) = stored_files(document_root)
    assert b"%PDF" not in on_disk.read_bytes()
    assert document_storage().open(document.stored_name).read() == PDF
    event = Event.objects.get(action="document.uploaded")
    assert (event.actor, event.object_id) == (cast.alice, str(document.uuid))
    assert event.detail == {
        "application": str(application.uuid),
        "checklist_item": "application-form",
    }


def test_a_risk_assessment_keeps_its_date(cast):
    document = application_document_upload(
        application=draft_application(cast),
        checklist_item=checklist_item("risk-assessment"),
        file=upload(),
        dated_on=dt.date(2026, 3, 1),
        by=cast.alice,
    )
    assert document.dated_on == dt.date(2026, 3, 1)


def test_a_risk_assessment_without_a_date_is_refused(cast, document_root):
    with pytest.raises(ValidationError):
        application_document_upload(
            application=draft_application(cast),
            checklist_item=checklist_item("risk-assessment"),
            file=upload(),
            dated_on=None,
            by=cast.alice,
        )
    assert not stored_files(document_root)
    assert not Document.objects.exists()


def test_a_renamed_executable_is_refused_and_nothing_is_kept(cast, document_root):
    with pytest.raises(ValidationError):
        uploaded_document(draft_application(cast), by=cast.alice, name="report.pdf", data=EXE)
    assert not Document.objects.exists()
    assert not ApplicationDocument.objects.exists()
    assert not stored_files(document_root)


def test_a_file_over_the_limit_is_refused(cast, settings):
    settings.CAP_DOCUMENT_MAX_BYTES = len(PDF) - 1
    with pytest.raises(ValidationError):
        uploaded_document(draft_application(cast), by=cast.alice)


@pytest.mark.parametrize("status", ["submitted", "withdrawn", "discarded"])
def test_an_application_that_is_not_a_draft_refuses_uploads(cast, document_root, status):
    application = draft_application(cast)
    application.status = status
    application.save()
    with pytest.raises(PermissionDenied):
        uploaded_document(application, by=cast.alice)
    assert not stored_files(document_root)
    assert not Document.objects.exists()


def test_an_application_submitted_since_the_first_check_keeps_nothing(cast, document_root):
    """The page was loaded while it was a draft; the application is re-read under a lock."""
    application = draft_application(cast)
    type(application).objects.filter(pk=application.pk).update(
        status="submitted", submitted_at=timezone.now()
    )
    assert application.status == "draft"  # what the school's request still holds
    with pytest.raises(PermissionDenied):
        uploaded_document(application, by=cast.alice)
    assert not Document.objects.exists()
    assert not ApplicationDocument.objects.exists()
    assert not Event.objects.filter(action="document.uploaded").exists()
    assert not stored_files(document_root)


@pytest.mark.parametrize("who", ["bob", "officer", "manager", "provider_staff", "outsider"])
def test_only_the_referring_school_uploads(cast, who):
    with pytest.raises(PermissionDenied):
        uploaded_document(draft_application(cast), by=getattr(cast, who))
    assert not Document.objects.exists()


def test_the_school_headteacher_may_upload_too(cast):
    assert uploaded_document(draft_application(cast), by=cast.headteacher).pk


def test_if_saving_the_link_fails_nothing_is_kept(cast, document_root, monkeypatch):
    def fail(**kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(ApplicationDocument.objects, "create", fail)
    with pytest.raises(RuntimeError):
        uploaded_document(draft_application(cast), by=cast.alice)
    assert not Document.objects.exists()
    assert not Event.objects.filter(action="document.uploaded").exists()
    assert not stored_files(document_root)


def test_removing_a_document_deletes_its_file_after_commit(
    cast, document_root, django_capture_on_commit_callbacks
):
    document = uploaded_document(draft_application(cast), by=cast.alice)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        application_document_remove(application_document=document, by=cast.alice)
    assert stored_files(document_root), "the file stays until the removal is committed"
    for callback in callbacks:
        callback()
    assert not stored_files(document_root)
    assert not Document.objects.exists()
    assert not ApplicationDocument.objects.exists()
    event = Event.objects.get(action="document.removed")
    assert (event.actor, event.object_id) == (cast.alice, str(document.document.uuid))
    assert event.detail == {
        "application": str(document.application.uuid),
        "checklist_item": "application-form",
    }


def test_a_document_of_a_submitted_application_cannot_be_removed(cast):
    application = draft_application(cast)
    document = uploaded_document(application, by=cast.alice)
    application.status = "submitted"
    application.submitted_at = timezone.now()
    application.save()
    with pytest.raises(PermissionDenied):
        application_document_remove(application_document=document, by=cast.alice)
    assert Document.objects.filter(pk=document.document_id).exists()
    assert ApplicationDocument.objects.filter(pk=document.pk).exists()
    assert not Event.objects.filter(action="document.removed").exists()
