"""Taking a step on an application's page, the same way for every audience: the school,
the CAP team and the provider each offer the steps the workflow table gives their actor
(applications.steps holds each step's form and service)."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import redirect

from applications.models import Application
from applications.rules import can_act_on_application
from applications.steps import STEPS, Step, step_take
from applications.workflow import TRANSITIONS, Actor, Transition, allowed, next_steps, route_of
from lib.errors import Conflict, Refused
from lib.forms import changed


def _first_lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def step_form(step: Step, application: Application, data=None) -> Form:
    """One step's form, blank or as it was sent. Several steps share a page, so each
    form's ids are its own."""
    form = step.form(
        application, data=data, initial={"version": application.version}, auto_id=f"{step.name}-%s"
    )
    form.step = step.name
    return form


def steps_open(user, application: Application, actor: str, *, bound: Form | None = None):
    """The steps of `actor` that the user can take now, in the table's order, each with its
    form; `bound` (a form sent back with errors) replaces its step's blank one."""
    found = []
    for transition in next_steps(application.status, route_of(application)):
        step = STEPS.get(transition.name)
        if step is None or actor not in transition.actors:
            continue
        if not can_act_on_application(user, application, transition.name):
            continue
        if bound is not None and bound.step == transition.name:
            form = bound
        else:
            form = step_form(step, application)
        found.append({"transition": transition, "step": step, "form": form})
    return found


def not_open(application: Application, transition: Transition, sent_version=None) -> str:
    """Why a step cannot be taken now, in words for the person who tried."""
    step = _first_lower(transition.label)
    if not allowed(transition.name, application.status, route_of(application)):
        status = application.get_status_display()
        if sent_version is not None and str(sent_version) != str(application.version):
            return (
                f"Application {application.reference} has changed since you opened it: it is "
                f"now at “{status}”, so you cannot {step}."
            )
        return (
            f"Application {application.reference} is now at “{status}”, so you cannot {step}. "
            "It may already have been done."
        )
    who = " or ".join(Actor(actor).label for actor in transition.actors)
    return f"Only {who} can {step}."


def act(
    request,
    application: Application,
    name: str,
    *,
    actor: str,
    page: Callable[[Application, Form], HttpResponse],
    back: str,
) -> HttpResponse:
    """Take one step from a POST. A step the person cannot take now is refused with the
    reason; a form with errors, or one whose record someone else changed meanwhile, comes
    back with what they typed (`page` renders it); otherwise back to `back`."""
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise Http404
    step = STEPS.get(name)
    user = request.user
    sent_version = request.POST.get("version")
    if step is None or actor not in transition.actors:
        messages.error(request, not_open(application, transition))
        return redirect(back)
    if not can_act_on_application(user, application, name):
        messages.error(request, not_open(application, transition, sent_version))
        return redirect(back)
    form = step_form(step, application, request.POST)
    if not form.is_valid():
        return page(application, form)
    try:
        application = step_take(step, application, form, user)
    except Conflict:
        application.refresh_from_db()
        if not can_act_on_application(user, application, name):
            messages.error(request, not_open(application, transition, sent_version))
            return redirect(back)
        messages.error(request, changed("application"))
        form = form.again(version=application.version)
        form.step = name
        return page(application, form)
    except (Refused, PermissionDenied) as refused:
        # The step was undone; an effect may have refused after the move.
        application.refresh_from_db()
        if getattr(refused, "field", None) in form.fields:
            form.add_error(refused.field, str(refused))
            return page(application, form)
        still_open = can_act_on_application(user, application, name)
        messages.error(request, str(refused) if still_open else not_open(application, transition))
        return redirect(back)
    messages.success(
        request, f"Application {application.reference}: {_first_lower(transition.done)}"
    )
    return redirect(back)
