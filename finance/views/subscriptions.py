"""The service level agreement's pages: the year's price, its bands and each school's
subscription. For the CAP manager and finance officers only (money_view); an unknown year,
band or school answers 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import SCHOOL_KINDS, Organisation
from finance import selectors, services
from finance.forms import AgreementBandForm, AgreementPriceForm, SubscriptionForm
from finance.views import money_sections, money_view
from lib.errors import Refused
from lib.forms import posted
from programmes import selectors as programme_selectors
from programmes.models import AcademicYear, AgreementBand

PAGE_SIZE = 50


# --- Getters: every year, band and school is the money managers' to see; money_view has
# checked the person before any of these runs. Anything else is "Page not found".


def _year(year_uuid) -> AcademicYear:
    return get_object_or_404(AcademicYear, uuid=year_uuid)


def _asked_year(request) -> AcademicYear | None:
    """The year in ?year=, or the current one; 404 for a year that does not exist."""
    asked = request.GET.get("year")
    if not asked:
        return programme_selectors.year_current()
    try:
        return AcademicYear.objects.get(uuid=asked)
    except (AcademicYear.DoesNotExist, ValidationError):
        raise Http404 from None


def _band(band_uuid) -> AgreementBand:
    return get_object_or_404(AgreementBand.objects.select_related("year"), uuid=band_uuid)


def _school(school_uuid) -> Organisation:
    return get_object_or_404(Organisation, uuid=school_uuid, kind__in=SCHOOL_KINDS)


def _list_url(year: AcademicYear, *, school: Organisation | None = None) -> str:
    """The year's subscriptions, at the page that lists the school."""
    url = f"{reverse('finance:subscriptions')}?year={year.uuid}"
    if school is not None:
        schools = selectors.schools_for_subscriptions(year)
        before = schools.filter(
            Q(name__lt=school.name) | Q(name=school.name, pk__lt=school.pk)
        ).count()
        if before >= PAGE_SIZE:
            url += f"&page={before // PAGE_SIZE + 1}"
    return url


def _refuse(form, refused: Refused) -> None:
    form.add_error(refused.field if refused.field in form.fields else None, str(refused))


def _page(request, template: str, context: dict):
    return render(
        request,
        f"finance/subscriptions/{template}",
        {"money_sections": money_sections(), **context},
    )


# --- The year's subscriptions -----------------------------------------------------------


@money_view
@require_GET
def subscriptions(request):
    year = _asked_year(request)
    if year is None:
        return _page(request, "list.html", {"year": None})
    page = Paginator(selectors.schools_for_subscriptions(year), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    bands = year.agreement_bands.annotate(schools=Count("subscriptions")).order_by("order", "name")
    return _page(
        request,
        "list.html",
        {
            "year": year,
            "years": [y for y in programme_selectors.years_all() if y.pk != year.pk],
            "bands": list(bands),
            "subscribed": selectors.subscriptions_total(year),
            "page": page,
        },
    )


@money_view
@require_http_methods(["GET", "POST"])
def agreement_price(request, year_uuid):
    year = _year(year_uuid)
    form = AgreementPriceForm(posted(request), initial={"price": year.agreement_price_pence})
    if request.method == "POST" and form.is_valid():
        try:
            services.agreement_price_set(
                year=year, price_pence=form.cleaned_data["price"], by=request.user
            )
        except Refused as refused:
            _refuse(form, refused)
        else:
            messages.success(request, f"The price of the agreement for {year.name} has been saved")
            return redirect(_list_url(year))
    return _page(request, "price.html", {"year": year, "form": form})


# --- Bands ------------------------------------------------------------------------------


@money_view
@require_http_methods(["GET", "POST"])
def agreement_band_add(request, year_uuid):
    year = _year(year_uuid)
    form = AgreementBandForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            band = services.agreement_band_add(
                year=year,
                name=form.cleaned_data["name"],
                price_pence=form.cleaned_data["price"],
                by=request.user,
            )
        except Refused as refused:
            _refuse(form, refused)
        else:
            messages.success(request, f"{band.name} has been added")
            return redirect(_list_url(year))
    return _page(request, "band.html", {"year": year, "band": None, "form": form})


@money_view
@require_http_methods(["GET", "POST"])
def agreement_band_change(request, band_uuid):
    band = _band(band_uuid)
    form = AgreementBandForm(
        posted(request), initial={"name": band.name, "price": band.price_pence}
    )
    if request.method == "POST" and form.is_valid():
        try:
            band = services.agreement_band_change(
                band=band,
                name=form.cleaned_data["name"],
                price_pence=form.cleaned_data["price"],
                by=request.user,
            )
        except Refused as refused:
            _refuse(form, refused)
        else:
            messages.success(request, f"{band.name} has been saved")
            return redirect(_list_url(band.year))
    return _page(
        request,
        "band.html",
        {
            "year": band.year,
            "band": band,
            "form": form,
            "schools": band.subscriptions.count(),
        },
    )


@money_view
@require_http_methods(["GET", "POST"])
def agreement_band_remove(request, band_uuid):
    """A confirmation page; the band goes when it is sent (POST)."""
    band = _band(band_uuid)
    refusal = None
    if request.method == "POST":
        try:
            services.agreement_band_remove(band=band, by=request.user)
        except Refused as refused:
            refusal = str(refused)
        else:
            messages.success(request, f"{band.name} has been removed")
            return redirect(_list_url(band.year))
    return _page(
        request,
        "band_remove.html",
        {
            "year": band.year,
            "band": band,
            "schools": band.subscriptions.count(),
            "refusal": refusal,
        },
    )


# --- A school's subscription ------------------------------------------------------------


@money_view
@require_http_methods(["GET", "POST"])
def subscription(request, year_uuid, school_uuid):
    year = _year(year_uuid)
    school = _school(school_uuid)
    bands = list(year.agreement_bands.order_by("order", "name"))
    current = year.subscriptions.filter(school=school).select_related("band").first()
    form = SubscriptionForm(
        posted(request),
        year=year,
        bands=bands,
        initial=SubscriptionForm.initial_for(current, year, bands),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.subscription_save(
                school=school,
                year=year,
                band=form.chosen_band,
                price_pence=data["price"],
                signed_on=data["signed_on"],
                signed_by=data["signed_by"],
                tier1_placements=data["tier1_placements"],
                by=request.user,
            )
        except Refused as refused:
            _refuse(form, refused)
        else:
            messages.success(
                request, f"{school.name}’s subscription for {year.name} has been saved"
            )
            return redirect(_list_url(year, school=school))
    return _page(
        request,
        "subscription.html",
        {
            "year": year,
            "school": school,
            "subscription": current,
            "form": form,
            "charged_pence": selectors.agreement_charged_pence(school, year),
        },
    )


urlpatterns = [
    path("finance/subscriptions/", subscriptions, name="subscriptions"),
    path(
        "finance/subscriptions/<uuid:year_uuid>/price/",
        agreement_price,
        name="agreement_price",
    ),
    path(
        "finance/subscriptions/<uuid:year_uuid>/bands/add/",
        agreement_band_add,
        name="agreement_band_add",
    ),
    path(
        "finance/subscriptions/bands/<uuid:band_uuid>/",
        agreement_band_change,
        name="agreement_band_change",
    ),
    path(
        "finance/subscriptions/bands/<uuid:band_uuid>/remove/",
        agreement_band_remove,
        name="agreement_band_remove",
    ),
    path(
        "finance/subscriptions/<uuid:year_uuid>/<uuid:school_uuid>/",
        subscription,
        name="subscription",
    ),
]
