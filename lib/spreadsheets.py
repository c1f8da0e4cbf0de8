"""Text for a cell of a CSV or XLSX file that a person opens in a spreadsheet, and a CSV file
written a chunk at a time for a streamed download."""

import csv
import io
import re
from collections.abc import Iterable, Iterator

# Characters an XLSX file cannot hold (openpyxl refuses them).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def safe_cell(text: str) -> str:
    """The text as a spreadsheet shows it, never as a formula: a name such as "=HYPERLINK(…)"
    gets a leading apostrophe, and characters no cell can hold are dropped."""
    text = _CONTROL.sub("", text)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_chunks(heading: list[str], chunks: Iterable[Iterable[list]]) -> Iterator[str]:
    """A CSV file as text a chunk of rows at a time, for a StreamingHttpResponse: the
    heading goes with the first chunk, so memory holds one chunk however long the file."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(heading)
    for rows in chunks:
        writer.writerows(rows)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()  # the heading alone when there are no rows
