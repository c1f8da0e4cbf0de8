"""The demo's entitlements: Finham Park's practitioner, mentor and one-to-ones this year,
with deliveries, a cancellation and a missed week; loading again adds nothing."""

import io

import pytest
from django.core.management import call_command

from applications.tests.factories import REFERENCE
from demo.entitlements import load_demo_entitlements
from demo.people import SCHOOL_A
from entitlements.models import Allocation, Delivery
from entitlements.selectors import rows_for
from programmes.selectors import year_current


@pytest.fixture
def demo(db, settings):
    settings.CAP_DEMO_MODE = True
    call_command("load_model", str(REFERENCE), flagged=True, stderr=io.StringIO())
    call_command("rollover_year", "2025-26", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())


def test_the_demo_school_has_its_entitlements_this_year(demo):
    allocations = list(
        Allocation.objects.filter(
            subscription__school__urn=SCHOOL_A, subscription__year=year_current()
        ).select_related("benefit__year", "subscription")
    )
    assert sorted(a.benefit.key for a in allocations) == [
        "collaborative-leadership",
        "semhl-practitioner",
        "yjs-mentor",
    ]
    semhl = next(a for a in allocations if a.benefit.key == "semhl-practitioner")
    (row,) = rows_for([semhl])
    assert row.delivered >= 1
    assert Delivery.objects.filter(allocation=semhl, status="cancelled").count() <= 1
    assert load_demo_entitlements() == 0
    assert Allocation.objects.count() == len(allocations)
