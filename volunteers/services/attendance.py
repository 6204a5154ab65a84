"""Attendance at service events: check-in and check-out by code, and the organizer's sheet.

The sheet turns presence into PENDING service records (source "event"), one per volunteer and
event (a unique index backs it); confirming them is the hours review's business. Hours default
to the checked time (check-in to check-out) or else the event's length, in quarter hours.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.errors import Conflict, IllegalTransition, NotAllowed
from portal.models import User
from volunteers.models import (
    Event,
    EventStatus,
    RecordSource,
    RecordStatus,
    ServiceRecord,
    Signup,
    SignupStatus,
    Volunteer,
)
from volunteers.services.events import may_organize

# A volunteer may check in from half an hour before the start until the end.
CHECKIN_OPENS_BEFORE = dt.timedelta(minutes=30)
MIN_HOURS, MAX_HOURS = Decimal("0.25"), Decimal("24")
QUARTER = Decimal("0.25")


class CheckinRefused(IllegalTransition):
    pass


def checkin_window(event: Event) -> tuple[dt.datetime, dt.datetime]:
    return event.starts_at - CHECKIN_OPENS_BEFORE, event.ends_at


def checkin_refusal(event: Event, code: str, *, now: dt.datetime | None = None) -> str | None:
    """Why this code cannot be used for this event now, or None."""
    # Compared in constant time: the code is the only thing that proves presence at the place.
    if not secrets.compare_digest(code.encode(), event.checkin_code.encode()):
        return _("签到码不属于该活动，请扫描现场的二维码。")
    if event.status != EventStatus.PUBLISHED:
        return _("活动已取消。")
    opens, closes = checkin_window(event)
    now = now or timezone.now()
    if now < opens:
        return _("签到尚未开始：活动开始前 30 分钟起可以签到（%(time)s）。") % {
            "time": f"{timezone.localtime(opens):%m-%d %H:%M}"
        }
    if now > closes:
        return _("活动已结束，签到码已失效。请联系组织方登记出勤。")
    return None


@transaction.atomic
def signup_check(*, volunteer: Volunteer, event: Event, code: str) -> Signup:
    """Check in on the first use of the code, check out on the next; refused outside the window."""
    refusal = checkin_refusal(event, code)
    if refusal:
        raise CheckinRefused(refusal)
    signup = (
        Signup.objects.select_for_update()
        .filter(event=event, volunteer=volunteer, status=SignupStatus.SIGNED)
        .first()
    )
    if signup is None:
        raise NotAllowed(_("您没有该活动的有效报名（已报名并通过审核），不能签到。"))
    now = timezone.now()
    if signup.checked_in_at is None:
        signup.checked_in_at = now
    elif signup.checked_out_at is None:
        signup.checked_out_at = now
    else:
        raise Conflict(_("您已签到并签退。"))
    signup.save(update_fields=["checked_in_at", "checked_out_at"])
    return signup


# --- The organizer's sheet ------------------------------------------------------------------------


def quarter_hours(span: dt.timedelta) -> Decimal:
    """A span in hours to the nearest quarter, within what one record may hold (0.25–24)."""
    hours = Decimal(int(span.total_seconds())) / Decimal(3600)
    rounded = (hours / QUARTER).quantize(Decimal("1"), rounding=ROUND_HALF_UP) * QUARTER
    return min(max(rounded, MIN_HOURS), MAX_HOURS)


def default_hours(signup: Signup, event: Event) -> Decimal:
    if signup.checked_in_at and signup.checked_out_at:
        return quarter_hours(signup.checked_out_at - signup.checked_in_at)
    return quarter_hours(event.ends_at - event.starts_at)


@dataclass(frozen=True)
class Attendance:
    signup_id: int
    present: bool
    hours: Decimal


def attendance_refusal(event: Event, *, now: dt.datetime | None = None) -> str | None:
    if event.status != EventStatus.PUBLISHED:
        return _("活动已取消，不能登记出勤。")
    if event.starts_at > (now or timezone.now()):
        return _("活动开始后才能登记出勤。")
    return None


@transaction.atomic
def attendance_record(*, actor: User, event: Event, entries: Iterable[Attendance]) -> int:
    """Write the sheet: a pending record for each person present, none for the absent.

    A record already confirmed is left as it is (its hours are corrected in the hours review, with
    a reason). Returns how many records are pending for the event afterwards.
    """
    if not may_organize(actor, event):
        raise NotAllowed(_("只有活动组织方可以登记出勤。"))
    refusal = attendance_refusal(event)
    if refusal:
        raise IllegalTransition(refusal)
    signups = {
        s.pk: s
        for s in Signup.objects.filter(event=event, status=SignupStatus.SIGNED).select_related("volunteer")
    }
    records = {r.volunteer_id: r for r in ServiceRecord.objects.select_for_update().filter(event=event)}
    for entry in entries:
        signup = signups.get(entry.signup_id)
        if signup is None:
            raise Conflict(_("出勤表中有不属于该活动的报名，请刷新页面后重试。"))
        _write(actor, event, signup, entry, records.get(signup.volunteer_id))
    return ServiceRecord.objects.filter(event=event, status=RecordStatus.PENDING).count()


def _write(
    actor: User, event: Event, signup: Signup, entry: Attendance, record: ServiceRecord | None
) -> None:
    if record is not None and record.status != RecordStatus.PENDING:
        return  # decided already: only a correction with a reason may change it
    if not entry.present:
        if record is not None:
            record.delete()
        return
    if not MIN_HOURS <= entry.hours <= MAX_HOURS:
        raise Conflict(_("服务时长须在 0.25 到 24 小时之间。"))
    if record is None:
        record = ServiceRecord(
            volunteer=signup.volunteer,
            region_id=event.region_id,
            event=event,
            team_id=event.team_id,
            source=RecordSource.EVENT,
            served_on=timezone.localtime(event.starts_at).date(),
            description=event.title[:200],
            created_by=actor,
        )
    record.hours = entry.hours
    record.full_clean(exclude=["volunteer", "event", "team", "region", "created_by"])
    record.save()
