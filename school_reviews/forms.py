"""Forms for the school review meetings. Each error reads the GOV.UK way and sits beside its
field; the services check the rest (the date in the term, a due date not before the
meeting) and the views show their refusals beside the field they name."""

from django import forms

from lib.forms import DateField, TimeField, VersionedForm, line_field, text_field


class MeetingForm(forms.Form):
    held_on = DateField(label="Date of the meeting", help_text="For example, 27 3 2026")
    starts_at = TimeField(label="Time", help_text="For example, 10am or 1:30pm")
    place = line_field("Where", "Enter where the meeting is held", hint="For example, the school")
    attendees = text_field(
        "Who attends",
        "Enter who attends",
        max_length=2000,
        rows=3,
        hint="Names and roles, one a line",
    )


class MeetingEditForm(VersionedForm, MeetingForm):
    pass


class MinutesForm(VersionedForm):
    minutes = text_field("Minutes", "Enter the minutes", max_length=20000, rows=12)


class NotesForm(VersionedForm):
    notes = text_field(
        "Minutes about this student",
        "Enter the minutes about this student",
        max_length=5000,
        rows=6,
    )


class ConfirmForm(VersionedForm):
    """A button that changes the meeting (share, refresh the agenda): only the version."""


SOMEONE_ELSE = "else"


class ActionForm(forms.Form):
    text = text_field("Action", "Enter the action", max_length=500, rows=3)
    owner = forms.ChoiceField(
        label="Owner",
        help_text="Someone at the school or in the CAP team, or someone else named below",
        error_messages={"required": "Choose the owner", "invalid_choice": "Choose the owner"},
    )
    owner_name = line_field(
        "Owner's name",
        "",
        max_length=150,
        required_field=False,
        hint="Only for someone else",
    )
    owner_organisation_name = line_field(
        "Owner's organisation",
        "",
        max_length=150,
        required_field=False,
        hint="Only for someone else",
    )
    due_on = DateField(label="Due date", help_text="For example, 27 3 2026")

    def __init__(self, *args, people: list[tuple[int, int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {
            f"{user}-{organisation}": (user, organisation) for user, organisation, _ in people
        }
        self.fields["owner"].choices = [
            ("", "Choose the owner"),
            *((f"{user}-{organisation}", words) for user, organisation, words in people),
            (SOMEONE_ELSE, "Someone else"),
        ]

    def clean(self):
        data = super().clean()
        owner = data.get("owner")
        data["owner_ids"] = self.people.get(owner) if owner else None
        if owner == SOMEONE_ELSE:
            if not data.get("owner_name") and "owner_name" not in self.errors:
                self.add_error("owner_name", "Enter the owner's name")
            if (
                not data.get("owner_organisation_name")
                and "owner_organisation_name" not in self.errors
            ):
                self.add_error("owner_organisation_name", "Enter the owner's organisation")
        return data
