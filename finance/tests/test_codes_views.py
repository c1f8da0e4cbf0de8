"""The finance system's codes and a term's export: the authority's codes, each school's and
provider's reference, the missing codes named row by row, and the CSV."""

import csv
import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.tests.factories import ProviderFactory, SchoolFactory
from audit.models import Event
from finance import services
from finance.export import COLUMNS
from finance.models import FinanceCodes, Party
from finance.tests.factories import code, term
from programmes.models import AcademicYear, Term

REFUSED = ["officer", "monitoring", "chair", "alice", "provider_staff", "outsider"]


def error_beside(page: str, field: str) -> str:
    found = re.search(rf'<p class="govuk-error-message" id="id_{field}-error">(.*?)</p>', page)
    assert found, f"no error beside {field}"
    return found.group(1).split("</span>", 1)[1].strip()


def codes_url() -> str:
    return reverse("finance:codes")


def organisation_url(organisation) -> str:
    return reverse("finance:organisation_codes", args=[organisation.uuid])


def export_url() -> str:
    return reverse("finance:export")


def csv_url(term) -> str:
    return reverse("finance:export_csv", args=[term.pk])


AUTHORITY = {"cost_centre": "CC100", "income_account": "4100", "expenditure_account": "5100"}


# --- The authority's codes -----------------------------------------------------------------


@pytest.mark.parametrize("who", ["finance", "manager"])
def test_the_codes_page_lists_schools_and_providers_with_a_change_link_each(client, cast, who):
    client.force_login(getattr(cast, who))
    page = client.get(codes_url()).content.decode()
    for organisation in (cast.school_a, cast.school_b, cast.provider, cast.academy):
        assert organisation.name in page and organisation_url(organisation) in page
    assert "Early Help" not in page  # an agency is neither billed nor paid
    assert "4 organisations" in page


def test_the_authority_s_codes_are_saved_and_audited(client, cast):
    client.force_login(cast.finance)
    response = client.post(codes_url(), {**AUTHORITY, "cost_centre": " CC-10/0.1 "}, follow=True)
    assert response.redirect_chain[-1][0] == codes_url()
    page = response.content.decode()
    assert f"The codes for {cast.la.name} are saved" in page
    codes = FinanceCodes.objects.get(organisation=cast.la)
    assert (codes.cost_centre, codes.income_account, codes.expenditure_account) == (
        "CC-10/0.1",
        "4100",
        "5100",
    )
    assert Event.objects.filter(action="finance_codes.saved", actor=cast.finance).exists()
    # The saved codes fill the form the next time.
    assert 'value="CC-10/0.1"' in page


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"cost_centre": ""}, "cost_centre", "Enter the cost centre"),
        (
            {"income_account": ""},
            "income_account",
            "Enter the account code for charges to schools",
        ),
        (
            {"cost_centre": "CC 100!"},
            "cost_centre",
            "Cost centre must contain only letters, numbers, hyphens (-), full stops (.) and "
            "slashes (/)",
        ),
        (
            {"expenditure_account": "=SUM(A1)"},
            "expenditure_account",
            "Account code for payments to providers must contain only letters",
        ),
        ({"cost_centre": "C" * 21}, "cost_centre", "Cost centre must be 20 characters or fewer"),
    ],
)
def test_bad_authority_codes_are_refused_beside_the_field_and_kept(
    client, cast, data, field, message
):
    client.force_login(cast.finance)
    sent = {**AUTHORITY, **data}
    response = client.post(codes_url(), sent)
    assert response.status_code == 200
    page = response.content.decode()
    assert error_beside(page, field).startswith(message)
    assert 'value="4100"' in page or field == "income_account"
    assert not FinanceCodes.objects.exists()


def test_a_school_s_customer_reference_is_saved(client, cast):
    client.force_login(cast.finance)
    page = client.get(organisation_url(cast.school_a)).content.decode()
    assert "Customer reference" in page and "Supplier reference" not in page
    response = client.post(organisation_url(cast.school_a), {"customer_reference": "CUST-A"})
    assert response.status_code == 302 and response["Location"] == codes_url()
    assert FinanceCodes.objects.get(organisation=cast.school_a).customer_reference == "CUST-A"
    assert "CUST-A" in client.get(codes_url()).content.decode()


def test_a_provider_s_supplier_reference_is_saved_without_touching_its_other_codes(client, cast):
    FinanceCodes.objects.create(organisation=cast.provider, cost_centre="KEEP")
    client.force_login(cast.manager)
    page = client.get(organisation_url(cast.provider)).content.decode()
    assert "Supplier reference" in page and "Customer reference" not in page
    client.post(organisation_url(cast.provider), {"supplier_reference": "SUP/P.1"})
    codes = FinanceCodes.objects.get(organisation=cast.provider)
    assert (codes.supplier_reference, codes.cost_centre) == ("SUP/P.1", "KEEP")


def test_the_academy_has_both_references(client, cast):
    client.force_login(cast.finance)
    page = client.get(organisation_url(cast.academy)).content.decode()
    assert "Customer reference" in page and "Supplier reference" in page


def test_a_bad_reference_is_refused_beside_it_and_kept(client, cast):
    client.force_login(cast.finance)
    page = client.post(organisation_url(cast.school_a), {"customer_reference": "CUST A"})
    page = page.content.decode()
    assert error_beside(page, "customer_reference").startswith(
        "Customer reference must contain only letters"
    )
    assert 'value="CUST A"' in page
    assert not FinanceCodes.objects.exists()


@pytest.mark.parametrize("kind", ["la", "agency"])
def test_only_schools_and_providers_have_references(client, cast, kind):
    client.force_login(cast.finance)
    assert client.get(organisation_url(getattr(cast, kind))).status_code == 404


@pytest.mark.parametrize("who", REFUSED)
def test_only_those_who_manage_money_keep_the_codes(client, cast, who):
    client.force_login(getattr(cast, who))
    assert client.get(codes_url()).status_code == 403
    assert client.post(codes_url(), AUTHORITY).status_code == 403
    assert client.post(
        organisation_url(cast.school_a), {"customer_reference": "X"}
    ).status_code == (403)
    assert not FinanceCodes.objects.exists()


def test_the_codes_pages_take_only_get_and_post(client, cast):
    client.force_login(cast.finance)
    assert client.put(codes_url()).status_code == 405
    assert client.delete(organisation_url(cast.school_a)).status_code == 405


def test_the_codes_page_takes_the_same_queries_at_any_size(client, cast):
    client.force_login(cast.finance)
    client.get(codes_url())

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(codes_url()).status_code == 200
        return len(captured)

    few = queries()
    for n in range(10):
        school = SchoolFactory()
        FinanceCodes.objects.create(organisation=school, customer_reference=f"C{n}")
        ProviderFactory()
    assert queries() == few


def test_the_codes_page_is_paged(client, cast):
    for _ in range(48):
        SchoolFactory()
    client.force_login(cast.finance)
    page = client.get(codes_url()).content.decode()
    assert "52 organisations, page 1 of 2" in page
    assert "page 2 of 2" in client.get(codes_url(), {"page": 2}).content.decode()


# --- The export --------------------------------------------------------------------------------


def export_page(client, user, **params) -> str:
    client.force_login(user)
    response = client.get(export_url(), params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_export_page_offers_the_terms_that_have_ended(client, cast, year):
    page = export_page(client, cast.finance)
    for name in ("Autumn term", "Spring term", "Summer term"):
        assert f"{name} 2025-26" in page


def test_a_term_with_no_statements_says_so(client, cast, year):
    spring = term(year, "Spring term")
    page = export_page(client, cast.finance, term=spring.pk)
    assert "No statements have been issued for the spring term 2025-26" in page
    assert "Download the CSV" not in page


def test_a_term_that_is_not_a_choice_is_refused_beside_the_field(client, cast, year):
    page = export_page(client, cast.finance, term="999999")
    assert error_beside(page, "term") == "Choose a term that has ended"


def test_every_missing_code_is_listed_with_a_link_to_put_it_right(client, cast, autumn):
    page = export_page(client, cast.finance, term=autumn.pk)
    assert "codes are missing" in page and "Download the CSV" not in page
    assert "CAP-2025-26-00001" in page
    assert "No cost centre" in page and "No customer reference" in page
    assert "No supplier reference" in page
    assert organisation_url(cast.school_a) in page and organisation_url(cast.provider) in page
    assert f"{codes_url()}#authority-codes" in page
    assert csv_url(autumn) not in page


def test_once_coded_the_term_can_be_downloaded(client, cast, autumn):
    code(cast)
    page = export_page(client, cast.finance, term=autumn.pk)
    assert "Every row is coded: 8 rows of charges and payments." in page
    assert csv_url(autumn) in page and "Download the CSV" in page


@pytest.mark.parametrize("who", ["finance", "manager"])
def test_the_csv_is_the_term_s_rows_and_its_download_is_audited(client, cast, autumn, who):
    code(cast)
    client.force_login(getattr(cast, who))
    response = client.get(csv_url(autumn))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="cap-2025-26-autumn-term.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == COLUMNS and len(rows) == 9
    assert {r[0] for r in rows[1:]} == {"Charge", "Payment"}
    event = Event.objects.get(action="finance.exported")
    assert event.actor == getattr(cast, who) and event.detail["rows"] == 8


def test_a_csv_with_a_code_missing_is_not_downloaded(client, cast, autumn):
    client.force_login(cast.finance)
    response = client.get(csv_url(autumn), follow=True)
    assert response.redirect_chain[-1][0] == f"{export_url()}?term={autumn.pk}"
    assert "missing: add them before you export the term" in response.content.decode()
    assert not Event.objects.filter(action="finance.exported").exists()


def test_a_term_that_has_not_ended_has_no_csv(client, cast):
    later = AcademicYear.objects.create(
        name="2099-00", starts_on=dt.date(2099, 9, 1), ends_on=dt.date(2100, 8, 31)
    )
    future = Term.objects.create(
        year=later, name="Autumn term", starts_on=dt.date(2099, 9, 2), ends_on=dt.date(2099, 12, 18)
    )
    client.force_login(cast.finance)
    assert client.get(csv_url(future)).status_code == 404


@pytest.mark.parametrize("who", REFUSED)
def test_only_those_who_manage_money_export(client, cast, autumn, who):
    code(cast)
    client.force_login(getattr(cast, who))
    assert client.get(export_url()).status_code == 403
    assert client.get(csv_url(autumn)).status_code == 403
    assert not Event.objects.filter(action="finance.exported").exists()


def test_the_export_pages_take_only_get(client, cast, autumn):
    client.force_login(cast.finance)
    assert client.post(export_url()).status_code == 405
    assert client.post(csv_url(autumn)).status_code == 405


def test_no_term_has_ended_says_so(client, cast):
    assert "No term has ended yet" in export_page(client, cast.finance)


def test_the_missing_codes_list_takes_the_same_queries_at_any_size(client, cast, year, scenario):
    first = term(year, "Autumn term")
    issue(cast, first, cast.school_a, Party.SCHOOL)
    client.force_login(cast.finance)
    url = f"{export_url()}?term={first.pk}"
    client.get(url)

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            page = client.get(url).content.decode()
        return len(captured), page.count('<td class="govuk-table__cell">No ')

    few, missing = queries()
    issue(cast, first, cast.provider, Party.PROVIDER)
    more, more_missing = queries()
    assert more_missing > missing and more == few


def issue(cast, term, organisation, party):
    services.statement_issue(organisation=organisation, party=party, term=term, by=cast.finance)
