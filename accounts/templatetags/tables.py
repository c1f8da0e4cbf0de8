"""A table that may be wider than the screen scrolls sideways inside its own region, so the
page never does (GOV.UK: a focusable region with a label, so keyboard users can scroll
it and screen-reader users know what it holds).

    {% load tables %}
    {% wide_table "Providers and what needs attention" %}<table …>…</table>{% endwide_table %}

Without a label, the table's caption names the region."""

import html
import re

from django import template
from django.utils.html import format_html, strip_tags

register = template.Library()

CAPTION = re.compile(r"<caption\b[^>]*>(.*?)</caption>", re.DOTALL | re.IGNORECASE)


class WideTableNode(template.Node):
    def __init__(self, nodelist, label):
        self.nodelist = nodelist
        self.label = label

    def render(self, context):
        inner = self.nodelist.render(context)
        label = self.label.resolve(context) if self.label else ""
        if not label:
            caption = CAPTION.search(inner)
            label = " ".join(html.unescape(strip_tags(caption.group(1))).split()) if caption else ""
        # A region must have a name; a table without a caption is a mistake the tests
        # catch (tests/test_tables.py), not a reason to refuse the page.
        label = label or "Table"
        return format_html(
            '<div class="cap-table-wrapper" role="region" aria-label="{}" tabindex="0">{}</div>',
            label,
            inner,
        )


@register.tag
def wide_table(parser, token):
    bits = token.split_contents()
    if len(bits) > 2:
        raise template.TemplateSyntaxError("wide_table takes at most one argument, its label")
    label = parser.compile_filter(bits[1]) if len(bits) == 2 else None
    nodelist = parser.parse(("endwide_table",))
    parser.delete_first_token()
    return WideTableNode(nodelist, label)
