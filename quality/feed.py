"""The directory as an open feed in the Open Referral UK profile of HSDS 3.0: each course is
a service of its provider (an organization), at the provider's sites, with its fee as a cost
option and its category as a taxonomy term. Only what the directory shows to schools is
published, and no personal data: contacts are never included.

Schemas: shared/reference/openreferral-uk-schema (compiled/service.json for one service,
compiled/service_list.json for each item of the paginated list)."""

import datetime as dt
import math
import uuid
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse

from programmes.models import Course
from quality.models import ProviderRecord, Review, Site

HSDS_VERSION = "3.0"
PROFILE_URL = "https://openreferraluk.org/"
OPENAPI_URL = "https://raw.githubusercontent.com/openreferral/uk-profile/main/schema/openapi.json"
# Identifiers for things that have no row of their own (a cost option, a schedule, an
# address) are derived from the row they belong to, so they are stable between requests.
NAMESPACE = uuid.UUID("0b6b3c4e-5f0e-4b8a-9a41-2d4f6f1c8e21")
TAXONOMY = "CAP course categories"
REGION = "West Midlands"


def _id(*parts) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join(str(p) for p in parts)))


def _absolute(path: str) -> str:
    return settings.CAP_BASE_URL.rstrip("/") + path


def _ages(year_groups: list[int]) -> tuple[int | None, int | None]:
    """Pupils in year N are aged N + 4 at the start of the year and N + 5 by its end."""
    if not year_groups:
        return None, None
    return min(year_groups) + 4, max(year_groups) + 5


def _days(days: Decimal) -> str:
    text = f"{days.normalize():f}"
    return f"{text} day{'s' if days != 1 else ''} a week"


def _describe(course: Course) -> str:
    parts = [f"{course.programme.name} course"]
    if course.qualification:
        parts.append(
            f"leading to {course.qualification}" + (f" ({course.level})" if course.level else "")
        )
    text = " ".join(parts) + "."
    text += f" {_days(course.days_per_week).capitalize()} for {course.weeks} weeks."
    if course.year_groups:
        text += " For students in years " + ", ".join(str(y) for y in course.year_groups) + "."
    text += " Schools apply through the Coventry Alternative Provision (CAP) team."
    return text


def _organization(record: ProviderRecord | None, organisation) -> dict:
    org_id = str(organisation.uuid)
    data = {
        "id": org_id,
        "name": organisation.name,
        "description": (record.description if record and record.description else organisation.name),
    }
    if record and record.email:
        data["email"] = record.email
    if record and record.website:
        data["website"] = record.website
    identifiers = []
    if organisation.ukprn:
        identifiers.append(("GB-UKPRN", "UKPRN", organisation.ukprn))
    if organisation.urn:
        identifiers.append(("GB-URN", "URN", organisation.urn))
    if record and record.company_number:
        identifiers.append(("GB-COH", "Companies House number", record.company_number))
    data["organization_identifiers"] = [
        {
            "id": _id(org_id, scheme),
            "organization_id": org_id,
            "identifier_scheme": scheme,
            "identifier_type": kind,
            "identifier": value,
        }
        for scheme, kind, value in identifiers
    ]
    return data


def _location(site: Site) -> dict:
    location_id = str(site.uuid)
    return {
        "id": location_id,
        "location_type": "physical",
        "name": site.name,
        "addresses": [
            {
                "id": _id(location_id, "address"),
                "location_id": location_id,
                "address_1": site.address,
                "city": site.town,
                "state_province": REGION,
                "postal_code": site.postcode,
                "country": "GB",
                "address_type": "physical",
            }
        ],
    }


def _assured(record: ProviderRecord | None) -> dt.date | None:
    reviews = list(record.reviews.all()) if record else []
    return max((r.held_on for r in reviews), default=None)


def service_summary(course: Course) -> dict:
    """A course as an item of the service list: one-to-one fields only."""
    record = getattr(course.provider, "provider_record", None)
    minimum, maximum = _ages(course.year_groups)
    data = {
        "id": str(course.uuid),
        "organization_id": str(course.provider.uuid),
        "name": course.title,
        "description": _describe(course),
        "url": _absolute(reverse("quality:course", args=[course.uuid])),
        "status": "active",
        "assurer_email": settings.CAP_TEAM_EMAIL,
    }
    if record and record.email:
        data["email"] = record.email
    if minimum is not None:
        data["minimum_age"] = minimum
        data["maximum_age"] = maximum
    assured = _assured(record)
    if assured:
        data["assured_date"] = assured.isoformat()
    if course.qualification:
        data["accreditations"] = course.qualification
    return data


def service_full(course: Course) -> dict:
    """A course as a fully nested service."""
    record = getattr(course.provider, "provider_record", None)
    service_id = str(course.uuid)
    data = service_summary(course)
    data["organization"] = _organization(record, course.provider)
    sites = list(record.sites.all()) if record else []
    data["service_at_locations"] = [
        {
            "id": _id(service_id, site.uuid),
            "service_id": service_id,
            "location_id": str(site.uuid),
            "location": _location(site),
        }
        for site in sites
    ]
    if course.fee is not None:
        data["cost_options"] = [
            {
                "id": _id(service_id, "fee"),
                "service_id": service_id,
                "option": "Course fee, paid by the referring school",
                "amount": float(course.fee),
                "amount_description": "For one student for the whole course, in pounds",
                "valid_from": course.programme.year.starts_on.isoformat(),
                "valid_to": course.programme.year.ends_on.isoformat(),
            }
        ]
    data["schedules"] = [
        {
            "id": _id(service_id, "schedule"),
            "service_id": service_id,
            "freq": "WEEKLY",
            "interval": 1,
            "valid_from": course.programme.year.starts_on.isoformat(),
            "valid_to": course.programme.year.ends_on.isoformat(),
            "description": f"{_days(course.days_per_week).capitalize()} for {course.weeks} weeks, "
            "in school terms",
            "attending_type": "in person",
        }
    ]
    programme_id = str(course.programme.uuid)
    data["attributes"] = [
        {
            "id": _id(service_id, programme_id),
            "link_id": service_id,
            "taxonomy_term_id": programme_id,
            "link_type": "service",
            "taxonomy_term": {
                "id": programme_id,
                "name": course.programme.name,
                "description": course.programme.summary or course.programme.name,
                "taxonomy": TAXONOMY,
            },
        }
    ]
    return data


def with_feed_relations(courses):
    """The related rows the feed reads, in a fixed number of queries."""
    return courses.select_related("programme__year", "provider__provider_record").prefetch_related(
        Prefetch(
            "provider__provider_record__sites", queryset=Site.objects.order_by("-is_main", "name")
        ),
        Prefetch(
            "provider__provider_record__reviews",
            queryset=Review.objects.only("id", "provider_id", "held_on"),
        ),
    )


def page_of(items: list[dict], *, total: int, page: int, per_page: int) -> dict:
    pages = max(1, math.ceil(total / per_page))
    return {
        "total_items": total,
        "total_pages": pages,
        "page_number": page,
        "size": len(items),
        "first_page": page == 1,
        "last_page": page >= pages,
        "empty": total == 0,
        "contents": items,
    }


def api_info() -> dict:
    return {"version": HSDS_VERSION, "profile": PROFILE_URL, "openapi_url": OPENAPI_URL}
