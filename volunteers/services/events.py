"""Service events (志愿服务活动): organizing them, and signing up that never overfills.

Places are decided by the database, never by a count read earlier in Python (DESIGN.md):

- A sign-up takes a place by ONE conditional UPDATE on the event (``signed < capacity``) whose row
  count says whether it won; a loser joins the waitlist. The UPDATE (or, for a loser, a
  ``SELECT … FOR UPDATE``) holds the event row until commit, so sign-ups, cancellations and the
  organizer's changes to one event queue behind each other; the CHECK ``signed <= capacity`` and
  the partial unique index (one live sign-up per volunteer and event) back it up.
- "Never two overlapping events" is decided inside the transaction with the volunteer's row
  locked: one person's concurrent sign-ups (two tabs, ten clicks) are serialized on it, so the
  overlap check reads what the other committed.
- A freed place goes to the first waitlisted in arrival order, exactly one per place freed.

A pending sign-up (approval needed) holds a place until the organizer approves or declines it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from grids.models import PartyOrganization, Region
from portal import webhooks
from portal.errors import Conflict, IllegalTransition, NotAllowed
from portal.models import User, WebhookEvent
from portal.notifications import notify
from portal.scoping import Action, Viewer, can
from portal.services import refuse_sent_twice
from volunteers.models import (
    Event,
    EventStatus,
    Signup,
    SignupStatus,
    Specialty,
    Team,
    Volunteer,
    VolunteerStatus,
)

# Sign-ups that hold a place (signed counts them) and those that wait for one.
HOLDS_PLACE = (SignupStatus.PENDING, SignupStatus.SIGNED)
LIVE = (SignupStatus.PENDING, SignupStatus.SIGNED, SignupStatus.WAITLISTED)


@dataclass(frozen=True)
class EventFields:
    """What an organizer writes on an event (the form's and the API's cleaned data)."""

    title: str
    description: str
    place: str
    region: Region | None
    organization: PartyOrganization | None
    team: Team | None
    starts_at: dt.datetime
    ends_at: dt.datetime
    signup_deadline: dt.datetime
    capacity: int
    wanted_specialties: Iterable[Specialty]
    needs_approval: bool


# --- Who may organize ---------------------------------------------------------------------------


def may_organize(actor: Viewer, event: Event) -> bool:
    """Staff in scope of the event's place, or the secretary of its organization."""
    return can(actor, Action.CHANGE, event)


def _placed(fields: EventFields) -> Region:
    """The event's place in the tree: given, else its organization's or team's region."""
    for region in (
        fields.region,
        fields.organization.region if fields.organization else None,
        fields.team.region if fields.team else None,
    ):
        if region is not None:
            return region
    raise Conflict(_("请选择活动所在的社区，或组织活动的党组织或服务队。"))


def _check_organizer(actor: User, event: Event) -> None:
    if not may_organize(actor, event):
        raise NotAllowed(_("只有活动所在区域的工作人员或组织方党组织书记可以管理该活动。"))
    # An organization or team named as the organizer must lie in the actor's scope too.
    for organizer in (event.organization, event.team):
        if organizer is not None and not can(actor, Action.CHANGE, organizer):
            raise NotAllowed(_("“%(name)s”不在您的管理范围内。") % {"name": organizer})
    if not _may_place(actor, event):
        raise NotAllowed(_("“%(name)s”不在您的管理范围内。") % {"name": event.region.name})


def _may_place(actor: User, event: Event) -> bool:
    """The event's place is the actor's area, or (for a secretary) within their organization's."""
    if can(actor, Action.CHANGE, event.region):
        return True
    organization = event.organization
    return organization is not None and event.region.path.startswith(organization.region.path)


def _apply(event: Event, fields: EventFields) -> None:
    for name in (
        "title", "description", "place", "organization", "team", "starts_at", "ends_at",
        "signup_deadline", "capacity", "needs_approval",
    ):  # fmt: skip
        setattr(event, name, getattr(fields, name))
    event.region = _placed(fields)


# --- Organizing ---------------------------------------------------------------------------------


@transaction.atomic
def event_create(*, actor: User, fields: EventFields) -> Event:
    """Create and publish an event (报名中); partners subscribed to ``event.published`` are told."""
    event = Event(created_by=actor)
    _apply(event, fields)
    _check_organizer(actor, event)
    if event.signup_deadline <= timezone.now():
        raise Conflict(_("报名截止时间须晚于现在。"))
    event.full_clean(exclude=["created_by"])
    refuse_sent_twice(
        actor=actor,
        twins=Event.objects.filter(
            created_by=actor, title=event.title, starts_at=event.starts_at, region_id=event.region_id
        ),
        message=_("这个活动已经发布过了，请勿重复提交。"),
    )
    event.save()
    event.wanted_specialties.set(fields.wanted_specialties)
    webhooks.emit(WebhookEvent.EVENT_PUBLISHED, region=event.region, data=event_webhook_data(event))
    return event


def event_webhook_data(event: Event) -> dict[str, Any]:
    # An event carries no personal data: the organizer's account is left out.
    return {
        "id": event.pk,
        "title": event.title,
        "place": event.place,
        "region": event.region.code,
        "organization": event.organization_id,
        "team": event.team_id,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "signup_deadline": event.signup_deadline,
        "capacity": event.capacity,
        "needs_approval": event.needs_approval,
    }


def _locked(event: Event) -> Event:
    """The event's row, locked until commit: its sign-ups and changes queue behind this one."""
    related = Event.objects.select_related("region", "organization", "team")
    return related.select_for_update(of=("self",)).get(pk=event.pk)


@transaction.atomic
def event_update(*, actor: User, event: Event, fields: EventFields) -> Event:
    """Change an event; its sign-ups are told, and a larger capacity promotes the waitlist."""
    current = _locked(event)
    _check_organizer(actor, current)
    if current.status == EventStatus.CANCELLED:
        raise IllegalTransition(_("活动已取消，不能再修改。"))
    if fields.capacity < current.signed:
        raise Conflict(
            _("名额不能少于已报名的 %(signed)d 人。如需减少，请先与报名者沟通。") % {"signed": current.signed}
        )
    _apply(current, fields)
    _check_organizer(actor, current)  # the new place and organizer must be the actor's too
    current.full_clean(exclude=["created_by"])
    current.save()
    current.wanted_specialties.set(fields.wanted_specialties)
    # The overlap rule reads the copies of the times on the sign-ups.
    Signup.objects.filter(event=current).update(starts_at=current.starts_at, ends_at=current.ends_at)
    promoted = _fill_new_places(current)
    _tell_live(current, kind="volunteers.event_changed", title=_("活动“%(title)s”信息有变更"), skip=promoted)
    return current


@transaction.atomic
def event_cancel(*, actor: User, event: Event, reason: str) -> Event:
    """Cancel an event that has not ended: every live sign-up is cancelled and told why."""
    current = _locked(event)
    _check_organizer(actor, current)
    if current.status == EventStatus.CANCELLED:
        raise IllegalTransition(_("活动已取消。"))
    if current.ends_at <= timezone.now():
        raise IllegalTransition(_("活动已结束，不能取消。"))
    reason = reason.strip()
    if not reason:
        raise Conflict(_("请填写取消原因，报名者会看到它。"))
    _tell_live(current, kind="volunteers.event_cancelled", title=_("活动“%(title)s”已取消"), body=reason)
    Signup.objects.filter(event=current, status__in=LIVE).update(
        status=SignupStatus.CANCELLED, cancelled_at=timezone.now()
    )
    current.status, current.cancel_reason, current.signed = EventStatus.CANCELLED, reason[:200], 0
    current.save(update_fields=["status", "cancel_reason", "signed", "updated_at"])
    return current


# --- Signing up ---------------------------------------------------------------------------------


def signup_refusal(event: Event, *, now: dt.datetime | None = None) -> str | None:
    """Why no one can sign up for the event now, or None (the page hides the button then)."""
    now = now or timezone.now()
    if event.status != EventStatus.PUBLISHED:
        return _("活动已取消。")
    if event.signup_deadline <= now:
        return _("报名已截止。")
    return None


def cancel_refusal(signup: Signup, *, now: dt.datetime | None = None) -> str | None:
    """Why the volunteer can no longer cancel the sign-up, or None."""
    if signup.status not in LIVE:
        return _("该报名已取消。")
    if signup.event.signup_deadline <= (now or timezone.now()):
        return _("报名截止后不能取消报名。如确实无法参加，请联系活动组织方。")
    return None


@transaction.atomic
def event_signup(*, volunteer: Volunteer, event: Event) -> Signup:
    """Sign ``volunteer`` up: a place if one is free, else the waitlist; never twice, never overlapping."""
    if volunteer.status != VolunteerStatus.ACTIVE:
        raise NotAllowed(_("志愿者身份审核通过后才能报名活动。"))
    refusal = signup_refusal(event)
    if refusal:
        raise IllegalTransition(refusal)
    # One person's sign-ups queue here, so the checks below read what their other click committed.
    Volunteer.objects.select_for_update().filter(pk=volunteer.pk).values_list("pk", flat=True).get()
    if Signup.objects.filter(event=event, volunteer=volunteer, status__in=LIVE).exists():
        raise Conflict(_("您已报名该活动，不能重复报名。"))
    clash = _overlapping(volunteer, event)
    if clash is not None:
        raise Conflict(
            _("该活动与您已报名的“%(title)s”时间重叠，不能同时报名。") % {"title": clash.event.title}
        )
    status = _take_place(event)
    try:
        with transaction.atomic():
            signup = Signup.objects.create(
                event=event,
                volunteer=volunteer,
                status=status,
                starts_at=event.starts_at,
                ends_at=event.ends_at,
            )
    except IntegrityError:
        # Backstop for the unique index; leaving by an exception undoes the place taken above.
        raise Conflict(_("您已报名该活动，不能重复报名。")) from None
    return signup


def _overlapping(volunteer: Volunteer, event: Event) -> Signup | None:
    return (
        Signup.objects.filter(
            volunteer=volunteer, status__in=LIVE, starts_at__lt=event.ends_at, ends_at__gt=event.starts_at
        )
        .exclude(event=event)
        .select_related("event")
        .first()
    )


def _take_place(event: Event) -> str:
    """The sign-up's status: a place won by the conditional UPDATE, else the waitlist."""
    open_event = Event.objects.filter(
        pk=event.pk, status=EventStatus.PUBLISHED, signup_deadline__gt=timezone.now()
    )
    if open_event.filter(signed__lt=F("capacity")).update(signed=F("signed") + 1):
        return SignupStatus.PENDING if event.needs_approval else SignupStatus.SIGNED
    # Full: lock the row all the same, so that the waitlist's arrival order is the lock order
    # and an organizer's cancellation cannot slip between the check and the insert.
    if not open_event.select_for_update().exists():
        raise IllegalTransition(_("报名已截止或活动已取消。"))
    return SignupStatus.WAITLISTED


@transaction.atomic
def signup_cancel(*, volunteer: Volunteer, signup: Signup) -> Signup:
    """The volunteer withdraws before the deadline; a place freed goes to the first waitlisted."""
    if signup.volunteer_id != volunteer.pk:
        raise NotAllowed(_("只能取消自己的报名。"))
    event = _locked(signup.event)
    current = Signup.objects.select_for_update().get(pk=signup.pk)
    current.event = event
    refusal = cancel_refusal(current)
    if refusal:
        raise IllegalTransition(refusal)
    held_place = current.status in HOLDS_PLACE
    current.status, current.cancelled_at = SignupStatus.CANCELLED, timezone.now()
    current.save(update_fields=["status", "cancelled_at"])
    if held_place:
        _free_places(event, 1)
    return current


def _free_places(event: Event, count: int) -> None:
    """``count`` places (still counted in ``signed``) were given up on the locked event: the
    waitlist takes them, the rest become free."""
    freed = count - len(_promote(event, count))
    if freed:
        Event.objects.filter(pk=event.pk).update(signed=F("signed") - freed)


def _fill_new_places(event: Event) -> list[Signup]:
    """A raised capacity: the waitlist takes the new free places (the event's row is locked)."""
    promoted = _promote(event, event.capacity - event.signed)
    if promoted:
        Event.objects.filter(pk=event.pk).update(signed=F("signed") + len(promoted))
    return promoted


def _promote(event: Event, places: int) -> list[Signup]:
    """The first ``places`` waitlisted, in arrival order, take a place; the caller counts them.

    The caller holds the event's row, so concurrent cancellations promote one person each.
    """
    if places <= 0:
        return []
    waiting = list(
        Signup.objects.select_for_update(of=("self",))
        .filter(event=event, status=SignupStatus.WAITLISTED)
        .order_by("created_at", "id")
        .select_related("volunteer__user")[:places]
    )
    status = SignupStatus.PENDING if event.needs_approval else SignupStatus.SIGNED
    Signup.objects.filter(pk__in=[s.pk for s in waiting]).update(status=status)
    for signup in waiting:
        signup.status = status
        notify(
            recipients=[signup.volunteer.user],
            kind="volunteers.waitlist_promoted",
            title=_("候补成功：“%(title)s”") % {"title": event.title},
            body=_("有人取消了报名，您已从候补转为“%(status)s”。") % {"status": signup.get_status_display()},
            link=event_link(event),
            dedupe_key=f"volunteers.promoted:{signup.pk}",
        )
    return waiting


# --- Approval -----------------------------------------------------------------------------------


@transaction.atomic
def signup_approve(*, actor: User, signup: Signup) -> Signup:
    event = _locked(signup.event)
    _check_organizer(actor, event)
    done = Signup.objects.filter(pk=signup.pk, status=SignupStatus.PENDING).update(status=SignupStatus.SIGNED)
    if not done:
        raise IllegalTransition(_("只有待审核的报名可以通过。"))
    signup.refresh_from_db()
    notify(
        recipients=[signup.volunteer.user],
        kind="volunteers.signup_approved",
        title=_("报名已通过：“%(title)s”") % {"title": event.title},
        body=_("活动时间：%(when)s，地点：%(place)s。") % {"when": _when(event), "place": event.place},
        link=event_link(event),
        dedupe_key=f"volunteers.signup_approved:{signup.pk}",
    )
    return signup


@transaction.atomic
def signup_decline(*, actor: User, signup: Signup) -> Signup:
    event = _locked(signup.event)
    _check_organizer(actor, event)
    done = Signup.objects.filter(pk=signup.pk, status=SignupStatus.PENDING).update(
        status=SignupStatus.DECLINED, cancelled_at=timezone.now()
    )
    if not done:
        raise IllegalTransition(_("只有待审核的报名可以不通过。"))
    _free_places(event, 1)
    signup.refresh_from_db()
    notify(
        recipients=[signup.volunteer.user],
        kind="volunteers.signup_declined",
        title=_("报名未通过：“%(title)s”") % {"title": event.title},
        link=event_link(event),
        dedupe_key=f"volunteers.signup_declined:{signup.pk}",
    )
    return signup


# --- Telling people -----------------------------------------------------------------------------


def event_link(event: Event) -> str:
    return reverse("volunteers:event_detail", args=[event.pk])


def _when(event: Event) -> str:
    start, end = timezone.localtime(event.starts_at), timezone.localtime(event.ends_at)
    return f"{start:%Y-%m-%d %H:%M}–{end:%H:%M}"


def _tell_live(event: Event, *, kind: str, title: str, body: str = "", skip: Iterable[Signup] = ()) -> None:
    live = Signup.objects.filter(event=event, status__in=LIVE).exclude(pk__in=[s.pk for s in skip])
    notify(
        recipients=User.objects.filter(pk__in=live.values("volunteer__user_id")),
        kind=kind,
        title=title % {"title": event.title},
        body=body or _("新的安排：%(when)s，%(place)s。") % {"when": _when(event), "place": event.place},
        link=event_link(event),
    )
