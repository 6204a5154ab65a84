"""Writes of the Fengling index: score events and their corrections, the red/black list, and the
city's edits of the indicator sets. Each checks the actor's scope itself (``portal.scoping.can``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from brands.images import ProcessedImage
from fengling import selectors
from fengling.models import (
    Behaviour,
    BoardEntry,
    BoardKind,
    BoardStatus,
    Field,
    OrganizationField,
    ScoreCorrection,
    ScoreEvent,
    month_start,
)
from grids.models import PartyMember, PartyOrganization
from portal import media
from portal.errors import Conflict, DomainError, IllegalTransition, NotAllowed
from portal.history import attribute
from portal.scoping import Action, can
from portal.services import refuse_sent_twice


class LimitExceeded(DomainError):
    code = "limit_exceeded"
    status_code = 409
    default_message = gettext_lazy("超出该项每月积分上限，未记录。")


OUTSIDE = gettext_lazy("该党员不在您管理的党组织内，不能为其记分。")


def _enqueue_month(member_id: int, month: dt.date) -> None:
    from fengling import tasks
    from portal.tasks import enqueue

    enqueue(tasks.compute_member_month, member_id, month.isoformat())


def _tell_member(member: PartyMember, *, kind: str, key: str, title: str, body: str) -> None:
    """An in-site message to the member's own account, if the member has one (``account_of``); sent
    after commit, once per ``key``. The link is "我的锋领积分" when the account may open it."""
    from django.urls import reverse

    from fengling.gates import MY_SCORE
    from portal.notifications import notify

    account = selectors.account_of(member)
    if account is None or not account.is_active:
        return
    link = reverse("fengling:me") if MY_SCORE(account) else ""
    notify(recipients=[account], kind=kind, title=title[:120], body=body[:2000], link=link, dedupe_key=key)


def _check_date(occurred_on: dt.date) -> None:
    today = timezone.localdate()
    if occurred_on > today:
        raise ValidationError({"occurred_on": _("发生日期不能晚于今天。")})
    if occurred_on < dt.date(today.year - 1, 1, 1):
        raise ValidationError({"occurred_on": _("只能记录今年和去年发生的事项。")})


def score_record(
    *,
    actor: Any,
    member: PartyMember,
    behaviour: Behaviour,
    occurred_on: dt.date,
    note: str = "",
    photo: ProcessedImage | None = None,
) -> ScoreEvent:
    """Score one event for ``member`` at the behaviour's points.

    The behaviour's monthly limit is a refusal, not a cap: an event that would take the member's
    points for that behaviour in that month past the limit (either way) is not recorded, and the
    message says how many points are left. The member's row is locked first, so two secretaries
    scoring at once cannot both pass the check.
    """
    if not can(actor, Action.CHANGE, member):
        raise NotAllowed(OUTSIDE)
    if behaviour.indicator_set.field != selectors.field_of(member.organization):
        raise ValidationError({"behaviour": _("该行为不属于此党员适用的指标体系。")})
    _check_date(occurred_on)
    month = month_start(occurred_on)
    with media.atomic():
        PartyMember.objects.select_for_update().filter(pk=member.pk).first()
        refuse_sent_twice(
            actor=actor,
            twins=ScoreEvent.objects.filter(
                recorded_by=actor, member=member, behaviour=behaviour, occurred_on=occurred_on, note=note
            ).exclude(points=0),  # a voided event is no first sending
            message=_("这条记分刚刚已经记录过了，未重复记分；如确是另一件事，请在备注中注明后再提交。"),
            made_at="recorded_at",
        )
        _check_limit(member, behaviour, month, behaviour.points)
        event = ScoreEvent(
            member=member,
            organization_id=member.organization_id,
            behaviour=behaviour,
            points=behaviour.points,
            occurred_on=occurred_on,
            month=month,
            note=note,
            recorded_by=actor,
        )
        if photo is not None:
            event.photo = media.store(event, "photo", "evidence.jpg", photo.display)
            event.photo_thumbnail = media.store(event, "photo_thumbnail", "evidence.jpg", photo.thumbnail)
        event.full_clean()
        event.save()
        _enqueue_month(member.pk, month)
        _tell_member(
            member,
            kind="fengling.scored",
            key=f"fengling.scored:{event.pk}",
            title=_("锋领积分 %(points)+d：%(behaviour)s")
            % {"points": event.points, "behaviour": behaviour.name},
            body=_("%(day)s，%(behaviour)s，记 %(points)+d 分。%(note)s")
            % {
                "day": f"{occurred_on:%Y-%m-%d}",
                "behaviour": behaviour.name,
                "points": event.points,
                "note": note,
            },
        )
    return event


def _used(member: PartyMember, behaviour: Behaviour, month: dt.date) -> int:
    from django.db.models import Sum

    events = ScoreEvent.objects.filter(member=member, behaviour=behaviour, month=month)
    return events.aggregate(total=Sum("points"))["total"] or 0


def _check_limit(member: PartyMember, behaviour: Behaviour, month: dt.date, points: int) -> None:
    used = _used(member, behaviour, month)
    if abs(used + points) > behaviour.monthly_limit:
        raise LimitExceeded(
            _(
                "“%(name)s”每月最多计 %(limit)d 分，该党员 %(month)s 已计 %(used)d 分，"
                "再记 %(points)+d 分将超出上限，未记录。"
            )
            % {
                "name": behaviour.name,
                "limit": behaviour.monthly_limit,
                "month": f"{month:%Y-%m}",
                "used": used,
                "points": points,
            }
        )


@transaction.atomic
def score_correct(*, actor: Any, event: ScoreEvent, points: int, reason: str) -> ScoreCorrection:
    """Change an event's points, keeping the old value, who and why (a ``ScoreCorrection``).

    A correction may lower the points towards 0 (0 voids the event) but never beyond what the
    behaviour gives, nor flip its sign: the monthly limit checked when it was recorded still holds.
    Events are never deleted.
    """
    if not can(actor, Action.CHANGE, event):
        raise NotAllowed(OUTSIDE)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("请填写更正原因。")})
    event = ScoreEvent.objects.select_for_update().select_related("behaviour").get(pk=event.pk)
    low, high = sorted((0, event.behaviour.points))
    if not low <= points <= high:
        raise ValidationError(
            {"points": _("更正后的分值应在 %(low)d 到 %(high)d 之间。") % {"low": low, "high": high}}
        )
    if points == event.points:
        raise ValidationError({"points": _("分值没有变化。")})
    correction = ScoreCorrection.objects.create(
        event=event, old_points=event.points, new_points=points, reason=reason, corrected_by=actor
    )
    event.points, event.corrected_at = points, timezone.now()
    event.save(update_fields=["points", "corrected_at"])
    _enqueue_month(event.member_id, event.month)
    return correction


# --- 红黑榜 ----------------------------------------------------------------------------------------


@transaction.atomic
def board_add(
    *,
    actor: Any,
    member: PartyMember,
    kind: str,
    reason: str,
    red_points: int = 0,
    deadline: dt.date | None = None,
) -> BoardEntry:
    """Put a member on the red list (praise, with red points) or the black list (to be corrected
    by ``deadline``; by default ``FENGLING_BLACK_DAYS`` from today)."""
    if not can(actor, Action.CHANGE, member):
        raise NotAllowed(OUTSIDE)
    entry = BoardEntry(
        kind=kind,
        member=member,
        organization_id=member.organization_id,
        reason=reason.strip(),
        created_by=actor,
    )
    if kind == BoardKind.RED:
        if red_points < 1:
            raise ValidationError({"red_points": _("红榜须给予红色积分（至少 1 分）。")})
        entry.status, entry.red_points = BoardStatus.PRAISED, red_points
    else:
        today = timezone.localdate()
        deadline = deadline or today + dt.timedelta(days=settings.FENGLING_BLACK_DAYS)
        if deadline < today:
            raise ValidationError({"deadline": _("整改期限不能早于今天。")})
        entry.status, entry.deadline = BoardStatus.OPEN, deadline
    entry.full_clean()
    # The same form sent twice (two tabs, a double tap) must not list the member twice: with the
    # member's row locked, an entry of the same kind and reason still open (black) or made today
    # (red, whose points would count twice) refuses the second.
    PartyMember.objects.select_for_update().filter(pk=member.pk).first()
    same = BoardEntry.objects.filter(member=member, kind=entry.kind, reason=entry.reason)
    if entry.kind == BoardKind.RED:
        same = same.filter(created_at__date=timezone.localdate())
    else:
        same = same.filter(status=BoardStatus.OPEN)
    if same.exists():
        raise Conflict(_("该党员已有相同事由的上榜记录，未重复上榜。"))
    attribute(entry, actor=actor, reason=_("上榜"))
    entry.save()
    if entry.kind == BoardKind.RED:
        title = _("您已上红榜，获红色积分 %(points)d 分") % {"points": entry.red_points}
        body = entry.reason
    else:
        title = _("您已上黑榜，请于 %(day)s 前整改") % {"day": f"{entry.deadline:%Y-%m-%d}"}
        body = _("事由：%(reason)s。整改完成后由支部销号。") % {"reason": entry.reason}
    _tell_member(
        member, kind=f"fengling.board_{entry.kind}", key=f"fengling.board:{entry.pk}", title=title, body=body
    )
    return entry


@transaction.atomic
def board_close(*, actor: Any, entry: BoardEntry, note: str) -> BoardEntry:
    """Close a black-list entry as corrected (整改完成); only an open one, once."""
    if not can(actor, Action.CHANGE, entry):
        raise NotAllowed(OUTSIDE)
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("请填写整改情况。")})
    entry = BoardEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.kind != BoardKind.BLACK or entry.status != BoardStatus.OPEN:
        raise IllegalTransition(_("只有整改中的黑榜条目可以销号。"))
    entry.status, entry.closing_note = BoardStatus.CLOSED, note
    entry.closed_at, entry.closed_by = timezone.now(), actor
    attribute(entry, actor=actor, reason=_("整改销号"))
    entry.save()
    _tell_member(
        entry.member,
        kind="fengling.board_closed",
        key=f"fengling.board_closed:{entry.pk}",
        title=_("您的黑榜条目已整改销号"),
        body=_("事由：%(reason)s。整改情况：%(note)s") % {"reason": entry.reason, "note": note},
    )
    return entry


# --- The field (领域) of an organization -------------------------------------------------------


def may_set_field(actor: Any, organization: PartyOrganization) -> bool:
    """Staff whose region holds the organization: a branch's secretary scores by the set, and does
    not choose which one (a change right over the organization alone is not enough)."""
    return can(actor, Action.CHANGE, organization.region)


@transaction.atomic
def organization_field_set(
    *, actor: Any, organization: PartyOrganization, field: str
) -> OrganizationField | None:
    """Give ``organization`` (and so the branches below it without one of their own) the field whose
    indicator set scores its members; an empty ``field`` removes its own choice, so that it inherits
    again. Events already scored keep their points. Returns the organization's own choice, if any."""
    if not may_set_field(actor, organization):
        raise NotAllowed(_("只有党组织所在辖区的工作人员可以设置其所属领域。"))
    if field and field not in Field.values:
        raise ValidationError({"field": _("请选择有效的领域。")})
    # The organization's row is locked so that two staff saving at once decide one after the other.
    PartyOrganization.objects.select_for_update().filter(pk=organization.pk).first()
    current = OrganizationField.objects.filter(organization=organization).first()
    if not field:
        if current is not None:
            attribute(current, actor=actor, reason=_("改为继承上级或默认领域"))
            current.delete()
        return None
    if current is not None and current.field == field:
        return current
    current = current or OrganizationField(organization=organization)
    current.field = field
    current.full_clean()
    attribute(current, actor=actor, reason=_("设置所属领域"))
    current.save()
    return current


# --- Indicator sets (city staff) ---------------------------------------------------------------


def may_edit_indicators(actor: Any) -> bool:
    from portal.scoping import grants_for

    return any(
        Action.CHANGE in g.actions and (g.everything or (g.region_path or "").count("/") == 1)
        for g in grants_for(actor)
    )


@transaction.atomic
def behaviour_update(
    *, actor: Any, behaviour: Behaviour, name: str, points: int, monthly_limit: int
) -> Behaviour:
    """City staff change a behaviour's wording, points or monthly limit; the history keeps the old.

    Events already scored keep the points they were given."""
    if not may_edit_indicators(actor):
        raise NotAllowed()
    if abs(points) > monthly_limit:
        raise ValidationError({"monthly_limit": _("每月上限不能小于单次分值。")})
    behaviour.name, behaviour.points, behaviour.monthly_limit = name.strip(), points, monthly_limit
    behaviour.full_clean()
    attribute(behaviour, actor=actor, reason=_("修改指标"))
    behaviour.save()
    return behaviour
