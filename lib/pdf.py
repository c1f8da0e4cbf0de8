"""PDFs from templates: tagged (PDF/UA-1) for screen readers, A4, with the fonts installed
on the machine."""

from django.conf import settings
from django.template.loader import render_to_string


def render_pdf(template: str, context: dict, request=None) -> bytes:
    # WeasyPrint is slow to import and only the workers and downloads need it.
    from weasyprint import HTML

    html = render_to_string(
        template, {"service_name": settings.CAP_SERVICE_NAME, **context}, request=request
    )
    return HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
