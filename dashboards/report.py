"""Figures as tables: what a selector returns, what a page shows with its chart, and what
a person downloads as CSV or XLSX. One table feeds all three, so the page, the export and
the panel's PDF cannot disagree.

A table's first column labels its rows; a cell is a plain value or a Cell with the link
to the list behind the figure. Counts under the suppression threshold are hidden
(`suppressed`) in anything shown outside the CAP team: the whole row, and the next
smallest row with a lone one (see `suppress`).
"""

import csv
import datetime as dt
import io
import math
import re
from dataclasses import dataclass, field, replace
from xml.etree import ElementTree

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from lib import dates, words
from lib.spreadsheets import safe_cell

# The kinds of column: how a value is shown, exported and charted.
LABEL, COUNT, RATE, NUMBER, TEXT, DATE = "label", "count", "rate", "number", "text", "date"
SUPPRESSED = "c"  # the DfE's and the ONS's mark for a figure withheld to protect people


@dataclass(frozen=True)
class Column:
    heading: str
    kind: str = COUNT

    @property
    def numeric(self) -> bool:
        return self.kind in (COUNT, RATE, NUMBER)


@dataclass(frozen=True)
class Cell:
    value: object
    href: str = ""
    suppressed: bool = False


@dataclass
class Table:
    """`key` names the table on its page (for downloads and anchors). `chart` is "bar"
    (one bar per row, for the first numeric column unless `chart_column` says otherwise),
    "line" (the same, joined: a trend), or "" for none. `summary` says in words what the
    chart shows; `note` says how the figures are counted."""

    key: str
    caption: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    chart: str = ""
    chart_column: int | None = None
    summary: str = ""
    note: str = ""
    # A long table (a row a setting or school, a census's placements) shows this many rows
    # on the page; its download has them all.
    page_rows: int | None = 100

    def cells(self) -> list[list[Cell]]:
        return [[c if isinstance(c, Cell) else Cell(c) for c in row] for row in self.rows]

    def column(self, heading: str) -> list:
        i = [c.heading for c in self.columns].index(heading)
        return [c.value for c in (row[i] for row in self.cells())]


def for_page(table: Table) -> Table:
    """The table as its page shows it: a long list cut to its first page_rows rows."""
    if table.page_rows is None or len(table.rows) <= table.page_rows:
        return table
    note = (
        f"The page shows the first {table.page_rows:,} of {len(table.rows):,} rows; "
        "the download has them all."
    )
    return replace(table, rows=table.rows[: table.page_rows], note=f"{table.note} {note}".strip())


def suppress(table: Table, threshold: int) -> Table:
    """The table as shown outside the CAP team. A row with a count from 1 to threshold - 1
    is withheld whole (its counts, rates and other figures become SUPPRESSED): a rate, or
    the other counts of its row, could give the small one away. When only one row is
    withheld, the next smallest is withheld too, so that no total or share elsewhere gives
    it back by subtraction. A summary is written from the figures before they were
    withheld ("3 referrals were submitted"), so a table that withholds any says so
    instead."""
    if threshold <= 1:
        return table
    cells = table.cells()

    def counts(row: list[Cell]) -> list[int]:
        return [
            c.value
            for col, c in zip(table.columns, row, strict=True)
            if col.kind == COUNT and isinstance(c.value, int) and not isinstance(c.value, bool)
        ]

    hidden = {i for i, row in enumerate(cells) if any(0 < n < threshold for n in counts(row))}
    if len(hidden) == 1:
        others = [(sum(counts(row)), i) for i, row in enumerate(cells) if i not in hidden]
        others = [(total, i) for total, i in others if total > 0]
        if others:
            hidden.add(min(others)[1])
    if not hidden:
        return table
    rows = [
        [
            Cell(SUPPRESSED, suppressed=True) if i in hidden and col.numeric else c
            for col, c in zip(table.columns, row, strict=True)
        ]
        for i, row in enumerate(cells)
    ]
    summary = (
        f"Some of these figures are under {threshold} and are shown as “{SUPPRESSED}”, with "
        "others that would give them away: the table gives the rest."
    )
    return replace(table, rows=rows, summary=summary)


def shown(value, kind: str) -> str:
    """A value as the page and the PDF write it."""
    if value is None or value == "":
        return "–"
    if kind == RATE and not isinstance(value, str):
        return f"{value:.1f}%"
    if kind == DATE and isinstance(value, dt.date):
        return dates.long_date(value, weekday=False)
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def plural(count: int, one: str, many: str = "") -> str:
    """ "1 pack", "2 packs", "1,234 children": a count with its noun (lib.words.count)."""
    return words.count(count, f"{one},{many}" if many else one)


def share(part: int, whole: int) -> float | None:
    """A percentage to one decimal place, or None when there is nothing to divide by."""
    return round(100 * part / whole, 1) if whole else None


# --- Charts -------------------------------------------------------------------------------

_COMMENT = re.compile(r"<!--.*?-->", re.S)
MOST_BARS = 30


def _ticks(values: list) -> list[int]:
    """Whole-number ticks for counts: about five, from 0 to the largest."""
    top = math.ceil(max((v for v in values if v is not None), default=0)) or 1
    step = math.ceil(top / 5)
    return list(range(0, top + step, step))


def chart_svg(table: Table) -> SafeString:
    """The table's chart as inline SVG drawn by pygal, with no script and no inline style
    (the page's style sheet colours it, which the content security policy needs). The
    picture is named by the table's caption and summary; the table beside it carries the
    figures for anyone who cannot see it."""
    if not table.chart or not table.rows:
        return mark_safe("")
    import pygal  # Slow to import; only pages with charts need it.
    import pygal.style

    column = table.chart_column
    if column is None:
        column = next(i for i, c in enumerate(table.columns) if c.numeric)
    cells = table.cells()
    values = [
        None
        if c[column].suppressed or not isinstance(c[column].value, int | float)
        else c[column].value
        for c in cells
    ]
    if not any(values):
        return mark_safe("")  # Nothing to draw: the table says so.
    labels = [shown(c[0].value, table.columns[0].kind) for c in cells]
    name = table.caption
    if table.chart == "bar" and len(values) > MOST_BARS:
        name = f"{table.caption}: the {MOST_BARS} largest"
        # One bar a row would make a chart as long as the table: draw the largest.
        largest = sorted(range(len(values)), key=lambda i: values[i] or 0, reverse=True)
        keep = sorted(largest[:MOST_BARS])
        labels, values = [labels[i] for i in keep], [values[i] for i in keep]
    kind = table.columns[column].kind
    config = {
        "js": [],
        "css": [],
        "no_prefix": True,
        "disable_xml_declaration": True,
        "show_legend": False,
        "width": 720,
        "height": max(180, 36 * len(labels) + 80) if table.chart == "bar" else 320,
        "truncate_label": 40,
        "value_formatter": (lambda v: f"{v:.1f}%") if kind == RATE else (lambda v: f"{v:,.0f}"),
        "x_label_rotation": 0 if table.chart == "bar" or len(labels) < 8 else 30,
        "range": (0, 100) if kind == RATE else None,
        "y_labels": [0, 25, 50, 75, 100] if kind == RATE else _ticks(values),
        "include_x_axis": True,
    }
    # pygal leaves room for the labels from the font size it is told; the style sheet
    # (frontend/app.scss) draws them at the same size.
    config["style"] = pygal.style.Style(label_font_size=12, major_label_font_size=12)
    if table.chart == "bar":
        chart = pygal.HorizontalBar(**config)
        # pygal draws the first bar at the bottom; people read from the top.
        labels, values = labels[::-1], values[::-1]
    else:
        chart = pygal.Line(**config)
    chart.x_labels = labels
    chart.add(table.columns[column].heading, values)
    tree = chart.render_tree()
    for parent in list(tree.iter()):
        for child in list(parent):
            if not isinstance(child.tag, str):  # a comment
                parent.remove(child)
                continue
            tag = child.tag.split("}")[-1]
            classes = child.get("class", "")
            if (
                tag in ("style", "script", "defs")
                or "tooltip" in classes.split()
                or (tag == "title" and parent is tree)
            ):
                parent.remove(child)
    tree.attrib.pop("id", None)
    tree.set("class", "cap-chart pygal-chart")
    tree.set("role", "img")
    tree.set("focusable", "false")
    # Named by its caption; the summary beside it (a figcaption) describes it.
    tree.set("aria-label", name)
    svg = ElementTree.tostring(tree, encoding="unicode", short_empty_elements=True)
    svg = _COMMENT.sub("", svg).replace("ns0:", "").replace(":ns0", "")
    # pygal's tree escapes every label; the scripts and styles are gone.
    return mark_safe(svg)  # noqa: S308


# --- Downloads ----------------------------------------------------------------------------

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _heading_lines(table: Table, described: str, made_at: dt.datetime) -> list[str]:
    when = timezone.localtime(made_at)
    lines = [
        f"{table.caption} – {described}",
        f"Made {dates.long_date(when.date(), weekday=False)} at {dates.time_of_day(when)}",
    ]
    if table.note:
        lines.append(table.note)
    if any(c.suppressed for row in table.cells() for c in row):
        lines.append(f"{SUPPRESSED}: a small number withheld to protect the people it counts")
    return lines


def _export_value(cell: Cell, kind: str):
    if cell.suppressed:
        return SUPPRESSED
    value = cell.value
    if value is None:
        return ""
    if kind == DATE and isinstance(value, dt.date):
        return value.isoformat()  # A file's dates sort and import as dates.
    if isinstance(value, str):
        return safe_cell(value)
    return value


def download(table: Table, fmt: str, *, described: str, filename: str) -> HttpResponse:
    """The table as a file: a few heading lines saying what it is and when it was made, a
    blank line, then the header row and the rows, with the filters applied."""
    if fmt not in FORMATS:
        raise Http404("No such format")
    made_at = timezone.now()
    heading = _heading_lines(table, described, made_at)
    header = [c.heading for c in table.columns]
    rows = [
        [_export_value(c, col.kind) for col, c in zip(table.columns, row, strict=True)]
        for row in table.cells()
    ]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        for line in heading:
            writer.writerow([safe_cell(line)])
        writer.writerow([])
        writer.writerow(header)
        writer.writerows(rows)
        content: bytes | str = "\ufeff" + out.getvalue()  # Excel reads UTF-8 with a BOM.
    else:
        from openpyxl import Workbook
        from openpyxl.styles import Font

        book = Workbook(write_only=False)
        sheet = book.active
        sheet.title = table.key[:31]
        for line in heading:
            sheet.append([safe_cell(line)])
        sheet["A1"].font = Font(bold=True)
        sheet.append([])
        sheet.append(header)
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
        out_bytes = io.BytesIO()
        book.save(out_bytes)
        content = out_bytes.getvalue()
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def table_html_id(table: Table) -> str:
    return escape(f"table-{table.key}")
