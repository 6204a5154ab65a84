"""Admin for the Fengling index (superusers and city staff).

Which field's set scores an organization is kept here (``OrganizationField``). Score events,
corrections and the red/black list are written in the portal, whose services check scope, limits
and transitions; here they are only read: an event is never deleted, only corrected with a reason.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from fengling.models import (
    Behaviour,
    BoardEntry,
    IndicatorSet,
    OrganizationField,
    ScoreCorrection,
    ScoreEvent,
)
from portal.admin import ScopedAdminMixin


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OrganizationField)
class OrganizationFieldAdmin(admin.ModelAdmin):
    list_display = ("organization", "field")
    list_filter = ("field",)
    raw_id_fields = ("organization",)


class BehaviourInline(admin.TabularInline):
    model = Behaviour
    extra = 0
    can_delete = False
    fields = ("code", "dimension", "name", "points", "monthly_limit")
    readonly_fields = fields


@admin.register(IndicatorSet)
class IndicatorSetAdmin(SimpleHistoryAdmin, ReadOnlyAdmin):
    # Edited on the portal's page (/fengling/indicators/), whose service keeps the rules.
    list_display = ("name", "field", "updated_at")
    inlines = [BehaviourInline]


@admin.register(ScoreEvent)
class ScoreEventAdmin(ScopedAdminMixin, ReadOnlyAdmin):
    list_display = ("occurred_on", "member", "behaviour", "points", "recorded_by")
    list_filter = ("month",)
    list_select_related = ("member", "behaviour", "recorded_by")


@admin.register(ScoreCorrection)
class ScoreCorrectionAdmin(ReadOnlyAdmin):
    list_display = ("corrected_at", "event", "old_points", "new_points", "reason", "corrected_by")
    list_select_related = ("event__member", "event__behaviour", "corrected_by")

    def get_queryset(self, request: HttpRequest) -> Any:
        from portal.scoping import scope

        events = scope(request.user, ScoreEvent.objects.all())
        return super().get_queryset(request).filter(event__in=events)


@admin.register(BoardEntry)
class BoardEntryAdmin(ScopedAdminMixin, SimpleHistoryAdmin, ReadOnlyAdmin):
    list_display = ("kind", "member", "organization", "status", "deadline")
    list_filter = ("kind", "status")
    list_select_related = ("member", "organization")
