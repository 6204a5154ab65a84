"""The Fengling pages: members' scores for staff and secretaries, recording from a phone,
corrections, "my score", the red/black list and the city's indicator sets."""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fengling import exports, selectors, services
from fengling.filters import BoardFilter
from fengling.forms import BehaviourForm, BoardForm, CloseForm, CorrectForm, FieldForm, RecordForm
from fengling.gates import INDICATORS, MY_SCORE
from fengling.models import BoardKind, Dimension, Field, IndicatorSet, MonthlyScore
from grids.models import PartyMember, PartyOrganization
from portal import gates
from portal.errors import DomainError
from portal.pages import add_service_error, found_or_404, paginate, require
from portal.scoping import Action, can

PAGE_SIZE = 50
BOARD_PREVIEW = 20  # entries of each list on the board's first view
NAV = "fengling"
T = TypeVar("T")


def _member_or_404(request: HttpRequest, pk: int, action: str = Action.VIEW) -> PartyMember:
    """A member in the user's scope: missing and out of scope alike are 404 (another district's ids
    are not confirmed to exist); in scope but without the right to ``action``, 403."""
    return _allowed(request, found_or_404(selectors.member_for_page(request.user, pk)), action)


def _allowed(request: HttpRequest, obj: T, action: str) -> T:
    if action != Action.VIEW and not can(request.user, action, obj):
        raise PermissionDenied
    return obj


def _year_summary(member: PartyMember, year: int) -> dict[str, Any]:
    rating = selectors.years_of([member.pk], year).get(member.pk)
    score = rating.score if rating else settings.FENGLING_BASE_POINTS
    return {"year": year, "score": score, "rating": rating, "label": selectors.rating_label(score)}


@require(gates.STAFF_VIEW)
def index(request: HttpRequest) -> HttpResponse:
    """Members in scope with this month's total and the year's score (read from the job's tables)."""
    query = exports.name_query(request.GET)
    members = selectors.members_scored(request.user, query)
    page = paginate(request, members, PAGE_SIZE)
    today = timezone.localdate()
    ids = [m.pk for m in page.object_list]
    months, years = selectors.months_of(ids, today.replace(day=1)), selectors.years_of(ids, today.year)
    rows = []
    for member in page.object_list:
        year = years.get(member.pk)
        score = year.score if year else settings.FENGLING_BASE_POINTS
        month = months.get(member.pk)
        rows.append(
            {
                "member": member,
                "month": month.total if month else 0,
                "score": score,
                "rating": selectors.rating_label(score),
            }
        )
    context = {
        "page": page,
        "rows": rows,
        "query": query,
        "month": today,
        "may_record": gates.CHANGE(request.user),
        "may_export": gates.EXPORT(request.user),
        "computed_at": MonthlyScore.objects.order_by("-computed_at")
        .values_list("computed_at", flat=True)
        .first(),
        "nav_active": NAV,
    }
    return render(request, "fengling/index.html", context)


@require(gates.STAFF_VIEW)
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member_or_404(request, pk)
    return render(request, "fengling/member.html", _member_context(request, member) | {"nav_active": NAV})


def _member_context(request: HttpRequest, member: PartyMember) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "member": member,
        "field": Field(selectors.field_of(member.organization)).label,
        "may_set_field": services.may_set_field(request.user, member.organization),
        "summary": _year_summary(member, today.year),
        "months": MonthlyScore.objects.filter(member=member).order_by("-month")[:12],
        "events": selectors.member_events(member)[:PAGE_SIZE],
        "entries": selectors.board_entries(request.user).filter(member=member)[:20],
        "may_change": can(request.user, Action.CHANGE, member),
    }


@require(gates.CHANGE)
def record(request: HttpRequest, pk: int) -> HttpResponse:
    """Score an event: member (from the list), behaviour, date, note, optional photo: one screen."""
    member = _member_or_404(request, pk, Action.CHANGE)
    behaviours = list(selectors.behaviours_for(member).select_related("indicator_set"))
    form = RecordForm(request.POST or None, request.FILES or None, behaviours=behaviours)
    if request.method == "POST" and form.is_valid():
        behaviour = form.behaviours.get(form.cleaned_data["behaviour"])
        try:
            event = services.score_record(
                actor=request.user,
                member=member,
                behaviour=behaviour,
                occurred_on=form.cleaned_data["occurred_on"],
                note=form.cleaned_data["note"],
                photo=form.cleaned_data["photo"],
            )
        except (DomainError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("已为 %(name)s 记 %(points)+d 分。") % {"name": member.name, "points": event.points},
            )
            return redirect("fengling:member", pk=member.pk)
    indicator_set = behaviours[0].indicator_set if behaviours else None
    context = {"member": member, "form": form, "indicator_set": indicator_set, "nav_active": NAV}
    return render(request, "fengling/record.html", context)


@require(gates.CHANGE)
def correct(request: HttpRequest, pk: int) -> HttpResponse:
    event = _allowed(request, found_or_404(selectors.event_for_page(request.user, pk)), Action.CHANGE)
    form = CorrectForm(request.POST or None, initial={"points": 0})
    if request.method == "POST" and form.is_valid():
        try:
            services.score_correct(actor=request.user, event=event, **form.cleaned_data)
        except (DomainError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("积分已更正，原记录保留。"))
            return redirect("fengling:member", pk=event.member_id)
    context = {
        "event": event,
        "form": form,
        "corrections": event.corrections.select_related("corrected_by"),
        "nav_active": NAV,
    }
    return render(request, "fengling/correct.html", context)


@require(MY_SCORE)
def me(request: HttpRequest) -> HttpResponse:
    member = selectors.member_of(request.user)
    context: dict[str, Any] = {"member": member, "nav_active": "fengling_me"}
    if member is not None:
        today = timezone.localdate()
        context |= {
            "summary": _year_summary(member, today.year),
            "months": MonthlyScore.objects.filter(member=member).order_by("-month")[:12],
            "events": selectors.member_events(member)[:PAGE_SIZE],
            "entries": member_board(member),
        }
    return render(request, "fengling/me.html", context)


def member_board(member: PartyMember) -> list[Any]:
    from fengling.models import BoardEntry

    return list(BoardEntry.objects.filter(member=member).select_related("organization")[:20])


# --- 红黑榜 ----------------------------------------------------------------------------------------


@require(gates.STAFF_VIEW)
def board(request: HttpRequest) -> HttpResponse:
    """A branch's or a community's red/black list (all of the user's scope without a filter).

    Both lists show their first entries; ``?kind=red`` or ``?kind=black`` pages through one of
    them. The black list reads open entries first, the nearest (so the overdue) deadline on top.
    A filter that is not valid shows its error and no entries (never more than was asked for).
    """
    filterset = BoardFilter(request.GET, queryset=selectors.board_entries(request.user), actor=request.user)
    valid = filterset.is_valid()
    entries = filterset.qs if valid else filterset.queryset.none()
    kind = filterset.form.cleaned_data.get("kind", "") if valid else ""
    red, black = selectors.board_lists(entries)
    context = {
        "filter": filterset,
        "kind": kind,
        "place": filterset.place,
        "close_form": CloseForm(),
        "may_change": gates.CHANGE(request.user),
        "may_export": gates.EXPORT(request.user),
        "today": timezone.localdate(),
        "nav_active": "fengling_board",
    }
    if kind:
        context["page"] = paginate(request, red if kind == BoardKind.RED else black, PAGE_SIZE)
        context[kind] = context["page"].object_list
    else:
        # One more than shown says whether a "more" link is needed, without counting.
        for name, rows in (("red", red), ("black", black)):
            rows = list(rows[: BOARD_PREVIEW + 1])
            context[name], context[f"more_{name}"] = rows[:BOARD_PREVIEW], len(rows) > BOARD_PREVIEW
    return render(request, "fengling/board.html", context)


@require(gates.CHANGE)
def board_add(request: HttpRequest, pk: int) -> HttpResponse:
    member = _member_or_404(request, pk, Action.CHANGE)
    default_deadline = timezone.localdate() + dt.timedelta(days=settings.FENGLING_BLACK_DAYS)
    form = BoardForm(
        request.POST or None, initial={"kind": BoardKind.RED, "red_points": 5, "deadline": default_deadline}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.board_add(
                actor=request.user,
                member=member,
                kind=data["kind"],
                reason=data["reason"],
                red_points=data["red_points"] or 0,
                deadline=data["deadline"],
            )
        except (DomainError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("已上榜。"))
            return redirect(f"{_board_url()}?organization={member.organization_id}")
    return render(
        request, "fengling/board_form.html", {"member": member, "form": form, "nav_active": "fengling_board"}
    )


def _board_url() -> str:
    return reverse("fengling:board")


@require(gates.CHANGE)
@require_POST
def board_close(request: HttpRequest, pk: int) -> HttpResponse:
    entry = _allowed(
        request, found_or_404(selectors.board_entries(request.user).filter(pk=pk).first()), Action.CHANGE
    )
    form = CloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写整改情况。"))
    else:
        try:
            services.board_close(actor=request.user, entry=entry, note=form.cleaned_data["note"])
        except (DomainError, ValidationError) as error:
            messages.error(
                request, error.message if isinstance(error, DomainError) else "；".join(error.messages)
            )
        else:
            messages.success(request, _("已整改销号。"))
    return redirect(f"{_board_url()}?organization={entry.organization_id}")


# --- The field (领域) of an organization -------------------------------------------------------


@require(gates.CHANGE)
def organization_field(request: HttpRequest, pk: int) -> HttpResponse:
    """Which indicator set scores the organization's members: staff of its region choose it."""
    organization = found_or_404(selectors.organization_for_page(request.user, pk))
    if not services.may_set_field(request.user, organization):
        raise PermissionDenied
    field, source_id = selectors.field_source(organization)
    form = FieldForm(request.POST or None, initial={"field": field if source_id == organization.pk else ""})
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_field_set(
                actor=request.user, organization=organization, field=form.cleaned_data["field"]
            )
        except (DomainError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("已保存所属领域。"))
            return redirect("fengling:organization_field", pk=organization.pk)
    source = None
    if source_id not in (None, organization.pk):
        source = PartyOrganization.objects.filter(pk=source_id).values_list("name", flat=True).first()
    parent = organization.parent
    context = {
        "organization": organization,
        "field": Field(field).label,
        "own": source_id == organization.pk,
        "source": source,
        "form": form,
        "parent": parent if parent and services.may_set_field(request.user, parent) else None,
        "nav_active": NAV,
    }
    return render(request, "fengling/organization_field.html", context)


# --- Indicator sets (city staff) ---------------------------------------------------------------


@require(INDICATORS)
def indicators(request: HttpRequest) -> HttpResponse:
    sets = selectors.indicator_sets().prefetch_related("behaviours")
    context = {
        "sets": sets,
        "base": settings.FENGLING_BASE_POINTS,
        "thresholds": {
            "excellent": settings.FENGLING_EXCELLENT,
            "qualified": settings.FENGLING_QUALIFIED,
            "basic": settings.FENGLING_BASIC,
        },
        "nav_active": "fengling_indicators",
    }
    return render(request, "fengling/indicators.html", context)


@require(INDICATORS)
def indicator_set(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit one set: each behaviour's wording, points and monthly limit, one form per row."""
    chosen = get_object_or_404(IndicatorSet, pk=pk)
    order = Dimension.values
    behaviours = sorted(chosen.behaviours.all(), key=lambda b: (order.index(b.dimension), b.code))
    forms = [
        BehaviourForm(
            request.POST or None,
            prefix=f"b{b.pk}",
            initial={"name": b.name, "points": b.points, "monthly_limit": b.monthly_limit},
        )
        for b in behaviours
    ]
    if request.method == "POST" and all(f.is_valid() for f in forms):
        changed = 0
        for behaviour, form in zip(behaviours, forms, strict=True):
            if not form.has_changed():
                continue
            try:
                services.behaviour_update(actor=request.user, behaviour=behaviour, **form.cleaned_data)
                changed += 1
            except (DomainError, ValidationError) as error:
                add_service_error(form, error)
        if not any(f.errors for f in forms):
            messages.success(request, _("已保存 %(n)d 项修改。") % {"n": changed})
            return redirect("fengling:indicator_set", pk=chosen.pk)
    context = {
        "chosen": chosen,
        "rows": list(zip(behaviours, forms, strict=True)),
        "nav_active": "fengling_indicators",
    }
    return render(request, "fengling/indicator_set.html", context)
