"""Money pages: a place's fee. The school (or the CAP team for it) records the budget
holder's agreement from the application's page; the authority's pages list the year's fees
and change one, with a reason. The finance system's codes and export (finance.views.codes)
are routed here too, so that finance/urls.py includes one list for this part of money."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_http_methods

from accounts.rules import Area, can_enter_area
from accounts.views import area_required
from applications.models import Application
from applications.rules import can_edit_application, can_view_application
from applications.selectors import documents_for
from applications.views.schools import get_application_for_user
from finance import selectors, services
from finance.forms import FeeAgreeForm, FeeChangeForm, FeesFilterForm
from finance.models import Fee
from finance.rules import can_agree_fee, can_view_fee
from finance.tasks import tell_school_fee_to_agree
from finance.views import codes, money_sections, money_view
from lib.errors import Conflict, Refused
from lib.forms import posted
from lib.money import pounds
from programmes.models import AcademicYear
from programmes.selectors import year_current

PAGE_SIZE = 50


# --- The budget holder's agreement, from the school's or the CAP team's page --------------


def _document_hint(request, application: Application) -> str:
    if can_edit_application(request.user, application):
        return format_html(
            'Upload the signed agreement with <a class="govuk-link" href="{}">the '
            "application's evidence</a> first, then choose it here.",
            reverse("applications:page", args=[application.uuid, "evidence"]),
        )
    return (
        "Choose it if it is among the application's documents. Documents cannot be added to "
        "an application once it has been sent, so if it is not here, choose “The signed "
        "agreement is not in CAP” and keep the signed copy with the school's records."
    )


def _agree(request, application: Application, *, back: str):
    """Record the agreement: 404 for anyone who may not see the fee, 403 for anyone who may
    see it but not record the agreement."""
    user = request.user
    fee = selectors.fee_of(application)
    if fee is None or not can_view_fee(user, application):
        raise Http404
    if not can_agree_fee(user, application):
        raise PermissionDenied("Only the school or the CAP team records the agreement.")
    if not selectors.agreement_waiting(fee):
        messages.info(request, "There is no agreement to record: nothing about the fee is waiting.")
        return redirect(back)
    form = FeeAgreeForm(
        posted(request),
        initial={"version": fee.version},
        documents=documents_for(application),
        hint=_document_hint(request, application),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            fee = services.fee_agree(
                fee=fee,
                agreed_by=data["agreed_by"],
                agreed_by_role=data["agreed_by_role"],
                agreed_on=data["agreed_on"],
                document=data["document"],
                version=data["version"],
                by=user,
            )
        except Conflict:
            fee = selectors.fee_of(application)
            if not selectors.agreement_waiting(fee):
                messages.info(request, "Someone else has recorded the agreement meanwhile.")
                return redirect(back)
            form = form.changed_meanwhile(version=fee.version, noun="fee")
        except Refused as refused:
            form.add_error(refused.field if refused.field in form.fields else None, str(refused))
        else:
            messages.success(
                request,
                f"The budget holder's agreement to the fee of {pounds(fee.amount_pence)} "
                "is recorded",
            )
            return redirect(back)
    return render(
        request,
        "finance/fees/agree.html",
        {"application": application, "fee": fee, "form": form, "back": back},
    )


@area_required(Area.SCHOOLS)
@require_http_methods(["GET", "POST"])
def schools_fee_agree(request, application_uuid):
    application = get_application_for_user(request.user, application_uuid)
    return _agree(
        request, application, back=reverse("applications:detail", args=[application.uuid])
    )


@area_required(Area.CASEWORK)
@require_http_methods(["GET", "POST"])
def casework_fee_agree(request, application_uuid):
    application = get_application_for_user(request.user, application_uuid)
    return _agree(
        request, application, back=reverse("casework:application", args=[application.uuid])
    )


# --- The authority's fees pages ------------------------------------------------------------


def _page(**context) -> dict:
    """An authority money page's context, with its sub-navigation."""
    return {"money_sections": money_sections(), **context}


@money_view
@require_GET
def fee_list(request):
    years = list(AcademicYear.objects.order_by("-starts_on"))
    default = year_current() or (years[0] if years else None)
    data = request.GET.copy()
    if default is not None and not data.get("year"):
        data["year"] = default.name
    form = FeesFilterForm(data, years=years)
    filters = form.filters(default=default)
    year = filters.pop("year")
    fees = selectors.fees_of_year(year, **filters) if year else Fee.objects.none()
    page = Paginator(fees, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "finance/fees/list.html",
        _page(
            current="fees",
            year=year,
            filter_form=form,
            form=form,
            page=page,
            filtered=bool(request.GET.get("school") or request.GET.get("changed")),
        ),
    )


def get_fee(fee_uuid) -> Fee:
    """A fee, for the people who manage money (money_view has checked that): 404 if there is
    none."""
    return get_object_or_404(
        Fee.objects.select_related(
            "application__school",
            "application__programme__year",
            "application__course__provider",
            "agreement_document__document",
        ),
        uuid=fee_uuid,
    )


@money_view
@require_http_methods(["GET", "POST"])
def fee_change(request, fee_uuid):
    fee = get_fee(fee_uuid)
    application = fee.application
    form = FeeChangeForm(posted(request), initial={"version": fee.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        previous, was_agreed = fee.amount_pence, fee.agreed
        try:
            fee = services.fee_change(
                fee=fee,
                amount_pence=data["amount"],
                reason=data["reason"],
                version=data["version"],
                by=request.user,
            )
        except Conflict:
            fee = get_fee(fee_uuid)
            form = form.changed_meanwhile(version=fee.version, noun="fee")
        except Refused as refused:
            form.add_error(refused.field if refused.field in form.fields else None, str(refused))
        else:
            if was_agreed and not fee.agreed:
                # Raised before the start: the school's budget holder must agree it again.
                transaction.on_commit(lambda: tell_school_fee_to_agree.enqueue(fee.pk))
            messages.success(
                request,
                f"The fee for {application.reference} has changed from {pounds(previous)} to "
                f"{pounds(fee.amount_pence)}",
            )
            return redirect("finance:fee_change", fee.uuid)
    # A link to the case only for someone who may open it (the CAP manager, not a finance
    # officer, who sees no case).
    case_url = (
        reverse("casework:application", args=[application.uuid])
        if can_enter_area(request.user, Area.CASEWORK)
        and can_view_application(request.user, application)
        else ""
    )
    return render(
        request,
        "finance/fees/change.html",
        _page(
            current="fees",
            fee=fee,
            application=application,
            changes=selectors.fee_changes(fee),
            case_url=case_url,
            form=form,
        ),
    )


urlpatterns = [
    # Before the applications' own pages in config/urls.py, whose catch-all step and form
    # page paths would otherwise take "fee".
    path(
        "schools/applications/<uuid:application_uuid>/fee/",
        schools_fee_agree,
        name="schools_fee_agree",
    ),
    path(
        "casework/applications/<uuid:application_uuid>/fee/",
        casework_fee_agree,
        name="casework_fee_agree",
    ),
    path("finance/fees/", fee_list, name="fees"),
    path("finance/fees/<uuid:fee_uuid>/", fee_change, name="fee_change"),
    *codes.urlpatterns,
]
