"""我的志愿: the volunteer's own page, read in a fixed number of queries whatever their history."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from portal import gates
from portal.pages import require
from volunteers import selectors
from volunteers.models import VolunteerStatus


@require(gates.VOLUNTEER)
def me(request: HttpRequest) -> HttpResponse:
    volunteer = selectors.volunteer_of(request.user)
    active = volunteer.status == VolunteerStatus.ACTIVE
    context = {
        "volunteer": volunteer,
        "active": active,
        "holding": selectors.my_holding(volunteer),
        "teams": selectors.my_teams(volunteer),
        "upcoming": selectors.my_upcoming_signups(volunteer),
        "months": selectors.my_hours_by_month(volunteer),
        "certificates": selectors.my_certificates(volunteer),
        "for_you": selectors.events_for_you(volunteer) if active else [],
        "star_range": range(len(settings.VOLUNTEER_STAR_HOURS)),
        "nav_active": "volunteer_me",
    }
    return render(request, "volunteers/me.html", context)
