"""Money pages: the council's finance system. The authority's cost centre and account codes,
each school's customer and each provider's supplier reference, and a term's export as the
CSV the finance system imports. (Routed from finance.views.fees.)"""

import csv

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import PROVIDER_KINDS, SCHOOL_KINDS, Organisation
from finance import selectors, services
from finance.export import COLUMNS, ExportRefused, export_rows
from finance.forms import AuthorityCodesForm, ExportForm, OrganisationCodesForm
from finance.models import FinanceCodes, Statement
from finance.views import money_sections, money_view
from lib.forms import posted

PAGE_SIZE = 50
AUTHORITY_CODES = ("cost_centre", "income_account", "expenditure_account")
# The export's words for the codes an organisation of its own holds (finance.export.Missing).
ORGANISATION_CODES = ("customer reference", "supplier reference")


def _codes_of(organisation: Organisation) -> FinanceCodes | None:
    return getattr(organisation, "finance_codes", None)


@money_view
@require_http_methods(["GET", "POST"])
def codes(request):
    authority = selectors.authority()
    form = None
    if authority is not None:
        saved = _codes_of(authority)
        form = AuthorityCodesForm(
            posted(request),
            initial={name: getattr(saved, name) for name in AUTHORITY_CODES} if saved else {},
        )
        if request.method == "POST" and form.is_valid():
            services.finance_codes_save(
                organisation=authority, by=request.user, **form.cleaned_data
            )
            messages.success(request, f"The codes for {authority.name} are saved")
            return redirect("finance:codes")
    page = Paginator(selectors.coded_organisations(), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(organisation, _codes_of(organisation)) for organisation in page.object_list]
    return render(
        request,
        "finance/fees/codes.html",
        {
            "money_sections": money_sections(),
            "current": "export",
            "authority": authority,
            "form": form,
            "page": page,
            "rows": rows,
        },
    )


@money_view
@require_http_methods(["GET", "POST"])
def organisation_codes(request, organisation_uuid):
    organisation = get_object_or_404(
        Organisation.objects.filter(kind__in=SCHOOL_KINDS | PROVIDER_KINDS).select_related(
            "finance_codes"
        ),
        uuid=organisation_uuid,
    )
    saved = _codes_of(organisation)
    form = OrganisationCodesForm(
        posted(request),
        organisation=organisation,
        initial={
            "customer_reference": saved.customer_reference if saved else "",
            "supplier_reference": saved.supplier_reference if saved else "",
        },
    )
    if request.method == "POST" and form.is_valid():
        services.finance_codes_save(organisation=organisation, by=request.user, **form.cleaned_data)
        messages.success(request, f"The codes for {organisation.name} are saved")
        return redirect("finance:codes")
    return render(
        request,
        "finance/fees/organisation_codes.html",
        {
            "money_sections": money_sections(),
            "current": "export",
            "organisation": organisation,
            "form": form,
        },
    )


def _missing_rows(missing_page) -> list[dict]:
    """Each missing code on the page, with where to put it right: the authority's codes on
    the codes page, an organisation's reference on the organisation's own page."""
    numbers = {m.number for m in missing_page}
    organisation_of = dict(
        Statement.objects.filter(number__in=numbers).values_list("number", "organisation__uuid")
    )
    rows = []
    for m in missing_page:
        if m.missing in ORGANISATION_CODES:
            url = reverse("finance:organisation_codes", args=[organisation_of[m.number]])
            where = f"Add the {m.missing} for {m.organisation}"
        else:
            url = reverse("finance:codes") + "#authority-codes"
            where = f"Add the authority's {m.missing}"
        rows.append({"missing": m, "url": url, "where": where})
    return rows


@money_view
@require_GET
def export(request):
    terms = selectors.ended_terms(today=timezone.localdate())
    form = ExportForm(request.GET if "term" in request.GET else None, terms=terms)
    context = {
        "money_sections": money_sections(),
        "current": "export",
        "form": form,
        "filter_form": form,
        "has_terms": terms.exists(),
    }
    if form.is_bound and form.is_valid():
        term = form.cleaned_data["term"]
        context["term"] = term
        if not Statement.objects.filter(term=term).exists():
            context["no_statements"] = True
        else:
            try:
                context["rows"] = len(export_rows(term))
            except ExportRefused as refused:
                page = Paginator(refused.missing, PAGE_SIZE).get_page(request.GET.get("page"))
                context.update(missing=page, missing_rows=_missing_rows(page.object_list))
    return render(request, "finance/fees/export.html", context)


class _Echo:
    """A file that hands back what is written to it, for csv.writer to stream rows."""

    def write(self, value: str) -> str:
        return value


@money_view
@require_GET
def export_csv(request, term_id: int):
    term = get_object_or_404(selectors.ended_terms(today=timezone.localdate()), pk=term_id)
    try:
        rows = services.finance_export(term=term, by=request.user)
    except ExportRefused as refused:
        count = len(refused.missing)
        messages.error(
            request,
            f"{count} code{'s are' if count != 1 else ' is'} missing: add "
            f"{'them' if count != 1 else 'it'} before you export the term",
        )
        return redirect(f"{reverse('finance:export')}?term={term.pk}")
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in [COLUMNS, *rows]),
        content_type="text/csv; charset=utf-8",
    )
    name = f"cap-{term.year.name}-{slugify(term.name)}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


urlpatterns = [
    path("finance/codes/", codes, name="codes"),
    path(
        "finance/codes/<uuid:organisation_uuid>/",
        organisation_codes,
        name="organisation_codes",
    ),
    path("finance/export/", export, name="export"),
    path("finance/export/<int:term_id>.csv", export_csv, name="export_csv"),
]
