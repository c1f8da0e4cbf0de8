"""The schools' side of applications: start, the form's pages, evidence, check answers and
submit, the list, an application's page, withdraw and discard."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.rules import Area, organisations_in_area
from accounts.views import area_required
from applications import checks, forms, journey, selectors, services
from applications.models import Application, ApplicationDocument
from applications.rules import (
    can_edit_application,
    can_view_application,
    can_withdraw_application,
)
from applications.selectors import answers_by_page, documents_for
from applications.services import (
    application_document_remove,
    application_document_upload,
)
from applications.views import acting
from applications.workflow import Actor, Status
from documents.forms import DocumentUploadForm
from lib.errors import Conflict, Refused
from lib.forms import changed
from lib.sections import sections_for
from programmes.models import Programme
from programmes.selectors import year_current
from students.models import Student
from students.rules import can_view_student

PAGE_SIZE = 50


def get_application_for_user(user, application_uuid) -> Application:
    """The application, or 404 for anyone who may not see it, whether or not it exists."""
    application = get_object_or_404(
        Application.objects.select_related(
            "student", "school", "programme__tier", "programme__year", "course__provider"
        ),
        uuid=application_uuid,
    )
    if not can_view_application(user, application):
        raise Http404
    return application


def _editable(request, application_uuid) -> Application | None:
    application = get_application_for_user(request.user, application_uuid)
    return application if can_edit_application(request.user, application) else None


@area_required(Area.SCHOOLS)
@require_POST
def start(request, student_uuid):
    student = get_object_or_404(Student, uuid=student_uuid)
    if not can_view_student(request.user, student):
        raise Http404
    application = services.application_start(student=student, by=request.user)
    return redirect("applications:page", application.uuid, "programme")


@area_required(Area.SCHOOLS)
@require_GET
def application_list(request):
    # Only the user's own schools' applications, even for someone who also works for CAP.
    applications = selectors.applications_for(request.user).filter(
        school__in=organisations_in_area(request.user, Area.SCHOOLS)
    )
    sent = Paginator(
        applications.exclude(status=Status.DRAFT).order_by("-submitted_at", "-id"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "applications/list.html",
        {
            "drafts": applications.filter(status=Status.DRAFT).order_by("-updated_at"),
            "sent": sent,
        },
    )


def _form_for(page, application, data=None):
    kwargs = {"application": application, "data": data}
    if page.slug == "programme":
        year = year_current()
        kwargs["choices"] = checks.programme_choices(
            application,
            Programme.objects.filter(year=year).select_related("tier", "year"),
            today=timezone.localdate(),
        )
    form = page.form(initial=page.form.initial_for(application), **kwargs)
    return form


@area_required(Area.SCHOOLS)
@require_http_methods(["GET", "POST"])
def page(request, application_uuid, slug):
    application = _editable(request, application_uuid)
    if application is None:
        return redirect("applications:detail", application_uuid)
    current = journey.BY_SLUG.get(slug)
    if current is None or current not in journey.pages_for(application):
        raise Http404
    if current.form is None:
        return evidence(request, application)
    changing = request.GET.get("change") == "1"
    form = _form_for(current, application, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_save_page(
                application=application,
                answers=form.answers(),
                version=form.cleaned_data["version"],
                by=request.user,
            )
        except Conflict:
            # Refused: the error summary says why, and the title starts "Error: ".
            application.refresh_from_db()
            form = form.changed_meanwhile(version=application.version, noun="application")
        else:
            following = journey.next_page(application, slug)
            if changing or following is None:
                return redirect("applications:check", application.uuid)
            return redirect("applications:page", application.uuid, following.slug)
    return render(
        request,
        "applications/page.html",
        {
            "application": application,
            "page": current,
            "form": form,
            "changing": changing,
        },
    )


def evidence(request, application: Application):
    required = checks.required_evidence(application)
    form = DocumentUploadForm(request.POST or None, request.FILES or None, checklist_items=required)
    if request.method == "POST" and form.is_valid():
        uploaded = application_document_upload(
            application=application,
            checklist_item=form.cleaned_data["checklist_item"],
            file=form.cleaned_data["file"],
            dated_on=form.cleaned_data.get("dated_on"),
            by=request.user,
        )
        messages.success(request, f"{uploaded.filename} has been uploaded")
        return redirect("applications:page", application.uuid, "evidence")
    documents = list(documents_for(application))
    required_ids = {item.pk for item in required}
    return render(
        request,
        "applications/evidence.html",
        {
            "application": application,
            "page": journey.BY_SLUG["evidence"],
            "form": form,
            "items": [
                (item, [d for d in documents if d.checklist_item_id == item.pk])
                for item in required
            ],
            # Left from an earlier choice of programme: listed so they can be removed.
            "others": [d for d in documents if d.checklist_item_id not in required_ids],
        },
    )


@area_required(Area.SCHOOLS)
@require_POST
def remove_document(request, application_uuid, document_uuid):
    """Only the school, only while the application is a draft: 404 for anyone who cannot
    see the application, 403 for anyone else who can."""
    application = get_application_for_user(request.user, application_uuid)
    application_document = get_object_or_404(
        ApplicationDocument.objects.select_related("document", "checklist_item"),
        application=application,
        document__uuid=document_uuid,
    )
    application_document_remove(application_document=application_document, by=request.user)
    messages.success(request, f"{application_document.filename} has been removed")
    return redirect("applications:page", application.uuid, "evidence")


@area_required(Area.SCHOOLS)
@require_http_methods(["GET", "POST"])
def check(request, application_uuid):
    application = _editable(request, application_uuid)
    if application is None:
        return redirect("applications:detail", application_uuid)
    form = forms.SubmitForm(request.POST or None, initial={"version": application.version})
    problems = checks.submit_problems(application, today=timezone.localdate())
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_submit(
                application=application,
                version=form.cleaned_data["version"],
                by=request.user,
            )
        except services.SubmitRefused as refused:
            problems = refused.problems
        except Conflict:
            messages.error(request, changed("application"))
            return redirect("applications:check", application.uuid)
        else:
            messages.success(request, f"Application {application.reference} submitted")
            return redirect("applications:detail", application.uuid)
    return render(
        request,
        "applications/check.html",
        {
            "application": application,
            "sections": answers_by_page(application),
            "problems": problems,
            "submitting": request.method == "POST",
            # A refused submit is a refused page: "Error: " in the <title>.
            "has_errors": request.method == "POST" and bool(problems),
            "allowance": checks.allowance_for(application) if application.programme else None,
            "form": form,
        },
    )


@area_required(Area.SCHOOLS)
@require_GET
def detail(request, application_uuid):
    application = get_application_for_user(request.user, application_uuid)
    return render(request, "applications/detail.html", _detail_context(request, application))


@area_required(Area.SCHOOLS)
@require_http_methods(["GET", "POST"])
def withdraw(request, application_uuid):
    application = get_application_for_user(request.user, application_uuid)
    if not can_withdraw_application(request.user, application):
        messages.info(request, "This application cannot be withdrawn now.")
        return redirect("applications:detail", application.uuid)
    form = forms.WithdrawForm(request.POST or None, initial={"version": application.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.application_withdraw(
                application=application,
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data["version"],
                by=request.user,
            )
        except Refused:
            # Conflict or a step no longer open: keep what was typed, at the version now
            # current, and say what happened.
            application.refresh_from_db()
            form = form.changed_meanwhile(version=application.version, noun="application")
        else:
            messages.success(request, f"Application {application.reference} withdrawn")
            return redirect("applications:detail", application.uuid)
    return render(request, "applications/withdraw.html", {"application": application, "form": form})


@area_required(Area.SCHOOLS)
@require_http_methods(["GET", "POST"])
def discard(request, application_uuid):
    application = _editable(request, application_uuid)
    if application is None:
        return redirect("applications:detail", application_uuid)
    form = forms.SubmitForm(request.POST or None, initial={"version": application.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.application_discard(
                application=application, version=form.cleaned_data["version"], by=request.user
            )
        except Conflict:
            messages.error(request, changed("application"))
            return redirect("applications:check", application.uuid)
        messages.success(request, "The draft has been discarded")
        return redirect("applications:list")
    return render(request, "applications/discard.html", {"application": application, "form": form})


# The school's steps after submission, and the form for each.
def _detail_context(request, application, bound=None) -> dict:
    """The application page, with a form for each step the school can take now; `bound` is
    a form sent back with errors, shown in place of its blank one."""
    steps = acting.steps_open(request.user, application, Actor.SCHOOL, bound=bound)
    return {
        "application": application,
        "timeline": selectors.timeline(application),
        "page_sections": sections_for("applications:detail", request, application),
        "documents": documents_for(application),
        "can_edit": can_edit_application(request.user, application),
        "can_withdraw": can_withdraw_application(request.user, application),
        "steps": steps,
        "error_form": bound if bound is not None and bound.errors else None,
        # The school's own answers, read-only (the check-answers rows).
        "sections": answers_by_page(application),
    }


@area_required(Area.SCHOOLS)
@require_POST
def act(request, application_uuid, step):
    """Answer a question from CAP or the panel, or record the interview the school arranged."""
    application = get_application_for_user(request.user, application_uuid)
    return acting.act(
        request,
        application,
        step,
        actor=Actor.SCHOOL,
        page=lambda application, form: render(
            request, "applications/detail.html", _detail_context(request, application, form)
        ),
        back=reverse("applications:detail", args=[application.uuid]),
    )
