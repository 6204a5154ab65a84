from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from grids.models import PartyOrganization, Region
from portal.models import Role, User
from portal.scoping import Action, scope
from portal.validators import normalize_mobile


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("用户名或手机号"),
        max_length=150,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "username",
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
    )
    error_messages = {
        "invalid_login": _("用户名/手机号或密码不正确。多次输错后账户将被暂时锁定。"),
        "inactive": _("该账户已停用。"),
        "system_account": _("合作系统账号不能登录网页，请通过 API 密钥调用接口。"),
    }

    def confirm_login_allowed(self, user: User) -> None:
        super().confirm_login_allowed(user)
        if user.is_system_account:
            raise forms.ValidationError(self.error_messages["system_account"], code="system_account")


class RoleAssignmentForm(forms.Form):
    user = forms.CharField(label=_("用户（用户名或手机号）"), max_length=150)
    role = forms.ChoiceField(
        label=_("角色"), choices=[(value, label) for value, label in Role.choices if value != Role.VOLUNTEER]
    )
    region = forms.ModelChoiceField(label=_("区域"), queryset=Region.objects.none(), required=False)
    organization = forms.ModelChoiceField(
        label=_("党组织（支部书记必填）"), queryset=PartyOrganization.objects.none(), required=False
    )

    def __init__(self, *args, actor, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = scope(
            actor, Region.objects.exclude(level="grid"), Action.MANAGE_ROLES
        )
        self.fields["organization"].queryset = scope(
            actor, PartyOrganization.objects.select_related("region"), Action.MANAGE_ROLES
        )

    def clean_user(self) -> User:
        value = self.cleaned_data["user"].strip()
        user = User.objects.filter(Q(username=value) | Q(mobile=normalize_mobile(value))).first()
        if user is None:
            raise forms.ValidationError(_("找不到该用户。"))
        return user
