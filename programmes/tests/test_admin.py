"""The CAP manager changes a year's agreement and charging rules in the admin."""

from pathlib import Path

from django.urls import reverse

from programmes import services

SMALL = Path(__file__).parent / "data" / "small.yaml"


def test_the_manager_sees_the_year_s_bands_and_charging_rules(client, cast):
    year = services.model_load(path=SMALL).year
    client.force_login(cast.manager)
    response = client.get(reverse("admin:programmes_academicyear_change", args=[year.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="charging-0-rounding"' in page
    assert 'name="agreement_bands-TOTAL_FORMS"' in page
    assert 'name="agreement_price_pence"' in page


def test_no_one_else_opens_the_year_in_the_admin(client, cast):
    year = services.model_load(path=SMALL).year
    client.force_login(cast.officer)
    response = client.get(reverse("admin:programmes_academicyear_change", args=[year.pk]))
    assert response.status_code in (302, 403)
