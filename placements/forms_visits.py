"""Forms for monitoring officers' visits: plan one; record it as having happened, or not."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from lib.forms import (
    ChoiceByUuid,
    DateField,
    TimeField,
    VersionedForm,
    choice_field,
    line_field,
    text_field,
)
from placements.models import VisitKind, VisitMissedReason


class VisitPlanForm(forms.Form):
    kind = choice_field("Kind of visit", VisitKind.choices, "Select the kind of visit")
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
    seen = line_field(
        "Who was seen",
        "Enter who was seen",
        max_length=300,
        hint="For example, the student, their tutor and the setting's lead",
    )
    findings = text_field("What was found", "Enter what was found", max_length=5000, rows=6)
    next_steps = text_field("Next steps", "", required_field=False, hint="Optional")
    next_steps_owner = line_field(
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
    reason = choice_field(
        "Why did the visit not happen?",
        VisitMissedReason.choices,
        "Select why the visit did not happen",
    )
    note = text_field(
        "More about why",
        "",
        required_field=False,
        rows=3,
        hint='Needed if you chose "Another reason"',
    )

    def clean(self):
        data = super().clean()
        if data.get("reason") == VisitMissedReason.OTHER and not (data.get("note") or "").strip():
            self.add_error("note", "Enter why the visit did not happen")
        return data
