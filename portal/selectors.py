from django.core.cache import cache
from django.db.models import Count, Q

from grids.models import PartyMember, PartyOrganization, Region, RegionLevel

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
