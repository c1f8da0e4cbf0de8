import pytest
from django.core.management import call_command

from applications.tests.factories import load_model
from demo.priority import ITEMS_PER_MEETING, UNSUBSCRIBED_SCHOOL
from panels import selectors
from panels.models import ItemState
from programmes.models import Panel


@pytest.mark.django_db
def test_the_demo_agenda_carries_the_unsubscribed_school_s_flourish_past_the_limit(settings):
    settings.CAP_DEMO_MODE = True
    year = load_model()
    call_command("load_demo")
    panel = Panel.objects.get(year=year, key="review-and-authorisation")
    assert panel.items_per_meeting == ITEMS_PER_MEETING
    (mine,) = panel.meetings.filter(
        items__state=ItemState.WAITING, items__application__school__urn=UNSUBSCRIBED_SCHOOL
    )
    items = list(selectors.agenda_items(mine))
    places = selectors.agenda_places(mine, items, first=1)
    by_school = {i.application.school.urn: p for i, p in zip(items, places, strict=True)}
    assert not by_school[UNSUBSCRIBED_SCHOOL].heard
    heard = [i for i, p in zip(items, places, strict=True) if p.heard]
    assert heard[0].application.programme.key == "flourish"
    assert heard[0].application.school.subscriptions.filter(year=year).exists()
    assert by_school[UNSUBSCRIBED_SCHOOL].reasons[0].startswith("Referred ")
    assert heard[0].application.submitted_at > next(
        i.application.submitted_at for i in items if i.application.school.urn == UNSUBSCRIBED_SCHOOL
    )
