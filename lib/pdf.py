"""PDFs from templates: tagged (PDF/UA-1) for screen readers, A4, with the fonts installed
on the machine."""

import io
import threading

from django.conf import settings
from django.template.loader import render_to_string

from lib.words import record, text_problems

_local = threading.local()


def _font_config():
    """One font configuration a thread, kept for its life. WeasyPrint makes a new one for
    each document unless given one, and the fonts it loads into each are never freed: a
    worker making a term's reports grew by about 23 MB a hundred reports that way, and stays
    flat with this one."""
    from weasyprint.text.fonts import FontConfiguration

    if not hasattr(_local, "font_config"):
        _local.font_config = FontConfiguration()
    return _local.font_config


def render_pdf(template: str, context: dict, request=None) -> bytes:
    # WeasyPrint is slow to import and only the workers and downloads need it.
    from weasyprint import HTML

    html = render_to_string(
        template, {"service_name": settings.CAP_SERVICE_NAME, **context}, request=request
    )
    pdf = HTML(string=html).write_pdf(pdf_variant="pdf/ua-1", font_config=_font_config())
    if settings.CAP_WORDS_CHECK:
        _check_words(template, pdf)
    return pdf


def pdf_text(pdf: bytes) -> str:
    """The text of a PDF as a reader gets it, page after page."""
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def _check_words(template: str, pdf: bytes) -> None:
    """The test suite's words check (lib.words) on the PDF's own text."""
    record(f"PDF {template}", text_problems(pdf_text(pdf)))
