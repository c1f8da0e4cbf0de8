"""Forms for the money pages."""

from django import forms

from finance.models import Party
from programmes.models import Term

PARTY_CHOICES = [
    ("", "Schools and providers"),
    (Party.SCHOOL, "Schools"),
    (Party.PROVIDER, "Providers"),
]


class StatementFilterForm(forms.Form):
    """Which term's statements the list shows, and whose."""

    term = forms.ModelChoiceField(
        label="Term",
        queryset=Term.objects.none(),
        empty_label=None,
        required=False,  # left out, the list shows the term that ended last
        error_messages={"invalid_choice": "Select a term from the list"},
    )
    party = forms.ChoiceField(
        label="Statements for",
        choices=PARTY_CHOICES,
        required=False,
        error_messages={"invalid_choice": "Select schools, providers, or both"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Newest first, each labelled with its year ("Autumn term 2025-26") in one query.
        self.fields["term"].queryset = Term.objects.select_related("year").order_by("-starts_on")


class StatementRunForm(forms.Form):
    """The button that issues a term's statements: the term rides in a hidden field."""

    term = forms.ModelChoiceField(
        queryset=Term.objects.all(),
        widget=forms.HiddenInput,
        error_messages={
            "required": "Select the term to issue statements for",
            "invalid_choice": "That term no longer exists: select a term from the list",
        },
    )


class StatementCorrectionForm(forms.Form):
    reason = forms.CharField(
        label="Why is the statement being corrected?",
        help_text=(
            "The school or provider reads this on the new statement, for example "
            "“The catering fee was agreed at £850.00”. Do not name a student."
        ),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter why the statement is being corrected",
            "max_length": "The reason must be 2,000 characters or fewer",
        },
    )
