"""Every write to an application's documents: the school uploads evidence to its draft and
removes it. The file itself is kept by documents.services, which knows nothing of
applications; the link row (ApplicationDocument) says what it is evidence of."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from applications.models import Application, ApplicationDocument
from applications.rules import check_can_edit_application
from documents.services import document_delete, document_store
from documents.validation import RISK_ASSESSMENT_KEY
from programmes.models import ChecklistItem


def application_document_upload(
    *,
    application: Application,
    checklist_item: ChecklistItem | None,
    file,
    dated_on: dt.date | None,
    by: User,
) -> ApplicationDocument:
    """Check, encrypt and keep one file for a draft application of the user's school."""
    check_can_edit_application(by, application)
    if (
        checklist_item is not None
        and checklist_item.key == RISK_ASSESSMENT_KEY
        and dated_on is None
    ):
        raise ValidationError({"dated_on": "Enter the date of the risk assessment"})
    with document_store(file=file, by=by, detail=_detail(application, checklist_item)) as document:
        # The application may have been submitted since the check above; if so, the
        # document is not kept.
        check_can_edit_application(by, _locked(application))
        return ApplicationDocument.objects.create(
            application=application,
            document=document,
            checklist_item=checklist_item,
            dated_on=dated_on,
        )


@transaction.atomic
def application_document_remove(*, application_document: ApplicationDocument, by: User) -> None:
    """Remove a document from a draft; its file goes once the removal is committed."""
    application = application_document.application
    check_can_edit_application(by, _locked(application))
    document = application_document.document
    application_document.delete()
    document_delete(
        document=document, by=by, detail=_detail(application, application_document.checklist_item)
    )


def _locked(application: Application) -> Application:
    return Application.objects.select_for_update().get(pk=application.pk)


def _detail(application: Application, checklist_item: ChecklistItem | None) -> dict:
    # Identifiers only: a filename may carry a student's name.
    return {
        "application": str(application.uuid),
        "checklist_item": checklist_item.key if checklist_item else None,
    }
