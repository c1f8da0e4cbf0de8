"""Subject access pages (casework): the CAP manager's requests, and the safeguarding lead's
decision for each."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.rules import Area
from accounts.views import area_required
from lib.errors import Refused
from lib.forms import posted
from privacy import subject_access
from privacy.forms_subject_access import (
    SafeguardingDecisionForm,
    StudentSearchForm,
    SubjectAccessStartForm,
)
from privacy.models import SafeguardingDecision
from privacy.rules import can_decide_subject_access_safeguarding, can_manage_subject_access
from students.models import Student
from students.selectors import students_for

PER_PAGE = 50
MOST_MATCHES = 20


def _manager_only(request) -> None:
    if not can_manage_subject_access(request.user):
        raise Http404("No such page")


@area_required(Area.CASEWORK)
@require_GET
def subject_access_list(request):
    _manager_only(request)
    listing = Paginator(subject_access.requests_all(), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "privacy/subject_access/list.html", {"listing": listing})


def _matches(request, search: StudentSearchForm) -> tuple[list[Student], bool]:
    """The first students the search finds, and whether there were more."""
    if not search.is_bound or not search.is_valid():
        return [], False
    students = students_for(request.user, query=search.cleaned_data["q"])
    if search.cleaned_data["date_of_birth"]:
        students = students.filter(date_of_birth=search.cleaned_data["date_of_birth"])
    found = list(students[: MOST_MATCHES + 1])
    return found[:MOST_MATCHES], len(found) > MOST_MATCHES


@area_required(Area.CASEWORK)
@require_http_methods(["GET", "POST"])
def subject_access_start(request):
    _manager_only(request)
    search = StudentSearchForm(request.GET or None)
    matches, more = _matches(request, search)
    form = SubjectAccessStartForm(
        posted(request), students=Student.objects.filter(pk__in=[s.pk for s in matches])
    )
    if request.method == "POST" and form.is_valid():
        try:
            sar = subject_access.subject_access_start(
                student=form.cleaned_data["student"],
                requester=form.cleaned_data["requester"],
                received_on=form.cleaned_data["received_on"],
                by=request.user,
            )
        except Refused as refused:
            form.add_error(refused.field, str(refused))
        else:
            messages.success(
                request,
                f"Request {sar.reference} is recorded. Its zip is being built: this page shows "
                "it when it is ready.",
            )
            return redirect("privacy:subject_access_detail", sar.uuid)
    return render(
        request,
        "privacy/subject_access/start.html",
        {
            "search": search,
            "form": form,
            "matches": matches,
            "more": more,
            "most": MOST_MATCHES,
            "searched": search.is_bound and search.is_valid(),
        },
    )


@area_required(Area.CASEWORK)
@require_GET
def subject_access_detail(request, request_uuid):
    sar = subject_access.get_request_for_manager(request.user, request_uuid)
    return render(
        request,
        "privacy/subject_access/detail.html",
        {
            "sar": sar,
            "keep_days": subject_access.keep_days(),
            "decisions": SafeguardingDecision,
            "may_rebuild": subject_access.may_rebuild(sar),
        },
    )


@area_required(Area.CASEWORK)
@require_GET
def subject_access_download(request, request_uuid):
    sar = subject_access.get_request_for_manager(request.user, request_uuid)
    if not sar.is_ready:
        raise Http404("The zip is not ready")
    try:
        data = subject_access.subject_access_read(request=sar, by=request.user)
    except Refused as refused:
        messages.error(request, str(refused))
        return redirect("privacy:subject_access_detail", sar.uuid)
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="subject-access-{sar.reference}.zip"'
    return response


@area_required(Area.CASEWORK)
@require_POST
def subject_access_rebuild(request, request_uuid):
    sar = subject_access.get_request_for_manager(request.user, request_uuid)
    try:
        subject_access.subject_access_rebuild(request=sar, by=request.user)
    except Refused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request, "The zip is being built again: this page shows it when it is ready."
        )
    return redirect("privacy:subject_access_detail", sar.uuid)


def _lead_only(request) -> None:
    if not can_decide_subject_access_safeguarding(request.user):
        raise Http404("No such page")


@area_required(Area.CASEWORK)
@require_GET
def subject_access_safeguarding_list(request):
    _lead_only(request)
    listing = Paginator(subject_access.requests_waiting_for_safeguarding(), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "privacy/subject_access/safeguarding_list.html", {"listing": listing})


@area_required(Area.CASEWORK)
@require_http_methods(["GET", "POST"])
def subject_access_safeguarding(request, request_uuid):
    sar = subject_access.get_request_for_safeguarding_lead(request.user, request_uuid)
    decided = sar.safeguarding != SafeguardingDecision.PENDING
    form = None if decided else SafeguardingDecisionForm(posted(request))
    if request.method == "POST":
        if form is None:
            messages.error(request, "The decision for this request has been made already.")
            return redirect("privacy:subject_access_safeguarding", sar.uuid)
        if form.is_valid():
            release = form.cleaned_data["decision"] == "release"
            try:
                subject_access.subject_access_safeguarding_decide(
                    request=sar, release=release, by=request.user
                )
            except Refused as refused:
                messages.error(request, str(refused))
            else:
                messages.success(
                    request,
                    f"Safeguarding content is released for request {sar.reference}. The CAP "
                    "manager builds the zip again to include it."
                    if release
                    else f"Safeguarding content is withheld from request {sar.reference}.",
                )
            return redirect("privacy:subject_access_safeguarding_list")
    return render(request, "privacy/subject_access/safeguarding.html", {"sar": sar, "form": form})
