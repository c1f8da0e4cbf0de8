"""The forms of the subject access pages."""

from django import forms

from lib.forms import DateField
from privacy.models import Requester
from students.models import Student


class StudentSearchForm(forms.Form):
    """Find the student by name or UPN, and date of birth (sent with GET)."""

    q = forms.CharField(
        label="Name or UPN",
        required=False,
        max_length=100,
        help_text="Part of their name, or their whole UPN",
    )
    date_of_birth = DateField(
        label="Date of birth", required=False, help_text="For example, 4 3 2012"
    )

    def clean(self):
        data = super().clean()
        if not self.errors and not data.get("q", "").strip() and not data.get("date_of_birth"):
            self.add_error(
                "q", "Enter part of the student's name, their UPN or their date of birth"
            )
        return data


class SubjectAccessStartForm(forms.Form):
    student = forms.ModelChoiceField(
        label="Student",
        queryset=Student.objects.none(),
        to_field_name="uuid",
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Choose the student the request is about",
            "invalid_choice": "Choose the student the request is about",
        },
    )
    requester = forms.ChoiceField(
        label="Who asked",
        choices=Requester.choices,
        widget=forms.RadioSelect,
        help_text="Keep their name with the request's paperwork, not here",
        error_messages={"required": "Choose who asked"},
    )
    received_on = DateField(
        label="Date the request was received", help_text="For example, 1 12 2026"
    )

    def __init__(self, *args, students, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["student"].queryset = students
        self.fields["student"].label_from_instance = lambda s: (
            f"{s.legal_first_name} {s.legal_last_name}, born "
            f"{s.date_of_birth.day} {s.date_of_birth:%B %Y}, UPN {s.upn}, {s.home_school.name}"
        )


class SafeguardingDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Do you release this student's safeguarding content for this request?",
        choices=[
            ("release", "Yes, release it: the zip will include the concerns and their entries"),
            ("decline", "No, withhold it"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to release the safeguarding content"},
    )
