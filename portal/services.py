"""Writes of the portal itself (role grants), and ``model_update``, the one way every app's
services change the fields of an existing row."""

import datetime as dt
from collections.abc import Iterable, Mapping
from enum import Enum
from typing import Any, TypeVar

from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from grids.models import PartyOrganization, Region
from portal import history
from portal.errors import Conflict, NotAllowed
from portal.models import STAFF_ROLE_LEVEL, Role, RoleAssignment, User
from portal.scoping import Action, can, forget_grants

M = TypeVar("M", bound=models.Model)
# A row its author made this recently with the same content is the same form sent twice.
SENT_TWICE_WITHIN = dt.timedelta(minutes=10)


def refuse_sent_twice(*, actor: User, twins: QuerySet, message: str, made_at: str = "created_at") -> None:
    """Refuse a form sent twice (two tabs, a double click): ``twins`` are the author's rows with the
    new row's content; one made (``made_at``) within ``SENT_TWICE_WITHIN`` is the first sending.
    Call it inside the transaction that saves the new row: the author's row lock orders their two
    requests, so the second sees the first's row."""
    User.objects.select_for_update().filter(pk=actor.pk).values_list("pk", flat=True).get()
    if twins.filter(**{f"{made_at}__gte": timezone.now() - SENT_TWICE_WITHIN}).exists():
        raise Conflict(message)


def model_update(
    *, instance: M, fields: Iterable[str], data: Mapping[str, Any], clean_exclude: Iterable[str] = ()
) -> tuple[M, bool]:
    """Set the ``fields`` whose value in ``data`` differs, validate the whole row, save only those.

    Returns the instance and whether it changed. An unchanged instance is not saved, so it leaves
    no history record (saving a form untouched is no change). ``data`` may name only ``fields``:
    any other key is the caller's mistake, not input to drop silently. Auto-now fields
    (``updated_at``) are saved with the changed ones; many-to-many fields are set after the save.
    (HackSoft Django-Styleguide, ``common/services.py``.)
    """
    allowed = set(fields)
    unknown = set(data) - allowed
    if unknown:
        raise TypeError(f"{type(instance).__name__} cannot update {', '.join(sorted(unknown))}")
    changed, m2m = [], {}
    for name, value in data.items():
        field = instance._meta.get_field(name)
        if field.many_to_many:
            m2m[name] = value
        elif _stored(instance, field) != _stored_value(field, value):
            setattr(instance, name, value)
            changed.append(field.name)
    if changed:
        instance.full_clean(exclude=list(clean_exclude))
        automatic = [f.name for f in instance._meta.concrete_fields if getattr(f, "auto_now", False)]
        instance.save(update_fields=[*changed, *(a for a in automatic if a not in changed)])
    for name, value in m2m.items():
        related = getattr(instance, name)
        if set(related.all()) != set(value):
            related.set(value)
            changed.append(name)
    return instance, bool(changed)


class Unchanged(Enum):
    """The default of an update service's optional parameters: leave this field as it is.

    Not None, because None can be a value (no brand, no satisfaction recorded).
    """

    UNCHANGED = "unchanged"


UNCHANGED = Unchanged.UNCHANGED


def given(**values: Any) -> dict[str, Any]:
    """The values an update service was given, for ``model_update``'s ``data``."""
    return {name: value for name, value in values.items() if value is not UNCHANGED}


def _stored(instance: models.Model, field: models.Field) -> Any:
    # By attname, so a foreign key is compared by id without loading the related row.
    return getattr(instance, field.attname)


def _stored_value(field: models.Field, value: Any) -> Any:
    if field.is_relation and isinstance(value, models.Model):
        return value.pk
    return value


# Given and taken with a status decided elsewhere: registration and the volunteer's approval.
ROLES_GRANTED_ELSEWHERE = frozenset({Role.VOLUNTEER})


@transaction.atomic
def role_assign(
    *,
    actor: User,
    user: User,
    role: str,
    region: Region | None = None,
    organization: PartyOrganization | None = None,
) -> RoleAssignment:
    """Grant ``role`` at a place inside the actor's scope; staff roles only strictly below it."""
    if role in ROLES_GRANTED_ELSEWHERE:
        raise NotAllowed(_("志愿者身份随志愿者注册和审核授予，不在此授权。"))
    assignment = RoleAssignment(
        user=user, role=role, region=region, organization=organization, granted_by=actor
    )
    assignment.full_clean(exclude=["granted_by"])
    strict = role in STAFF_ROLE_LEVEL
    if not can(actor, Action.MANAGE_ROLES, assignment, strict=strict):
        raise NotAllowed(_("只能为本级以下的区域或党组织授权。"))
    history.attribute(assignment, actor=actor)
    assignment.save()
    forget_grants(user)
    return assignment


@transaction.atomic
def role_revoke(*, actor: User, assignment: RoleAssignment) -> None:
    if assignment.user_id == getattr(actor, "pk", None):
        raise NotAllowed(_("不能撤销自己的授权。"))
    if assignment.role in ROLES_GRANTED_ELSEWHERE:
        raise NotAllowed(_("志愿者身份随志愿者状态变化（暂停或归档），不在此撤销。"))
    if not can(actor, Action.MANAGE_ROLES, assignment, strict=assignment.role in STAFF_ROLE_LEVEL):
        raise NotAllowed()
    history.attribute(assignment, actor=actor)
    assignment.delete()
