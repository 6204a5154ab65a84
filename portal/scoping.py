"""Region scoping: the one place that answers what a user (or partner key) may see and change.

Every scoped model declares a ``ScopeSpec`` naming the lookups to its region's and its
organization's materialized paths. A grant covers a subtree: an object is in scope when its
path starts with the grant's path. Filtering is a single ``WHERE path LIKE 'prefix%'`` per grant
(indexed), so the number of queries never depends on the depth or size of the tree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypeAlias, Union

from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from portal.models import User


class Action(StrEnum):
    VIEW = "view"
    CHANGE = "change"
    EXPORT = "export"
    REVIEW = "review"
    MANAGE_ROLES = "manage_roles"


STAFF_ACTIONS = frozenset(Action)
SECRETARY_ACTIONS = frozenset({Action.VIEW, Action.CHANGE, Action.EXPORT})

# Which actions each role grants over its place. Volunteers act on their own records (wishes,
# hours) through their own services; they get no staff scope here. A partner is a system, not a
# person: its scope comes from its API key (portal.api.auth.PartnerPrincipal), never from a
# user session, and the login page refuses accounts whose only role is partner.
ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    "city_staff": STAFF_ACTIONS,
    "district_staff": STAFF_ACTIONS,
    "street_staff": STAFF_ACTIONS,
    "community_staff": STAFF_ACTIONS,
    "branch_secretary": SECRETARY_ACTIONS,
    "volunteer": frozenset(),
    "partner": frozenset(),
}


@dataclass(frozen=True)
class ScopeSpec:
    """Lookups from a model to the materialized paths that place it."""

    region: str | None = None
    organization: str | None = None
    # How a grant below the root filters the rows (see _path_q): start from the subtree's nodes
    # (True), or join them to rows read in the list's own order (False) when that order is not
    # correlated with the tree, as for activity records read newest first.
    subtree_first: bool = True
    # A column holding the district's code, when the model keeps one: a district grant then
    # filters on it (indexed with the id), where the subtree form reads and sorts a whole district.
    district: str | None = None
    # Likewise a column holding the street's code: a street grant filters on it. For rows read
    # newest first a street's page is then one index range, where walking the city's newest rows
    # for the street's 1/156 read 5,000 rows (30,000 for one kind of record).
    street: str | None = None


@dataclass(frozen=True)
class Grant:
    actions: frozenset[str]
    region_path: str | None = None
    org_path: str | None = None
    everything: bool = False


@dataclass
class Principal:
    """A non-user actor (a partner API key) with explicit grants."""

    grants: list[Grant] = field(default_factory=list)
    is_authenticated: bool = True
    is_superuser: bool = False


# Who acts: a signed-in person or a partner system's key. ``Viewer`` adds the anonymous visitor,
# who may read (the public wall) but holds no grant. Union with forward references, because
# portal.models imports this module; unlike a quoted "User | Principal" it still allows
# ``Actor | None`` in modules that evaluate their annotations.
Actor: TypeAlias = Union["User", Principal]  # noqa: UP007
Viewer: TypeAlias = Union["User", Principal, "AnonymousUser"]  # noqa: UP007


def grants_for(actor: Viewer | None) -> list[Grant]:
    """The actor's grants, computed once per actor object (one query for a user)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return []
    if isinstance(actor, Principal):
        return actor.grants
    cached = getattr(actor, "_scope_grants", None)
    if cached is None:
        cached = _user_grants(actor)
        actor._scope_grants = cached
    return cached


def _user_grants(user: User) -> list[Grant]:
    if user.is_superuser:
        return [Grant(actions=frozenset(Action), everything=True)]
    grants = []
    roles = set()
    for a in user.assignments.select_related("region", "organization"):
        roles.add(a.role)
        actions = ROLE_ACTIONS.get(a.role, frozenset())
        if not actions:
            continue
        if a.organization_id:
            grants.append(Grant(actions, org_path=a.organization.path))
        elif a.region_id:
            grants.append(Grant(actions, region_path=a.region.path))
    # Kept for gates that ask about roles without scope (the volunteer pages): no second query.
    user._scope_roles = frozenset(roles)
    return grants


def held_roles(actor: Viewer | None) -> frozenset[str] | None:
    """The roles a user's assignments name (read with the grants), or None when not known (superusers)."""
    grants_for(actor)
    return getattr(actor, "_scope_roles", None)


def forget_grants(actor: Viewer) -> None:
    if hasattr(actor, "_scope_grants"):
        del actor._scope_grants


def has_any(actor: Viewer, action: str) -> bool:
    return any(action in g.actions for g in grants_for(actor))


def _spec(model: type[models.Model]) -> ScopeSpec:
    spec = getattr(model, "scope", None)
    if not isinstance(spec, ScopeSpec):
        raise TypeError(f"{model.__name__} declares no ScopeSpec: it cannot be scoped")
    return spec


def _related_model(model: type[models.Model], lookup: str) -> type[models.Model]:
    for name in lookup.split("__"):
        model = model._meta.get_field(name).related_model
    return model


def _path_q(model: type[models.Model], lookup: str, path: str, strict: bool, subtree_first: bool) -> Q:
    relation = lookup.removesuffix("__path")
    if relation == lookup or path.count("/") == 1 or not subtree_first:
        # On the node's own table, or for a root grant that matches nearly every row, the plain
        # join lets PostgreSQL walk the primary key and stop at the first page. So does a list
        # whose order is not correlated with the tree (newest records first, members by
        # organization): a district's page of 30 reads ~300 rows in that order, and the planner,
        # which sees the subtree's size, starts from the subtree when it is small.
        q = Q(**{f"{lookup}__startswith": path})
        return q & ~Q(**{lookup: path}) if strict else q
    # Below the root, "relation IN (nodes of the subtree)" lets the planner start from the
    # (indexed) subtree instead of scanning the whole table in id order to fill a page.
    nodes = _related_model(model, relation).objects.filter(path__startswith=path).order_by()
    if strict:
        nodes = nodes.exclude(path=path)
    return Q(**{f"{relation}_id__in_subtree": nodes.values("pk")})


def _grant_q(
    model: type[models.Model], grant: Grant, spec: ScopeSpec, strict: bool, subtree_first: bool
) -> Q | None:
    path = grant.region_path
    if path and spec.region and spec.district and subtree_first and path.count("/") == 2:
        q = Q(**{spec.district: path.split("/")[1]})
        return q & ~Q(**{spec.region: path}) if strict else q
    if path and spec.region and spec.street and path.count("/") == 3:
        q = Q(**{spec.street: path.split("/")[2]})
        return q & ~Q(**{spec.region: path}) if strict else q
    for path, lookup in ((grant.region_path, spec.region), (grant.org_path, spec.organization)):
        if path and lookup:
            return _path_q(model, lookup, path, strict, subtree_first)
    return None


def scope(
    actor: Viewer | None,
    queryset: models.QuerySet,
    action: str = Action.VIEW,
    *,
    strict: bool = False,
    subtree_first: bool | None = None,
):
    """Filter ``queryset`` to the objects ``actor`` may perform ``action`` on.

    ``strict`` limits each grant to what lies strictly below its own node (reviewers must
    stand above what they review). ``subtree_first`` overrides the model's ``ScopeSpec`` for a
    list read in an order of its own (see ``_path_q``).
    """
    spec = _spec(queryset.model)
    subtree_first = spec.subtree_first if subtree_first is None else subtree_first
    combined: Q | None = None
    for grant in grants_for(actor):
        if action not in grant.actions:
            continue
        if grant.everything:
            return queryset
        q = _grant_q(queryset.model, grant, spec, strict, subtree_first)
        if q is not None:
            combined = q if combined is None else combined | q
    return queryset.none() if combined is None else queryset.filter(combined)


def _resolve(obj: Any, lookup: str | None) -> str | None:
    if lookup is None:
        return None
    for part in lookup.split("__"):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


def can(actor: Viewer | None, action: str, obj: models.Model, *, strict: bool = False) -> bool:
    """May ``actor`` perform ``action`` on ``obj``? Decided in Python from the object's paths."""
    spec = _spec(type(obj))
    region_path, org_path = _resolve(obj, spec.region), _resolve(obj, spec.organization)
    for grant in grants_for(actor):
        if action not in grant.actions:
            continue
        if grant.everything:
            return True
        for mine, theirs in ((grant.region_path, region_path), (grant.org_path, org_path)):
            if mine and theirs and theirs.startswith(mine) and not (strict and theirs == mine):
                return True
    return False


@models.ForeignKey.register_lookup
class InSubtree(models.Lookup):
    """``fk IN (subquery)`` that PostgreSQL evaluates first, as ``fk = ANY(ARRAY(subquery))``.

    As a plain IN, PostgreSQL turns the subquery into a semi-join and, for "newest page first",
    walks the whole table in id order: a district whose members are old rows read 260,000 rows
    to fill a page of 50. The array is computed once and the rows found by the foreign-key index.
    """

    lookup_name = "in_subtree"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(ARRAY{rhs})", [*lhs_params, *rhs_params]
        return f"{lhs} IN {rhs}", [*lhs_params, *rhs_params]


class ScopedQuerySet(models.QuerySet):
    def visible_to(
        self,
        actor: Viewer | None,
        action: str = Action.VIEW,
        *,
        strict: bool = False,
        subtree_first: bool | None = None,
    ):
        return scope(actor, self, action, strict=strict, subtree_first=subtree_first)
