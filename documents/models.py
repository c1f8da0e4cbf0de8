"""A document: one stored file, owned by no single domain.

The bytes are encrypted in documents.storage under a random name; this row holds what is
known about them. The filename is the user's, made safe, and is shown and offered on
download only; it never names anything on disk.

What a document is for lives with the domain that uses it, in that domain's own link
table (applications.models.ApplicationDocument for an application's evidence), so this app
never imports the apps above it. Who may read a document is asked the same way: see
documents.rules.
"""

import uuid

from django.conf import settings
from django.db import models


class Document(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    filename = models.CharField(max_length=150, help_text="The user's filename, made safe.")
    content_type = models.CharField(max_length=100, help_text="What the content is, by sniffing.")
    size = models.PositiveIntegerField(help_text="In bytes, before encryption.")
    sha256 = models.CharField(max_length=64, help_text="Of the bytes before encryption.")
    stored_name = models.CharField(max_length=100, unique=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"Document {str(self.uuid)[:8]}"
