"""我的志愿: the volunteer's own page, read in a fixed number of queries whatever their history."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from portal import gates
from portal.pages import add_service_error, require
from volunteers import selectors
from volunteers.forms.profile import ProfileForm
from volunteers.models import VolunteerStatus
from volunteers.services.profile import volunteer_update


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


@require(gates.VOLUNTEER)
def profile_edit(request: HttpRequest) -> HttpResponse:
    """The volunteer's own contact, specialties and in-service flag; name and ID number stay."""
    volunteer = selectors.volunteer_of(request.user)
    initial = {
        "mobile": volunteer.mobile,
        "specialties": list(volunteer.specialties.values_list("pk", flat=True)),
        "is_in_service": volunteer.is_in_service,
        "work_unit": volunteer.work_unit,
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            volunteer_update(actor=request.user, volunteer=volunteer, **form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("资料已保存。"))
            return redirect("volunteers:me")
    context = {"form": form, "volunteer": volunteer, "nav_active": "volunteer_me"}
    return render(request, "volunteers/profile_edit.html", context)
