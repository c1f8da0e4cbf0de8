"""Forms for linking an agency professional and for what they add to a review."""

from django import forms
from django.utils import timezone

from lib.forms import DateField, line_field, text_field
from students.models import AgencyLinkEnd, ConsentMethod

_PICK = "Select one of the options"


class AgencyLinkForm(forms.Form):
    professional_email = forms.EmailField(
        label="The professional’s e-mail address",
        help_text="The address they sign in to CAP with",
        error_messages={
            "required": "Enter the professional’s e-mail address",
            "invalid": "Enter an e-mail address in the correct format, like name@example.com",
        },
        widget=forms.EmailInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    consent_given_by = forms.CharField(
        label="Who gave consent",
        help_text="The parent’s or carer’s name and relationship to the student, for example "
        "Jane Smith, mother",
        max_length=150,
        error_messages={
            "required": "Enter who gave consent",
            "max_length": "Who gave consent must be 150 characters or fewer",
        },
    )
    consent_given_on = DateField(label="Date consent was given", help_text="For example, 27 3 2026")
    consent_method = forms.ChoiceField(
        label="How consent was given",
        choices=ConsentMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how consent was given", "invalid_choice": _PICK},
    )

    def clean_consent_given_on(self):
        value = self.cleaned_data["consent_given_on"]
        if value and value > timezone.localdate():
            raise forms.ValidationError("The date consent was given must be today or in the past")
        return value


class AgencyLinkEndForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why does the link end?",
        choices=[c for c in AgencyLinkEnd.choices if c[0] != AgencyLinkEnd.PLACEMENT_ENDED],
        widget=forms.RadioSelect,
        error_messages={"required": "Select why the link ends", "invalid_choice": _PICK},
    )


class ReviewNoteForm(forms.Form):
    text = text_field("Your note", "Enter your note", max_length=5000, rows=5)


class ReviewActionForm(forms.Form):
    text = text_field("The action", "Enter the action", max_length=5000, rows=3)
    owner = line_field("Who will do it", "Enter who will do it")
    due_on = DateField(label="Date it is due by")

    def clean_due_on(self):
        value = self.cleaned_data["due_on"]
        if value and value < timezone.localdate():
            raise forms.ValidationError("The date it is due by must be today or in the future")
        return value
