from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from portal.errors import NotAllowed
from portal.models import STAFF_ROLE_LEVEL, RoleAssignment, User
from portal.scoping import Action, can, forget_grants


@transaction.atomic
def role_assign(
    *, actor: Any, user: User, role: str, region: Any = None, organization: Any = None
) -> RoleAssignment:
    """Grant ``role`` at a place inside the actor's scope; staff roles only strictly below it."""
    assignment = RoleAssignment(
        user=user, role=role, region=region, organization=organization, granted_by=actor
    )
    assignment.full_clean(exclude=["granted_by"])
    strict = role in STAFF_ROLE_LEVEL
    if not can(actor, Action.MANAGE_ROLES, assignment, strict=strict):
        raise NotAllowed(_("只能为本级以下的区域或党组织授权。"))
    assignment.save()
    forget_grants(user)
    return assignment


@transaction.atomic
def role_revoke(*, actor: Any, assignment: RoleAssignment) -> None:
    if assignment.user_id == getattr(actor, "pk", None):
        raise NotAllowed(_("不能撤销自己的授权。"))
    if not can(actor, Action.MANAGE_ROLES, assignment, strict=assignment.role in STAFF_ROLE_LEVEL):
        raise NotAllowed()
    assignment.delete()
