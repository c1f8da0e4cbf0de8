"""A year (2026-27) with its terms, the agreement's benefits and subscriptions, for the
entitlements tests."""

import datetime as dt

import factory

from entitlements.models import Allocation, Delivery, DeliveryStatus
from programmes.models import AcademicYear, Benefit, Subscription, Term

D = dt.date


def year_2026_27() -> AcademicYear:
    year = AcademicYear.objects.create(
        name="2026-27", starts_on=D(2026, 9, 1), ends_on=D(2027, 8, 31)
    )
    for name, starts, ends, half in (
        ("Autumn term", D(2026, 9, 3), D(2026, 12, 18), (D(2026, 10, 26), D(2026, 10, 30))),
        ("Spring term", D(2027, 1, 4), D(2027, 3, 26), (D(2027, 2, 15), D(2027, 2, 19))),
        ("Summer term", D(2027, 4, 12), D(2027, 7, 21), (D(2027, 5, 31), D(2027, 6, 4))),
    ):
        Term.objects.create(
            year=year,
            name=name,
            starts_on=starts,
            ends_on=ends,
            half_term_starts_on=half[0],
            half_term_ends_on=half[1],
        )
    return year


BENEFITS = [
    {
        "key": "semhl-practitioner",
        "name": "SEMHL practitioner in school",
        "gives": "A SEMHL practitioner in school half a day per week.",
        "given_as": "practitioner_weekly",
        "frequency": "weekly",
        "length": "half a day",
    },
    {
        "key": "yjs-mentor",
        "name": "External mentor through the Youth Justice Service",
        "gives": "A funded external mentor for a student.",
        "given_as": "person_for_student",
        "tiers": [2, 3],
        "condition": "if appropriate",
    },
    {
        "key": "capa-outreach",
        "name": "Outreach support and training from the Coventry AP Academy",
        "gives": "Outreach support and training.",
        "given_as": "support_as_needed",
    },
    {
        "key": "collaborative-leadership",
        "name": "Collaborative leadership support",
        "gives": "Confidential one-to-ones for the headteacher.",
        "given_as": "one_to_ones",
        "confidential": True,
    },
    {
        "key": "network-and-training-events",
        "name": "Network and training events",
        "gives": "Network and training events.",
        "given_as": "event_places",
    },
]


def benefits_of(year: AcademicYear) -> dict[str, Benefit]:
    return {
        b["key"]: Benefit.objects.create(year=year, order=order, **b)
        for order, b in enumerate(BENEFITS)
    }


def subscribe(school, year) -> Subscription:
    return Subscription.objects.create(school=school, year=year, tier1_placements=15)


class AllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Allocation

    given_by = "Sam Practitioner"
    starts_on = D(2026, 9, 7)


class DeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Delivery

    status = DeliveryStatus.DELIVERED
    delivered_by = "Sam Practitioner"
    what = "Worked with the Year 9 group"
