"""The demo: a network meeting held, with who came, and a training day ahead for
subscribing schools; loading again adds nothing."""

import io

from django.core.management import call_command

from accounts.models import Organisation
from applications.tests.factories import load_model
from demo.events import NETWORK, TRAINING
from demo.people import SCHOOL_A
from events.models import Attendance, Booking, Event
from events.selectors import school_attendance


def test_the_demo_has_a_network_meeting_held_and_a_training_day_ahead(db, settings):
    load_model()
    settings.CAP_DEMO_MODE = True
    call_command("load_demo", stdout=io.StringIO())
    network, training = Event.objects.get(title=NETWORK), Event.objects.get(title=TRAINING)
    assert training.subscribers_only and training.bookings.count() == 1
    assert set(network.bookings.values_list("attendance", flat=True)) == {
        Attendance.ATTENDED,
        Attendance.DID_NOT_ATTEND,
    }
    assert school_attendance(Organisation.objects.get(urn=SCHOOL_A), network.year) == 1
    bookings = Booking.objects.count()
    call_command("load_demo", stdout=io.StringIO())
    assert (Event.objects.count(), Booking.objects.count()) == (2, bookings)
