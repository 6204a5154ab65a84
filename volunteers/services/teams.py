"""Volunteer teams (志愿服务队) and their members: a volunteer asks to join, the team's leader or
staff over the team's place decides, a member may leave. Stations (驿站) are kept in the admin.

One live membership per volunteer and team is the partial unique index ``one_live_membership``;
a decision is a conditional UPDATE on the pending row, so two deciders cannot both decide.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.errors import Conflict, IllegalTransition, NotAllowed
from portal.models import User
from portal.notifications import notify
from portal.scoping import Action, Viewer, can
from volunteers.models import MembershipStatus, Station, Team, TeamMembership, Volunteer, VolunteerStatus


def may_manage_team(actor: Viewer, team: Team) -> bool:
    """The leader, or staff holding the change right over the team's place."""
    if can(actor, Action.CHANGE, team):
        return True
    return getattr(actor, "pk", None) is not None and team.leader.user_id == actor.pk


@transaction.atomic
def team_create(
    *, actor: User, name: str, station: Station, leader: Volunteer, specialty=None, description: str = ""
) -> Team:
    if not can(actor, Action.CHANGE, station):
        raise NotAllowed(_("只有驿站所在辖区的工作人员可以建立服务队。"))
    team = Team(name=name, station=station, region_id=station.region_id, leader=leader, specialty=specialty)
    team.description = description
    team.full_clean()
    team.save()
    # The leader is the team's first member.
    TeamMembership.objects.create(
        team=team,
        volunteer=leader,
        status=MembershipStatus.APPROVED,
        decided_by=actor,
        decided_at=timezone.now(),
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
