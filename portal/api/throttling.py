from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from portal.api.auth import PartnerPrincipal


class PrincipalRateThrottle(SimpleRateThrottle):
    """One budget per API key, per user, or per IP for anonymous requests."""

    scope = "principal"

    def get_cache_key(self, request: Request, view: object) -> str:
        actor = request.user
        if isinstance(actor, PartnerPrincipal):
            ident = f"key:{actor.api_key.prefix}"
        elif actor and actor.is_authenticated:
            ident = f"user:{actor.pk}"
        else:
            ident = f"ip:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
