"""Each step a person takes on an application's page, beside the workflow table: the form
it asks for and the service that takes it. Who may take it is the table's
(Transition.actors, asked through applications.rules.can_act_on_application); which page
offers it follows from that. One view helper (applications.views.acting) reads this for
schools, the CAP team and providers alike.

A domain above applications registers its own steps at start-up (panels: offering a place
from the waiting list), since applications does not import it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.forms import Form

from applications import forms as f
from applications import journey, services
from applications.models import Application
from applications.selectors import documents_for
from applications.workflow import TRANSITIONS
from lib.forms import VersionedForm

# The pages of the form that never go in a provider's pack: the programme is the pack's
# subject, and documents are chosen one by one.
NOT_IN_PACK = {"programme", "evidence"}


def _plain(form_class: type[VersionedForm]) -> Callable[..., VersionedForm]:
    return lambda application, **kwargs: form_class(**kwargs)


@dataclass(frozen=True)
class Step:
    name: str  # a transition of the workflow table
    form: Callable[..., Form]  # form(application, **form kwargs)
    service: Callable[..., Application]  # service(application=, version=, by=, **fields)
    heading: str = ""  # above the form, where the button's words are not enough
    intro: str = ""  # what the person is told above the form, where it needs saying


STEPS: dict[str, Step] = {}


def step_register(step: Step) -> None:
    if step.name not in TRANSITIONS:
        raise ValueError(f"No transition {step.name} in the workflow table")
    STEPS[step.name] = step


def step_take(step: Step, application: Application, form: Form, by) -> Application:
    """Take the step with the form's answers: each field is the service's keyword."""
    return step.service(application=application, by=by, **form.cleaned_data)


def _pack_form(application: Application, **kwargs) -> f.PackForm:
    return f.PackForm(
        sections=[
            (page.slug, page.title)
            for page in journey.pages_for(application)
            if page.slug not in NOT_IN_PACK
        ],
        documents=documents_for(application),
        **kwargs,
    )


def _start_form(application: Application, **kwargs) -> f.StartDateForm:
    kwargs["initial"].setdefault("start_on", application.proposed_start_on)
    return f.StartDateForm(**kwargs)


def _panel_start_form(application: Application, **kwargs) -> f.PanelStartForm:
    cohort = application.cohort
    kwargs["initial"].setdefault("start_on", cohort.starts_on if cohort else None)
    kwargs["initial"].setdefault("days_per_week", application.programme.days_per_week)
    return f.PanelStartForm(**kwargs)


for _step in [
    # The school's.
    Step("resubmit", _plain(f.AnswerForm), services.application_resubmit),
    Step("answer_panel", _plain(f.PanelAnswerForm), services.application_answer_panel),
    # The CAP team's.
    Step("return_to_school", _plain(f.QuestionForm), services.application_return),
    Step("accept", _plain(f.ConfirmForm), services.application_accept),
    Step("refer_to_panel", _plain(f.ConfirmForm), services.application_refer_to_panel),
    Step(
        "record_alternatives", _plain(f.AlternativesForm), services.application_record_alternatives
    ),
    Step("confirm_panel_start", _panel_start_form, services.application_confirm_panel_start),
    Step("decline", _plain(f.ReasonForm), services.application_decline),
    Step("send_pack", _pack_form, services.application_send_pack),
    Step("confirm_start", _start_form, services.application_confirm_start),
    Step("set_up_placement", _plain(f.ConfirmForm), services.application_set_up_placement),
    Step("close", _plain(f.ReasonForm), services.application_close),
    # The school's or the provider's.
    Step(
        "arrange_interview",
        _plain(f.InterviewForm),
        services.application_arrange_interview,
        heading="Arrange or record the interview",
        intro="The school may record it instead. Both of you are told once it is recorded.",
    ),
    # The provider's.
    Step(
        "hold_interview",
        _plain(f.ConfirmForm),
        services.application_hold_interview,
        heading="Record the interview",
        intro="Once the interview has taken place, record it here. You can then respond.",
    ),
    Step(
        "provider_accept",
        _plain(f.StartDateForm),
        services.application_provider_accept,
        heading="Offer a place from",
        intro=(
            "The first day the student can start: a school day, on or after the interview. "
            "The CAP team confirms the start date with the school."
        ),
    ),
    Step(
        "provider_decline",
        _plain(f.ProviderDeclineForm),
        services.application_provider_decline,
        heading="Decline",
        intro="The CAP team sees your reason and looks for another course with the school.",
    ),
]:
    step_register(_step)
