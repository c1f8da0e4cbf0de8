"""No table makes a page wider than the screen: every table a page shows sits in a
{% wide_table %} region, named by a label or the table's caption (accounts/templatetags/
tables.py). PDFs are laid out for paper, e-mails have no tables."""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
TABLE = re.compile(r"<table\b.*?</table>", re.DOTALL)
OPEN = re.compile(r"{%\s*wide_table(\s[^%]*)?%}\s*$")


def screen_templates() -> list[Path]:
    found = []
    for path in [*ROOT.glob("templates/**/*.html"), *ROOT.glob("*/templates/**/*.html")]:
        if path.name.endswith("_pdf.html") or "email" in path.parts:
            continue
        found.append(path)
    return found


def test_every_table_on_a_page_scrolls_in_its_own_named_region():
    unwrapped = []
    for path in screen_templates():
        text = path.read_text()
        for table in TABLE.finditer(text):
            before = OPEN.search(text[: table.start()])
            after = text[table.end() :].lstrip().startswith("{% endwide_table %}")
            if not (before and after):
                unwrapped.append(
                    f"{path.relative_to(ROOT)}:{text[: table.start()].count(chr(10)) + 1}"
                )
            elif not (before.group(1) or "").strip() and "<caption" not in table.group(0):
                unwrapped.append(f"{path.relative_to(ROOT)} (no label and no caption)")
    assert unwrapped == []


def test_the_templates_are_found():
    assert len(screen_templates()) > 100
