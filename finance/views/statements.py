"""Termly statements: the authority's pages under /finance/ (a term's statements, issuing
them, one statement and its correction), and each school's and provider's own statements
in their areas. Every statement is fetched through a getter that answers 404 for one the
reader may not see; downloads are made from the issued lines and audited."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.rules import Area, provider_ids, school_ids
from accounts.views import area_required
from finance import forms, selectors, services, statement_files
from finance.models import Party, Statement
from finance.rules import can_view_statement, statements_visible_to
from finance.tasks import statement_run_enqueue, tell_statement_issued
from finance.views import money_sections, money_view
from lib.errors import Refused
from programmes.models import Term

PAGE_SIZE = 50

# Each area's URL names for a statement's pages, so one template serves them all.
NAMES = {
    "finance": {
        "list": "finance:statements",
        "detail": "finance:statement",
        "pdf": "finance:statement_pdf",
        "csv": "finance:statement_csv",
    },
    **{
        area: {
            "list": f"finance:{area}_statements",
            "detail": f"finance:{area}_statement",
            "pdf": f"finance:{area}_statement_pdf",
            "csv": f"finance:{area}_statement_csv",
        }
        for area in (Area.SCHOOLS, Area.PROVIDERS)
    },
}
AREA_PARTY = {Area.SCHOOLS: Party.SCHOOL, Area.PROVIDERS: Party.PROVIDER}


def _area_organisations(user, area: str) -> set[int]:
    return school_ids(user) if area == Area.SCHOOLS else provider_ids(user)


def get_statement_for_user(user, statement_uuid, *, area: str = "finance") -> Statement:
    """The statement, or 404 unless the user may read it, whether or not it exists. In a
    school's or provider's area, only that area's statements of the reader's own
    organisations: a school's statement is never opened from the providers' pages."""
    statement = (
        selectors.statements_with_related(Statement.objects.filter(uuid=statement_uuid))
    ).first()
    if statement is None or not can_view_statement(user, statement):
        raise Http404
    if area != "finance" and (
        statement.party != AREA_PARTY[area]
        or statement.organisation_id not in _area_organisations(user, area)
    ):
        raise Http404
    return statement


# --- The authority's pages -----------------------------------------------------------------


def _default_term() -> Term | None:
    """The term that ended last, or the newest if none has ended."""
    return (
        selectors.ended_terms(today=timezone.localdate()).first()
        or Term.objects.select_related("year").order_by("-starts_on").first()
    )


def _list_page(request, *, term: Term | None, party: str, filter_form, run_form):
    page = None
    if term is not None:
        page = Paginator(selectors.statements_of_term(term, party), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
    return render(
        request,
        "finance/statements/list.html",
        {
            "money_sections": money_sections(),
            # The error summary shows the form that has errors: the button's, or the filter's.
            "form": run_form if run_form.errors else filter_form,
            "filter_form": filter_form,
            "run_form": run_form,
            "term": term,
            "party": party,
            "page": page,
            "progress": selectors.statement_run_progress(term) if term else None,
            "ended": term is not None and term.ends_on < timezone.localdate(),
            "names": NAMES["finance"],
        },
    )


@money_view
@require_GET
def statements(request):
    asked = "term" in request.GET or "party" in request.GET
    filter_form = forms.StatementFilterForm(request.GET if asked else None)
    term, party = _default_term(), ""
    if asked and filter_form.is_valid():
        term = filter_form.cleaned_data["term"] or term
        party = filter_form.cleaned_data["party"]
    elif not asked and term is not None:
        filter_form = forms.StatementFilterForm(initial={"term": term.pk})
    run_form = forms.StatementRunForm(initial={"term": term.pk if term else None}, auto_id="run_%s")
    return _list_page(request, term=term, party=party, filter_form=filter_form, run_form=run_form)


@money_view
@require_POST
def statements_run(request):
    """Ask for a term's statements for every school and provider, made in the background.
    The run and its queued batches are saved together or not at all."""
    run_form = forms.StatementRunForm(request.POST, auto_id="run_%s")
    if run_form.is_valid():
        term = run_form.cleaned_data["term"]
        try:
            with transaction.atomic():
                run, batches = services.statement_run_start(term=term, by=request.user)
                statement_run_enqueue(run, batches)
        except Refused as refused:
            run_form.add_error(None, str(refused))
        else:
            if run.total:
                messages.success(
                    request,
                    f"{run.total} statement{'s' if run.total != 1 else ''} queued for the {term}",
                )
            else:
                messages.success(
                    request,
                    f"No statements to issue for the {term}: every school and provider with "
                    "something to pay or be paid has theirs",
                )
            return redirect(f"{reverse('finance:statements')}?term={term.pk}")
    term = run_form.cleaned_data.get("term") or _default_term()
    filter_form = forms.StatementFilterForm(initial={"term": term.pk if term else None})
    return _list_page(request, term=term, party="", filter_form=filter_form, run_form=run_form)


def _context(statement: Statement, area: str) -> dict:
    return {
        "statement": statement,
        "lines": selectors.statement_lines(statement),
        "payment_terms": selectors.payment_terms(statement, settings.CAP_AUTHORITY_NAME),
        "area": area,
        "names": NAMES[area],
    }


@money_view
@require_GET
def statement_detail(request, statement_uuid):
    statement = get_statement_for_user(request.user, statement_uuid)
    return _statement_page(request, statement, forms.StatementCorrectionForm())


def _statement_page(request, statement: Statement, form):
    correctable = selectors.statement_correctable(statement)
    return render(
        request,
        "finance/statements/detail.html",
        {
            **_context(statement, "finance"),
            "money_sections": money_sections(),
            # A correction refused since the page was loaded still shows why.
            "form": form if correctable or form.errors else None,
        },
    )


@money_view
@require_POST
def statement_correct(request, statement_uuid):
    statement = get_statement_for_user(request.user, statement_uuid)
    form = forms.StatementCorrectionForm(request.POST)
    if form.is_valid():
        try:
            correction = services.statement_correct(
                statement=statement, reason=form.cleaned_data["reason"], by=request.user
            )
        except Refused as refused:
            form.add_error(refused.field if refused.field in form.fields else None, str(refused))
        else:
            transaction.on_commit(lambda: tell_statement_issued.enqueue([correction.pk]))
            messages.success(
                request,
                f"Statement {correction.number} issued: it corrects statement {statement.number}",
            )
            return redirect("finance:statement", correction.uuid)
    return _statement_page(request, statement, form)


def _download(request, statement: Statement, kind: str) -> HttpResponse:
    try:
        data = services.statement_download(statement=statement, kind=kind, by=request.user)
    except PermissionDenied:
        raise Http404 from None
    content_type = "application/pdf" if kind == "pdf" else "text/csv; charset=utf-8"
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="{statement_files.filename(statement, kind)}"'
    )
    return response


@money_view
@require_GET
def statement_pdf(request, statement_uuid):
    return _download(request, get_statement_for_user(request.user, statement_uuid), "pdf")


@money_view
@require_GET
def statement_csv(request, statement_uuid):
    return _download(request, get_statement_for_user(request.user, statement_uuid), "csv")


# --- A school's and a provider's own statements ---------------------------------------------


def _own_list(request, area: str):
    organisations = _area_organisations(request.user, area)
    queryset = statements_visible_to(
        request.user, selectors.statements_of(organisations, AREA_PARTY[area])
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "finance/statements/own_list.html",
        {
            "page": page,
            "area": area,
            "names": NAMES[area],
            "several": len(organisations) > 1,
        },
    )


def _own_detail(request, area: str, statement_uuid):
    statement = get_statement_for_user(request.user, statement_uuid, area=area)
    return render(request, "finance/statements/detail.html", _context(statement, area))


def _own_download(request, area: str, statement_uuid, kind: str):
    statement = get_statement_for_user(request.user, statement_uuid, area=area)
    return _download(request, statement, kind)


@area_required(Area.SCHOOLS)
@require_GET
def schools_statements(request):
    return _own_list(request, Area.SCHOOLS)


@area_required(Area.SCHOOLS)
@require_GET
def schools_statement(request, statement_uuid):
    return _own_detail(request, Area.SCHOOLS, statement_uuid)


@area_required(Area.SCHOOLS)
@require_GET
def schools_statement_pdf(request, statement_uuid):
    return _own_download(request, Area.SCHOOLS, statement_uuid, "pdf")


@area_required(Area.SCHOOLS)
@require_GET
def schools_statement_csv(request, statement_uuid):
    return _own_download(request, Area.SCHOOLS, statement_uuid, "csv")


@area_required(Area.PROVIDERS)
@require_GET
def providers_statements(request):
    return _own_list(request, Area.PROVIDERS)


@area_required(Area.PROVIDERS)
@require_GET
def providers_statement(request, statement_uuid):
    return _own_detail(request, Area.PROVIDERS, statement_uuid)


@area_required(Area.PROVIDERS)
@require_GET
def providers_statement_pdf(request, statement_uuid):
    return _own_download(request, Area.PROVIDERS, statement_uuid, "pdf")


@area_required(Area.PROVIDERS)
@require_GET
def providers_statement_csv(request, statement_uuid):
    return _own_download(request, Area.PROVIDERS, statement_uuid, "csv")


urlpatterns = [
    path("finance/statements/", statements, name="statements"),
    path("finance/statements/issue/", statements_run, name="statements_run"),
    path("finance/statements/<uuid:statement_uuid>/", statement_detail, name="statement"),
    path(
        "finance/statements/<uuid:statement_uuid>/correct/",
        statement_correct,
        name="statement_correct",
    ),
    path("finance/statements/<uuid:statement_uuid>/pdf/", statement_pdf, name="statement_pdf"),
    path("finance/statements/<uuid:statement_uuid>/csv/", statement_csv, name="statement_csv"),
    path("schools/statements/", schools_statements, name="schools_statements"),
    path("schools/statements/<uuid:statement_uuid>/", schools_statement, name="schools_statement"),
    path(
        "schools/statements/<uuid:statement_uuid>/pdf/",
        schools_statement_pdf,
        name="schools_statement_pdf",
    ),
    path(
        "schools/statements/<uuid:statement_uuid>/csv/",
        schools_statement_csv,
        name="schools_statement_csv",
    ),
    path("providers/statements/", providers_statements, name="providers_statements"),
    path(
        "providers/statements/<uuid:statement_uuid>/",
        providers_statement,
        name="providers_statement",
    ),
    path(
        "providers/statements/<uuid:statement_uuid>/pdf/",
        providers_statement_pdf,
        name="providers_statement_pdf",
    ),
    path(
        "providers/statements/<uuid:statement_uuid>/csv/",
        providers_statement_csv,
        name="providers_statement_csv",
    ),
]
