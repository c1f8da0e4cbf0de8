from django import template

from lib import money

register = template.Library()


@register.filter
def pounds(pence: int) -> str:
    """Whole pence as pounds: "£12,000.00" (lib.money.pounds)."""
    return money.pounds(pence)
