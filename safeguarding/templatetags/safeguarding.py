from django import template

from safeguarding.selectors import entry_title as _entry_title

register = template.Library()

READ_VIA = {
    "concern": "Opened the concern",
    "chronology": "Opened the chronology",
    "pdf": "Printed the chronology",
}


@register.simple_tag
def entry_title(entry) -> str:
    return _entry_title(entry)


@register.simple_tag
def read_via(event) -> str:
    return READ_VIA.get(event.detail.get("via", ""), "Read")
