"""The monitoring records a placement keeps, declared once: for each kind, its label, the
model, the form and which dates must not be in the future. Views and the service read
this table; nothing else lists the kinds."""

from dataclasses import dataclass

from placements import forms, models


@dataclass(frozen=True)
class Kind:
    slug: str
    label: str  # "Add a target", "Add an assessment" (with its article, lib.words)
    heading: str  # the section on the placement's page
    model: type
    form: type
    past_dates: tuple[str, ...] = ()
    needs_ended: bool = False  # only after the placement has ended


KINDS = {
    k.slug: k
    for k in [
        Kind("target", "target", "Targets", models.Target, forms.TargetForm),
        Kind(
            "target-review",
            "review of a target",
            "Targets",
            models.TargetReview,
            forms.TargetReviewForm,
            ("reviewed_on",),
        ),
        Kind(
            "assessment",
            "assessment",
            "Assessments",
            models.Assessment,
            forms.AssessmentForm,
            ("taken_on",),
        ),
        Kind(
            "qualification",
            "qualification",
            "Qualifications gained",
            models.Qualification,
            forms.QualificationForm,
            ("gained_on",),
        ),
        Kind(
            "behaviour",
            "behaviour entry",
            "Behaviour",
            models.BehaviourEntry,
            forms.BehaviourForm,
            ("happened_on",),
        ),
        Kind(
            "review",
            "review meeting",
            "Review meetings",
            models.Review,
            forms.ReviewForm,
            ("held_on",),
        ),
        Kind("plan", "support plan", "Support plans", models.SupportPlan, forms.PlanForm),
        Kind(
            "student-view",
            "student's view",
            "The student's view",
            models.StudentView,
            forms.StudentViewForm,
            ("given_on",),
        ),
        Kind(
            "follow-up",
            "destination follow-up",
            "Destination follow-ups",
            models.ExitFollowUp,
            forms.FollowUpForm,
            ("checked_on",),
            needs_ended=True,
        ),
    ]
}


def model_fields(kind: Kind, data: dict) -> dict:
    """The cleaned data the model stores."""
    names = {f.name for f in kind.model._meta.get_fields()}
    return {k: v for k, v in data.items() if k in names}
