"""The audit trail's search form (sent with GET)."""

from django import forms

from lib.forms import DateField
from privacy.audit_search import Filters, record_types_for, resolve_student


class AuditSearchForm(forms.Form):
    person = forms.CharField(
        label="Person",
        required=False,
        max_length=150,
        help_text="Part of their name, or their e-mail address",
    )
    action = forms.CharField(
        label="Action",
        required=False,
        max_length=80,
        help_text="Part of the action's name, such as downloaded or document",
    )
    student = forms.CharField(
        label="Student's UPN or application reference",
        required=False,
        max_length=20,
        help_text="Finds the events about the student, their applications and placements",
    )
    record_type = forms.ChoiceField(label="Kind of record", required=False)
    record_id = forms.CharField(
        label="Record's identifier",
        required=False,
        max_length=64,
        help_text="As the events list it",
    )
    since = DateField(label="From", required=False, help_text="For example, 1 12 2026")
    until = DateField(label="To", required=False, help_text="For example, 6 12 2026")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["record_type"].choices = [("", "Any kind"), *record_types_for(user).items()]
        self.resolved_student = None

    def clean_student(self):
        text = self.cleaned_data["student"].strip()
        if text:
            self.resolved_student = resolve_student(text)
            if self.resolved_student is None:
                raise forms.ValidationError(
                    "No student has this UPN, and no application this reference"
                )
        return text

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", "The ‘To’ date must be the same as or after the ‘From’ date")
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            person=data.get("person", ""),
            action=data.get("action", ""),
            record_type=data.get("record_type", ""),
            record_id=data.get("record_id", ""),
            student=data.get("student", ""),
            since=data.get("since"),
            until=data.get("until"),
        )
