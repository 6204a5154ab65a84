"""Staff keep their area's stations (驿站) and teams (志愿服务队): create, edit, change a leader.

Every page asks the TEAM_STAFF gate (as do the buttons leading here); the object is then found
in the staff's scope only, so another district's station or team is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from portal import gates
from portal.errors import DomainError
from portal.pages import add_service_error, found_or_404, paginate, require
from portal.scoping import Action
from volunteers.forms.teams import StationForm, TeamForm
from volunteers.models import Station, Team
from volunteers.services import teams as services

NAV = "teams"
STATION_PAGE_SIZE = 30


def _stations(request: HttpRequest):
    return Station.objects.visible_to(request.user, Action.CHANGE).select_related("region")


def _teams(request: HttpRequest):
    return Team.objects.visible_to(request.user, Action.CHANGE).select_related(
        "station", "region", "leader", "specialty"
    )


@require(gates.TEAM_STAFF)
def station_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, _stations(request).order_by("region__path", "name"), STATION_PAGE_SIZE)
    return render(request, "volunteers/station_list.html", {"page": page, "nav_active": NAV})


def _station_form(request: HttpRequest, station: Station | None) -> HttpResponse:
    initial = (
        {"name": station.name, "region": station.region.code, "address": station.address} if station else {}
    )
    form = StationForm(request.POST or None, initial=initial, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            if station is None:
                services.station_create(actor=request.user, **form.cleaned_data)
            else:
                services.station_update(actor=request.user, station=station, **form.cleaned_data)
        except (DomainError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("驿站已保存。"))
            return redirect("volunteers:station_list")
    return render(
        request, "volunteers/station_form.html", {"form": form, "station": station, "nav_active": NAV}
    )


@require(gates.TEAM_STAFF)
def station_create(request: HttpRequest) -> HttpResponse:
    return _station_form(request, None)


@require(gates.TEAM_STAFF)
def station_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _station_form(request, found_or_404(_stations(request).filter(pk=pk).first()))


def _team_form(request: HttpRequest, team: Team | None) -> HttpResponse:
    initial = {}
    if team is not None:
        initial = {
            "name": team.name,
            "specialty": team.specialty_id,
            "station": team.station_id,
            "leader": team.leader_id,
            "description": team.description,
        }
    form = TeamForm(request.POST or None, initial=initial, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            if team is None:
                team = services.team_create(actor=request.user, **form.cleaned_data)
            else:
                team = services.team_update(actor=request.user, team=team, **form.cleaned_data)
        except (DomainError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("服务队已保存。"))
            return redirect("volunteers:team_detail", pk=team.pk)
    return render(request, "volunteers/team_form.html", {"form": form, "team": team, "nav_active": NAV})


@require(gates.TEAM_STAFF)
def team_create(request: HttpRequest) -> HttpResponse:
    return _team_form(request, None)


@require(gates.TEAM_STAFF)
def team_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _team_form(request, found_or_404(_teams(request).filter(pk=pk).first()))
