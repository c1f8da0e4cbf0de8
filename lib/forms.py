"""Form fields that GOV.UK patterns need and Django does not have."""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError


class DateInput(forms.MultiWidget):
    """The GOV.UK date input: three boxes for day, month and year."""

    template_name = "django/forms/widgets/govuk_date.html"
    use_fieldset = True
    parts = (("day", "Day", 2), ("month", "Month", 2), ("year", "Year", 4))

    def __init__(self, attrs=None):
        widgets = {
            name: forms.TextInput(attrs={"inputmode": "numeric", "data-width": width})
            for name, _, width in self.parts
        }
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        return [None, None, None]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for subwidget, (_, label, width) in zip(
            context["widget"]["subwidgets"], self.parts, strict=True
        ):
            subwidget["part_label"] = label
            subwidget["width"] = width
        return context


class DateField(forms.MultiValueField):
    """A date typed as day, month and year, with GOV.UK error messages that say which part
    is wrong."""

    widget = DateInput

    def __init__(self, *, label: str, **kwargs):
        self.what = label
        fields = (
            forms.CharField(required=False),
            forms.CharField(required=False),
            forms.CharField(required=False),
        )
        super().__init__(fields, require_all_fields=False, label=label, **kwargs)

    def clean(self, value):
        # Validate the parts ourselves so each message names the part that is wrong.
        parts = [str(v).strip() if v is not None else "" for v in (value or ["", "", ""])]
        if not any(parts):
            if self.required:
                raise ValidationError(f"Enter the {self.what.lower()}", code="required")
            return None
        missing = [
            name for (name, _, _), part in zip(DateInput.parts, parts, strict=True) if not part
        ]
        if missing:
            raise ValidationError(
                f"The {self.what.lower()} must include a {' and a '.join(missing)}",
                code="incomplete",
            )
        if not all(part.isdigit() for part in parts):
            raise ValidationError(f"The {self.what.lower()} must be a real date", code="invalid")
        day, month, year = (int(p) for p in parts)
        if len(parts[2]) != 4:
            raise ValidationError(
                f"The year of the {self.what.lower()} must include 4 numbers", code="year"
            )
        try:
            return dt.date(year, month, day)
        except ValueError:
            raise ValidationError(
                f"The {self.what.lower()} must be a real date", code="invalid"
            ) from None

    def compress(self, data_list):  # clean() does the work
        return data_list
