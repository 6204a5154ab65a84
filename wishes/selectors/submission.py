"""Reads of the residents' side: the region picker's lists, and a wish found by its tracking code."""

from __future__ import annotations

import re

from django.db.models import Prefetch, QuerySet

from grids.models import Region, RegionLevel
from wishes.models import TRACKING_ALPHABET, TRACKING_LENGTH, Wish, WishEvent

_SEPARATORS = re.compile(r"[\s\-_·.]")
_CODE = re.compile(f"[{TRACKING_ALPHABET}]{{{TRACKING_LENGTH}}}")


def districts() -> QuerySet[Region]:
    return Region.objects.filter(level=RegionLevel.DISTRICT).only("code", "name").order_by("code")


def is_region_code(text: str) -> bool:
    # Region codes are ASCII digits: anything else (a NUL above all, which PostgreSQL's text cannot
    # hold) names no region and must not reach a query.
    return 0 < len(text) <= 15 and text.isascii() and text.isdigit()


def children(parent_code: str, level: str) -> QuerySet[Region]:
    """The streets of a district or the communities of a street, by the parent's code."""
    if not is_region_code(parent_code):
        return Region.objects.none()
    return Region.objects.filter(parent__code=parent_code, level=level).only("code", "name").order_by("code")


def region_by_code(code: str, level: str) -> Region | None:
    if not is_region_code(code):
        return None
    return Region.objects.select_related("parent__parent").filter(code=code, level=level).first()


def normalize_code(text: str) -> str | None:
    """What a resident typed ("acd4-7fgh-jk", "ACD4 7FGH JK") as a stored code; None if it cannot be one."""
    code = _SEPARATORS.sub("", (text or "")[:40]).upper()
    return code if _CODE.fullmatch(code) else None


def wish_by_code(code: str) -> Wish | None:
    """The wish and its timeline (two queries); the caller has counted the lookup against its rate."""
    return (
        Wish.objects.select_related("community__parent__parent")
        .prefetch_related(Prefetch("events", queryset=WishEvent.objects.order_by("at", "id")))
        .filter(tracking_code=code)
        .first()
    )
