"""Forms for oversight."""

from django import forms


class PanelReportForm(forms.Form):
    """Which panel's oversight report to make, and for which term of the current year."""

    panel = forms.ModelChoiceField(
        label="Panel",
        queryset=None,
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the panel", "invalid_choice": "Choose the panel"},
    )
    term = forms.ModelChoiceField(
        label="Term",
        queryset=None,
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the term", "invalid_choice": "Choose the term"},
    )

    def __init__(self, *args, panels, terms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["panel"].queryset = panels
        self.fields["panel"].label_from_instance = lambda p: p.name
        self.fields["term"].queryset = terms
        self.fields["term"].label_from_instance = lambda t: f"{t.name} {t.year.name}"
