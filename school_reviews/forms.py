"""Forms for the school review meetings. Each error reads the GOV.UK way and sits beside its
field; the services check the rest (the date in the term, a due date not before the
meeting) and the views show their refusals beside the field they name."""

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError

from lib.forms import DateField, VersionedForm


def _text(label: str, required: str, *, max_length=5000, rows=4, required_field=True, hint=""):
    return forms.CharField(
        label=label,
        help_text=hint,
        max_length=max_length,
        required=required_field,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": required,
            "max_length": f"{label} must be {max_length:,} characters or fewer",
        },
    )


def _line(label: str, required: str, *, max_length=200, required_field=True, hint=""):
    return forms.CharField(
        label=label,
        help_text=hint,
        max_length=max_length,
        required=required_field,
        error_messages={
            "required": required,
            "max_length": f"{label} must be {max_length} characters or fewer",
        },
    )


_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$")


class TimeOfDayField(forms.Field):
    """A time as people write it: 10am, 1:30pm, 13:30."""

    widget = forms.TextInput

    def __init__(self, *, label: str, **kwargs):
        kwargs.setdefault("error_messages", {}).setdefault("required", f"Enter the {label.lower()}")
        super().__init__(label=label, **kwargs)
        self.widget.attrs.update({"class": "govuk-input--width-5"})

    def prepare_value(self, value):
        if isinstance(value, dt.time):
            hour = value.hour % 12 or 12
            suffix = "am" if value.hour < 12 else "pm"
            return f"{hour}{suffix}" if value.minute == 0 else f"{hour}:{value.minute:02d}{suffix}"
        return value

    def to_python(self, value):
        if isinstance(value, dt.time):
            return value
        text = str(value or "").strip().lower().replace(" ", "")
        if not text:
            return None
        match = _TIME.match(text[:10])
        wrong = ValidationError(f"Enter the {self.label.lower()} like 10am, 1:30pm or 13:30")
        if not match:
            raise wrong
        hour, minute, suffix = int(match[1]), int(match[2] or 0), match[3]
        if minute > 59:
            raise wrong
        if suffix:
            if not 1 <= hour <= 12:
                raise wrong
            hour = hour % 12 + (12 if suffix == "pm" else 0)
        elif hour > 23 or match[2] is None:
            raise wrong
        return dt.time(hour, minute)


class MeetingForm(forms.Form):
    held_on = DateField(label="Date of the meeting", help_text="For example, 27 3 2026")
    starts_at = TimeOfDayField(label="Time", help_text="For example, 10am or 1:30pm")
    place = _line("Where", "Enter where the meeting is held", hint="For example, the school")
    attendees = _text(
        "Who attends",
        "Enter who attends",
        max_length=2000,
        rows=3,
        hint="Names and roles, one a line",
    )


class MeetingEditForm(VersionedForm, MeetingForm):
    pass


class MinutesForm(VersionedForm):
    minutes = _text("Minutes", "Enter the minutes", max_length=20000, rows=12)


class NotesForm(VersionedForm):
    notes = _text(
        "Minutes about this student",
        "Enter the minutes about this student",
        max_length=5000,
        rows=6,
    )


class ConfirmForm(VersionedForm):
    """A button that changes the meeting (share, refresh the agenda): only the version."""


SOMEONE_ELSE = "else"


class ActionForm(forms.Form):
    text = _text("Action", "Enter the action", max_length=500, rows=3)
    owner = forms.ChoiceField(
        label="Owner",
        help_text="Someone at the school or in the CAP team, or someone else named below",
        error_messages={"required": "Choose the owner", "invalid_choice": "Choose the owner"},
    )
    owner_name = _line(
        "Owner's name",
        "",
        max_length=150,
        required_field=False,
        hint="Only for someone else",
    )
    owner_organisation_name = _line(
        "Owner's organisation",
        "",
        max_length=150,
        required_field=False,
        hint="Only for someone else",
    )
    due_on = DateField(label="Due date", help_text="For example, 27 3 2026")

    def __init__(self, *args, people: list[tuple[int, int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {
            f"{user}-{organisation}": (user, organisation) for user, organisation, _ in people
        }
        self.fields["owner"].choices = [
            ("", "Choose the owner"),
            *((f"{user}-{organisation}", words) for user, organisation, words in people),
            (SOMEONE_ELSE, "Someone else"),
        ]

    def clean(self):
        data = super().clean()
        owner = data.get("owner")
        data["owner_ids"] = self.people.get(owner) if owner else None
        if owner == SOMEONE_ELSE:
            if not data.get("owner_name") and "owner_name" not in self.errors:
                self.add_error("owner_name", "Enter the owner's name")
            if (
                not data.get("owner_organisation_name")
                and "owner_organisation_name" not in self.errors
            ):
                self.add_error("owner_organisation_name", "Enter the owner's organisation")
        return data
