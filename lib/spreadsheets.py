"""Text for a cell of a CSV or XLSX file that a person opens in a spreadsheet."""

import re

# Characters an XLSX file cannot hold (openpyxl refuses them).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def safe_cell(text: str) -> str:
    """The text as a spreadsheet shows it, never as a formula: a name such as "=HYPERLINK(…)"
    gets a leading apostrophe, and characters no cell can hold are dropped."""
    text = _CONTROL.sub("", text)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
