"""Every write to documents: store, delete, and the audited read that is a download.

Nothing here knows what a document is for. A domain that keeps documents links them in a
table of its own, inside the block of document_store, and passes the identifiers it wants
in the audit events as detail (never a filename: it may carry a student's name).
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.files.base import ContentFile
from django.db import transaction

from accounts.models import User
from audit.services import event_record
from documents import validation
from documents.models import Document
from documents.rules import check_can_view_document
from documents.storage import document_storage, new_stored_name


@contextmanager
def document_store(*, file, by: User, detail: dict | None = None) -> Iterator[Document]:
    """Check, encrypt and keep one uploaded file; use as `with document_store(...) as
    document:`. The row and its `document.uploaded` event are written in a transaction
    that stays open for the block, so the caller links the document to its own records
    there: if the block raises, nothing is kept and the stored file is deleted.

    Raises ValidationError (from documents.validation) before storing anything if the file
    is refused. A caller inside its own transaction must not fail after the block, or the
    encrypted file is left without a row."""
    checked = validation.check_upload(file)
    storage = document_storage()
    stored_name = storage.save(new_stored_name(), ContentFile(checked.data))
    try:
        with transaction.atomic():
            document = Document.objects.create(
                filename=checked.filename,
                content_type=checked.content_type,
                size=checked.size,
                sha256=checked.sha256,
                stored_name=stored_name,
                uploaded_by=by,
            )
            event_record(actor=by, action="document.uploaded", obj=document, detail=detail)
            yield document
    except BaseException:
        storage.delete(stored_name)
        raise


@transaction.atomic
def document_delete(*, document: Document, by: User, detail: dict | None = None) -> None:
    """Delete a document; its file goes once the deletion is committed. The caller has
    checked that `by` may, and removed its own link to the document first."""
    event_record(actor=by, action="document.removed", obj=document, detail=detail)
    stored_name = document.stored_name
    document.delete()
    transaction.on_commit(lambda: document_storage().delete(stored_name))


def document_download(*, document: Document, by: User) -> bytes:
    """The document's bytes, decrypted, for someone who may see it. Every read is audited."""
    check_can_view_document(by, document)
    with document_storage().open(document.stored_name) as f:
        data = f.read()
    event_record(actor=by, action="document.downloaded", obj=document)
    return data
