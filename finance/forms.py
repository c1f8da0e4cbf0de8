"""Forms for the money pages: the agreement's prices and subscriptions, the statements'
filters, a fee's agreement and change, the fees list's filters, the finance system's codes
and the export's term. Amounts are typed in pounds and cleaned to whole pence
(lib.forms.PoundsField); each error is shown beside its field, and a form sent back with
errors keeps what was typed."""

import re

from django import forms
from django.core.validators import RegexValidator

from accounts.models import Organisation
from finance.models import FinanceCodes, Party
from lib.forms import DateField, PoundsField, VersionedForm, name_filter
from lib.money import pounds
from programmes.models import AcademicYear, AgreementBand, Term

# --- The service level agreement ---------------------------------------------------------


class AgreementPriceForm(forms.Form):
    price = PoundsField(
        label="Price",
        help_text="What a school in no band is offered for the year.",
    )


class AgreementBandForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=120,
        help_text="For example, “Schools with fewer than 1,000 students”.",
        error_messages={
            "required": "Enter the band’s name",
            "max_length": "The band’s name must be 120 characters or fewer",
        },
    )
    price = PoundsField(label="Price", help_text="What a school in the band pays for the year.")


# The choice of the school's own price, beside the year's bands.
OWN_PRICE = "own"


class SubscriptionForm(forms.Form):
    """A school's subscription: a band (each one a radio, with its price) or its own price;
    when and by whom it was signed; its paid-for Tier 1 placements."""

    band = forms.ChoiceField(
        label="What the school pays",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select a band or the school’s own price",
            "invalid_choice": "Select a band or the school’s own price",
        },
    )
    price = PoundsField(
        label="The school’s own price",
        required=False,
        help_text="Only when the school pays its own price rather than a band’s.",
    )
    signed_on = DateField(
        label="Date signed",
        required=False,
        help_text="For example, 17 9 2025. Leave it empty until the school has signed.",
    )
    signed_by = forms.CharField(
        label="Signed by",
        required=False,
        max_length=200,
        help_text="The name and role of the person who signed for the school.",
        error_messages={"max_length": "Who signed must be 200 characters or fewer"},
    )
    tier1_placements = forms.IntegerField(
        label="Paid-for Tier 1 placements",
        required=False,
        min_value=0,
        max_value=999,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        error_messages={
            "invalid": "The number of Tier 1 placements must be a whole number, like 15",
            "min_value": "The number of Tier 1 placements must be 0 or more",
            "max_value": "Check the number of Tier 1 placements: it must be 999 or fewer",
        },
    )

    def __init__(self, data=None, *, year: AcademicYear, bands: list[AgreementBand], **kwargs):
        super().__init__(data, **kwargs)
        self.bands = {str(band.uuid): band for band in bands}
        self.fields["band"].choices = [
            (key, f"{band.name}: {pounds(band.price_pence)}") for key, band in self.bands.items()
        ] + [(OWN_PRICE, "Its own price")]
        self.fields[
            "tier1_placements"
        ].help_text = f"Leave it empty for the year’s number: {year.sla_tier1_placements}."

    def clean(self):
        data = super().clean()
        band = data.get("band")
        if band == OWN_PRICE:
            if data.get("price") is None and "price" not in self.errors:
                self.add_error("price", "Enter the school’s own price")
        elif band in self.bands:
            # The band's price is the school's: what is in the price box does not count.
            self.errors.pop("price", None)
            data["price"] = None
        return data

    @property
    def chosen_band(self) -> AgreementBand | None:
        return self.bands.get(self.cleaned_data["band"])

    @classmethod
    def initial_for(cls, subscription, year: AcademicYear, bands: list[AgreementBand]) -> dict:
        if subscription is None:
            return {
                "band": None if bands else OWN_PRICE,
                "price": year.agreement_price_pence,
                "tier1_placements": year.sla_tier1_placements,
            }
        return {
            "band": str(subscription.band.uuid) if subscription.band else OWN_PRICE,
            "price": None if subscription.band else subscription.price_pence,
            "signed_on": subscription.signed_on,
            "signed_by": subscription.signed_by,
            "tier1_placements": subscription.tier1_placements,
        }


# --- Statements ---------------------------------------------------------------------------

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


# --- Fees, codes and the export ------------------------------------------------------------

# The largest fee a course can hold (programmes.Course.fee: 8 digits, 2 of them pence).
MOST_FEE_PENCE = 99_999_999


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
    amount = PoundsField(label="New fee", max_pence=MOST_FEE_PENCE)
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
    # Schools are found by part of their name: there are thousands, too many for a list to
    # choose from (and to render on every page of fees).
    school = name_filter("School")
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
            "school": cleaned.get("school") or "",
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
