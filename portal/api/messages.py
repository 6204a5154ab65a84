"""The signed-in user's own messages (消息): read them and mark them read.

A message belongs to a person: partner keys, which act for a system and not a person, are refused
with 403 rather than shown an empty list that would read as "nothing to tell".
"""

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from portal import notifications
from portal.api.auth import PartnerPrincipal
from portal.api.viewsets import ReadOnlyViewSet
from portal.models import Message
from portal.selectors import messages_for


class PeopleOnly(BasePermission):
    message = _("消息只属于登录的用户本人，API 密钥不能读取。")

    def has_permission(self, request: Request, view: object) -> bool:
        return not isinstance(request.user, PartnerPrincipal)


class MessageSerializer(serializers.ModelSerializer):
    is_read = serializers.BooleanField(read_only=True)

    class Meta:
        model = Message
        fields = ["id", "kind", "title", "body", "link", "created_at", "read_at", "is_read"]
        read_only_fields = fields


ReadAll = inline_serializer("MessagesReadAll", {"marked": serializers.IntegerField()})


@extend_schema_view(
    list=extend_schema(
        summary=_("我的消息"),
        description=_("登录用户本人的站内消息，最新的在前。只接受浏览器会话；API 密钥返回 403。"),
    ),
    retrieve=extend_schema(summary=_("消息详情")),
    read=extend_schema(summary=_("标为已读"), request=None, responses=MessageSerializer),
    read_all=extend_schema(summary=_("全部标为已读"), request=None, responses=ReadAll),
)
class MessageViewSet(ReadOnlyViewSet):
    serializer_class = MessageSerializer
    ordering_fields = ["id"]
    ordering = "-id"

    def get_permissions(self) -> list[BasePermission]:
        return [*super().get_permissions(), PeopleOnly()]

    def get_queryset(self) -> QuerySet[Message]:
        return messages_for(self.request.user)

    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str) -> Response:
        message = self.get_object()
        notifications.message_mark_read(user=request.user, message=message)
        message.refresh_from_db(fields=["read_at"])
        return Response(self.get_serializer(message).data)

    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        return Response({"marked": notifications.messages_mark_all_read(user=request.user)})


def register(router: BaseRouter) -> None:
    router.register("messages", MessageViewSet, basename="message")
