"""Forms for allocating a benefit and logging its deliveries. Whether a school subscribes,
and whether a student is on its roll, are the services' to say (lib.errors.Refused names
the field); these forms check what was typed."""

from django import forms
from django.core.exceptions import ValidationError

from entitlements.models import Weekday
from lib import upn
from lib.forms import ChoiceByUuid, DateField, LongSelect
from students.models import Student

# The most students one delivery names: a group session, not a year group.
MOST_STUDENTS = 30


def _student_by_upn(text: str) -> Student:
    value = upn.normalise(text)
    student = Student.objects.filter(upn=value).first()
    if student is None:
        raise ValidationError(f"No student with the UPN {text.strip()} is on CAP's records")
    return student


class AllocationForm(forms.Form):
    school = ChoiceByUuid(
        label="School",
        queryset=None,
        widget=LongSelect,
        help_text="Only schools that subscribe to the service level agreement for the year",
        empty_label="Select a school",
        error_messages={
            "required": "Select a school",
            "invalid_choice": "Select a school that subscribes for the year",
        },
    )
    benefit = ChoiceByUuid(
        label="Benefit",
        queryset=None,
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Select the benefit",
            "invalid_choice": "Select a benefit from the list",
        },
    )
    given_by = forms.CharField(
        label="Who gives it",
        help_text="The practitioner, mentor or worker, or the team",
        max_length=200,
        error_messages={
            "required": "Enter who gives it",
            "max_length": "Who gives it must be 200 characters or fewer",
        },
    )
    weekday = forms.TypedChoiceField(
        label="Day each week",
        help_text="For the SEMHL practitioner's half day a week",
        choices=Weekday.choices,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Select a day from Monday to Friday"},
    )
    student = forms.CharField(
        label="Student's UPN",
        help_text="For a mentor or a family worker: the student it is for",
        required=False,
        max_length=20,
        error_messages={"max_length": "Enter a UPN of 13 characters"},
    )
    starts_on = DateField(label="Start date", help_text="For example, 7 9 2026")
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "The note must be 2,000 characters or fewer"},
    )

    def __init__(self, *args, schools, benefits, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].queryset = schools
        self.fields["benefit"].queryset = benefits
        self.fields["benefit"].label_from_instance = lambda b: b.name

    def clean_student(self) -> Student | None:
        text = self.cleaned_data["student"].strip()
        return _student_by_upn(text) if text else None


class DeliveryForm(forms.Form):
    on = DateField(label="Date", help_text="For example, 27 11 2026")
    delivered_by = forms.CharField(
        label="Who delivered it",
        max_length=200,
        error_messages={
            "required": "Enter who delivered it",
            "max_length": "Who delivered it must be 200 characters or fewer",
        },
    )
    what = forms.CharField(
        label="What was done",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Enter what was done",
            "max_length": "What was done must be 5,000 characters or fewer",
        },
    )
    students = forms.CharField(
        label="Students (optional)",
        help_text="The UPN of each student it was for, one on each line",
        required=False,
        max_length=MOST_STUDENTS * 20,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": f"Enter at most {MOST_STUDENTS} UPNs"},
    )

    def clean_students(self) -> list[Student]:
        lines = [line.strip() for line in self.cleaned_data["students"].splitlines()]
        lines = [line for line in lines if line]
        if len(lines) > MOST_STUDENTS:
            raise ValidationError(f"Enter at most {MOST_STUDENTS} UPNs")
        return [_student_by_upn(line) for line in lines]


class CancellationForm(forms.Form):
    on = DateField(label="Date it was due", help_text="For example, 27 11 2026")
    reason = forms.CharField(
        label="Why it was cancelled",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter why it was cancelled",
            "max_length": "The reason must be 2,000 characters or fewer",
        },
    )


class EndForm(forms.Form):
    ends_on = DateField(label="Last day", help_text="For example, 18 12 2026")
