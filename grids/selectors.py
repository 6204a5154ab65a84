"""Scoped reads behind the organization tree, organization and member pages.

Every function takes the actor and filters through ``portal.scoping``; none walks the region or
organization tree in Python, so each page runs the same number of queries whatever the city's size.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from grids.models import (
    CODE_LENGTH,
    LEVEL_ORDER,
    MemberImportJob,
    MemberStatus,
    PartyMember,
    PartyOrganization,
    Region,
    RegionLevel,
)
from grids.services import MEMBER_FIELDS
from portal import history
from portal.privacy import mask_mobile
from portal.scoping import Action, Actor, Grant, can, grants_for

# The tree's subtree figures may lag by this much (the page says when they were counted).
TREE_FIGURES_TTL = 300


@dataclass
class RegionCounts:
    """A region with the organizations and party members in its subtree."""

    region: Region
    organizations: int = 0
    members: int = 0


@dataclass
class TreeNode:
    region: Region
    # Ancestors from the top, each with whether the actor may open it.
    ancestors: list[tuple[Region, bool]]
    children: list[RegionCounts]
    # Organizations placed at this node itself, each annotated with ``member_count``.
    organizations: list[PartyOrganization]
    total: RegionCounts
    child_level_label: str = ""
    counted_at: datetime | None = None


@dataclass
class TreeRoots:
    """Where a user's tree starts: the top regions of their grants, and organizations granted alone."""

    regions: list[RegionCounts] = field(default_factory=list)
    organizations: list[PartyOrganization] = field(default_factory=list)

    @property
    def single_region(self) -> Region | None:
        if len(self.regions) == 1 and not self.organizations:
            return self.regions[0].region
        return None


def child_level(level: str) -> str | None:
    index = LEVEL_ORDER.index(level)
    return LEVEL_ORDER[index + 1] if index + 1 < len(LEVEL_ORDER) else None


def regions_visible(actor: Actor) -> QuerySet[Region]:
    return Region.objects.visible_to(actor)


def visible_region(actor: Actor, code: str) -> Region | None:
    return regions_visible(actor).filter(code=code).first()


def _counts_by_prefix(queryset: QuerySet, node: Region, prefix_length: int) -> dict[str, int]:
    """Rows under ``node`` grouped by the first ``prefix_length`` characters of their region path.

    Codes have a fixed length per level, so that prefix is exactly the path of the child region
    holding the row (or the node's own path for rows placed at the node). Rows are first counted
    per region on their own table (the foreign-key index alone), then rolled up through the
    regions: grouping 300,000 member rows by a string cut from a joined path took four times longer.
    """
    per_region = (
        queryset.filter(region__path__startswith=node.path)
        .values("region_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    inner, params = per_region.query.sql_with_params()
    sql = (
        f"SELECT substr(r.path, 1, %s), SUM(c.n) FROM ({inner}) c "
        f"JOIN {Region._meta.db_table} r ON r.id = c.region_id GROUP BY 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [prefix_length, *params])
        return {prefix: int(n) for prefix, n in cursor.fetchall()}


def _subtree_figures(actor: Actor, node: Region, prefix_length: int) -> dict:
    """Organization and member counts per child of ``node``, computed at most every few minutes.

    Whoever may open a node sees its whole subtree (grants cover subtrees), so the figures are
    the same for every viewer and one cache entry per node serves them all.
    """
    key = f"tree-figures:{node.path}"
    figures = cache.get(key)
    if figures is None:
        figures = {
            "organizations": _counts_by_prefix(
                PartyOrganization.objects.visible_to(actor), node, prefix_length
            ),
            "members": _counts_by_prefix(PartyMember.objects.visible_to(actor), node, prefix_length),
            "counted_at": timezone.now(),
        }
        cache.set(key, figures, TREE_FIGURES_TTL)
    return figures


def tree_node(actor: Actor, node: Region) -> TreeNode:
    level = child_level(node.level)
    prefix_length = len(node.path) + (CODE_LENGTH[level] + 1 if level else 0)
    figures = _subtree_figures(actor, node, prefix_length)
    organizations, members = figures["organizations"], figures["members"]
    children = [
        RegionCounts(child, organizations.get(child.path, 0), members.get(child.path, 0))
        for child in Region.objects.filter(parent=node).order_by("code")
    ]
    ancestors = [
        (region, can(actor, Action.VIEW, region))  # no query: grants are cached on the actor
        for region in Region.objects.filter(code__in=node.ancestor_codes()).order_by("path")
    ]
    here = list(
        PartyOrganization.objects.visible_to(actor)
        .filter(region=node)
        .select_related("secretary")
        .annotate(member_count=Count("members"))
        .order_by("path")
    )
    total = RegionCounts(node, sum(organizations.values()), sum(members.values()))
    label = RegionLevel(level).label if level else ""
    return TreeNode(node, ancestors, children, here, total, label, figures["counted_at"])


def _top_paths(paths: set[str]) -> list[str]:
    """The paths not lying inside another one: a grant for a district and one of its streets start at the district."""
    return sorted(p for p in paths if not any(p != q and p.startswith(q) for q in paths))


def _subtree_counts(queryset: QuerySet, lookup: str, paths: list[str]) -> list[int]:
    # One conditional aggregate for all roots: a user holds a handful of grants, not thousands.
    if not paths:
        return []
    within = Q()
    for path in paths:
        within |= Q(**{f"{lookup}__startswith": path})
    aggregates = {
        f"n{i}": Count("pk", filter=Q(**{f"{lookup}__startswith": path})) for i, path in enumerate(paths)
    }
    result = queryset.filter(within).aggregate(**aggregates)
    return [result[f"n{i}"] for i in range(len(paths))]


def _granted_organizations(grants: list[Grant], regions: list[Region]) -> list[PartyOrganization]:
    """Organizations granted on their own (a branch secretary's), unless a granted region holds them."""
    org_paths = _top_paths({g.org_path for g in grants if g.org_path})
    if not org_paths:
        return []
    organizations = PartyOrganization.objects.filter(path__in=org_paths).select_related("region")
    return [o for o in organizations if not any(o.region.path.startswith(r.path) for r in regions)]


def tree_roots(actor: Actor) -> TreeRoots:
    grants = [g for g in grants_for(actor) if Action.VIEW in g.actions]
    if any(g.everything for g in grants):
        regions = list(Region.objects.filter(parent=None).order_by("path"))
    else:
        top = _top_paths({g.region_path for g in grants if g.region_path})
        regions = list(Region.objects.filter(path__in=top).order_by("path"))
    organizations = _granted_organizations(grants, regions)
    if len(regions) == 1 and not organizations:
        return TreeRoots(regions=[RegionCounts(regions[0])])  # the page shows that node, with its own counts
    paths = [r.path for r in regions]
    org_counts = _subtree_counts(PartyOrganization.objects.visible_to(actor), "region__path", paths)
    member_counts = _subtree_counts(PartyMember.objects.visible_to(actor), "region__path", paths)
    roots = TreeRoots(
        regions=[RegionCounts(r, o, m) for r, o, m in zip(regions, org_counts, member_counts, strict=True)]
    )
    if organizations:
        counts = _subtree_counts(
            PartyMember.objects.visible_to(actor), "organization__path", [o.path for o in organizations]
        )
        for org, count in zip(organizations, counts, strict=True):
            org.member_count = count
        roots.organizations = organizations
    return roots


# Organizations ---------------------------------------------------------------------------------


def organizations_visible(actor: Actor, action: str = Action.VIEW) -> QuerySet[PartyOrganization]:
    return PartyOrganization.objects.visible_to(actor, action)


def organizations_changeable(actor: Actor) -> QuerySet[PartyOrganization]:
    """The organizations ``actor`` may change: register members in, import into, place new
    organizations under, record activities and own brands for. The one answer to that question."""
    return PartyOrganization.objects.visible_to(actor, Action.CHANGE)


def organization_for_page(actor: Actor, pk: int) -> PartyOrganization | None:
    return (
        organizations_visible(actor)
        .select_related("region", "parent__region", "secretary")
        .filter(pk=pk)
        .first()
    )


def can_edit_organization(actor: Actor, organization: PartyOrganization) -> bool:
    """The edit form sets the placement too, so it needs change rights where the organization sits.

    (organization_update itself lets a rename through with rights over the organization alone.)
    """
    placement = organization.parent or organization.region
    return can(actor, Action.CHANGE, organization) and can(actor, Action.CHANGE, placement)


def organization_children(actor: Actor, organization: PartyOrganization) -> list[PartyOrganization]:
    return list(
        organizations_visible(actor)
        .filter(parent=organization)
        .select_related("region")
        .annotate(member_count=Count("members"))
        .order_by("name")
    )


def organization_member_figures(actor: Actor, organization: PartyOrganization) -> dict[str, int]:
    """Direct members by category, and everyone in the organization's subtree, in one query."""
    direct = Q(organization=organization)
    return (
        PartyMember.objects.visible_to(actor)
        .filter(organization__path__startswith=organization.path)
        .aggregate(
            subtree=Count("pk"),
            direct=Count("pk", filter=direct),
            full=Count("pk", filter=direct & Q(status=MemberStatus.FULL)),
            probationary=Count("pk", filter=direct & Q(status=MemberStatus.PROBATIONARY)),
            central=Count("pk", filter=direct & Q(is_central_household=True)),
            in_service=Count("pk", filter=direct & Q(is_in_service=True)),
            mobile=Count("pk", filter=direct & Q(is_mobile_member=True)),
        )
    )


def organization_members(actor: Actor, organization: PartyOrganization) -> QuerySet:
    return PartyMember.objects.visible_to(actor).filter(organization=organization).order_by("name", "pk")


# Members ---------------------------------------------------------------------------------------


def members_visible(actor: Actor) -> QuerySet[PartyMember]:
    return PartyMember.objects.visible_to(actor)


def member_list(actor: Actor) -> QuerySet[PartyMember]:
    """The member list page: each row names its organization.

    Read in the page's order (by organization): a district's first page reads ~30 rows, where
    starting from the district's 35,000 members sorted them all (see portal.scoping._path_q).
    """
    return PartyMember.objects.visible_to(actor, subtree_first=False).select_related("organization")


def member_for_page(actor: Actor, pk: int) -> PartyMember | None:
    # The region is read by every scope check on the member.
    return members_visible(actor).select_related("organization__region", "region").filter(pk=pk).first()


# What a history entry may show: the editable fields and the masked ID number (never the hash).
HISTORY_FIELDS = (*MEMBER_FIELDS, "id_number_masked")
HISTORY_LENGTH = 20


def member_history(member: PartyMember, limit: int = HISTORY_LENGTH) -> list[history.HistoryEntry]:
    """The last ``limit`` changes to a member: who, when, and each field's old and new value.

    One query for the records (one more than shown, to diff the oldest against), one for the
    names of the organizations they mention.
    """
    records = history.latest_records(member, limit)
    formats = {
        "organization": history.names(PartyOrganization, (r.organization_id for r in records)),
        "mobile": mask_mobile,
    }
    return history.entries(records, HISTORY_FIELDS, limit=limit, formats=formats)


# Member imports ---------------------------------------------------------------------------------


def import_jobs_visible(actor: Actor) -> QuerySet:
    """Import jobs of organizations the actor may import into."""
    return MemberImportJob.objects.visible_to(actor, Action.CHANGE)
