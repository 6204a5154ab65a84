"""Forms for members and organizations: they check input; the services check scope and invariants."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from grids import selectors
from grids.models import Gender, MemberStatus, OrgKind, PartyMember, PartyOrganization, Region
from grids.services import check_id_number_agrees
from portal.pages import add_service_error
from portal.scoping import Action, Actor, can
from portal.validators import (
    MOBILE_RE,
    normalize_id_number,
    normalize_mobile,
    normalize_person_name,
    validate_id_number,
    validate_person_name,
)

# Above this many organizations in scope a <select> is too heavy to send (a city has ~15,000 grid
# branches), so the field becomes a number box for the organization's number shown on its page.
ORGANIZATION_SELECT_LIMIT = 300


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def _organization_label(org: PartyOrganization, top_depth: int) -> str:
    # Full-width spaces survive inside <option>, where ASCII spaces are collapsed.
    indent = "\u3000" * max(org.path.count("/") - top_depth, 0)
    label = _("%(organization)s（%(region)s）") % {"organization": org.name, "region": org.region.name}
    return indent + label


def limit_organizations(field: forms.ModelChoiceField, queryset: QuerySet) -> None:
    """Point ``field`` at ``queryset``: a select of its organizations, or a number box when they are too many.

    Either way the submitted value is looked up in ``queryset``, so nothing outside it is accepted.
    """
    field.queryset = queryset
    options = list(queryset.select_related("region").order_by("path")[: ORGANIZATION_SELECT_LIMIT + 1])
    if len(options) > ORGANIZATION_SELECT_LIMIT:
        field.widget = forms.NumberInput(attrs={"inputmode": "numeric", "min": 1})
        field.help_text = _("您管辖的党组织较多，请填写党组织编号（见党组织详情页）。")
        return
    top_depth = min((o.path.count("/") for o in options), default=0)
    empty = [("", field.empty_label)] if field.empty_label is not None else []
    field.choices = [*empty, *((o.pk, _organization_label(o, top_depth)) for o in options)]
    if field.required and len(options) == 1:
        field.initial = options[0].pk


class OrganizationChoiceField(forms.ModelChoiceField):
    default_error_messages = {"invalid_choice": _("找不到该党组织，或它不在您的管辖范围内。")}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=PartyOrganization.objects.none(), **kwargs)


def clean_mobile_number(value: str) -> str:
    value = normalize_mobile(value)
    if value and not (value.isdigit() and len(value) == 11):
        raise forms.ValidationError(_("手机号应为11位数字。"), code="mobile_length")
    if value and not MOBILE_RE.match(value):
        raise forms.ValidationError(_("手机号应以13至19开头。"), code="mobile_prefix")
    return value


class MemberForm(forms.Form):
    """Create or edit a party member.

    The ID number and mobile are write-only: the stored ones are never put back into the page
    (only their masked forms, as help), and on edit a blank box keeps what is stored.
    """

    name = forms.CharField(label=_("姓名"), max_length=50)
    gender = forms.ChoiceField(
        label=_("性别"), choices=Gender.choices, widget=forms.RadioSelect(attrs={"class": "choice-row"})
    )
    id_number = forms.CharField(
        label=_("身份证号"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("18位，最后一位可为X；保存后只显示部分号码。"),
    )
    birth_date = forms.DateField(label=_("出生日期"), widget=DateInput())
    join_date = forms.DateField(label=_("入党日期"), widget=DateInput())
    status = forms.ChoiceField(label=_("党员类别"), choices=MemberStatus.choices)
    organization = OrganizationChoiceField(label=_("所在党组织"))
    mobile = forms.CharField(
        label=_("手机号"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "numeric", "autocomplete": "off"}),
    )
    work_unit = forms.CharField(label=_("工作单位"), max_length=120, required=False)
    is_central_household = forms.BooleanField(label=_("党员中心户"), required=False)
    is_in_service = forms.BooleanField(label=_("在职党员（到社区报到）"), required=False)
    is_mobile_member = forms.BooleanField(label=_("流动党员"), required=False)

    def __init__(self, *args: Any, actor: Actor, member: PartyMember | None = None, **kwargs: Any) -> None:
        self.member = member
        if member is not None:
            kwargs.setdefault("initial", member_initial(member))
        super().__init__(*args, **kwargs)
        limit_organizations(self.fields["organization"], selectors.organizations_changeable(actor))
        if member is not None:
            self._make_write_only(member)

    def _make_write_only(self, member: PartyMember) -> None:
        id_field, mobile_field = self.fields["id_number"], self.fields["mobile"]
        id_field.required = False
        if member.id_number_masked:
            id_field.help_text = _("已登记：%(masked)s。留空则保持不变，填写则替换。") % {
                "masked": member.id_number_masked
            }
        else:
            id_field.help_text = _("尚未登记身份证号。")
        if member.mobile:
            mobile_field.help_text = _("已登记：%(masked)s。留空则保持不变，填写则替换。") % {
                "masked": member.masked_mobile
            }

    def clean_name(self) -> str:
        # Normalized before it is judged: "阿卜杜・热合曼" typed with a katakana dot is the same name.
        name = normalize_person_name(self.cleaned_data["name"])
        validate_person_name(name)
        return name

    def clean_id_number(self) -> str:
        value = normalize_id_number(self.cleaned_data["id_number"]).replace(" ", "")
        if value:
            validate_id_number(value)
        return value

    def clean_mobile(self) -> str:
        return clean_mobile_number(self.cleaned_data["mobile"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        id_number = cleaned.get("id_number")
        if id_number:
            try:
                check_id_number_agrees(
                    id_number=id_number, birth_date=cleaned.get("birth_date"), gender=cleaned.get("gender")
                )
            except ValidationError as error:
                add_service_error(self, error)
        if self.member is not None and not cleaned.get("mobile"):
            cleaned.pop("mobile", None)  # blank keeps the stored number
        return cleaned


def member_initial(member: PartyMember) -> dict[str, Any]:
    """The edit form's starting values: everything but the ID number and mobile."""
    return {
        "name": member.name,
        "gender": member.gender,
        "birth_date": member.birth_date,
        "join_date": member.join_date,
        "status": member.status,
        "organization": member.organization_id,
        "work_unit": member.work_unit,
        "is_central_household": member.is_central_household,
        "is_in_service": member.is_in_service,
        "is_mobile_member": member.is_mobile_member,
    }


class OrganizationForm(forms.Form):
    """Create or edit a party organization.

    The region is entered by its administrative code: a select of every grid in a city would
    weigh megabytes. The code must lie in the actor's change scope, or inside the chosen parent.
    """

    name = forms.CharField(label=_("名称"), max_length=120)
    kind = forms.ChoiceField(label=_("类型"), choices=OrgKind.choices)
    region = forms.CharField(
        label=_("所在区域（区划代码）"),
        max_length=15,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("如 330203001001；组织架构页面的每个区域旁都标有代码。"),
    )
    parent = OrganizationChoiceField(label=_("上级党组织"), required=False, empty_label=_("无（顶层党组织）"))
    secretary = forms.ModelChoiceField(
        label=_("书记"), queryset=PartyMember.objects.none(), required=False, empty_label=_("暂无")
    )

    def __init__(
        self, *args: Any, actor: Actor, organization: PartyOrganization | None = None, **kwargs: Any
    ) -> None:
        self.actor = actor
        self.organization = organization
        if organization is not None:
            kwargs.setdefault("initial", organization_initial(organization))
        super().__init__(*args, **kwargs)
        parents = selectors.organizations_changeable(actor)
        if organization is None:
            del self.fields["secretary"]  # a new organization has no members yet
        else:
            parents = parents.exclude(path__startswith=organization.path)
            # The secretary is one of the organization's own members; the full name is shown to staff.
            self.fields["secretary"].queryset = organization.members.order_by("name")
            self.fields["secretary"].label_from_instance = lambda m: m.name
        limit_organizations(self.fields["parent"], parents)
        if self.initial.get("region") and not self.is_bound:
            self._describe_region(organization)

    def _describe_region(self, organization: PartyOrganization | None) -> None:
        """Name the region a prefilled code stands for: digits alone are hard to check."""
        code = self.initial["region"]
        region = organization.region if organization else Region.objects.filter(code=code).first()
        if region is not None:
            self.fields["region"].help_text = _("当前：%(name)s（%(level)s）。") % {
                "name": region.name,
                "level": region.get_level_display(),
            }

    def clean_region(self) -> Region:
        code = self.cleaned_data["region"].strip()
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise forms.ValidationError(_("找不到区划代码“%(code)s”。") % {"code": code})
        return region

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        region, parent = cleaned.get("region"), cleaned.get("parent")
        if region is None:
            return cleaned
        if parent is not None:
            try:
                PartyOrganization.check_placement(region, parent)
            except ValidationError as error:
                add_service_error(self, error)
        elif not can(self.actor, Action.CHANGE, region):
            self.add_error("region", _("该区域不在您的管辖范围内。"))
        return cleaned


def organization_initial(organization: PartyOrganization) -> dict[str, Any]:
    return {
        "name": organization.name,
        "kind": organization.kind,
        "region": organization.region.code,
        "parent": organization.parent_id,
        "secretary": organization.secretary_id,
    }


MEMBER_FLAG_FILTERS = ("is_central_household", "is_in_service", "is_mobile_member")
MEMBER_MORE_FILTERS = ("status", "region", *MEMBER_FLAG_FILTERS)


def tidy_member_filter_form(form: forms.Form) -> None:
    """Page-friendly widgets for the shared MemberFilter: 不限/是/否 rather than "Unknown/Yes/No".

    The organization filter is reached from an organization's page; it is kept, not typed.
    """
    any_value = ("", _("不限"))
    form.fields["organization"].widget = forms.HiddenInput()
    form.fields["status"].empty_label = any_value[1]
    form.fields["status"].choices = MemberStatus.choices  # re-rendered with the new empty label
    form.fields["region"].widget.attrs.update({"inputmode": "numeric", "placeholder": _("如 330203001")})
    for name in MEMBER_FLAG_FILTERS:
        form.fields[name].widget = forms.Select(choices=[any_value, ("true", _("是")), ("false", _("否"))])
