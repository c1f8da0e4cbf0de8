from pathlib import Path

from django.conf import settings

from applications import workflow
from applications.diagrams import diagram_document
from applications.management.commands.write_state_diagrams import documents
from applications.workflow import ACTIVE, FINISHED, OPEN, TRANSITIONS, Status, allowed
from programmes.models import Route

TARGET = Path(settings.BASE_DIR) / "docs" / "states" / "applications.md"


def test_groups_are_derived_from_the_table():
    assert {Status.PLACED, Status.DECLINED, Status.CLOSED, Status.DISCARDED} == FINISHED
    assert Status.WITHDRAWN in OPEN  # until CAP closes it
    assert (OPEN | {Status.PLACED}) - {Status.WITHDRAWN} == ACTIVE


def test_each_transition_is_allowed_only_from_its_sources_on_its_routes():
    for name, transition in TRANSITIONS.items():
        for route in Route.values:
            for status in Status.values:
                expected = status in transition.sources and (
                    not transition.routes or route in transition.routes
                )
                assert allowed(name, status, route) is expected


def test_a_provider_route_application_never_meets_a_panel():
    steps = {t.name for s in Status.values for t in workflow.next_steps(s, Route.PROVIDER)}
    assert "refer_to_panel" not in steps and "accept" in steps
    assert not any(name.startswith("panel_") for name in steps)


def test_every_panel_route_goes_through_the_panel_and_back():
    for route in (
        Route.PANEL_THEN_PROVIDER,
        Route.PANEL_THEN_HEADTEACHERS,
        Route.PANEL_THEN_MULTI_AGENCY,
    ):
        from_submitted = {t.name for t in workflow.next_steps(Status.SUBMITTED, route)}
        assert "refer_to_panel" in from_submitted and "accept" not in from_submitted
        after_approval = {t.name for t in workflow.next_steps(Status.PANEL_APPROVED, route)}
        expected = "send_pack" if route == Route.PANEL_THEN_PROVIDER else "confirm_panel_start"
        assert expected in after_approval
    assert allowed("panel_waiting_list", Status.AT_PANEL, Route.PANEL_THEN_MULTI_AGENCY)
    assert not allowed("panel_waiting_list", Status.AT_PANEL, Route.PANEL_THEN_PROVIDER)


def test_the_state_diagram_in_docs_is_generated_from_the_table():
    assert TARGET.read_text() == diagram_document() == documents()[TARGET], (
        "Run manage.py write_state_diagrams and commit docs/states/applications.md"
    )
    for transition in TRANSITIONS.values():
        diagrams = [workflow.mermaid(route) for route in Route]
        assert any(f"{transition.sources[0]} --> {transition.target}" in d for d in diagrams)
    # A route's diagram holds only its own steps.
    assert "at_panel" not in workflow.mermaid(Route.PROVIDER)
    assert "pack_sent" not in workflow.mermaid(Route.PANEL_THEN_MULTI_AGENCY)
