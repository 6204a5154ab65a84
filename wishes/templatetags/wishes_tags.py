"""Pieces of the wishes app for other pages (the volunteer's "my page")."""

from __future__ import annotations

from django import template

from volunteers.models import Volunteer
from wishes.selectors import wall as selectors

register = template.Library()


@register.inclusion_tag("wishes/includes/my_wishes.html")
def my_wishes(volunteer: Volunteer) -> dict[str, object]:
    """The volunteer's live claims, their own and their teams' (one query)."""
    claims = (
        selectors.live_claims_of(volunteer).select_related("wish").only("status", "deadline", "wish__title")
    )
    return {"claims": list(claims[:5])}


@register.inclusion_tag("wishes/includes/wishes_for_you.html")
def wishes_for_you(volunteer: Volunteer) -> dict[str, object]:
    """Published wishes near the volunteer, then for their specialties (two or three queries)."""
    wishes = selectors.near_me(volunteer)
    seen = {wish.pk for wish in wishes}
    wishes += [wish for wish in selectors.for_specialties(volunteer) if wish.pk not in seen]
    return {"wishes": wishes[:6]}
