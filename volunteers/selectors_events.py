"""Reads of service events that the pages and the API share.

Staff see the events of their area (any status, past ones too); a volunteer sees every published
event that has not ended (a public call for help) and the events they signed up for. An event in
neither is a 404, whoever asks.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from portal.scoping import Action, Viewer, has_any
from volunteers.models import Event, EventStatus, Signup, SignupStatus, Volunteer
from volunteers.selectors import volunteer_of
from volunteers.services.events import LIVE


def events_visible_to(viewer: Viewer | None, *, counts: bool = True) -> QuerySet[Event]:
    """Every event the viewer may open, with its waitlist length (``waitlisted``) unless a
    sign-up or cancellation only needs the row (the aggregate would read the event's sign-ups)."""
    scoped = Event.objects.visible_to(viewer)
    volunteer = volunteer_of(viewer)
    if volunteer is not None:
        public = Q(status=EventStatus.PUBLISHED, ends_at__gt=timezone.now())
        mine = Q(pk__in=Signup.objects.filter(volunteer=volunteer).values("event_id"))
        scoped = scoped | Event.objects.filter(public | mine)
    return with_counts(scoped) if counts else scoped


def public_event(pk: int) -> Event | None:
    """A published event that has not ended: what any volunteer may open and sign up for.

    Read without the viewer's grants: the sign-up POST is the hot path of a rush (one query less)."""
    return Event.objects.filter(pk=pk, status=EventStatus.PUBLISHED, ends_at__gt=timezone.now()).first()


def events_organized_by(actor: Viewer | None) -> QuerySet[Event]:
    """The events the actor may edit, approve and take attendance of (others: 404)."""
    return with_counts(Event.objects.visible_to(actor, Action.CHANGE))


def with_counts(events: QuerySet[Event]) -> QuerySet[Event]:
    # One aggregate in the list's own query: the waitlist length costs no query per event.
    return events.select_related("region", "organization", "team").annotate(
        waitlisted=Count("signups", filter=Q(signups__status=SignupStatus.WAITLISTED))
    )


def is_staff_viewer(viewer: Viewer | None) -> bool:
    return has_any(viewer, Action.VIEW) if viewer is not None else False


def live_signups_of(volunteer: Volunteer | None, events: Iterable[Event]) -> dict[int, Signup]:
    """The volunteer's live sign-up per event of a page (one query)."""
    ids = [e.pk for e in events]
    if volunteer is None or not ids:
        return {}
    signups = Signup.objects.filter(volunteer=volunteer, event_id__in=ids, status__in=LIVE)
    return {s.event_id: s for s in signups}


def latest_signup_of(volunteer: Volunteer | None, event: Event) -> Signup | None:
    if volunteer is None:
        return None
    return Signup.objects.filter(volunteer=volunteer, event=event).order_by("-created_at", "-id").first()


def waitlist_position(signup: Signup) -> int | None:
    """1 for the first in line; None when the sign-up does not wait."""
    if signup.status != SignupStatus.WAITLISTED:
        return None
    ahead = Signup.objects.filter(event_id=signup.event_id, status=SignupStatus.WAITLISTED).filter(
        Q(created_at__lt=signup.created_at) | Q(created_at=signup.created_at, id__lt=signup.pk)
    )
    return ahead.count() + 1


def signups_for_organizer(event: Event) -> QuerySet[Signup]:
    return Signup.objects.filter(event=event).select_related("volunteer").order_by("created_at", "id")
