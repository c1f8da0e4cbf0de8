"""Forms for the money pages: a fee's agreement and change, the fees list's filters, the
finance system's codes and the export's term."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

from accounts.models import SCHOOL_KINDS, Organisation
from finance.models import FinanceCodes
from lib.forms import ChoiceByUuid, DateField, VersionedForm
from lib.money import pence_from_pounds, pounds
from programmes.models import AcademicYear

# The largest fee a course can hold (programmes.Course.fee: 8 digits, 2 of them pence).
MOST_PENCE = 99_999_999


class PoundsInput(forms.TextInput):
    """The GOV.UK input with a "£" prefix, sized for an amount."""

    template_name = "finance/widgets/pounds.html"

    def __init__(self, attrs=None):
        super().__init__({"class": "govuk-input--width-10", "spellcheck": "false", **(attrs or {})})


class PoundsField(forms.CharField):
    """An amount typed in pounds (and pence), as whole pence. A "£" and commas between the
    thousands are allowed; anything else that is not pounds with at most two decimal places
    is refused with a message that says how to write it."""

    widget = PoundsInput

    def __init__(self, *, label: str, **kwargs):
        kwargs.setdefault("error_messages", {}).setdefault("required", f"Enter the {label.lower()}")
        super().__init__(label=label, **kwargs)
        self.error_messages["invalid"] = (
            f"Enter the {label.lower()} in pounds, like 1250 or 1250.50"
        )

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        text = text.replace(",", "").replace(" ", "").removeprefix("£")
        try:
            if len(text) > 20:
                raise ValueError(text)
            pence = pence_from_pounds(text)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if pence < 0:
            raise ValidationError(f"The {self.label.lower()} must be £0.00 or more", code="min")
        if pence > MOST_PENCE:
            raise ValidationError(
                f"The {self.label.lower()} must be {pounds(MOST_PENCE)} or less", code="max"
            )
        return pence


def _line(label: str, required: str, *, max_length: int = 200, hint: str = ""):
    return forms.CharField(
        label=label,
        help_text=hint,
        max_length=max_length,
        error_messages={
            "required": required,
            "max_length": f"{label} must be {max_length} characters or fewer",
        },
    )


# --- A fee ---------------------------------------------------------------------------------

NO_DOCUMENT = "none"


class FeeAgreeForm(VersionedForm):
    """The school's budget holder's agreement to a place's fee. `documents` are the
    application's documents, one of which may be the signed agreement."""

    agreed_by = _line("Budget holder's name", "Enter the budget holder's name")
    agreed_by_role = _line(
        "Budget holder's role",
        "Enter the budget holder's role",
        hint="For example, school business manager or headteacher",
    )
    agreed_on = DateField(label="Date of the agreement", help_text="For example, 27 11 2026")
    document = forms.ChoiceField(
        label="The signed agreement",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the signed agreement, or say that it is not in CAP",
            "invalid_choice": "Choose one of this application's documents",
        },
    )

    def __init__(self, *args, documents, hint: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.documents = {str(d.document.uuid): d for d in documents}
        field = self.fields["document"]
        field.help_text = hint
        field.choices = [
            *[
                (key, d.filename + (f" ({d.checklist_item.name})" if d.checklist_item else ""))
                for key, d in self.documents.items()
            ],
            (NO_DOCUMENT, "The signed agreement is not in CAP"),
        ]

    def clean_document(self):
        key = self.cleaned_data["document"]
        return None if key == NO_DOCUMENT else self.documents[key]


class FeeChangeForm(VersionedForm):
    amount = PoundsField(label="New fee")
    reason = forms.CharField(
        label="Why the fee is changing",
        help_text="Say what changed, such as the course's length: the school may ask",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter why the fee is changing",
            "max_length": "Why the fee is changing must be 2,000 characters or fewer",
        },
    )


class FeesFilterForm(forms.Form):
    """The fees list's filters, sent by GET so a filtered list can be bookmarked."""

    year = forms.ChoiceField(
        label="Academic year",
        required=False,
        error_messages={"invalid_choice": "Select an academic year from the list"},
    )
    school = ChoiceByUuid(
        required=False,
        label="School",
        queryset=Organisation.objects.filter(kind__in=SCHOOL_KINDS).order_by("name"),
        empty_label="All schools",
        error_messages={"invalid_choice": "Select a school from the list"},
    )
    changed = forms.BooleanField(label="Changed fees only", required=False)

    def __init__(self, *args, years: list[AcademicYear], **kwargs):
        super().__init__(*args, **kwargs)
        self.years = {year.name: year for year in years}
        self.fields["year"].choices = [(name, name) for name in self.years]

    def filters(self, *, default: AcademicYear | None) -> dict:
        """The valid filters; a bad value in one is reported and the others still apply."""
        self.is_valid()
        cleaned = self.cleaned_data
        return {
            "year": self.years.get(cleaned.get("year") or "") or default,
            "school": cleaned.get("school"),
            "changed": bool(cleaned.get("changed")),
        }


# --- The finance system's codes ------------------------------------------------------------

CODE_TEXT = re.compile(r"\A[A-Za-z0-9./-]+\Z", re.ASCII)


def _code(name: str, *, required: bool) -> forms.CharField:
    """A code of the finance system: letters, numbers, hyphens, full stops and slashes, at
    most as long as its column."""
    model_field = FinanceCodes._meta.get_field(name)
    label = model_field.verbose_name[:1].upper() + model_field.verbose_name[1:]
    return forms.CharField(
        label=label,
        required=required,
        max_length=model_field.max_length,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20", "spellcheck": "false"}),
        validators=[
            RegexValidator(
                CODE_TEXT,
                f"{label} must contain only letters, numbers, hyphens (-), full stops (.) "
                "and slashes (/)",
            )
        ],
        error_messages={
            "required": f"Enter the {label[:1].lower() + label[1:]}",
            "max_length": f"{label} must be {model_field.max_length} characters or fewer",
        },
    )


class AuthorityCodesForm(forms.Form):
    """The authority's own codes: every row of the export needs them."""

    cost_centre = _code("cost_centre", required=True)
    income_account = _code("income_account", required=True)
    expenditure_account = _code("expenditure_account", required=True)


class OrganisationCodesForm(forms.Form):
    """A school's customer reference and a provider's supplier reference (the academy is
    both). Left empty, the export names every row that needs it."""

    customer_reference = _code("customer_reference", required=False)
    supplier_reference = _code("supplier_reference", required=False)

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        if not organisation.is_school:
            del self.fields["customer_reference"]
        if not organisation.is_provider:
            del self.fields["supplier_reference"]
        for field in self.fields.values():
            field.help_text = "As the finance system knows this organisation"


class ExportForm(forms.Form):
    term = forms.ModelChoiceField(
        label="Term",
        queryset=None,
        empty_label="Choose a term",
        error_messages={
            "required": "Choose a term",
            "invalid_choice": "Choose a term that has ended",
        },
    )

    def __init__(self, *args, terms, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["term"]
        field.queryset = terms
        field.label_from_instance = lambda term: f"{term.name} {term.year.name}"
