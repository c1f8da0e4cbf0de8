"""The forms for raising a concern and for each thing a DSL records on it. Choices are
limited to what the user may pick, so a forged post for another student's placement, an
unknown category or action is refused next to the field."""

from django import forms
from django.utils import timezone

from lib.dates import long_date
from lib.forms import DateField
from safeguarding.models import (
    ACCOUNT_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    ActionKind,
    Category,
    Entry,
    Outcome,
)

NOT_ON_A_PLACEMENT = "none"


def _text(label: str, *, limit: int, required_message: str = "", hint: str = "", rows=5):
    return forms.CharField(
        label=label,
        help_text=hint,
        required=bool(required_message),
        max_length=limit,
        strip=True,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": required_message,
            "max_length": f"{label.removesuffix(' (optional)')} must be {limit:,} characters "
            f"or fewer",
        },
    )


class YesNo(forms.TypedChoiceField):
    def __init__(self, *, label: str, required_message: str, **kwargs):
        super().__init__(
            label=label,
            choices=[("yes", "Yes"), ("no", "No")],
            coerce=lambda value: value == "yes",
            widget=forms.RadioSelect,
            error_messages={"required": required_message, "invalid_choice": required_message},
            **kwargs,
        )


def _category_label(category: Category) -> str:
    """The category's name with its hint, such as "Criminal or sexual exploitation
    (including county lines)"."""
    hint = category.hint.strip().rstrip(".")
    return f"{category.name} ({hint[:1].lower()}{hint[1:]})" if hint else category.name


class ConcernForm(forms.Form):
    placement = forms.ChoiceField(
        label="Where did you see or hear it?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose where you saw or heard it",
            "invalid_choice": "Choose one of this student’s placements from the list",
        },
    )
    happened_on = DateField(
        label="Date it happened",
        help_text="The day you saw or heard it, for example 14 1 2027.",
    )
    category = forms.ModelChoiceField(
        label="What kind of concern is it?",
        queryset=Category.objects.filter(is_active=True),
        widget=forms.RadioSelect,
        empty_label=None,
        to_field_name="key",
        help_text="Choose the closest. The designated safeguarding lead can record more.",
        error_messages={
            "required": "Choose what kind of concern it is",
            "invalid_choice": "Choose a kind of concern from the list",
        },
    )
    account = _text(
        "What did you see or hear?",
        limit=ACCOUNT_MAX_LENGTH,
        required_message="Enter what you saw or heard",
        hint=(
            "In your own words, and the student’s own words where you can. Say who was "
            "there. Facts, not opinions. Once saved, this cannot be changed."
        ),
        rows=10,
    )
    injuries = _text(
        "Injuries or marks (optional)",
        limit=NOTE_MAX_LENGTH,
        hint="Describe where they are, their size and colour. Do not take photographs.",
    )
    immediate_actions = _text(
        "What have you done so far? (optional)",
        limit=NOTE_MAX_LENGTH,
        hint="For example, who you told and when.",
    )
    urgent = YesNo(
        label="Is the student at risk of harm now?",
        required_message="Select yes if the student is at risk of harm now",
        help_text=(
            "Urgent concerns that no designated safeguarding lead acknowledges in time go "
            "to the CAP safeguarding lead. If a child is in immediate danger, call 999."
        ),
    )

    def __init__(self, *args, placements, must_choose: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].label_from_instance = _category_label
        self.placements = {str(p.uuid): p for p in placements}
        choices = [
            (
                key,
                f"{p.course.title if p.course_id else p.programme.name} at {p.provider.name}, "
                f"from {long_date(p.starts_on, weekday=False)}",
            )
            for key, p in self.placements.items()
        ]
        if not choices:
            # Nothing to choose from: the concern is not about a placement.
            del self.fields["placement"]
            return
        if not must_choose:
            choices.append((NOT_ON_A_PLACEMENT, "Not on a placement"))
        self.fields["placement"].choices = choices
        if len(choices) == 1:
            self.fields["placement"].initial = choices[0][0]

    def clean_happened_on(self):
        return _not_in_future(self.cleaned_data["happened_on"], "The date it happened")

    def clean_placement(self):
        key = self.cleaned_data["placement"]
        return None if key == NOT_ON_A_PLACEMENT else self.placements[key]

    def clean(self):
        data = super().clean()
        if "placement" not in self.fields:
            data["placement"] = None
        return data


class UpdateForm(forms.Form):
    corrects = forms.ChoiceField(
        label="What are you adding?",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what you are adding",
            "invalid_choice": "Choose what you are correcting from the list",
        },
    )
    text = _text(
        "Your update or correction",
        limit=NOTE_MAX_LENGTH,
        required_message="Enter your update or correction",
        hint="What was written before stays as it was; this is added beside it.",
    )

    UPDATE = "update"
    ACCOUNT = "account"

    def __init__(self, *args, entries: list[Entry], **kwargs):
        super().__init__(*args, **kwargs)
        self.entries = {str(e.uuid): e for e in entries if e.text}
        self.fields["corrects"].choices = [
            (self.UPDATE, "An update: something new"),
            (self.ACCOUNT, "A correction of the original account"),
            *(
                (
                    key,
                    f"A correction of the {e.get_kind_display().lower()} of "
                    f"{long_date(timezone.localdate(e.recorded_at), weekday=False)} "
                    f"by {e.by.full_name if e.by else 'CAP'}",
                )
                for key, e in self.entries.items()
            ),
        ]

    def clean(self):
        data = super().clean()
        key = data.get("corrects")
        data["correction"] = key not in (None, self.UPDATE)
        data["corrected_entry"] = self.entries.get(key)
        return data


class ActionForm(forms.Form):
    action = forms.ChoiceField(
        label="Action taken",
        choices=ActionKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the action taken",
            "invalid_choice": "Choose the action from the list",
        },
    )
    taken_on = DateField(label="Date of the action", help_text="For example, 14 1 2027.")
    text = _text(
        "Details (optional)",
        limit=NOTE_MAX_LENGTH,
        hint="Who you spoke to, their reference, what was agreed.",
    )

    def clean_taken_on(self):
        return _not_in_future(self.cleaned_data["taken_on"], "The date of the action")


def _not_in_future(day, label: str):
    if day is not None and day > timezone.localdate():
        raise forms.ValidationError(f"{label} must be today or in the past")
    return day


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose the outcome",
            "invalid_choice": "Choose the outcome from the list",
        },
    )
    text = _text(
        "Reasons for the outcome",
        limit=NOTE_MAX_LENGTH,
        required_message="Enter the reasons for the outcome",
    )
