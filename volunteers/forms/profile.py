"""The volunteer's own profile form: the editable fields only (name and ID number are not)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from grids.forms import clean_mobile_number
from portal.ids import IdMultipleChoiceField
from volunteers.models import Specialty


class ProfileForm(forms.Form):
    mobile = forms.CharField(
        label=_("手机号"),
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "numeric", "autocomplete": "tel"}),
    )
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

    def clean_mobile(self) -> str:
        return clean_mobile_number(self.cleaned_data["mobile"])
