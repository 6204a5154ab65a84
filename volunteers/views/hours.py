"""Hours pages: the review queue (one by one and in bulk), a record's page with its corrections,
"my hours" with the declaration form and star progress. The Excel export is in ``views/exports.py``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal import gates
from portal.errors import DomainError
from portal.pages import add_service_error, found_or_404, paginate, require
from portal.scoping import Action, can
from volunteers import selectors
from volunteers.forms.hours import (
    BulkReviewForm,
    CertificateForm,
    CorrectForm,
    DeclareForm,
    DeclineForm,
)
from volunteers.models import RecordSource, RecordStatus, ServiceRecord, VolunteerYear
from volunteers.services import hours as services

QUEUE_PAGE_SIZE = 50
MY_PAGE_SIZE = 50
REVIEW_NAV = "hours_review"
MY_NAV = "my_hours"


def _flash(request: HttpRequest, error: DomainError | ValidationError) -> None:
    text = error.message if isinstance(error, DomainError) else "；".join(error.messages)
    messages.error(request, text)


# --- Review ------------------------------------------------------------------------------------


@require(gates.HOURS_REVIEW)
def review_queue(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status")
    status = status if status in RecordStatus.values else RecordStatus.PENDING
    page = paginate(request, selectors.review_queue(request.user, status), QUEUE_PAGE_SIZE)
    form = BulkReviewForm(choices=[(str(r.pk), str(r.pk)) for r in page.object_list])
    if request.method == "POST":
        form = _bulk_review(request)
        if form is None:
            return redirect(request.get_full_path())
    context = {
        "page": page,
        "form": form,
        "status": status,
        "statuses": RecordStatus.choices,
        "may_export": gates.EXPORT(request.user),
        "nav_active": REVIEW_NAV,
    }
    return render(request, "volunteers/hours_review.html", context)


def _bulk_review(request: HttpRequest) -> BulkReviewForm | None:
    """Decide the ticked records one by one (each in its own transaction); None when the form was valid."""
    ids = [pk for pk in request.POST.getlist("records") if pk.isdigit() and len(pk) < 19]
    records = {str(r.pk): r for r in selectors.review_queue(request.user).filter(pk__in=ids)}
    form = BulkReviewForm(request.POST, choices=[(pk, pk) for pk in records])
    if not form.is_valid():
        return form
    done = 0
    for pk in form.cleaned_data["records"]:
        try:
            if form.cleaned_data["decision"] == "approve":
                services.record_approve(actor=request.user, record=records[pk])
            else:
                services.record_decline(
                    actor=request.user, record=records[pk], reason=form.cleaned_data["reason"]
                )
            done += 1
        except DomainError as error:
            messages.error(request, f"#{pk}：{error.message}")
    messages.success(request, _("已处理 %(n)d 条服务时长。") % {"n": done})
    return None


def _reviewable(request: HttpRequest, pk: int) -> ServiceRecord:
    return found_or_404(selectors.staff_record(request.user, pk))


@require(gates.HOURS_REVIEW)
@require_POST
def record_approve(request: HttpRequest, pk: int) -> HttpResponse:
    record = _reviewable(request, pk)
    try:
        services.record_approve(actor=request.user, record=record)
    except DomainError as error:
        _flash(request, error)
    else:
        messages.success(
            request,
            _("已确认 %(name)s 的 %(hours)s 小时。") % {"name": record.volunteer.name, "hours": record.hours},
        )
    return redirect("volunteers:hours_review")


@require(gates.HOURS_REVIEW)
@require_POST
def record_decline(request: HttpRequest, pk: int) -> HttpResponse:
    record = _reviewable(request, pk)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写未确认的原因。"))
        return redirect("volunteers:record_detail", pk=pk)
    try:
        services.record_decline(actor=request.user, record=record, reason=form.cleaned_data["reason"])
    except DomainError as error:
        _flash(request, error)
    else:
        messages.success(request, _("已退回这条服务时长。"))
    return redirect("volunteers:hours_review")


@require(gates.HOURS_REVIEW)
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One record: its decision, corrections (old → new, why, who) and, for staff, the correction form."""
    record = _reviewable(request, pk)
    may_correct = record.status == RecordStatus.APPROVED and can(request.user, Action.REVIEW, record)
    form = CorrectForm(request.POST or None) if may_correct else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.record_correct(
                actor=request.user,
                record=record,
                hours=form.cleaned_data["hours"],
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("服务时长已更正。"))
            return redirect("volunteers:record_detail", pk=pk)
    context = {
        "record": record,
        "corrections": record.corrections.select_related("corrected_by"),
        "form": form,
        "decline_form": DeclineForm(),
        "nav_active": REVIEW_NAV,
    }
    return render(request, "volunteers/record_detail.html", context)


# --- My hours ----------------------------------------------------------------------------------


@require(gates.VOLUNTEER)
def my_hours(request: HttpRequest) -> HttpResponse:
    volunteer = selectors.volunteer_of(request.user)
    form = DeclareForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_create(
                actor=request.user, volunteer=volunteer, source=RecordSource.DECLARED, **form.cleaned_data
            )
        except (DomainError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("已提交，等待组织者或社区工作人员确认。"))
            return redirect("volunteers:my_hours")
    context = {
        "volunteer": volunteer,
        "page": paginate(request, selectors.my_records(volunteer), MY_PAGE_SIZE),
        "years": VolunteerYear.objects.filter(volunteer=volunteer, hours__gt=0),
        "certificates": volunteer.certificates.all()[:20],
        "progress": star_progress(volunteer),
        "form": form,
        "certificate_form": CertificateForm(),
        "nav_active": MY_NAV,
    }
    return render(request, "volunteers/my_hours.html", context)


def star_progress(volunteer: Any) -> dict[str, Any]:
    """Stars held, hours to the next, and the share of the way there (for the progress bar)."""
    from django.conf import settings

    thresholds = [0, *settings.VOLUNTEER_STAR_HOURS]
    stars = volunteer.stars
    if stars >= len(thresholds) - 1:
        return {"stars": stars, "next": None, "to_next": None, "percent": 100, "range": range(5)}
    low, high = thresholds[stars], thresholds[stars + 1]
    percent = int((volunteer.hours_total - low) * 100 / (high - low))
    return {
        "stars": stars,
        "next": stars + 1,
        "to_next": volunteer.hours_to_next_star,
        "percent": max(0, min(percent, 100)),
        "range": range(5),
    }
