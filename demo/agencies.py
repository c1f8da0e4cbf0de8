"""Demo agency links: the Early Help worker is linked to two students of the school whose
students were placed (load_demo_placements), with their parents' consent: one by the
school's CAP coordinator, one by the CAP officer; she has added a note to the first
student's review meeting. Made through the services, as the pages make them."""

import datetime as dt

from django.utils import timezone

from demo.people import demo_user
from placements.models import Placement, Review
from placements.services_reviews import review_note_add
from students.models import AgencyLink, ConsentMethod
from students.services import agency_link_create


def load_demo_agencies() -> int:
    if AgencyLink.objects.exists():
        return 0
    worker = demo_user("early.help")
    officer = demo_user("officer")
    coordinator = demo_user("coordinator.b")
    placements = list(
        Placement.objects.filter(ended_on__isnull=True, home_school__memberships__user=coordinator)
        .select_related("student")
        .order_by("pk")[:2]
    )
    today = timezone.localdate()
    consents = [
        ("Mother, by her signature on the Early Help consent form", ConsentMethod.IN_WRITING, 20),
        ("Father, at the team around the family meeting", ConsentMethod.IN_PERSON, 6),
    ]
    made = 0
    for placement, (given_by, method, days_ago), by in zip(
        placements, consents, (coordinator, officer), strict=False
    ):
        agency_link_create(
            student=placement.student,
            professional=worker,
            consent_given_by=given_by,
            consent_given_on=today - dt.timedelta(days=days_ago),
            consent_method=method,
            by=by,
        )
        made += 1
    review = Review.objects.filter(placement__in=placements[:1]).order_by("-held_on", "-pk").first()
    if review is not None:
        review_note_add(
            review=review,
            text="Mum says mornings are easier since the Early Help family sessions began.",
            by=worker,
        )
    return made
