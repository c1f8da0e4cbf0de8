"""The training provider's side of applications: the packs CAP sent to the provider's
organisation, one pack's page, and the provider's steps on it (interview and response).

A provider sees only what CAP chose to share (accounts.permissions.can_view_pack): the
student's name, date of birth and year group, the school, the course, CAP's note, the
shared pages of the form and the shared documents. Nothing else about the student.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.permissions import Area, can_act_on_application, can_view_pack, packs_visible_to
from accounts.views import area_required
from applications import forms_actions, services, workflow
from applications.forms import VersionedForm
from applications.models import Application
from applications.selectors import answers_by_page, documents_for
from applications.workflow import Status

PAGE_SIZE = 50
CHANGED = (
    "Someone else changed this application while you were looking at it. Check it and try again."
)
# What the provider has to do next, for the statuses where the table gives it a step.
WAITING_WORDS = {
    Status.PACK_SENT: "Arrange or record the interview",
    Status.INTERVIEW_ARRANGED: "Record the interview",
    Status.INTERVIEW_HELD: "Respond",
}
# Derived from the workflow table: the statuses in which the provider can act.
WAITING = frozenset(
    status for t in workflow.TRANSITIONS.values() if "provider" in t.actors for status in t.sources
)


@dataclass(frozen=True)
class Action:
    """One provider step: the form it asks for and the service that takes it."""

    form: type[VersionedForm]
    run: Callable[..., Application]
    heading: str
    intro: str = ""
    date_field: str | None = None  # where a DateRefused message belongs


ACTIONS = {
    "arrange_interview": Action(
        forms_actions.InterviewForm,
        lambda application, data, by: services.application_arrange_interview(
            application=application,
            on=data["on"],
            details=data["details"],
            version=data["version"],
            by=by,
        ),
        heading="Arrange or record the interview",
        intro="The school may record it instead. Both of you are told once it is recorded.",
        date_field="on",
    ),
    "hold_interview": Action(
        forms_actions.ConfirmForm,
        lambda application, data, by: services.application_hold_interview(
            application=application, version=data["version"], by=by
        ),
        heading="Record the interview",
        intro="Once the interview has taken place, record it here. You can then respond.",
    ),
    "provider_accept": Action(
        forms_actions.StartDateForm,
        lambda application, data, by: services.application_provider_accept(
            application=application, start_on=data["start_on"], version=data["version"], by=by
        ),
        heading="Offer a place from",
        intro=(
            "The first day the student can start: a school day, on or after the interview. "
            "The CAP team confirms the start date with the school."
        ),
        date_field="start_on",
    ),
    "provider_decline": Action(
        forms_actions.ProviderDeclineForm,
        lambda application, data, by: services.application_provider_decline(
            application=application,
            reason=data["reason"],
            detail=data["detail"],
            version=data["version"],
            by=by,
        ),
        heading="Decline",
        intro="The CAP team sees your reason and looks for another course with the school.",
    ),
}


def get_pack_for_user(user, application_uuid) -> Application:
    """The application, or 404 unless it is a pack sent to one of the user's providers,
    whether or not it exists."""
    application = (
        Application.objects.select_related("student", "school", "programme", "course__provider")
        .filter(uuid=application_uuid)
        .first()
    )
    if application is None or not can_view_pack(user, application):
        raise Http404
    return application


def _packs(user):
    return packs_visible_to(user, Application.objects.all()).select_related(
        "student", "school", "programme", "course__provider"
    )


@area_required(Area.PROVIDERS)
@require_GET
def packs(request):
    packs = _packs(request.user)
    waiting = Paginator(
        packs.filter(status__in=WAITING).order_by("status_changed_at", "id"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    others = Paginator(
        packs.exclude(status__in=WAITING).order_by("-status_changed_at", "-id"), PAGE_SIZE
    ).get_page(request.GET.get("others_page"))
    for application in [*waiting.object_list, *others.object_list]:
        application.waiting_for = WAITING_WORDS.get(application.status, "")
    return render(
        request,
        "providers/packs.html",
        {"waiting": waiting, "others": others},
    )


def _steps(user, application: Application, *, acting: str | None = None, form=None) -> list:
    """The forms for what the user can do now, one per step; the step being taken keeps
    the form as it was sent."""
    steps = []
    for transition in workflow.next_steps(application.status, workflow.route_of(application)):
        action = ACTIONS.get(transition.name)
        if action is None or not can_act_on_application(user, application, transition.name):
            continue
        if transition.name != acting or form is None:
            step_form = action.form(
                initial={"version": application.version}, auto_id=f"id_{transition.name}_%s"
            )
        else:
            step_form = form
        steps.append({"transition": transition, "action": action, "form": step_form})
    return steps


def _render_pack(request, application: Application, *, acting=None, form=None):
    shared = set(application.shared_sections or [])
    return render(
        request,
        "providers/pack.html",
        {
            "application": application,
            "student": application.student,
            "sections": [s for s in answers_by_page(application) if s["page"].slug in shared],
            "documents": documents_for(application).filter(shared_with_provider=True),
            "steps": _steps(request.user, application, acting=acting, form=form),
            # The form being acted on, for the error summary and the page title.
            "form": form,
        },
    )


@area_required(Area.PROVIDERS)
@require_GET
def pack(request, application_uuid):
    application = get_pack_for_user(request.user, application_uuid)
    return _render_pack(request, application)


def _refusal(application: Application, transition: workflow.Transition, sent_version) -> str:
    if not workflow.allowed(transition.name, application.status, workflow.route_of(application)):
        status = application.get_status_display()
        step = transition.label[0].lower() + transition.label[1:]
        if str(sent_version) != str(application.version):
            return (
                f"This application has changed since you opened it: it is now “{status}”, "
                f"so you cannot {step}."
            )
        return f"You cannot {step} now: this application is “{status}”."
    return "You cannot take this step on this application."


@area_required(Area.PROVIDERS)
@require_POST
def act(request, application_uuid, step):
    application = get_pack_for_user(request.user, application_uuid)
    transition = workflow.TRANSITIONS.get(step)
    if transition is None:
        raise Http404
    action = ACTIONS.get(step)
    if action is None or not can_act_on_application(request.user, application, step):
        messages.error(request, _refusal(application, transition, request.POST.get("version")))
        return redirect("providers:pack", application.uuid)
    form = action.form(request.POST, auto_id=f"id_{step}_%s")
    if not form.is_valid():
        return _render_pack(request, application, acting=step, form=form)
    try:
        action.run(application, form.cleaned_data, request.user)
    except services.DateRefused as refused:
        form.add_error(action.date_field, str(refused))
        return _render_pack(request, application, acting=step, form=form)
    except services.Conflict:
        # Keep what was typed, with the version now current, and say what happened.
        messages.error(request, CHANGED)
        application.refresh_from_db()
        if not can_view_pack(request.user, application):
            return redirect("providers:packs")
        form = action.form(
            {**request.POST.dict(), "version": application.version}, auto_id=f"id_{step}_%s"
        )
        return _render_pack(request, application, acting=step, form=form)
    except (services.NotAllowed, PermissionDenied) as refused:
        messages.error(request, str(refused) or "You cannot take this step now.")
        return redirect("providers:pack", application.uuid)
    messages.success(request, f"{transition.done}: application {application.reference}")
    return redirect("providers:pack", application.uuid)
