"""Every write to documents: upload, remove, and the audited read that is a download."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from accounts.models import User
from applications.models import Application
from applications.rules import check_can_edit_application, check_can_view_document
from audit.services import event_record
from documents import validation
from documents.models import Document
from documents.storage import document_storage, new_stored_name
from programmes.models import ChecklistItem


def document_upload(
    *,
    application: Application,
    checklist_item: ChecklistItem | None,
    file,
    dated_on: dt.date | None,
    by: User,
) -> Document:
    """Check, encrypt and keep one file for a draft application of the user's school."""
    check_can_edit_application(by, application)
    if (
        checklist_item is not None
        and checklist_item.key == validation.RISK_ASSESSMENT_KEY
        and dated_on is None
    ):
        raise ValidationError({"dated_on": "Enter the date of the risk assessment"})
    checked = validation.check_upload(file)
    storage = document_storage()
    stored_name = storage.save(new_stored_name(), ContentFile(checked.data))
    try:
        with transaction.atomic():
            # The application may have been submitted since the check above.
            check_can_edit_application(by, _locked(application))
            document = Document.objects.create(
                application=application,
                checklist_item=checklist_item,
                dated_on=dated_on,
                filename=checked.filename,
                content_type=checked.content_type,
                size=checked.size,
                sha256=checked.sha256,
                stored_name=stored_name,
                uploaded_by=by,
            )
            event_record(
                actor=by,
                action="document.uploaded",
                obj=document,
                detail=_detail(document),
            )
    except BaseException:
        storage.delete(stored_name)
        raise
    return document


def document_remove(*, document: Document, by: User) -> None:
    """Remove a document from a draft; its file goes once the removal is committed."""
    with transaction.atomic():
        check_can_edit_application(by, _locked(document.application))
        event_record(actor=by, action="document.removed", obj=document, detail=_detail(document))
        stored_name = document.stored_name
        document.delete()
        transaction.on_commit(lambda: document_storage().delete(stored_name))


def document_download(*, document: Document, by: User) -> bytes:
    """The document's bytes, decrypted, for someone who may see it. Every read is audited."""
    check_can_view_document(by, document)
    with document_storage().open(document.stored_name) as f:
        data = f.read()
    event_record(actor=by, action="document.downloaded", obj=document, detail=_detail(document))
    return data


def _locked(application: Application) -> Application:
    return Application.objects.select_for_update().get(pk=application.pk)


def _detail(document: Document) -> dict:
    # Identifiers only: a filename may carry a student's name.
    return {
        "application": str(document.application.uuid),
        "checklist_item": document.checklist_item.key if document.checklist_item else None,
    }
