"""Demo network and training events: a CAP Coordinators' network meeting held a fortnight
ago, with the places two schools booked and who came; and the 'When the Adults Change'
training day ahead, for subscribing schools only, with one place booked. Safe to run
again. Demo only."""

import datetime as dt

from django.utils import timezone

from accounts.models import Organisation
from audit.services import event_record
from demo.people import SCHOOL_A, SCHOOL_B, demo_user
from events import services
from events.models import Attendance, Booking, Event, EventKind
from events.selectors import year_of

NETWORK = "CAP Coordinators' network meeting"
TRAINING = "When the Adults Change: training day"


def load_demo_events() -> None:
    if Event.objects.filter(title__in=[NETWORK, TRAINING]).exists():
        return
    officer = demo_user("officer")
    today = timezone.localdate()
    school_a = Organisation.objects.get(urn=SCHOOL_A)
    school_b = Organisation.objects.get(urn=SCHOOL_B)

    # Held a fortnight ago: made as it was then (no service books a place in the past).
    held_on = today - dt.timedelta(days=14)
    year = year_of(held_on)
    if year is not None:
        network = Event.objects.create(
            year=year,
            title=NETWORK,
            kind=EventKind.NETWORK_MEETING,
            description="Termly updates from the CAP team and sharing what works.",
            audience="Behaviour Leads, Pastoral Leads, SENDCos and CAP Coordinators",
            date=held_on,
            starts_at=dt.time(9, 30),
            ends_at=dt.time(11, 30),
            venue="Council House, Earl Street, Coventry CV1 5RR",
            online=True,
            places=30,
            booking_closes_on=held_on - dt.timedelta(days=3),
            created_by=officer,
        )
        event_record(actor=officer, action="event.create", obj=network, detail={"demo": True})
        for school, name, attended in (
            (school_a, "coordinator", Attendance.ATTENDED),
            (school_b, "coordinator.b", Attendance.DID_NOT_ATTEND),
        ):
            person = demo_user(name)
            Booking.objects.create(
                event=network,
                school=school,
                attendee=person,
                attendee_name=person.full_name,
                attendee_email=person.email,
                booked_by=person,
                attendance=attended,
                attendance_recorded_at=timezone.now(),
                attendance_recorded_by=officer,
            )

    day = today + dt.timedelta(days=24)
    if year_of(day) is None:
        return
    training = services.event_create(
        data={
            "title": TRAINING,
            "kind": EventKind.TRAINING,
            "description": (
                "A day's training for the staff who support students returning from "
                "alternative provision: relationships, routines and what changes for them."
            ),
            "audience": "Pastoral Leads, SENDCos and CAP Coordinators",
            "date": day,
            "starts_at": dt.time(9, 0),
            "ends_at": dt.time(15, 30),
            "venue": "Coventry AP Academy, training room",
            "online": False,
            "places": 24,
            "subscribers_only": True,
            "booking_closes_on": day - dt.timedelta(days=7),
        },
        by=officer,
    )
    headteacher = demo_user("headteacher")
    services.booking_create(
        event=training, school=school_a, by=demo_user("coordinator"), attendee=headteacher
    )
