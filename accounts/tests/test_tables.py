"""{% wide_table %}: a table in a focusable region, named by its label or its caption, that
scrolls sideways on its own so the page does not."""

from django.template import Context, Template


def render(source: str, **context) -> str:
    return Template("{% load tables %}" + source).render(Context(context))


def test_it_wraps_the_table_in_a_labelled_focusable_region():
    html = render('{% wide_table "Providers" %}<table></table>{% endwide_table %}')
    assert html == (
        '<div class="cap-table-wrapper" role="region" aria-label="Providers" tabindex="0">'
        "<table></table></div>"
    )


def test_the_label_may_come_from_the_context_and_is_escaped():
    html = render("{% wide_table name %}<table></table>{% endwide_table %}", name='Say "hi" & <go>')
    assert 'aria-label="Say &quot;hi&quot; &amp; &lt;go&gt;"' in html


def test_without_a_label_the_caption_names_the_region_once_escaped():
    html = render(
        "{% wide_table %}<table><caption class='x'>{{ n }} schools'<span> places</span>"
        "</caption></table>{% endwide_table %}",
        n=3,
    )
    assert 'aria-label="3 schools&#x27; places"' in html


def test_the_table_inside_is_rendered_as_it_was():
    html = render("{% wide_table 'T' %}<table><td>{{ x }}</td></table>{% endwide_table %}", x="<b>")
    assert "<td>&lt;b&gt;</td>" in html
