"""The providers' side: their own compliance, and new evidence (first or replacing) for the
CAP team to approve. Also the audited download of an evidence file, for the provider and
the CAP team."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.rules import Area, organisations_in_area
from accounts.views import area_required
from lib.forms import posted
from quality import selectors, services
from quality.forms import EvidenceForm
from quality.models import Evidence, EvidenceItem, EvidenceStatus, ProviderRecord
from quality.rules import can_submit_evidence, can_view_evidence, provider_records_visible_to


def _own_records(user):
    """The records of the providers the user works for, and no others."""
    return provider_records_visible_to(
        user,
        ProviderRecord.objects.select_related("organisation").filter(
            organisation__in=[o.pk for o in organisations_in_area(user, Area.PROVIDERS)]
        ),
    )


def get_own_record(user, record_uuid) -> ProviderRecord:
    record = _own_records(user).filter(uuid=record_uuid).first()
    if record is None or not can_submit_evidence(user, record):
        raise Http404
    return record


@area_required(Area.PROVIDERS)
@require_GET
def compliance_home(request):
    records = list(_own_records(request.user))
    if len(records) == 1:
        return redirect("quality:compliance", records[0].uuid)
    return render(request, "quality/providers/home.html", {"records": records})


@area_required(Area.PROVIDERS)
@require_GET
def compliance(request, record_uuid):
    record = get_own_record(request.user, record_uuid)
    standing = selectors.standings([record])[record.pk]
    rejected = {
        e.item_id: e
        for e in record.evidence.filter(status=EvidenceStatus.REJECTED).order_by("decided_at")
    }
    # A refusal matters until something newer replaces it.
    for area in standing.areas:
        for state in area.items:
            refusal = rejected.get(state.item.pk)
            newer = state.pending or state.current
            state.rejected = (
                refusal
                if refusal and (newer is None or newer.submitted_at < refusal.submitted_at)
                else None
            )
    return render(
        request, "quality/providers/compliance.html", {"record": record, "standing": standing}
    )


@area_required(Area.PROVIDERS)
@require_http_methods(["GET", "POST"])
def evidence_new(request, record_uuid, item_key):
    record = get_own_record(request.user, record_uuid)
    item = EvidenceItem.objects.select_related("area").filter(key=item_key).first()
    if item is None:
        raise Http404
    form = EvidenceForm(*posted(request, files=True), item=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.evidence_submit(
                provider=record,
                item=item,
                issued_on=form.cleaned_data["issued_on"],
                expires_on=form.cleaned_data.get("expires_on"),
                file=form.cleaned_data.get("file"),
                confirmation=form.cleaned_data.get("confirmation", ""),
                by=request.user,
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error("file" if "file" in form.fields else None, error)
        else:
            messages.success(request, f"{item.name} sent to the CAP team to approve")
            return redirect("quality:compliance", record.uuid)
    current = record.evidence.filter(item=item, status=EvidenceStatus.APPROVED).first()
    return render(
        request,
        "quality/providers/evidence.html",
        {"record": record, "item": item, "form": form, "current": current},
    )


@login_required
@require_GET
def evidence_download(request, evidence_uuid):
    evidence = (
        Evidence.objects.select_related("provider__organisation", "item")
        .filter(uuid=evidence_uuid)
        .first()
    )
    if (
        evidence is None
        or not evidence.stored_name
        or not can_view_evidence(request.user, evidence)
    ):
        raise Http404
    data = services.evidence_download(evidence=evidence, by=request.user)
    response = FileResponse(
        io.BytesIO(data),
        as_attachment=True,
        filename=evidence.filename,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
