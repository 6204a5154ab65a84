"""The residents' forms: where they live (district → street → community), their wish, their code.

The forms only shape input; the rules (lengths, the value cap, the mobile, the consent) are
``wish_submit``'s, whose field-keyed errors land on these fields by name.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from brands.images import ACCEPT
from grids.models import RegionLevel
from wishes.forms.tokens import submission_token_field
from wishes.models import WishCategory
from wishes.selectors.submission import children, districts, normalize_code, region_by_code


class PlaceForm(forms.Form):
    """Step one, by GET: district, then street, then community.

    Without JavaScript each choice is a page of its own (the next list is filled by the server);
    with it, the script fills the next list in place. Unknown codes simply leave the next step empty.
    """

    district = forms.ChoiceField(label=_("区县(市)"), required=False)
    street = forms.ChoiceField(label=_("街道（乡镇）"), required=False)
    community = forms.ChoiceField(label=_("社区（村）"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        data = self.data
        self.fields["district"].choices = _choices(districts(), _("请选择区县(市)"))
        self.district = region_by_code(data.get("district", ""), RegionLevel.DISTRICT)
        self.street = region_by_code(data.get("street", ""), RegionLevel.STREET)
        if (
            self.street is not None
            and self.district is not None
            and self.street.parent_id != self.district.pk
        ):
            self.street = None  # the district was changed: its old street no longer applies
        # A list whose parent is not chosen yet holds only its prompt (and is hidden): the script
        # fills it in place.
        streets = children(self.district.code, RegionLevel.STREET) if self.district else []
        communities = children(self.street.code, RegionLevel.COMMUNITY) if self.street else []
        self.fields["street"].choices = _choices(streets, _("请选择街道（乡镇）"))
        self.fields["community"].choices = _choices(communities, _("请选择社区（村）"))

    @property
    def step(self) -> str:
        """The list the resident chooses from next."""
        if self.street is not None:
            return "community"
        return "street" if self.district is not None else "district"


def _choices(regions: Any, prompt: str) -> list[tuple[str, str]]:
    return [("", prompt), *((r.code, r.name) for r in regions)]


class WishForm(forms.Form):
    submission_token = submission_token_field()
    community = forms.CharField(widget=forms.HiddenInput, max_length=15)
    name = forms.CharField(
        label=_("您的姓名"),
        max_length=50,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        help_text=_("只给社区工作人员看；心愿墙上显示为“王*梅”。"),
    )
    mobile = forms.CharField(
        label=_("手机号"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        help_text=_("只用于联系您，公开时显示为 138****1234。"),
    )
    category = forms.ChoiceField(label=_("心愿类别"), choices=WishCategory.choices, widget=forms.RadioSelect)
    title = forms.CharField(
        label=_("心愿标题"),
        max_length=60,
        widget=forms.TextInput(attrs={"placeholder": _("如：想要一把轮椅")}),
    )
    description = forms.CharField(
        label=_("心愿描述"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": _("说说您的情况和需要，最多 1000 字。")}),
    )
    value = forms.DecimalField(
        label=_("估计价值（元）"),
        required=False,
        min_value=0,
        max_digits=8,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )
    photo = forms.FileField(
        label=_("照片（可选）"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        help_text=_("JPEG、PNG 或 WebP，不超过 10 MB。"),
    )
    consent = forms.BooleanField(label=_("我已阅读并同意《个人信息处理说明》"), required=False)
    sms_consent = forms.BooleanField(label=_("心愿有进展时给我发短信（可选）"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cap = settings.WISH_VALUE_CAP
        # The cap is the service's rule (its message lands on this field); the browser is told of it.
        self.fields["consent"].help_text = format_html(
            '<a href="{}" target="_blank">{}</a>',
            reverse("wishes:privacy"),
            _("阅读《个人信息处理说明》（新窗口打开）"),
        )
        self.fields["value"].widget.attrs["max"] = cap
        self.fields["value"].help_text = _("不超过 %(cap)s 元；不清楚可以不填。") % {"cap": cap}

    def clean_community(self) -> Any:
        region = region_by_code(self.cleaned_data["community"].strip(), RegionLevel.COMMUNITY)
        if region is None:
            raise forms.ValidationError(_("请重新选择所在的社区（村）。"))
        return region


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("查询码"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
        help_text=_("提交心愿时得到的 10 位查询码，如 ACD4-7FGH-JK，大小写和短横线均可。"),
    )

    def clean_code(self) -> str:
        code = normalize_code(self.cleaned_data["code"])
        if code is None:
            raise forms.ValidationError(
                _("查询码是 10 位字母和数字（不含 0、1、O、I 等易混字符），请核对后再输入。")
            )
        return code
