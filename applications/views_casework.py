"""The CAP team's side of applications: the queue, an application's page, each CAP step of
the provider route, and assignment to an officer."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.models import PROVIDER_KINDS, SCHOOL_KINDS, Organisation
from accounts.permissions import Area, can_act_on_application, can_assign_application
from accounts.views import area_required
from applications import forms_actions, journey, selectors, services, workflow
from applications import selectors_casework as casework
from applications.models import Application
from applications.selectors import answers_by_page, documents_for
from applications.views import CHANGED, get_application_for_user
from applications.workflow import Actor, Status
from panels import selectors as panel_selectors
from programmes.models import Programme

PAGE_SIZE = 50

# The steps CAP takes on this page, in the order the workflow table gives them.
CASEWORK_STEPS = tuple(name for name, t in workflow.TRANSITIONS.items() if Actor.CAP in t.actors)
# The pages of the form that never go in a provider's pack: the programme is the pack's
# subject, and documents are chosen one by one.
NOT_IN_PACK = {"programme", "evidence"}


class UuidChoiceField(forms.ModelChoiceField):
    """A choice of object by UUID. A value that is not a UUID at all is an invalid choice
    like any other, not the database field's own message."""

    def __init__(self, **kwargs):
        super().__init__(to_field_name="uuid", required=False, **kwargs)

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError:
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from None


class QueueFilterForm(forms.Form):
    """The queue's filters, sent by GET so a filtered queue can be bookmarked."""

    programme = UuidChoiceField(
        label="Programme",
        queryset=Programme.objects.select_related("year").order_by("-year__starts_on", "name"),
        empty_label="All programmes",
        error_messages={"invalid_choice": "Select a programme from the list"},
    )
    school = UuidChoiceField(
        label="School",
        queryset=Organisation.objects.filter(kind__in=SCHOOL_KINDS).order_by("name"),
        empty_label="All schools",
        error_messages={"invalid_choice": "Select a school from the list"},
    )
    provider = UuidChoiceField(
        label="Provider",
        queryset=Organisation.objects.filter(kind__in=PROVIDER_KINDS).order_by("name"),
        empty_label="All providers",
        error_messages={"invalid_choice": "Select a provider from the list"},
    )
    step = forms.ChoiceField(
        label="Step",
        required=False,
        choices=[
            ("", "All open steps"),
            *[(s.value, s.label) for s in Status if s not in (Status.DRAFT, Status.DISCARDED)],
            (casework.ANY_STEP, "Any step, finished ones too"),
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
            (casework.UNASSIGNED, "Unassigned"),
            *[
                (str(uuid), name)
                for uuid, name in selectors.cap_officers().values_list("uuid", "full_name")
            ],
        ]

    def filters(self) -> dict:
        """The valid filters; a bad value in one is reported and the others still apply."""
        self.is_valid()
        cleaned = self.cleaned_data
        return {
            "programme": cleaned.get("programme"),
            "school": cleaned.get("school"),
            "provider": cleaned.get("provider"),
            "step": cleaned.get("step") or "",
            "officer": cleaned.get("officer") or "",
            "overdue": bool(cleaned.get("overdue")),
        }


def _sort_columns(current: str) -> dict[str, dict]:
    """Each sortable column's aria-sort and the sort its header link asks for. A column
    first sorts ascending, but age first sorts oldest first."""
    columns = {}
    for column in casework.SORT_COLUMNS:
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
    sort = request.GET.get("sort") or casework.DEFAULT_SORT
    if sort.lstrip("-") not in casework.SORT_COLUMNS:
        sort = casework.DEFAULT_SORT
    applications = casework.queue(request.user, today=today, sort=sort, **form.filters())
    page = Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "casework/queue.html",
        {
            "filter_form": form,
            "form": form,
            "page": page,
            "rows": casework.queue_rows(page.object_list, today=today),
            "sort": sort,
            "columns": _sort_columns(sort),
            "filtered": any(request.GET.get(name) for name in form.fields if name != "sort"),
            "overdue_notices": panel_selectors.overdue_notices(today=today),
            "today": today,
        },
    )


def _step_form(name: str, application: Application, data=None) -> forms.Form:
    """The form for one CAP step, blank or as it was sent."""
    kwargs = {
        "data": data,
        "initial": {"version": application.version},
        # Several steps share a page: each form's ids are its own.
        "auto_id": f"{name}-%s",
    }
    if name in ("return_to_school",):
        return forms_actions.QuestionForm(**kwargs)
    if name in ("decline", "close"):
        return forms_actions.ReasonForm(**kwargs)
    if name == "send_pack":
        return forms_actions.PackForm(
            sections=[
                (page.slug, page.title)
                for page in journey.pages_for(application)
                if page.slug not in NOT_IN_PACK
            ],
            documents=documents_for(application),
            **kwargs,
        )
    if name == "confirm_start":
        kwargs["initial"]["start_on"] = application.proposed_start_on
        return forms_actions.StartDateForm(**kwargs)
    if name == "record_alternatives":
        return forms_actions.AlternativesForm(**kwargs)
    if name == "offer_place":
        return forms_actions.CohortForm(cohorts=application.programme.cohorts.all(), **kwargs)
    if name == "confirm_panel_start":
        cohort = application.cohort
        kwargs["initial"]["start_on"] = cohort.starts_on if cohort else None
        kwargs["initial"]["days_per_week"] = application.programme.days_per_week
        return forms_actions.PanelStartForm(**kwargs)
    return forms_actions.ConfirmForm(**kwargs)


def _take_step(name: str, application: Application, form: forms.Form, by) -> Application:
    data = form.cleaned_data
    common = {"application": application, "version": data["version"], "by": by}
    if name == "return_to_school":
        return services.application_return(question=data["question"], **common)
    if name == "accept":
        return services.application_accept(**common)
    if name == "refer_to_panel":
        return services.application_refer_to_panel(**common)
    if name == "record_alternatives":
        return services.application_record_alternatives(alternatives=data["alternatives"], **common)
    if name == "offer_place":
        return services.application_offer_place(cohort=data["cohort"], **common)
    if name == "confirm_panel_start":
        return services.application_confirm_panel_start(
            start_on=data["start_on"], days_per_week=data["days_per_week"], **common
        )
    if name == "decline":
        return services.application_decline(reason=data["reason"], **common)
    if name == "send_pack":
        return services.application_send_pack(
            sections=data["sections"],
            documents=list(data["documents"]),
            note=data["note"],
            **common,
        )
    if name == "confirm_start":
        return services.application_confirm_start(start_on=data["start_on"], **common)
    if name == "set_up_placement":
        return services.application_set_up_placement(**common)
    if name == "close":
        return services.application_close(reason=data["reason"], **common)
    raise AssertionError(f"No casework step {name}")


def _first_lower(text: str) -> str:
    return text[:1].lower() + text[1:]


def _not_open(user, application: Application, transition: workflow.Transition) -> str:
    """Why a step cannot be taken now, in words for the person who tried."""
    step = _first_lower(transition.label)
    if not workflow.allowed(transition.name, application.status, workflow.route_of(application)):
        return (
            f"Application {application.reference} is now at “{application.get_status_display()}”, "
            f"so you cannot {step}. It may already have been done."
        )
    who = " or ".join(Actor(actor).label for actor in transition.actors)
    return f"Only {who} can {step}."


def _application_page(
    request,
    application: Application,
    *,
    step: str | None = None,
    step_form: forms.Form | None = None,
    assign_form: forms.Form | None = None,
):
    user = request.user
    failed_assign_form = assign_form
    actions = [
        {
            "transition": t,
            "form": step_form if t.name == step else _step_form(t.name, application),
        }
        for t in workflow.next_steps(application.status, workflow.route_of(application))
        if t.name in CASEWORK_STEPS and can_act_on_application(user, application, t.name)
    ]
    if assign_form is None and can_assign_application(user, application):
        assign_form = forms_actions.AssignForm(
            officers=selectors.cap_officers(),
            initial={"officer": application.assigned_to_id},
            auto_id="assign-%s",
        )
    return render(
        request,
        "casework/application.html",
        {
            "application": application,
            "due_on": casework.due_on(application),
            "sections": answers_by_page(application) if application.programme_id else [],
            "shared_sections": set(application.shared_sections or []),
            "documents": documents_for(application),
            "timeline": selectors.timeline(application),
            "panel": panel_selectors.application_panels(application),
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
    return _application_page(request, application)


@area_required(Area.CASEWORK)
@require_POST
def act(request, application_uuid, step):
    application = get_application_for_user(request.user, application_uuid)
    transition = workflow.TRANSITIONS.get(step)
    if transition is None:
        raise Http404
    if step not in CASEWORK_STEPS or not can_act_on_application(request.user, application, step):
        messages.error(request, _not_open(request.user, application, transition))
        return redirect("casework:application", application.uuid)
    form = _step_form(step, application, request.POST)
    if form.is_valid():
        try:
            application = _take_step(step, application, form, request.user)
        except services.Conflict:
            application.refresh_from_db()
            if not can_act_on_application(request.user, application, step):
                messages.error(request, _not_open(request.user, application, transition))
                return redirect("casework:application", application.uuid)
            # Keep what was typed, with the version now current, and say what happened.
            messages.error(request, CHANGED)
            data = request.POST.copy()
            data["version"] = application.version
            form = _step_form(step, application, data)
        except services.DateRefused as refused:
            form.add_error("start_on", str(refused))
        except (services.NotAllowed, PermissionDenied) as refused:
            application.refresh_from_db()
            message = (
                str(refused)
                if can_act_on_application(request.user, application, step)
                else _not_open(request.user, application, transition)
            )
            messages.error(request, message)
            return redirect("casework:application", application.uuid)
        else:
            messages.success(
                request, f"Application {application.reference}: {_first_lower(transition.done)}"
            )
            return redirect("casework:application", application.uuid)
    return _application_page(request, application, step=step, step_form=form)


@area_required(Area.CASEWORK)
@require_POST
def assign(request, application_uuid):
    application = get_application_for_user(request.user, application_uuid)
    if not can_assign_application(request.user, application):
        messages.error(request, "Only CAP officers assign applications.")
        return redirect("casework:application", application.uuid)
    form = forms_actions.AssignForm(
        request.POST, officers=selectors.cap_officers(), auto_id="assign-%s"
    )
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
