"""Admin for superusers and city staff: users, role assignments and partner API keys."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from rest_framework_api_key.admin import APIKeyModelAdmin
from rest_framework_api_key.models import APIKey
from simple_history.admin import SimpleHistoryAdmin

from portal.ids import parse_id
from portal.models import (
    ApiScope,
    PartnerAPIKey,
    RoleAssignment,
    User,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from portal.scoping import scope

# The library registers its plain APIKey model; partners use PartnerAPIKey (scopes + region).
admin.site.unregister(APIKey)


class ScopedAdminMixin:
    """Staff see in the admin only what their role assignments let them see (superusers: all)."""

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return scope(request.user, super().get_queryset(request))

    # django-simple-history looks the ids up as given: "abc" or 10^30 in the address was a 500.
    def history_view(self, request: HttpRequest, object_id: str, extra_context: dict | None = None) -> Any:
        if parse_id(unquote(object_id)) is None:
            raise Http404
        return super().history_view(request, object_id, extra_context)

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: dict | None = None
    ) -> Any:
        if parse_id(unquote(object_id)) is None or parse_id(version_id) is None:
            raise Http404
        return super().history_form_view(request, object_id, version_id, extra_context)


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    fk_name = "user"
    extra = 0
    fields = ("role", "region", "organization", "granted_by", "created_at")
    readonly_fields = ("granted_by", "created_at")
    raw_id_fields = ("region", "organization")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("real_name", "mobile", "email")}),
        (
            _("权限"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("重要日期"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "real_name", "mobile")}),
        (None, {"classes": ("wide",), "fields": ("password1", "password2")}),
    )
    list_display = ("username", "real_name", "masked_mobile", "is_staff", "is_active", "last_login")
    list_filter = ("is_staff", "is_superuser", "is_active", "assignments__role")
    search_fields = ("username", "real_name", "mobile", "email")
    ordering = ("username",)
    inlines = [RoleAssignmentInline]

    @admin.display(description=_("手机号"))
    def masked_mobile(self, user: User) -> str:
        return user.masked_mobile

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        for assignment in formset.save(commit=False):
            assignment.granted_by = assignment.granted_by or request.user
            assignment.save()
        for assignment in formset.deleted_objects:
            assignment.delete()


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("user", "role", "region", "organization", "granted_by", "created_at")
    list_filter = ("role",)
    search_fields = ("user__username", "user__real_name", "region__name", "organization__name")
    raw_id_fields = ("user", "region", "organization")
    readonly_fields = ("granted_by", "created_at")
    list_select_related = ("user", "region", "organization", "granted_by")

    def save_model(self, request: HttpRequest, obj: RoleAssignment, form: Any, change: bool) -> None:
        if not change:
            obj.granted_by = request.user
        super().save_model(request, obj, form, change)


class PartnerAPIKeyForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("权限范围"), choices=ApiScope.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = PartnerAPIKey
        fields = ("partner", "name", "region", "scopes", "expiry_date", "revoked")
        labels = {"name": _("用途")}
        help_texts = {"name": _("如“微心愿同步”；留空则用合作单位名称。")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "name" in self.fields:
            self.fields["name"].required = False

    def clean_name(self) -> str:
        return self.cleaned_data.get("name") or self.cleaned_data.get("partner", "")[:50]


@admin.register(PartnerAPIKey)
class PartnerAPIKeyAdmin(ScopedAdminMixin, APIKeyModelAdmin):
    form = PartnerAPIKeyForm
    list_display = (
        "prefix", "partner", "name", "region", "scope_list", "revoked", "expiry_date", "_has_expired",
        "created",
    )  # fmt: skip
    list_filter = ("revoked", "created")
    search_fields = ("partner", "name", "prefix")
    list_select_related = ("region",)
    autocomplete_fields = ("region",)
    actions = ["revoke"]

    @admin.display(description=_("权限范围"))
    def scope_list(self, api_key: PartnerAPIKey) -> str:
        return ", ".join(api_key.scopes)

    def get_readonly_fields(self, request: HttpRequest, obj: PartnerAPIKey | None = None) -> tuple:
        if obj is not None and obj.revoked:  # a revoked key is a record, no longer a setting
            return ("prefix", "partner", "name", "region", "scopes", "revoked", "expiry_date", "created_by")
        return ("prefix", "created_by")

    def has_delete_permission(self, request: HttpRequest, obj: PartnerAPIKey | None = None) -> bool:
        return False  # revoke instead: the row keeps who had access, and when

    def save_model(self, request: HttpRequest, obj: PartnerAPIKey, form: Any, change: bool) -> None:
        if change:
            obj.save()
            return
        obj.created_by = request.user
        key = PartnerAPIKey.objects.assign_key(obj)
        obj.save()
        # Only the hash is stored: this message is the one time anyone sees the key.
        messages.warning(
            request,
            _("“%(partner)s”的 API 密钥：%(key)s —— 请立即复制并安全地交给对方，此后无法再次查看。")
            % {"partner": obj.partner, "key": key},
        )

    @admin.action(description=_("吊销所选 API 密钥"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = queryset.filter(revoked=False).update(revoked=True)
        self.message_user(
            request,
            ngettext("已吊销 %(n)d 个 API 密钥。", "已吊销 %(n)d 个 API 密钥。", count) % {"n": count},
            messages.SUCCESS,
        )


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    readonly_fields = ("number", "at", "status_code", "error", "duration_ms", "resent_by")


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    # The secret is never shown here: it is shown once, on the page that registers or rotates it.
    list_display = ("name", "partner", "url", "region", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "partner", "url")
    readonly_fields = ("owner", "created_at", "disabled_reason")
    autocomplete_fields = ("region",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # registered on the portal's page, which checks the address and shows the secret


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = (
        "message_id",
        "event_type",
        "endpoint",
        "status",
        "attempts",
        "last_status_code",
        "created_at",
    )
    list_filter = ("status", "event_type")
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]
    inlines = [WebhookAttemptInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
