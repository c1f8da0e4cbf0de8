"""The CAP manager sees a year's agreement and charging rules in the admin, and cannot change
them there: prices change on CAP's subscriptions page, rules in the model file."""

from pathlib import Path

from django.urls import reverse

from programmes import services

SMALL = Path(__file__).parent / "data" / "small.yaml"


def test_the_manager_sees_the_year_s_money_but_cannot_change_it_there(client, cast):
    year = services.model_load(path=SMALL).year
    client.force_login(cast.manager)
    response = client.get(reverse("admin:programmes_academicyear_change", args=[year.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "To the nearest penny" in page  # the year's rounding, shown
    assert 'name="charging-0-rounding"' not in page
    assert 'name="agreement_price_pence"' not in page
    subscriptions = reverse("admin:programmes_subscription_add")
    assert client.get(subscriptions).status_code == 403


def test_no_one_else_opens_the_year_in_the_admin(client, cast):
    year = services.model_load(path=SMALL).year
    client.force_login(cast.officer)
    response = client.get(reverse("admin:programmes_academicyear_change", args=[year.pk]))
    assert response.status_code in (302, 403)
