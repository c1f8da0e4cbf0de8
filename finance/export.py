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


def _statements(term: Term):
    """The term's statements that stand (a corrected one counts through its correction)."""
    return (
        Statement.objects.filter(term=term, correction__isnull=True)
        .select_related("organisation")
        .order_by("number")
    )


def _description(line: StatementLine) -> str:
    what = LineKind(line.kind).label
    if line.application_id:
        return f"{what}, CAP reference {line.application.reference}"
    return what


def export_rows(term: Term) -> list[list[str]]:
    """Every row of the term's export, or ExportRefused naming every row with a code
    missing."""
    authority = FinanceCodes.objects.filter(
        organisation__kind=OrganisationKind.LOCAL_AUTHORITY
    ).first()
    statements = list(_statements(term))
    codes = {
        c.organisation_id: c
        for c in FinanceCodes.objects.filter(
            organisation_id__in={s.organisation_id for s in statements}
        )
    }
    lines = (
        StatementLine.objects.filter(
            statement__term=term, statement__correction__isnull=True, in_total=True
        )
        .exclude(amount_pence=0)
        .select_related("application")
        .order_by("statement__number", "order")
    )
    by_statement = {s.pk: s for s in statements}
    rows, missing = [], []
    for line in lines:
        statement = by_statement[line.statement_id]
        if statement.party == Party.PROVIDER and statement.payment != Payment.AUTHORITY_PAYS:
            continue  # the school pays the provider itself: nothing passes through the ledger
        school = statement.party == Party.SCHOOL
        own = codes.get(statement.organisation_id)
        needed = {
            "cost centre": authority.cost_centre if authority else "",
            ("income account code" if school else "expenditure account code"): (
                (authority.income_account if school else authority.expenditure_account)
                if authority
                else ""
            ),
            ("customer reference" if school else "supplier reference"): (
                (own.customer_reference if school else own.supplier_reference) if own else ""
            ),
        }
        gaps = [name for name, value in needed.items() if not value]
        if gaps:
            missing.extend(
                Missing(statement.number, line.order, statement.organisation.name, gap)
                for gap in gaps
            )
            continue
        account = authority.income_account if school else authority.expenditure_account
        reference = own.customer_reference if school else own.supplier_reference
        rows.append(
            [
                "Charge" if school else "Payment",
                safe_cell(reference),
                safe_cell(authority.cost_centre),
                safe_cell(account),
                statement.number,
                str(line.order),
                _description(line),
                # Numbers and dates as the import reads them (a credit is negative).
                f"{Decimal(line.amount_pence) / 100:.2f}",
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
