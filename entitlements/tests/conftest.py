from types import SimpleNamespace

import pytest

from accounts.models import Role
from accounts.tests.factories import member
from entitlements.tests.factories import (
    AllocationFactory,
    benefits_of,
    subscribe,
    year_2026_27,
)
from students.tests.factories import StudentFactory


@pytest.fixture
def world(cast):
    """2026-27 with its benefits; School A subscribes, School B does not; a weekly SEMHL
    practitioner and the confidential one-to-ones allocated to School A."""
    year = year_2026_27()
    benefits = benefits_of(year)
    subscription = subscribe(cast.school_a, year)
    semhl = AllocationFactory(
        subscription=subscription,
        benefit=benefits["semhl-practitioner"],
        weekday=1,
        allocated_by=cast.officer,
    )
    one_to_ones = AllocationFactory(
        subscription=subscription,
        benefit=benefits["collaborative-leadership"],
        given_by="Pat Leader",
        allocated_by=cast.manager,
    )
    return SimpleNamespace(
        year=year,
        benefits=benefits,
        subscription=subscription,
        semhl=semhl,
        one_to_ones=one_to_ones,
        student_a=StudentFactory(home_school=cast.school_a),
        student_b=StudentFactory(home_school=cast.school_b),
        headteacher_b=member(cast.school_b, Role.HEADTEACHER),
    )
