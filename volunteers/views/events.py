"""Pages of service events: the list, an event's page with sign-up and cancel, the organizer's
pages (create, edit, sign-ups with approval, attendance sheet with the check-in QR code), and
the check-in page a volunteer opens by scanning that code.

Events are fetched through the scoped selectors: what the user may not see is a 404, and the
organizer's pages read ``events_organized_by`` (another community's staff get a 404 there too).
Buttons are shown only when the service would accept the click; the services decide again.
"""

from __future__ import annotations

from typing import Any

import segno
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal import gates
from portal.errors import DomainError, NotAllowed
from portal.pages import add_service_error, found_or_404, paginate, require
from volunteers import selectors_events as selectors
from volunteers.filters_events import EventFilter, specialties
from volunteers.forms.events import AttendanceForm, EventCancelForm, EventForm, initial_for_new
from volunteers.models import Event, EventStatus, ServiceRecord, Signup, SignupStatus
from volunteers.selectors import active_volunteer_of, volunteer_of
from volunteers.services import attendance as attendance_services
from volunteers.services import events as services

NAV = "events"
EVENTS_PER_PAGE = 20


def _visible(request: HttpRequest, pk: int, *, counts: bool = True) -> Event:
    events = selectors.events_visible_to(request.user, counts=counts)
    return found_or_404(events.filter(pk=pk).first())


def _organized(request: HttpRequest, pk: int) -> Event:
    return found_or_404(selectors.events_organized_by(request.user).filter(pk=pk).first())


# --- List and detail ----------------------------------------------------------------------------


@require(gates.EVENTS)
def event_list(request: HttpRequest) -> HttpResponse:
    data = request.GET.copy()
    data.setdefault("upcoming", "true")
    filters = EventFilter(data, queryset=selectors.events_visible_to(request.user))
    events = filters.qs if filters.is_valid() else Event.objects.none()
    page = paginate(request, events.order_by("starts_at", "id"), EVENTS_PER_PAGE)
    volunteer = volunteer_of(request.user)
    mine = selectors.live_signups_of(volunteer, page.object_list)
    for event in page.object_list:
        event.my_signup = mine.get(event.pk)
    context = {
        "page": page,
        "filters": filters,
        "upcoming": data.get("upcoming") != "false",
        "specialties": specialties(),
        "can_create": gates.CHANGE(request.user),
        "nav_active": NAV,
    }
    return render(request, "volunteers/event_list.html", context)


@require(gates.EVENTS)
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = _visible(request, pk)
    volunteer = volunteer_of(request.user)
    signup = selectors.latest_signup_of(volunteer, event)
    if signup is not None:
        signup.event = event  # the refusals read its deadline: no second read of the event
    live = signup if signup and signup.status in services.LIVE else None
    organizer = services.may_organize(request.user, event)
    context = {
        "event": event,
        "wanted": list(event.wanted_specialties.all()),
        "signup": signup,
        "position": selectors.waitlist_position(live) if live else None,
        "signup_refusal": services.signup_refusal(event),
        "can_signup": _can_sign_up(request, event, live),
        "can_withdraw": live is not None and services.cancel_refusal(live) is None,
        "withdraw_refusal": services.cancel_refusal(live) if live else None,
        "is_volunteer": volunteer is not None,
        "organizer": organizer,
        "qr": _checkin_qr(request, event) if organizer and event.status == EventStatus.PUBLISHED else None,
        "checkin_url": _checkin_url(request, event) if organizer else "",
        "cancel_form": EventCancelForm() if organizer else None,
        "nav_active": NAV,
    }
    return render(request, "volunteers/event_detail.html", context)


def _can_sign_up(request: HttpRequest, event: Event, live: Signup | None) -> bool:
    return (
        live is None
        and active_volunteer_of(request.user) is not None
        and services.signup_refusal(event) is None
    )


def _checkin_url(request: HttpRequest, event: Event) -> str:
    path = reverse("volunteers:event_checkin", args=[event.pk, event.checkin_code])
    return request.build_absolute_uri(path)


def _checkin_qr(request: HttpRequest, event: Event) -> str:
    # Inline SVG from a pure-Python library: no image file, no request, works offline.
    svg = segno.make(_checkin_url(request, event), error="m").svg_inline(
        scale=5, title=_("签到二维码"), omitsize=True
    )
    return mark_safe(svg)  # noqa: S308 (segno's own markup; the URL inside is escaped by segno)


# --- The volunteer's actions ----------------------------------------------------------------------


@require(gates.ACTIVE_VOLUNTEER)
@require_POST
def event_signup(request: HttpRequest, pk: int) -> HttpResponse:
    event = found_or_404(selectors.public_event(pk))
    try:
        signup = services.event_signup(volunteer=active_volunteer_of(request.user), event=event)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _signed_message(signup))
    return redirect("volunteers:event_detail", pk=event.pk)


def _signed_message(signup: Signup) -> str:
    if signup.status == SignupStatus.SIGNED:
        return _("报名成功。")
    if signup.status == SignupStatus.PENDING:
        return _("已提交报名，等待组织方审核。")
    return _("名额已满，您已进入候补（第 %(n)d 位），有人取消时按顺序递补。") % {
        "n": selectors.waitlist_position(signup) or 0
    }


@require(gates.VOLUNTEER)
@require_POST
def event_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    event = _visible(request, pk, counts=False)
    volunteer = volunteer_of(request.user)
    signup = selectors.live_signups_of(volunteer, [event]).get(event.pk)
    if signup is None:
        messages.error(request, _("您没有该活动的有效报名。"))
        return redirect("volunteers:event_detail", pk=event.pk)
    try:
        services.signup_cancel(volunteer=volunteer, signup=signup)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已取消报名。"))
    return redirect("volunteers:event_detail", pk=event.pk)


@require(gates.EVENTS)
def event_checkin(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """The page the QR code opens: a button to check in, later to check out."""
    event = _visible(request, pk)
    volunteer = volunteer_of(request.user)
    refusal = attendance_services.checkin_refusal(event, code[:64])
    if request.method == "POST" and refusal is None and volunteer is not None:
        try:
            signup = attendance_services.signup_check(volunteer=volunteer, event=event, code=code)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            done = _("签退成功。") if signup.checked_out_at else _("签到成功。")
            messages.success(request, done)
        return redirect(request.path)
    signup = selectors.live_signups_of(volunteer, [event]).get(event.pk)
    context = {
        "event": event,
        "refusal": refusal,
        "signup": signup,
        "signed": signup is not None and signup.status == SignupStatus.SIGNED,
        "nav_active": NAV,
    }
    refused = request.method == "POST" and refusal is not None
    return render(request, "volunteers/event_checkin.html", context, status=403 if refused else 200)


# --- The organizer's pages ----------------------------------------------------------------------


@require(gates.CHANGE)
def event_create(request: HttpRequest) -> HttpResponse:
    form = EventForm(request.POST or None, actor=request.user, initial=initial_for_new())
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(actor=request.user, fields=form.event_fields())
        except NotAllowed as error:
            form.add_error(None, error.message)
        except (DomainError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("已发布活动“%(title)s”。") % {"title": event.title})
            return redirect("volunteers:event_detail", pk=event.pk)
    return render(request, "volunteers/event_form.html", {"form": form, "event": None, "nav_active": NAV})


@require(gates.SIGNED_IN)
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = _organized(request, pk)
    if event.status == EventStatus.CANCELLED:
        messages.error(request, _("活动已取消，不能再修改。"))
        return redirect("volunteers:event_detail", pk=event.pk)
    form = EventForm(request.POST or None, actor=request.user, event=event)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_update(actor=request.user, event=event, fields=form.event_fields())
        except (DomainError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("已保存修改，报名者会收到通知。"))
            return redirect("volunteers:event_detail", pk=event.pk)
    return render(request, "volunteers/event_form.html", {"form": form, "event": event, "nav_active": NAV})


@require(gates.SIGNED_IN)
@require_POST
def event_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    event = _organized(request, pk)
    form = EventCancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写取消原因（不超过 200 字），报名者会看到它。"))
        return redirect("volunteers:event_detail", pk=event.pk)
    try:
        services.event_cancel(actor=request.user, event=event, reason=form.cleaned_data["reason"])
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("活动已取消，报名者会收到通知。"))
    return redirect("volunteers:event_detail", pk=event.pk)


@require(gates.SIGNED_IN)
def event_signups(request: HttpRequest, pk: int) -> HttpResponse:
    event = _organized(request, pk)
    signups = list(selectors.signups_for_organizer(event))
    context = {"event": event, "signups": signups, "nav_active": NAV}
    return render(request, "volunteers/event_signups.html", context)


def _organizers_signup(request: HttpRequest, pk: int, signup_pk: int) -> Signup:
    event = _organized(request, pk)
    signup = found_or_404(
        Signup.objects.filter(event=event, pk=signup_pk).select_related("volunteer__user").first()
    )
    signup.event = event
    return signup


@require(gates.SIGNED_IN)
@require_POST
def signup_approve(request: HttpRequest, pk: int, signup_pk: int) -> HttpResponse:
    return _decide(request, pk, signup_pk, services.signup_approve, _("已通过 %(name)s 的报名。"))


@require(gates.SIGNED_IN)
@require_POST
def signup_decline(request: HttpRequest, pk: int, signup_pk: int) -> HttpResponse:
    return _decide(request, pk, signup_pk, services.signup_decline, _("已拒绝 %(name)s 的报名。"))


def _decide(request: HttpRequest, pk: int, signup_pk: int, decide: Any, done: str) -> HttpResponse:
    signup = _organizers_signup(request, pk, signup_pk)
    try:
        decide(actor=request.user, signup=signup)
    except NotAllowed:
        raise PermissionDenied from None
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done % {"name": signup.volunteer.masked_name})
    return redirect("volunteers:event_signups", pk=pk)


@require(gates.SIGNED_IN)
def event_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    event = _organized(request, pk)
    signups = _sheet_rows(event)
    records = {
        r.volunteer_id: r
        for r in ServiceRecord.objects.filter(event=event).only("volunteer_id", "hours", "status")
    }
    for signup in signups:
        record = records.get(signup.volunteer_id)
        signup.record_hours = record.hours if record else None
        signup.record_status = record.get_status_display() if record else ""
        signup.record_decided = record is not None and record.status != "pending"
    present = set(records) or {s.volunteer_id for s in signups if s.checked_in_at}
    form = AttendanceForm(request.POST or None, event=event, signups=signups, present=present)
    refusal = attendance_services.attendance_refusal(event)
    if request.method == "POST" and refusal is None and form.is_valid():
        try:
            pending = attendance_services.attendance_record(
                actor=request.user, event=event, entries=form.entries()
            )
        except (DomainError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("已保存出勤，%(n)d 条服务时长待审核。") % {"n": pending})
            return redirect("volunteers:event_attendance", pk=event.pk)
    context = {"event": event, "form": form, "refusal": refusal, "nav_active": NAV}
    return render(request, "volunteers/event_attendance.html", context)


def _sheet_rows(event: Event) -> list[Signup]:
    rows: QuerySet[Signup] = Signup.objects.filter(event=event, status=SignupStatus.SIGNED)
    return list(rows.select_related("volunteer").order_by("created_at", "id"))
