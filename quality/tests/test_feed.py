"""The open feed of the directory validates against the Open Referral UK (HSDS 3.0) schemas
shipped in shared/reference/openreferral-uk-schema, and publishes only approved providers'
courses and no personal data."""

import datetime as dt
import json
import uuid
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from jsonschema import Draft202012Validator, FormatChecker

from accounts.models import PROVIDER_KINDS, Organisation
from applications.tests.factories import load_model
from programmes.models import Course
from quality.models import Contact
from quality.tests.factories import approved_provider, set_expiry

# The schemas, copied unchanged into the repository so the tests run in any checkout.
SCHEMAS = Path(__file__).parents[1] / "data" / "openreferral-uk"
# Where they came from, when the project's shared reference folder is beside the checkout.
SHARED = Path(__file__).parents[3] / "shared" / "reference" / "openreferral-uk-schema" / "compiled"
SERVICES = reverse("quality:feed_services")


def validator(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / name).read_text())
    return Draft202012Validator(schema, format_checker=FormatChecker())


def problems(name: str, instance) -> list[str]:
    return [
        f"{'/'.join(str(p) for p in e.absolute_path)}: {e.message}"
        for e in validator(name).iter_errors(instance)
    ]


@pytest.fixture
def year(db):
    return load_model()


@pytest.fixture
def approved(cast, year, areas):
    records = {
        o.ukprn: approved_provider(o)
        for o in Organisation.objects.filter(kind__in=PROVIDER_KINDS, provider_record=None)
    }
    # A site and a DSL for one provider: the site is published, the DSL never.
    from quality import services

    record = records["19990001"]
    services.site_add(
        provider=record,
        data={
            "name": "Canal Basin workshop",
            "address": "Unit 4, Canal Basin",
            "town": "Coventry",
            "postcode": "CV1 4LY",
        },
        by=None,
    )
    services.contact_add(
        provider=record,
        data={"kind": "dsl", "name": "Dana Safeguarding", "email": "dana@example.org"},
        by=None,
    )
    return records


def test_the_schemas_are_the_shipped_ones_unchanged():
    for name in ("service.json", "service_list.json"):
        ours = json.loads((SCHEMAS / name).read_text())
        assert ours["name"] == "service" and "properties" in ours
        if SHARED.exists():
            assert ours == json.loads((SHARED / name).read_text())


def test_the_api_says_what_it_is(client, db):
    data = client.get(reverse("quality:feed_info")).json()
    assert data["version"] == "3.0"


def test_every_listed_service_validates_against_the_service_list_schema(client, approved):
    data = client.get(SERVICES, {"per_page": 100}).json()
    assert data["total_items"] == len(data["contents"]) > 30
    assert data["first_page"] and data["last_page"] and not data["empty"]
    for item in data["contents"]:
        assert problems("service_list.json", item) == []
        uuid.UUID(item["id"])


def test_every_service_in_full_validates_against_the_service_schema(client, year, approved):
    data = client.get(SERVICES, {"per_page": 100}).json()
    for item in data["contents"]:
        service = client.get(reverse("quality:feed_service", args=[item["id"]])).json()
        assert problems("service.json", service) == [], item["name"]


def test_a_service_carries_its_provider_fee_ages_category_and_sites(client, year, approved):
    course = Course.objects.get(programme__year=year, title="Construction multi-skills taster")
    service = client.get(reverse("quality:feed_service", args=[course.uuid])).json()
    assert service["organization"]["name"] == "Canalside Construction Skills"
    assert service["organization"]["organization_identifiers"][0]["identifier"] == "19990001"
    assert service["cost_options"][0]["amount"] == 450.0
    assert (service["minimum_age"], service["maximum_age"]) == (14, 16)  # years 10 and 11
    assert service["attributes"][0]["taxonomy_term"]["name"] == "Work-based learning"
    address = service["service_at_locations"][0]["location"]["addresses"][0]
    assert address["postal_code"] == "CV1 4LY"
    assert "Dana" not in json.dumps(service)
    assert Contact.objects.filter(name="Dana Safeguarding").exists()


def test_an_invalid_service_is_caught_by_the_check(client, year, approved):
    course = Course.objects.filter(programme__year=year).first()
    service = client.get(reverse("quality:feed_service", args=[course.uuid])).json()
    service["status"] = "open for business"
    del service["name"]
    assert len(problems("service.json", service)) == 2


def test_a_suspended_providers_courses_are_not_published(client, year, approved):
    set_expiry(
        approved["19990002"],
        "public-liability-insurance",
        timezone.localdate() - dt.timedelta(days=1),
    )
    course = Course.objects.get(programme__year=year, title="Motor vehicle maintenance")
    names = [s["name"] for s in client.get(SERVICES, {"per_page": 100}).json()["contents"]]
    assert "Motor vehicle maintenance" not in names
    assert client.get(reverse("quality:feed_service", args=[course.uuid])).status_code == 404


def test_pages_and_search(client, approved):
    first = client.get(SERVICES, {"per_page": 5}).json()
    second = client.get(SERVICES, {"per_page": 5, "page": 2}).json()
    assert first["size"] == 5 and first["total_pages"] > 2 and not first["last_page"]
    assert not {s["id"] for s in first["contents"]} & {s["id"] for s in second["contents"]}
    found = client.get(SERVICES, {"search": "construction"}).json()
    assert found["total_items"] == 2


@pytest.mark.parametrize(
    "params", [{"page": "0"}, {"page": "two"}, {"per_page": "1000"}, {"per_page": "-1"}]
)
def test_bad_parameters_answer_400_not_500(client, db, params):
    response = client.get(SERVICES, params)
    assert response.status_code == 400
    assert "error" in response.json()


def test_the_list_takes_the_same_queries_for_a_short_or_long_page(client, approved):
    def queries(per_page: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(SERVICES, {"per_page": per_page}).status_code == 200
        return len(captured)

    client.get(SERVICES)  # settings warmed
    assert queries(3) == queries(30)


def test_the_list_takes_the_same_queries_for_few_or_many_approved_providers(client, year, areas):
    providers = list(Organisation.objects.filter(kind__in=PROVIDER_KINDS).order_by("name"))
    client.get(SERVICES)  # settings warmed

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(SERVICES, {"per_page": 100})
            assert response.status_code == 200
        return len(captured), response.json()["total_items"]

    for organisation in providers[:3]:
        approved_provider(organisation)
    few, shown_few = queries()
    for organisation in providers[3:15]:
        approved_provider(organisation)
    many, shown_many = queries()
    assert shown_many > shown_few  # more providers' courses are published...
    assert many == few  # ...in the same queries
