"""Pages for activity records, branch pages and organizational-life bases.

Objects are fetched through scoped queries: what lies outside the user's scope is a 404. What the
user may do to what they can see is asked of the services' rules (``may_record``,
``edit_refusal``), and the writes go through the services, which check again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from brands.filters import ActivityFilter
from brands.forms.activities import ActivityForm, initial_for_new
from brands.models import BaseBooking, BaseSlot
from brands.selectors import activities as selectors
from brands.services import activities as services
from brands.services import bases as base_services
from grids.models import PartyOrganization, Region, RegionLevel
from grids.selectors import organizations_changeable
from portal import gates
from portal.errors import DomainError, NotAllowed
from portal.ids import parse_id
from portal.pages import add_service_error, found_or_404, paginate, require
from portal.scoping import Action, can

ACTIVITIES_PER_PAGE = 30
BRANCH_RECORDS_PER_PAGE = 20
NAV = "activities"
BASES_NAV = "bases"  # the base list and a branch's bookings: their own menu entry
_PK = 2_147_483_646  # a stand-in id: a row's address is the reversed pattern with its id put in


def _address(name: str) -> tuple[str, str]:
    """The parts of a URL around its one id, so that a row's link is built without a reverse()."""
    head, _sep, tail = reverse(name, args=[_PK]).partition(str(_PK))
    return head, tail


def _display_rows(records: Any) -> list[Any]:
    """A page of records with their display strings computed once per row.

    Rendering a page of 30 rows called ``{% url %}`` twice, the ``date`` filter four times (each
    converting to local time) and the choice-label lookup once per row: most of the page's CPU
    at city scale (issue 6). The template reads these attributes instead; the output is the same.
    """
    rows = list(records)
    detail_head, detail_tail = _address("brands:activity_detail")
    branch_head, branch_tail = _address("brands:branch_detail")
    # Formats are translated (English reads months differently); looked up once per page.
    month_format, when_format = _("Y年n月"), _("n月 H:i")
    attendance = _("到会 %(n)s/%(total)s")
    labels: dict[str, str] = {}
    months: dict[tuple[int, int], str] = {}
    for record in rows:
        local = timezone.localtime(record.started_at)
        key = (local.year, local.month)
        if key not in months:
            months[key] = dateformat.format(local, month_format)
        if record.kind not in labels:
            labels[record.kind] = record.get_kind_display()
        record.month_label = months[key]
        record.when_iso = local.isoformat()
        record.when_day = local.day
        record.when_help = dateformat.format(local, when_format)
        record.kind_label = labels[record.kind]
        record.detail_url = f"{detail_head}{record.pk}{detail_tail}"
        record.branch_url = f"{branch_head}{record.organization_id}{branch_tail}"
        record.attendance_label = attendance % {"n": record.attendee_count, "total": record.member_count}
        photos = record.photo_list  # prefetched by the selector
        record.thumbs, record.more_photos = photos[:4], max(len(photos) - 4, 0)
    return rows


def _display_slots(bases: list[Any]) -> None:
    """Each upcoming slot's display strings and booking address, computed once per slot.

    A city's open bases list ~100 slots; four ``date`` filters, a ``{% url %}`` and a
    ``{% blocktranslate %}`` per slot were most of the page's CPU (issue 6). Same output.
    """
    book_head, book_tail = _address("brands:slot_book")
    when_format, short_format, end_format = _("n月j日 D H:i"), _("n月j日 H:i"), "H:i"
    free_text = _("剩余 %(free)s / %(capacity)s")
    for base in bases:
        for slot in base.upcoming:
            starts, ends = timezone.localtime(slot.starts_at), timezone.localtime(slot.ends_at)
            slot.starts_iso = starts.isoformat()
            slot.starts_label = dateformat.format(starts, when_format)
            slot.starts_short = dateformat.format(starts, short_format)
            slot.ends_label = dateformat.format(ends, end_format)
            slot.free_label = free_text % {"free": slot.free, "capacity": slot.capacity}
            slot.book_url = f"{book_head}{slot.pk}{book_tail}"


def _organization(request: HttpRequest, pk: int) -> PartyOrganization:
    organizations = PartyOrganization.objects.visible_to(request.user).select_related(
        "region", "parent__region"
    )
    return found_or_404(organizations.filter(pk=pk).first())


def _month(value: str) -> dt.date | None:
    try:
        month = dt.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        return None
    # Years 1 and 9999 would overflow as instants; no record lies in them.
    return month if 1 < month.year < 9999 else None


# Activity records ------------------------------------------------------------------------------


@require(gates.STAFF_VIEW)
def activity_list(request: HttpRequest) -> HttpResponse:
    filterset = ActivityFilter(request.GET or None, queryset=selectors.activity_list(request.user))
    del filterset.form.fields["updated_after"]  # for partner systems that sync
    for name in ("region", "organization", "brand"):
        # Reached from a branch or brand page and kept in the address; not typed by hand.
        filterset.form.fields[name].widget = forms.HiddenInput()
    page = paginate(request, filterset.qs, ACTIVITIES_PER_PAGE)
    page.object_list = _display_rows(page.object_list)
    context = {
        "filter": filterset,
        "page": page,
        "default_organization": selectors.default_organization(request.user),
        # 记录活动 leads to activity_start, guarded by the same gate.
        "can_record": gates.CHANGE(request.user),
        "nav_active": NAV,
    }
    return render(request, "brands/activity_list.html", context)


@require(gates.CHANGE)
def activity_start(request: HttpRequest) -> HttpResponse:
    """记录活动: straight to the form for a secretary; staff first choose the branch."""
    organization = selectors.default_organization(request.user)
    if organization is not None:
        return redirect("brands:activity_create", pk=organization.pk)
    query = request.GET.get("q", "").strip()
    context = {
        "organizations": selectors.organizations_to_choose(request.user, query),
        "query": query,
        "nav_active": NAV,
    }
    return render(request, "brands/activity_choose.html", context)


@require(gates.SIGNED_IN)
def activity_create(request: HttpRequest, pk: int) -> HttpResponse:
    organization = _organization(request, pk)
    if not services.may_record(request.user, organization):
        raise PermissionDenied
    form = ActivityForm(
        request.POST or None, request.FILES or None, organization=organization, initial=initial_for_new()
    )
    if request.method == "POST" and form.is_valid():
        try:
            record = services.activity_create(
                actor=request.user, organization=organization, **form.service_arguments()
            )
        except (DomainError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("已记录“%(topic)s”。") % {"topic": record.topic})
            return redirect("brands:activity_detail", pk=record.pk)
    return _form_page(request, form, organization=organization, record=None)


@require(gates.SIGNED_IN)
def activity_edit(request: HttpRequest, pk: int) -> HttpResponse:
    record = found_or_404(selectors.activity_for_page(request.user, pk))
    refusal = services.edit_refusal(request.user, record)
    if refusal and not can(request.user, Action.CHANGE, record):
        raise PermissionDenied
    if refusal:
        messages.error(request, refusal)
        return redirect("brands:activity_detail", pk=record.pk)
    organization = record.organization
    form = ActivityForm(request.POST or None, request.FILES or None, organization=organization, record=record)
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_update(actor=request.user, record=record, **form.service_arguments())
        except (DomainError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("已保存修改。"))
            return redirect("brands:activity_detail", pk=record.pk)
    return _form_page(request, form, organization=organization, record=record)


def _form_page(
    request: HttpRequest, form: ActivityForm, *, organization: PartyOrganization, record: Any
) -> HttpResponse:
    roster_size = form.roster_size()
    context = {
        "form": form,
        "organization": organization,
        "record": record,
        "roster_size": roster_size,
        "attendance": _attendance(form, roster_size),
        "photos_were_sent": bool(request.FILES) and form.is_bound and bool(form.errors),
        "nav_active": NAV,
    }
    return render(request, "brands/activity_form.html", context)


def _attendance(form: ActivityForm, roster_size: int) -> dict[str, int]:
    """The figure under the checklist as the server sees it; activity-form.js keeps it live."""
    checked = form["attendees"].value() or []
    present = roster_size if form["all_present"].value() else min(len(checked), roster_size)
    return {"present": present, "rate": round(100 * present / roster_size) if roster_size else 0}


@require(gates.SIGNED_IN)
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    record = found_or_404(selectors.activity_for_page(user, pk))
    # The change history is for staff who oversee this place (the same rule as members' history).
    show_history = can(user, Action.REVIEW, record)
    refusal = services.edit_refusal(user, record)
    context = {
        "record": record,
        "can_edit": refusal is None,
        # Said only to those responsible for the record (its secretary), not to every viewer.
        "edit_refusal": refusal if can(user, Action.CHANGE, record) else None,
        "can_view_branch": can(user, Action.VIEW, record.organization),
        "history": selectors.activity_history(record) if show_history else None,
        "nav_active": NAV,
    }
    return render(request, "brands/activity_detail.html", context)


# Branch page -----------------------------------------------------------------------------------


@require(gates.SIGNED_IN)
def branch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    organization = _organization(request, pk)
    month = _month(request.GET.get("month", ""))
    records = selectors.branch_records(organization, month)
    page = paginate(request, records, BRANCH_RECORDS_PER_PAGE)
    page.object_list = _display_rows(page.object_list)
    context = {
        "organization": organization,
        "compliance": selectors.branch_compliance(organization) if organization.is_branch else None,
        "month": month,
        "page": page,
        "can_record": services.may_record(user, organization),
        "can_view_parent": organization.parent_id and can(user, Action.VIEW, organization.parent),
        "nav_active": NAV,
    }
    return render(request, "brands/branch_detail.html", context)


# Organizational-life bases ---------------------------------------------------------------------


def _booking_organization(request: HttpRequest) -> PartyOrganization | None:
    """The branch the user books for: ?organization= (from its branch page) or their own branch."""
    value = request.GET.get("organization") or request.POST.get("organization") or ""
    if value:  # a value that is no id, or names no organization the user may change, is a 404
        pk = parse_id(value)
        organization = organizations_changeable(request.user).select_related("region").filter(pk=pk).first()
        return found_or_404(organization if pk else None)
    return selectors.default_organization(request.user)


@require(gates.STAFF_VIEW)
def base_list(request: HttpRequest) -> HttpResponse:
    # Bases are open to every branch in the city, so the list is not cut to the user's region.
    districts = list(Region.objects.filter(level=RegionLevel.DISTRICT).only("code", "name", "path"))
    district = next((d for d in districts if d.code == request.GET.get("region")), None)
    bases = list(selectors.open_bases(region_path=district.path if district else ""))
    _display_slots(bases)
    organization = _booking_organization(request)
    held = (
        selectors.live_booking_slot_ids(organization, [s for b in bases for s in b.upcoming])
        if organization
        else set()
    )
    context = {
        "bases": bases,
        "districts": districts,
        "district": district,
        "organization": organization,
        "held": held,
        "nav_active": BASES_NAV,
    }
    return render(request, "brands/base_list.html", context)


@require(gates.CHANGE)
@require_POST
def book_slot(request: HttpRequest, pk: int) -> HttpResponse:
    slot = found_or_404(BaseSlot.objects.select_related("base").filter(pk=pk).first())
    organization = _booking_organization(request)
    if organization is None:
        raise PermissionDenied
    try:
        base_services.slot_book(actor=request.user, slot=slot, organization=organization)
    except NotAllowed:
        raise PermissionDenied from None
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(f"{reverse('brands:base_list')}?organization={organization.pk}#slot-{slot.pk}")
    start = timezone.localtime(slot.starts_at)
    messages.success(
        request,
        _("已预约 %(base)s %(when)s。") % {"base": slot.base.name, "when": f"{start:%Y-%m-%d %H:%M}"},
    )
    return redirect("brands:booking_list", pk=organization.pk)


@require(gates.SIGNED_IN)
def booking_list(request: HttpRequest, pk: int) -> HttpResponse:
    organization = _organization(request, pk)
    can_change = can(request.user, Action.CHANGE, organization)
    bookings = list(selectors.bookings_of(organization)[:100])
    for booking in bookings:
        booking.cancellable = can_change and base_services.cancel_refusal(booking) is None
    context = {
        "organization": organization,
        "bookings": bookings,
        "can_change": can_change,
        "nav_active": BASES_NAV,
    }
    return render(request, "brands/base_bookings.html", context)


@require(gates.SIGNED_IN)
@require_POST
def cancel_booking(request: HttpRequest, pk: int) -> HttpResponse:
    bookings = BaseBooking.objects.visible_to(request.user).select_related(
        "slot__base", "organization__region"
    )
    booking = found_or_404(bookings.filter(pk=pk).first())
    try:
        base_services.booking_cancel(actor=request.user, booking=booking)
    except NotAllowed:
        raise PermissionDenied from None
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已取消预约，名额已释放。"))
    return redirect("brands:booking_list", pk=booking.organization_id)
