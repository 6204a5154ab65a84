from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.scoping import Action, has_any


@dataclass(frozen=True)
class NavItem:
    label: str
    url: str
    key: str


def navigation(request: HttpRequest) -> dict:
    """The menu shows each role only what it can do."""
    user = request.user
    items = [NavItem(_("首页"), reverse("home"), "home")]
    if has_any(user, Action.VIEW):
        items += [
            NavItem(_("组织架构"), reverse("grids:tree"), "tree"),
            NavItem(_("党员"), reverse("grids:member_list"), "members"),
        ]
    if has_any(user, Action.CHANGE):
        items.append(NavItem(_("导入党员"), reverse("grids:member_import"), "import"))
    if has_any(user, Action.MANAGE_ROLES):
        items.append(NavItem(_("角色授权"), reverse("role_list"), "roles"))
    if user.is_authenticated and (user.is_staff or has_any(user, Action.VIEW)):
        items.append(NavItem(_("接口文档"), reverse("api-docs"), "api"))
    return {"nav_items": items}
