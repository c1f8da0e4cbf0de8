"""Forms for events, bookings and attendance, with GOV.UK error messages."""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError

from events.models import Attendance, EventKind
from lib.forms import DateField, TimeField, VersionedForm

YES_NO = [("yes", "Yes"), ("no", "No")]


class EventForm(VersionedForm):
    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Enter the title"}
    )
    kind = forms.ChoiceField(
        label="Kind of event",
        choices=EventKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the kind of event",
            "invalid_choice": "Select the kind of event",
        },
    )
    description = forms.CharField(
        label="Description",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What the event covers, and anything to bring or prepare",
    )
    audience = forms.CharField(
        label="Who it is for",
        required=False,
        max_length=300,
        help_text="For example, Behaviour Leads, Pastoral Leads, SENDCos and CAP Coordinators",
    )
    date = DateField(label="Date of the event", help_text="For example, 27 3 2027")
    starts_at = TimeField(label="Start time", help_text="For example, 9:30am or 2pm")
    ends_at = TimeField(label="End time", help_text="For example, 12:30pm")
    venue = forms.CharField(
        label="Venue",
        required=False,
        max_length=300,
        help_text="The place and its address. Leave it empty for an event only online",
    )
    online = forms.BooleanField(label="People can join online", required=False)
    places = forms.IntegerField(
        label="Number of places",
        min_value=1,
        max_value=1000,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-4", "inputmode": "numeric"}),
        error_messages={
            "required": "Enter the number of places",
            "invalid": "The number of places must be a whole number, like 30",
            "min_value": "The number of places must be 1 or more",
            "max_value": "The number of places must be 1,000 or fewer",
        },
    )
    subscribers_only = forms.ChoiceField(
        label="Is it only for schools that subscribe to the service level agreement?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select yes if the event is only for subscribing schools",
            "invalid_choice": "Select yes if the event is only for subscribing schools",
        },
    )
    booking_closes_on = DateField(
        label="Booking closes on",
        error_messages={"required": "Enter the last day schools can book a place"},
        help_text="The last day schools can book a place. For example, 20 3 2027",
    )

    def __init__(self, *args, new: bool, today: dt.date, booked: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.new, self.today, self.booked = new, today, booked
        if new:  # a new event has no version to check
            self.fields["version"].required = False

    def clean_date(self):
        day = self.cleaned_data.get("date")
        if day and self.new and day < self.today:
            raise ValidationError("The date of the event must be today or in the future")
        return day

    def clean_booking_closes_on(self):
        day = self.cleaned_data.get("booking_closes_on")
        if day and self.new and day < self.today:
            raise ValidationError("Booking must close today or in the future")
        return day

    def clean_places(self):
        places = self.cleaned_data.get("places")
        if places is not None and places < self.booked:
            raise ValidationError(
                f"The number of places cannot be fewer than the {self.booked} already booked"
            )
        return places

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", "The end time must be after the start time")
        day, closes = data.get("date"), data.get("booking_closes_on")
        if day and closes and closes > day:
            self.add_error(
                "booking_closes_on", "Booking must close on or before the date of the event"
            )
        if "venue" in data and not data["venue"].strip() and not data.get("online"):
            self.add_error("venue", "Enter the venue, or say the event is online")
        if "subscribers_only" in data:
            data["subscribers_only"] = data["subscribers_only"] == "yes"
        return data


SOMEONE_ELSE = "someone-else"


class BookingForm(forms.Form):
    person = forms.ChoiceField(
        label="Who is coming?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select who is coming",
            "invalid_choice": "Select who is coming",
        },
    )
    name = forms.CharField(
        label="Their full name",
        required=False,
        max_length=150,
        help_text="If it is someone else",
    )
    email = forms.EmailField(
        label="Their e-mail address",
        required=False,
        max_length=254,
        help_text="If it is someone else. We send word of changes to the event here",
        error_messages={
            "invalid": "Enter an e-mail address in the correct format, like name@example.com"
        },
    )

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [
            *((str(u.uuid), f"{u.full_name} ({u.email})") for u in staff),
            (SOMEONE_ELSE, "Someone else"),
        ]

    def clean(self):
        data = super().clean()
        if data.get("person") == SOMEONE_ELSE:
            if not data.get("name", "").strip():
                self.add_error("name", "Enter the name of the person attending")
            if not data.get("email") and "email" not in self.errors:
                self.add_error("email", "Enter the e-mail address of the person attending")
        return data


class AttendanceForm(forms.Form):
    """One choice for each place booked: attended or did not attend."""

    def __init__(self, *args, bookings, **kwargs):
        super().__init__(*args, **kwargs)
        self.bookings = bookings
        for booking in bookings:
            self.fields[f"b-{booking.uuid}"] = forms.ChoiceField(
                label=f"{booking.attendee_name}, {booking.school.name}",
                choices=Attendance.choices,
                initial=booking.attendance or None,
                widget=forms.RadioSelect(attrs={"class": "govuk-radios--inline"}),
                error_messages={
                    "required": f"Select whether {booking.attendee_name} attended",
                    "invalid_choice": f"Select whether {booking.attendee_name} attended",
                },
            )

    def marks(self) -> dict[str, str]:
        return {name.removeprefix("b-"): value for name, value in self.cleaned_data.items()}
