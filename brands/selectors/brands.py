"""Reads of brands: the public wall and brand page, staff lists, the review queue, the history.

Figures (activities, participants, people served, satisfaction, last activity) come from the
activity records in one GROUP BY query over the brands of the page shown, served by the
(brand, started_at) index: the wall costs the same with 14 brands or 1,400, and never computes
figures for brands it does not show (a correlated subquery per row would, on SQLite, be run for
every brand before sorting).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, F, Max, OuterRef, Prefetch, QuerySet, Subquery, Sum
from django.db.models.functions import Substr
from django.utils.translation import pgettext

from brands.models import ActivityPhoto, ActivityRecord, Brand, BrandStatus, Tag
from grids.models import CODE_LENGTH, PartyOrganization, Region, RegionLevel
from grids.selectors import organizations_changeable
from portal import history
from portal.pages import found_or_404
from portal.scoping import Action, Principal, Viewer

# A district's path is "<city code>/<district code>/": the first 14 characters of every path below it.
DISTRICT_PATH_LENGTH = CODE_LENGTH["city"] + CODE_LENGTH["district"] + 2
TIMELINE_LENGTH = 10
HOME_BRANDS = 6


@dataclass(frozen=True)
class BrandFigures:
    activity_count: int = 0
    participants: int = 0  # party members attending plus other participants
    people_served: int = 0
    average_satisfaction: Decimal | None = None  # over the records where it was recorded
    last_activity_at: datetime | None = None


def figures_by_brand(brand_ids: Iterable[int]) -> dict[int, BrandFigures]:
    """The figures of each brand (missing: no records yet), in one query."""
    rows = (
        ActivityRecord.objects.filter(brand_id__in=list(brand_ids))
        .order_by()
        .values("brand_id")
        .annotate(
            activity_count=Count("pk"),
            participants=Sum(F("attendee_count") + F("other_participants")),
            people_served=Sum("people_served"),
            average_satisfaction=Avg("satisfaction"),
            last_activity_at=Max("started_at"),
        )
    )
    return {row.pop("brand_id"): _figures(row) for row in rows}


def _figures(row: dict[str, Any]) -> BrandFigures:
    average = row["average_satisfaction"]
    return BrandFigures(
        activity_count=row["activity_count"],
        participants=row["participants"] or 0,
        people_served=row["people_served"] or 0,
        # SQLite answers a float; one decimal place is what pages and the API show.
        average_satisfaction=None if average is None else Decimal(str(average)).quantize(Decimal("0.1")),
        last_activity_at=row["last_activity_at"],
    )


def attach_figures(brands: Iterable[Brand]) -> list[Brand]:
    """Set ``brand.figures`` on each brand of a page (one query for the lot)."""
    brands = list(brands)
    figures = figures_by_brand(b.pk for b in brands)
    for brand in brands:
        brand.figures = figures.get(brand.pk, BrandFigures())
    return brands


def brand_figures(brand: Brand) -> BrandFigures:
    return figures_by_brand([brand.pk]).get(brand.pk, BrandFigures())


def with_district(queryset: QuerySet[Brand]) -> QuerySet[Brand]:
    """Annotate district_name: the district above the brand's region (none for a city-level owner)."""
    districts = Region.objects.filter(
        level=RegionLevel.DISTRICT, path=Substr(OuterRef("region__path"), 1, DISTRICT_PATH_LENGTH)
    )
    return queryset.annotate(district_name=Subquery(districts.values("name")[:1]))


def wall_brands() -> QuerySet[Brand]:
    """Published brands as wall cards (figures: ``attach_figures`` on the page shown)."""
    base = Brand.objects.published().select_related("organization").only(
        "id", "name", "slogan", "category", "level", "cover_thumbnail", "published_at",
        "organization__id", "organization__name",
    )  # fmt: skip
    return with_district(base)


def home_brands(limit: int = HOME_BRANDS) -> list[Brand]:
    """A few published brands for the home page, the most recently published first."""
    return list(with_district(Brand.objects.published().select_related("organization"))[:limit])


def wall_districts() -> QuerySet[Region]:
    return Region.objects.filter(level=RegionLevel.DISTRICT).only("code", "name").order_by("code")


def wall_tags() -> QuerySet[Tag]:
    return Tag.objects.filter(brands__status=BrandStatus.PUBLISHED).distinct().order_by("name")


def public_brand(pk: int) -> Brand:
    """A published brand with its tags, gallery and recognitions, or 404 (drafts are never public)."""
    queryset = with_district(
        Brand.objects.published()
        .select_related("organization", "region")
        .prefetch_related("tags", "images", "recognitions")
    )
    return found_or_404(queryset.filter(pk=pk).first())


def brand_timeline(brand: Brand, limit: int = TIMELINE_LENGTH) -> list[ActivityRecord]:
    """The latest activity records of a brand, with their organization and first photos (2 queries)."""
    photos = Prefetch("photos", queryset=ActivityPhoto.objects.only("id", "activity_id", "thumbnail"))
    return list(
        ActivityRecord.objects.filter(brand=brand)
        .select_related("organization")
        .prefetch_related(photos)
        .order_by("-started_at")[:limit]
    )


def brands_visible(actor: Viewer) -> QuerySet[Brand]:
    """Brands in the actor's scope: every status for staff; a partner system sees only published
    ones (drafts and returned brands are internal)."""
    brands = Brand.objects.visible_to(actor)
    return brands.published() if isinstance(actor, Principal) else brands


def staff_brands(actor: Any) -> QuerySet[Brand]:
    """Brands in the actor's scope, every status, newest change first."""
    return with_district(
        Brand.objects.visible_to(actor, Action.VIEW).select_related("organization").order_by("-updated_at")
    )


def staff_brand(actor: Any, pk: int, action: str = Action.VIEW) -> Brand:
    """One brand the actor may act on, or 404: outsiders learn nothing, not even that it exists."""
    queryset = Brand.objects.visible_to(actor, action).select_related(
        "organization", "region", "reviewed_by", "submitted_by", "created_by"
    )
    return found_or_404(queryset.filter(pk=pk).first())


def review_queue(actor: Any) -> QuerySet[Brand]:
    """Submitted brands the actor may review: strictly below one of their review grants."""
    return with_district(
        Brand.objects.visible_to(actor, Action.REVIEW, strict=True)
        .filter(status=BrandStatus.SUBMITTED)
        .select_related("organization", "submitted_by")
        .order_by("submitted_at")
    )


def owner_organizations(actor: Any) -> QuerySet[PartyOrganization]:
    """Organizations the actor may register a brand for."""
    return organizations_changeable(actor).select_related("region").order_by("region__path", "name")


# --- history -------------------------------------------------------------------------------

HISTORY_FIELDS = (
    "name", "organization", "category", "level", "year_launched", "slogan", "summary", "story",
    "cover", "status", "return_reason", "tags",
)  # fmt: skip
HISTORY_LENGTH = 50


def brand_history(brand: Brand, limit: int = HISTORY_LENGTH) -> list[history.HistoryEntry]:
    """Who changed what and when, newest first, each entry with its field-by-field differences.

    Three queries whatever the length: the entries, their tag snapshots, the organizations named.
    """
    records = history.latest_records(brand, limit)
    tags = history.m2m_snapshots(records, "tags", "name")
    formats = {"organization": history.names(PartyOrganization, (r.organization_id for r in records))}
    return history.entries(
        records, HISTORY_FIELDS, limit=limit, formats=formats, compares={"tags": _tag_change(tags)}
    )


def _tag_change(tags: dict[int, list[str]]) -> history.Compare:
    def compare(older: Any, newer: Any) -> tuple[str, str] | None:
        old, new = tags[older.history_id], tags[newer.history_id]
        if old == new:
            return None
        separator = pgettext("list separator", "、")
        return separator.join(old) or history.EMPTY, separator.join(new) or history.EMPTY

    return compare
