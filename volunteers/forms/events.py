"""Forms of the service-event pages: the organizer's event form, cancellation and attendance sheet.

They check types and choices (cut to the user's scope); what may be done is the services' decision.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grids.models import PartyOrganization, Region, RegionLevel
from portal.ids import parse_id
from portal.scoping import Action, Viewer
from volunteers.models import Event, Signup, Specialty, Team
from volunteers.services.attendance import MAX_HOURS, MIN_HOURS, Attendance, default_hours
from volunteers.services.events import EventFields

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs, format=DATETIME_LOCAL)


class BoundedChoiceField(forms.ModelChoiceField):
    """A choice by id: an id outside a bigint is an invalid choice, not a query that overflows."""

    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values and parse_id(value) is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class BoundedMultipleChoiceField(forms.ModelMultipleChoiceField):
    def clean(self, value: Any) -> Any:
        for pk in value if isinstance(value, (list, tuple)) else []:
            if parse_id(pk) is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super().clean(value)


class EventForm(forms.Form):
    title = forms.CharField(label=_("活动名称"), max_length=100)
    description = forms.CharField(
        label=_("活动内容"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    place = forms.CharField(label=_("地点"), max_length=200)
    region = BoundedChoiceField(
        label=_("所在社区或街道"),
        queryset=Region.objects.none(),
        required=False,
        help_text=_("不选时，取组织方党组织或服务队所在区域。"),
    )
    organization = BoundedChoiceField(
        label=_("组织方党组织"), queryset=PartyOrganization.objects.none(), required=False
    )
    team = BoundedChoiceField(label=_("组织方服务队"), queryset=Team.objects.none(), required=False)
    starts_at = forms.DateTimeField(label=_("开始时间"), widget=DateTimeLocalInput())
    ends_at = forms.DateTimeField(label=_("结束时间"), widget=DateTimeLocalInput())
    signup_deadline = forms.DateTimeField(label=_("报名截止"), widget=DateTimeLocalInput())
    capacity = forms.IntegerField(label=_("名额"), min_value=1, max_value=10000)
    wanted_specialties = BoundedMultipleChoiceField(
        label=_("需要的专长"),
        queryset=Specialty.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    needs_approval = forms.BooleanField(label=_("报名需审核"), required=False)

    def __init__(self, *args: Any, actor: Viewer, event: Event | None = None, **kwargs: Any) -> None:
        if event is not None and not kwargs.get("data") and not args:
            kwargs["initial"] = initial_of(event)
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = _places(actor)
        self.fields["organization"].queryset = PartyOrganization.objects.visible_to(actor, Action.CHANGE)
        self.fields["team"].queryset = Team.objects.visible_to(actor, Action.CHANGE)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not (data.get("region") or data.get("organization") or data.get("team")):
            self.add_error("region", _("请选择活动所在的社区，或组织活动的党组织或服务队。"))
        return data

    def event_fields(self) -> EventFields:
        data = self.cleaned_data
        return EventFields(
            title=data["title"],
            description=data["description"],
            place=data["place"],
            region=data["region"],
            organization=data["organization"],
            team=data["team"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            signup_deadline=data["signup_deadline"],
            capacity=data["capacity"],
            wanted_specialties=list(data["wanted_specialties"]),
            needs_approval=data["needs_approval"],
        )


def _places(actor: Viewer) -> QuerySet[Region]:
    # Events happen in a community or, for a street-wide one, a street.
    return Region.objects.visible_to(actor, Action.CHANGE).filter(
        level__in=[RegionLevel.STREET, RegionLevel.COMMUNITY]
    )


def initial_of(event: Event) -> dict[str, Any]:
    local = timezone.localtime
    return {
        "title": event.title,
        "description": event.description,
        "place": event.place,
        "region": event.region_id,
        "organization": event.organization_id,
        "team": event.team_id,
        "starts_at": local(event.starts_at).strftime(DATETIME_LOCAL),
        "ends_at": local(event.ends_at).strftime(DATETIME_LOCAL),
        "signup_deadline": local(event.signup_deadline).strftime(DATETIME_LOCAL),
        "capacity": event.capacity,
        "wanted_specialties": [s.pk for s in event.wanted_specialties.all()],
        "needs_approval": event.needs_approval,
    }


def initial_for_new() -> dict[str, Any]:
    """Next Saturday 9:00–11:30, sign-ups until the evening before: the usual shape of a service."""
    today = timezone.localdate()
    saturday = today + dt.timedelta(days=(5 - today.weekday()) % 7 or 7)
    start = dt.datetime.combine(saturday, dt.time(9, 0))
    return {
        "starts_at": start.strftime(DATETIME_LOCAL),
        "ends_at": (start + dt.timedelta(hours=2, minutes=30)).strftime(DATETIME_LOCAL),
        "signup_deadline": (start - dt.timedelta(hours=12)).strftime(DATETIME_LOCAL),
        "capacity": 20,
    }


class EventCancelForm(forms.Form):
    reason = forms.CharField(label=_("取消原因"), max_length=200, help_text=_("报名者会收到这条说明。"))


def _short(hours: Decimal) -> Decimal:
    """2.5 rather than 2.50, 10 rather than 1E+1: the field is narrow on a phone."""
    return hours.quantize(Decimal(1)) if hours == hours.to_integral_value() else hours.normalize()


class AttendanceForm(forms.Form):
    """One row per signed-up volunteer: present, and hours (default from check-in/out or the event)."""

    all_present = forms.BooleanField(label=_("全体到场"), required=False)

    def __init__(self, *args: Any, event: Event, signups: list[Signup], present: set[int], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.rows = []
        for signup in signups:
            hours = signup.record_hours if signup.record_hours is not None else default_hours(signup, event)
            present_name, hours_name = f"present_{signup.pk}", f"hours_{signup.pk}"
            self.fields[present_name] = forms.BooleanField(
                label=_("到场"), required=False, initial=signup.volunteer_id in present
            )
            self.fields[hours_name] = forms.DecimalField(
                label=_("时长（小时）"),
                min_value=MIN_HOURS,
                max_value=MAX_HOURS,
                decimal_places=2,
                max_digits=5,
                step_size=Decimal("0.25"),
                initial=_short(hours),
                required=False,
            )
            self.rows.append((signup, self[present_name], self[hours_name]))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for _signup, present, hours in self.rows:
            if (data.get("all_present") or data.get(present.name)) and data.get(hours.name) is None:
                self.add_error(hours.name, _("请填写服务时长。"))
        return data

    def entries(self) -> list[Attendance]:
        data = self.cleaned_data
        return [
            Attendance(
                signup_id=signup.pk,
                present=bool(data["all_present"] or data[present.name]),
                hours=data[hours.name] or MIN_HOURS,
            )
            for signup, present, hours in self.rows
        ]
