"""One form per page of the application form. Each owns its page's fields; none checks the
application as a whole (applications.checks does that at submit)."""

from dataclasses import dataclass

from django import forms
from django.utils import timezone

from applications.models import Agency, Application, ProviderDeclineReason
from lib.forms import DateField, VersionedForm
from programmes.models import Course, Programme

# A student can be suspended for at most 45 school days in a school year: more than 50
# suspensions is a typing mistake.
SUSPENSIONS_MAX = 50


class PageForm(VersionedForm):
    # The Application fields this page owns, in order; they become the check-answers rows.
    owns: tuple[str, ...] = ()

    def __init__(self, *args, application: Application, **kwargs):
        self.application = application
        super().__init__(*args, **kwargs)

    @classmethod
    def initial_for(cls, application: Application) -> dict:
        return {
            **{name: getattr(application, name) for name in cls.owns},
            "version": application.version,
        }

    def answers(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.owns}


def _text(label: str, hint: str = "", *, required: bool = True, rows: int = 5) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        required=required,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={
            "required": f"Enter {label[0].lower()}{label[1:]}",
            "max_length": f"{label} must be 5,000 characters or fewer",
        },
    )


def year_groups_words(groups: list[int]) -> str:
    """ "Year 11", "Years 7 to 11", or "Years 7, 9 and 11"."""
    groups = sorted(groups)
    if not groups:  # the loader flags a programme with none; its page must still open
        return "No year group set"
    if len(groups) == 1:
        return f"Year {groups[0]}"
    if groups == list(range(groups[0], groups[-1] + 1)):
        return f"Years {groups[0]} to {groups[-1]}"
    return "Years " + ", ".join(str(g) for g in groups[:-1]) + f" and {groups[-1]}"


def programme_facts(programme: Programme) -> list[tuple[str, str]]:
    """What a school needs to choose a programme, all from the model file: who it is for,
    how long, how many days a week and the route an application takes."""
    from_weeks, to_weeks = programme.min_weeks, programme.max_weeks
    length = (
        f"{to_weeks} week{'s' if to_weeks != 1 else ''}"
        if from_weeks == to_weeks
        else f"{from_weeks} to {to_weeks} weeks"
    )
    facts = [
        ("Who it is for", f"Students in {year_groups_words(programme.year_groups)}"),
        ("Length", length),
    ]
    if programme.days_per_week is not None:
        days = programme.days_per_week.normalize()
        facts.append(("Days a week", f"{days:f} day{'s' if days != 1 else ''} a week"))
    facts.append(("Route", programme.get_route_display()))
    return facts


@dataclass(frozen=True)
class ProgrammeOption:
    programme: Programme
    facts: list[tuple[str, str]]
    reason: str = ""  # why the student cannot have it; "" when they can
    radio: object = None  # the radio button, for a programme the student can have


class ProgrammeForm(PageForm):
    """The programmes the student can have at the planned start, as radios with what each
    is; the others are listed (`unavailable`) with the reason. Tier order, then the model
    file's order."""

    owns = ("programme",)
    programme = forms.ModelChoiceField(
        queryset=Programme.objects.none(),
        widget=forms.RadioSelect,
        label="Which programme are you applying for?",
        empty_label=None,
        error_messages={
            "required": "Select the programme",
            "invalid_choice": "Select a programme the student can apply for",
        },
    )

    def __init__(self, *args, choices: list[tuple[Programme, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.programme_choices = sorted(choices, key=lambda c: (c[0].tier.number, c[0].order))
        open_ids = [p.pk for p, reason in self.programme_choices if not reason]
        field = self.fields["programme"]
        field.queryset = Programme.objects.filter(pk__in=open_ids).order_by("tier__number", "order")
        field.label_from_instance = lambda p: f"Tier {p.tier.number}: {p.name}"
        # The radios are drawn from this list, not by iterating the field (no query).
        field.choices = [
            (p.pk, f"Tier {p.tier.number}: {p.name}") for p, r in self.programme_choices if not r
        ]
        if self.initial.get("programme") is not None:
            initial = self.initial["programme"]
            self.initial["programme"] = getattr(initial, "pk", initial)

    @property
    def options(self) -> list[ProgrammeOption]:
        radios = iter(self["programme"])
        return [
            ProgrammeOption(p, programme_facts(p), reason, None if reason else next(radios))
            for p, reason in self.programme_choices
            if not reason
        ]

    @property
    def unavailable(self) -> list[ProgrammeOption]:
        return [ProgrammeOption(p, programme_facts(p), r) for p, r in self.programme_choices if r]


class CourseForm(PageForm):
    owns = ("course",)
    course = forms.ModelChoiceField(
        queryset=Course.objects.none(),
        widget=forms.RadioSelect,
        label="Which course?",
        empty_label=None,
        error_messages={"required": "Select the course", "invalid_choice": "Select the course"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        programme = self.application.programme
        self.fields["course"].queryset = (
            Course.objects.filter(programme=programme).select_related("provider")
            if programme
            else Course.objects.none()
        )
        self.fields["course"].label_from_instance = lambda c: (
            f"{c.title}, {c.provider.name} ({c.weeks} weeks, {c.days_per_week.normalize()} "
            f"day{'s' if c.days_per_week != 1 else ''} a week"
            + (f", £{c.fee:,.0f}" if c.fee is not None else "")
            + ")"
        )


class ReasonsForm(PageForm):
    owns = ("referral_reason", "reasons_detail")
    referral_reason = forms.ChoiceField(
        choices=Application._meta.get_field("referral_reason").choices,
        widget=forms.RadioSelect,
        label="What is the main reason for this application?",
        error_messages={
            "required": "Select the main reason for this application",
            "invalid_choice": "Select the main reason for this application",
        },
    )
    reasons_detail = _text(
        "Why you are applying",
        "What is happening now, and why this programme is the right support at this time.",
    )


class QuestionsForm(PageForm):
    """The programme's own referral questions, from the model of support."""

    owns = ("question_answers",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        answers = self.application.question_answers or {}
        for question in self.application.programme.questions.all():
            self.fields[f"q_{question.key}"] = _text(question.text, rows=4)
            self.fields[f"q_{question.key}"].error_messages["required"] = "Answer this question"
            self.initial.setdefault(f"q_{question.key}", answers.get(question.key, ""))

    @classmethod
    def initial_for(cls, application):
        return {"version": application.version}

    def answers(self) -> dict:
        return {
            "question_answers": {
                name[2:]: value
                for name, value in self.cleaned_data.items()
                if name.startswith("q_")
            }
        }


class NeedsForm(PageForm):
    owns = ("needs_summary", "risks_summary")
    needs_summary = _text(
        "The student's needs",
        "Learning, special educational, health and social needs, and how they are met now.",
    )
    risks_summary = _text(
        "Risks",
        "Risks to the student or to others, and how they are managed. Upload the risk "
        "assessment with the evidence.",
    )


class HistoryForm(PageForm):
    owns = ("attendance_percent", "suspensions_this_year", "behaviour_summary")
    attendance_percent = forms.DecimalField(
        label="Attendance this academic year, as a percentage",
        min_value=0,
        max_value=100,
        max_digits=4,
        decimal_places=1,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-4"}),
        error_messages={
            "required": "Enter the student's attendance as a percentage, from 0 to 100",
            "invalid": "Attendance must be a percentage from 0 to 100, like 85 or 85.5",
            "min_value": "Attendance must be between 0 and 100",
            "max_value": "Attendance must be between 0 and 100",
            "max_digits": "Attendance must be between 0 and 100",
            "max_decimal_places": "Attendance must be between 0 and 100, to one decimal place",
        },
    )
    suspensions_this_year = forms.IntegerField(
        label="Suspensions this academic year",
        min_value=0,
        max_value=SUSPENSIONS_MAX,
        help_text=f"From 0 to {SUSPENSIONS_MAX}.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        error_messages={
            "required": f"Enter the number of suspensions, from 0 to {SUSPENSIONS_MAX}",
            "invalid": f"The number of suspensions must be a whole number from 0 to "
            f"{SUSPENSIONS_MAX}, like 2",
            "min_value": f"The number of suspensions must be between 0 and {SUSPENSIONS_MAX}",
            "max_value": f"The number of suspensions must be between 0 and {SUSPENSIONS_MAX}",
        },
    )
    behaviour_summary = _text("Behaviour", "Patterns, incidents and what makes a difference.")


class InterventionsForm(PageForm):
    owns = ("interventions",)
    interventions = _text(
        "Interventions already tried",
        "For each: what was done, for how long, and what difference it made.",
        rows=8,
    )


class AgenciesForm(PageForm):
    owns = ("agencies", "agencies_detail")
    agencies = forms.MultipleChoiceField(
        choices=Agency.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Which agencies are involved with the student or family?",
        help_text="Select all that apply.",
        error_messages={"invalid_choice": "Select the agencies from the list"},
    )
    agencies_detail = _text(
        "What each agency is doing",
        "Names of workers are not needed. Leave blank if no agency is involved.",
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("agencies") and not cleaned.get("agencies_detail"):
            self.add_error("agencies_detail", "Enter what each agency is doing")
        return cleaned


class VoiceForm(PageForm):
    owns = ("student_voice",)
    student_voice = _text(
        "The student's own view",
        "What the student says about school, their strengths and what would help, in their "
        "own words where you can.",
    )


class ParentsForm(PageForm):
    owns = ("parent_views", "parental_consent", "parental_consent_date")
    parent_views = _text("Parents' or carers' views")
    parental_consent = forms.TypedChoiceField(
        label="Have the parents or carers given their consent to this application?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select yes if the parents or carers have given consent",
            "invalid_choice": "Select yes if the parents or carers have given consent",
        },
    )
    parental_consent_date = DateField(
        label="Date consent was given", required=False, help_text="For example, 27 3 2026"
    )

    def clean_parental_consent_date(self):
        given = self.cleaned_data.get("parental_consent_date")
        if given and given > timezone.localdate():
            raise forms.ValidationError("The date consent was given must be today or in the past")
        return given

    @classmethod
    def initial_for(cls, application):
        initial = super().initial_for(application)
        consent = application.parental_consent
        initial["parental_consent"] = None if consent is None else ("yes" if consent else "no")
        return initial

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("parental_consent") is True
            and not cleaned.get("parental_consent_date")
            and "parental_consent_date" not in self.errors
        ):
            self.add_error("parental_consent_date", "Enter the date consent was given")
        if cleaned.get("parental_consent") is False:
            cleaned["parental_consent_date"] = None
        return cleaned


class PlanForm(PageForm):
    owns = (
        "plan_objectives",
        "plan_starts_on",
        "plan_ends_on",
        "plan_first_review_on",
        "plan_review_frequency_weeks",
        "plan_success",
        "plan_readiness",
    )
    plan_objectives = _text("Objectives", "What the placement should achieve, and the baseline.")
    plan_starts_on = DateField(label="Planned start date", help_text="For example, 5 1 2027")
    plan_ends_on = DateField(label="Planned end date")
    plan_first_review_on = DateField(label="Date of the first review")
    plan_review_frequency_weeks = forms.IntegerField(
        label="Review every how many weeks?",
        min_value=1,
        max_value=26,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-2"}),
        error_messages={
            "required": "Enter how often the plan is reviewed, from 1 to 26 weeks",
            "invalid": "Enter how often the plan is reviewed as a whole number of weeks from 1 "
            "to 26, like 4",
            "min_value": "Reviews must be between 1 and 26 weeks apart",
            "max_value": "Reviews must be between 1 and 26 weeks apart",
        },
    )
    plan_success = _text("What success looks like")
    plan_readiness = _text(
        "How you will know the student is ready to return or move on",
        "The criteria for judging readiness to return to full-time school, or for the next step.",
    )

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("plan_starts_on"), cleaned.get("plan_ends_on")
        review = cleaned.get("plan_first_review_on")
        if starts and ends and ends <= starts:
            self.add_error("plan_ends_on", "The planned end date must be after the start date")
        if starts and ends and review and not starts <= review <= ends:
            self.add_error(
                "plan_first_review_on", "The first review must be between the start and end dates"
            )
        return cleaned


class SubmitForm(VersionedForm):
    pass


class WithdrawForm(VersionedForm):
    reason = forms.CharField(
        label="Why are you withdrawing this application?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Enter why you are withdrawing this application",
            "max_length": "The reason must be 2,000 characters or fewer",
        },
    )


# --- The steps after submission -----------------------------------------------------------
# One small form for each step of the provider route after submission. Each carries the
# version it was shown at (forms.VersionedForm); the services check dates and permissions.


def _reason_text(label: str, required_message: str, *, hint: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": required_message,
            "max_length": f"{label} must be 2,000 characters or fewer",
        },
    )


class ConfirmForm(VersionedForm):
    """A step with nothing to type: accept, interview held, set up the placement."""


class QuestionForm(VersionedForm):
    question = _reason_text(
        "Your question for the school",
        "Enter your question for the school",
        hint="The school sees this and answers it before the application comes back to you.",
    )


class AnswerForm(VersionedForm):
    answer = _reason_text("Your answer", "Enter your answer to the CAP team's question")


class PanelAnswerForm(VersionedForm):
    answer = _reason_text("Your answer", "Enter your answer to the panel's question")


class ReasonForm(VersionedForm):
    reason = _reason_text("Reason", "Enter the reason")


class PackForm(VersionedForm):
    sections = forms.MultipleChoiceField(
        label="Which parts of the application go in the pack?",
        help_text="The provider sees only these, and the documents you choose.",
        widget=forms.CheckboxSelectMultiple,
        choices=[],
        error_messages={
            "required": "Select the parts of the application to send",
            "invalid_choice": "Select the parts of the application to send",
        },
    )
    documents = forms.ModelMultipleChoiceField(
        label="Which documents go in the pack?",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "Select documents from the list"},
    )
    note = forms.CharField(
        label="Note for the provider (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": "The note must be 2,000 characters or fewer"},
    )

    def __init__(self, *args, sections, documents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sections"].choices = sections
        self.fields["documents"].queryset = documents
        self.fields["documents"].label_from_instance = lambda d: (
            f"{d.filename} ({d.checklist_item.name if d.checklist_item else 'other'})"
        )


class InterviewForm(VersionedForm):
    on = DateField(label="Interview date", help_text="For example, 14 1 2027")
    details = forms.CharField(
        label="Time, place and who will be there",
        max_length=300,
        error_messages={
            "required": "Enter the time, place and who will be there",
            "max_length": "Keep the details to 300 characters or fewer",
        },
    )


class StartDateForm(VersionedForm):
    start_on = DateField(label="Start date", help_text="For example, 18 1 2027")


class ProviderDeclineForm(VersionedForm):
    reason = forms.ChoiceField(
        label="Why can you not offer a place?",
        choices=ProviderDeclineReason.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select why you cannot offer a place",
            "invalid_choice": "Select why you cannot offer a place",
        },
    )
    detail = _reason_text("More about the reason", "Say more about the reason")


class AssignForm(forms.Form):
    officer = forms.ModelChoiceField(
        label="Assign to",
        queryset=None,
        required=False,
        empty_label="Nobody",
        error_messages={"invalid_choice": "Select a CAP officer from the list"},
    )

    def __init__(self, *args, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = officers


class AlternativesForm(VersionedForm):
    alternatives = _reason_text(
        "Alternatives explored with the school",
        "Enter the alternatives explored with the school",
        hint="What else was considered for the student, and what the school will do next.",
    )


class CohortForm(VersionedForm):
    cohort = forms.ModelChoiceField(
        label="Cohort",
        queryset=None,
        to_field_name="uuid",
        empty_label="Choose a cohort",
        error_messages={
            "required": "Choose the cohort with a free place",
            "invalid_choice": "Choose a cohort from the list",
        },
    )

    def __init__(self, *args, cohorts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = cohorts
        self.fields["cohort"].label_from_instance = lambda c: (
            f"{c.name}, from {c.starts_on:%-d %B %Y}"
        )


class PanelStartForm(VersionedForm):
    start_on = DateField(label="Start date", help_text="For example, 18 1 2027")
    days_per_week = forms.DecimalField(
        label="Days a week at the setting",
        min_value=0.5,
        max_value=5,
        max_digits=2,
        decimal_places=1,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input--width-3"}),
        error_messages={
            "required": "Enter the days a week at the setting, from 0.5 to 5",
            "invalid": "Enter the days a week as a number from 0.5 to 5, like 4 or 2.5",
            "min_value": "Days a week must be between 0.5 and 5",
            "max_value": "Days a week must be between 0.5 and 5",
            "max_digits": "Enter the days a week as a number from 0.5 to 5, like 4 or 2.5",
            "max_decimal_places": "Enter the days a week from 0.5 to 5, to one decimal place, "
            "like 2.5",
        },
    )
