"""Reads of the moderators' pages and of the wish API, scoped to the requester by portal.scoping."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from portal.scoping import Action, Viewer
from wishes.models import Wish, WishEvent, WishStatus
from wishes.services.moderation import MODERATE


def moderation_queue(user: Viewer) -> QuerySet[Wish]:
    """Submitted wishes the user may moderate, oldest first (first come, first decided)."""
    return (
        Wish.objects.visible_to(user, MODERATE)
        .filter(status=WishStatus.SUBMITTED)
        .select_related("community__parent__parent")
        .order_by("created_at", "id")
    )


def wish_to_moderate(user: Viewer, pk: int) -> Wish | None:
    """One wish of the user's scope, any status (a decided one shows what was decided), with its timeline."""
    return (
        Wish.objects.visible_to(user, MODERATE)
        .select_related("community__parent__parent")
        .prefetch_related(Prefetch("events", queryset=WishEvent.objects.order_by("at", "id")))
        .filter(pk=pk)
        .first()
    )


def wishes_for_api(actor: Viewer) -> QuerySet[Wish]:
    """Wishes of the actor's view scope with their community and timeline (three queries a page)."""
    return (
        Wish.objects.visible_to(actor, Action.VIEW)
        .select_related("community")
        .prefetch_related(Prefetch("events", queryset=WishEvent.objects.order_by("at", "id")))
    )
