"""Documents leave CAP only through here: an access-checked, audited download."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from applications.rules import can_view_document
from documents import services
from documents.models import Document


def _get_document_for_user(user, document_uuid) -> Document:
    """The document, or 404 whether it does not exist or is not the user's to see."""
    document = (
        Document.objects.select_related("application", "checklist_item")
        .filter(uuid=document_uuid)
        .first()
    )
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


@login_required
@require_POST
def remove(request, document_uuid):
    """Only the school, only while the application is a draft: 403 for anyone else who
    can see the document."""
    document = _get_document_for_user(request.user, document_uuid)
    services.document_remove(document=document, by=request.user)
    messages.success(request, f"{document.filename} has been removed")
    return redirect(_safe_next(request) or "/")


def _safe_next(request) -> str | None:
    target = request.POST.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None
