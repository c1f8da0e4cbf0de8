"""Documents leave CAP only through here: an access-checked, audited download."""

import io

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from documents import services
from documents.models import Document
from documents.rules import can_view_document


def _get_document_for_user(user, document_uuid) -> Document:
    """The document, or 404 whether it does not exist or is not the user's to see."""
    document = Document.objects.filter(uuid=document_uuid).first()
    if document is None or not can_view_document(user, document):
        raise Http404
    return document


@login_required
@require_GET
def download(request, document_uuid):
    document = _get_document_for_user(request.user, document_uuid)
    data = services.document_download(document=document, by=request.user)
    response = FileResponse(
        io.BytesIO(data),
        as_attachment=True,
        filename=document.filename,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
