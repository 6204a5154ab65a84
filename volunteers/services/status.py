"""A volunteer's status: applicant → active (approved by community staff in scope) → suspended or
archived with a reason the volunteer sees. Each change is told to the volunteer (portal.notifications).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.errors import IllegalTransition, NotAllowed
from portal.models import User
from portal.notifications import notify
from portal.scoping import Action, can
from volunteers.models import HoldingStatus, Post, PostHolding, Volunteer, VolunteerStatus

S = VolunteerStatus
# Which statuses each change starts from: anything else is refused with ILLEGAL below.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.ACTIVE: frozenset({S.APPLICANT, S.SUSPENDED}),
    S.SUSPENDED: frozenset({S.ACTIVE}),
    S.ARCHIVED: frozenset({S.APPLICANT, S.ACTIVE, S.SUSPENDED}),
}
ILLEGAL = gettext_lazy("该志愿者当前为“%(status)s”，不能改为“%(target)s”。")
REASON_REQUIRED = gettext_lazy("请填写原因，志愿者会看到它。")
OUT_OF_SCOPE = gettext_lazy("只有该志愿者所在社区及上级的工作人员可以审核。")


def may_change_status(actor: User, volunteer: Volunteer) -> bool:
    """Community staff (or staff above) where the volunteer lives; never the volunteer."""
    return can(actor, Action.CHANGE, volunteer)


def allowed_targets(volunteer: Volunteer) -> list[str]:
    return [target for target, sources in TRANSITIONS.items() if volunteer.status in sources]


@transaction.atomic
def volunteer_approve(*, actor: User, volunteer: Volunteer) -> Volunteer:
    """Approve an applicant, or reinstate a suspended volunteer."""
    return _change(actor=actor, volunteer=volunteer, target=S.ACTIVE, reason="")


@transaction.atomic
def volunteer_suspend(*, actor: User, volunteer: Volunteer, reason: str) -> Volunteer:
    return _change(actor=actor, volunteer=volunteer, target=S.SUSPENDED, reason=reason)


@transaction.atomic
def volunteer_archive(*, actor: User, volunteer: Volunteer, reason: str) -> Volunteer:
    """Archive: the volunteer leaves their post (its place is freed) and can no longer act."""
    volunteer = _change(actor=actor, volunteer=volunteer, target=S.ARCHIVED, reason=reason)
    _end_holding(volunteer)
    return volunteer


def _change(*, actor: User, volunteer: Volunteer, target: str, reason: str) -> Volunteer:
    if not may_change_status(actor, volunteer):
        raise NotAllowed(OUT_OF_SCOPE)
    reason = reason.strip()
    if target != S.ACTIVE and not reason:
        raise IllegalTransition(REASON_REQUIRED)
    # Locked and re-read: two staff clicking at once change the status once, and the second is
    # told what it has become (the history keeps both attempts' outcome honestly: one entry).
    current = Volunteer.objects.select_for_update().select_related("community").get(pk=volunteer.pk)
    if current.status not in TRANSITIONS[target]:
        raise IllegalTransition(ILLEGAL % {"status": current.get_status_display(), "target": S(target).label})
    current.status, current.status_reason = target, reason[:200]
    current.status_changed_by, current.status_changed_at = actor, timezone.now()
    current.save(
        update_fields=["status", "status_reason", "status_changed_by", "status_changed_at", "updated_at"]
    )
    _tell(current)
    return current


def _end_holding(volunteer: Volunteer) -> None:
    holding = PostHolding.objects.filter(volunteer=volunteer, status=HoldingStatus.HELD).first()
    if holding is None:
        return
    ended = PostHolding.objects.filter(pk=holding.pk, status=HoldingStatus.HELD).update(
        status=HoldingStatus.ENDED, ended_at=timezone.now()
    )
    if ended:
        Post.objects.filter(pk=holding.post_id, taken__gt=0).update(taken=F("taken") - 1)


TITLES = {
    S.ACTIVE: gettext_lazy("您的志愿者注册已通过审核"),
    S.SUSPENDED: gettext_lazy("您的志愿者资格已暂停"),
    S.ARCHIVED: gettext_lazy("您的志愿者账号已归档"),
}


def _tell(volunteer: Volunteer) -> None:
    body = volunteer.status_reason and _("原因：%(reason)s") % {"reason": volunteer.status_reason}
    notify(
        recipients=[volunteer.user],
        kind=f"volunteers.{volunteer.status}",
        title=str(TITLES[volunteer.status]),
        body=body or _("现在可以认领岗位、报名参加志愿服务活动了。"),
        link="/volunteers/me/",
        dedupe_key=f"volunteers.status:{volunteer.pk}:{volunteer.status_changed_at:%Y%m%d%H%M%S%f}",
    )
