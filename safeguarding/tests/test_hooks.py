"""What safeguarding adds to the pages of the apps below it (safeguarding/hooks.py): the
concerns waiting on a DSL's home page, and the link to raise a concern."""

from django.urls import reverse

from safeguarding import services
from safeguarding.tests.conftest import raise_concern


def _home(client, user, area: str) -> str:
    client.force_login(user)
    return client.get(reverse(f"dashboards:{area}")).content.decode()


def test_a_dsl_s_home_shows_the_concerns_waiting_for_them(client, cast, student):
    raise_concern(student, by=cast.alice)
    raise_concern(student, by=cast.alice, urgent=True)
    page = _home(client, cast.school_dsl, "schools")
    assert "2 concerns waiting for you to acknowledge them</a> (1 urgent)" in page
    assert reverse("safeguarding:queue") in page
    lead = _home(client, cast.safeguarding, "casework")
    assert "2 concerns waiting for you to acknowledge them</a> (1 urgent)" in lead


def test_an_acknowledged_concern_no_longer_waits(client, cast, student):
    concern = raise_concern(student, by=cast.alice)
    services.concern_acknowledge(concern=concern, by=cast.school_dsl)
    assert "waiting for you to acknowledge" not in _home(client, cast.school_dsl, "schools")


def test_people_who_are_not_its_dsls_see_nothing_of_a_concern_on_their_home(client, cast, student):
    raise_concern(student, by=cast.alice)
    assert "acknowledge" not in _home(client, cast.alice, "schools")
    assert "acknowledge" not in _home(client, cast.officer, "casework")
    assert "acknowledge" not in _home(client, cast.manager, "casework")
    # A provider's DSL sees only concerns raised on their own placements.
    client.force_login(cast.provider_staff)
    assert "acknowledge" not in client.get(reverse("dashboards:providers")).content.decode()


def test_the_link_to_raise_a_concern_shows_to_those_who_work_with_the_student(
    client, cast, student, placement
):
    raise_link = reverse("safeguarding:raise", args=[student.uuid])
    client.force_login(cast.alice)
    page = client.get(reverse("students:detail", args=[student.uuid])).content.decode()
    assert raise_link in page
    client.force_login(cast.provider_staff)
    page = client.get(
        reverse("placements:providers_detail", args=[placement.uuid])
    ).content.decode()
    assert raise_link in page
