import pytest
from django.core.management import call_command

from applications.tests.factories import load_model
from demo.priority import ITEMS_PER_MEETING
from panels import selectors
from panels.models import ItemState
from programmes.models import Panel


@pytest.mark.django_db
def test_the_demo_agenda_hears_the_subscribing_school_s_flourish_and_carries_refocus(settings):
    settings.CAP_DEMO_MODE = True
    year = load_model()
    call_command("load_demo")
    panel = Panel.objects.get(year=year, key="review-and-authorisation")
    assert panel.items_per_meeting == ITEMS_PER_MEETING
    (meeting,) = panel.meetings.filter(
        items__state=ItemState.WAITING, items__application__programme__key="refocus"
    )
    items = list(selectors.agenda_items(meeting))
    places = selectors.agenda_places(meeting, items, first=1)
    assert [(i.application.programme.key, p.heard) for i, p in zip(items, places, strict=True)] == [
        ("flourish", True),
        ("refocus", False),
    ]
    flourish, refocus = (i.application for i in items)
    assert refocus.submitted_at < flourish.submitted_at
    assert places[0].reasons[0] == (
        f"Priority: {flourish.school.name} has the service level agreement for "
        f"{year.starts_on.year} to {year.ends_on.year}"
    )
    assert places[1].reasons[0].startswith("Referred ")
    # Loading again changes nothing.
    call_command("load_demo")
    refocus_again = type(refocus).objects.get(pk=refocus.pk)
    assert refocus_again.submitted_at == refocus.submitted_at
