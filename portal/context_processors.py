from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fengling.gates import INDICATORS as FENGLING_INDICATORS
from fengling.gates import MY_SCORE as FENGLING_MY_SCORE
from portal import gates
from portal.gates import Gate


@dataclass(frozen=True)
class MenuEntry:
    key: str  # what a view passes as ``nav_active`` to mark it
    label: str | Promise
    url_name: str
    # The gate of the page the entry leads to (None: a public page). The page's ``require(...)``
    # asks the same object, so the link is shown exactly to those who may open it.
    gate: Gate | None = None
    # A figure shown beside the label (the unread messages), read from the user at no query.
    count: Callable[[Any], int] | None = None
    # "main": the menu bar; "account": beside the user's name in the header, always in sight on a
    # phone (the menu bar folds there) and keeping the menu bar one row on a desktop.
    place: str = "main"
    # Entries of one group share a drop-down in the menu bar, so that a staff user's twenty
    # entries stay one row; a group of which the user may open only one entry shows that entry.
    group: str | Promise | None = None


WORK = _("党建工作")
VOLUNTEERING = _("志愿服务")
WISHES = _("微心愿")
SYSTEM = _("系统管理")


# The main menu, in display order. Public pages first; each app adds its pages here.
MENU = (
    MenuEntry("home", _("首页"), "home"),
    MenuEntry("dashboard", _("数据看板"), "stats:overview", gates.DASHBOARD),
    MenuEntry("wall", _("品牌墙"), "brands:wall"),
    MenuEntry("activities", _("活动记录"), "brands:activity_list", gates.STAFF_VIEW, group=WORK),
    MenuEntry("tree", _("组织架构"), "grids:tree", gates.STAFF_VIEW, group=WORK),
    MenuEntry("members", _("党员"), "grids:member_list", gates.STAFF_VIEW, group=WORK),
    MenuEntry("brands", _("品牌管理"), "brands:brand_list", gates.STAFF_VIEW, group=WORK),
    MenuEntry("review", _("品牌审核"), "brands:review_queue", gates.REVIEW, group=WORK),
    MenuEntry("bases", _("组织生活基地"), "brands:base_list", gates.STAFF_VIEW, group=WORK),
    MenuEntry("fengling", _("锋领指数"), "fengling:index", gates.STAFF_VIEW, group=WORK),
    MenuEntry("fengling_board", _("红黑榜"), "fengling:board", gates.STAFF_VIEW, group=WORK),
    MenuEntry("fengling_indicators", _("锋领指标"), "fengling:indicators", FENGLING_INDICATORS, group=WORK),
    MenuEntry("fengling_me", _("我的锋领积分"), "fengling:me", FENGLING_MY_SCORE, group=WORK),
    MenuEntry("events", _("服务活动"), "volunteers:event_list", gates.EVENTS, group=VOLUNTEERING),
    MenuEntry("teams", _("志愿服务队"), "volunteers:team_list", group=VOLUNTEERING),
    MenuEntry(
        "volunteers", _("志愿者"), "volunteers:volunteer_list", gates.VOLUNTEER_STAFF, group=VOLUNTEERING
    ),
    MenuEntry(
        "hours_review", _("服务时长审核"), "volunteers:hours_review", gates.HOURS_REVIEW, group=VOLUNTEERING
    ),
    MenuEntry("volunteer_me", _("我的志愿"), "volunteers:me", gates.VOLUNTEER, group=VOLUNTEERING),
    MenuEntry("my_hours", _("我的服务时长"), "volunteers:my_hours", gates.VOLUNTEER, group=VOLUNTEERING),
    MenuEntry("wishes", _("心愿墙"), "wishes:wall", group=WISHES),
    MenuEntry("wish_new", _("提交微心愿"), "wishes:wish_new", group=WISHES),
    MenuEntry("market", _("公益集市"), "wishes:market", group=WISHES),
    MenuEntry("my_wishes", _("我认领的心愿"), "wishes:mine", gates.ACTIVE_VOLUNTEER, group=WISHES),
    MenuEntry(
        "wish_moderation", _("心愿审核"), "wishes:moderation_queue", gates.MODERATE_WISHES, group=WISHES
    ),
    MenuEntry("roles", _("角色授权"), "role_list", gates.MANAGE_ROLES, group=SYSTEM),
    MenuEntry("api", _("接口文档"), "api-docs", gates.API_DOCS, group=SYSTEM),
    MenuEntry("webhooks", _("数据推送"), "webhook_list", gates.WEBHOOKS, group=SYSTEM),
    # Signed in without a volunteer profile: the way to register.
    MenuEntry(
        "volunteer_register", _("成为志愿者"), "volunteers:register", gates.NOT_VOLUNTEER, place="account"
    ),
    # The count is kept on the user row the request has loaded anyway (portal.notifications).
    MenuEntry(
        "messages",
        _("消息"),
        "message_list",
        gates.SIGNED_IN,
        count=lambda user: getattr(user, "unread_messages", 0),
        place="account",
    ),
)


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url: str
    key: str
    active: bool = False
    count: int = 0
    group: str | Promise | None = None


@dataclass(frozen=True)
class NavGroup:
    label: str | Promise
    items: list[NavItem]

    @property
    def active(self) -> bool:
        return any(item.active for item in self.items)


def _tree(items: list[NavItem]) -> list[NavItem | NavGroup]:
    """The menu bar's entries in order, each group gathered where its first entry stands."""
    tree: list[NavItem | NavGroup] = []
    groups: dict[str, NavGroup] = {}
    for item in items:
        if item.group is None:
            tree.append(item)
        elif str(item.group) in groups:
            groups[str(item.group)].items.append(item)
        else:
            groups[str(item.group)] = NavGroup(item.group, [item])
            tree.append(groups[str(item.group)])
    return [node.items[0] if isinstance(node, NavGroup) and len(node.items) == 1 else node for node in tree]


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu shows each role only what it can do: ``nav_items`` in the menu bar (``nav_tree``:
    the same, grouped), ``account_items`` (消息) beside the user's name.

    Costs at most one query (the user's role assignments, cached on the user for the request),
    and none for anonymous visitors. A view may pass ``nav_active`` to choose the marked item;
    otherwise the item whose address is the longest prefix of the path is marked.
    """
    items = _mark_active(
        [
            (
                entry.place,
                NavItem(
                    entry.label,
                    reverse(entry.url_name),
                    entry.key,
                    count=_count(entry, request),
                    group=entry.group,
                ),
            )
            for entry in MENU
            if entry.gate is None or entry.gate(request.user)
        ],
        request.path,
    )
    main = [item for place, item in items if place == "main"]
    tree = _tree(main)
    return {
        "nav_items": main,
        "nav_tree": tree,
        # nav.js only closes the other groups: a page whose menu has none needs no script at all.
        "nav_has_groups": any(isinstance(node, NavGroup) for node in tree),
        "account_items": [item for place, item in items if place == "account"],
    }


def _count(entry: MenuEntry, request: HttpRequest) -> int:
    return entry.count(request.user) if entry.count else 0


def _mark_active(items: list[tuple[str, NavItem]], path: str) -> list[tuple[str, NavItem]]:
    # "/" is a prefix of every path, so the home item only counts on an exact match; the longest
    # prefix wins so that /grids/members/import/ marks 导入党员 rather than 党员.
    matches = [
        item for _place, item in items if path == item.url or (item.url != "/" and path.startswith(item.url))
    ]
    if not matches:
        return items
    current = max(matches, key=lambda item: len(item.url))
    return [(place, replace(item, active=item is current)) for place, item in items]
