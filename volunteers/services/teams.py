"""Volunteer teams (志愿服务队) and their members: a volunteer asks to join, the team's leader or
staff over the team's place decides, a member may leave. Staff over a place create and edit its
stations (驿站) and teams, and change a team's leader.

One live membership per volunteer and team is the partial unique index ``one_live_membership``;
a decision is a conditional UPDATE on the pending row, so two deciders cannot both decide.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grids.models import Region
from portal.errors import Conflict, IllegalTransition, NotAllowed
from portal.models import User
from portal.notifications import notify
from portal.scoping import Action, Viewer, can
from volunteers.models import (
    MembershipStatus,
    Specialty,
    Station,
    Team,
    TeamMembership,
    Volunteer,
    VolunteerStatus,
)

LEADER_NOT_ACTIVE = gettext_lazy("队长须是已认证的志愿者。")
LEADER_OUTSIDE = gettext_lazy("队长须是居住在%(region)s范围内的志愿者。")


def may_manage_team(actor: Viewer, team: Team) -> bool:
    """The leader, or staff holding the change right over the team's place."""
    if can(actor, Action.CHANGE, team):
        return True
    return getattr(actor, "pk", None) is not None and team.leader.user_id == actor.pk


def _station_region_allowed(actor: User, region: Region) -> None:
    if not can(actor, Action.CHANGE, region):
        raise NotAllowed(_("只能在自己辖区内设立驿站。"))


@transaction.atomic
def station_create(*, actor: User, name: str, region: Region, address: str) -> Station:
    _station_region_allowed(actor, region)
    station = Station(name=name.strip(), region=region, address=address.strip())
    station.full_clean()
    station.save()
    return station


@transaction.atomic
def station_update(*, actor: User, station: Station, name: str, region: Region, address: str) -> Station:
    if not can(actor, Action.CHANGE, station):
        raise NotAllowed(_("只有驿站所在辖区的工作人员可以修改驿站。"))
    _station_region_allowed(actor, region)
    moved = region.pk != station.region_id
    station.name, station.region, station.address = name.strip(), region, address.strip()
    station.full_clean()
    station.save()
    if moved:
        # Teams carry their station's region for scoping: it follows the station.
        Team.objects.filter(station=station).update(region=region)
    return station


def _check_leader(team: Team, leader: Volunteer) -> None:
    """The leader is an active volunteer living within the team's region."""
    if leader.status != VolunteerStatus.ACTIVE:
        raise Conflict(LEADER_NOT_ACTIVE)
    if not leader.community.path.startswith(team.region.path):
        raise ValidationError({"leader": LEADER_OUTSIDE % {"region": team.region.name}})


def _ensure_member(*, actor: User, team: Team, leader: Volunteer) -> None:
    # The leader is always an approved member: an open request is approved, else one is created.
    now = timezone.now()
    live = TeamMembership.objects.filter(
        team=team, volunteer=leader, status__in=[MembershipStatus.PENDING, MembershipStatus.APPROVED]
    )
    if not live.exists():
        TeamMembership.objects.create(
            team=team, volunteer=leader, status=MembershipStatus.APPROVED, decided_by=actor, decided_at=now
        )
    else:
        live.filter(status=MembershipStatus.PENDING).update(
            status=MembershipStatus.APPROVED, decided_by=actor, decided_at=now
        )


@transaction.atomic
def team_create(
    *, actor: User, name: str, station: Station, leader: Volunteer, specialty=None, description: str = ""
) -> Team:
    if not can(actor, Action.CHANGE, station):
        raise NotAllowed(_("只有驿站所在辖区的工作人员可以建立服务队。"))
    team = Team(name=name, station=station, region_id=station.region_id, leader=leader, specialty=specialty)
    team.description = description
    team.region = station.region
    _check_leader(team, leader)
    team.full_clean()
    team.save()
    # The leader is the team's first member.
    _ensure_member(actor=actor, team=team, leader=leader)
    return team


@transaction.atomic
def team_update(
    *,
    actor: User,
    team: Team,
    name: str,
    station: Station,
    leader: Volunteer,
    specialty: Specialty | None = None,
    description: str = "",
) -> Team:
    """Edit a team, move it to another station in scope, or hand it to a new leader."""
    if not can(actor, Action.CHANGE, team):
        raise NotAllowed(_("只有服务队所在辖区的工作人员可以修改服务队。"))
    if station.pk != team.station_id and not can(actor, Action.CHANGE, station):
        raise NotAllowed(_("只能把服务队挂靠到自己辖区内的驿站。"))
    # Checked against the team as it will be, before the object is touched: a refusal leaves the
    # page's team (shown again with the form) as it was.
    _check_leader(Team(region=station.region), leader)
    new_leader = leader.pk != team.leader_id
    team.name, team.station, team.specialty, team.description = name, station, specialty, description
    team.region, team.leader = station.region, leader
    team.full_clean()
    team.save()
    if new_leader:
        _ensure_member(actor=actor, team=team, leader=leader)
        notify(
            recipients=[leader.user],
            kind="volunteers.team_leader",
            title=_("您已成为%(team)s的队长") % {"team": team.name},
            link=reverse("volunteers:team_detail", args=[team.pk]),
            dedupe_key=f"volunteers.team_leader:{team.pk}:{leader.pk}:{timezone.now():%Y%m%d%H%M%S}",
        )
    return team


@transaction.atomic
def membership_request(*, volunteer: Volunteer, team: Team) -> TeamMembership:
    if volunteer.status != VolunteerStatus.ACTIVE:
        raise Conflict(_("认证通过后才能加入服务队。"))
    try:
        with transaction.atomic():
            membership = TeamMembership.objects.create(team=team, volunteer=volunteer)
    except IntegrityError:
        # Two clicks at once, or already a member: the unique index refuses the second.
        raise Conflict(_("您已经申请或加入了这支服务队。")) from None
    notify(
        recipients=[team.leader.user],
        kind="volunteers.team_request",
        title=_("%(name)s 申请加入%(team)s") % {"name": volunteer.masked_name, "team": team.name},
        link=reverse("volunteers:team_detail", args=[team.pk]),
        dedupe_key=f"volunteers.team_request:{membership.pk}",
    )
    return membership


@transaction.atomic
def membership_decide(*, actor: User, membership: TeamMembership, approve: bool) -> TeamMembership:
    if not may_manage_team(actor, membership.team):
        raise NotAllowed(_("只有队长或辖区内的工作人员可以审批入队申请。"))
    status = MembershipStatus.APPROVED if approve else MembershipStatus.REJECTED
    now = timezone.now()
    decided = TeamMembership.objects.filter(pk=membership.pk, status=MembershipStatus.PENDING).update(
        status=status, decided_by=actor, decided_at=now
    )
    if not decided:
        raise IllegalTransition(_("这份申请已经处理过了。"))
    membership.status, membership.decided_by, membership.decided_at = status, actor, now
    title = _("您已加入%(team)s") if approve else _("您加入%(team)s的申请未通过")
    notify(
        recipients=[membership.volunteer.user],
        kind="volunteers.team_decided",
        title=title % {"team": membership.team.name},
        link=reverse("volunteers:team_detail", args=[membership.team_id]),
        dedupe_key=f"volunteers.team_decided:{membership.pk}",
    )
    return membership


@transaction.atomic
def membership_leave(*, volunteer: Volunteer, team: Team) -> TeamMembership:
    if team.leader_id == volunteer.pk:
        raise Conflict(_("队长不能退出自己的服务队，请先由工作人员更换队长。"))
    membership = (
        TeamMembership.objects.filter(
            team=team, volunteer=volunteer, status__in=[MembershipStatus.PENDING, MembershipStatus.APPROVED]
        )
        .select_for_update()
        .first()
    )
    if membership is None:
        raise IllegalTransition(_("您不是这支服务队的队员。"))
    membership.status = MembershipStatus.LEFT
    membership.decided_at = timezone.now()
    membership.save(update_fields=["status", "decided_at"])
    return membership
