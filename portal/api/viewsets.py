"""Base classes: app viewsets only declare queryset, serializer and filters."""

from typing import Any

from rest_framework import mixins, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from portal.api import idempotency
from portal.scoping import Action, scope


class PortalViewSetMixin:
    """Scopes every queryset to the requester, and makes POSTs idempotent on request."""

    scope_action = Action.VIEW
    _idempotency: idempotency.Pending | None = None

    def get_queryset(self):
        return scope(self.request.user, super().get_queryset(), self.scope_action)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        self._idempotency = idempotency.begin(request)

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, idempotency.Replay):
            return exc.response
        return super().handle_exception(exc)

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        idempotency.finish(self._idempotency, response)
        self._idempotency = None
        return response


class ReadOnlyViewSet(PortalViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class CreateReadViewSet(PortalViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    pass
