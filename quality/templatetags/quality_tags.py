"""Tags for quality assurance: a RAG rating or a provider status as a GOV.UK tag, and the
notice on an application's casework page when its provider is not approved."""

from django import template
from django.utils.html import format_html

from quality.models import APPROVED_STATUSES, GateMode, ProviderStatus, Rating
from quality.selectors import provider_standing, settings_current

register = template.Library()

RATING_COLOURS = {Rating.GREEN: "green", Rating.AMBER: "orange", Rating.RED: "red"}
STATUS_COLOURS = {
    ProviderStatus.APPROVED: "green",
    ProviderStatus.CONDITIONS: "yellow",
    ProviderStatus.SUSPENDED: "red",
    ProviderStatus.NOT_ASSESSED: "grey",
}
# The application steps whose next move the provider's standing affects.
GATED = {"accepted": "send the pack", "start_confirmed": "set up the placement"}


@register.simple_tag
def rating_tag(rating: str, label: str = ""):
    if not rating:
        return ""
    return format_html(
        '<strong class="govuk-tag govuk-tag--{}">{}{}</strong>',
        RATING_COLOURS[rating],
        format_html('<span class="govuk-visually-hidden">{}: </span>', label) if label else "",
        Rating(rating).label,
    )


@register.simple_tag
def status_tag(status: str):
    return format_html(
        '<strong class="govuk-tag govuk-tag--{}">{}</strong>',
        STATUS_COLOURS[status],
        ProviderStatus(status).label,
    )


@register.inclusion_tag("quality/_standing_notice.html")
def provider_standing_notice(application):
    """Before CAP sends the pack or sets up the placement: say whether the provider's
    compliance will stop it or be recorded as a warning."""
    step = GATED.get(application.status)
    if step is None or application.course_id is None:
        return {"show": False}
    status, reasons = provider_standing(application.course.provider)
    if status in APPROVED_STATUSES:
        return {"show": False}
    return {
        "show": True,
        "provider": application.course.provider,
        "status_label": ProviderStatus(status).label.lower(),
        "reasons": reasons,
        "step": step,
        "blocks": settings_current().gate_mode == GateMode.BLOCK,
    }
