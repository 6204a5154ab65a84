"""Brand forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from brands.images import ImageUploadField, MultipleImageUploadField
from brands.models import Brand, Recognition
from brands.selectors.brands import owner_organizations
from brands.services.brands import IDENTITY_FIELDS, MAX_GALLERY, MAX_TAGS, can_edit_identity
from grids.models import PartyOrganization

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
        help_text=_("用逗号分隔，最多 8 个，例如：邻里互助，为老服务"),
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

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations = owner_organizations(actor)
        if not self.instance.pk and not self.is_bound:
            # A branch secretary registers for their own branch: preselect it when it is the only one.
            choices = list(organizations[:2])
            if len(choices) == 1:
                self.initial["organization"] = choices[0].pk
        self.fields["year_launched"].widget.attrs.update(max=timezone.localdate().year)
        if self.instance.pk:
            self.initial["tags"] = "，".join(t.name for t in self.instance.tags.all())
            if not can_edit_identity(actor, self.instance):
                for name in IDENTITY_FIELDS:
                    self.fields[name].disabled = True
                    self.fields[name].help_text = _("已发布品牌的此项只能由审核人修改。")
        if not (self.instance.pk and self.instance.cover):
            del self.fields["remove_cover"]

    def clean_tags(self) -> list[str]:
        raw = self.cleaned_data["tags"].translate(TAG_SEPARATORS)
        names = list(dict.fromkeys(n.strip() for n in raw.split(",") if n.strip()))
        if len(names) > MAX_TAGS:
            raise forms.ValidationError(_("最多 %(n)d 个标签。") % {"n": MAX_TAGS})
        if any(len(n) > 30 for n in names):
            raise forms.ValidationError(_("每个标签最多 30 个字。"))
        return names

    def service_kwargs(self) -> dict[str, Any]:
        """The cleaned values the services take (only what the form may change)."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields if not self.fields[name].disabled}
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
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("decision") == "return" and not data.get("reason", "").strip():
            self.add_error("reason", _("退回时请填写原因，告诉申报单位需要修改什么。"))
        return data
