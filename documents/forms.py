from django import forms
from django.db.models import Case, QuerySet, Value, When
from django.utils import timezone

from documents import validation
from lib.forms import DateField
from programmes.models import ChecklistItem


class DocumentUploadForm(forms.Form):
    """One document for one item on the application's evidence checklist."""

    checklist_item = forms.ModelChoiceField(
        label="What is the document?",
        queryset=ChecklistItem.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Select what the document is",
            "invalid_choice": "Select what the document is",
        },
    )
    file = forms.FileField(
        label="Upload a file",
        help_text="PDF, Word document, spreadsheet or image",
        # A plain file input: ClearableFileInput adds a "clear" checkbox and a link to a URL
        # that documents never have.
        widget=forms.FileInput,
        error_messages={
            "required": validation.MESSAGE_REQUIRED,
            "invalid": validation.MESSAGE_REQUIRED,
            "missing": validation.MESSAGE_REQUIRED,
            "empty": validation.MESSAGE_EMPTY,
        },
    )
    dated_on = DateField(
        label="Date of the risk assessment",
        help_text="Only for a risk assessment: the date written on it. For example, 27 3 2026",
        required=False,
    )

    def __init__(self, *args, checklist_items, **kwargs):
        super().__init__(*args, **kwargs)
        if not isinstance(checklist_items, QuerySet):
            # A list of items, in the caller's order: a posted choice is checked against it.
            pks = [item.pk for item in checklist_items]
            checklist_items = (
                ChecklistItem.objects.filter(pk__in=pks).order_by(
                    Case(*[When(pk=pk, then=Value(i)) for i, pk in enumerate(pks)])
                )
                if pks
                else ChecklistItem.objects.none()
            )
        self.fields["checklist_item"].queryset = checklist_items

    def clean_file(self):
        file = self.cleaned_data.get("file")
        # Checked here for the message; documents.services.document_store checks again.
        self.checked = validation.check_upload(file)
        return file

    def clean_dated_on(self):
        dated_on = self.cleaned_data.get("dated_on")
        if dated_on and dated_on > timezone.localdate():
            raise forms.ValidationError("The date of the document must be today or in the past")
        return dated_on

    def clean(self):
        cleaned = super().clean()
        item = cleaned.get("checklist_item")
        if (
            item is not None
            and item.key == validation.RISK_ASSESSMENT_KEY
            and cleaned.get("dated_on") is None
            and "dated_on" not in self.errors
        ):
            self.add_error("dated_on", "Enter the date of the risk assessment")
        return cleaned
