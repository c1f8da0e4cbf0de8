from applications import workflow
from applications.management.commands.write_state_diagrams import TARGET, diagram_document
from applications.workflow import ACTIVE, FINISHED, OPEN, TRANSITIONS, Status, allowed


def test_groups_are_derived_from_the_table():
    assert {Status.PLACED, Status.DECLINED, Status.CLOSED, Status.DISCARDED} == FINISHED
    assert Status.WITHDRAWN in OPEN  # until CAP closes it
    assert (OPEN | {Status.PLACED}) - {Status.WITHDRAWN} == ACTIVE


def test_each_transition_is_allowed_only_from_its_sources():
    for name, transition in TRANSITIONS.items():
        for status in Status.values:
            assert allowed(name, status) is (status in transition.sources)


def test_the_state_diagram_in_docs_is_generated_from_the_table():
    assert TARGET.read_text() == diagram_document(), (
        "Run manage.py write_state_diagrams and commit docs/states/applications.md"
    )
    for transition in TRANSITIONS.values():
        assert f"{transition.sources[0]} --> {transition.target}" in workflow.mermaid()
