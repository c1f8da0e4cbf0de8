"""`{% url_if_allowed "name" arg … as link %}`: the URL when the person may open it (lib.nav),
otherwise "", so a template shows a link only to who can follow it:

    {% url_if_allowed "placements:report_runs" as reports %}
    {% if reports %}<a class="govuk-link" href="{{ reports }}">Termly reports</a>{% endif %}
"""

from django import template

from lib import nav

register = template.Library()


@register.simple_tag(takes_context=True)
def url_if_allowed(context, url_name: str, *args, **kwargs) -> str:
    return nav.url_if_allowed(context["request"].user, url_name, *args, **kwargs)
