import pytest
from django.urls import reverse

from accounts.tests.factories import PASSWORD
from accounts.tests.second_factor import authenticator, code_for
from audit.models import Event

SIGN_IN = reverse("accounts:sign_in")
GENERIC_ERROR = "Enter the e-mail address and password for your account"


def sign_in(client, email, password=PASSWORD, **extra):
    meta = {k: extra.pop(k) for k in list(extra) if k.isupper()}
    return client.post(SIGN_IN, {"username": email, "password": password, **extra}, **meta)


def test_the_sign_in_page_asks_for_an_e_mail_address_and_password(client, db):
    page = client.get(SIGN_IN).content.decode()
    assert 'type="email"' in page and 'type="password"' in page
    assert "Demo users" not in page


def test_a_person_signs_in_and_lands_on_their_area(client, cast):
    device = authenticator(cast.alice)
    response = sign_in(client, cast.alice.email)
    assert response.status_code == 302
    assert response.url == reverse("accounts:second_factor")
    response = client.post(response.url, {"code": code_for(device)})
    assert response.url == reverse("dashboards:home")
    assert client.get(response.url).url == reverse("dashboards:schools")
    event = Event.objects.get(action="sign_in.succeeded")
    assert event.actor == cast.alice
    assert event.object_id == str(cast.alice.uuid)


def test_the_e_mail_address_is_matched_without_regard_to_case(client, cast):
    assert sign_in(client, cast.alice.email.upper()).status_code == 302


def test_a_safe_next_page_is_followed_and_an_unsafe_one_is_not(client, cast):
    device = authenticator(cast.alice)
    model = reverse("programmes:model")
    code_page = sign_in(client, cast.alice.email, next=model).url
    assert code_page == f"{reverse('accounts:second_factor')}?next=%2Fmodel%2F"
    assert client.post(code_page, {"code": code_for(device)}).url == model
    client.logout()
    code_page = sign_in(client, cast.alice.email, next="https://evil.example/").url
    assert code_page == reverse("accounts:second_factor")
    evil = client.post(f"{code_page}?next=https://evil.example/", {"code": code_for(device)})
    assert evil.url == reverse("dashboards:home")


def test_passwords_are_hashed_with_argon2(cast):
    assert cast.alice.password.startswith("argon2")


def test_a_wrong_password_gets_the_same_answer_as_an_unknown_account(client, cast):
    wrong = sign_in(client, cast.alice.email, "not-the-password")
    unknown = sign_in(client, "nobody@example.org", "not-the-password")
    for response in (wrong, unknown):
        assert response.status_code == 200
        page = response.content.decode()
        assert GENERIC_ERROR in page
        assert 'value="' in page  # the address typed is kept
    assert "_auth_user_id" not in client.session
    failures = Event.objects.filter(action="sign_in.failed").order_by("id")
    assert [e.object_id for e in failures] == [str(cast.alice.uuid), ""]
    assert all("example.org" not in str(e.detail) for e in failures)


def test_an_inactive_account_cannot_sign_in(client, cast):
    cast.alice.is_active = False
    cast.alice.save()
    assert GENERIC_ERROR in sign_in(client, cast.alice.email).content.decode()


@pytest.mark.parametrize("exists", [True, False])
def test_repeated_failures_lock_the_address_whether_or_not_it_exists(
    client, cast, settings, exists
):
    email = cast.alice.email if exists else "nobody@example.org"
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, email, "wrong").status_code == 200
    locked = sign_in(client, email, "wrong")
    assert locked.status_code == 429
    assert "Too many attempts" in locked.content.decode()
    # Even the right password is refused while the address is locked.
    again = sign_in(client, email)
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session
    assert Event.objects.filter(action="sign_in.locked_out").exists()


def test_a_lock_on_one_address_does_not_stop_another(client, cast, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, cast.bob.email, "wrong")
    assert sign_in(client, cast.alice.email).status_code == 302


class TestBehindTheProxy:
    """Every request reaches CAP from the proxy's address (REMOTE_ADDR); the proxy appends
    the client's own to X-Forwarded-For."""

    HERE, THERE = "198.51.100.7", "203.0.113.9"

    @pytest.fixture(autouse=True)
    def one_proxy(self, settings):
        settings.TRUSTED_PROXY_COUNT = 1

    def from_(self, client, email, password, forwarded):
        return sign_in(
            client, email, password, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded
        )

    def test_failures_from_one_place_do_not_lock_the_person_out_elsewhere(
        self, client, cast, settings
    ):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            self.from_(client, cast.alice.email, "wrong", self.HERE)
        assert self.from_(client, cast.alice.email, PASSWORD, self.HERE).status_code == 429
        assert self.from_(client, cast.alice.email, PASSWORD, self.THERE).status_code == 302

    def test_each_failure_and_the_lock_out_record_the_clients_address(self, client, cast, settings):
        for _ in range(settings.AXES_FAILURE_LIMIT + 1):
            self.from_(client, cast.alice.email, "wrong", self.HERE)
        failed = Event.objects.filter(action="sign_in.failed")
        assert failed.count() == settings.AXES_FAILURE_LIMIT - 1
        assert {e.detail["address"] for e in failed} == {self.HERE}
        locked = Event.objects.filter(action="sign_in.locked_out")
        assert locked.exists()
        assert {e.detail["address"] for e in locked} == {self.HERE}

    def test_an_address_the_client_adds_itself_is_not_believed(self, client, cast, settings):
        # The guesser writes the other place's address; the proxy appends the real one.
        spoofed = f"{self.THERE}, {self.HERE}"
        for _ in range(settings.AXES_FAILURE_LIMIT):
            self.from_(client, cast.alice.email, "wrong", spoofed)
        assert Event.objects.filter(detail__address=self.THERE).count() == 0
        assert self.from_(client, cast.alice.email, PASSWORD, self.THERE).status_code == 302
        assert self.from_(client, cast.alice.email, PASSWORD, self.HERE).status_code == 429

    def test_without_a_trusted_proxy_the_header_is_ignored(self, client, cast, settings):
        settings.TRUSTED_PROXY_COUNT = 0
        for _ in range(settings.AXES_FAILURE_LIMIT):
            self.from_(client, cast.alice.email, "wrong", self.HERE)
        assert self.from_(client, cast.alice.email, PASSWORD, self.THERE).status_code == 429
        assert {e.detail["address"] for e in Event.objects.all() if "address" in e.detail} == {
            "10.0.0.2"
        }


def test_sign_out_needs_a_post(client, cast):
    client.force_login(cast.alice)
    assert client.get(reverse("accounts:sign_out")).status_code == 405
    response = client.post(reverse("accounts:sign_out"))
    assert response.url == reverse("accounts:signed_out")
    assert "_auth_user_id" not in client.session


def test_pages_need_a_signed_in_user(client, db):
    response = client.get(reverse("programmes:model"))
    assert response.status_code == 302
    assert response.url.startswith(SIGN_IN)


class TestDemoMode:
    @pytest.fixture
    def demo_user(self, cast):
        from accounts.tests.factories import member

        return member(cast.school_a, "referrer", email="coordinator@demo.cap.invalid")

    def test_demo_users_are_listed_only_in_demo_mode(self, client, demo_user, settings):
        settings.CAP_DEMO_MODE = False
        assert "coordinator@demo.cap.invalid" not in client.get(SIGN_IN).content.decode()
        settings.CAP_DEMO_MODE = True
        page = client.get(SIGN_IN).content.decode()
        assert "coordinator@demo.cap.invalid" in page
        assert settings.CAP_DEMO_PASSWORD in page
        # Real accounts are never listed.
        assert "example.org" not in page

    def test_one_click_demo_sign_in_exists_only_in_demo_mode(self, client, demo_user, settings):
        url = reverse("accounts:demo_sign_in", args=[demo_user.uuid])
        settings.CAP_DEMO_MODE = False
        assert client.post(url).status_code == 404
        settings.CAP_DEMO_MODE = True
        assert client.get(url).status_code == 405
        assert client.post(url).status_code == 302
        assert client.session["_auth_user_id"] == str(demo_user.pk)

    def test_demo_sign_in_refuses_a_real_account(self, client, cast, settings):
        settings.CAP_DEMO_MODE = True
        url = reverse("accounts:demo_sign_in", args=[cast.manager.uuid])
        assert client.post(url).status_code == 404
        assert "_auth_user_id" not in client.session
