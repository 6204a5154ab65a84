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
