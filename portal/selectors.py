from django.core.cache import cache
from django.db.models import Count, Q, QuerySet

from grids.models import PartyMember, PartyOrganization, Region, RegionLevel
from portal.models import Message, User

HOME_FIGURES_TTL = 600


def home_figures() -> dict[str, int]:
    """Public headline figures, cached: the home page must not count 300,000 rows per visit."""
    figures = cache.get("home-figures")
    if figures is None:
        regions = Region.objects.aggregate(
            districts=Count("id", filter=Q(level=RegionLevel.DISTRICT)),
            communities=Count("id", filter=Q(level=RegionLevel.COMMUNITY)),
            grids=Count("id", filter=Q(level=RegionLevel.GRID)),
        )
        figures = {
            **regions,
            "organizations": PartyOrganization.objects.count(),
            "members": PartyMember.objects.count(),
        }
        cache.set("home-figures", figures, HOME_FIGURES_TTL)
    return figures


def messages_for(user: object) -> QuerySet[Message]:
    """The user's own messages, newest first (the index ``message_newest``); nobody else's, ever."""
    if not isinstance(user, User):  # a visitor, a partner key, the schema generator: no inbox
        return Message.objects.none()
    return Message.objects.filter(recipient=user).order_by("-created_at", "-id")
