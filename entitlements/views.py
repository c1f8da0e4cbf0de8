"""The entitlements pages: the CAP team's (allocations by school and benefit, with missed
weeks flagged; allocating; logging a delivery or a cancellation) under casework, and the
school's (what it has received this year) under schools. Every object comes through a
getter that answers 404 for what the reader may not see."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import SCHOOL_KINDS, Organisation
from accounts.rules import Area
from accounts.views import area_required
from entitlements import selectors, services
from entitlements.forms import AllocationForm, CancellationForm, DeliveryForm, EndForm
from entitlements.models import Allocation
from entitlements.rules import (
    benefits_allocatable_by,
    can_log_delivery,
    can_manage_entitlements,
    can_view_allocation,
    can_view_school_entitlements,
)
from lib.errors import Refused
from lib.forms import posted
from lib.sections import sections_for
from programmes import selectors as programme_selectors
from programmes.models import AcademicYear, Benefit, Subscription

# --- Getters ------------------------------------------------------------------------------


def _casework(user) -> None:
    """The CAP team's pages: in casework, the CAP safeguarding lead and monitoring officers
    find nothing here."""
    if not can_manage_entitlements(user):
        raise Http404


def _year(request) -> AcademicYear | None:
    """The year in ?year=, or the current one; 404 for a year that does not exist."""
    asked = request.GET.get("year")
    if not asked:
        return programme_selectors.year_current()
    try:
        return AcademicYear.objects.get(uuid=asked)
    except (AcademicYear.DoesNotExist, ValidationError):
        raise Http404 from None


def get_allocation(user, allocation_uuid) -> Allocation:
    allocation = get_object_or_404(
        Allocation.objects.select_related("subscription__school", "benefit__year", "student"),
        uuid=allocation_uuid,
    )
    if not can_view_allocation(user, allocation):
        raise Http404
    return allocation


def get_school(user, school_uuid) -> Organisation:
    school = get_object_or_404(Organisation, uuid=school_uuid, kind__in=SCHOOL_KINDS)
    if not can_view_school_entitlements(user, school):
        raise Http404
    return school


def _refuse(form, refused: Refused) -> None:
    form.add_error(refused.field if refused.field in form.fields else None, str(refused))


# --- The CAP team's pages -----------------------------------------------------------------


@area_required(Area.CASEWORK)
@require_GET
def casework(request):
    _casework(request.user)
    year = _year(request)
    context = {"year": year}
    if year is not None:
        page, rows = selectors.allocations_page(
            user=request.user, year=year, page_number=request.GET.get("page")
        )
        context |= {
            "page": page,
            "rows": rows,
            "years": [y for y in programme_selectors.years_all() if y.pk != year.pk],
            "can_allocate": benefits_allocatable_by(
                request.user, Benefit.objects.filter(year=year)
            ).exists(),
        }
    return render(request, "entitlements/casework.html", context)


@area_required(Area.CASEWORK)
@require_http_methods(["GET", "POST"])
def allocate(request, year_uuid):
    _casework(request.user)
    year = get_object_or_404(AcademicYear, uuid=year_uuid)
    benefits = benefits_allocatable_by(request.user, Benefit.objects.filter(year=year))
    schools = Organisation.objects.filter(
        kind__in=SCHOOL_KINDS,
        pk__in=Subscription.objects.filter(year=year).values("school_id"),
    ).order_by("name")
    form = AllocationForm(posted(request), schools=schools, benefits=benefits)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            allocation = services.allocation_make(
                benefit=data["benefit"],
                school=data["school"],
                given_by=data["given_by"],
                weekday=data["weekday"],
                student=data["student"],
                starts_on=data["starts_on"],
                note=data["note"],
                by=request.user,
            )
        except Refused as refused:
            _refuse(form, refused)
        else:
            messages.success(
                request,
                f"{allocation.benefit.name} allocated to {allocation.subscription.school.name}",
            )
            return redirect("entitlements:allocation", allocation.uuid)
    return render(
        request,
        "entitlements/allocate.html",
        {"year": year, "form": form, "benefits": list(benefits)},
    )


def _allocation_page(request, allocation, *, back: str, back_url: str):
    rows = selectors.rows_for([allocation])
    return render(
        request,
        "entitlements/allocation.html",
        {
            "allocation": allocation,
            "row": rows[0],
            "deliveries": selectors.allocation_deliveries(allocation, request.GET.get("page")),
            "can_log": can_log_delivery(request.user, allocation),
            "back": back,
            "back_url": back_url,
        },
    )


@area_required(Area.CASEWORK)
@require_GET
def allocation(request, allocation_uuid):
    _casework(request.user)
    allocation = get_allocation(request.user, allocation_uuid)
    url = f"{reverse('entitlements:casework')}?year={allocation.benefit.year.uuid}"
    return _allocation_page(request, allocation, back="Entitlements", back_url=url)


def _record(request, allocation_uuid, *, form_class, title: str, button: str, save, done: str):
    _casework(request.user)
    allocation = get_allocation(request.user, allocation_uuid)
    if not can_log_delivery(request.user, allocation):
        raise Http404
    initial = {
        "on": timezone.localdate(),
        "ends_on": timezone.localdate(),
        "delivered_by": allocation.given_by,
    }
    form = form_class(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            save(allocation, form.cleaned_data)
        except Refused as refused:
            _refuse(form, refused)
        else:
            messages.success(request, done)
            return redirect("entitlements:allocation", allocation.uuid)
    return render(
        request,
        "entitlements/record.html",
        {"allocation": allocation, "form": form, "title": title, "button": button},
    )


@area_required(Area.CASEWORK)
@require_http_methods(["GET", "POST"])
def delivery_log(request, allocation_uuid):
    def save(allocation, data):
        services.delivery_log(allocation=allocation, by=request.user, **data)

    return _record(
        request,
        allocation_uuid,
        form_class=DeliveryForm,
        title="Log a delivery",
        button="Log delivery",
        save=save,
        done="Delivery logged",
    )


@area_required(Area.CASEWORK)
@require_http_methods(["GET", "POST"])
def delivery_cancel(request, allocation_uuid):
    def save(allocation, data):
        services.delivery_cancel(allocation=allocation, by=request.user, **data)

    return _record(
        request,
        allocation_uuid,
        form_class=CancellationForm,
        title="Record a cancelled delivery",
        button="Record cancellation",
        save=save,
        done="Cancellation recorded",
    )


@area_required(Area.CASEWORK)
@require_http_methods(["GET", "POST"])
def allocation_end(request, allocation_uuid):
    def save(allocation, data):
        services.allocation_end(allocation=allocation, by=request.user, **data)

    return _record(
        request,
        allocation_uuid,
        form_class=EndForm,
        title="End this allocation",
        button="End allocation",
        save=save,
        done="Allocation ended: no week after its last day is expected",
    )


# --- The school's pages -------------------------------------------------------------------


@area_required(Area.SCHOOLS)
@require_GET
def school(request, school_uuid):
    school = get_school(request.user, school_uuid)
    year = programme_selectors.year_current()
    received = (
        selectors.school_received(user=request.user, school=school, year=year) if year else None
    )
    return render(
        request,
        "entitlements/school.html",
        {
            "school": school,
            "year": year,
            "received": received,
            "page_sections": sections_for("entitlements:school", request, school),
        },
    )


@area_required(Area.SCHOOLS)
@require_GET
def school_allocation(request, allocation_uuid):
    allocation = get_allocation(request.user, allocation_uuid)
    # In the schools' area, only the school's own staff: CAP staff use casework.
    get_school(request.user, allocation.subscription.school.uuid)
    school = allocation.subscription.school
    return _allocation_page(
        request,
        allocation,
        back=school.name,
        back_url=reverse("entitlements:school", args=[school.uuid]),
    )
