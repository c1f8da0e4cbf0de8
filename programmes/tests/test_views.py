import uuid
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import Event
from programmes import services
from programmes.models import (
    AcademicYear,
    ChargingRules,
    Course,
    Meeting,
    WithdrawalCharge,
    YearStatus,
)

REFERENCE = Path(__file__).parents[1] / "data" / "coventry-2025-26.yaml"
MEMBERS = [
    "alice",
    "headteacher",
    "school_dsl",
    "officer",
    "monitoring",
    "manager",
    "safeguarding",
    "chair",
    "provider_staff",
    "academy_staff",
    "agency_worker",
]


@pytest.fixture
def years(db):
    first = services.model_load(path=REFERENCE, flagged=True).year
    return first, services.academic_year_rollover(source=first)


@pytest.mark.parametrize("who", MEMBERS)
def test_everyone_who_works_with_cap_reads_the_model_of_support(client, cast, years, who):
    client.force_login(getattr(cast, who))
    page = client.get(reverse("programmes:model")).content.decode()
    # Today falls in 2026-27, the rolled-over draft; 2025-26 is a link away.
    assert "Model of support 2026-27" in page
    assert "Draft" in page
    assert reverse("programmes:model_year", args=["2025-26"]) in page
    for name in (
        "Work-based learning",
        "Insight",
        "Flourish",
        "Supported Transfer",
        "Refocus",
        "Focus 11",
        "Year 11 Post-16 pathways",
        "CAP Multi-Agency Panel",
        "Headteachers&#x27; Supported Transfer Panel",
    ):
        assert name in page


def test_the_reference_year_shows_its_flagged_dates(client, cast, years):
    client.force_login(cast.alice)
    page = client.get(reverse("programmes:model_year", args=["2025-26"])).content.decode()
    assert "Model of support 2025-26" in page
    assert 'govuk-tag--red">Check</strong>' in page
    assert "Did you mean Wednesday 14 January 2026?" in page
    assert "14 June 2026 is a Sunday" in page
    # The dates are shown as the document wrote them, not silently corrected.
    assert "Tuesday 14 January 2025" in page
    assert "Cohort 3" in page and "25" in page


def test_an_outsider_may_not_read_the_model(client, cast, years):
    client.force_login(cast.outsider)
    assert client.get(reverse("programmes:model")).status_code == 403


def test_an_unknown_year_is_not_found(client, cast, years):
    client.force_login(cast.alice)
    assert client.get(reverse("programmes:model_year", args=["1999-00"])).status_code == 404


def test_the_manager_confirms_a_draft_year(client, cast, years):
    client.force_login(cast.manager)
    url = reverse("programmes:year_confirm", args=["2026-27"])
    page = client.get(reverse("programmes:model")).content.decode()
    assert url in page
    response = client.post(url, follow=True)
    assert "The dates for 2026-27 are confirmed" in response.content.decode()
    assert AcademicYear.objects.get(name="2026-27").status == YearStatus.CONFIRMED
    assert Event.objects.filter(action="model.confirmed", actor=cast.manager).count() == 1
    # Pressing the button twice does no harm.
    response = client.post(url, follow=True)
    assert "already confirmed" in response.content.decode()
    assert Event.objects.filter(action="model.confirmed").count() == 1


@pytest.mark.parametrize("who", [w for w in MEMBERS if w != "manager"] + ["outsider"])
def test_no_one_else_confirms_a_year(client, cast, years, who):
    client.force_login(getattr(cast, who))
    response = client.post(reverse("programmes:year_confirm", args=["2026-27"]))
    assert response.status_code == 403
    assert AcademicYear.objects.get(name="2026-27").status == YearStatus.DRAFT
    page = client.get(reverse("programmes:model")).content.decode()
    assert "Confirm the 2026-27 dates" not in page


def test_confirming_needs_a_post(client, cast, years):
    client.force_login(cast.manager)
    assert client.get(reverse("programmes:year_confirm", args=["2026-27"])).status_code == 405


def test_the_model_page_costs_the_same_queries_however_big_the_model(client, cast, years):
    client.force_login(cast.alice)
    url = reverse("programmes:model_year", args=["2026-27"])

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context)

    before = queries()
    year = AcademicYear.objects.get(name="2026-27")
    course = Course.objects.filter(programme__year=year).first()
    meeting = Meeting.objects.filter(panel__year=year).first()
    for n in range(30):
        course.pk, course.uuid = None, uuid.uuid4()
        course.title = f"Extra course {n}"
        course.save()
        programmes = list(meeting.programmes.all())
        meeting.pk, meeting.uuid = None, uuid.uuid4()
        meeting.save()
        meeting.programmes.set(programmes)
    assert queries() == before


def test_the_model_page_shows_the_service_level_agreement_in_plain_words(client, cast, years):
    client.force_login(cast.alice)
    page = client.get(reverse("programmes:model_year", args=["2025-26"])).content.decode()
    assert 'id="agreement">Service level agreement</h2>' in page
    assert (
        "<li>15 paid-for quality-assured Tier 1 placements a year (course fees still apply)</li>"
        in page
    )
    assert "£12,000.00 a year" in page
    assert "On the Autumn term statement" in page
    assert "The authority pays providers and recharges schools" in page
    assert "The fee for the school weeks delivered" in page
    assert "£250.00 on top of the fee; the allowance is 15 placements a year" in page
    assert "To the nearest penny (half a penny up)" in page


def test_the_model_page_shows_a_fixed_withdrawal_charge_and_the_bands(client, cast, years):
    year = years[1]
    year.agreement_bands.create(name="Fewer than 600 pupils", price_pence=900050)
    ChargingRules.objects.filter(year=year).update(
        withdrawn_before_start=WithdrawalCharge.FIXED, withdrawal_charge_pence=5000
    )
    client.force_login(cast.alice)
    page = client.get(reverse("programmes:model_year", args=[year.name])).content.decode()
    assert "Price for a school in no band" in page
    assert "Price for Fewer than 600 pupils" in page and "£9,000.50 a year" in page
    assert "A fixed charge of £50.00" in page
