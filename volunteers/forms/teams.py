"""Stations and teams that staff keep: choices are cut to the staff's scope, ids are bounded."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from grids.models import Region, RegionLevel
from portal.ids import parse_id
from portal.scoping import Action, Actor
from volunteers.models import Specialty, Station, Volunteer, VolunteerStatus

# Above this many options a select is unusable on a phone: the staff type a number instead.
SELECT_LIMIT = 300


class BoundedModelChoiceField(forms.ModelChoiceField):
    """A select of objects whose posted id is checked against a bigint before any query sees it."""

    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values and self.to_field_name is None and parse_id(value) is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


def _limit(field: forms.ModelChoiceField, label: Any, queryset, text: Any) -> None:
    options = list(queryset[: SELECT_LIMIT + 1])
    if len(options) > SELECT_LIMIT:
        field.widget = forms.TextInput(attrs={"inputmode": "numeric"})
        field.help_text = text
    else:
        field.choices = [("", "—"), *((o.pk, label(o)) for o in options)]


class StationForm(forms.Form):
    name = forms.CharField(label=_("驿站名称"), max_length=80)
    region = forms.ModelChoiceField(label=_("所在区域"), queryset=Region.objects.none(), to_field_name="code")
    address = forms.CharField(label=_("地址"), max_length=200)

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        regions = Region.objects.visible_to(actor, Action.CHANGE).exclude(level=RegionLevel.CITY)
        field = self.fields["region"]
        field.queryset = regions
        options = list(regions.order_by("path")[: SELECT_LIMIT + 1])
        if len(options) > SELECT_LIMIT:
            field.widget = forms.TextInput(attrs={"inputmode": "numeric"})
            field.label = _("所在区域（区划代码）")
        else:
            # By code, never by id: a typed value reaches no integer column (portal.ids).
            field.choices = [("", "—"), *((r.code, "　" * max(r.depth - 2, 0) + r.name) for r in options)]


class TeamForm(forms.Form):
    name = forms.CharField(label=_("服务队名称"), max_length=80)
    specialty = BoundedModelChoiceField(label=_("专长"), queryset=Specialty.objects.all(), required=False)
    station = BoundedModelChoiceField(label=_("所属驿站"), queryset=Station.objects.none())
    leader = BoundedModelChoiceField(
        label=_("队长"),
        queryset=Volunteer.objects.none(),
        help_text=_("从辖区内已认证的志愿者中选择，须居住在驿站所在区域内。"),
    )
    description = forms.CharField(
        label=_("简介"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stations = Station.objects.visible_to(actor, Action.CHANGE).select_related("region")
        self.fields["station"].queryset = stations
        _limit(
            self.fields["station"],
            lambda s: f"{s.name}（{s.region.name}）",
            stations.order_by("region__path", "name"),
            _("请填写驿站编号。"),
        )
        leaders = Volunteer.objects.visible_to(actor, Action.CHANGE).filter(status=VolunteerStatus.ACTIVE)
        self.fields["leader"].queryset = leaders.select_related("community")
        _limit(
            self.fields["leader"],
            lambda v: f"{v.name}（{v.community.name} {v.masked_mobile}）",
            leaders.select_related("community").order_by("community__path", "name"),
            _("辖区内志愿者较多，请填写志愿者编号（志愿者详情页的网址末尾数字）。"),
        )
