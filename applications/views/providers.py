"""The training provider's side of applications: the packs CAP sent to the provider's
organisation, one pack's page, and the provider's steps on it (interview and response).

A provider sees only what CAP chose to share (applications.rules.can_view_pack): the
student's name, date of birth and year group, the school, the course, CAP's note, the
shared pages of the form and the shared documents. Nothing else about the student.
"""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from accounts.rules import Area
from accounts.views import area_required
from applications import services, workflow
from applications.models import Application
from applications.rules import can_view_pack, packs_visible_to
from applications.selectors import answers_by_page, documents_for
from applications.views import acting
from applications.workflow import Actor, Status
from lib.sections import sections_for

PAGE_SIZE = 50
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


def _render_pack(request, application: Application, form=None):
    shared = set(application.shared_sections or [])
    return render(
        request,
        "providers/pack.html",
        {
            "application": application,
            "student": application.student,
            "sections": [s for s in answers_by_page(application) if s["page"].slug in shared],
            "documents": documents_for(application).filter(shared_with_provider=True),
            "steps": acting.steps_open(request.user, application, Actor.PROVIDER, bound=form),
            # What apps above applications add to the pack's page (finance: the place's fee).
            "page_sections": sections_for("providers:pack", request, application),
            # The form being acted on, for the error summary and the page title.
            "form": form,
        },
    )


@area_required(Area.PROVIDERS)
@require_GET
def pack(request, application_uuid):
    application = get_pack_for_user(request.user, application_uuid)
    services.application_read(application=application, by=request.user, pack=True)
    return _render_pack(request, application)


@area_required(Area.PROVIDERS)
@require_POST
def act(request, application_uuid, step):
    application = get_pack_for_user(request.user, application_uuid)
    return acting.act(
        request,
        application,
        step,
        actor=Actor.PROVIDER,
        page=lambda application, form: _render_pack(request, application, form),
        back=reverse("providers:pack", args=[application.uuid]),
    )
