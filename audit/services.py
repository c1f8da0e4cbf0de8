from typing import Any

from django.db import models

from audit.models import Event


def event_record(
    *,
    actor=None,
    action: str,
    obj: models.Model | None = None,
    detail: dict[str, Any] | None = None,
) -> Event:
    """Append one event. Call it inside the service's transaction, so the event and the
    change it describes are saved together or not at all. Never put personal data
    beyond identifiers in detail."""
    object_type = object_id = ""
    if obj is not None:
        object_type = obj._meta.label_lower
        object_id = str(getattr(obj, "uuid", None) or obj.pk)
    return Event.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        object_type=object_type,
        object_id=object_id,
        detail=detail or {},
    )
