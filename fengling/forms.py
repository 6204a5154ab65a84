"""Forms of the Fengling pages: they check types and bounds; the services decide."""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from brands.images import ImageUploadField
from fengling.models import MAX_MONTHLY_LIMIT, MAX_POINTS, Behaviour, BoardKind, Dimension, Field
from portal.filters import BoundedDateField


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


def behaviour_choices(behaviours: Iterable[Behaviour]) -> list[tuple[str, list[tuple[str, str]]]]:
    """The behaviours grouped by dimension (an <optgroup> each), with their points in the label."""
    groups: dict[str, list[tuple[str, str]]] = {value: [] for value in Dimension.values}
    for b in behaviours:
        groups[b.dimension].append((str(b.pk), f"{b.name}（{b.points:+d}）"))
    return [(str(Dimension(key).label), items) for key, items in groups.items() if items]


class RecordForm(forms.Form):
    behaviour = forms.TypedChoiceField(label=_("行为"), coerce=int)
    occurred_on = BoundedDateField(label=_("发生日期"), widget=DateInput())
    note = forms.CharField(label=_("说明"), max_length=200, required=False)
    photo = ImageUploadField(
        label=_("佐证照片"), required=False, help_text=_("可选，JPEG/PNG/WebP，不超过 10 MB。")
    )

    def __init__(self, *args, behaviours: Iterable[Behaviour], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.behaviours = {b.pk: b for b in behaviours}
        self.fields["behaviour"].choices = [("", _("请选择")), *behaviour_choices(self.behaviours.values())]
        self.fields["occurred_on"].initial = timezone.localdate()


class CorrectForm(forms.Form):
    points = forms.IntegerField(label=_("更正后分值"), min_value=-MAX_POINTS, max_value=MAX_POINTS)
    reason = forms.CharField(label=_("更正原因"), max_length=200)


class BoardForm(forms.Form):
    kind = forms.ChoiceField(label=_("榜单"), choices=BoardKind.choices, widget=forms.RadioSelect)
    reason = forms.CharField(label=_("事由"), max_length=200)
    red_points = forms.IntegerField(
        label=_("红色积分"), min_value=0, max_value=MAX_POINTS, required=False, help_text=_("红榜填写。")
    )
    deadline = BoundedDateField(
        label=_("整改期限"), widget=DateInput(), required=False, help_text=_("黑榜填写；不填则为 30 天后。")
    )


class CloseForm(forms.Form):
    note = forms.CharField(label=_("整改情况"), max_length=200)


class BehaviourForm(forms.Form):
    name = forms.CharField(label=_("行为"), max_length=60)
    points = forms.IntegerField(label=_("分值"), min_value=-MAX_POINTS, max_value=MAX_POINTS)
    monthly_limit = forms.IntegerField(label=_("每月上限"), min_value=1, max_value=MAX_MONTHLY_LIMIT)


class FieldForm(forms.Form):
    field = forms.ChoiceField(
        label=_("所属领域"),
        choices=[("", _("不单独设置（继承上级党组织，或按默认规则）")), *Field.choices],
        required=False,
    )
