"""The append-only event table. Services write events in the same transaction as the
change they describe; timelines and the audit log are read from here.

Events can be neither updated nor deleted: the model refuses, and database triggers
(migration 0002) refuse too, so raw SQL and bulk queries cannot get round it.
"""

import uuid

from django.conf import settings
from django.db import models

from lib.append_only import AppendOnlyModel


class Event(AppendOnlyModel):
    append_only_what = "Audit events"

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who did it; empty for the system itself.",
    )
    action = models.CharField(max_length=80)
    # Which object: its type ("app.model") and its UUID or key. Not a generic foreign key:
    # an event must outlive the object it describes. Identifiers only, never names: an
    # event cannot be changed, so it must hold nothing that may later have to be erased.
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type} {self.object_id}".strip()
