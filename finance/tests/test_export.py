"""The council's finance system's CSV: every billed line coded, or nothing and the rows
named."""

import csv
import io

import pytest

from finance import services
from finance.export import COLUMNS, ExportRefused, export_csv
from finance.models import Party
from finance.tests.factories import term
from finance.tests.test_statements import scenario, year  # noqa: F401 - fixtures


@pytest.fixture
def autumn(cast, year, scenario):  # noqa: F811
    autumn = term(year, "Autumn term")
    for organisation, party in ((cast.school_a, Party.SCHOOL), (cast.provider, Party.PROVIDER)):
        services.statement_issue(
            organisation=organisation, party=party, term=autumn, by=cast.finance
        )
    return autumn


def code(cast):
    services.finance_codes_save(
        organisation=cast.la,
        by=cast.finance,
        cost_centre="CC100",
        income_account="4100",
        expenditure_account="5100",
        customer_reference="",
        supplier_reference="",
    )
    services.finance_codes_save(
        organisation=cast.school_a,
        by=cast.finance,
        cost_centre="",
        income_account="",
        expenditure_account="",
        customer_reference="=CUST-A",
        supplier_reference="",
    )
    services.finance_codes_save(
        organisation=cast.provider,
        by=cast.finance,
        cost_centre="",
        income_account="",
        expenditure_account="",
        customer_reference="",
        supplier_reference="SUP-P",
    )


def test_a_missing_code_stops_the_export_and_names_each_row(cast, autumn):
    with pytest.raises(ExportRefused) as refused:
        export_csv(autumn)
    missing = [str(m) for m in refused.value.missing]
    assert "CAP-2025-26-00001 line 1 (School A): no cost centre" in missing
    assert any("(Provider P): no supplier reference" in m for m in missing)


def test_the_export_has_a_row_for_each_billed_line(cast, autumn):
    code(cast)
    rows = list(csv.reader(io.StringIO(export_csv(autumn))))
    assert rows[0] == COLUMNS
    charges = [r for r in rows[1:] if r[0] == "Charge"]
    payments = [r for r in rows[1:] if r[0] == "Payment"]
    assert len(charges) == 5 and len(payments) == 3
    # A typed reference that looks like a formula stays text; amounts stay numbers.
    assert {r[1] for r in charges} == {"'=CUST-A"}
    assert sum(float(r[7]) for r in charges) == pytest.approx(13636.36)
    assert sum(float(r[7]) for r in payments) == pytest.approx(1386.36)
    # No student is named: the application's reference stands for the placement.
    assert all("CAP reference" in r[6] for r in charges if r[6] != "Service level agreement")
