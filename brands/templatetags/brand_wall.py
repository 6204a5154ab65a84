"""Template tags for pages outside brands/ that show brands (the home page)."""

from django import template

from brands.models import Brand
from brands.selectors.brands import home_brands

register = template.Library()


@register.simple_tag
def featured_brands() -> list[Brand]:
    """Up to six published brands, newest first: one query."""
    return home_brands()
