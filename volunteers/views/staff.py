"""Staff pages: the scoped volunteer list and a volunteer's page with approve / suspend / archive."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal import gates
from portal.errors import DomainError
from portal.pages import add_service_error, found_or_404, paginate, require
from portal.scoping import Action, can
from volunteers import selectors
from volunteers.filters import VolunteerFilter
from volunteers.forms.registration import ReasonForm
from volunteers.models import VolunteerStatus
from volunteers.services import status as status_services

VOLUNTEERS_PER_PAGE = 30


@require(gates.VOLUNTEER_STAFF)
def volunteer_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    filterset = VolunteerFilter(request.GET or None, queryset=selectors.volunteer_list(user))
    page = paginate(request, filterset.qs, VOLUNTEERS_PER_PAGE)
    # Full names for staff who may change the volunteer; masked for a viewer (decided in Python
    # from the community's path, no query per row).
    rows = [(volunteer, can(user, Action.CHANGE, volunteer)) for volunteer in page.object_list]
    context = {
        "filter": filterset,
        "page": page,
        "rows": rows,
        # Open when a filter other than the name is in use, so the user sees what narrowed the list.
        "more_filters_active": any(v for k, v in request.GET.items() if k not in ("q", "page")),
        "can_manage_posts": gates.POST_STAFF(user),  # the button leads to a page with this gate
        "nav_active": "volunteers",
    }
    return render(request, "volunteers/volunteer_list.html", context)


@require(gates.VOLUNTEER_STAFF)
def volunteer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    volunteer = found_or_404(selectors.volunteer_for_page(request.user, pk))
    return _render_detail(request, volunteer, ReasonForm())


def _render_detail(request: HttpRequest, volunteer, reason_form: ReasonForm) -> HttpResponse:
    may_change = status_services.may_change_status(request.user, volunteer)
    context = {
        "volunteer": volunteer,
        "full_view": may_change,
        "targets": status_services.allowed_targets(volunteer) if may_change else [],
        "reason_form": reason_form,
        "holding": selectors.my_holding(volunteer),
        "nav_active": "volunteers",
    }
    return render(request, "volunteers/volunteer_detail.html", context)


ACTIONS = {
    "approve": VolunteerStatus.ACTIVE,
    "suspend": VolunteerStatus.SUSPENDED,
    "archive": VolunteerStatus.ARCHIVED,
}


@require_POST
@require(gates.VOLUNTEER_STAFF)
def volunteer_status(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    volunteer = found_or_404(selectors.volunteer_for_page(request.user, pk))
    form = ReasonForm(request.POST)
    try:
        if action == "approve":
            status_services.volunteer_approve(actor=request.user, volunteer=volunteer)
        elif form.is_valid():
            change = getattr(status_services, f"volunteer_{action}")
            change(actor=request.user, volunteer=volunteer, reason=form.cleaned_data["reason"])
        else:
            return _render_detail(request, volunteer, form)
    except DomainError as error:
        if error.status_code == 403:
            raise PermissionDenied from None  # in view scope only: the page showed no button
        add_service_error(form, error)
        return _render_detail(request, volunteer, form)
    label = VolunteerStatus(ACTIONS[action]).label
    messages.success(request, _("已将该志愿者设为“%(status)s”，已通知本人。") % {"status": label})
    return redirect("volunteers:volunteer_detail", pk=pk)
