"""Admin for regions, party organizations and members (superusers and city staff).

Organizations and members are created in the portal, whose forms and services check scope and
keep the materialized paths; here they are corrected (organizations) and audited (history).
"""

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import ModelChange
from simple_history.template_utils import HistoricalRecordContextHelper

from grids.models import PartyMember, PartyOrganization, Region
from grids.services import ORGANIZATION_FIELDS, organization_update
from portal.admin import ScopedAdminMixin
from portal.errors import NotAllowed
from portal.privacy import mask_mobile, mask_name


@admin.register(Region)
class RegionAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "code", "level", "parent")
    list_filter = ("level",)
    search_fields = ("name", "code")
    raw_id_fields = ("parent",)
    list_select_related = ("parent",)
    readonly_fields = ("path",)

    def get_readonly_fields(self, request: HttpRequest, obj: Region | None = None) -> tuple:
        if obj is None:
            return self.readonly_fields
        # The code and parent make up the path of every node below; moving a subtree is not an
        # admin edit.
        return (*self.readonly_fields, "code", "level", "parent")


@admin.register(PartyOrganization)
class PartyOrganizationAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "kind", "region", "parent", "updated_at")
    list_filter = ("kind", "region__level")
    search_fields = ("name", "region__name", "region__code")
    raw_id_fields = ("region", "parent", "secretary")
    list_select_related = ("region", "parent")
    readonly_fields = ("path", "created_at", "updated_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: PartyOrganization, form: Any, change: bool) -> None:
        # Through the service: a new parent rewrites the paths below and the members' regions.
        fields = {name: form.cleaned_data[name] for name in ORGANIZATION_FIELDS if name in form.cleaned_data}
        # The form has already written its values onto ``obj``: the service compares them with the
        # stored row (what changed, whether it moved), so it is given the row as stored.
        stored = PartyOrganization.objects.get(pk=obj.pk)
        try:
            organization_update(actor=request.user, organization=stored, **fields)
        except NotAllowed as exc:
            raise PermissionDenied(exc.message) from exc


class MaskedHistoryHelper(HistoricalRecordContextHelper):
    """The history list shows what changed; personal values only masked."""

    MASKS = {"name": mask_name, "mobile": mask_mobile}

    def prepare_delta_change_value(self, change: ModelChange, value: Any) -> Any:
        mask = self.MASKS.get(change.field)
        return mask(value) if mask and value else super().prepare_delta_change_value(change, value)


MEMBER_FIELDS = (
    "display_name", "gender", "birth_date", "join_date", "status", "organization", "region",
    "display_mobile", "id_number_masked", "is_central_household", "is_in_service", "work_unit",
    "is_mobile_member", "user", "created_at", "updated_at",
)  # fmt: skip


@admin.register(PartyMember)
class PartyMemberAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    # Read-only, masked. Every field is listed as read-only because the history version view
    # renders any other field as a form input holding the full value.
    list_display = ("display_name", "organization", "region", "status", "display_mobile", "id_number_masked")
    list_filter = ("status", "is_central_household", "is_in_service", "is_mobile_member")
    search_fields = ("name",)
    list_select_related = ("organization", "region")
    fields = readonly_fields = MEMBER_FIELDS

    @admin.display(description=_("姓名"), ordering="name")
    def display_name(self, member: PartyMember) -> str:
        return member.masked_name

    @admin.display(description=_("手机号"))
    def display_mobile(self, member: PartyMember) -> str:
        return member.masked_mobile

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: PartyMember | None = None) -> bool:
        return False

    def get_historical_record_context_helper(
        self, request: HttpRequest, historical_record: Any
    ) -> HistoricalRecordContextHelper:
        return MaskedHistoryHelper(self.model, historical_record)
