from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from portal.admin import ScopedAdminMixin
from portal.scoping import scope
from volunteers.models import (
    Certificate,
    HoursCorrection,
    RecordStatus,
    ServiceRecord,
    Station,
    Team,
    Volunteer,
)


# --- stations, teams, hours and certificates (vhours) ---
@admin.register(Station)
class StationAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "region", "address"]
    search_fields = ["name", "address"]
    autocomplete_fields = ["region"]


@admin.register(Team)
class TeamAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "specialty", "station", "hours_total"]
    search_fields = ["name"]
    raw_id_fields = ["station", "leader"]
    readonly_fields = ["hours_total"]


@admin.register(ServiceRecord)
class ServiceRecordAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """Read-mostly: hours are confirmed and corrected on the portal's pages (the totals move with them)."""

    list_display = ["volunteer", "served_on", "hours", "source", "status"]
    list_filter = ["status", "source"]
    raw_id_fields = ["volunteer", "event", "team"]
    readonly_fields = ["status", "hours", "decided_by", "decided_at", "created_by"]

    def has_delete_permission(self, request: HttpRequest, obj: ServiceRecord | None = None) -> bool:
        # Approved hours are never deleted, only corrected with a reason (and nothing in bulk).
        if obj is None or obj.status == RecordStatus.APPROVED:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(HoursCorrection)
class HoursCorrectionAdmin(admin.ModelAdmin):
    list_display = ["record", "old_hours", "new_hours", "reason", "corrected_by", "corrected_at"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super().get_queryset(request).filter(record__in=scope(request.user, ServiceRecord.objects.all()))
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: HoursCorrection | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: HoursCorrection | None = None) -> bool:
        return False


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["number", "volunteer", "period_start", "period_end", "hours", "issued_at"]
    readonly_fields = [
        "number",
        "volunteer",
        "period_start",
        "period_end",
        "hours",
        "records",
        "issuer",
        "issued_by",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super().get_queryset(request).filter(volunteer__in=scope(request.user, Volunteer.objects.all()))
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


# --- end vhours ---
