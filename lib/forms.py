"""Form fields that GOV.UK patterns need and Django does not have."""

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from lib.dates import MONTHS, time_of_day
from lib.money import MOST_PENCE, pence_from_pounds, pounds


def is_number(text: str) -> bool:
    """Digits 0 to 9 only: str.isdigit() also accepts characters such as "²"."""
    return text.isascii() and text.isdigit()


class DateInput(forms.MultiWidget):
    """The GOV.UK date input: day, month and year boxes in one fieldset.

    Only the boxes at fault are marked as errors when the field knows which they are."""

    template_name = "django/forms/widgets/govuk_date.html"
    PARTS = (
        ("day", "Day", "govuk-input--width-2"),
        ("month", "Month", "govuk-input--width-2"),
        ("year", "Year", "govuk-input--width-4"),
    )

    def __init__(self, attrs=None):
        super().__init__({name: forms.TextInput for name, _, _ in self.PARTS}, attrs)
        self.invalid_parts: set[str] = set()

    def decompress(self, value):
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        has_error = "aria-invalid" in context["widget"]["attrs"]
        for subwidget, (part, label, width) in zip(
            context["widget"]["subwidgets"], self.PARTS, strict=True
        ):
            subwidget["attrs"].pop("aria-invalid", None)
            subwidget["label"] = label
            subwidget["width"] = width
            subwidget["invalid"] = has_error and (
                not self.invalid_parts or part in self.invalid_parts
            )
        return context


class DateField(forms.Field):
    """A date typed as day, month and year. Its errors name the part that is wrong."""

    widget = DateInput

    def __init__(self, *, label: str, **kwargs):
        kwargs.setdefault("error_messages", {}).setdefault("required", f"Enter the {label.lower()}")
        super().__init__(label=label, **kwargs)

    def to_python(self, value):
        self.widget.invalid_parts = set()
        if isinstance(value, dt.date) or value in self.empty_values:
            return value or None
        parts = dict(
            zip(("day", "month", "year"), (str(v or "").strip() for v in value), strict=False)
        )
        if not any(parts.values()):
            return None
        label = self.label
        missing = [part for part, text in parts.items() if not text]
        if missing:
            self.widget.invalid_parts = set(missing)
            raise ValidationError(f"{label} must include a {' and a '.join(missing)}")
        day, month, year = parts["day"], parts["month"], parts["year"]
        for part, text, low, high in (("day", day, 1, 31), ("month", month, 1, 12)):
            if not is_number(text) or not low <= int(text) <= high:
                self.widget.invalid_parts = {part}
                raise ValidationError(
                    f"{label} must be a real date: the {part} must be a number from {low} to {high}"
                )
        if not (is_number(year) and len(year) == 4):
            self.widget.invalid_parts = {"year"}
            raise ValidationError(f"{label} must be a real date: the year must have 4 numbers")
        try:
            return dt.date(int(year), int(month), int(day))
        except ValueError:
            self.widget.invalid_parts = {"day"}
            raise ValidationError(
                f"{label} must be a real date: {MONTHS[int(month) - 1]} {year} does not have "
                f"{int(day)} days"
            ) from None


def posted(request, *, files: bool = False):
    """What a view binds its form to: the POST (even an empty one, so that a form sent
    blank shows its errors) or None for a GET. With files=True, (data, files)."""
    if request.method != "POST":
        return (None, None) if files else None
    return (request.POST, request.FILES) if files else request.POST


# What a person is told when someone else changed the record while they were looking at it.
def changed(noun: str) -> str:
    return f"Someone else changed this {noun} while you were looking at it. Check it and try again."


class VersionedForm(forms.Form):
    """Every form that changes a record carries the version it was shown at, so a save
    cannot overwrite a change someone else made in between (the services check it)."""

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={
            "required": "This page is out of date: reload it and try again",
            "invalid": "This page is out of date: reload it and try again",
        },
    )

    def __new__(cls, *args, **kwargs):
        # Kept so that again() can make the same form with other data.
        form = super().__new__(cls)
        form._made_with = (args, kwargs)
        return form

    def again(self, *, version: int) -> "VersionedForm":
        """Someone else changed the record: this form again, with what the person typed,
        now at the record's current version, so that sending it once more goes through."""
        args, kwargs = self._made_with
        data = self.data.copy()
        data["version"] = str(version)
        if args:
            args = (data, *args[1:])
        else:
            kwargs = {**kwargs, "data": data}
        return type(self)(*args, **kwargs)

    def changed_meanwhile(self, *, version: int, noun: str) -> "VersionedForm":
        """This form again (`again`), with an error at the top saying that someone else
        changed the `noun` first: the page shows it in the error summary, "Error:" in its
        title, and keeps what the person typed."""
        form = self.again(version=version)
        form.is_valid()
        form.add_error(None, changed(noun))
        return form


class LongSelect(forms.Select):
    """The GOV.UK select for a list of thousands of options (every school): the same HTML
    as the project's select template, but its options are joined in Python rather than
    each rendered through the option template, which costs about a millisecond an option.
    Without option groups, which such lists do not have."""

    template_name = "django/forms/widgets/long_select.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        options = (
            option
            for _group, group_options, _index in context["widget"]["optgroups"]
            for option in group_options
        )
        context["widget"]["options_html"] = format_html_join(
            "\n  ",
            "{}",
            (
                (
                    format_html(
                        '<option value="{}"{}>{}</option>',
                        option["value"],
                        mark_safe(" selected") if option["selected"] else "",
                        option["label"],
                    ),
                )
                for option in options
            ),
        )
        return context


def name_filter(label: str, hint: str = "All or part of its name") -> forms.CharField:
    """A list's filter by part of a name, for things there can be thousands of (schools,
    settings, providers): a select of them all is too long to choose from and to render."""
    return forms.CharField(
        label=label,
        help_text=hint,
        required=False,
        max_length=100,
        strip=True,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20", "spellcheck": "false"}),
    )


class ChoiceByUuid(forms.ModelChoiceField):
    """A choice of object by UUID: a value that is not a UUID at all is an invalid choice
    like any other, not the database field's own message."""

    def __init__(self, **kwargs):
        super().__init__(to_field_name="uuid", **kwargs)

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from None


class ChoicesByUuid(forms.ModelMultipleChoiceField):
    """Several objects chosen by UUID, with the same message for a value that is not one."""

    def __init__(self, **kwargs):
        super().__init__(to_field_name="uuid", **kwargs)

    def _check_values(self, value):
        try:
            return super()._check_values(value)
        except ValidationError:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from None


class PoundsInput(forms.TextInput):
    """The GOV.UK text input with a "£" prefix, for an amount kept in whole pence."""

    template_name = "django/forms/widgets/govuk_pounds.html"

    def __init__(self, attrs=None):
        super().__init__(
            {
                "class": "govuk-input--width-10",
                "inputmode": "decimal",
                "spellcheck": "false",
                **(attrs or {}),
            }
        )

    def format_value(self, value):
        # Pence from the record are shown as pounds; what was typed is shown as typed.
        if isinstance(value, int) and not isinstance(value, bool):
            whole, part = divmod(value, 100)
            return f"{whole}.{part:02d}"
        return super().format_value(value)


class PoundsField(forms.Field):
    """An amount typed in pounds ("9000", "9,000.50", "£9000"), cleaned to whole pence
    (lib.money), never a float. `label` names the amount in its error messages."""

    widget = PoundsInput

    def __init__(
        self, *, label: str, min_pence: int | None = 0, max_pence: int = MOST_PENCE, **kwargs
    ):
        what = label[0].lower() + label[1:]
        self.what = what if what.startswith("the ") else f"the {what}"
        self.min_pence, self.max_pence = min_pence, max_pence
        kwargs.setdefault("error_messages", {}).setdefault("required", f"Enter {self.what}")
        super().__init__(label=label, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, int):
            return value
        text = str(value).strip().replace(",", "").replace(" ", "").removeprefix("£")
        if not text:
            return None
        try:
            pence = pence_from_pounds(text)
        except ValueError:
            raise ValidationError(
                f"Enter {self.what} in pounds and pence, like 9000 or 9000.50"
            ) from None
        if self.min_pence is not None and pence < self.min_pence:
            raise ValidationError(
                f"{self.what[0].upper()}{self.what[1:]} must be {pounds(self.min_pence)} or more"
            )
        if pence > self.max_pence:
            raise ValidationError(
                f"{self.what[0].upper()}{self.what[1:]} must be {pounds(self.max_pence)} or less"
            )
        return pence


def text_field(label: str, required: str, *, max_length=2000, rows=4, required_field=True, hint=""):
    """A GOV.UK textarea with its messages: `required` when empty, the limit when too long."""
    return forms.CharField(
        label=label,
        help_text=hint,
        max_length=max_length,
        required=required_field,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": required,
            "max_length": f"{label} must be {max_length:,} characters or fewer",
        },
    )


def line_field(label: str, required: str, *, max_length=200, required_field=True, hint=""):
    """A one-line text input with its messages."""
    return forms.CharField(
        label=label,
        help_text=hint,
        max_length=max_length,
        required=required_field,
        error_messages={
            "required": required,
            "max_length": f"{label} must be {max_length:,} characters or fewer",
        },
    )


def choice_field(label: str, choices, required: str, *, radios=True):
    """Radios (or a select) whose one message serves for nothing chosen and a bad choice."""
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect if radios else forms.Select,
        error_messages={"required": required, "invalid_choice": required},
    )


_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?(am|pm)?$")
NAMED_TIMES = {"midday": dt.time(12), "noon": dt.time(12), "midnight": dt.time(0)}


class TimeField(forms.Field):
    """A time of day as people write it: 9am, 9:30am, 2.15pm or 14:30 (an hour alone needs
    am or pm). Shown back the GOV.UK way ("9:30am")."""

    def __init__(self, *, label: str, **kwargs):
        kwargs.setdefault("error_messages", {}).setdefault("required", f"Enter the {label.lower()}")
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"class": "govuk-input--width-5", "autocomplete": "off"}),
        )
        super().__init__(label=label, **kwargs)

    def prepare_value(self, value):
        # "12pm", not time_of_day's "midday": the box is read back by to_python.
        if isinstance(value, dt.time) and value.minute == 0 and value.hour in (0, 12):
            return "12pm" if value.hour else "12am"
        return time_of_day(value) if isinstance(value, dt.time) else value

    def to_python(self, value):
        if isinstance(value, dt.time):
            return value
        text = str(value or "").strip().lower().replace(" ", "")
        if not text:
            return None
        if text in NAMED_TIMES:
            return NAMED_TIMES[text]
        match = _TIME.match(text[:10])
        wrong = ValidationError(f"Enter the {self.label.lower()} like 9:30am or 2pm")
        if not match:
            raise wrong
        hour, minute, suffix = int(match[1]), int(match[2] or 0), match[3]
        if minute > 59:
            raise wrong
        if suffix:
            if not 1 <= hour <= 12:
                raise wrong
            hour = hour % 12 + (12 if suffix == "pm" else 0)
        elif hour > 23 or match[2] is None:
            raise wrong
        return dt.time(hour, minute)
