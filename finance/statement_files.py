"""A statement as a file to download: a tagged PDF to read and file, and a CSV to check the
figures in a spreadsheet. Both are made from the statement's issued lines, which never
change, so a statement downloaded twice gives the same file."""

import csv
import io
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from finance import selectors
from finance.models import Statement, StatementLine
from lib.dates import long_date
from lib.pdf import render_pdf
from lib.spreadsheets import safe_cell


def filename(statement: Statement, extension: str) -> str:
    return f"statement-{statement.number}.{extension}"


def _issued_on(statement: Statement):
    return timezone.localtime(statement.issued_at).date()


def statement_pdf(statement: Statement) -> bytes:
    authority = settings.CAP_AUTHORITY_NAME
    return render_pdf(
        "finance/statements/statement_pdf.html",
        {
            "statement": statement,
            "lines": selectors.statement_lines(statement),
            "issued_on": _issued_on(statement),
            "authority_name": authority,
            "service_address": settings.CAP_SERVICE_ADDRESS,
            "payment_terms": selectors.payment_terms(statement, authority),
        },
    )


def _amount(pence: int | None) -> str:
    """Pounds as a plain number with two decimals (a credit is negative), for a spreadsheet
    to read as a number. Never through safe_cell: a leading minus is the number's own."""
    return "" if pence is None else f"{Decimal(pence) / 100:.2f}"


def _date(day) -> str:
    return long_date(day, weekday=False) if day else ""


def _weeks(number: int | None) -> str:
    return "" if number is None else str(number)


COLUMNS = [
    "Line",
    "Description",
    "Starts",
    "Ends",
    "Weeks delivered",
    "Weeks planned",
    "Fee",
    "Due in all",
    "Charged before",
    "This statement",
    "In the total",
]


def _row(line: StatementLine) -> list[str]:
    return [
        str(line.order),
        safe_cell(line.description),
        _date(line.starts_on),
        _date(line.ends_on),
        _weeks(line.weeks_delivered),
        _weeks(line.weeks_planned),
        _amount(line.fee_pence),
        _amount(line.due_pence),
        _amount(line.before_pence),
        _amount(line.amount_pence),
        "Yes" if line.in_total else "No: paid to the provider directly",
    ]


def statement_csv(statement: Statement) -> str:
    """A few heading lines saying which statement it is, then one row a line and the
    total. Text goes through safe_cell, so no cell opens as a formula."""
    term = statement.term
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Statement", safe_cell(statement.number)])
    writer.writerow([statement.get_party_display(), safe_cell(statement.organisation.name)])
    writer.writerow(
        [
            "Term",
            safe_cell(
                f"{term} ({long_date(term.starts_on, weekday=False)} to "
                f"{long_date(term.ends_on, weekday=False)})"
            ),
        ]
    )
    writer.writerow(["Issued", long_date(_issued_on(statement), weekday=False)])
    if statement.corrects_id:
        writer.writerow(["Corrects", safe_cell(statement.corrects.number)])
    writer.writerow([])
    writer.writerow(COLUMNS)
    writer.writerows(_row(line) for line in selectors.statement_lines(statement))
    writer.writerow(["Total", "", "", "", "", "", "", "", "", _amount(statement.total_pence), ""])
    return out.getvalue()
