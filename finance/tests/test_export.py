"""The council's finance system's CSV: every billed line coded, or nothing and the rows
named."""

import csv
import io
from decimal import Decimal

import pytest

from finance import services
from finance.export import COLUMNS, ExportRefused, export_csv
from finance.models import Statement
from finance.tests.factories import code


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


def test_a_correction_reverses_the_statement_it_corrects_then_charges_its_own(
    cast, year, scenario, autumn
):
    _, p2, _ = scenario
    code(cast)
    fee = p2.application.fee
    services.fee_change(
        fee=fee, amount_pence=85000, reason="Agreed rate", version=fee.version, by=cast.finance
    )
    original = Statement.objects.get(organisation=cast.school_a, term=autumn)
    correction = services.statement_correct(
        statement=original, reason="The catering fee was agreed at £850.00", by=cast.manager
    )
    rows = list(csv.reader(io.StringIO(export_csv(autumn))))[1:]
    charges = [r for r in rows if r[0] == "Charge"]
    by_document = {}
    for r in charges:
        by_document.setdefault(r[4], []).append(r)
    # The original as issued, imported once; the correction reverses all five of its lines.
    assert len(by_document[original.number]) == 5
    reversals = [r for r in by_document[correction.number] if r[6].startswith("Reversal of")]
    assert len(reversals) == 5
    assert all(original.number in r[6] for r in reversals)
    net = sum(Decimal(r[7]) for r in charges)
    assert net == Decimal(correction.total_pence) / 100 == Decimal("13586.36")
