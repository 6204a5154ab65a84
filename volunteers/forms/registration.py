"""The sign-up form: it checks input; volunteers.services.registration checks the rules.

The home community is picked district → street → community without JavaScript: each "选择"
button posts the form back with the next level's choices filled in (the visitor's entries kept).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from grids.forms import clean_mobile_number
from grids.models import Region, RegionLevel
from portal.ids import IdMultipleChoiceField
from portal.models import User
from volunteers.models import Specialty
from volunteers.services.registration import clean_id_number, clean_name

# The buttons that only move the picker on: the form is shown again, not judged.
PICK_BUTTONS = ("pick_district", "pick_street")


def _region_choices(level: str, parent_code: str | None) -> list[tuple[str, str]]:
    regions = Region.objects.filter(level=level).order_by("code")
    if parent_code is not None:
        regions = regions.filter(parent__code=parent_code)
    return [("", _("请选择")), *regions.values_list("code", "name")]


class RegionPickerMixin:
    """District → street → community selects whose choices follow the level above."""

    def setup_picker(self, data: Any, initial: dict[str, Any]) -> None:
        source = data if data is not None else initial
        district, street = source.get("district") or "", source.get("street") or ""
        self.fields["district"].choices = _region_choices(RegionLevel.DISTRICT, None)
        self.fields["street"].choices = (
            _region_choices(RegionLevel.STREET, district) if district else [("", _("请先选择区县(市)"))]
        )
        self.fields["community"].choices = (
            _region_choices(RegionLevel.COMMUNITY, street)
            if district and street
            else [("", _("请先选择街道"))]
        )

    def clean_community(self) -> Region:
        code = self.cleaned_data["community"]
        region = (
            Region.objects.filter(code=code, level=RegionLevel.COMMUNITY)
            .select_related("parent__parent")
            .first()
        )
        if region is None or region.parent.code != self.data.get("street"):
            raise forms.ValidationError(_("请重新选择社区。"))
        return region


class RegistrationForm(RegionPickerMixin, forms.Form):
    name = forms.CharField(
        label=_("真实姓名"),
        max_length=50,
        help_text=_("与身份证一致；少数民族姓名中的间隔号可输入“·”。"),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    id_number = forms.CharField(
        label=_("身份证号"),
        max_length=20,
        help_text=_("18位，最后一位可为X。只保存加密摘要和部分号码，任何页面都不显示完整号码。"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    mobile = forms.CharField(
        label=_("手机号"),
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "numeric", "autocomplete": "tel"}),
    )
    district = forms.ChoiceField(label=_("所在区县(市)"))
    street = forms.ChoiceField(label=_("所在街道(乡镇)"))
    community = forms.ChoiceField(label=_("所在社区(村)"))
    specialties = IdMultipleChoiceField(
        label=_("专长"),
        queryset=Specialty.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choice-row"}),
    )
    is_in_service = forms.BooleanField(label=_("我是在职党员（到居住社区报到）"), required=False)
    work_unit = forms.CharField(
        label=_("工作单位"), max_length=120, required=False, help_text=_("在职党员必填。")
    )
    username = forms.CharField(
        label=_("登录用户名"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("字母、数字和 @ . + - _，用于以后登录。"),
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    password = forms.CharField(
        label=_("登录密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("再次输入密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    consent = forms.BooleanField(label=_("我已阅读并同意《个人信息处理说明》"))

    def __init__(self, *args: Any, has_account: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if has_account:
            for name in ("username", "password", "password_again"):
                del self.fields[name]
        self.setup_picker(self.data if self.is_bound else None, self.initial)
        self.fields["consent"].help_text = format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            reverse("volunteers:privacy"),
            _("阅读《个人信息处理说明》（新窗口）"),
        )

    def clean_name(self) -> str:
        return clean_name(self.cleaned_data["name"])

    def clean_id_number(self) -> str:
        return clean_id_number(self.cleaned_data["id_number"])

    def clean_mobile(self) -> str:
        return clean_mobile_number(self.cleaned_data["mobile"])

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("该用户名已被使用，请换一个。"))
        return username

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        password = cleaned.get("password")
        if password is not None:
            if password != cleaned.get("password_again"):
                self.add_error("password_again", _("两次输入的密码不一致。"))
            else:
                try:
                    validate_password(password, User(username=cleaned.get("username", "")))
                except forms.ValidationError as error:
                    self.add_error("password", error)
        return cleaned


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("原因（志愿者会看到）"), max_length=200, widget=forms.Textarea(attrs={"rows": 2})
    )
