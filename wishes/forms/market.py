"""Forms of the public-welfare market: they validate input; the services decide."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from brands.images import ImageUploadField
from grids.models import Region, RegionLevel
from portal.ids import parse_id
from portal.validators import normalize_credit_code, validate_credit_code
from wishes.forms.tokens import submission_token_field
from wishes.models import WelfareOrganization, WelfareOrgKind, WelfareProject

MAX_AMOUNT = Decimal("9999999999.99")  # the model's 12 digits with 2 decimals


class BoundedModelChoiceField(forms.ModelChoiceField):
    """A select of rows whose submitted id is bounded (portal.ids) before the lookup can overflow."""

    def to_python(self, value: Any) -> Any:
        if value not in self.empty_values and parse_id(value) is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class RegionChoiceField(BoundedModelChoiceField):
    def label_from_instance(self, obj: Region) -> str:
        if obj.parent_id and obj.level == RegionLevel.COMMUNITY:
            return f"{obj.parent.name} · {obj.name}"
        return obj.name


def money_field(label: str, *, required: bool = False) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_AMOUNT)],
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": "0.01"}),
    )


class OrganizationForm(forms.Form):
    name = forms.CharField(label=_("单位名称"), max_length=100)
    kind = forms.ChoiceField(label=_("单位类型"), choices=WelfareOrgKind.choices)
    credit_code = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=30,
        help_text=_("18位，见营业执照或登记证书。"),
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "spellcheck": "false"}),
    )
    region = RegionChoiceField(label=_("所在区域"), queryset=Region.objects.none())
    contact_name = forms.CharField(label=_("联系人"), max_length=50)
    contact_mobile = forms.CharField(
        label=_("联系电话"),
        max_length=20,
        help_text=_("只向审核的工作人员显示，公开页面会打码。"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = (
            Region.objects.filter(level__in=[RegionLevel.DISTRICT, RegionLevel.STREET])
            .select_related("parent")
            .order_by("path")
        )

    def clean_credit_code(self) -> str:
        code = normalize_credit_code(self.cleaned_data["credit_code"])
        validate_credit_code(code)
        return code


class ProjectForm(forms.Form):
    """Create (with where it is posted: a community's region or the poster's organization) or edit."""

    title = forms.CharField(label=_("项目名称"), max_length=100)
    description = forms.CharField(
        label=_("项目介绍"), max_length=3000, widget=forms.Textarea(attrs={"rows": 5})
    )
    beneficiaries = forms.CharField(label=_("受益对象"), max_length=200)
    target_amount = money_field(_("目标金额（元）"))
    target_goods = forms.CharField(label=_("所需物资"), max_length=200, required=False)
    deadline = forms.DateField(label=_("截止日期"), widget=forms.DateInput(attrs={"type": "date"}))
    photo = ImageUploadField(
        label=_("图片"), required=False, help_text=_("JPEG、PNG 或 WebP，不超过 10 MB。")
    )

    def __init__(
        self,
        *args: Any,
        regions: QuerySet[Region] | None = None,
        organizations: list[WelfareOrganization] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if regions is not None:
            self.fields["region"] = RegionChoiceField(label=_("所在社区/街道"), queryset=regions)
            self.order_fields(["region"])
        elif organizations:
            self.fields["organization"] = BoundedModelChoiceField(
                label=_("发布单位"),
                queryset=WelfareOrganization.objects.filter(pk__in=[o.pk for o in organizations]),
                initial=organizations[0].pk if len(organizations) == 1 else None,
            )
            self.order_fields(["organization"])

    def clean_deadline(self) -> Any:
        deadline = self.cleaned_data["deadline"]
        if deadline and deadline < timezone.localdate():
            raise forms.ValidationError(_("截止日期不能早于今天。"), code="deadline_past")
        if deadline and deadline.year > timezone.localdate().year + 5:
            raise forms.ValidationError(_("截止日期最多为五年后。"), code="deadline_far")
        return deadline

    @classmethod
    def initial_from(cls, project: WelfareProject) -> dict[str, Any]:
        fields = ("title", "description", "beneficiaries", "target_amount", "target_goods", "deadline")
        return {name: getattr(project, name) for name in fields}


class PledgeForm(forms.Form):
    submission_token = submission_token_field()
    organization = BoundedModelChoiceField(label=_("认捐单位"), queryset=WelfareOrganization.objects.none())
    amount = money_field(_("认捐金额（元）"))
    goods = forms.CharField(label=_("认捐物资"), max_length=200, required=False)

    def __init__(
        self, *args: Any, organizations: list[WelfareOrganization], project: WelfareProject, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organization"]
        field.queryset = WelfareOrganization.objects.filter(pk__in=[o.pk for o in organizations])
        field.choices = [(o.pk, o.name) for o in organizations]
        if len(organizations) == 1:
            field.initial = organizations[0].pk
        # Only what the project asks for: a goods-only project has no amount box.
        if project.target_amount is None:
            del self.fields["amount"]
        if not project.target_goods:
            del self.fields["goods"]


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("未通过原因"), max_length=200)
