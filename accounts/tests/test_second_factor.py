"""The second factor: who needs it, asking for it after the password, setting up an
authenticator app with recovery codes, asking again before safeguarding concerns, and an
administrator's reset."""

import re
import time
import uuid
from urllib.parse import urlencode

import pytest
from django.core import mail
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.middleware import OPEN_AT_ANY_STAGE, OPEN_BEFORE_SECOND_FACTOR
from accounts.models import Membership, Role
from accounts.rules import can_reset_second_factor, needs_second_factor
from accounts.services import VERIFIED_AT_SESSION_KEY, second_factor_reset
from accounts.tests.factories import PASSWORD, SchoolFactory, member
from accounts.tests.second_factor import authenticator, code_for, code_from_secret
from audit.models import Event
from lib.admin import admin_site

pytestmark = pytest.mark.second_factor_unverified

SIGN_IN = reverse("accounts:sign_in")
CODE_PAGE = reverse("accounts:second_factor")
ENROL_PAGE = reverse("accounts:second_factor_enrol")
RECOVERY_PAGE = reverse("accounts:recovery_codes")


def sign_in(client, user, **extra):
    return client.post(SIGN_IN, {"username": user.email, "password": PASSWORD, **extra})


def actions(user) -> list[str]:
    return list(
        Event.objects.filter(action__startswith="second_factor.", object_id=str(user.uuid))
        .order_by("id")
        .values_list("action", flat=True)
    )


def field_error(response) -> str:
    found = re.search(r'<p class="govuk-error-message" id="id_code-error">(.*?)</p>', response.text)
    return found.group(1) if found else ""


# --- Who needs it ----------------------------------------------------------------------------


def test_everyone_who_sees_pupil_data_needs_a_second_factor(cast):
    for person in (
        cast.alice,
        cast.headteacher,
        cast.school_dsl,
        cast.officer,
        cast.monitoring,
        cast.manager,
        cast.finance,
        cast.safeguarding,
        cast.chair,
        cast.provider_staff,
        cast.agency_worker,
    ):
        assert needs_second_factor(person), person


def test_an_administrator_does_too_and_a_person_with_no_role_does_not(cast):
    # An administrator sees no case but invites those who do: their password alone must not
    # be enough to make an account that sees pupils' data.
    assert needs_second_factor(member(cast.school_a, Role.ADMINISTRATOR))
    assert not needs_second_factor(cast.outsider)


def test_a_superuser_needs_one_whatever_their_memberships(cast):
    cast.outsider.is_superuser = True
    assert needs_second_factor(cast.outsider)


# --- After the password ------------------------------------------------------------------------


def test_an_enrolled_person_enters_a_code_then_reaches_the_page_they_wanted(client, cast):
    device = authenticator(cast.officer)
    wanted = reverse("casework:queue")
    response = sign_in(client, cast.officer, next=wanted)
    assert response.url == f"{CODE_PAGE}?{urlencode({'next': wanted})}"
    assert client.get(wanted).url == response.url
    page = client.get(response.url)
    assert "Enter the code from your authenticator app" in page.text
    assert 'autocomplete="one-time-code"' in page.text
    # The menu offers nothing the person cannot open yet.
    assert reverse("casework:queue") not in page.text.split("<main")[0]
    response = client.post(response.url, {"code": code_for(device)})
    assert response.url == wanted
    assert client.get(wanted).status_code == 200
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert actions(cast.officer) == ["second_factor.verified"]


def test_a_wrong_code_is_explained_beside_the_field_and_throttled(client, cast):
    device = authenticator(cast.officer)
    sign_in(client, cast.officer)
    wrong = "000000" if code_for(device) != "000000" else "111111"
    response = client.post(CODE_PAGE, {"code": wrong})
    assert response.status_code == 200
    assert "<title>Error:" in response.text
    assert field_error(response).endswith(
        "The code is wrong or has expired. Enter the code your authenticator app shows now"
    )
    assert f'value="{wrong}"' in response.text
    # Right after a wrong code even the right one waits (django-otp's throttling).
    response = client.post(CODE_PAGE, {"code": code_for(device)})
    assert "Too many wrong codes. Wait 1 second" in field_error(response)
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert actions(cast.officer) == ["second_factor.failed", "second_factor.failed"]
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    assert client.get(reverse("casework:queue")).status_code == 302


def test_an_empty_or_malformed_code_is_refused_beside_the_field(client, cast):
    authenticator(cast.officer)
    sign_in(client, cast.officer)
    assert "Enter the code from your authenticator app" in field_error(
        client.post(CODE_PAGE, {"code": ""})
    )
    assert "Enter the 6-digit code" in field_error(client.post(CODE_PAGE, {"code": "12<34"}))


def test_a_recovery_code_works_once(client, cast):
    authenticator(cast.officer)
    recovery = StaticDevice.objects.create(user=cast.officer, name="Recovery codes")
    StaticToken.objects.create(device=recovery, token="abcd2345")
    StaticToken.objects.create(device=recovery, token="efgh6723")
    sign_in(client, cast.officer)
    response = client.post(CODE_PAGE, {"code": "ABCD 2345"})
    assert response.url == reverse("dashboards:home")
    assert "You have 1 recovery code left" in client.get(response.url, follow=True).text
    client.logout()
    recovery.throttle_reset()
    sign_in(client, cast.officer)
    assert field_error(client.post(CODE_PAGE, {"code": "abcd2345"}))
    assert actions(cast.officer) == [
        "second_factor.recovery_code_used",
        "second_factor.failed",
    ]


def test_a_person_who_needs_no_second_factor_goes_straight_on(client, cast):
    assert sign_in(client, cast.outsider).url == reverse("dashboards:home")
    assert not TOTPDevice.objects.filter(user=cast.outsider).exists()


def test_only_another_safeguarding_lead_resets_the_safeguarding_leads_second_factor(cast):
    second_lead = member(cast.la, Role.DSL)
    assert not can_reset_second_factor(cast.manager, cast.safeguarding)
    assert can_reset_second_factor(second_lead, cast.safeguarding)
    assert can_reset_second_factor(cast.manager, cast.alice)


# --- Setting up the app ------------------------------------------------------------------------


def test_a_person_with_no_app_sets_one_up_and_is_shown_recovery_codes_once(client, cast):
    wanted = reverse("casework:queue")
    response = sign_in(client, cast.officer, next=wanted)
    assert response.url == f"{ENROL_PAGE}?{urlencode({'next': wanted})}"
    assert client.get(CODE_PAGE).url == ENROL_PAGE
    page = client.get(response.url)
    assert "Set up your authenticator app" in page.text
    assert '<svg role="img" aria-label="QR code to scan with your authenticator app"' in page.text
    secret = re.search(r'<code[^>]*id="secret">([A-Z2-7 ]+)</code>', page.text).group(1)
    # Reloading shows the same secret: one device waits to be confirmed.
    assert secret in client.get(response.url).text
    device = TOTPDevice.objects.get(user=cast.officer)
    assert not device.confirmed

    wrong = client.post(response.url, {"code": "12345"})
    assert field_error(wrong).endswith("Enter the code as 6 digits, like 123456")
    assert client.get(wanted).status_code == 302

    response = client.post(response.url, {"code": code_from_secret(secret)})
    assert response.url == f"{RECOVERY_PAGE}?{urlencode({'next': wanted})}"
    page = client.get(response.url)
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page.text)
    assert len(codes) == 10
    assert "This is the only time these codes are shown" in page.text
    assert f'href="{wanted}"' in page.text
    assert client.get(response.url).url == wanted  # shown once
    assert client.get(wanted).status_code == 200

    device.refresh_from_db()
    assert device.confirmed
    stored = StaticToken.objects.filter(device__user=cast.officer)
    assert sorted(t.token for t in stored) == sorted(codes)
    assert actions(cast.officer) == ["second_factor.enrolled"]
    assert all(e.detail == {} for e in Event.objects.filter(action="second_factor.enrolled"))


def test_a_wrong_first_code_keeps_the_app_unconfirmed(client, cast):
    sign_in(client, cast.officer)
    client.get(ENROL_PAGE)
    device = TOTPDevice.objects.get(user=cast.officer)
    wrong = "000000" if code_for(device) != "000000" else "111111"
    response = client.post(ENROL_PAGE, {"code": wrong})
    assert "The code is wrong or has expired" in field_error(response)
    device.refresh_from_db()
    assert not device.confirmed
    assert actions(cast.officer) == ["second_factor.failed"]


# --- Until verified, nothing else --------------------------------------------------------------


def _every_path() -> list[str]:
    """A path for every URL pattern CAP has, its parameters filled with values of the right
    shape (the gate answers before any view looks them up)."""
    fill = {"uuid": str(uuid.uuid4()), "int": "1", "str": "x", "slug": "x", "path": "x"}
    paths = []

    def walk(resolver, prefix: str, namespace: str):
        for entry in resolver.url_patterns:
            pattern = str(entry.pattern)
            if pattern.startswith("^") or "(?P" in pattern:
                continue  # the admin's regular expressions: sampled below
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry, prefix + pattern, inner)
            elif isinstance(entry, URLPattern):
                name = f"{namespace}{entry.name}"
                if name in OPEN_BEFORE_SECOND_FACTOR or name.startswith(OPEN_AT_ANY_STAGE):
                    continue
                path = re.sub(
                    r"<(?:(\w+):)?\w+>", lambda m: fill[m.group(1) or "str"], prefix + pattern
                )
                paths.append("/" + path)

    walk(get_resolver(), "", "")
    return paths


def test_an_unverified_person_reaches_no_page_of_any_area(client, cast):
    person = member(cast.la, Role.CAP_MANAGER)
    for organisation, role in (
        (cast.la, Role.DSL),
        (cast.school_a, Role.REFERRER),
        (cast.provider, Role.PROVIDER_STAFF),
        (cast.agency, Role.AGENCY_PROFESSIONAL),
        (cast.la, Role.PANEL_MEMBER),
        (cast.la, Role.FINANCE_OFFICER),
    ):
        Membership.objects.create(user=person, organisation=organisation, role=role)
    authenticator(person)
    client.force_login(person)
    paths = [*_every_path(), "/admin/", "/admin/accounts/user/", "/admin/audit/event/"]
    areas = {p.split("/")[1] for p in paths}
    assert {
        "schools",
        "casework",
        "providers",
        "panels",
        "agencies",
        "finance",
        "documents",
        "safeguarding",
        "admin",
        "model",
        "people",
    } <= areas
    for path in paths:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url.startswith(CODE_PAGE), path
    # A form sent is refused the same way, and nothing is done.
    assert client.post(f"/documents/{uuid.uuid4()}/").url == CODE_PAGE


def test_signing_out_still_works_before_the_second_factor(client, cast):
    sign_in(client, cast.officer)
    assert client.post(reverse("accounts:sign_out")).url == reverse("accounts:signed_out")
    assert "_auth_user_id" not in client.session


# --- Again before safeguarding concerns --------------------------------------------------------


@pytest.mark.parametrize("name", ["safeguarding:queue"])
def test_a_safeguarding_lead_enters_a_code_again_after_12_hours(client, cast, name):
    device = authenticator(cast.safeguarding)
    sign_in(client, cast.safeguarding)
    client.post(CODE_PAGE, {"code": code_for(device)})
    url = reverse(name)
    assert client.get(url).status_code == 200
    session = client.session
    session[VERIFIED_AT_SESSION_KEY] = time.time() - 12 * 60 * 60 - 1
    session.save()
    assert client.get(reverse("casework:queue")).status_code == 200  # other pages go on
    response = client.get(url)
    assert response.url == f"{CODE_PAGE}?next=%2Fsafeguarding%2F"
    page = client.get(response.url)
    assert "Enter a code again" in page.text
    assert "in the last 12 hours" in page.text
    response = client.post(response.url, {"code": code_for(device)})
    assert response.url == url
    assert client.get(url).status_code == 200


def test_the_hours_are_a_setting(client, cast, settings):
    settings.CAP_SECOND_FACTOR_FRESH_HOURS = 1
    client.force_login(cast.safeguarding)
    pass_second_factor(client, cast.safeguarding)
    session = client.session
    session[VERIFIED_AT_SESSION_KEY] = time.time() - 61 * 60
    session.save()
    assert client.get(reverse("safeguarding:queue")).url.startswith(CODE_PAGE)


# --- Reset by an administrator -----------------------------------------------------------------


def test_who_may_reset_a_second_factor(cast):
    administrator = member(cast.school_a, Role.ADMINISTRATOR)
    other_school = SchoolFactory()
    both = member(cast.school_a, Role.REFERRER)
    Membership.objects.create(user=both, organisation=other_school, role=Role.REFERRER)
    # The CAP manager: anyone but themselves and the safeguarding lead.
    assert can_reset_second_factor(cast.manager, cast.alice)
    assert not can_reset_second_factor(cast.manager, cast.safeguarding)
    assert not can_reset_second_factor(cast.manager, cast.manager)
    # An organisation's administrator: only people wholly of their organisations.
    assert can_reset_second_factor(administrator, cast.alice)
    assert can_reset_second_factor(administrator, cast.school_dsl)
    assert not can_reset_second_factor(administrator, both)
    assert not can_reset_second_factor(administrator, cast.bob)
    assert not can_reset_second_factor(administrator, cast.outsider)
    assert not can_reset_second_factor(administrator, administrator)
    # Nobody else.
    for actor in (cast.officer, cast.safeguarding, cast.headteacher, cast.alice, cast.outsider):
        assert not can_reset_second_factor(actor, cast.bob), actor


def test_the_manager_resets_a_second_factor_and_the_person_enrols_again(
    client, cast, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    device = authenticator(cast.alice)
    StaticDevice.objects.create(user=cast.alice, name="Recovery codes")
    client.force_login(cast.manager)
    pass_second_factor(client, cast.manager)
    url = reverse("accounts:second_factor_reset", args=[cast.alice.uuid])
    page = client.get(url)
    assert page.status_code == 200
    assert "Reset Alice Referrer’s second factor" in page.text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.url == reverse("accounts:person", args=[cast.alice.uuid])
    assert not TOTPDevice.objects.filter(user=cast.alice).exists()
    assert not StaticDevice.objects.filter(user=cast.alice).exists()
    event = Event.objects.get(action="second_factor.reset")
    assert (event.actor, event.object_id, event.detail) == (cast.manager, str(cast.alice.uuid), {})
    assert [m.to for m in mail.outbox] == [[cast.alice.email]]
    assert "Alice" not in mail.outbox[0].body
    client.logout()
    assert sign_in(client, cast.alice).url == ENROL_PAGE
    assert device.pk is not None


def pass_second_factor(client, manager):
    """Pass the second factor as the code page would (this module's tests opt out of it)."""
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = authenticator(manager).persistent_id
    session[VERIFIED_AT_SESSION_KEY] = time.time()
    session.save()


def test_an_organisation_administrator_resets_their_own_people_only(client, cast):
    administrator = member(cast.school_a, Role.ADMINISTRATOR)
    client.force_login(administrator)
    pass_second_factor(client, administrator)
    authenticator(cast.alice)
    ok = reverse("accounts:second_factor_reset", args=[cast.alice.uuid])
    assert client.get(ok).status_code == 200
    for person in (cast.bob, administrator, cast.manager):
        url = reverse("accounts:second_factor_reset", args=[person.uuid])
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    assert client.post(ok).status_code == 302
    assert not TOTPDevice.objects.filter(user=cast.alice).exists()


def test_refused_roles_get_a_404_and_nothing_changes(client, cast):
    authenticator(cast.bob)
    url = reverse("accounts:second_factor_reset", args=[cast.bob.uuid])
    for actor in (cast.officer, cast.safeguarding, cast.alice, cast.outsider):
        client.force_login(actor)
        pass_second_factor(client, actor)
        assert client.post(url).status_code == 404, actor
    assert TOTPDevice.objects.filter(user=cast.bob).exists()
    assert (
        client.get(reverse("accounts:second_factor_reset", args=[uuid.uuid4()])).status_code == 404
    )


def test_the_reset_service_refuses_oneself(cast):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        second_factor_reset(person=cast.manager, by=cast.manager)


def test_the_admin_offers_no_way_round_the_reset(client, cast):
    assert not any(
        model._meta.app_label in {"otp_totp", "otp_static", "django_otp"}
        for model in admin_site._registry
    )
    client.force_login(cast.manager)
    pass_second_factor(client, cast.manager)
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert client.get("/admin/otp_static/staticdevice/").status_code == 404


# --- Demo mode ------------------------------------------------------------------------------


def test_demo_users_sign_in_with_the_code_the_demo_page_shows(client, cast, settings):
    settings.CAP_DEMO_MODE = True
    demo = member(cast.school_a, Role.REFERRER, email="coordinator@demo.cap.invalid")
    TOTPDevice.objects.create(user=demo, key=settings.CAP_DEMO_TOTP_KEY, confirmed=True)
    page = client.get(SIGN_IN).text
    secret = re.search(r'<code id="demo-secret">([A-Z2-7 ]+)</code>', page).group(1)
    assert secret.replace(" ", "") == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    assert '<svg role="img" aria-label="QR code of the demo users' in page
    response = client.post(reverse("accounts:demo_sign_in", args=[demo.uuid]))
    assert response.url == CODE_PAGE
    code_page = client.get(CODE_PAGE).text
    shown = re.search(r'<code id="demo-code">(\d{6})</code>', code_page).group(1)
    assert shown == code_from_secret(secret)
    assert client.post(CODE_PAGE, {"code": shown}).url == reverse("dashboards:home")


def test_real_accounts_are_shown_no_demo_code(client, cast, settings):
    settings.CAP_DEMO_MODE = False
    authenticator(cast.officer)
    sign_in(client, cast.officer)
    assert "demo-code" not in client.get(CODE_PAGE).text
    assert "demo-secret" not in client.get(SIGN_IN).text
