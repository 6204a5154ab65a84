"""Forms of the wall and of claiming: they validate input; the services decide the transitions."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from brands.images import ImageUploadField
from grids.models import Region, RegionLevel
from portal.ids import IdMultipleChoiceField
from volunteers.models import Volunteer
from wishes.models import Rating, Wish, WishCategory


class WallFilterForm(forms.Form):
    """District → street → community, each list filled from the one chosen above it (no JavaScript
    needed: choosing a district and pressing 筛选 offers its streets)."""

    district = forms.ChoiceField(label=_("区县(市)"), required=False)
    street = forms.ChoiceField(label=_("街道/乡镇"), required=False)
    community = forms.ChoiceField(label=_("社区/村"), required=False)
    category = forms.ChoiceField(
        label=_("类别"), required=False, choices=[("", _("全部"))] + list(WishCategory.choices)
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        data = self.data
        self._set_choices("district", Region.objects.filter(level=RegionLevel.DISTRICT))
        district = self._chosen("district", data.get("district"))
        self._set_choices("street", Region.objects.filter(parent=district) if district else None)
        street = self._chosen("street", data.get("street")) if district else None
        self._set_choices("community", Region.objects.filter(parent=street) if street else None)

    def _set_choices(self, name: str, regions: Any) -> None:
        rows = list(regions.order_by("code").values_list("code", "name")) if regions is not None else []
        self.fields[name].choices = [("", _("全部")), *rows]
        self.fields[name].disabled = regions is None
        self._regions = getattr(self, "_regions", {})
        self._regions[name] = {code for code, _name in rows}

    def _chosen(self, name: str, code: str | None) -> Region | None:
        if not code or code not in self._regions[name]:
            return None
        return Region.objects.filter(code=code).only("pk", "path", "code", "level").first()

    def chosen_region(self) -> Region | None:
        """The narrowest valid place chosen (an unknown code is ignored, as the wall's filters are)."""
        data = self.cleaned_data if self.is_valid() else {}
        for name in ("community", "street", "district"):
            region = self._chosen(name, data.get(name))
            if region is not None:
                return region
        return None

    def chosen_category(self) -> str:
        return self.cleaned_data.get("category", "") if self.is_valid() else ""


class ClaimForm(forms.Form):
    """For whom the volunteer claims: themself (empty), a team they lead or an organization."""

    claim_for = forms.ChoiceField(label=_("认领方"), required=False)

    def __init__(self, *args: Any, options: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["claim_for"].choices = [("", _("我自己")), *options]


class FulfilForm(forms.Form):
    note = forms.CharField(
        label=_("完成说明"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("如：已将轮椅送到王阿姨家中，并教会她使用。"),
    )
    hours = forms.DecimalField(
        label=_("服务时长（小时）"),
        min_value=Decimal("0.25"),
        max_value=Decimal("24"),
        decimal_places=2,
        initial=Decimal("2"),
    )
    evidence = ImageUploadField(label=_("完成照片"), help_text=_("JPEG、PNG 或 WebP，不超过 10 MB。"))
    participants = IdMultipleChoiceField(
        label=_("参与的队员"),
        queryset=Volunteer.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("勾选一起完成心愿的队员，居民确认后每人记入同样的服务时长。"),
    )

    def __init__(self, *args: Any, members: QuerySet[Volunteer] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if members is None:  # not a team claim: no one else to credit
            del self.fields["participants"]
        else:
            self.fields["participants"].queryset = members


class ReleaseForm(forms.Form):
    reason = forms.CharField(label=_("放弃原因"), max_length=200, required=False)


class ConfirmForm(forms.Form):
    rating = forms.ChoiceField(label=_("评价"), choices=Rating.choices, widget=forms.RadioSelect)
    thanks = forms.CharField(
        label=_("感谢留言（可选，将展示在心愿墙上）"),
        max_length=200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class BatchClaimForm(forms.Form):
    organization = forms.ChoiceField(label=_("认领单位"))
    wishes = IdMultipleChoiceField(
        label=_("选择心愿"), queryset=Wish.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, options: list[tuple[str, str]], wishes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = options
        self.fields["wishes"].queryset = wishes
        self.fields["wishes"].label_from_instance = lambda wish: f"{wish.title} · {wish.community.name}"
