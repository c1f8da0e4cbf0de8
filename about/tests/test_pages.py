"""The about pages: open to everyone, signed in or not; linked from every page's footer;
drawn from the retention schedule, the cookie settings and the authority's details."""

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils.html import escape

from about.selectors import how_long
from privacy.retention import schedule

PAGES = {
    "about:accessibility": "Accessibility statement for",
    "about:privacy": "Privacy notice",
    "about:cookies": "Cookies",
    "about:contact": "Contact the CAP team",
}
FOOTER = {
    "about:accessibility": "Accessibility statement",
    "about:privacy": "Privacy",
    "about:cookies": "Cookies",
    "about:contact": "Contact",
}


def footer_links_in(html: str) -> None:
    for name, label in FOOTER.items():
        assert f'<a class="govuk-footer__link" href="{reverse(name)}">{label}</a>' in html


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "heading"), PAGES.items())
def test_anyone_signed_out_can_open_it(client, name, heading):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert heading in response.content.decode()


@pytest.mark.parametrize(("name", "heading"), PAGES.items())
def test_anyone_signed_in_can_open_it(client, cast, name, heading):
    for user in (cast.alice, cast.manager, cast.provider_staff, cast.outsider):
        client.force_login(user)
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert heading in response.content.decode()


@pytest.mark.second_factor_unverified
@pytest.mark.parametrize("name", PAGES)
def test_it_opens_before_the_second_factor(client, cast, name):
    """Someone stuck at the code page can still read how to get help."""
    client.force_login(cast.officer)
    assert client.get(reverse("dashboards:home")).status_code == 302
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGES)
def test_a_stale_session_cookie_does_not_send_its_reader_to_sign_in(client, settings, name):
    client.cookies[settings.SESSION_COOKIE_NAME] = "a-session-the-store-has-forgotten"
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGES)
def test_it_changes_nothing(client, name):
    assert client.post(reverse(name)).status_code == 405


@pytest.mark.django_db
def test_every_page_links_to_them_in_its_footer(client, cast):
    """The footer is the base template's: the sign-in page and each about page signed out,
    and a home page signed in."""
    for path in [reverse("accounts:sign_in"), *(reverse(name) for name in PAGES)]:
        footer_links_in(client.get(path).content.decode())
    client.force_login(cast.alice)
    response = client.get(reverse("dashboards:home"), follow=True)
    footer_links_in(response.content.decode())


@pytest.mark.django_db
def test_the_privacy_notice_lists_every_kind_of_record_in_the_retention_schedule(client):
    html = client.get(reverse("about:privacy")).content.decode()
    entries = schedule().entries.values()
    assert len(entries) == 11
    for entry in entries:
        assert escape(entry.what) in html
        assert escape(how_long(entry)) in html


def test_each_period_reads_from_the_schedule():
    entries = schedule().entries
    assert how_long(entries["student_record"]).startswith("Until the student's 25th birthday")
    assert how_long(entries["student_record_sen"]).startswith("Until the student's 31st birthday")
    assert how_long(entries["draft_application"]) == (
        "1 year after it was last changed, then deleted"
    )
    assert how_long(entries["audit_events"]) == "6 years after it happened, then deleted"
    assert how_long(entries["carers"]) == "As long as the student's record, then deleted with it"
    assert "reviewed by the authority" in how_long(entries["safeguarding_concerns"])


@pytest.mark.django_db
def test_the_privacy_notice_names_the_controller_and_the_data_protection_officer(client):
    with override_settings(
        CAP_DATA_CONTROLLER="Example City Council",
        CAP_ICO_REGISTRATION="Z1234567",
        CAP_DPO_EMAIL="dpo@council.example",
        CAP_DPO_ADDRESS="The DPO, Council House, Example CV1 1AA",
    ):
        html = client.get(reverse("about:privacy")).content.decode()
    assert "Example City Council is the data controller" in html
    assert "Z1234567" in html
    assert 'href="mailto:dpo@council.example"' in html
    assert "The DPO, Council House, Example CV1 1AA" in html
    assert "Article 6(1)(e)" in html
    assert "Article 9(2)(g)" in html
    assert "Information Commissioner’s Office" in html


@pytest.mark.django_db
def test_the_cookies_page_names_the_cookies_the_settings_name(client):
    with override_settings(SESSION_COOKIE_NAME="cap_session", CSRF_COOKIE_NAME="cap_csrf"):
        html = client.get(reverse("about:cookies")).content.decode()
    assert "<code>cap_session</code>" in html
    assert "<code>cap_csrf</code>" in html
    assert "<code>messages</code>" in html
    assert "We do not use analytics" in html
    assert "30 minutes" in html  # the session's idle limit, from SESSION_COOKIE_AGE
    assert "52 weeks" in html  # CSRF_COOKIE_AGE, Django's default


@pytest.mark.django_db
def test_the_cookies_page_leaves_out_a_cookie_the_settings_do_not_set(client):
    with override_settings(
        CSRF_USE_SESSIONS=True,
        MESSAGE_STORAGE="django.contrib.messages.storage.session.SessionStorage",
    ):
        html = client.get(reverse("about:cookies")).content.decode()
    assert "<code>csrftoken</code>" not in html
    assert "<code>messages</code>" not in html
    assert "<code>sessionid</code>" in html


@pytest.mark.django_db
def test_the_contact_page_gives_the_cap_team_s_details(client):
    with override_settings(
        CAP_CONTACT_EMAIL="cap@council.example",
        CAP_CONTACT_PHONE="024 7000 0000",
        CAP_CONTACT_HOURS="Monday to Thursday, 9am to 4pm",
        CAP_CONTACT_ADDRESS="CAP, Council House, Example CV1 1AA",
    ):
        html = client.get(reverse("about:contact")).content.decode()
    assert 'href="mailto:cap@council.example"' in html
    for text in ("024 7000 0000", "Monday to Thursday, 9am to 4pm", "CAP, Council House"):
        assert text in html


@pytest.mark.django_db
def test_example_details_are_said_to_be_examples(client, settings):
    """The demo and the tests run with example details; the page says so until the
    authority sets its own."""
    assert "are examples" in client.get(reverse("about:contact")).content.decode()
    settings.CAP_CONTACT_EMAIL = "cap@council.example"
    settings.CAP_CONTACT_PHONE = "024 7000 0000"
    settings.CAP_DPO_EMAIL = "dpo@council.example"
    settings.CAP_DPO_ADDRESS = "The DPO, Council House, Example CV1 1AA"
    settings.CAP_ICO_REGISTRATION = "Z1234567"
    for name in ("about:contact", "about:privacy"):
        assert "are examples" not in client.get(reverse(name)).content.decode()


@pytest.mark.django_db
def test_the_pages_ask_the_database_nothing_for_someone_signed_out(
    client, django_assert_num_queries
):
    for name in PAGES:
        with django_assert_num_queries(0):
            assert client.get(reverse(name)).status_code == 200
