"""The CAP team's side of applications: the queue, an application's page, each CAP step of
the provider route, and assignment to an officer."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.rules import Area
from accounts.views import area_required
from applications import selectors, services
from applications.forms import AssignForm
from applications.models import Application, reference_parse
from applications.rules import can_assign_application
from applications.selectors import answers_by_page, documents_for
from applications.views import acting
from applications.views.schools import get_application_for_user
from applications.workflow import Actor, Status
from lib.forms import ChoiceByUuid, name_filter
from lib.sections import sections_for
from programmes.models import Programme

PAGE_SIZE = 50


class QueueFilterForm(forms.Form):
    """The queue's filters, sent by GET so a filtered queue can be bookmarked."""

    reference = forms.CharField(
        required=False,
        label="Reference",
        max_length=30,
        help_text="For example, CAP-2026-00123",
    )

    programme = ChoiceByUuid(
        required=False,
        label="Programme",
        queryset=Programme.objects.select_related("year").order_by("-year__starts_on", "name"),
        empty_label="All programmes",
        error_messages={"invalid_choice": "Select a programme from the list"},
    )
    # Schools and providers are found by part of their name: there are thousands of each,
    # too many for a list to choose from (and a list of them all was most of the page's time
    # and size).
    school = name_filter("School")
    provider = name_filter("Provider")
    step = forms.ChoiceField(
        label="Step",
        required=False,
        choices=[
            ("", "All open steps"),
            *[(s.value, s.label) for s in Status if s not in (Status.DRAFT, Status.DISCARDED)],
            (selectors.ANY_STEP, "Any step, finished ones too"),
        ],
        error_messages={"invalid_choice": "Select a step from the list"},
    )
    officer = forms.ChoiceField(
        label="Officer",
        required=False,
        error_messages={"invalid_choice": "Select an officer from the list"},
    )
    overdue = forms.BooleanField(label="Overdue only", required=False)
    sort = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].label_from_instance = lambda p: f"{p.name} ({p.year.name})"
        self.fields["officer"].choices = [
            ("", "Anyone"),
            (selectors.UNASSIGNED, "Unassigned"),
            *[
                (str(uuid), name)
                for uuid, name in selectors.cap_officers().values_list("uuid", "full_name")
            ],
        ]

    def clean_reference(self) -> str:
        text = self.cleaned_data["reference"].strip()
        if not text:
            return ""
        reference = reference_parse(text)
        if reference is None:
            raise forms.ValidationError("Enter a reference like CAP-2026-00123")
        return reference

    def filters(self) -> dict:
        """The valid filters; a bad value in one is reported and the others still apply."""
        self.is_valid()
        cleaned = self.cleaned_data
        return {
            "programme": cleaned.get("programme"),
            "school": cleaned.get("school") or "",
            "provider": cleaned.get("provider") or "",
            "step": cleaned.get("step") or "",
            "officer": cleaned.get("officer") or "",
            "overdue": bool(cleaned.get("overdue")),
            "reference": cleaned.get("reference") or "",
        }


def _sort_columns(current: str) -> dict[str, dict]:
    """Each sortable column's aria-sort and the sort its header link asks for. A column
    first sorts ascending, but age first sorts oldest first."""
    columns = {}
    for column in selectors.SORT_COLUMNS:
        first = f"-{column}" if column == "age" else column
        if current.lstrip("-") == column:
            descending = current.startswith("-")
            aria = "descending" if descending else "ascending"
            following = column if descending else f"-{column}"
        else:
            aria, following = "none", first
        columns[column] = {"aria_sort": aria, "sort": following}
    return columns


@area_required(Area.CASEWORK)
@require_GET
def queue(request):
    today = timezone.localdate()
    form = QueueFilterForm(request.GET)
    sort = request.GET.get("sort") or selectors.DEFAULT_SORT
    if sort.lstrip("-") not in selectors.SORT_COLUMNS:
        sort = selectors.DEFAULT_SORT
    applications = selectors.queue(request.user, today=today, sort=sort, **form.filters())
    page = Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "casework/queue.html",
        {
            "filter_form": form,
            "form": form,
            "page": page,
            "rows": selectors.queue_rows(page.object_list, today=today),
            "sort": sort,
            "columns": _sort_columns(sort),
            "filtered": any(request.GET.get(name) for name in form.fields if name != "sort"),
            "page_sections": sections_for("casework:queue", request),
            "today": today,
        },
    )


def _application_page(
    request,
    application: Application,
    *,
    step_form: forms.Form | None = None,
    assign_form: forms.Form | None = None,
):
    user = request.user
    failed_assign_form = assign_form
    actions = acting.steps_open(user, application, Actor.CAP, bound=step_form)
    if assign_form is None and can_assign_application(user, application):
        assign_form = AssignForm(
            officers=selectors.cap_officers(),
            initial={"officer": application.assigned_to_id},
            auto_id="assign-%s",
        )
    return render(
        request,
        "casework/application.html",
        {
            "application": application,
            "due_on": selectors.due_on(application),
            "sections": answers_by_page(application) if application.programme_id else [],
            "shared_sections": set(application.shared_sections or []),
            "documents": documents_for(application),
            "timeline": selectors.timeline(application),
            "page_sections": sections_for("casework:application", request, application),
            "actions": actions,
            "assign_form": assign_form,
            # The form that failed, for the error summary and the page title.
            "form": step_form if step_form is not None else failed_assign_form,
        },
    )


@area_required(Area.CASEWORK)
@require_GET
def application(request, application_uuid):
    application = get_application_for_user(request.user, application_uuid)
    services.application_read(application=application, by=request.user)
    return _application_page(request, application)


@area_required(Area.CASEWORK)
@require_POST
def act(request, application_uuid, step):
    application = get_application_for_user(request.user, application_uuid)
    return acting.act(
        request,
        application,
        step,
        actor=Actor.CAP,
        page=lambda application, form: _application_page(request, application, step_form=form),
        back=reverse("casework:application", args=[application.uuid]),
    )


@area_required(Area.CASEWORK)
@require_POST
def assign(request, application_uuid):
    application = get_application_for_user(request.user, application_uuid)
    if not can_assign_application(request.user, application):
        messages.error(request, "Only CAP officers assign applications.")
        return redirect("casework:application", application.uuid)
    form = AssignForm(request.POST, officers=selectors.cap_officers(), auto_id="assign-%s")
    if not form.is_valid():
        return _application_page(request, application, assign_form=form)
    officer = form.cleaned_data["officer"]
    try:
        application = services.application_assign(
            application=application, officer=officer, by=request.user
        )
    except PermissionDenied as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            f"Application {application.reference} assigned to {officer.full_name}"
            if officer
            else f"Application {application.reference} is no longer assigned to anyone",
        )
    return redirect("casework:application", application.uuid)
