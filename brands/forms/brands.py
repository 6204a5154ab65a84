"""Brand forms."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from brands.images import ImageUploadField, MultipleImageUploadField
from brands.models import Brand, Recognition
from brands.selectors.brands import owner_organizations
from brands.services.brands import IDENTITY_FIELDS, MAX_GALLERY, MAX_TAGS, can_edit_identity
from grids.models import PartyOrganization
from portal.scoping import Actor

TAG_SEPARATORS = str.maketrans({"，": ",", "、": ",", ";": ",", "；": ","})


class OrganizationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: PartyOrganization) -> str:
        return _("%(organization)s（%(region)s）") % {"organization": obj.name, "region": obj.region.name}


class BrandForm(forms.ModelForm):
    """Create or edit a brand. On a published brand, fields only a reviewer may change are disabled."""

    organization = OrganizationChoiceField(label=_("所属党组织"), queryset=PartyOrganization.objects.none())
    tags = forms.CharField(
        label=_("标签"),
        required=False,
        max_length=300,
    )
    cover_upload = ImageUploadField(
        label=_("封面图"),
        required=False,
        help_text=_("JPEG、PNG 或 WebP，不超过 10 MB；照片中的位置信息会被自动去除。"),
    )
    remove_cover = forms.BooleanField(label=_("删除现有封面图"), required=False)

    class Meta:
        model = Brand
        fields = ["name", "organization", "category", "level", "year_launched", "slogan", "summary", "story"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "story": forms.Textarea(attrs={"rows": 12}),
            "year_launched": forms.NumberInput(attrs={"inputmode": "numeric"}),
        }

    def __init__(self, *args: Any, actor: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations = owner_organizations(actor)
        if not self.instance.pk and not self.is_bound:
            # A branch secretary registers for their own branch: preselect it when it is the only one.
            choices = list(organizations[:2])
            if len(choices) == 1:
                self.initial["organization"] = choices[0].pk
        self.fields["year_launched"].widget.attrs.update(max=timezone.localdate().year)
        self.fields["tags"].help_text = _("用逗号分隔，最多 %(n)d 个，例如：邻里互助，为老服务") % {
            "n": MAX_TAGS
        }
        if self.instance.pk:
            self.initial["tags"] = "，".join(t.name for t in self.instance.tags.all())
            if not can_edit_identity(actor, self.instance):
                self._lock(IDENTITY_FIELDS)
        if not (self.instance.pk and self.instance.cover):
            del self.fields["remove_cover"]

    def _lock(self, names: Iterable[str]) -> None:
        """Show fields the actor may not change as greyed out; whether a change is allowed is the service's.

        Not Django's ``disabled``: it would drop a posted value in silence and the page would say
        "saved" about an owner or a name that did not change. A browser sends no disabled input, so
        a missing value stands for the current one; a value that differs goes to the service, which
        refuses it.
        """
        if self.is_bound:
            self.data = self.data.copy()
        for name in names:
            field = self.fields[name]
            field.widget.attrs["disabled"] = True
            field.help_text = _("已发布品牌的此项只能由审核人修改。")
            key = self.add_prefix(name)
            if self.is_bound and field.widget.value_omitted_from_data(self.data, self.files, key):
                self.data[key] = str(self.initial[name])

    def clean_tags(self) -> list[str]:
        # How many and how long is the service's rule (brands.services.brands.tag_names).
        return self.cleaned_data["tags"].translate(TAG_SEPARATORS).split(",")

    def service_kwargs(self) -> dict[str, Any]:
        """The cleaned values the services take."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["tags"] = self.cleaned_data["tags"]
        data["cover"] = self.cleaned_data.get("cover_upload")
        if self.instance.pk:
            data["remove_cover"] = self.cleaned_data.get("remove_cover", False)
        return data


class GalleryForm(forms.Form):
    images = MultipleImageUploadField(
        label=_("上传图片"), max_files=MAX_GALLERY, required=True, help_text=_("可一次选择多张。")
    )
    caption = forms.CharField(label=_("图片说明"), max_length=100, required=False)


class RecognitionForm(forms.ModelForm):
    class Meta:
        model = Recognition
        fields = ["title", "level", "year"]
        widgets = {"year": forms.NumberInput(attrs={"inputmode": "numeric"})}


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("审核结论"),
        choices=[("approve", _("通过并发布")), ("return", _("退回修改"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("退回原因"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("退回时必填：写明需要修改的内容。"),
    )  # required when returning: brand_review's rule, shown on this field by the view
