"""The agenda item table: each transition from its source and refused from the others,
through the one service function that changes an item's state."""

from pathlib import Path

import pytest
from django.conf import settings

from applications.management.commands.write_state_diagrams import documents
from panels import services, workflow
from panels.models import AgendaItem, Outcome
from panels.tests.conftest import at_panel
from panels.workflow import FINISHED, OPEN, TRANSITIONS, ItemState

TARGET = Path(settings.BASE_DIR) / "docs" / "states" / "agenda-items.md"


def test_groups_are_derived_from_the_table():
    assert {ItemState.WAITING} == OPEN
    assert {ItemState.DECIDED, ItemState.MOVED, ItemState.ROLLED, ItemState.WITHDRAWN} == FINISHED


def test_every_outcome_has_a_rule():
    assert set(services._OUTCOME_RULES) == set(Outcome.values)


@pytest.mark.django_db
@pytest.mark.parametrize("name", TRANSITIONS)
def test_each_transition_is_taken_only_from_its_sources(name, cast, panels, programmes):
    transition = TRANSITIONS[name]
    item = at_panel(cast, programmes["flourish"]).agenda_items.get()
    for state in ItemState.values:
        AgendaItem.objects.filter(pk=item.pk).update(state=state)
        item.state = state
        if state in transition.sources:
            assert services._item_step(item, name).state == transition.target
        else:
            with pytest.raises(services.Refused, match=transition.refused):
                services._item_step(item, name)
        item.refresh_from_db()
        assert item.state == (transition.target if state in transition.sources else state)


@pytest.mark.django_db
def test_an_item_someone_else_moved_on_cannot_be_moved_again(cast, panels, programmes):
    item = at_panel(cast, programmes["flourish"]).agenda_items.get()
    seen_by_both = AgendaItem.objects.get(pk=item.pk)
    services._item_step(item, "decide")
    with pytest.raises(services.Refused, match="Only an item waiting to be heard can be moved"):
        services._item_step(seen_by_both, "move")
    assert AgendaItem.objects.get(pk=item.pk).state == ItemState.DECIDED


@pytest.mark.django_db
def test_withdrawing_from_the_agenda_leaves_finished_items_as_they_were(cast, panels, programmes):
    application = at_panel(cast, programmes["flourish"])
    item = application.agenda_items.get()
    services.item_move(
        item=item, to=panels.rap.meetings.next, reason="Room booked", by=cast.officer
    )
    services.agenda_withdraw(application=application)
    states = dict(application.agenda_items.values_list("pk", "state"))
    assert states.pop(item.pk) == ItemState.MOVED
    assert list(states.values()) == [ItemState.WITHDRAWN]


def test_the_state_diagram_in_docs_is_generated_from_the_table():
    assert TARGET.read_text() == documents()[TARGET], (
        "Run manage.py write_state_diagrams and commit docs/states/agenda-items.md"
    )
    diagram = workflow.mermaid()
    for transition in TRANSITIONS.values():
        for source in transition.sources:
            assert f"{source} --> {transition.target}: {transition.name}" in diagram
