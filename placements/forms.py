"""Forms for placements. The register itself is not a Django form: its cells are parsed in
the view into services.Entry rows, which register_save checks as a whole."""

from django import forms

from accounts.models import OrganisationKind, Role, User
from lib.forms import DateField, VersionedForm, choice_field, line_field, name_filter, text_field
from placements import models, schedule, selectors
from placements.models import ExitOutcome

SESSION_CHOICES = [
    (
        key,
        f"{schedule.DAY_NAMES[key.split('_')[0]]} "
        f"{'morning' if key.endswith('am') else 'afternoon'}",
    )
    for key in schedule.SESSION_KEYS
]


class PlacementForm(VersionedForm):
    pattern = forms.MultipleChoiceField(
        label="Sessions at the setting",
        help_text=(
            "Outside any phase. Every other school session of the placement is at the home school."
        ),
        choices=SESSION_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "Choose sessions from the school week"},
    )
    pattern_from = DateField(
        label="The new sessions start on",
        required=False,
        help_text=(
            "Only when you change the sessions: today or later. Past sessions keep the "
            "pattern they had. For example, 27 3 2026"
        ),
    )
    monitoring_officer = forms.ModelChoiceField(
        label="Monitoring officer",
        queryset=User.objects.none(),
        required=False,
        empty_label="Not assigned",
        error_messages={"invalid_choice": "Choose a monitoring officer from the list"},
    )
    safeguarding_confirmed_on = DateField(
        label="Date of the provider's written confirmation of safeguarding checks",
        required=False,
        help_text="For example, 27 3 2026",
    )
    safeguarding_confirmed_by = line_field(
        "Who at the provider confirmed it",
        "",
        required_field=False,
        hint="Their name and role, such as Jo Bloggs, designated safeguarding lead",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["monitoring_officer"].queryset = User.objects.filter(
            is_active=True,
            memberships__organisation__kind=OrganisationKind.LOCAL_AUTHORITY,
            memberships__role__in=[Role.MONITORING_OFFICER, Role.CAP_OFFICER],
        ).distinct()

    def clean(self):
        data = super().clean()
        on, by = (
            data.get("safeguarding_confirmed_on"),
            (data.get("safeguarding_confirmed_by") or ""),
        )
        if on and not by.strip():
            self.add_error("safeguarding_confirmed_by", "Enter who at the provider confirmed it")
        if by.strip() and not on and "safeguarding_confirmed_on" not in self.errors:
            self.add_error("safeguarding_confirmed_on", "Enter the date of the confirmation")
        return data


class ExitForm(VersionedForm):
    ended_on = DateField(label="Date the placement ended")
    outcome = choice_field("Outcome", ExitOutcome.choices, "Choose the outcome")
    detail = text_field(
        "Details",
        "",
        required_field=False,
        hint="For a post-16 destination, the college, employer or training provider",
    )


class DatesForm(VersionedForm):
    starts_on = DateField(
        label="Start date", help_text="It can change only before the placement starts"
    )
    planned_end_on = DateField(
        label="Planned end date",
        help_text="The last school day of the placement: half terms and holidays are not "
        "school weeks",
    )


class ManagedMoveForm(forms.Form):
    moves_on = DateField(
        label="Date the student joins your school's roll",
        help_text="For example, 27 4 2026. From this day your school is the student's home school.",
    )


class ReportRunForm(forms.Form):
    term = forms.ModelChoiceField(
        label="Term",
        queryset=None,
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the term", "invalid_choice": "Choose the term"},
    )

    def __init__(self, *args, terms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].queryset = terms
        self.fields["term"].label_from_instance = lambda t: f"{t.name} {t.year}"


# --- Monitoring records: one form per kind ----------------------------------------------


class TargetForm(forms.Form):
    text = line_field("Target", "Enter the target", max_length=500)
    set_on = DateField(label="Date set")
    review_by = DateField(label="Review by", required=False)


class TargetReviewForm(forms.Form):
    target = forms.ModelChoiceField(
        label="Target",
        queryset=None,
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the target", "invalid_choice": "Choose the target"},
    )
    reviewed_on = DateField(label="Date reviewed")
    status = choice_field("Progress", models.TargetStatus.choices, "Choose the progress")
    note = text_field("What was seen", "", required_field=False)

    def __init__(self, *args, placement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = placement.targets.all()
        self.fields["target"].label_from_instance = lambda t: t.text


class AssessmentForm(forms.Form):
    kind = choice_field("Assessment", models.AssessmentKind.choices, "Choose the assessment")
    taken_on = DateField(label="Date taken")
    score = forms.IntegerField(
        label="Score, if it has one",
        required=False,
        min_value=0,
        max_value=1000,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-4"}),
        error_messages={
            "invalid": "Score must be a whole number",
            "min_value": "Score must be 0 or more",
            "max_value": "Score must be 1,000 or less",
        },
    )
    summary = text_field("Summary", "Enter a summary of the assessment")


class QualificationForm(forms.Form):
    title = line_field("Qualification", "Enter the qualification")
    level = line_field("Level", "", max_length=40, required_field=False)
    grade = line_field("Grade", "", max_length=40, required_field=False)
    gained_on = DateField(label="Date gained")


class BehaviourForm(forms.Form):
    happened_on = DateField(label="Date")
    kind = choice_field(
        "Positive or negative", models.BehaviourKind.choices, "Choose positive or negative"
    )
    category = choice_field(
        "Category", models.BehaviourCategory.choices, "Choose the category", radios=False
    )
    note = text_field("What happened", "Enter what happened")


class ReviewForm(forms.Form):
    held_on = DateField(label="Date of the meeting")
    attendees = text_field("Who attended", "Enter who attended", rows=2)
    notes = text_field("Notes", "Enter the notes of the meeting", max_length=5000, rows=6)
    action_1 = line_field("Action", "", max_length=300, required_field=False)
    owner_1 = line_field("Owner", "", max_length=120, required_field=False)
    due_1 = DateField(label="Due", required=False)
    action_2 = line_field("Second action", "", max_length=300, required_field=False)
    owner_2 = line_field("Owner of the second action", "", max_length=120, required_field=False)
    due_2 = DateField(label="Second action due", required=False)

    def clean(self):
        data = super().clean()
        actions = []
        for n in (1, 2):
            action, owner, due = (data.get(f"{k}_{n}") for k in ("action", "owner", "due"))
            if action and (not owner or not due):
                if not owner:
                    self.add_error(f"owner_{n}", "Enter who owns the action")
                if not due and f"due_{n}" not in self.errors:
                    self.add_error(f"due_{n}", "Enter when the action is due")
            elif (owner or due) and not action:
                self.add_error(f"action_{n}", "Enter the action")
            elif action:
                actions.append({"action": action, "owner": owner, "due_on": due.isoformat()})
        data["actions"] = actions
        return data


class PlanForm(forms.Form):
    kind = choice_field("Plan", models.PlanKind.choices, "Choose the plan")
    starts_on = DateField(label="Start date")
    review_on = DateField(label="Review date")
    summary = text_field("What the plan says", "Enter what the plan says", max_length=5000)

    def clean(self):
        data = super().clean()
        if (
            data.get("starts_on")
            and data.get("review_on")
            and data["review_on"] < data["starts_on"]
        ):
            self.add_error("review_on", "The review date must be on or after the start date")
        return data


class StudentViewForm(forms.Form):
    given_on = DateField(label="Date given")
    view = text_field(
        "The student's view, in their words", "Enter the student's view", max_length=5000
    )


class FollowUpForm(forms.Form):
    checked_on = DateField(label="Date checked")
    still_there = forms.TypedChoiceField(
        label="Is the young person still in the destination?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose yes or no", "invalid_choice": "Choose yes or no"},
    )
    note = text_field("Notes", "", required_field=False)


# --- Today's whereabouts ----------------------------------------------------------------

STATUS_CHOICES = [
    ("", "All"),
    (selectors.EXCEPTIONS, "Missing marks, absences and alerts"),
    (selectors.MISSING, "No mark after the register closed"),
    (selectors.ABSENT, "Marked absent"),
    (selectors.WAITING, "Waiting for the register"),
    (selectors.MARKED, "Marked present or on an approved activity"),
    (selectors.AT_HOME, "At their home school"),
]


class WhereaboutsFilterForm(forms.Form):
    """The whereabouts page's filters, sent by GET so a filtered list can be bookmarked.

    Settings and schools are found by part of their name: there can be thousands of each,
    too many for a list to choose from. Programmes and monitoring officers are chosen from
    those of the placements open today that the person sees (a few dozen at most)."""

    status = forms.ChoiceField(label="Status", choices=STATUS_CHOICES, required=False)
    setting = name_filter("Setting")
    school = name_filter("Home school")
    officer = forms.ChoiceField(label="Monitoring officer", required=False)
    programme = forms.ChoiceField(label="Programme", required=False)

    def __init__(self, data, *, programmes, officers, with_school: bool):
        super().__init__(data)
        self.fields["programme"].choices = [("", "All"), *programmes]
        self.fields["officer"].choices = [("", "All"), *((str(u), name) for u, name in officers)]
        if not with_school:
            del self.fields["school"]
