"""Reads of the public wish wall and of a volunteer's claims.

The wall is read newest first with a keyset cursor ("published before this one"), never with an
OFFSET or a COUNT: with 100,000 wishes every page is one index range of ``wish_wall_newest`` (or
``wish_district_wall`` for a district), whatever page the reader is on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import Exists, IntegerField, Max, OuterRef, Q, QuerySet, Value
from django.utils import timezone

from grids.models import Region
from portal.models import Role, RoleAssignment
from portal.scoping import Action, Grant, Principal, scope
from volunteers.models import MembershipStatus, Volunteer, VolunteerStatus
from wishes.models import CATEGORY_SPECIALTY, ClaimStatus, Wish, WishClaim, WishStatus

WALL_PAGE_SIZE = 20
SUGGESTIONS = 4
THANKS_SHOWN = 6
# What a wish card shows (wishes/includes/wish_card.html): suggestions read no more.
CARD_FIELDS = (
    "title",
    "description",
    "category",
    "status",
    "published_at",
    "resident_name",
    "community__name",
)


@dataclass(frozen=True)
class Cursor:
    """Where a page of the wall starts: after the wish published at ``at`` with id ``pk``."""

    at: dt.datetime
    pk: int

    def encode(self) -> str:
        return f"{int(self.at.timestamp() * 1_000_000)}.{self.pk}"

    @classmethod
    def decode(cls, text: str) -> Cursor | None:
        micros, _dot, pk = (text or "").partition(".")
        if not (micros.isdigit() and pk.isdigit() and len(micros) <= 17 and len(pk) <= 18):
            return None  # a cursor from outside is bounded like an id: nonsense starts at the top
        try:
            at = dt.datetime.fromtimestamp(int(micros) / 1_000_000, tz=dt.UTC)
        except (OverflowError, ValueError, OSError):
            return None
        return cls(at, int(pk))


def in_region(queryset: QuerySet, region: Region) -> QuerySet:
    """The rows placed in ``region``'s subtree, through the model's ScopeSpec as a grant would be
    (a district by its code column and index, a street or community by its subtree)."""
    place = Principal(grants=[Grant(frozenset({Action.VIEW}), region_path=region.path)])
    return scope(place, queryset)


def wall_wishes(*, region: Region | None = None, category: str = "") -> QuerySet[Wish]:
    wishes = Wish.objects.filter(status=WishStatus.PUBLISHED)
    if region is not None:
        wishes = in_region(wishes, region)
    if category:
        wishes = wishes.filter(category=category)
    return wishes.select_related("community").order_by("-published_at", "-id")


def wall_page(wishes: QuerySet[Wish], cursor: Cursor | None) -> tuple[list[Wish], Cursor | None]:
    """One page from ``cursor`` on (one query) and the cursor of the next page, if any."""
    if cursor is not None:
        wishes = wishes.filter(Q(published_at__lt=cursor.at) | Q(published_at=cursor.at, pk__lt=cursor.pk))
    rows = list(wishes[: WALL_PAGE_SIZE + 1])
    page, more = rows[:WALL_PAGE_SIZE], len(rows) > WALL_PAGE_SIZE
    last = page[-1] if page else None
    return page, (Cursor(last.published_at, last.pk) if more and last else None)


def wall_changed_at() -> dt.datetime:
    """When any wish last changed: the wall's Last-Modified and ETag (one index lookup)."""
    newest = Wish.objects.aggregate(at=Max("updated_at"))["at"]
    return newest or dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


def wall_thanks() -> list[Wish]:
    """The newest thank-yous of confirmed wishes (walks the wall index, stops at six)."""
    return list(
        Wish.objects.filter(status=WishStatus.CONFIRMED)
        .exclude(thanks="")
        .select_related("community")
        .order_by("-published_at", "-id")[:THANKS_SHOWN]
    )


def near_me(volunteer: Volunteer, limit: int = SUGGESTIONS) -> list[Wish]:
    """Published wishes of the volunteer's district: their community first, then their street."""
    community = volunteer.community
    published = Wish.objects.filter(status=WishStatus.PUBLISHED)
    return _nearest_first(
        [
            published.filter(community_id=community.pk),
            published.filter(community__parent_id=community.parent_id),
            published.filter(district_code=volunteer.district_code),
        ],
        limit,
    )


def for_specialties(volunteer: Volunteer, limit: int = SUGGESTIONS) -> list[Wish]:
    """Published wishes whose category asks for one of the volunteer's specialties, nearest district first."""
    codes = set(volunteer.specialties.values_list("code", flat=True))
    categories = [category for category, code in CATEGORY_SPECIALTY.items() if code in codes]
    if not categories:
        return []
    wanted = Wish.objects.filter(status=WishStatus.PUBLISHED, category__in=categories)
    return _nearest_first([wanted.filter(district_code=volunteer.district_code), wanted], limit)


def _nearest_first(rings: list[QuerySet[Wish]], limit: int) -> list[Wish]:
    """The newest ``limit`` wishes of the first ring, then of the next, and so on, in one query.

    Each ring reads only its own newest few (an index range of ``wish_district_wall`` or
    ``wish_wall_newest`` that stops at ``limit``): ranking the whole district or city by nearness
    sorted every published wish in it (22 ms for the city's 28,000). A wish in several rings
    counts in the nearest. The slices sit in ``IN`` subqueries because SQLite refuses a sliced
    member of a UNION.
    """
    parts = [
        Wish.objects.filter(pk__in=ring.order_by("-published_at", "-id").values("pk")[:limit])
        .annotate(ring=Value(n, output_field=IntegerField()))
        .select_related("community")
        .only(*CARD_FIELDS)
        .order_by()
        for n, ring in enumerate(rings)
    ]
    found: dict[int, Wish] = {}
    for wish in parts[0].union(*parts[1:], all=True).order_by("ring", "-published_at", "-id"):
        found.setdefault(wish.pk, wish)
    return list(found.values())[:limit]


def claiming_volunteer(user: object) -> Volunteer | None:
    """The signed-in user's active volunteer profile, as ``volunteers.selectors.active_volunteer_of``
    finds it (a profile and the role registration gives), in one query rather than two.

    Every attempt in a rush on the API asks this before it is told "已被认领"; the pages ask the
    gate, whose role query the menu needs anyway.
    """
    if not getattr(user, "is_authenticated", False) or not getattr(user, "pk", None):
        return None
    return _with_user(_claiming(user).first(), user)


def claim_attempt(*, user: object, wish_id: int) -> tuple[Volunteer, str | None] | None:
    """``claiming_volunteer(user)`` and the status of wish ``wish_id`` if it is on the wall (else
    None), in one query; None when the user is no active volunteer.

    A rush on a wish is mostly attempts that lose: this query is all an attempt on a wish already
    taken costs beyond its session (bench/claim_race.py).
    """
    if not getattr(user, "is_authenticated", False) or not getattr(user, "pk", None):
        return None
    # Written out: the ORM built this statement (an EXISTS and a subquery) in ~5,000 Python calls,
    # a third of a lost attempt's time in gunicorn's profile, against ~1,000 for the whole read
    # of the trivial POST it is compared with. The same rows as claiming_volunteer's query.
    on_wall = [WishStatus.PUBLISHED, WishStatus.CLAIMED, WishStatus.FULFILLED, WishStatus.CONFIRMED]
    with connection.cursor() as cursor:
        cursor.execute(_ATTEMPT_SQL, [wish_id, *on_wall, user.pk, VolunteerStatus.ACTIVE, Role.VOLUNTEER])
        row = cursor.fetchone()
    if row is None:
        return None
    volunteer = Volunteer.from_db(connection.alias, list(_ATTEMPT_FIELDS), row[:-1])
    return _with_user(volunteer, user), row[-1]


# In the order of the model's fields: Model.from_db reads the values in that order.
_ATTEMPT_FIELDS = ("id", "user_id", "name", "status")
_ATTEMPT_SQL = (
    f"SELECT {', '.join(f'v.{f}' for f in _ATTEMPT_FIELDS)},"
    f" (SELECT w.status FROM {Wish._meta.db_table} w WHERE w.id = %s AND w.status IN (%s, %s, %s, %s))"
    f" FROM {Volunteer._meta.db_table} v WHERE v.user_id = %s AND v.status = %s"
    f" AND EXISTS (SELECT 1 FROM {RoleAssignment._meta.db_table} r WHERE r.user_id = v.user_id AND r.role = %s)"
)


def _claiming(user: object) -> QuerySet[Volunteer]:
    has_role = RoleAssignment.objects.filter(user=OuterRef("user_id"), role=Role.VOLUNTEER)
    # The columns a claim reads (the status, the name it is shown under); any other loads on use.
    volunteers = Volunteer.objects.only("id", "user_id", "status", "name")
    return volunteers.filter(Exists(has_role), user_id=user.pk, status=VolunteerStatus.ACTIVE).order_by("pk")


def _with_user(volunteer: Volunteer | None, user: object) -> Volunteer | None:
    if volunteer is not None:
        volunteer.user = user  # the claim names its author: no second read of the same row
    return volunteer


def claims_of(volunteer: Volunteer, *, statuses: list[str] | None = None) -> QuerySet[WishClaim]:
    """The claims a volunteer made or shares: their own, and their teams' (帮帮团).

    The two kinds are found apart and joined by id: ``claimed_by = me OR team IN (my teams)`` is
    one condition no index answers, and PostgreSQL read the city's 18,000 live claims to find a
    volunteer's few (11 ms on every my page).
    """
    teams = volunteer.memberships.filter(status=MembershipStatus.APPROVED).values("team_id")
    own = WishClaim.objects.filter(claimed_by_id=volunteer.user_id)
    shared = WishClaim.objects.filter(team_id__in=teams)
    if statuses is not None:
        own, shared = own.filter(status__in=statuses), shared.filter(status__in=statuses)
    ids = own.order_by().values("pk").union(shared.order_by().values("pk"))
    return WishClaim.objects.filter(pk__in=ids).order_by("-claimed_at", "-id")


def live_claims_of(volunteer: Volunteer) -> QuerySet[WishClaim]:
    return claims_of(volunteer, statuses=[ClaimStatus.ACTIVE, ClaimStatus.FULFILLED])


def is_overdue(claim: WishClaim) -> bool:
    return claim.status == ClaimStatus.ACTIVE and claim.deadline < timezone.now()


def claimant_options(volunteer: Volunteer) -> dict[str, object]:
    """Whom the volunteer may claim for besides themself, keyed as the claim form sends them:
    teams they lead, party organizations they hold a role in, welfare organizations they represent."""
    from grids.models import PartyOrganization
    from volunteers.models import Team
    from wishes.models import WelfareOrganization

    options: dict[str, object] = {}
    for team in Team.objects.filter(leader=volunteer).order_by("name"):
        options[f"team:{team.pk}"] = team
    orgs = PartyOrganization.objects.filter(roleassignment__user_id=volunteer.user_id).distinct()
    for org in orgs.select_related("region").order_by("name"):
        options[f"org:{org.pk}"] = org
    welfare = WelfareOrganization.objects.filter(representatives=volunteer.user_id, is_active=True)
    for org in welfare.select_related("region").order_by("name"):
        options[f"welfare:{org.pk}"] = org
    return options
