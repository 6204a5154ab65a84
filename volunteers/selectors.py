"""Reads of volunteers that several pages and endpoints share, scoped to the requester."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Case, Count, Exists, F, OuterRef, QuerySet, Sum, Value, When
from django.db.models.functions import TruncMonth
from django.utils import timezone

from portal.models import Role
from portal.scoping import Action, roles_of
from volunteers.models import (
    Certificate,
    Event,
    EventStatus,
    HoldingStatus,
    MembershipStatus,
    Post,
    PostHolding,
    RecordStatus,
    ServiceRecord,
    Signup,
    SignupStatus,
    TeamMembership,
    Volunteer,
    VolunteerStatus,
)

_UNSET = object()


def volunteer_of(user: Any) -> Volunteer | None:
    """The user's own volunteer profile (any status), or None; read once per request."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "pk", None):
        return None
    cached = getattr(user, "_volunteer_profile", _UNSET)
    if cached is _UNSET and Role.VOLUNTEER not in roles_of(user):
        # Registration gives every volunteer the role: the menu asks this on every page, and
        # the role assignments are read for the menu anyway, so staff pay no second query.
        cached = user._volunteer_profile = None
    if cached is _UNSET:
        cached = Volunteer.objects.select_related("community").filter(user=user).first()
        user._volunteer_profile = cached
    return cached


def active_volunteer_of(user: Any) -> Volunteer | None:
    volunteer = volunteer_of(user)
    return volunteer if volunteer and volunteer.status == VolunteerStatus.ACTIVE else None


# --- Staff lists and the API -----------------------------------------------------------------


def volunteers_visible(actor: Any) -> QuerySet[Volunteer]:
    """Volunteers whose community lies in the actor's scope; newest first (district_code, id)."""
    return Volunteer.objects.visible_to(actor)


def volunteer_list(actor: Any) -> QuerySet[Volunteer]:
    # The community names the row and its path decides masking (can(...)) without a query.
    return volunteers_visible(actor).select_related("community").order_by("-id")


def volunteer_for_page(actor: Any, pk: int) -> Volunteer | None:
    return (
        volunteers_visible(actor)
        .select_related("community__parent__parent", "status_changed_by")
        .prefetch_related("specialties")
        .filter(pk=pk)
        .first()
    )


# --- "My page" ---------------------------------------------------------------------------------

FOR_YOU_LENGTH = 8
UPCOMING_LENGTH = 10
MONTHS_SHOWN = 12


def my_holding(volunteer: Volunteer) -> PostHolding | None:
    return (
        PostHolding.objects.select_related("post")
        .filter(volunteer=volunteer, status=HoldingStatus.HELD)
        .first()
    )


def my_teams(volunteer: Volunteer) -> list[TeamMembership]:
    return list(
        TeamMembership.objects.select_related("team")
        .filter(volunteer=volunteer, status__in=[MembershipStatus.APPROVED, MembershipStatus.PENDING])
        .order_by("team__name")
    )


def my_upcoming_signups(volunteer: Volunteer) -> list[Signup]:
    # By the (volunteer, starts_at) index: the volunteer's future sign-ups only.
    return list(
        Signup.objects.select_related("event")
        .filter(volunteer=volunteer, starts_at__gte=timezone.now(), **_live_signup())
        .order_by("starts_at")[:UPCOMING_LENGTH]
    )


def _live_signup() -> dict[str, list[str]]:
    return {"status__in": [SignupStatus.PENDING, SignupStatus.SIGNED, SignupStatus.WAITLISTED]}


def my_hours_by_month(volunteer: Volunteer) -> list[dict[str, Any]]:
    """Approved hours per month over the last year, newest first (one grouped query on the
    (volunteer, served_on) index: 500 records read at most a year's worth)."""
    today = timezone.localdate()
    since = dt.date(today.year - 1, today.month, 1)
    return list(
        ServiceRecord.objects.filter(volunteer=volunteer, status=RecordStatus.APPROVED, served_on__gte=since)
        .annotate(month=TruncMonth("served_on"))
        .values("month")
        .annotate(hours=Sum("hours"), services=Count("id"))
        .order_by("-month")[:MONTHS_SHOWN]
    )


def my_certificates(volunteer: Volunteer) -> list[Certificate]:
    return list(Certificate.objects.filter(volunteer=volunteer).order_by("-issued_at")[:20])


def events_for_you(volunteer: Volunteer) -> list[Event]:
    """Upcoming events open for sign-up in the volunteer's district, nearest first (community,
    then street, then district), then those wanting one of the volunteer's specialties.

    Each event is annotated ``nearness`` (0 community, 1 street, 2 district) and ``matches``.
    """
    community_path = volunteer.community.path
    street_path, district_path = _ancestor_path(community_path, 3), _ancestor_path(community_path, 2)
    now = timezone.now()
    wanted = Event.wanted_specialties.through.objects.filter(
        event_id=OuterRef("pk"), specialty__volunteers=volunteer
    )
    return list(
        Event.objects.filter(
            status=EventStatus.PUBLISHED,
            signup_deadline__gt=now,
            starts_at__gt=now,
            signed__lt=F("capacity"),
            region__path__startswith=district_path,
        )
        .exclude(Exists(Signup.objects.filter(event=OuterRef("pk"), volunteer=volunteer, **_live_signup())))
        .annotate(
            nearness=Case(
                When(region__path__startswith=community_path, then=Value(0)),
                When(region__path__startswith=street_path, then=Value(1)),
                default=Value(2),
            ),
            matches=Exists(wanted),
        )
        .select_related("region")
        .order_by("nearness", "-matches", "starts_at", "id")[:FOR_YOU_LENGTH]
    )


def _ancestor_path(path: str, depth: int) -> str:
    """ "330200/330203/330203001/330203001001/" at depth 2 → "330200/330203/"."""
    return "/".join(path.split("/")[:depth]) + "/"


# --- Posts (一人一岗) ----------------------------------------------------------------------------


def community_posts(community_id: int) -> list[Post]:
    return list(Post.objects.filter(community_id=community_id).order_by("id"))


def posts_in_scope(actor: Any) -> QuerySet[Post]:
    return (
        Post.objects.visible_to(actor, Action.CHANGE)
        .select_related("community")
        .order_by("community__path", "id")
    )


def holders_of(posts: list[Post]) -> dict[int, list[Volunteer]]:
    """Who holds each post (one query for all the posts on a page)."""
    holders: dict[int, list[Volunteer]] = {post.pk: [] for post in posts}
    for holding in PostHolding.objects.select_related("volunteer").filter(
        post__in=posts, status=HoldingStatus.HELD
    ):
        holders[holding.post_id].append(holding.volunteer)
    return holders


NOT_REPORTED_SHOWN = 50


def not_reported(actor: Any) -> QuerySet[Volunteer]:
    """Active in-service party members in scope who hold no post (have not reported)."""
    return (
        volunteers_visible(actor)
        .filter(status=VolunteerStatus.ACTIVE, is_in_service=True)
        .exclude(holdings__status=HoldingStatus.HELD)
        .select_related("community")
        .order_by("-id")
    )


# --- Hours, teams and certificates (issue 7) ---------------------------------------------------


def my_records(volunteer: Volunteer):
    """A volunteer's own records, newest first (the index ``volunteer, -served_on``)."""
    from volunteers.models import ServiceRecord

    return ServiceRecord.objects.filter(volunteer=volunteer).select_related("event", "team")


def review_queue(user: Any, status: str = "pending"):
    """Records ``user`` may confirm in ``status`` (pending: the queue, oldest service first; decided:
    newest first, where staff find approved hours to correct). Every source: events, wishes, declarations."""
    from volunteers.models import RecordStatus
    from volunteers.services.hours import reviewable_by

    order = ("served_on", "id") if status == RecordStatus.PENDING else ("-served_on", "-id")
    return (
        reviewable_by(user)
        .filter(status=status)
        .select_related("volunteer", "event", "team", "region")
        .order_by(*order)
    )


def staff_record(user: Any, pk: int):
    """One record for the staff page (its history and corrections): in the user's review scope, else None."""
    from volunteers.services.hours import reviewable_by

    return reviewable_by(user).select_related("volunteer", "event", "team", "region").filter(pk=pk).first()


def public_teams():
    """Every team, for the public list: its station, district and leader in the same query."""
    from volunteers.models import Team

    return Team.objects.select_related("station", "region", "specialty", "leader").order_by(
        "region__path", "name"
    )


def team_members(team: Any):
    from volunteers.models import MembershipStatus, TeamMembership

    return (
        TeamMembership.objects.filter(team=team, status=MembershipStatus.APPROVED)
        .select_related("volunteer")
        .order_by("id")
    )


def teams_with_counts(teams):
    """Teams with their station, region, specialty and leader joined, and the approved members counted."""
    from django.db.models import Count, Q

    from volunteers.models import MembershipStatus

    approved = Count("memberships", filter=Q(memberships__status=MembershipStatus.APPROVED))
    return teams.select_related("station__region", "region", "specialty", "leader").annotate(
        member_count=approved
    )
