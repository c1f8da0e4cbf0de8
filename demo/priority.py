"""Demo of Tier 2 priority: the Review and Authorisation Panel can hear one item a meeting
(the demo's choice: the model file gives no limit). Its next agenda holds a Flourish
application from a school with the service level agreement and a Refocus application
(demo.panels); the Refocus one was referred two days earlier, yet the Flourish one comes
first by the agreement (Flourish gives priority, Refocus does not), and the Refocus one
carries to the next meeting. The agenda says why. Demo only."""

import datetime as dt

from django.db.models import F

from applications.models import Application
from panels.models import AgendaItem, ItemState
from programmes.models import Panel
from programmes.selectors import year_current

ITEMS_PER_MEETING = 1


def load_demo_priority() -> None:
    year = year_current()
    if year is None:
        return
    panel = Panel.objects.filter(year=year, key="review-and-authorisation").first()
    if panel is None or panel.items_per_meeting is not None:
        return
    panel.items_per_meeting = ITEMS_PER_MEETING
    panel.save(update_fields=["items_per_meeting"])
    waiting = AgendaItem.objects.filter(meeting__panel=panel, state=ItemState.WAITING)
    refocus = waiting.filter(application__programme__key="refocus").first()
    if (
        refocus is None
        or not waiting.filter(
            meeting=refocus.meeting_id, application__programme__key="flourish"
        ).exists()
    ):
        return
    Application.objects.filter(pk=refocus.application_id).update(
        submitted_at=F("submitted_at") - dt.timedelta(days=2)
    )
