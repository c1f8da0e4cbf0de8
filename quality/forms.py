"""Forms for the directory, provider records, evidence, reviews and visits."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import ukprn_validator, urn_validator
from documents import validation
from lib.forms import DateField
from quality import directory
from quality.models import (
    ContactKind,
    DfeRegistration,
    EvidenceKind,
    Rating,
    SettingType,
    company_number_validator,
    postcode_validator,
)

DAYS_CHOICES = [
    ("", "Any"),
    ("1", "1 day a week"),
    ("2", "Up to 2 days a week"),
    ("3", "Up to 3 days a week"),
]
WEEKS_CHOICES = [
    ("", "Any length"),
    ("6", "Up to 6 weeks"),
    ("12", "Up to 12 weeks (a term)"),
    ("26", "Up to 26 weeks (two terms)"),
    ("39", "Up to 39 weeks (a school year)"),
]


class DirectoryFilterForm(forms.Form):
    """The directory's search and filters, sent by GET so a search can be bookmarked."""

    q = forms.CharField(
        label="Search courses",
        help_text="For example, construction, GCSE maths or a provider's name",
        required=False,
        max_length=100,
        error_messages={"max_length": "Search must be 100 characters or fewer"},
    )
    category = forms.ChoiceField(
        label="Category",
        required=False,
        error_messages={"invalid_choice": "Select a category from the list"},
    )
    level = forms.ChoiceField(
        label="Qualification level",
        required=False,
        error_messages={"invalid_choice": "Select a qualification level from the list"},
    )
    key_stage = forms.ChoiceField(
        label="Key stage",
        required=False,
        choices=[
            ("", "Any"),
            ("ks3", "Key stage 3 (years 7 to 9)"),
            ("ks4", "Key stage 4 (years 10 and 11)"),
        ],
        error_messages={"invalid_choice": "Select a key stage from the list"},
    )
    year_group = forms.ChoiceField(
        label="Year group",
        required=False,
        choices=[("", "Any"), *[(str(y), f"Year {y}") for y in range(7, 12)]],
        error_messages={"invalid_choice": "Select a year group from the list"},
    )
    days = forms.ChoiceField(
        label="Days a week",
        required=False,
        choices=DAYS_CHOICES,
        error_messages={"invalid_choice": "Select the days a week from the list"},
    )
    weeks = forms.ChoiceField(
        label="Length",
        required=False,
        choices=WEEKS_CHOICES,
        error_messages={"invalid_choice": "Select a length from the list"},
    )
    location = forms.CharField(
        label="Location",
        help_text="Area, street or postcode, for example CV1 or Canal Basin",
        required=False,
        max_length=60,
        error_messages={"max_length": "Location must be 60 characters or fewer"},
    )
    max_fee = forms.DecimalField(
        label="Highest fee",
        help_text="In pounds, for the whole course",
        required=False,
        min_value=0,
        max_digits=8,
        decimal_places=2,
        localize=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-5"}),
        error_messages={
            "invalid": "Enter the highest fee as a number of pounds, like 500",
            "min_value": "The highest fee must be 0 or more",
            "max_digits": "The highest fee must be less than £1,000,000",
            "max_decimal_places": "The highest fee can have up to 2 numbers after the point",
            "max_whole_digits": "The highest fee must be less than £1,000,000",
        },
    )
    provider = forms.ChoiceField(
        label="Provider",
        required=False,
        error_messages={"invalid_choice": "Select a provider from the list"},
    )

    def __init__(self, *args, programmes, providers, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.programmes = {p.key: p for p in programmes}
        self.fields["category"].choices = [("", "All categories")] + [
            (p.key, p.name) for p in programmes
        ]
        self.fields["level"].choices = [("", "Any level")] + [(lv, lv) for lv in levels]
        self.providers = {str(p.uuid): p for p in providers}
        self.fields["provider"].choices = [("", "All providers")] + [
            (str(p.uuid), p.name) for p in providers
        ]

    def filters(self) -> directory.Filters:
        """The valid filters; a bad value in one is reported beside it and the others apply."""
        self.is_valid()
        c = self.cleaned_data
        provider = self.providers.get(c.get("provider") or "")
        return directory.Filters(
            query=c.get("q") or "",
            category=self.programmes.get(c.get("category") or ""),
            level=c.get("level") or "",
            key_stage=c.get("key_stage") or "",
            year_group=int(c["year_group"]) if c.get("year_group") else None,
            days=Decimal(c["days"]) if c.get("days") else None,
            weeks=int(c["weeks"]) if c.get("weeks") else None,
            location=(c.get("location") or "").strip(),
            max_fee=c.get("max_fee"),
            provider_id=provider.pk if provider else None,
        )


class ApplyForm(forms.Form):
    student = forms.ModelChoiceField(
        label="Which student is the application for?",
        queryset=None,
        to_field_name="uuid",
        empty_label="Select a student",
        error_messages={
            "required": "Select the student",
            "invalid_choice": "Select the student from the list",
        },
    )

    def __init__(self, *args, students, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["student"].queryset = students
        self.fields["student"].label_from_instance = lambda s: (
            f"{s.known_as} {s.legal_last_name}, Year {s.year_group()} ({s.upn})"
        )


# --- Provider records --------------------------------------------------------------------


class ProviderRecordForm(forms.Form):
    name = forms.CharField(
        label="Organisation name",
        max_length=200,
        error_messages={"required": "Enter the organisation name"},
    )
    setting_type = forms.ChoiceField(
        label="Type of setting",
        choices=SettingType.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the type of setting",
            "invalid_choice": "Select the type of setting",
        },
    )
    urn = forms.CharField(
        label="URN (if it has one)",
        help_text="Unique reference number from Get Information about Schools: 6 digits",
        required=False,
        max_length=6,
        validators=[urn_validator],
        error_messages={"max_length": "Enter a URN of 6 digits, like 137209."},
    )
    ukprn = forms.CharField(
        label="UKPRN (if it has one)",
        help_text="UK provider reference number: 8 digits starting with 1",
        required=False,
        max_length=8,
        validators=[ukprn_validator],
        error_messages={"max_length": "Enter a UKPRN of 8 digits starting with 1, like 10079319."},
    )
    company_number = forms.CharField(
        label="Companies House number (if it has one)",
        required=False,
        max_length=8,
        validators=[company_number_validator],
        error_messages={
            "max_length": (
                "Enter a Companies House number of 8 characters, like 01234567 or SC123456."
            )
        },
    )
    dfe_registration = forms.ChoiceField(
        label="DfE registration status",
        choices=DfeRegistration.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the DfE registration status",
            "invalid_choice": "Select the DfE registration status",
        },
    )
    address = forms.CharField(label="Address", max_length=300, required=False)
    postcode = forms.CharField(
        label="Postcode", max_length=10, required=False, validators=[postcode_validator]
    )
    telephone = forms.CharField(label="Telephone", max_length=30, required=False)
    email = forms.EmailField(
        label="Enquiries e-mail address",
        required=False,
        error_messages={
            "invalid": "Enter an e-mail address in the correct format, like name@example.com"
        },
    )
    website = forms.URLField(
        label="Website",
        required=False,
        assume_scheme="https",
        error_messages={"invalid": "Enter a website address, like https://www.example.com"},
    )
    description = forms.CharField(
        label="Description for schools",
        help_text="Shown in the course directory",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean_urn(self):
        return (self.cleaned_data.get("urn") or "").strip()

    def clean_ukprn(self):
        return (self.cleaned_data.get("ukprn") or "").strip()

    def clean_postcode(self):
        return (self.cleaned_data.get("postcode") or "").strip().upper()


class SiteForm(forms.Form):
    name = forms.CharField(
        label="Site name", max_length=150, error_messages={"required": "Enter the site name"}
    )
    address = forms.CharField(
        label="Address", max_length=300, error_messages={"required": "Enter the address"}
    )
    town = forms.CharField(
        label="Town or city",
        max_length=80,
        initial="Coventry",
        error_messages={"required": "Enter the town or city"},
    )
    postcode = forms.CharField(
        label="Postcode",
        max_length=10,
        validators=[postcode_validator],
        widget=forms.TextInput(
            attrs={"class": "govuk-input--width-10", "autocomplete": "postal-code"}
        ),
        error_messages={
            "required": "Enter the postcode",
            "max_length": "Enter a full UK postcode, like CV1 2GN.",
        },
    )
    is_main = forms.BooleanField(label="This is the main site", required=False)

    def clean_postcode(self):
        return (self.cleaned_data.get("postcode") or "").strip().upper()


class ContactForm(forms.Form):
    kind = forms.ChoiceField(
        label="Role",
        choices=ContactKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the contact's role",
            "invalid_choice": "Select the contact's role",
        },
    )
    name = forms.CharField(
        label="Full name",
        max_length=150,
        error_messages={"required": "Enter the contact's full name"},
    )
    job_title = forms.CharField(label="Job title", max_length=150, required=False)
    email = forms.EmailField(
        label="E-mail address",
        required=False,
        error_messages={
            "invalid": "Enter an e-mail address in the correct format, like name@example.com"
        },
    )
    phone = forms.CharField(label="Telephone", max_length=30, required=False)


# --- Evidence ------------------------------------------------------------------------------


class EvidenceForm(forms.Form):
    """One item's evidence: a file or a written confirmation, with its dates."""

    issued_on = DateField(
        label="Issue date", help_text="The date on the document. For example, 27 3 2026"
    )
    expires_on = DateField(label="Expiry date", help_text="For example, 27 3 2027", required=False)

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item
        if item.kind == EvidenceKind.DOCUMENT:
            self.fields["file"] = forms.FileField(
                label="Upload a file",
                help_text="PDF, Word document, spreadsheet or image",
                widget=forms.FileInput,
                error_messages={
                    "required": validation.MESSAGE_REQUIRED,
                    "invalid": validation.MESSAGE_REQUIRED,
                    "missing": validation.MESSAGE_REQUIRED,
                    "empty": validation.MESSAGE_EMPTY,
                },
            )
        else:
            self.fields["confirmation"] = forms.CharField(
                label="Your written confirmation",
                help_text="Say what has been checked, by whom and when",
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 5}),
                error_messages={
                    "required": "Enter the confirmation",
                    "max_length": "The confirmation must be 5,000 characters or fewer",
                },
            )
        if not item.expires:
            del self.fields["expires_on"]
        else:
            self.fields["expires_on"].required = True
            self.fields["expires_on"].error_messages["required"] = "Enter the expiry date"
        self.order_fields(["file", "confirmation", "issued_on", "expires_on"])

    def clean_file(self):
        file = self.cleaned_data.get("file")
        self.checked = validation.check_upload(file)
        return file

    def clean_issued_on(self):
        issued_on = self.cleaned_data.get("issued_on")
        if issued_on and issued_on > timezone.localdate():
            raise ValidationError("The issue date must be today or in the past")
        return issued_on

    def clean(self):
        cleaned = super().clean()
        issued_on, expires_on = cleaned.get("issued_on"), cleaned.get("expires_on")
        if issued_on and expires_on and expires_on < issued_on:
            self.add_error(
                "expires_on", "The expiry date must be the same as or after the issue date"
            )
        return cleaned


class RejectForm(forms.Form):
    note = forms.CharField(
        label="Why is it not accepted?",
        help_text="The provider sees this",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the evidence is not accepted"},
    )


# --- Reviews and visits --------------------------------------------------------------------

RATING_CHOICES = [(r.value, r.label) for r in Rating]


class ReviewForm(forms.Form):
    held_on = DateField(label="Date of the review", help_text="For example, 27 3 2026")
    summary = forms.CharField(
        label="Summary", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.areas = list(areas)
        for area in self.areas:
            self.fields[f"rating_{area.key}"] = forms.ChoiceField(
                label=f"{area.name}: rating",
                choices=RATING_CHOICES,
                widget=forms.RadioSelect(attrs={"class": "govuk-radios--inline"}),
                error_messages={
                    "required": f"Select a rating for {area.name}",
                    "invalid_choice": f"Select a rating for {area.name}",
                },
            )
            self.fields[f"actions_{area.key}"] = forms.CharField(
                label=f"{area.name}: actions agreed",
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def clean_held_on(self):
        held_on = self.cleaned_data.get("held_on")
        if held_on and held_on > timezone.localdate():
            raise ValidationError("The review date must be today or in the past")
        return held_on

    def area_fields(self):
        return [
            (area, self[f"rating_{area.key}"], self[f"actions_{area.key}"]) for area in self.areas
        ]

    def ratings(self) -> dict:
        return {
            area: (
                self.cleaned_data[f"rating_{area.key}"],
                self.cleaned_data[f"actions_{area.key}"],
            )
            for area in self.areas
        }


class VisitScheduleForm(forms.Form):
    scheduled_on = DateField(label="Date of the visit", help_text="For example, 27 3 2026")
    site = forms.ModelChoiceField(
        label="Site",
        queryset=None,
        required=False,
        empty_label="No particular site",
        to_field_name="uuid",
        error_messages={"invalid_choice": "Select one of the provider's sites"},
    )
    purpose = forms.CharField(label="Purpose", required=False, max_length=300)

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites

    def clean_scheduled_on(self):
        day = self.cleaned_data.get("scheduled_on")
        if day and day < timezone.localdate():
            raise ValidationError("The date of the visit must be today or in the future")
        return day


class VisitRecordForm(forms.Form):
    visited_on = DateField(label="Date of the visit", help_text="For example, 27 3 2026")
    rating = forms.ChoiceField(
        label="Rating",
        choices=RATING_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a rating", "invalid_choice": "Select a rating"},
    )
    findings = forms.CharField(
        label="Findings",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter the findings"},
    )

    def clean_visited_on(self):
        day = self.cleaned_data.get("visited_on")
        if day and day > timezone.localdate():
            raise ValidationError("The date of the visit must be today or in the past")
        return day
