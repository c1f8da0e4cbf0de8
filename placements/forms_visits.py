"""Forms for monitoring officers' visits: plan one; record it as having happened, or not."""

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from lib.forms import ChoiceByUuid, DateField, VersionedForm
from placements.forms import _choice, _line, _text
from placements.models import VisitKind, VisitMissedReason

_TIME = re.compile(r"^\s*(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?\s*$", re.IGNORECASE)


class TimeField(forms.Field):
    """A time of day typed as people write it: 9am, 9:30am, 2.15pm or 14:30."""

    widget = forms.TextInput(attrs={"class": "govuk-input--width-5", "autocomplete": "off"})

    def to_python(self, value):
        text = str(value or "").strip()
        if not text:
            return None
        match = _TIME.match(text[:20])
        message = f"Enter the {self.label.lower()} like 9:30am or 2pm"
        if not match:
            raise ValidationError(message)
        hour, minute, half = int(match[1]), int(match[2] or 0), (match[3] or "").lower()
        if half:
            if not 1 <= hour <= 12:
                raise ValidationError(message)
            hour = hour % 12 + (12 if half == "pm" else 0)
        if hour > 23 or minute > 59:
            raise ValidationError(message)
        return dt.time(hour, minute)


class VisitPlanForm(forms.Form):
    kind = _choice("Kind of visit", VisitKind.choices, "Select the kind of visit")
    planned_on = DateField(label="Date of the visit", help_text="For example, 27 3 2026")
    planned_time = TimeField(
        label="Time", required=False, help_text="Optional. For example, 9:30am or 2pm"
    )
    officer = ChoiceByUuid(
        label="Officer making the visit",
        queryset=None,
        empty_label="Choose an officer",
        error_messages={
            "required": "Select the officer making the visit",
            "invalid_choice": "Select an officer from the list",
        },
    )

    def __init__(self, *args, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = officers
        self.fields["officer"].label_from_instance = lambda user: user.full_name

    def clean_planned_on(self):
        day = self.cleaned_data.get("planned_on")
        if day and day < timezone.localdate():
            raise ValidationError("The date of the visit must be today or in the future")
        return day


class VisitRecordForm(VersionedForm):
    happened_on = DateField(label="Date of the visit", help_text="For example, 27 3 2026")
    seen = _line(
        "Who was seen",
        "Enter who was seen",
        max_length=300,
        hint="For example, the student, their tutor and the setting's lead",
    )
    findings = _text("What was found", "Enter what was found", max_length=5000, rows=6)
    next_steps = _text("Next steps", "", required_field=False, hint="Optional")
    next_steps_owner = _line(
        "Who will do them", "", required_field=False, hint="Optional. A name or a role"
    )
    next_steps_due_on = DateField(
        label="By when", required=False, help_text="Optional. For example, 27 3 2026"
    )

    def clean_happened_on(self):
        day = self.cleaned_data.get("happened_on")
        if day and day > timezone.localdate():
            raise ValidationError("The date of the visit must be today or in the past")
        return day

    def clean(self):
        data = super().clean()
        steps = (data.get("next_steps") or "").strip()
        if not steps and (
            (data.get("next_steps_owner") or "").strip() or data.get("next_steps_due_on")
        ):
            self.add_error("next_steps", "Enter the next steps, or leave who and by when empty")
        on, due_on = data.get("happened_on"), data.get("next_steps_due_on")
        if on and due_on and due_on < on:
            self.add_error(
                "next_steps_due_on", "The next steps must be due on or after the date of the visit"
            )
        return data


class VisitMissedForm(VersionedForm):
    reason = _choice(
        "Why did the visit not happen?",
        VisitMissedReason.choices,
        "Select why the visit did not happen",
    )
    note = _text(
        "More about why", "", required_field=False, rows=3, hint="Needed for another reason"
    )

    def clean(self):
        data = super().clean()
        if data.get("reason") == VisitMissedReason.OTHER and not (data.get("note") or "").strip():
            self.add_error("note", "Enter why the visit did not happen")
        return data
