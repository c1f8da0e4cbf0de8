"""Forms for the authority's money pages. Amounts are typed in pounds and cleaned to whole
pence (lib.forms.PoundsField); each error is shown beside its field, and a form sent back
with errors keeps what was typed."""

from django import forms

from finance.models import Party
from lib.forms import DateField, PoundsField
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
