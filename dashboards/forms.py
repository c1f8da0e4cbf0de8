"""Forms for the figures: the CAP manager's secondary population upload and threshold, and
the CAP team's request for a panel's termly oversight report."""

from django import forms

from dashboards import population
from programmes.models import AcademicYear


class PopulationUploadForm(forms.Form):
    year = forms.ModelChoiceField(
        label="Academic year",
        queryset=AcademicYear.objects.none(),
        to_field_name="name",
        empty_label=None,
        help_text="The year the counts are for: usually the school census of that autumn.",
        error_messages={
            "required": "Select the academic year",
            "invalid_choice": "Select the academic year from the list",
        },
    )
    file = forms.FileField(
        label="Upload a CSV file",
        help_text=(
            "A CSV file with the columns school_urn, characteristic, value and count, "
            "smaller than 5MB"
        ),
        # A plain file input: ClearableFileInput adds a "clear" checkbox this never needs.
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
        error_messages={
            "required": "Select a CSV file",
            "invalid": "Select a CSV file",
            "missing": "Select a CSV file",
            "empty": "The selected file is empty",
        },
    )

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].queryset = years
        self.read: population.Read | None = None

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is None:
            return upload
        self.read = population.read(upload)
        if self.read.problem:
            raise forms.ValidationError(self.read.problem)
        if self.read.row_errors:
            bad = len(self.read.row_errors)
            rows, them = ("row", "it") if bad == 1 else ("rows", "them")
            raise forms.ValidationError(
                f"The file has {bad} {rows} with problems, listed below: fix {them} and upload "
                "the file again. Nothing was loaded."
            )
        return upload


class ThresholdForm(forms.Form):
    suppress_below = forms.IntegerField(
        label="Withhold numbers below",
        help_text=(
            "Outside the CAP team, a count from 1 up to one less than this number is shown as "
            "“c” with the rest of its row. Enter a whole number from 1 to 20: 1 withholds "
            "nothing."
        ),
        min_value=1,
        max_value=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-2"}),
        error_messages={
            "required": "Enter the number below which counts are withheld",
            "invalid": "Enter a whole number from 1 to 20",
            "min_value": "Enter a whole number from 1 to 20",
            "max_value": "Enter a whole number from 1 to 20",
        },
    )


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
