"""Base classes: app viewsets only declare queryset, serializer, filters and (for writes) a scope."""

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from rest_framework import mixins, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from portal.api import idempotency
from portal.api.auth import PartnerPrincipal
from portal.api.schema import PortalAutoSchema
from portal.models import ApiScope


# No docstrings on these bases: drf-spectacular would show them as every endpoint's description.
class PortalViewSetMixin:
    # get_queryset reads through the app's selector, scoped to the requester as the pages are: out-of-scope
    # objects are absent from lists and 404 on detail. POSTs carrying an Idempotency-Key are stored
    # and replayed (see idempotency).

    lookup_value_converter = "id"  # a detail id outside 1..2^63-1 is a 404 (portal.ids)
    # The key scope a partner needs to write here (e.g. ApiScope.WISHES_WRITE); reads need ApiScope.READ.
    required_write_scope: ApiScope | None = None
    schema = PortalAutoSchema()
    _idempotency: idempotency.Pending | None = None

    def get_queryset(self) -> QuerySet:
        raise NotImplementedError(f"{type(self).__name__}.get_queryset must read through a selector")

    def perform_authentication(self, request: Request) -> None:
        super().perform_authentication(request)
        if isinstance(request.user, PartnerPrincipal):
            # DRF copies the actor onto Django's request, where django-simple-history would try
            # to store it as history_user; a partner is no User row, so the history gets none.
            request._request.user = AnonymousUser()

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        # Authentication, permissions and throttling come first: a revoked key replays nothing.
        super().initial(request, *args, **kwargs)
        self._idempotency = idempotency.begin(request)

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, idempotency.Replay):
            return exc.response
        try:
            return super().handle_exception(exc)
        except Exception:
            # An unhandled error leaves as a 500 without reaching finalize_response: release the
            # key here, or every retry would be told "in progress" until the record expires.
            idempotency.abandon(self._idempotency)
            self._idempotency = None
            raise

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        idempotency.finish(self._idempotency, response)
        self._idempotency = None
        return response


class ReadOnlyViewSet(PortalViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class CreateReadViewSet(PortalViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    pass
