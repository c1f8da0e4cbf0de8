from django import forms

from accounts.models import SCHOOL_KINDS, Organisation
from lib.forms import ChoiceByUuid, ChoicesByUuid
from panels.models import APPROVALS, AgendaItem, Outcome
from panels.selectors import later_meetings, open_meetings
from programmes.models import ROUTE_PANEL_STEPS, CapacityRule, Meeting, PanelStep


def _text(label: str, *, required_message: str = "", hint: str = "", rows: int = 4):
    return forms.CharField(
        label=label,
        help_text=hint,
        required=bool(required_message),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": required_message,
            "max_length": f"{label} must be 4,000 characters or fewer",
        },
    )


def _meeting_label(meeting: Meeting) -> str:
    return f"{meeting.date:%A %-d %B %Y} (referral deadline {meeting.referral_deadline:%-d %B %Y})"


class DecisionForm(forms.Form):
    """One item's decision. Only the outcomes and details the item's step allows are
    offered; the service checks the rest (quorum, conflicts, capacity)."""

    outcome = forms.ChoiceField(
        label="Outcome",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the panel's outcome",
            "invalid_choice": "Select the panel's outcome",
        },
    )
    rationale = _text(
        "The panel's rationale",
        required_message="Enter the panel's rationale",
        hint="The school reads this in the outcome notice.",
    )
    conditions = _text("Conditions", hint="Only when approved with conditions.", rows=3)
    information_needed = _text(
        "What the panel needs",
        hint="When deferred or asking for more information: the school reads this.",
        rows=3,
    )
    deferred_to = ChoiceByUuid(
        label="Deferred to",
        help_text="Only when deferred.",
        queryset=Meeting.objects.none(),
        required=False,
        empty_label="Choose a later meeting",
        error_messages={"invalid_choice": "Choose a later meeting from the list"},
    )
    cohort = ChoiceByUuid(
        label="Cohort",
        help_text="The cohort the student joins, when approved.",
        queryset=None,
        required=False,
        empty_label="Choose a cohort",
        error_messages={"invalid_choice": "Choose a cohort from the list"},
    )
    receiving_school = ChoiceByUuid(
        label="Receiving school",
        help_text="The school the panel allocated, when approved.",
        queryset=None,
        required=False,
        empty_label="Choose a school",
        error_messages={"invalid_choice": "Choose a school from the list"},
    )

    def __init__(self, *args, item: AgendaItem, cohorts=(), **kwargs):
        super().__init__(*args, **kwargs)
        application = item.application
        programme = application.programme
        steps = ROUTE_PANEL_STEPS[programme.route]
        last_step = steps[-1] == item.step
        by_cohort = last_step and programme.capacity_rule == CapacityRule.COHORT
        self.fields["outcome"].choices = [
            (o.value, o.label) for o in Outcome if o != Outcome.WAITING_LIST or by_cohort
        ]
        self.fields["deferred_to"].queryset = later_meetings(item.meeting)
        self.fields["deferred_to"].label_from_instance = _meeting_label
        if by_cohort:
            self.fields["cohort"].queryset = programme.cohorts.order_by("starts_on")
            labels = {c.pk: c for c in cohorts}
            self.fields["cohort"].label_from_instance = lambda c: (
                f"{c.name}, from {c.starts_on:%-d %B %Y}"
                + (
                    f" ({labels[c.pk].taken} of {c.capacity} places taken)"
                    if c.pk in labels and c.capacity
                    else ""
                )
            )
        else:
            del self.fields["cohort"]
        if item.step == PanelStep.ALLOCATION:
            self.fields["receiving_school"].queryset = (
                Organisation.objects.filter(kind__in=SCHOOL_KINDS, is_active=True)
                .exclude(pk=application.school_id)
                .order_by("name")
            )
        else:
            del self.fields["receiving_school"]

    def clean(self):
        data = super().clean()
        outcome = data.get("outcome")
        if outcome == Outcome.APPROVED_WITH_CONDITIONS and not data.get("conditions"):
            self.add_error("conditions", "Enter the conditions of the approval")
        if outcome in (Outcome.DEFERRED, Outcome.MORE_INFORMATION) and not data.get(
            "information_needed"
        ):
            self.add_error("information_needed", "Enter what the panel needs")
        if outcome == Outcome.DEFERRED and not data.get("deferred_to"):
            self.add_error("deferred_to", "Choose the meeting the item is deferred to")
        if outcome in APPROVALS:
            if "cohort" in self.fields and not data.get("cohort"):
                self.add_error("cohort", "Choose the cohort the student joins")
            if "receiving_school" in self.fields and not data.get("receiving_school"):
                self.add_error("receiving_school", "Choose the receiving school")
        return data


class MoveForm(forms.Form):
    to = ChoiceByUuid(
        label="Move to the meeting on",
        queryset=Meeting.objects.none(),
        empty_label="Choose a meeting",
        error_messages={
            "required": "Choose the meeting to move the item to",
            "invalid_choice": "Choose a meeting from the list",
        },
    )
    reason = _text("Why it is moving", required_message="Enter why the item is moving", rows=3)

    def __init__(self, *args, item: AgendaItem, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = (
            open_meetings(item.meeting.panel).exclude(pk=item.meeting_id).order_by("date")
        )
        self.fields["to"].label_from_instance = _meeting_label


class AttendanceForm(forms.Form):
    members = ChoicesByUuid(
        label="Who is present?",
        help_text="Members from the referring school are left out of that item's decision.",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "Choose members from the list"},
    )

    def __init__(self, *args, panel_members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = panel_members
        self.fields["members"].label_from_instance = lambda m: (
            f"{m.user.full_name}, {m.get_position_display().lower()}"
            + (f", for {m.represents.name}" if m.represents_id else "")
            + (f" ({m.seat.title})" if m.seat_id else "")
        )
