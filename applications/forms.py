"""One form per page of the application form. Each owns its page's fields; none checks the
application as a whole (applications.checks does that at submit)."""

from django import forms

from applications.models import Agency, Application
from lib.forms import DateField, VersionedForm
from programmes.models import Course, Programme


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


class ProgrammeForm(PageForm):
    owns = ("programme",)
    programme = forms.ModelChoiceField(
        queryset=Programme.objects.none(),
        widget=forms.RadioSelect,
        label="Which programme are you applying for?",
        empty_label=None,
        error_messages={
            "required": "Select the programme",
            "invalid_choice": "Select the programme",
        },
    )

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        self.fields["programme"].label_from_instance = lambda p: f"Tier {p.tier.number}: {p.name}"


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
            "required": "Enter the student's attendance as a percentage",
            "invalid": "Attendance must be a number, like 85 or 85.5",
            "min_value": "Attendance must be between 0 and 100",
            "max_value": "Attendance must be between 0 and 100",
        },
    )
    suspensions_this_year = forms.IntegerField(
        label="Suspensions this academic year",
        min_value=0,
        max_value=200,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        error_messages={
            "required": "Enter the number of suspensions, or 0",
            "invalid": "The number of suspensions must be a whole number, like 2",
            "min_value": "The number of suspensions must be 0 or more",
            "max_value": "Check the number of suspensions",
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
            "required": "Enter how often the plan is reviewed, in weeks",
            "invalid": "Enter a whole number of weeks, like 4",
            "min_value": "Reviews must be at least a week apart",
            "max_value": "Reviews must be at most 26 weeks apart",
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
