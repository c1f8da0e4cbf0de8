"""The people pages: the list, a person's page, giving and removing roles."""

import pytest
from django.urls import reverse

from accounts.models import Membership, Role, User
from accounts.tests.factories import UserFactory, member
from audit.models import Event


@pytest.fixture
def school_admin(cast):
    return member(cast.school_a, Role.ADMINISTRATOR, full_name="Sam Admin")


# --- The list ---------------------------------------------------------------------------


def test_the_manager_lists_everyone(client, cast):
    client.force_login(cast.manager)
    response = client.get(reverse("accounts:people"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Alice Referrer" in html and "Oscar Outsider" in html and "Bob Referrer" in html


def test_an_administrator_lists_their_organisations_people_only(client, cast, school_admin):
    client.force_login(school_admin)
    html = client.get(reverse("accounts:people")).content.decode()
    assert "Alice Referrer" in html
    assert "Bob Referrer" not in html
    assert "Oscar Outsider" not in html


def test_the_list_finds_people_by_name_or_email(client, cast):
    client.force_login(cast.manager)
    html = client.get(reverse("accounts:people"), {"q": "alice"}).content.decode()
    assert "Alice Referrer" in html and "Bob Referrer" not in html
    html = client.get(reverse("accounts:people"), {"q": cast.bob.email}).content.decode()
    assert "Bob Referrer" in html and "Alice Referrer" not in html


@pytest.mark.parametrize("role", ["alice", "headteacher", "officer", "monitoring", "finance"])
def test_others_are_refused_the_people_pages(client, cast, role):
    client.force_login(getattr(cast, role))
    assert client.get(reverse("accounts:people")).status_code == 403
    assert client.get(reverse("accounts:person_invite")).status_code == 403
    assert client.get(reverse("accounts:person", args=[cast.bob.uuid])).status_code == 403


def test_the_list_needs_signing_in(client):
    response = client.get(reverse("accounts:people"))
    assert response.status_code == 302
    assert reverse("accounts:sign_in") in response["Location"]


# The session, the user, their roles, the count, the page, its roles, and the menu.
QUERIES = 10


def _add_people(la, count: int) -> None:
    for _ in range(count):
        member(la, Role.CAP_OFFICER)


@pytest.mark.parametrize("extra", [5, 60])
def test_the_list_takes_the_same_queries_at_any_size(
    client, cast, django_assert_num_queries, extra
):
    _add_people(cast.la, extra)
    client.force_login(cast.manager)
    with django_assert_num_queries(QUERIES):
        response = client.get(reverse("accounts:people"))
    assert response.status_code == 200
    shown = "Showing 1 to 50 of" if extra > 50 else "people"
    assert shown in response.content.decode()


# --- A person's page --------------------------------------------------------------------


def test_a_persons_page_shows_remove_only_where_the_rules_allow(client, cast):
    client.force_login(cast.manager)
    lead = client.get(reverse("accounts:person", args=[cast.safeguarding.uuid])).content.decode()
    assert "Designated safeguarding lead" in lead
    assert "Remove" not in lead
    alice = client.get(reverse("accounts:person", args=[cast.alice.uuid])).content.decode()
    assert "Remove" in alice and "Give a role" in alice


def test_the_manager_cannot_change_their_own_roles_on_their_page(client, cast):
    client.force_login(cast.manager)
    html = client.get(reverse("accounts:person", args=[cast.manager.uuid])).content.decode()
    assert "Give a role" not in html and ">Remove<" not in html
    assert "You cannot give, change or remove your own roles" in html


def test_an_administrator_cannot_open_another_organisations_person(client, cast, school_admin):
    client.force_login(school_admin)
    assert client.get(reverse("accounts:person", args=[cast.bob.uuid])).status_code == 404
    assert client.get(reverse("accounts:person_role_add", args=[cast.bob.uuid])).status_code == 404


def test_an_administrator_sees_only_their_organisations_roles_of_a_person(
    client, cast, school_admin
):
    Membership.objects.create(user=cast.alice, organisation=cast.agency, role=Role.PANEL_MEMBER)
    client.force_login(school_admin)
    html = client.get(reverse("accounts:person", args=[cast.alice.uuid])).content.decode()
    assert "CAP coordinator" in html
    assert "Early Help" not in html


# --- Giving a role ----------------------------------------------------------------------


def test_the_manager_asking_for_the_safeguarding_lead_role_for_themselves_is_refused(client, cast):
    client.force_login(cast.manager)
    url = reverse("accounts:person_role_add", args=[cast.manager.uuid])
    assert client.get(url).status_code == 403
    response = client.post(url, {"organisation": str(cast.la.uuid), "role": Role.DSL})
    assert response.status_code == 403
    assert not Membership.objects.filter(user=cast.manager, role=Role.DSL).exists()


def test_the_manager_is_not_offered_the_safeguarding_lead_role_and_it_is_refused(client, cast):
    client.force_login(cast.manager)
    url = reverse("accounts:person_role_add", args=[cast.officer.uuid])
    response = client.get(url, {"organisation": str(cast.la.uuid)})
    html = response.content.decode()
    assert 'value="dsl"' not in html
    assert 'value="cap_manager"' in html
    response = client.post(url, {"organisation": str(cast.la.uuid), "role": Role.DSL})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Error: " in html
    assert 'id="id_role-error"' in html
    assert not Membership.objects.filter(user=cast.officer, role=Role.DSL).exists()


def test_the_safeguarding_lead_gives_the_safeguarding_lead_role(
    client, cast, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(cast.safeguarding)
    url = reverse("accounts:person_role_add", args=[cast.officer.uuid])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"organisation": str(cast.la.uuid), "role": Role.DSL})
    assert response.status_code == 302
    assert Membership.objects.filter(user=cast.officer, organisation=cast.la, role=Role.DSL)
    event = Event.objects.get(action="membership.created")
    assert event.actor == cast.safeguarding and event.object_id == str(cast.officer.uuid)
    assert {tuple(m.to) for m in mailoutbox} == {(cast.officer.email,), (cast.manager.email,)}


def test_an_administrator_gives_a_role_at_their_only_organisation_straight_away(
    client, cast, school_admin, mailoutbox, django_capture_on_commit_callbacks
):
    person = member(cast.school_a, Role.REFERRER)
    client.force_login(school_admin)
    url = reverse("accounts:person_role_add", args=[person.uuid])
    html = client.get(url).content.decode()
    assert "School A" in html
    assert 'value="headteacher"' in html and 'value="cap_manager"' not in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"organisation": str(cast.school_a.uuid), "role": "headteacher"}
        )
    assert response.status_code == 302
    assert person.memberships.filter(role=Role.HEADTEACHER).exists()
    assert [m.to for m in mailoutbox] == [[person.email]]


def test_an_administrator_cannot_give_a_role_at_another_organisation(client, cast, school_admin):
    person = member(cast.school_a, Role.REFERRER)
    client.force_login(school_admin)
    url = reverse("accounts:person_role_add", args=[person.uuid])
    response = client.post(url, {"organisation": str(cast.school_b.uuid), "role": "headteacher"})
    assert response.status_code == 200
    assert "Choose an organisation from the list" in response.content.decode()
    assert not person.memberships.filter(organisation=cast.school_b).exists()


def test_a_role_already_held_is_refused_beside_the_field(client, cast):
    client.force_login(cast.manager)
    url = reverse("accounts:person_role_add", args=[cast.alice.uuid])
    response = client.post(url, {"organisation": str(cast.school_a.uuid), "role": "referrer"})
    assert "They are already cap coordinator at School A" in response.content.decode()


def test_the_manager_chooses_the_organisation_first(client, cast):
    client.force_login(cast.manager)
    html = client.get(reverse("accounts:person_role_add", args=[cast.alice.uuid])).content.decode()
    assert 'name="organisation"' in html and "School B" in html and 'name="role"' not in html


# --- Removing a role --------------------------------------------------------------------


def test_the_manager_removes_a_role(client, cast):
    membership = Membership.objects.get(user=cast.alice)
    client.force_login(cast.manager)
    url = reverse("accounts:person_role_remove", args=[cast.alice.uuid, membership.uuid])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert Event.objects.get(action="membership.ended").actor == cast.manager


def test_nobody_removes_their_own_role_or_one_they_may_not_give(client, cast, school_admin):
    own = Membership.objects.get(user=school_admin)
    client.force_login(school_admin)
    url = reverse("accounts:person_role_remove", args=[school_admin.uuid, own.uuid])
    assert client.post(url).status_code == 403
    lead = Membership.objects.get(user=cast.safeguarding)
    client.force_login(cast.manager)
    url = reverse("accounts:person_role_remove", args=[cast.safeguarding.uuid, lead.uuid])
    assert client.post(url).status_code == 403
    assert Membership.objects.filter(pk__in=[own.pk, lead.pk]).count() == 2


def test_an_administrator_only_person_has_a_home_with_their_people(client, cast, school_admin):
    client.force_login(school_admin)
    response = client.get(reverse("dashboards:home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("accounts:people") in html
    assert "not linked to an organisation" not in html
    nav = [item["label"] for item in response.context["service_nav"]]
    assert "People" in nav
    assert reverse("privacy:access_reviews") in html


def test_a_persons_page_offers_recording_a_leaver_only_to_who_may(client, cast, school_admin):
    leaver = reverse("accounts:leaver", args=[cast.alice.uuid])
    client.force_login(cast.manager)
    assert leaver in client.get(reverse("accounts:person", args=[cast.alice.uuid])).content.decode()
    own = client.get(reverse("accounts:person", args=[cast.manager.uuid])).content.decode()
    assert reverse("accounts:leaver", args=[cast.manager.uuid]) not in own
    client.force_login(school_admin)
    # Bob works at another school: his page is not theirs to open, let alone his leaving.
    assert client.get(reverse("accounts:leaver", args=[cast.bob.uuid])).status_code == 404


def test_a_persons_page_offers_resetting_the_second_factor_only_to_who_may(client, cast):
    reset = reverse("accounts:second_factor_reset", args=[cast.alice.uuid])
    client.force_login(cast.manager)
    assert reset in client.get(reverse("accounts:person", args=[cast.alice.uuid])).content.decode()
    own = client.get(reverse("accounts:person", args=[cast.manager.uuid])).content.decode()
    assert reverse("accounts:second_factor_reset", args=[cast.manager.uuid]) not in own


def test_the_people_link_is_shown_only_to_those_who_may_open_it(client, cast):
    client.force_login(cast.manager)
    html = client.get(reverse("dashboards:casework")).content.decode()
    assert reverse("accounts:people") in html
    client.force_login(cast.officer)
    response = client.get(reverse("dashboards:casework"))
    assert reverse("accounts:people") not in response.content.decode()
    assert "People" not in [item["label"] for item in response.context["service_nav"]]


def test_a_user_without_roles_is_still_told_so(client, db):
    person = UserFactory()
    client.force_login(person)
    html = client.get(reverse("dashboards:home")).content.decode()
    assert "not linked to an organisation" in html
    assert User.objects.count() == 1
