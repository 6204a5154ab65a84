"""Reads of the Fengling index, scoped through ``portal.scoping``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import Case, QuerySet, When

from fengling.models import (
    Behaviour,
    BoardEntry,
    BoardKind,
    BoardStatus,
    Field,
    IndicatorSet,
    MonthlyScore,
    OrganizationField,
    Rating,
    ScoreEvent,
    YearlyRating,
)
from grids.models import PartyMember, PartyOrganization
from portal.scoping import Action, grants_for

_UNSET = object()


def field_of(organization: PartyOrganization) -> str:
    """The field whose set scores the organization's members (see ``field_source``). One query."""
    return field_source(organization)[0]


def field_source(organization: PartyOrganization) -> tuple[str, int | None]:
    """The organization's field and the id of the organization that set it: its own or its nearest
    ancestor's ``OrganizationField``; without one (source None), a village's organizations (the
    region's name ends in 村) are 农村 and all others 社区. One query."""
    ids = [int(pk) for pk in organization.path.strip("/").split("/") if pk.isdigit()] or [organization.pk]
    chosen = dict(
        OrganizationField.objects.filter(organization_id__in=ids).values_list("organization_id", "field")
    )
    for pk in reversed(ids):
        if pk in chosen:
            return chosen[pk], pk
    return (Field.RURAL if organization.region.name.endswith("村") else Field.COMMUNITY), None


def organization_for_page(actor: Any, pk: int) -> PartyOrganization | None:
    """The organization ``pk`` if it lies in the actor's scope (else None: a 404)."""
    return (
        PartyOrganization.objects.visible_to(actor)
        .select_related("region", "parent__region")
        .filter(pk=pk)
        .first()
    )


def behaviours_for(member: PartyMember) -> QuerySet[Behaviour]:
    return Behaviour.objects.filter(indicator_set__field=field_of(member.organization)).order_by("code")


def indicator_sets() -> QuerySet[IndicatorSet]:
    return IndicatorSet.objects.order_by("id")


def members_visible(actor: Any, action: str = Action.VIEW) -> QuerySet[PartyMember]:
    return (
        PartyMember.objects.visible_to(actor, action, subtree_first=False)
        .select_related("organization")
        .order_by("organization_id", "id")
    )


def members_scored(actor: Any, query: str = "", action: str = Action.VIEW) -> QuerySet[PartyMember]:
    """The index page's members (and its export's): in scope, their name containing ``query``."""
    members = members_visible(actor, action)
    return members.filter(name__contains=query) if query else members


def member_for_page(actor: Any, pk: int) -> PartyMember | None:
    """The member ``pk`` if it lies in the actor's scope (else None: a 404, as for a missing id)."""
    return members_visible(actor).select_related("organization__region").filter(pk=pk).first()


def event_for_page(actor: Any, pk: int) -> ScoreEvent | None:
    return (
        ScoreEvent.objects.visible_to(actor)
        .select_related("member", "behaviour", "organization__region")
        .filter(pk=pk)
        .first()
    )


def member_events(member: PartyMember) -> QuerySet[ScoreEvent]:
    return ScoreEvent.objects.filter(member=member).select_related("behaviour", "recorded_by")


def months_of(member_ids: Iterable[int], month: dt.date) -> dict[int, MonthlyScore]:
    rows = MonthlyScore.objects.filter(member_id__in=list(member_ids), month=month)
    return {row.member_id: row for row in rows}


def years_of(member_ids: Iterable[int], year: int) -> dict[int, YearlyRating]:
    rows = YearlyRating.objects.filter(member_id__in=list(member_ids), year=year)
    return {row.member_id: row for row in rows}


def rating_steps() -> list[tuple[int, str]]:
    """(lowest score, rating) from the highest rating down, by the thresholds in settings: the one
    rule that ``rating_for`` and the totals job's SQL both read."""
    return [
        (settings.FENGLING_EXCELLENT, Rating.EXCELLENT),
        (settings.FENGLING_QUALIFIED, Rating.QUALIFIED),
        (settings.FENGLING_BASIC, Rating.BASIC),
    ]


def rating_for(score: int) -> str:
    """优秀 / 合格 / 基本合格 / 不合格 by the thresholds in settings (each threshold included)."""
    for lowest, rating in rating_steps():
        if score >= lowest:
            return rating
    return Rating.UNQUALIFIED


def rating_label(score: int) -> str:
    """The rating a score gives, by today's thresholds (as every page shows it)."""
    return str(Rating(rating_for(score)).label)


def member_of(user: Any) -> PartyMember | None:
    """The party member a signed-in person is: the member record linked to the account, or else the
    member their volunteer profile is linked to (matched by ID number at registration)."""
    if not getattr(user, "is_authenticated", False):
        return None
    cached = getattr(user, "_fengling_member", _UNSET)
    if cached is _UNSET:
        cached = PartyMember.objects.select_related("organization").filter(user=user).first()
        if cached is None:
            from volunteers.selectors import volunteer_of

            volunteer = volunteer_of(user)
            if volunteer is not None and volunteer.member_id:
                cached = PartyMember.objects.select_related("organization").get(pk=volunteer.member_id)
        user._fengling_member = cached
    return cached


def account_of(member: PartyMember) -> Any | None:
    """The user account a member is, if any: the member record's own link, or else the account of the
    volunteer profile linked to the member (matched by ID number at registration). One query at most."""
    if member.user_id:
        return member.user
    from volunteers.models import Volunteer

    volunteer = Volunteer.objects.select_related("user").filter(member=member).only("user").first()
    return volunteer.user if volunteer is not None else None


def board_entries(actor: Any, action: str = Action.VIEW) -> QuerySet[BoardEntry]:
    return BoardEntry.objects.visible_to(actor, action).select_related(
        "member", "organization", "organization__region"
    )


def board_lists(entries: QuerySet[BoardEntry]) -> tuple[QuerySet[BoardEntry], QuerySet[BoardEntry]]:
    """The red list newest first; the black list open entries first, the nearest (so the overdue)
    deadline on top."""
    red = entries.filter(kind=BoardKind.RED).order_by("-created_at", "-id")
    black = entries.filter(kind=BoardKind.BLACK).order_by(
        Case(When(status=BoardStatus.OPEN, then=0), default=1), "deadline", "-id"
    )
    return red, black


def is_region_staff(user: Any) -> bool:
    return any(g.everything or g.region_path for g in grants_for(user))
