"""The template filters for counts and articles, for every app's templates:
{{ n|count:"pack" }} "1 pack", "2 packs"; {{ noun|article }} "an assessment" (lib.words)."""

from django import template

from lib import words

register = template.Library()


@register.filter
def count(number, noun):
    """ "1 pack", "2 packs"; an irregular plural after a comma when no rule makes it
    ({{ n|count:"cactus,cacti" }})."""
    return words.count(number, noun)


@register.filter
def article(noun):
    """The noun with "a" or "an" before it, as it sounds: "an assessment", "a unit"."""
    return words.with_article(str(noun))
