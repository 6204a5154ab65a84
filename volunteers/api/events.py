"""/api/v1/events/: service events with free places and waitlist length, scoped as the pages are,
and ``signup`` / ``cancel`` for the signed-in volunteer's own session.

Partner keys read the events of their region; they are a system, not a person, so signing up
with a key is refused (403). Session requests carry Django's CSRF token, as the pages do.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from portal.api.auth import PartnerPrincipal
from portal.api.viewsets import ReadOnlyViewSet
from portal.errors import Conflict, NotAllowed
from volunteers import selectors_events as selectors
from volunteers.filters_events import EventFilter
from volunteers.models import Event, Signup
from volunteers.selectors import volunteer_of
from volunteers.services import events as services


class PeopleOnly(BasePermission):
    message = _("报名只能由登录的志愿者本人操作，API 密钥不能报名。")

    def has_permission(self, request: Request, view: object) -> bool:
        return not isinstance(request.user, PartnerPrincipal)


class EventSerializer(serializers.ModelSerializer):
    region = serializers.SlugRelatedField(slug_field="code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    organization_name = serializers.CharField(
        source="organization.name", read_only=True, default=None, allow_null=True
    )
    team_name = serializers.CharField(source="team.name", read_only=True, default=None, allow_null=True)
    wanted_specialties = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    free = serializers.IntegerField(read_only=True, help_text=_("剩余名额。"))
    waitlisted = serializers.IntegerField(read_only=True, help_text=_("候补人数。"))

    class Meta:
        model = Event
        fields = [
            "id", "title", "description", "place", "region", "region_name", "organization",
            "organization_name", "team", "team_name", "starts_at", "ends_at", "signup_deadline",
            "capacity", "signed", "free", "waitlisted", "wanted_specialties", "needs_approval",
            "status", "cancel_reason", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class SignupSerializer(serializers.ModelSerializer):
    waitlist_position = serializers.SerializerMethodField(
        help_text=_("候补位次（1 为第一位）；不在候补时为空。")
    )

    class Meta:
        model = Signup
        fields = [
            "id",
            "event",
            "status",
            "waitlist_position",
            "created_at",
            "checked_in_at",
            "checked_out_at",
        ]
        read_only_fields = fields

    def get_waitlist_position(self, signup: Signup) -> int | None:
        return selectors.waitlist_position(signup)


@extend_schema_view(
    list=extend_schema(
        summary=_("志愿服务活动"),
        description=_(
            "工作人员看到本辖区的活动；志愿者看到所有未结束的公开活动和自己报名的活动；合作系统的密钥看到其区域内的活动。"
            "每个活动带剩余名额（free）和候补人数（waitlisted）。"
        ),
    ),
    retrieve=extend_schema(summary=_("活动详情")),
    signup=extend_schema(
        summary=_("报名"),
        description=_(
            "登录志愿者本人报名：有名额时报名成功（需审核的活动为待审核），名额已满时进入候补。"
            "同一活动不能重复报名，时间重叠的活动不能同时报名。只接受浏览器会话（带 CSRF 令牌）。"
        ),
        request=None,
        responses={201: SignupSerializer},
    ),
    cancel=extend_schema(
        summary=_("取消报名"),
        description=_("报名截止前可以取消；空出的名额按候补顺序递补。"),
        request=None,
        responses={200: SignupSerializer},
    ),
)
class EventViewSet(ReadOnlyViewSet):
    serializer_class = EventSerializer
    filterset_class = EventFilter
    ordering_fields = ["id", "starts_at"]
    ordering = "starts_at"

    def get_queryset(self) -> QuerySet[Event]:
        # wanted_specialties prefetched: one query per page, not one per event.
        return selectors.events_visible_to(self.request.user).prefetch_related("wanted_specialties")

    def get_permissions(self) -> list[BasePermission]:
        people = [PeopleOnly()] if self.action in ("signup", "cancel") else []
        return [*super().get_permissions(), *people]

    @action(detail=True, methods=["post"])
    def signup(self, request: Request, pk: str) -> Response:
        event = self.get_object()
        volunteer = volunteer_of(request.user)
        if volunteer is None:
            raise NotAllowed(_("只有注册的志愿者可以报名。"))
        signup = services.event_signup(volunteer=volunteer, event=event)
        return Response(SignupSerializer(signup).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        event = self.get_object()
        volunteer = volunteer_of(request.user)
        signup = selectors.live_signups_of(volunteer, [event]).get(event.pk)
        if signup is None:
            raise Conflict(_("您没有该活动的有效报名。"))
        return Response(SignupSerializer(services.signup_cancel(volunteer=volunteer, signup=signup)).data)


def register(router: BaseRouter) -> None:
    router.register("events", EventViewSet, basename="event")
