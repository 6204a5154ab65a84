"""Partner API keys: ``Authorization: Api-Key <prefix>.<secret>``."""

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request
from rest_framework_api_key.permissions import KeyParser

from portal.models import ApiScope, PartnerAPIKey
from portal.scoping import Action, Grant, Principal

# What each key scope lets a key do, on top of reading, inside its region.
SCOPE_ACTIONS = {
    ApiScope.READ: {Action.VIEW},
    ApiScope.WISHES_WRITE: {"wishes:write"},
    ApiScope.SERVICE_WRITE: {"service:write"},
    ApiScope.ACTIVITIES_WRITE: {"activities:write"},
}


class PartnerPrincipal(Principal):
    def __init__(self, api_key: PartnerAPIKey) -> None:
        actions = frozenset().union(*(SCOPE_ACTIONS.get(s, set()) for s in api_key.scopes))
        super().__init__(grants=[Grant(actions, region_path=api_key.region.path)])
        self.api_key = api_key
        self.pk = None
        self.username = f"api-key:{api_key.prefix}"

    @property
    def scopes(self) -> set[str]:
        return set(self.api_key.scopes)

    def __str__(self) -> str:
        return f"{self.api_key.partner} ({self.api_key.prefix})"


class PartnerKeyAuthentication(BaseAuthentication):
    keyword = KeyParser.keyword

    def authenticate(self, request: Request) -> tuple[PartnerPrincipal, PartnerAPIKey] | None:
        key = KeyParser().get_from_authorization(request)
        if not key:
            return None
        try:
            api_key = PartnerAPIKey.objects.select_related("region").get_from_key(key)
        except PartnerAPIKey.DoesNotExist:
            raise AuthenticationFailed(_("API 密钥无效或已被吊销。")) from None
        if api_key.has_expired:
            raise AuthenticationFailed(_("API 密钥已过期。"))
        return PartnerPrincipal(api_key), api_key

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class PartnerKeyScheme(OpenApiAuthenticationExtension):
    target_class = "portal.api.auth.PartnerKeyAuthentication"
    name = "PartnerApiKey"

    def get_security_definition(self, auto_schema: object) -> dict:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": 'Partner key, sent as "Authorization: Api-Key <prefix>.<secret>".',
        }
