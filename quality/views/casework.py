"""The CAP team's side of quality assurance: every provider's compliance at a glance, a
provider's record, evidence to approve, termly reviews and site visits."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import PROVIDER_KINDS, Organisation
from accounts.rules import Area, is_cap_staff
from accounts.views import area_required
from lib.forms import posted
from quality import selectors, services
from quality.forms import (
    ContactForm,
    ProviderRecordForm,
    RejectForm,
    ReviewForm,
    SiteForm,
    VisitRecordForm,
    VisitScheduleForm,
)
from quality.models import Evidence, EvidenceStatus, ProviderRecord, ProviderStatus, Rating, Visit
from quality.rules import can_manage_quality, can_view_provider_quality, check_can_manage_quality

PAGE_SIZE = 20
REASONS_SHOWN = 3
WITHOUT_RECORD_SHOWN = 20


def get_record(user, record_uuid) -> ProviderRecord:
    """A provider's record, or 404 for someone who may not see it (in casework, the CAP
    safeguarding lead is not CAP staff)."""
    record = get_object_or_404(
        ProviderRecord.objects.select_related("organisation"), uuid=record_uuid
    )
    if not can_view_provider_quality(user, record):
        raise Http404
    return record


def _apply_errors(form, error: ValidationError) -> None:
    """A service's refusal, shown beside the field it names."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@area_required(Area.CASEWORK)
@require_GET
def overview(request):
    """Every provider's compliance summed up by overall status and by each area's rating,
    each number leading to the providers it counts, and a page of those providers with what
    needs attention; each provider's areas in detail are a click away."""
    if not is_cap_staff(request.user):  # the CAP safeguarding lead enters casework too
        raise Http404
    status = request.GET.get("status", "")
    status = status if status in ProviderStatus.values else ""
    area_key, rating = request.GET.get("area", ""), request.GET.get("rating", "")
    areas = {a.key: a for a in selectors.framework()}
    if area_key not in areas or rating not in Rating.values:
        area_key = rating = ""
    found = selectors.compliance_overview(status=status, area=area_key, rating=rating)
    page = Paginator(found.rows, PAGE_SIZE).get_page(request.GET.get("page"))
    # Only the page's providers have their standings (and so their reasons) worked out.
    records = list(page.object_list)
    found_standings = selectors.standings(records)
    without_record = Organisation.objects.filter(
        kind__in=PROVIDER_KINDS, is_active=True, provider_record__isnull=True
    ).order_by("name")
    return render(
        request,
        "quality/casework/overview.html",
        {
            "overview": found,
            "by_status": [(ProviderStatus(s), n) for s, n in found.by_status.items()],
            "page": page,
            "rows": [
                (
                    record,
                    found_standings[record.pk],
                    _attention(found_standings[record.pk], area_key),
                )
                for record in records
            ],
            "status": ProviderStatus(status) if status else None,
            "area": areas.get(area_key),
            "rating": Rating(rating) if rating else None,
            "filtered": bool(status or area_key),
            "without_record": list(without_record[:WITHOUT_RECORD_SHOWN]),
            "without_record_count": without_record.count(),
            "can_manage": can_manage_quality(request.user),
        },
    )


def _attention(standing, area_key: str) -> tuple[list[str], int]:
    """The first few reasons a provider needs attention (those of one area when the list is
    of one area's rating) and how many more there are."""
    if area_key:
        reasons = next(s.reasons for s in standing.areas if s.area.key == area_key)
    else:
        reasons = standing.reasons
    return reasons[:REASONS_SHOWN], max(len(reasons) - REASONS_SHOWN, 0)


@area_required(Area.CASEWORK)
@require_GET
def provider(request, record_uuid):
    record = get_record(request.user, record_uuid)
    standing = selectors.standings([record])[record.pk]
    return render(
        request,
        "quality/casework/provider.html",
        {
            "record": record,
            "standing": standing,
            "sites": list(record.sites.all()),
            "contacts": list(record.contacts.all()),
            "courses": list(
                record.organisation.courses.select_related("programme__year").order_by(
                    "-programme__year__starts_on", "title"
                )
            ),
            "waiting": list(
                record.evidence.filter(status=EvidenceStatus.SUBMITTED).select_related(
                    "item__area", "submitted_by"
                )
            ),
            "reviews": list(record.reviews.prefetch_related("ratings__area")[:6]),
            "visits": list(record.visits.select_related("site")[:10]),
            "can_manage": can_manage_quality(request.user),
            "reject_form": RejectForm(),
        },
    )


@area_required(Area.CASEWORK)
@require_http_methods(["GET", "POST"])
def record_edit(request, organisation_uuid):
    check_can_manage_quality(request.user)
    organisation = get_object_or_404(Organisation, uuid=organisation_uuid, kind__in=PROVIDER_KINDS)
    record = ProviderRecord.objects.filter(organisation=organisation).first()
    initial = {
        "name": organisation.name,
        "urn": organisation.urn,
        "ukprn": organisation.ukprn,
        "address": organisation.address,
        "postcode": organisation.postcode,
        "telephone": organisation.telephone,
    }
    if record:
        initial |= {name: getattr(record, name) for name in services.RECORD_FIELDS}
    form = ProviderRecordForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.provider_record_save(
                organisation=organisation, data=form.cleaned_data, by=request.user
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, f"{organisation.name}: record saved")
            return redirect("quality:provider", record.uuid)
    return render(
        request,
        "quality/casework/record_edit.html",
        {"organisation": organisation, "record": record, "form": form},
    )


def _simple_add(request, record_uuid, *, form_class, service, title, done):
    check_can_manage_quality(request.user)
    record = get_record(request.user, record_uuid)
    form = form_class(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            service(provider=record, data=form.cleaned_data, by=request.user)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, done)
            return redirect("quality:provider", record.uuid)
    return render(
        request,
        "quality/casework/form.html",
        {"record": record, "form": form, "title": title, "button": "Save"},
    )


@area_required(Area.CASEWORK)
@require_http_methods(["GET", "POST"])
def site_add(request, record_uuid):
    return _simple_add(
        request,
        record_uuid,
        form_class=SiteForm,
        service=services.site_add,
        title="Add a site",
        done="Site added",
    )


@area_required(Area.CASEWORK)
@require_http_methods(["GET", "POST"])
def contact_add(request, record_uuid):
    return _simple_add(
        request,
        record_uuid,
        form_class=ContactForm,
        service=services.contact_add,
        title="Add a contact",
        done="Contact added",
    )


def _waiting_evidence(record_uuid, evidence_uuid) -> Evidence:
    evidence = (
        Evidence.objects.select_related("provider__organisation", "item")
        .filter(uuid=evidence_uuid, provider__uuid=record_uuid)
        .first()
    )
    if evidence is None:
        raise Http404
    return evidence


@area_required(Area.CASEWORK)
@require_POST
def evidence_approve(request, record_uuid, evidence_uuid):
    evidence = _waiting_evidence(record_uuid, evidence_uuid)
    check_can_manage_quality(request.user)
    try:
        services.evidence_approve(evidence=evidence, by=request.user)
    except services.NotWaiting as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"{evidence.item.name} approved")
    return redirect("quality:provider", record_uuid)


@area_required(Area.CASEWORK)
@require_http_methods(["GET", "POST"])
def evidence_reject(request, record_uuid, evidence_uuid):
    evidence = _waiting_evidence(record_uuid, evidence_uuid)
    check_can_manage_quality(request.user)
    form = RejectForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.evidence_reject(
                evidence=evidence, note=form.cleaned_data["note"], by=request.user
            )
        except services.NotWaiting as refused:
            messages.error(request, str(refused))
        else:
            messages.success(
                request, f"{evidence.item.name} not accepted: the provider has been told why"
            )
        return redirect("quality:provider", record_uuid)
    return render(
        request,
        "quality/casework/form.html",
        {
            "record": evidence.provider,
            "form": form,
            "title": f"Do not accept: {evidence.item.name}",
            "button": "Do not accept",
        },
    )


@area_required(Area.CASEWORK)
@require_http_methods(["GET", "POST"])
def review_new(request, record_uuid):
    check_can_manage_quality(request.user)
    record = get_record(request.user, record_uuid)
    standing = selectors.standings([record])[record.pk]
    areas = [a.area for a in standing.areas]
    # Start from what the evidence says about each area.
    initial = {f"rating_{a.area.key}": a.rating for a in standing.areas}
    form = ReviewForm(posted(request), areas=areas, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_record(
                provider=record,
                held_on=form.cleaned_data["held_on"],
                summary=form.cleaned_data["summary"],
                ratings=form.ratings(),
                by=request.user,
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "Termly review recorded")
            return redirect("quality:provider", record.uuid)
    return render(
        request,
        "quality/casework/review.html",
        {"record": record, "form": form, "standing": standing},
    )


@area_required(Area.CASEWORK)
@require_http_methods(["GET", "POST"])
def visit_new(request, record_uuid):
    check_can_manage_quality(request.user)
    record = get_record(request.user, record_uuid)
    form = VisitScheduleForm(posted(request), sites=record.sites.all())
    if request.method == "POST" and form.is_valid():
        try:
            services.visit_schedule(
                provider=record,
                site=form.cleaned_data["site"],
                scheduled_on=form.cleaned_data["scheduled_on"],
                purpose=form.cleaned_data["purpose"],
                by=request.user,
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, "Site visit scheduled")
            return redirect("quality:provider", record.uuid)
    return render(
        request,
        "quality/casework/form.html",
        {"record": record, "form": form, "title": "Schedule a site visit", "button": "Schedule"},
    )


@area_required(Area.CASEWORK)
@require_http_methods(["GET", "POST"])
def visit_record(request, record_uuid, visit_uuid):
    check_can_manage_quality(request.user)
    visit = get_object_or_404(
        Visit.objects.select_related("provider__organisation", "site"),
        uuid=visit_uuid,
        provider__uuid=record_uuid,
    )
    if visit.visited_on:
        messages.error(request, "This visit has already been recorded.")
        return redirect("quality:provider", record_uuid)
    form = VisitRecordForm(posted(request), initial={"visited_on": visit.scheduled_on})
    if request.method == "POST" and form.is_valid():
        try:
            services.visit_record(visit=visit, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _apply_errors(form, error)
        except services.NotWaiting as refused:
            messages.error(request, str(refused))
            return redirect("quality:provider", record_uuid)
        else:
            messages.success(request, "Site visit recorded")
            return redirect("quality:provider", record_uuid)
    return render(
        request,
        "quality/casework/form.html",
        {
            "record": visit.provider,
            "form": form,
            "title": f"Record the site visit planned for {selectors.on_day(visit.scheduled_on)}",
            "button": "Record the visit",
        },
    )
