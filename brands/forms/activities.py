"""The activity record form (made for a phone, right after the event)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from brands.images import MultipleImageUploadField
from brands.models import ActivityKind, ActivityPhoto, ActivityRecord, BaseBooking
from brands.selectors.activities import bookings_to_record, brands_for, members_of
from brands.services.activities import MAX_OTHER_PARTICIPANTS, MAX_PEOPLE_SERVED, MAX_PHOTOS
from grids.models import PartyMember, PartyOrganization
from portal.ids import IdMultipleChoiceField
from portal.validators import earliest_record_date

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
DEFAULT_DURATION = dt.timedelta(minutes=90)


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs, format=DATETIME_LOCAL)


class BookingChoiceField(forms.ModelChoiceField):
    # A booking drops out of the choices once recorded or cancelled, e.g. from another tab meanwhile.
    default_error_messages = {
        "invalid_choice": _("该基地预约已不能选择：可能已用于另一条活动记录或已取消。请重新选择或填写地点。")
    }

    def label_from_instance(self, booking: BaseBooking) -> str:
        start = timezone.localtime(booking.slot.starts_at)
        return f"{start:%m-%d %H:%M} · {booking.slot.base.name}"


class AttendeeField(IdMultipleChoiceField):
    def label_from_instance(self, member: PartyMember) -> str:
        return member.name


def default_times(now: dt.datetime | None = None) -> tuple[dt.datetime, dt.datetime]:
    """An event that has just ended: end at the last half hour, start an hour and a half before.

    Records are made right after the event and may not lie in the future, so "now" is the end.
    """
    now = timezone.localtime(now)
    end = now.replace(minute=now.minute // 30 * 30, second=0, microsecond=0)
    return end - DEFAULT_DURATION, end


class ActivityForm(forms.Form):
    """Validates input and shapes it for ``activity_create``/``activity_update``; the rules are theirs."""

    kind = forms.ChoiceField(label=_("活动类型"), choices=[("", _("请选择")), *ActivityKind.choices])
    topic = forms.CharField(
        label=_("主题"),
        max_length=120,
        widget=forms.TextInput(attrs={"placeholder": _("如：学习贯彻党的二十届三中全会精神")}),
    )
    started_at = forms.DateTimeField(label=_("开始时间"), widget=DateTimeLocalInput())
    ended_at = forms.DateTimeField(label=_("结束时间"), widget=DateTimeLocalInput())
    base_booking = BookingChoiceField(
        label=_("在组织生活基地举行"),
        queryset=BaseBooking.objects.none(),
        required=False,
        empty_label=_("否"),
        help_text=_("选择本支部当天的基地预约，地点可不填。"),
    )
    place = forms.CharField(
        label=_("地点"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("如：社区党群服务中心二楼")}),
    )
    all_present = forms.BooleanField(label=_("全体党员到会"), required=False)
    attendees = AttendeeField(
        label=_("参加党员"),
        queryset=PartyMember.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    other_participants = forms.IntegerField(
        label=_("其他参与人数"),
        min_value=0,
        max_value=MAX_OTHER_PARTICIPANTS,
        initial=0,
        help_text=_("群众、志愿者等，不含本组织党员。"),
    )
    people_served = forms.IntegerField(
        label=_("服务群众人数"), min_value=0, max_value=MAX_PEOPLE_SERVED, initial=0
    )
    photos = MultipleImageUploadField(
        label=_("活动照片"),
        max_files=MAX_PHOTOS,
        help_text=_("最多 9 张，JPEG/PNG/WebP 格式，每张不超过 10 MB。"),
    )
    remove_photos = IdMultipleChoiceField(
        label=_("删除照片"),
        queryset=ActivityPhoto.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    summary = forms.CharField(label=_("内容摘要"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    brand = forms.ModelChoiceField(
        label=_("所属品牌"), queryset=None, required=False, empty_label=_("不属于品牌活动")
    )
    satisfaction = forms.DecimalField(
        label=_("群众满意度(%)"), min_value=0, max_value=100, max_digits=5, decimal_places=2, required=False
    )

    def __init__(
        self, *args: Any, organization: PartyOrganization, record: ActivityRecord | None = None, **kwargs: Any
    ) -> None:
        if record is not None:
            kwargs.setdefault("initial", initial_from(record))
        super().__init__(*args, **kwargs)
        self.organization, self.record = organization, record
        roster = Q(pk__in=members_of(organization).values("pk"))
        if record is not None:  # members recorded then stay on the list, even if they moved since
            roster |= Q(pk__in=record.attendees.values("pk"))
        self.fields["attendees"].queryset = (
            PartyMember.objects.filter(roster).only("id", "name").order_by("id")
        )
        self.fields["brand"].queryset = brands_for(organization, keep=record.brand if record else None)
        self.fields["base_booking"].queryset = bookings_to_record(
            organization, keep=record.base_booking if record else None
        )
        if record is None:
            del self.fields["remove_photos"]
        else:
            self.fields["remove_photos"].queryset = record.photos.all()
        # The bounds the service enforces, shown to the date picker (portal.validators, README).
        earliest = f"{earliest_record_date():%Y-%m-%d}T00:00"
        latest = timezone.localtime().strftime(DATETIME_LOCAL)
        for name in ("started_at", "ended_at"):
            self.fields[name].widget.attrs.update(min=earliest, max=latest)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        # "全体党员到会" also works without JavaScript: it stands for every box on the list.
        if data.get("all_present"):
            data["attendees"] = self.fields["attendees"].queryset
        return data

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("all_present", None)
        data["attendees"] = list(data["attendees"])
        photos = data.pop("photos")
        if self.record is None:
            return {**data, "photos": photos}
        data["remove_photos"] = [p.pk for p in data.pop("remove_photos")]
        return {**data, "add_photos": photos}

    def roster_size(self) -> int:
        return self.fields["attendees"].queryset.count()


def initial_for_new() -> dict[str, Any]:
    start, end = default_times()
    return {"started_at": start, "ended_at": end, "other_participants": 0, "people_served": 0}


def initial_from(record: ActivityRecord) -> dict[str, Any]:
    initial = {name: getattr(record, name) for name in (
        "kind", "topic", "place", "summary", "other_participants", "people_served", "satisfaction",
    )}  # fmt: skip
    initial.update(
        started_at=timezone.localtime(record.started_at),
        ended_at=timezone.localtime(record.ended_at),
        brand=record.brand_id,
        base_booking=record.base_booking_id,
        attendees=[m.pk for m in record.attendees.all()],
    )
    return initial
