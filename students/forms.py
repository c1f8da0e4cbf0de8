"""Forms for the student record. Each error says what is wrong in GOV.UK words, beside
its field, and a form sent back with errors keeps everything that was typed."""

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Organisation
from lib import upn
from lib.dates import long_date
from lib.forms import DateField, is_number
from programmes.models import EarlyHelpStep
from students.models import CarePlan, Carer, Ethnicity, SenProvision, Sex, Student

# The characters a UPN may end with (python-stdnum's alphabet: no I, O or S).
_UPN_LAST = "ABCDEFGHJKLMNPQRTUVWXYZ0123456789"
# The oldest student CAP expects: an EHC plan can run to the age of 25.
OLDEST_AGE = 25


def upn_problem(value: str) -> str | None:
    """What is wrong with a normalised UPN, naming the part that failed; None if valid.

    lib.upn gives the reason for each rule; for a badly formed UPN it is sharpened here to
    the character at fault."""
    error = upn.upn_error(value)
    if error is None:
        return None
    if len(value) == 13:
        if not value[0].isalpha():
            return "A UPN starts with its check letter, like the H in H801200001001"
        for position, char in enumerate(value[1:12], start=2):
            if not is_number(char):
                return (
                    f"Character {position} of the UPN must be a number: characters 2 to 12 "
                    "are all numbers"
                )
        if value[12] not in _UPN_LAST:
            return (
                "The last character of the UPN must be a number, or for a temporary UPN a "
                "letter other than I, O or S"
            )
    elif error.startswith("A UPN has 13 characters"):
        return f"{error}: you entered {len(value)}"
    return error


# --- Student ----------------------------------------------------------------------------


def _label(name: str) -> str:
    return str(Student._meta.get_field(name).verbose_name)


# Yes-or-no facts asked as checkbox groups: an unticked box means no.
CIRCUMSTANCES = ["free_school_meals", "looked_after", "youth_justice"]
EARLY_HELP = [f"early_help_{step}" for step in EarlyHelpStep.values]
ETHNICITY_GROUPS = [
    ("White", ["WBRI", "WIRI", "WIRT", "WROM", "WOTH"]),
    ("Mixed or multiple ethnic groups", ["MWBC", "MWBA", "MWAS", "MOTH"]),
    ("Asian or Asian British", ["AIND", "APKN", "ABAN", "AOTH"]),
    ("Black or Black British", ["BCRB", "BAFR", "BOTH"]),
    ("Other ethnic group", ["CHNE", "OOTH"]),
    ("Not known", ["REFU", "NOBT"]),
]


def _ethnicity_choices() -> list:
    labels = dict(Ethnicity.choices)
    return [("", "Select ethnicity")] + [
        (group, [(code, labels[code]) for code in codes]) for group, codes in ETHNICITY_GROUPS
    ]


def _text(label: str, *, whose: str, required: bool = True, max_length: int = 100, **kwargs):
    name = label.removesuffix(" (optional)")
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        error_messages={
            "required": f"Enter {whose} {name[0].lower()}{name[1:]}",
            "max_length": f"{name} must be {max_length} characters or fewer",
        },
        **kwargs,
    )


_PICK_FROM_LIST = "Select only answers from the list"


def _select(message: str) -> dict:
    """The same message whether nothing was chosen or something not on offer was sent."""
    return {"required": message, "invalid_choice": message}


class StudentForm(forms.Form):
    """The student's details. On a new student, a user with several schools picks one."""

    school = forms.ChoiceField(
        label="Which school is the student on roll at?",
        widget=forms.RadioSelect,
        error_messages=_select("Select the student's school"),
    )
    upn = forms.CharField(
        label="UPN",
        help_text="Unique pupil number: 13 characters, like H801200001001. A temporary UPN "
        "ends in a letter.",
        max_length=20,
        error_messages={
            "required": "Enter the student's UPN",
            "max_length": "A UPN has 13 characters, like H801200001001",
        },
        widget=forms.TextInput(
            attrs={"class": "govuk-input--width-10", "spellcheck": "false", "autocomplete": "off"}
        ),
    )
    legal_first_name = _text(
        "Legal first name",
        whose="the student's",
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    legal_last_name = _text(
        "Legal last name",
        whose="the student's",
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    preferred_name = _text(
        "Preferred first name (optional)",
        whose="the student's",
        required=False,
        help_text="If the student is known by a different first name",
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    date_of_birth = DateField(
        label="Date of birth",
        help_text="For example, 27 3 2012",
        error_messages={"required": "Enter the student's date of birth"},
    )
    sex = forms.ChoiceField(
        label="Sex",
        help_text="As recorded in the school census",
        choices=Sex.choices,
        widget=forms.RadioSelect,
        error_messages=_select("Select the student's sex"),
    )
    ethnicity = forms.ChoiceField(
        label="Ethnicity",
        help_text="As recorded in the school census",
        choices=_ethnicity_choices,
        error_messages=_select("Select the student's ethnicity"),
    )
    sen_provision = forms.ChoiceField(
        label="Special educational needs (SEN) provision",
        choices=SenProvision.choices,
        widget=forms.RadioSelect,
        error_messages=_select("Select the student's SEN provision"),
    )
    care_plan = forms.ChoiceField(
        label="Does the student have a child protection or child in need plan?",
        choices=CarePlan.choices,
        widget=forms.RadioSelect,
        error_messages=_select(
            "Select whether the student has a child protection or child in need plan"
        ),
    )
    circumstances = forms.MultipleChoiceField(
        label="Which of these apply to the student?",
        help_text="Select all that apply",
        choices=[(name, _label(name)) for name in CIRCUMSTANCES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": _PICK_FROM_LIST},
    )
    early_help = forms.MultipleChoiceField(
        label="Which Early Help steps have been taken?",
        help_text="Select all that apply",
        choices=[(name, _label(name)) for name in EARLY_HELP],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": _PICK_FROM_LIST},
    )
    confirm_not_duplicate = forms.BooleanField(label="This is a different student", required=False)

    def __init__(self, *args, schools: list[Organisation] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.schools = {str(school.uuid): school for school in schools or []}
        if len(self.schools) > 1:
            self.fields["school"].choices = [(key, s.name) for key, s in self.schools.items()]
        else:
            del self.fields["school"]
        if schools is None:  # changing a student: no school, no duplicate question
            del self.fields["confirm_not_duplicate"]

    @classmethod
    def initial_for(cls, student: Student) -> dict:
        initial = {
            name: getattr(student, name)
            for name in (
                "upn",
                "legal_first_name",
                "legal_last_name",
                "preferred_name",
                "date_of_birth",
                "sex",
                "ethnicity",
                "sen_provision",
                "care_plan",
            )
        }
        initial["circumstances"] = [n for n in CIRCUMSTANCES if getattr(student, n)]
        initial["early_help"] = [n for n in EARLY_HELP if getattr(student, n)]
        return initial

    def clean_upn(self) -> str:
        value = upn.normalise(self.cleaned_data["upn"])
        problem = upn_problem(value)
        if problem:
            raise ValidationError(problem)
        return value

    def clean_date_of_birth(self) -> dt.date:
        born = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        if born >= today:
            raise ValidationError("Date of birth must be in the past")
        try:
            oldest = today.replace(year=today.year - OLDEST_AGE)
        except ValueError:  # 29 February
            oldest = today.replace(year=today.year - OLDEST_AGE, day=28)
        if born < oldest:
            raise ValidationError(
                f"Date of birth must be the same as or after {long_date(oldest, weekday=False)}"
            )
        return born

    @property
    def chosen_school(self) -> Organisation | None:
        """The school chosen, or the user's only school."""
        if "school" in self.fields:
            return self.schools.get(self.cleaned_data.get("school", ""))
        return next(iter(self.schools.values()), None)

    def student_fields(self) -> dict:
        """The cleaned answers as Student fields, for the services."""
        data = self.cleaned_data
        fields = {
            name: data[name]
            for name in (
                "upn",
                "legal_first_name",
                "legal_last_name",
                "preferred_name",
                "date_of_birth",
                "sex",
                "ethnicity",
                "sen_provision",
                "care_plan",
            )
        }
        for name in CIRCUMSTANCES:
            fields[name] = name in data["circumstances"]
        for name in EARLY_HELP:
            fields[name] = name in data["early_help"]
        return fields


# --- Carers -----------------------------------------------------------------------------

CARER_FLAGS = ["has_parental_responsibility", "lives_with_student", "consent_to_contact"]
_PHONE = re.compile(r"^\+?[0-9 ()-]{7,25}$")


class CarerForm(forms.Form):
    name = _text(
        "Full name",
        whose="the carer's",
        max_length=150,
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    relationship = _text(
        "Relationship to the student",
        whose="the carer's",
        help_text="For example, mother, grandfather or foster carer",
    )
    phone = forms.CharField(
        label="Telephone number (optional)",
        required=False,
        max_length=30,
        error_messages={
            "max_length": "Enter a telephone number, like 01632 960 001 or 07700 900 982"
        },
        widget=forms.TextInput(
            attrs={"type": "tel", "autocomplete": "off", "class": "govuk-input--width-20"}
        ),
    )
    email = forms.EmailField(
        label="E-mail address (optional)",
        required=False,
        error_messages={
            "invalid": "Enter an e-mail address in the correct format, like name@example.com"
        },
        widget=forms.EmailInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    flags = forms.MultipleChoiceField(
        label="Which of these apply?",
        help_text="Select all that apply",
        choices=[(n, str(Carer._meta.get_field(n).verbose_name)) for n in CARER_FLAGS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": _PICK_FROM_LIST},
    )

    @classmethod
    def initial_for(cls, carer: Carer) -> dict:
        initial = {n: getattr(carer, n) for n in ("name", "relationship", "phone", "email")}
        initial["flags"] = [n for n in CARER_FLAGS if getattr(carer, n)]
        return initial

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"]
        if phone and not _PHONE.match(phone):
            raise ValidationError(
                "Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"
            )
        return phone

    def carer_fields(self) -> dict:
        data = self.cleaned_data
        fields = {n: data[n] for n in ("name", "relationship", "phone", "email")}
        for name in CARER_FLAGS:
            fields[name] = name in data["flags"]
        return fields


class SearchForm(forms.Form):
    q = forms.CharField(
        label="Search by name or UPN",
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "spellcheck": "false", "class": "govuk-!-width-one-half"}
        ),
    )
