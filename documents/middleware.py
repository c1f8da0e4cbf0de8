"""A stored file no key opens is a page that says so, not a server error, wherever it was
read (a download, a panel's pack, a report): recorded, with identifiers only."""

import logging

from django.shortcuts import render

from audit.services import event_record
from documents.storage import Unreadable

logger = logging.getLogger(__name__)


class UnreadableDocumentMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, Unreadable):
            return None
        view = request.resolver_match.view_name if request.resolver_match else ""
        # Stored names are random and views' names are code: neither says anything of anyone.
        logger.warning("No document key opens stored file %s (view %s)", exception.name, view)
        event_record(
            actor=getattr(request, "user", None),
            action="document.unreadable",
            detail={"stored_name": exception.name},
        )
        response = render(request, "documents/unreadable.html", status=410)
        response["Cache-Control"] = "private, no-store"
        return response
