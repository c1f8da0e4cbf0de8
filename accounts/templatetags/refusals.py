"""Whether the page being drawn refuses what was sent, for the "Error: " GOV.UK puts at the
start of its <title>: {% load refusals %}{% if_refused %}.

It looks at every form in the page's context, whatever the view named it (and one level into
lists and tuples, such as a list of steps each with its form), so no view has to remember to
say so. A refusal that is not a form's (submit rules that fail, say) sets `has_errors`."""

from django import template
from django.forms import BaseForm, BaseFormSet

register = template.Library()


def _refuses(value, depth: int = 0) -> bool:
    # type(), not isinstance(): isinstance would evaluate lazy values such as csrf_token.
    kind = type(value)
    if issubclass(kind, BaseForm):
        return value.is_bound and bool(value.errors)
    if issubclass(kind, BaseFormSet):
        return value.is_bound and (any(value.errors) or bool(value.non_form_errors()))
    if depth < 2 and kind in (list, tuple):
        return any(_refuses(item, depth + 1) for item in value)
    if depth < 2 and kind is dict:
        return any(_refuses(item, depth + 1) for item in value.values())
    return False


def page_refuses(context) -> bool:
    flat = context.flatten() if hasattr(context, "flatten") else dict(context)
    if flat.get("has_errors"):
        return True
    return any(_refuses(value) for value in flat.values())


@register.simple_tag(takes_context=True)
def error_prefix(context) -> str:
    """ "Error: " when the page refuses what was sent, else nothing."""
    return "Error: " if page_refuses(context) else ""
