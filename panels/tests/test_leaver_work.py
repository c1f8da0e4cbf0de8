"""A panel member who leaves gives up their seats, which simply end (panels/hooks.py
registers them with accounts/leavers.py)."""

from django.core import mail

from accounts.leavers import leaver_record, open_work_of
from audit.models import Event
from panels.models import PanelMember
from placements.tests.factories import make_terms
from programmes.models import Panel


def test_panel_seats_simply_end(cast, django_capture_on_commit_callbacks):
    panel = Panel.objects.create(year=make_terms(), key="rap", name="Review panel")
    seat = PanelMember.objects.create(panel=panel, user=cast.chair)
    [held] = open_work_of(cast.chair)
    assert held.work.key == "panel_seats" and held.work.ends

    with django_capture_on_commit_callbacks(execute=True):
        moved = leaver_record(person=cast.chair, new_owners={}, by=cast.manager)

    assert moved == {"panel_seats": 1}
    seat.refresh_from_db()
    assert seat.is_active is False
    assert Event.objects.filter(action="panel_member.ended").count() == 1
    assert mail.outbox == []
