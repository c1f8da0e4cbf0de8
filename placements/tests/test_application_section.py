"""The school's application page links to the placement once there is one: placements
registers the section (placements/hooks.py), applications never imports placements."""

from django.urls import reverse

from applications.models import Application
from students.tests.factories import StudentFactory


def detail(application) -> str:
    return reverse("applications:detail", args=[application.uuid])


def test_the_school_s_application_page_links_to_its_placement(client, cast, placement):
    client.force_login(cast.alice)
    page = client.get(detail(placement.application)).content.decode()
    link = reverse("placements:schools_detail", args=[placement.uuid])
    assert f'href="{link}">View the placement</a>' in page
    assert "From 12 January 2026" in page and cast.provider.name in page
    # The link opens.
    assert client.get(link).status_code == 200


def test_no_placement_no_link(client, cast, programme):
    application = Application.objects.create(
        student=StudentFactory(home_school=cast.school_a),
        school=cast.school_a,
        programme=programme,
        created_by=cast.alice,
        status="submitted",
    )
    client.force_login(cast.alice)
    page = client.get(detail(application)).content.decode()
    assert "View the placement" not in page


def test_refused_roles_still_cannot_open_the_application_page(client, cast, placement):
    client.force_login(cast.bob)
    assert client.get(detail(placement.application)).status_code == 404
    client.force_login(cast.provider_staff)
    assert client.get(detail(placement.application)).status_code == 403
