"""Service hours: recorded (by an organizer, a partner system or the volunteer's own declaration),
approved or declined by whoever may confirm them, and corrected — never deleted — once approved.

Confirmed hours are kept as maintained totals (``Volunteer.hours_total``, ``VolunteerYear`` and the
team's ``Team.hours_total``), changed with F() expressions in the transaction that approves or
corrects a record, so a page never sums a volunteer's records. The status change is a conditional
UPDATE whose row count decides: two reviewers approving the same record at once add its hours once.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import history, webhooks
from portal.errors import Conflict, DomainError, IllegalTransition, NotAllowed
from portal.models import ApiScope, User, WebhookEvent
from portal.notifications import notify
from portal.scoping import Action, Actor, can, scope
from portal.services import refuse_sent_twice
from portal.validators import validate_record_date
from volunteers.models import (
    Event,
    HoursCorrection,
    RecordSource,
    RecordStatus,
    ServiceRecord,
    Team,
    Volunteer,
    VolunteerStatus,
    VolunteerYear,
)

# A partner key that reports hours holds this scope over the volunteer's community.
KEY_WRITE_ACTION = ApiScope.SERVICE_WRITE
# A declaration older than this is no longer accepted: the organizer could not confirm it.
DECLARE_WITHIN = dt.timedelta(days=366)

NOT_REVIEWER = gettext_lazy("只有活动组织者、服务队队长或辖区内的工作人员可以确认这条服务时长。")
NOT_PENDING = gettext_lazy("这条服务时长已经处理过了。")
NOT_APPROVED = gettext_lazy("只有已确认的服务时长可以更正。")
OWN_RECORD = gettext_lazy("不能确认或更正自己的服务时长。")


def _in_future(day: dt.date) -> bool:
    return day > timezone.localdate()


# --- Who may confirm ---------------------------------------------------------------------------


def may_review(actor: Actor, record: ServiceRecord) -> bool:
    """The event's organizer, the team's leader, or staff holding the review right over the record's place.

    Nobody confirms their own hours.
    """
    if getattr(actor, "pk", None) is not None and record.volunteer.user_id == actor.pk:
        return False
    if can(actor, Action.REVIEW, record):
        return True
    if record.event_id and record.event.created_by_id == getattr(actor, "pk", None):
        return True
    return bool(record.team_id and record.team.leader.user_id == getattr(actor, "pk", None))


def reviewable_by(user: User) -> QuerySet[ServiceRecord]:
    """Every record (any status) ``user`` may confirm: staff's region, their events, their teams."""
    records = ServiceRecord.objects.all()
    mine = Q(event__created_by=user) | Q(team__leader__user=user)
    return (scope(user, records, Action.REVIEW) | records.filter(mine)).exclude(volunteer__user=user)


def reviews_hours(user: User) -> bool:
    """Whether ``user`` confirms hours anywhere (the gate of the review queue): one query at most."""
    cached = getattr(user, "_reviews_hours", None)
    if cached is None:
        from portal.scoping import has_any

        cached = has_any(user, Action.REVIEW) or (
            User.objects.filter(pk=user.pk)
            .filter(
                Exists(Event.objects.filter(created_by=OuterRef("pk")))
                | Exists(Team.objects.filter(leader__user=OuterRef("pk")))
            )
            .exists()
        )
        user._reviews_hours = cached
    return cached


# --- Recording ---------------------------------------------------------------------------------


@transaction.atomic
def record_create(
    *,
    actor: Actor,
    volunteer: Volunteer,
    served_on: dt.date,
    hours: Decimal,
    description: str,
    source: str,
    event: Event | None = None,
    team: Team | None = None,
    partner: str = "",
    external_ref: str = "",
) -> ServiceRecord:
    """A pending record: the volunteer's own declaration, an organizer's entry or a partner's report."""
    if volunteer.status != VolunteerStatus.ACTIVE:
        raise Conflict(_("只有已认证的志愿者可以记录服务时长。"))
    if _in_future(served_on):
        raise DomainError(_("服务日期不能晚于今天。"))
    try:
        validate_record_date(served_on)  # a year typed as 0202 is a mistake, as for activity records
    except ValidationError as error:
        raise ValidationError({"served_on": error.messages}) from None
    record = ServiceRecord(
        volunteer=volunteer,
        region_id=event.region_id if event else volunteer.community_id,
        event=event,
        team=team,
        source=source,
        served_on=served_on,
        hours=hours,
        description=description,
        partner=partner,
        external_ref=external_ref,
        created_by=actor if isinstance(actor, User) else None,
    )
    _check_may_record(actor, record)
    if external_ref and ServiceRecord.objects.filter(partner=partner, external_ref=external_ref).exists():
        raise Conflict(_("编号为“%(ref)s”的服务记录已经提交过。") % {"ref": external_ref})
    record.full_clean(exclude=["region", "created_by", "decided_by"], validate_constraints=False)
    history.attribute(record, actor=actor)
    try:
        with transaction.atomic():
            if source == RecordSource.DECLARED:
                refuse_sent_twice(
                    actor=actor,
                    twins=ServiceRecord.objects.filter(
                        volunteer_id=record.volunteer_id,
                        source=RecordSource.DECLARED,
                        served_on=record.served_on,
                        hours=record.hours,
                        description=record.description,
                    ),
                    message=_("这条服务时长已经提交过了，请勿重复提交。"),
                )
            record.save()
    except IntegrityError:
        # The same reference sent twice at once, or a second record of one event: the unique
        # indexes refuse the later one.
        raise Conflict(_("这条服务记录已经提交过。")) from None
    return record


def _check_may_record(actor: Actor, record: ServiceRecord) -> None:
    source = record.source
    if source == RecordSource.DECLARED:
        if record.volunteer.user_id != getattr(actor, "pk", None):
            raise NotAllowed(_("志愿者只能申报自己的服务时长。"))
        if record.served_on < timezone.localdate() - DECLARE_WITHIN:
            raise DomainError(_("只能申报一年以内的服务。"))
    elif source == RecordSource.API:
        if not can(actor, KEY_WRITE_ACTION, record.volunteer):
            raise NotAllowed(_("该志愿者不在此 API 密钥的区域内。"))
    elif not may_review(actor, record):
        raise NotAllowed(NOT_REVIEWER)


# --- Confirming --------------------------------------------------------------------------------


def _decide(actor: Actor, record: ServiceRecord, status: str, reason: str = "") -> ServiceRecord:
    if not may_review(actor, record):
        raise NotAllowed(
            OWN_RECORD if record.volunteer.user_id == getattr(actor, "pk", None) else NOT_REVIEWER
        )
    now = timezone.now()
    decided_by = actor if isinstance(actor, User) else None
    # The status decides who wins: a second click (or a second reviewer) changes no row.
    won = ServiceRecord.objects.filter(pk=record.pk, status=RecordStatus.PENDING).update(
        status=status, decline_reason=reason, decided_by=decided_by, decided_at=now
    )
    if not won:
        raise IllegalTransition(NOT_PENDING)
    record.status, record.decline_reason, record.decided_by, record.decided_at = (
        status,
        reason,
        decided_by,
        now,
    )
    # The same values once more, through save(), so that the history keeps who decided and why.
    history.attribute(record, actor=actor, reason=reason)
    record.save(update_fields=["status", "decline_reason", "decided_by", "decided_at"])
    return record


@transaction.atomic
def record_approve(*, actor: Actor, record: ServiceRecord) -> ServiceRecord:
    record = _decide(actor, record, RecordStatus.APPROVED)
    add_to_totals(record, record.hours)
    _tell(
        record, "volunteers.hours_approved", _("您的服务时长已确认：%(hours)s 小时") % {"hours": record.hours}
    )
    webhooks.emit(WebhookEvent.SERVICE_RECORD_APPROVED, region=record.region, data=webhook_data(record))
    return record


@transaction.atomic
def record_decline(*, actor: Actor, record: ServiceRecord, reason: str) -> ServiceRecord:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("请填写未确认的原因。"))
    if len(reason) > 200:
        raise DomainError(_("原因最多 200 个字。"))
    record = _decide(actor, record, RecordStatus.DECLINED, reason)
    _tell(record, "volunteers.hours_declined", _("您申报的服务时长未获确认：%(reason)s") % {"reason": reason})
    return record


@transaction.atomic
def record_correct(*, actor: Actor, record: ServiceRecord, hours: Decimal, reason: str) -> HoursCorrection:
    """Approved hours are never deleted: a correction changes them with a reason, kept with the old figure."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("请填写更正原因。"))
    if not isinstance(actor, User) or not can(actor, Action.REVIEW, record):
        raise NotAllowed(_("只有辖区内的工作人员可以更正已确认的服务时长。"))
    if record.volunteer.user_id == actor.pk:
        raise NotAllowed(OWN_RECORD)
    # The row lock makes concurrent corrections apply one after the other, each from the figure
    # the previous one left (on SQLite the write lock does the same).
    locked = ServiceRecord.objects.select_for_update().get(pk=record.pk)
    if locked.status != RecordStatus.APPROVED:
        raise IllegalTransition(NOT_APPROVED)
    if hours == locked.hours:
        raise DomainError(_("更正后的时长与原时长相同。"))
    correction = HoursCorrection(
        record=locked, old_hours=locked.hours, new_hours=hours, reason=reason, corrected_by=actor
    )
    correction.full_clean(exclude=["record"])
    locked.hours = hours
    locked.full_clean(exclude=["region", "created_by", "decided_by"], validate_constraints=False)
    correction.save()
    history.attribute(locked, actor=actor, reason=reason)
    locked.save(update_fields=["hours"])
    add_to_totals(locked, hours - correction.old_hours)
    record.hours = hours
    return correction


def add_to_totals(record: ServiceRecord, delta: Decimal) -> None:
    """Add ``delta`` confirmed hours to the volunteer's, the year's and the team's totals (F(), no re-sum)."""
    Volunteer.objects.filter(pk=record.volunteer_id).update(hours_total=F("hours_total") + delta)
    year, _created = VolunteerYear.objects.get_or_create(
        volunteer_id=record.volunteer_id, year=record.served_on.year
    )
    VolunteerYear.objects.filter(pk=year.pk).update(hours=F("hours") + delta)
    if record.team_id:
        Team.objects.filter(pk=record.team_id).update(hours_total=F("hours_total") + delta)


def _tell(record: ServiceRecord, kind: str, title: str) -> None:
    notify(
        recipients=[record.volunteer.user],
        kind=kind,
        title=title[:100],
        body=f"{record.served_on:%Y-%m-%d} {record.description}"[:500],
        link=reverse("volunteers:my_hours"),
        dedupe_key=f"{kind}:{record.pk}",
    )


def webhook_data(record: ServiceRecord) -> dict:
    """What a partner is told of an approved record: masked personal data only."""
    return {
        "id": record.pk,
        "volunteer": record.volunteer_id,
        "volunteer_name": record.volunteer.masked_name,
        "region": record.region.code,
        "event": record.event_id,
        "team": record.team_id,
        "source": record.source,
        "served_on": record.served_on.isoformat(),
        "hours": str(record.hours),
        "external_ref": record.external_ref,
    }
