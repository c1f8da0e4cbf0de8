"""Nobody gives, changes or ends their own panel seat in the admin (separation of duties)."""

from django.urls import reverse

from accounts.models import Membership, Role
from panels.models import PanelMember


def _seat(panel, user) -> dict:
    return {"panel": panel.pk, "user": user.pk, "position": "chair", "is_active": "on"}


def test_the_manager_cannot_give_themselves_a_seat(client, cast, panels):
    Membership.objects.create(user=cast.manager, organisation=cast.la, role=Role.PANEL_MEMBER)
    client.force_login(cast.manager)
    response = client.post(
        reverse("admin:panels_panelmember_add"), _seat(panels.rap.panel, cast.manager)
    )
    assert response.status_code == 200
    assert "You cannot give yourself a seat" in response.content.decode()
    assert not cast.manager.panel_seats.exists()


def test_the_manager_gives_someone_else_a_seat(client, cast, panels):
    person = Membership.objects.create(
        user=cast.officer, organisation=cast.la, role=Role.PANEL_MEMBER
    ).user
    client.force_login(cast.manager)
    response = client.post(reverse("admin:panels_panelmember_add"), _seat(panels.ht.panel, person))
    assert response.status_code == 302
    assert person.panel_seats.filter(panel=panels.ht.panel).exists()


def test_the_manager_cannot_change_or_end_their_own_seat(client, cast, panels):
    Membership.objects.create(user=cast.manager, organisation=cast.la, role=Role.PANEL_MEMBER)
    seat = PanelMember.objects.create(panel=panels.map.panel, user=cast.manager)
    client.force_login(cast.manager)
    response = client.post(
        reverse("admin:panels_panelmember_change", args=[seat.pk]),
        _seat(panels.map.panel, cast.manager),
    )
    assert "You cannot give yourself a seat" in response.content.decode()
    seat.refresh_from_db()
    assert seat.position == "member"
    response = client.post(
        reverse("admin:panels_panelmember_delete", args=[seat.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    response = client.post(
        reverse("admin:panels_panelmember_changelist"),
        {"action": "delete_selected", "_selected_action": [seat.pk], "post": "yes"},
    )
    assert PanelMember.objects.filter(pk=seat.pk).exists()
