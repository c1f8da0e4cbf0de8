from django.db.models import QuerySet

from applications.models import Application
from documents.models import Document


def documents_for(application: Application) -> QuerySet[Document]:
    """An application's documents, oldest first. The caller has checked that the user may
    see the application (applications.rules.can_view_application)."""
    return application.documents.select_related("checklist_item", "uploaded_by").order_by(
        "uploaded_at", "id"
    )
