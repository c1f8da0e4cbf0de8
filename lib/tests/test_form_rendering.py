"""GOV.UK markup from Django's form rendering (templates/django/forms) and the error pages."""

from html.parser import HTMLParser

from django import forms
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.shortcuts import render
from django.template import engines
from django.template.loader import render_to_string
from django.test import RequestFactory

from lib.forms import LongSelect


class _Elements(HTMLParser):
    """Collects every start tag as (tag, attrs), for assertions."""

    def __init__(self):
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def elements(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Elements()
    parser.feed(str(html))
    return parser.elements


def by_id(html: str, element_id: str) -> tuple[str, dict[str, str | None]]:
    found = [(tag, attrs) for tag, attrs in elements(html) if attrs.get("id") == element_id]
    assert len(found) == 1, f"expected one element with id {element_id!r}, found {len(found)}"
    return found[0]


def classes(attrs: dict[str, str | None]) -> set[str]:
    return set((attrs.get("class") or "").split())


def labels_for(html: str, element_id: str) -> list[dict[str, str | None]]:
    return [
        attrs for tag, attrs in elements(html) if tag == "label" and attrs.get("for") == element_id
    ]


def described_by(attrs: dict[str, str | None]) -> list[str]:
    return (attrs.get("aria-describedby") or "").split()


class PupilForm(forms.Form):
    name = forms.CharField(label="Full name", max_length=10, help_text="As on the school roll")
    reason = forms.ChoiceField(
        label="Reason for referral",
        choices=[("behaviour", "Behaviour"), ("medical", "Medical needs")],
        widget=forms.RadioSelect,
        help_text="Choose the main reason",
    )
    needs = forms.MultipleChoiceField(
        label="Needs",
        choices=[("sen", "Special educational needs"), ("ehcp", "EHC plan")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    consent = forms.BooleanField(label="The parent has given consent", help_text="Ask first")
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False)
    year = forms.ChoiceField(label="Year group", choices=[("", "Choose"), ("10", "Year 10")])
    ref = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("notes") == "clash":
            raise forms.ValidationError("These answers cannot be used together")
        return cleaned


VALID = {
    "name": "Sam Smith",
    "reason": "medical",
    "needs": ["ehcp"],
    "consent": "on",
    "notes": "Line one\nLine two",
    "year": "10",
}


def invalid_form(**changes) -> PupilForm:
    data = {**VALID, "name": "A name that is too long", **changes}
    form = PupilForm(data=data)
    assert not form.is_valid()
    return form


# Text input ---------------------------------------------------------------------------------


def test_text_input_unbound_has_label_hint_and_no_error():
    html = PupilForm()["name"].as_field_group()

    tag, attrs = by_id(html, "id_name")
    assert tag == "input"
    assert classes(attrs) == {"govuk-input"}
    assert len(labels_for(html, "id_name")) == 1
    assert "govuk-label" in classes(labels_for(html, "id_name")[0])
    assert "govuk-form-group" in html
    assert "govuk-form-group--error" not in html
    assert "govuk-error-message" not in html
    assert "govuk-hint" in classes(by_id(html, "id_name-hint")[1])
    assert "As on the school roll" in html
    assert described_by(attrs) == ["id_name-hint"]


def test_text_input_error_is_shown_with_the_value_typed_kept():
    html = invalid_form()["name"].as_field_group()

    _, attrs = by_id(html, "id_name")
    assert classes(attrs) == {"govuk-input", "govuk-input--error"}
    assert attrs["value"] == "A name that is too long"
    assert "govuk-form-group--error" in html
    tag, error = by_id(html, "id_name-error")
    assert tag == "p"
    assert classes(error) == {"govuk-error-message"}
    assert '<span class="govuk-visually-hidden">Error:</span> Ensure this value' in html
    assert described_by(attrs) == ["id_name-hint", "id_name-error"]


def test_valid_bound_field_has_no_error_markup():
    form = PupilForm(data=VALID)
    assert form.is_valid()
    html = form["name"].as_field_group()

    _, attrs = by_id(html, "id_name")
    assert classes(attrs) == {"govuk-input"}
    assert attrs["value"] == "Sam Smith"
    assert "govuk-error-message" not in html
    assert "govuk-form-group--error" not in html


def test_error_on_another_field_leaves_this_field_alone():
    html = invalid_form()["year"].as_field_group()

    _, attrs = by_id(html, "id_year")
    assert "govuk-select--error" not in classes(attrs)
    assert "govuk-form-group--error" not in html


def test_extra_classes_on_the_widget_are_kept():
    class Form(forms.Form):
        upn = forms.CharField(widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}))

    _, attrs = by_id(Form()["upn"].as_field_group(), "id_upn")
    assert classes(attrs) == {"govuk-input", "govuk-input--width-10"}


# Radios -------------------------------------------------------------------------------------


def test_radios_are_a_fieldset_with_legend_and_govuk_items():
    html = PupilForm()["reason"].as_field_group()

    found = elements(html)
    fieldsets = [attrs for tag, attrs in found if tag == "fieldset"]
    assert len(fieldsets) == 1
    assert classes(fieldsets[0]) == {"govuk-fieldset"}
    assert described_by(fieldsets[0]) == ["id_reason-hint"]
    assert '<legend class="govuk-fieldset__legend' in html
    assert "Reason for referral</legend>" in html
    assert any(tag == "div" and "govuk-radios" in classes(attrs) for tag, attrs in found)
    assert len([a for t, a in found if t == "div" and "govuk-radios__item" in classes(a)]) == 2
    for index in (0, 1):
        tag, attrs = by_id(html, f"id_reason_{index}")
        assert tag == "input"
        assert attrs["type"] == "radio"
        assert classes(attrs) == {"govuk-radios__input"}
        (label,) = labels_for(html, f"id_reason_{index}")
        assert classes(label) == {"govuk-label", "govuk-radios__label"}
    assert "govuk-error-message" not in html


def test_radios_error_and_kept_choice():
    html = invalid_form()["reason"].as_field_group()
    assert "govuk-error-message" not in html
    assert "checked" in by_id(html, "id_reason_1")[1]
    assert "checked" not in by_id(html, "id_reason_0")[1]

    html = invalid_form(reason="")["reason"].as_field_group()
    assert "govuk-form-group--error" in html
    fieldset = next(attrs for tag, attrs in elements(html) if tag == "fieldset")
    assert described_by(fieldset) == ["id_reason-hint", "id_reason-error"]
    assert by_id(html, "id_reason-error")[0] == "p"


# Checkboxes ---------------------------------------------------------------------------------


def test_checkbox_list_is_a_fieldset_of_govuk_checkboxes_keeping_choices():
    html = invalid_form(needs=["sen", "ehcp"])["needs"].as_field_group()

    found = elements(html)
    assert any(tag == "fieldset" and "govuk-fieldset" in classes(a) for tag, a in found)
    assert any(tag == "div" and "govuk-checkboxes" in classes(a) for tag, a in found)
    for index in (0, 1):
        _, attrs = by_id(html, f"id_needs_{index}")
        assert attrs["type"] == "checkbox"
        assert classes(attrs) == {"govuk-checkboxes__input"}
        assert "checked" in attrs
        (label,) = labels_for(html, f"id_needs_{index}")
        assert classes(label) == {"govuk-label", "govuk-checkboxes__label"}


def test_single_checkbox_has_its_label_hint_and_error():
    html = PupilForm()["consent"].as_field_group()
    _, attrs = by_id(html, "id_consent")
    assert attrs["type"] == "checkbox"
    assert classes(attrs) == {"govuk-checkboxes__input"}
    (label,) = labels_for(html, "id_consent")
    assert classes(label) == {"govuk-label", "govuk-checkboxes__label"}
    assert "The parent has given consent</label>" in html
    assert "<fieldset" not in html
    assert described_by(attrs) == ["id_consent-hint"]

    form = invalid_form()
    html = form["consent"].as_field_group()
    assert "checked" in by_id(html, "id_consent")[1]
    assert "govuk-error-message" not in html

    html = invalid_form(consent="")["consent"].as_field_group()
    _, attrs = by_id(html, "id_consent")
    assert "checked" not in attrs
    assert described_by(attrs) == ["id_consent-hint", "id_consent-error"]
    assert "govuk-form-group--error" in html


# Textarea and select ------------------------------------------------------------------------


def test_textarea_keeps_the_text_and_marks_errors():
    html = PupilForm()["notes"].as_field_group()
    tag, attrs = by_id(html, "id_notes")
    assert tag == "textarea"
    assert classes(attrs) == {"govuk-textarea"}
    assert labels_for(html, "id_notes")

    class Form(forms.Form):
        notes = forms.CharField(widget=forms.Textarea, min_length=50)

    form = Form(data={"notes": "Too short <b>"})
    assert not form.is_valid()
    html = form["notes"].as_field_group()
    _, attrs = by_id(html, "id_notes")
    assert classes(attrs) == {"govuk-textarea", "govuk-textarea--error"}
    assert "Too short &lt;b&gt;</textarea>" in html
    assert described_by(attrs) == ["id_notes-error"]


def test_select_has_govuk_classes():
    html = invalid_form(year="")["year"].as_field_group()
    tag, attrs = by_id(html, "id_year")
    assert tag == "select"
    assert classes(attrs) == {"govuk-select", "govuk-select--error"}
    assert labels_for(html, "id_year")


# Whole form and error summary ---------------------------------------------------------------


def test_whole_form_renders_field_groups_and_hidden_fields():
    html = str(PupilForm())
    assert html.count('class="govuk-form-group"') == 6
    assert by_id(html, "id_ref")[1]["type"] == "hidden"


def test_error_summary_links_each_field_error_to_its_input():
    form = invalid_form(reason="", notes="clash")
    html = render_to_string("includes/error_summary.html", {"form": form})

    assert "govuk-error-summary" in html
    assert 'data-module="govuk-error-summary"' in html
    assert "There is a problem" in html
    links = [attrs["href"] for tag, attrs in elements(html) if tag == "a"]
    assert links == ["#id_name", "#id_reason_0"]
    assert "<li>These answers cannot be used together</li>" in html


def test_error_summary_is_empty_without_errors():
    assert render_to_string("includes/error_summary.html", {"form": PupilForm()}).strip() == ""
    valid = PupilForm(data=VALID)
    assert render_to_string("includes/error_summary.html", {"form": valid}).strip() == ""
    assert render_to_string("includes/error_summary.html", {}).strip() == ""


# Page template ------------------------------------------------------------------------------

PAGE = """{% extends "base.html" %}{% block title %}Refer a pupil{% endblock %}
{% block error_summary %}{% include "includes/error_summary.html" %}{% endblock %}
{% block content %}<h1 class="govuk-heading-l">Refer a pupil</h1>{{ form }}{% endblock %}"""


class SignedInUser:
    is_authenticated = True


def render_page(**context) -> str:
    base = {
        "authority_name": "Coventry City Council",
        "service_name": "Coventry Alternative Provision",
        "form": PupilForm(),
    }
    return engines["django"].from_string(PAGE).render({**base, **context})


def test_page_for_a_signed_in_user_has_navigation_and_a_sign_out_button():
    nav = [
        {"label": "Casework", "url": "/casework/", "active": True},
        {"label": "Model of support", "url": "/model/", "active": False},
    ]
    html = render_page(user=SignedInUser(), service_nav=nav, csrf_token="token")

    links = {attrs["href"]: attrs for tag, attrs in elements(html) if tag == "a"}
    assert links["/casework/"].get("aria-current") == "page"
    assert "aria-current" not in links["/model/"]
    assert "govuk-service-navigation__item--active" in html
    assert '<form class="cap-inline-form" method="post" action="/sign-out/">' in html
    assert '<button type="submit" class="cap-button-link">Sign out</button>' in html
    assert 'name="csrfmiddlewaretoken"' in html
    dash = "\u2013"
    title = f"Refer a pupil {dash} Coventry Alternative Provision {dash} Coventry City Council"
    assert f"<title>{title}</title>" in html


def test_page_shows_the_demo_banner_only_in_demo_mode():
    assert "This is a demonstration with synthetic data." not in render_page()
    html = render_page(demo_mode=True)
    assert "govuk-phase-banner" in html
    assert "Demo</strong>" in html


def test_messages_are_notification_banners():
    messages = [Message(constants.SUCCESS, "Referral saved"), Message(constants.INFO, "Note")]
    found = elements(render_page(messages=messages))
    banners = [a for t, a in found if t == "div" and "govuk-notification-banner" in classes(a)]
    assert [b.get("role") for b in banners] == ["alert", "region"]
    assert "govuk-notification-banner--success" in classes(banners[0])
    assert len({b["aria-labelledby"] for b in banners}) == 2


def test_error_summary_comes_first_in_main():
    messages = [Message(constants.SUCCESS, "Referral saved")]
    html = render_page(form=invalid_form(), messages=messages)
    main = html[html.index("<main") :]
    first_element_in_main = elements(main)[1]
    assert "govuk-error-summary" in classes(first_element_in_main[1])
    assert main.count("There is a problem") == 1
    assert "<title>Error: Refer a pupil" in html


# Error pages --------------------------------------------------------------------------------


def test_404_page_for_an_anonymous_user():
    request = RequestFactory().get("/no-such-page/")
    request.user = AnonymousUser()
    response = render(request, "404.html", status=404)
    html = response.content.decode()

    assert response.status_code == 404
    assert "Page not found" in html
    assert '<a href="/" class="govuk-generic-header__homepage-link">' in html
    assert "Coventry City Council</a>" in html
    assert "Sign out" not in html
    assert "<script>" not in html
    assert " style=" not in html


def test_500_page_renders_with_the_minimal_context():
    html = render_to_string(
        "500.html", {"authority_name": "Coventry City Council", "service_name": "CAP"}
    )
    assert "Sorry, there is a problem with the service" in html
    assert "Sign out" not in html


def test_a_long_select_renders_as_the_select_does_with_its_choice_kept_and_escaped():
    choices = [("", "All schools"), ("a", "Ash & Oak School"), ("b", "Birch <Academy>")]

    class Plain(forms.Form):
        school = forms.ChoiceField(choices=choices, required=False)

    class Long(forms.Form):
        school = forms.ChoiceField(choices=choices, required=False, widget=LongSelect)

    for data in ({}, {"school": "b"}, {"school": "nonsense"}):
        plain, long = Plain(data), Long(data)
        plain.is_valid(), long.is_valid()
        assert elements(long["school"].as_widget()) == elements(plain["school"].as_widget())
    html = str(Long({"school": "b"})["school"].as_widget())
    assert '<option value="b" selected>Birch &lt;Academy&gt;</option>' in html
    assert "Ash &amp; Oak School" in html
    assert by_id(html, "id_school")[0] == "select"
    assert "govuk-select" in classes(by_id(html, "id_school")[1])
