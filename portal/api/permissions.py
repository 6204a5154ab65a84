from django.utils.translation import gettext as _
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from portal.api.auth import PartnerPrincipal
from portal.models import ApiScope


class HasApiScope(BasePermission):
    """Authenticated, and for a partner key: holding the scope the view requires.

    Reads need ``read``; a write needs the view's ``required_write_scope``. Which objects may be
    read or changed is the scoping module's business (``get_queryset`` and the services).
    """

    message = _("无权执行此操作。")

    def has_permission(self, request: Request, view: object) -> bool:
        actor = request.user
        if not (actor and actor.is_authenticated):
            return False
        if not isinstance(actor, PartnerPrincipal):
            return True
        needed = (
            ApiScope.READ if request.method in SAFE_METHODS else getattr(view, "required_write_scope", None)
        )
        if needed is None or needed not in actor.scopes:
            self.message = _("该 API 密钥没有“%(scope)s”权限。") % {"scope": needed or "write"}
            return False
        return True
