from django import template

from dashboards import report

register = template.Library()


@register.filter
def shown(value, kind):
    """A figure as the page writes it (dashboards.report.shown)."""
    return report.shown(value, kind)


@register.filter
def index(sequence, position):
    return sequence[position]
