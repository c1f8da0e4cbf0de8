"""One small form for each step of the provider route after submission. Each carries the
version it was shown at (forms.VersionedForm); the services check dates and permissions."""

from django import forms

from applications.models import ProviderDeclineReason
from lib.forms import DateField, VersionedForm


def _text(label: str, required_message: str, *, hint: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": required_message,
            "max_length": f"{label} must be 2,000 characters or fewer",
        },
    )


class ConfirmForm(VersionedForm):
    """A step with nothing to type: accept, interview held, set up the placement."""


class QuestionForm(VersionedForm):
    question = _text(
        "Your question for the school",
        "Enter your question for the school",
        hint="The school sees this and answers it before the application comes back to you.",
    )


class AnswerForm(VersionedForm):
    answer = _text("Your answer", "Enter your answer to the CAP team's question")


class PanelAnswerForm(VersionedForm):
    answer = _text("Your answer", "Enter your answer to the panel's question")


class ReasonForm(VersionedForm):
    reason = _text("Reason", "Enter the reason")


class PackForm(VersionedForm):
    sections = forms.MultipleChoiceField(
        label="Which parts of the application go in the pack?",
        help_text="The provider sees only these, and the documents you choose.",
        widget=forms.CheckboxSelectMultiple,
        choices=[],
        error_messages={
            "required": "Select the parts of the application to send",
            "invalid_choice": "Select the parts of the application to send",
        },
    )
    documents = forms.ModelMultipleChoiceField(
        label="Which documents go in the pack?",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "Select documents from the list"},
    )
    note = forms.CharField(
        label="Note for the provider (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "The note must be 2,000 characters or fewer"},
    )

    def __init__(self, *args, sections, documents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sections"].choices = sections
        self.fields["documents"].queryset = documents
        self.fields["documents"].label_from_instance = lambda d: (
            f"{d.filename} ({d.checklist_item.name if d.checklist_item else 'other'})"
        )


class InterviewForm(VersionedForm):
    on = DateField(label="Interview date", help_text="For example, 14 1 2027")
    details = forms.CharField(
        label="Time, place and who will be there",
        max_length=300,
        error_messages={
            "required": "Enter the time, place and who will be there",
            "max_length": "Keep the details to 300 characters or fewer",
        },
    )


class StartDateForm(VersionedForm):
    start_on = DateField(label="Start date", help_text="For example, 18 1 2027")


class ProviderDeclineForm(VersionedForm):
    reason = forms.ChoiceField(
        label="Why can you not offer a place?",
        choices=ProviderDeclineReason.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select why you cannot offer a place",
            "invalid_choice": "Select why you cannot offer a place",
        },
    )
    detail = _text("More about the reason", "Say more about the reason")


class AssignForm(forms.Form):
    officer = forms.ModelChoiceField(
        label="Assign to",
        queryset=None,
        required=False,
        empty_label="Nobody",
        error_messages={"invalid_choice": "Select a CAP officer from the list"},
    )

    def __init__(self, *args, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = officers


class AlternativesForm(VersionedForm):
    alternatives = _text(
        "Alternatives explored with the school",
        "Enter the alternatives explored with the school",
        hint="What else was considered for the student, and what the school will do next.",
    )


class CohortForm(VersionedForm):
    cohort = forms.ModelChoiceField(
        label="Cohort",
        queryset=None,
        to_field_name="uuid",
        empty_label="Choose a cohort",
        error_messages={
            "required": "Choose the cohort with a free place",
            "invalid_choice": "Choose a cohort from the list",
        },
    )

    def __init__(self, *args, cohorts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = cohorts
        self.fields["cohort"].label_from_instance = lambda c: (
            f"{c.name}, from {c.starts_on:%-d %B %Y}"
        )


class PanelStartForm(VersionedForm):
    start_on = DateField(label="Start date", help_text="For example, 18 1 2027")
    days_per_week = forms.DecimalField(
        label="Days a week at the setting",
        min_value=0.5,
        max_value=5,
        max_digits=2,
        decimal_places=1,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-3"}),
        error_messages={
            "required": "Enter the days a week at the setting",
            "invalid": "Enter the days a week as a number, like 4 or 2.5",
            "min_value": "Days a week must be at least 0.5",
            "max_value": "Days a week must be 5 or fewer",
            "max_digits": "Enter the days a week as a number, like 4 or 2.5",
            "max_decimal_places": "Enter the days a week to one decimal place, like 2.5",
        },
    )
