"""Forms of the hours pages: they check types and bounds; the services decide."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.filters import BoundedDateField
from portal.ids import IdFormField

HOURS_FIELD = {
    "max_digits": 5,
    "decimal_places": 2,
    "min_value": Decimal("0.25"),
    "max_value": Decimal("24"),
}
# An export reads at most a year of records (a leap year included).
LONGEST_EXPORT = dt.timedelta(days=365)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class DeclareForm(forms.Form):
    served_on = BoundedDateField(label=_("服务日期"), widget=DateInput())
    hours = forms.DecimalField(label=_("服务时长（小时）"), **HOURS_FIELD)
    description = forms.CharField(label=_("服务内容"), max_length=200)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["served_on"].initial = timezone.localdate()


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("未确认原因"), max_length=200)


class BulkReviewForm(forms.Form):
    """The queue's checkboxes: which records, approve or decline (with one reason for all)."""

    records = forms.MultipleChoiceField(label=_("服务记录"))
    decision = forms.ChoiceField(choices=[("approve", _("确认")), ("decline", _("不予确认"))])
    reason = forms.CharField(label=_("未确认原因"), max_length=200, required=False)

    def __init__(self, *args, choices: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["records"].choices = choices

    def clean(self) -> dict:
        data = super().clean()
        if data.get("decision") == "decline" and not data.get("reason"):
            self.add_error("reason", _("请填写未确认的原因。"))
        return data


class CorrectForm(forms.Form):
    hours = forms.DecimalField(label=_("更正后的时长（小时）"), **HOURS_FIELD)
    reason = forms.CharField(label=_("更正原因"), max_length=200)


class CertificateForm(forms.Form):
    period_start = BoundedDateField(label=_("起始日期"), widget=DateInput())
    period_end = BoundedDateField(label=_("截止日期"), widget=DateInput())

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["period_start"].initial = today.replace(month=1, day=1)
        self.fields["period_end"].initial = today


class ExportForm(forms.Form):
    """Hours of a team or a community over at most a year."""

    date_from = BoundedDateField(label=_("起始日期"), widget=DateInput())
    date_to = BoundedDateField(label=_("截止日期"), widget=DateInput())
    team = IdFormField(label=_("志愿服务队"), required=False, widget=forms.Select)
    region = forms.CharField(label=_("区域（区划代码）"), max_length=15, required=False)

    def __init__(self, *args, teams: list[tuple[int, str]] = (), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].widget.choices = [("", _("全部"))] + list(teams)
        today = timezone.localdate()
        self.fields["date_from"].initial = today.replace(month=1, day=1)
        self.fields["date_to"].initial = today

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end:
            if start > end:
                self.add_error("date_to", _("截止日期不能早于起始日期。"))
            elif end - start > LONGEST_EXPORT:
                self.add_error("date_to", _("一次最多导出 366 天的服务时长。"))
        return data
