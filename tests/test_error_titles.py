"""Every page that refuses what was sent starts its <title> with "Error: " (GOV.UK), whatever
its view named the form: base.html asks {% error_prefix %} (accounts/templatetags/
refusals.py). A few representative refused pages from different apps; the form's own are in
applications/tests/test_views_form.py."""

import re

from django.urls import reverse

from students.tests.factories import student_form_data


def title(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1)


def test_a_refused_search_and_a_refused_student_say_error_in_the_title(client, cast):
    client.force_login(cast.alice)
    fine = client.get(reverse("students:list"), {"q": "Smith"})
    assert not title(fine).startswith("Error: ")
    refused = client.get(reverse("students:list"), {"q": "x" * 101})
    assert title(refused).startswith("Error: ")
    refused = client.post(reverse("students:create"), student_form_data(upn="not a upn"))
    assert refused.status_code == 200
    assert title(refused).startswith("Error: ")


def test_a_refused_sign_in_says_error_in_the_title(client, cast):
    response = client.post(
        reverse("accounts:sign_in"), {"username": "nobody@example.org", "password": ""}
    )
    assert response.status_code == 200
    assert title(response).startswith("Error: ")
