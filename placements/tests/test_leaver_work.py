"""A monitoring officer who leaves passes their open placements on (placements/hooks.py
registers them with accounts/leavers.py)."""

import datetime as dt

from accounts.leavers import leaver_record, open_work_of
from accounts.models import Role
from accounts.tests.factories import member
from audit.models import Event
from placements.tests.factories import make_placement, make_programme, make_terms


def test_a_monitoring_officers_open_placements_pass_on(cast):
    programme = make_programme(make_terms())
    placement = make_placement(
        programme=programme,
        provider=cast.provider,
        school=cast.school_a,
        by=cast.officer,
        monitoring_officer=cast.monitoring,
    )
    ended = make_placement(
        programme=programme,
        provider=cast.provider,
        school=cast.school_a,
        by=cast.officer,
        monitoring_officer=cast.monitoring,
    )
    ended.__class__.objects.filter(pk=ended.pk).update(ended_on=dt.date(2026, 1, 20))
    successor = member(cast.la, Role.MONITORING_OFFICER)
    [held] = open_work_of(cast.monitoring)
    assert held.work.key == "placements_monitored" and held.count == 1
    assert cast.alice not in held.candidates and successor in held.candidates

    moved = leaver_record(
        person=cast.monitoring, new_owners={"placements_monitored": successor}, by=cast.manager
    )

    assert moved == {"placements_monitored": 1}
    placement.refresh_from_db()
    ended.refresh_from_db()
    assert placement.monitoring_officer == successor
    assert ended.monitoring_officer == cast.monitoring
    assert Event.objects.filter(action="placement.updated", object_id=str(placement.uuid)).exists()
