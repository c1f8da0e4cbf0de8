import pytest

from accounts.tests.test_rules import AREAS
from programmes.rules import can_edit_model, can_view_model


def test_every_member_may_read_the_model_but_an_outsider_may_not(cast):
    for who in AREAS:
        assert can_view_model(getattr(cast, who)) is (who != "outsider")


@pytest.mark.parametrize("who", [w for w in AREAS if w != "manager"])
def test_only_the_manager_edits_the_model(cast, who):
    assert can_edit_model(cast.manager)
    assert not can_edit_model(getattr(cast, who))
