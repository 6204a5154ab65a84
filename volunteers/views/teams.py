"""Team pages: the public list and team page (members masked for the public), joining, leaving,
and the leader's or staff's decisions on join requests."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal import gates
from portal.errors import DomainError
from portal.pages import found_or_404, paginate, require
from portal.scoping import Action, can
from volunteers import selectors
from volunteers.models import MembershipStatus, Team, TeamMembership
from volunteers.services import teams as services

TEAMS_NAV = "teams"
TEAM_PAGE_SIZE = 30
MEMBERS_SHOWN = 200


def team_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.public_teams(), TEAM_PAGE_SIZE)
    # The same gate as the pages the buttons lead to: nobody is shown a button that would 403.
    context = {"page": page, "nav_active": TEAMS_NAV, "keeps_teams": gates.TEAM_STAFF(request.user)}
    return render(request, "volunteers/team_list.html", context)


def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_object_or_404(selectors.public_teams(), pk=pk)
    volunteer = selectors.volunteer_of(request.user)
    # Staff over the team's place see the members' names; everyone else sees them masked.
    sees_names = can(request.user, Action.VIEW, team)
    manages = services.may_manage_team(request.user, team)
    mine = None
    if volunteer is not None:
        mine = TeamMembership.objects.filter(
            team=team, volunteer=volunteer, status__in=[MembershipStatus.PENDING, MembershipStatus.APPROVED]
        ).first()
    context = {
        "team": team,
        "members": selectors.team_members(team)[:MEMBERS_SHOWN],
        "sees_names": sees_names,
        "pending": (
            TeamMembership.objects.filter(team=team, status=MembershipStatus.PENDING).select_related(
                "volunteer"
            )
            if manages
            else []
        ),
        "mine": mine,
        "may_join": gates.ACTIVE_VOLUNTEER(request.user) and mine is None,
        # The edit page finds the team in the staff's change scope: offered to exactly those.
        "may_edit": gates.TEAM_STAFF(request.user) and can(request.user, Action.CHANGE, team),
        "nav_active": TEAMS_NAV,
    }
    return render(request, "volunteers/team_detail.html", context)


@require(gates.ACTIVE_VOLUNTEER)
@require_POST
def team_join(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_object_or_404(Team.objects.select_related("leader"), pk=pk)
    try:
        services.membership_request(volunteer=selectors.volunteer_of(request.user), team=team)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已提交入队申请，等待队长审批。"))
    return redirect("volunteers:team_detail", pk=pk)


@require(gates.VOLUNTEER)
@require_POST
def team_leave(request: HttpRequest, pk: int) -> HttpResponse:
    team = get_object_or_404(Team, pk=pk)
    try:
        services.membership_leave(volunteer=selectors.volunteer_of(request.user), team=team)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已退出服务队。"))
    return redirect("volunteers:team_detail", pk=pk)


@require(gates.SIGNED_IN)
@require_POST
def membership_decide(request: HttpRequest, pk: int) -> HttpResponse:
    membership = get_object_or_404(
        TeamMembership.objects.select_related("team__leader", "volunteer__user"), pk=pk
    )
    # Someone who may not decide learns nothing about the request.
    found_or_404(membership if services.may_manage_team(request.user, membership.team) else None)
    try:
        services.membership_decide(
            actor=request.user, membership=membership, approve=request.POST.get("decision") == "approve"
        )
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已处理入队申请。"))
    return redirect("volunteers:team_detail", pk=membership.team_id)
