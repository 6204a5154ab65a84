"""Partner API keys: ``Authorization: Api-Key <prefix>.<secret>``."""

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request
from rest_framework_api_key.permissions import KeyParser

from portal.models import ApiScope, PartnerAPIKey
from portal.scoping import Action, Grant, Principal

# What each key scope lets a key do inside its region: reading is the view right; a write scope is
# an action of its own, which the app's service asks for (e.g. brands.services.activities.may_record).
SCOPE_ACTIONS: dict[str, set[str]] = {
    ApiScope.READ: {Action.VIEW},
    ApiScope.WISHES_WRITE: {ApiScope.WISHES_WRITE},
    ApiScope.SERVICE_WRITE: {ApiScope.SERVICE_WRITE},
    ApiScope.ACTIVITIES_WRITE: {ApiScope.ACTIVITIES_WRITE},
}


class PartnerPrincipal(Principal):
    """The actor behind a partner key: sees its region's subtree, with the key's scopes."""

    # Read like a user's by templates (the browsable API runs the context processors).
    is_staff = False
    is_active = True

    def __init__(self, api_key: PartnerAPIKey) -> None:
        actions = frozenset().union(*(SCOPE_ACTIONS.get(s, set()) for s in api_key.scopes))
        super().__init__(grants=[Grant(actions, region_path=api_key.region.path)])
        self.api_key = api_key
        # No user row: django-simple-history records partner writes with an empty history_user.
        self.pk = None
        self.username = f"api-key:{api_key.prefix}"

    @property
    def scopes(self) -> set[str]:
        return set(self.api_key.scopes)

    def __str__(self) -> str:
        return f"{self.api_key.partner} ({self.api_key.prefix})"


def find_key(key: str) -> PartnerAPIKey | None:
    """The usable (not revoked) key matching ``key``, with its region, in one query."""
    prefix, _dot, _secret = key.partition(".")
    api_key = PartnerAPIKey.objects.get_usable_keys().select_related("region").filter(prefix=prefix).first()
    # The secret is compared against the stored hash in constant time.
    return api_key if api_key is not None and api_key.is_valid(key) else None


class PartnerKeyAuthentication(BaseAuthentication):
    keyword = KeyParser.keyword

    def authenticate(self, request: Request) -> tuple[PartnerPrincipal, PartnerAPIKey] | None:
        key = KeyParser().get_from_authorization(request)
        if not key:
            return None
        api_key = find_key(key.strip())
        if api_key is None:
            raise AuthenticationFailed(_("API 密钥无效或已被吊销。"))
        if api_key.has_expired:
            raise AuthenticationFailed(_("API 密钥已过期。"))
        return PartnerPrincipal(api_key), api_key

    def authenticate_header(self, request: Request) -> str:
        # Present, so DRF answers a missing or bad key with 401 rather than 403.
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
