"""Writes to activity records: the page, the partner API and the demo data all come through here.

A record is evidence of a branch's organizational life, so the rules are strict: only what has
happened, only the branch's own members, only the branch's own brand, and once a record has been
on file for 30 days only staff above the branch may correct it. Every change leaves one history
row (who, when, the whole record including its attendees).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from brands.images import ProcessedImage
from brands.models import ActivityPhoto, ActivityRecord, BaseBooking, BookingStatus, Brand
from brands.selectors.activities import members_of
from grids.models import PartyMember, PartyOrganization, street_code_of
from portal import history, media, webhooks
from portal.errors import NotAllowed
from portal.models import ApiScope, User, WebhookEvent
from portal.scoping import Action, Actor, can
from portal.services import UNCHANGED, Unchanged, given

EDIT_WINDOW = dt.timedelta(days=30)
MAX_PHOTOS = 9
# Head counts a form or a partner may report: generous for a district-wide event, and far inside the
# columns' range on every database (SQLite would otherwise store 2^31 where PostgreSQL refuses it).
MAX_OTHER_PARTICIPANTS = 100_000
MAX_PEOPLE_SERVED = 1_000_000
# A phone's clock may run a little ahead of the server's: "just finished" must not count as future.
CLOCK_SKEW = dt.timedelta(minutes=5)
# What a partner key holds, over its region, instead of the change right (see portal.api.auth).
KEY_WRITE_ACTION = ApiScope.ACTIVITIES_WRITE
# How a validation step reports a problem: refuse(field, message).
Refuse = Callable[[str, str], None]


def may_record(actor: Actor, organization: PartyOrganization) -> bool:
    """Session users record with the change right; partner keys hold ApiScope.ACTIVITIES_WRITE instead."""
    return can(actor, Action.CHANGE, organization) or can(actor, KEY_WRITE_ACTION, organization)


def edit_refusal(actor: Actor, record: ActivityRecord, *, now: dt.datetime | None = None) -> str | None:
    """Why ``actor`` may not edit ``record``, or None when they may."""
    if not can(actor, Action.CHANGE, record):
        return _("只有本组织书记或上级工作人员可以修改这条记录。")
    # Correcting evidence after the fact is oversight: it needs the review right, which only staff
    # roles (community, street, district, city) hold over their region; a secretary never does.
    if (now or timezone.now()) - record.created_at > EDIT_WINDOW and not can(actor, Action.REVIEW, record):
        return _("该记录已存档超过30天，作为组织生活凭证，只能由社区、街道或区级工作人员修改。")
    return None


@media.atomic()
def activity_create(
    *,
    actor: Actor,
    organization: PartyOrganization,
    kind: str,
    topic: str,
    started_at: dt.datetime,
    ended_at: dt.datetime,
    place: str = "",
    base_booking: BaseBooking | None = None,
    brand: Brand | None = None,
    summary: str = "",
    other_participants: int = 0,
    people_served: int = 0,
    satisfaction: Decimal | None = None,
    attendees: Iterable[PartyMember] = (),
    photos: Sequence[ProcessedImage] = (),
) -> ActivityRecord:
    if not may_record(actor, organization):
        raise NotAllowed(_("您无权为“%(org)s”记录活动。") % {"org": organization.name})
    record = ActivityRecord(
        organization=organization,
        region_id=organization.region_id,
        street_code=street_code_of(organization.region.path),
    )
    record.created_by = actor if isinstance(actor, User) else None
    _assign(
        record,
        {
            "kind": kind, "topic": topic, "started_at": started_at, "ended_at": ended_at,
            "place": place, "base_booking": base_booking, "brand": brand, "summary": summary,
            "other_participants": other_participants, "people_served": people_served,
            "satisfaction": satisfaction,
        },
    )  # fmt: skip
    attendees = _unique(attendees)
    _validate(record, attendees, allowed=_members_among(organization, attendees), photo_total=len(photos))
    # 应到 is the roster on the day the record is made; a later transfer must not rewrite the rate.
    record.member_count = max(members_of(organization).count(), len(attendees))
    _author(record, actor, _("新增照片 %(n)d 张") % {"n": len(photos)} if photos else "")
    _save(record, attendees, created=True)
    _add_photos(record, photos)
    webhooks.emit(WebhookEvent.ACTIVITY_CREATED, region=organization.region, data=_event_data(record))
    return record


def _event_data(record: ActivityRecord) -> dict[str, object]:
    """What partners are told of a new record: figures, never who attended."""
    return {
        "id": record.pk,
        "organization": {"id": record.organization_id, "name": record.organization.name},
        "region": record.organization.region.code,
        "kind": record.kind,
        "topic": record.topic,
        "started_at": record.started_at,
        "ended_at": record.ended_at,
        "brand": record.brand_id,
        "attendee_count": record.attendee_count,
        "member_count": record.member_count,
        "people_served": record.people_served,
    }


@media.atomic()
def activity_update(
    *,
    actor: Actor,
    record: ActivityRecord,
    kind: str | Unchanged = UNCHANGED,
    topic: str | Unchanged = UNCHANGED,
    started_at: dt.datetime | Unchanged = UNCHANGED,
    ended_at: dt.datetime | Unchanged = UNCHANGED,
    place: str | Unchanged = UNCHANGED,
    base_booking: BaseBooking | None | Unchanged = UNCHANGED,
    brand: Brand | None | Unchanged = UNCHANGED,
    summary: str | Unchanged = UNCHANGED,
    other_participants: int | Unchanged = UNCHANGED,
    people_served: int | Unchanged = UNCHANGED,
    satisfaction: Decimal | None | Unchanged = UNCHANGED,
    attendees: Iterable[PartyMember] | Unchanged = UNCHANGED,
    add_photos: Sequence[ProcessedImage] = (),
    remove_photos: Collection[int] = (),
) -> ActivityRecord:
    """Change what is given (the page gives the whole form); the rules are activity_create's."""
    refusal = edit_refusal(actor, record)
    if refusal:
        raise NotAllowed(refusal)
    recorded = set(record.attendees.values_list("pk", flat=True))
    attendees = _unique(record.attendees.all() if attendees is UNCHANGED else attendees)
    _assign(
        record,
        given(
            kind=kind, topic=topic, started_at=started_at, ended_at=ended_at, place=place,
            base_booking=base_booking, brand=brand, summary=summary,
            other_participants=other_participants, people_served=people_served, satisfaction=satisfaction,
        ),
    )  # fmt: skip
    removing = set(record.photos.filter(pk__in=remove_photos).values_list("pk", flat=True))
    kept = record.photos.count() - len(removing)
    # Members recorded at the time stay valid even if they have since moved to another branch.
    allowed = recorded | _members_among(record.organization, attendees)
    _validate(record, attendees, allowed=allowed, photo_total=kept + len(add_photos))
    record.member_count = max(record.member_count, len(attendees))
    _author(record, actor, _photo_note(len(add_photos), len(removing)))
    _save(record, attendees, created=False)
    _remove_photos(record, removing)
    _add_photos(record, add_photos, start=kept)
    return record


def _assign(record: ActivityRecord, fields: dict[str, object]) -> None:
    for name, value in fields.items():
        setattr(record, name, value)
    for name in ("place", "topic", "summary"):
        setattr(record, name, (getattr(record, name) or "").strip())
    record.other_participants = record.other_participants or 0
    record.people_served = record.people_served or 0


def _unique(members: Iterable[PartyMember]) -> list[PartyMember]:
    return list({member.pk: member for member in members}.values())


def _members_among(organization: PartyOrganization, members: list[PartyMember]) -> set[int]:
    if not members:
        return set()
    return set(members_of(organization).filter(pk__in=[m.pk for m in members]).values_list("pk", flat=True))


def _validate(
    record: ActivityRecord, attendees: list[PartyMember], *, allowed: set[int], photo_total: int
) -> None:
    errors: dict[str, list[str]] = {}

    def refuse(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    _check_times(record, refuse)
    if record.brand_id and record.brand.organization_id != record.organization_id:
        # Not named: a partner key must not learn another region's draft brands by probing ids.
        refuse("brand", _("所选品牌不属于本组织，不能把活动记在它名下。"))
    if record.base_booking_id:
        _check_booking(record, refuse)
    elif not record.place:
        refuse("place", _("请填写活动地点，或选择本组织的组织生活基地预约。"))
    strangers = [m for m in attendees if m.pk not in allowed]
    if strangers:
        names = pgettext("list separator", "、").join(m.masked_name for m in strangers[:5])
        if len(strangers) > 5:
            names = _("%(names)s等") % {"names": names}
        refuse("attendees", _("%(names)s 不是本组织党员，不能记为参加党员。") % {"names": names})
    if photo_total > MAX_PHOTOS:
        refuse(
            "photos",
            _("每条记录最多 %(max)d 张照片（现有 %(n)d 张）。") % {"max": MAX_PHOTOS, "n": photo_total},
        )
    if record.satisfaction is not None and not 0 <= record.satisfaction <= 100:
        refuse("satisfaction", _("满意度应在 0 到 100 之间。"))
    try:
        # Field rules (lengths, choices, required topic). The cross-field constraints were checked
        # above with clearer messages; the database enforces them again.
        record.full_clean(
            exclude=["organization", "region", "created_by"],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _check_times(record: ActivityRecord, refuse: Refuse) -> None:
    start, end = record.started_at, record.ended_at
    if not (start and end):
        return  # full_clean reports the missing one
    latest = timezone.now() + CLOCK_SKEW
    if end <= start:
        refuse("ended_at", _("结束时间须晚于开始时间。"))
    if start > latest:
        refuse("started_at", _("开始时间在将来：只能记录已经举行的活动。"))
    elif end > latest:
        refuse("ended_at", _("结束时间不能晚于现在：请在活动结束后再记录。"))


def _check_booking(record: ActivityRecord, refuse: Refuse) -> None:
    booking = record.base_booking
    slot_day = timezone.localtime(booking.slot.starts_at).date()
    if booking.organization_id != record.organization_id:
        refuse("base_booking", _("该基地预约不属于本组织。"))
    elif booking.status != BookingStatus.BOOKED:
        refuse("base_booking", _("该基地预约已取消。"))
    elif record.started_at and timezone.localtime(record.started_at).date() != slot_day:
        refuse("base_booking", _("基地预约在 %(day)s，活动须在当天举行。") % {"day": f"{slot_day:%Y-%m-%d}"})
    elif ActivityRecord.objects.filter(base_booking=booking).exclude(pk=record.pk).exists():
        refuse("base_booking", _("该基地预约已用于另一条活动记录。"))
    elif not record.place:
        base = booking.slot.base
        record.place = f"{base.name}（{base.address}）"[:200]


def _photo_note(added: int, removed: int) -> str:
    parts = []
    if added:
        parts.append(_("新增照片 %(n)d 张") % {"n": added})
    if removed:
        parts.append(_("删除照片 %(n)d 张") % {"n": removed})
    return "，".join(parts)


def _author(record: ActivityRecord, actor: Actor, note: str) -> None:
    history.attribute(record, actor=actor, reason=note)


def _save(record: ActivityRecord, attendees: list[PartyMember], *, created: bool) -> None:
    record.attendee_count = len(attendees)
    # simple_history would write one row for the save and one per m2m remove/add; the final save
    # writes a single row that holds the whole new state, attendees included.
    record.skip_history_when_saving = True
    try:
        record.save()
        record.attendees.set(attendees)
    finally:
        del record.skip_history_when_saving
    record.save(update_fields=["updated_at"])
    if created:
        record.history.update(history_type="+")


def _add_photos(record: ActivityRecord, photos: Sequence[ProcessedImage], *, start: int = 0) -> None:
    for position, processed in enumerate(photos, start=start):
        photo = ActivityPhoto(activity=record, position=position)
        photo.image = media.store(photo, "image", "photo.jpg", processed.display)
        photo.thumbnail = media.store(photo, "thumbnail", "photo.jpg", processed.thumbnail)
        photo.save()


def _remove_photos(record: ActivityRecord, photo_ids: set[int]) -> None:
    if not photo_ids:
        return
    # Their files go once the rows are gone for good (portal.media): a rolled-back edit keeps them.
    record.photos.filter(pk__in=photo_ids).delete()
