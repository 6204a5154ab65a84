"""Reads of volunteers that several pages and endpoints share, scoped to the requester."""

from __future__ import annotations

from typing import Any

from volunteers.models import Volunteer, VolunteerStatus

_UNSET = object()


def volunteer_of(user: Any) -> Volunteer | None:
    """The user's own volunteer profile (any status), or None; read once per request."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "pk", None):
        return None
    cached = getattr(user, "_volunteer_profile", _UNSET)
    if cached is _UNSET:
        cached = Volunteer.objects.select_related("community").filter(user=user).first()
        user._volunteer_profile = cached
    return cached


def active_volunteer_of(user: Any) -> Volunteer | None:
    volunteer = volunteer_of(user)
    return volunteer if volunteer and volunteer.status == VolunteerStatus.ACTIVE else None


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
