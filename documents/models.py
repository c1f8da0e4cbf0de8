"""A document: one file of evidence attached to an application.

The bytes are encrypted in documents.storage under a random name; this row holds what is
known about them. The filename is the user's, made safe, and is shown and offered on
download only; it never names anything on disk.
"""

import uuid

from django.conf import settings
from django.db import models


class Document(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="documents"
    )
    checklist_item = models.ForeignKey(
        "programmes.ChecklistItem",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
        help_text="The evidence on the programme's checklist that this document gives.",
    )
    dated_on = models.DateField(
        null=True,
        blank=True,
        help_text="The date written on the document: a risk assessment's shows how current it is.",
    )
    filename = models.CharField(max_length=150, help_text="The user's filename, made safe.")
    content_type = models.CharField(max_length=100, help_text="What the content is, by sniffing.")
    size = models.PositiveIntegerField(help_text="In bytes, before encryption.")
    sha256 = models.CharField(max_length=64, help_text="Of the bytes before encryption.")
    stored_name = models.CharField(max_length=100, unique=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    # Set when the CAP team puts the document in the pack it sends to the provider.
    shared_with_provider = models.BooleanField(default=False)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"Document {str(self.uuid)[:8]}"
