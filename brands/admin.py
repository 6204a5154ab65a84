"""Admin for brands, activity records and organizational-life bases (superusers and city staff).

Brands and records are written in the portal, whose services check scope, run the review life
cycle and clean uploaded images; here they are audited (with their history) and corrected.
Uploads are not offered here: an image that bypassed brands.images would keep its EXIF.
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from brands.models import (
    ActivityPhoto,
    ActivityRecord,
    BaseBooking,
    BaseSlot,
    Brand,
    BrandImage,
    OrgLifeBase,
    Recognition,
    Tag,
)
from brands.services.brands import BRAND_FIELDS, brand_update, tag_names
from portal.admin import ScopedAdminMixin
from portal.errors import DomainError


def _thumbnail(image: Any) -> str:
    return format_html('<img src="{}" alt="" width="120">', image.url) if image else "—"


class RecognitionInline(admin.TabularInline):
    model = Recognition
    extra = 0


class BrandImageInline(admin.TabularInline):
    model = BrandImage
    extra = 0
    fields = ("preview", "caption", "position")
    readonly_fields = ("preview",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("图片"))
    def preview(self, image: BrandImage) -> str:
        return _thumbnail(image.thumbnail)


class BrandAdminForm(forms.ModelForm):
    def clean_tags(self) -> Any:
        tags = self.cleaned_data["tags"]
        try:  # the service's rule, shown on the field (the admin saves tags itself)
            tag_names(tag.name for tag in tags)
        except ValidationError as error:
            raise ValidationError(error.message_dict["tags"]) from None
        return tags


@admin.register(Brand)
class BrandAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    form = BrandAdminForm
    list_display = ("name", "organization", "region", "level", "category", "status", "updated_at")
    list_filter = ("status", "level", "category")
    search_fields = ("name", "organization__name", "region__name")
    list_select_related = ("organization", "region")
    raw_id_fields = ("organization",)
    filter_horizontal = ("tags",)
    inlines = [RecognitionInline, BrandImageInline]
    readonly_fields = (
        "cover_preview", "status", "return_reason", "submitted_at", "submitted_by", "published_at",
        "reviewed_by", "created_by", "created_at", "updated_at",
    )  # fmt: skip
    exclude = ("cover",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("封面图"))
    def cover_preview(self, brand: Brand) -> str:
        return _thumbnail(brand.cover_thumbnail)

    def save_model(self, request: HttpRequest, obj: Brand, form: Any, change: bool) -> None:
        # Through the service: scope, the published-brand rules and the history's author.
        fields = {name: form.cleaned_data[name] for name in BRAND_FIELDS if name in form.cleaned_data}
        try:
            brand_update(actor=request.user, brand=obj, **fields)
        except DomainError as error:
            raise PermissionDenied(error.message) from error


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    search_fields = ("name",)


class ActivityPhotoInline(admin.TabularInline):
    model = ActivityPhoto
    extra = 0
    fields = ("preview", "position")
    readonly_fields = ("preview",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("照片"))
    def preview(self, photo: ActivityPhoto) -> str:
        return _thumbnail(photo.thumbnail)


@admin.register(ActivityRecord)
class ActivityRecordAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    list_display = ("topic", "kind", "organization", "brand", "started_at", "attendee_count", "people_served")
    list_filter = ("kind",)
    search_fields = ("topic", "organization__name", "brand__name")
    date_hierarchy = "started_at"
    list_select_related = ("organization", "brand")
    raw_id_fields = ("organization", "brand", "base_booking", "attendees", "created_by")
    readonly_fields = ("attendee_count", "member_count", "created_at", "updated_at")
    inlines = [ActivityPhotoInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class BaseSlotInline(admin.TabularInline):
    model = BaseSlot
    extra = 0
    readonly_fields = ("booked",)


@admin.register(OrgLifeBase)
class OrgLifeBaseAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "region", "theme", "capacity", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "address", "region__name")
    raw_id_fields = ("region",)
    inlines = [BaseSlotInline]


@admin.register(BaseBooking)
class BaseBookingAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("slot", "organization", "status", "booked_by", "created_at")
    list_filter = ("status",)
    list_select_related = ("slot__base", "organization", "booked_by")
    readonly_fields = ("slot", "organization", "status", "booked_by", "created_at", "cancelled_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
