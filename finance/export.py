"""The term's charges and payments for the council's finance system, as the CSV its import
takes: one row per line of money on the term's issued statements that the authority bills
(to a school, as its customer) or pays (to a provider, as its supplier). The codes come
from the finance codes the CAP manager keeps (FinanceCodes); a row with a code missing
stops the whole export, with the row named, so nothing half-coded reaches the ledger.

Rows name a placement by its application's reference, never the student.
"""

import csv
import io
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from accounts.models import OrganisationKind
from finance.models import FinanceCodes, LineKind, Party, Statement, StatementLine
from lib.spreadsheets import safe_cell
from programmes.models import Payment, Term

COLUMNS = [
    "Type",
    "Customer or supplier reference",
    "Cost centre",
    "Account code",
    "Document number",
    "Line",
    "Description",
    "Amount",
    "Date",
]


@dataclass(frozen=True)
class Missing:
    """A row the export cannot code: which statement line and which code is missing."""

    number: str
    line: int
    organisation: str
    missing: str

    def __str__(self) -> str:
        return f"{self.number} line {self.line} ({self.organisation}): no {self.missing}"


class ExportRefused(Exception):
    def __init__(self, missing: list[Missing]):
        self.missing = missing
        super().__init__(f"{len(missing)} rows cannot be coded")


def _description(line: StatementLine, *, reverses: str = "") -> str:
    what = LineKind(line.kind).label
    if line.application_id:
        what = f"{what}, CAP reference {line.application.reference}"
    if reverses:
        return f"Reversal of {reverses} line {line.order}: {what}"
    return what


def export_rows(term: Term) -> list[list[str]]:
    """Every row of the term's export, or ExportRefused naming every row with a code
    missing.

    Each issued statement is a document with its own number, as issued. A correction is
    its own document too: it first reverses every line of the statement it corrects, then
    charges its own, so importing both leaves the corrected figures in the ledger, and a
    document number already imported need not be imported again."""
    authority = FinanceCodes.objects.filter(
        organisation__kind=OrganisationKind.LOCAL_AUTHORITY
    ).first()
    statements = list(
        Statement.objects.filter(term=term).select_related("organisation").order_by("number")
    )
    codes = {
        c.organisation_id: c
        for c in FinanceCodes.objects.filter(
            organisation_id__in={s.organisation_id for s in statements}
        )
    }
    lines_of: dict[int, list[StatementLine]] = {}
    for line in (
        StatementLine.objects.filter(statement__term=term, in_total=True)
        .exclude(amount_pence=0)
        .select_related("application")
        .order_by("statement_id", "order")
    ):
        lines_of.setdefault(line.statement_id, []).append(line)
    by_pk = {s.pk: s for s in statements}
    rows, missing = [], []
    for statement in statements:
        if statement.party == Party.PROVIDER and statement.payment != Payment.AUTHORITY_PAYS:
            continue  # the school pays the provider itself: nothing passes through the ledger
        entries = []
        if statement.corrects_id:
            corrected = by_pk[statement.corrects_id]
            entries += [(line, -1, corrected.number) for line in lines_of.get(corrected.pk, [])]
        entries += [(line, 1, "") for line in lines_of.get(statement.pk, [])]
        school = statement.party == Party.SCHOOL
        own = codes.get(statement.organisation_id)
        account = (
            (authority.income_account if school else authority.expenditure_account)
            if authority
            else ""
        )
        reference = (own.customer_reference if school else own.supplier_reference) if own else ""
        needed = {
            "cost centre": authority.cost_centre if authority else "",
            ("income account code" if school else "expenditure account code"): account,
            ("customer reference" if school else "supplier reference"): reference,
        }
        gaps = [name for name, value in needed.items() if not value]
        for number, (line, sign, reverses) in enumerate(entries, start=1):
            if gaps:
                missing.extend(
                    Missing(statement.number, number, statement.organisation.name, gap)
                    for gap in gaps
                )
                continue
            rows.append(
                [
                    "Charge" if school else "Payment",
                    safe_cell(reference),
                    safe_cell(authority.cost_centre),
                    safe_cell(account),
                    statement.number,
                    str(number),
                    _description(line, reverses=reverses),
                    # Numbers and dates as the import reads them (a credit is negative).
                    f"{Decimal(sign * line.amount_pence) / 100:.2f}",
                    f"{timezone.localtime(statement.issued_at):%d/%m/%Y}",
                ]
            )
    if missing:
        raise ExportRefused(missing)
    return rows


def export_csv(term: Term) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(export_rows(term))
    return out.getvalue()
