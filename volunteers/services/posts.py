"""One person, one post (一人一岗): an in-service party member reports to their community
(在职党员社区报到) and holds exactly one of its posts at a time.

A post's places are decided by the database, as for base slots (brands.services.bases): taking one
is a conditional UPDATE (``taken < capacity``) whose row count says who won; on PostgreSQL the
UPDATE locks the post's row until commit, so concurrent takers queue on it and re-check against
the committed count. The CHECK ``taken <= capacity`` and the partial unique index (one held post
per volunteer) back it up.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grids.models import Region, RegionLevel
from portal.errors import Conflict, IllegalTransition, NotAllowed
from portal.models import User
from portal.scoping import Action, can
from volunteers.models import HoldingStatus, Post, PostHolding, Volunteer

NOT_ACTIVE = _("审核通过的志愿者才能认领岗位。")
NOT_IN_SERVICE = _("一人一岗面向在职党员：请在注册信息中登记为在职党员并填写工作单位。")
OTHER_COMMUNITY = _("只能认领本人所在社区的岗位。")
CLOSED = _("该岗位暂不开放认领。")
FULL = _("该岗位名额已满，请选择其他岗位。")
ALREADY_HOLDING = _("您已在岗。一人一岗：请先离岗，或直接换岗。")
SAME_POST = _("您已在这个岗位上。")
NOT_HOLDING = _("您当前没有在岗。")
STAFF_ONLY = _("只有该社区及上级的工作人员可以管理岗位。")
BELOW_TAKEN = _("名额不能少于已上岗人数（%(taken)d）。")


def volunteer_refusal(volunteer: Volunteer) -> str | None:
    """Why ``volunteer`` may take no post at all, or None."""
    if not volunteer.is_active:
        return str(NOT_ACTIVE)
    if not volunteer.is_in_service:
        return str(NOT_IN_SERVICE)
    return None


def refusal_to_take(volunteer: Volunteer, post: Post) -> str | None:
    """Why ``volunteer`` may not take ``post`` (before any place is counted), or None."""
    refusal = volunteer_refusal(volunteer)
    if refusal:
        return refusal
    if post.community_id != volunteer.community_id:
        return str(OTHER_COMMUNITY)
    if not post.is_open:
        return str(CLOSED)
    return None


def current_holding(volunteer: Volunteer) -> PostHolding | None:
    return (
        PostHolding.objects.select_related("post")
        .filter(volunteer=volunteer, status=HoldingStatus.HELD)
        .first()
    )


@transaction.atomic
def post_take(*, volunteer: Volunteer, post: Post) -> PostHolding:
    refusal = refusal_to_take(volunteer, post)
    if refusal:
        raise NotAllowed(refusal)
    if current_holding(volunteer) is not None:
        raise Conflict(ALREADY_HOLDING)
    return _take(volunteer, post)


@transaction.atomic
def post_leave(*, volunteer: Volunteer) -> PostHolding:
    holding = current_holding(volunteer)
    if holding is None or not _end(holding):
        raise IllegalTransition(NOT_HOLDING)
    holding.refresh_from_db()
    return holding


@transaction.atomic
def post_switch(*, volunteer: Volunteer, post: Post) -> PostHolding:
    """Leave the current post and take ``post`` at once: if ``post`` is full, nothing changes."""
    refusal = refusal_to_take(volunteer, post)
    if refusal:
        raise NotAllowed(refusal)
    holding = current_holding(volunteer)
    if holding is not None and holding.post_id == post.pk:
        raise Conflict(SAME_POST)
    if holding is not None and not _end(holding):
        raise IllegalTransition(NOT_HOLDING)
    return _take(volunteer, post)


def _take(volunteer: Volunteer, post: Post) -> PostHolding:
    won = Post.objects.filter(pk=post.pk, is_open=True, taken__lt=F("capacity")).update(taken=F("taken") + 1)
    if not won:
        raise Conflict(FULL)
    try:
        with transaction.atomic():
            holding = PostHolding.objects.create(post=post, volunteer=volunteer)
    except IntegrityError:
        # The same person taking two posts at once (two tabs): the unique index refuses the
        # second, and leaving by this exception undoes the whole transaction, increment included.
        raise Conflict(ALREADY_HOLDING) from None
    if volunteer.reported_at is None:
        # 在职党员社区报到: the first post taken is the report to the community.
        volunteer.reported_at = timezone.now()
        volunteer.save(update_fields=["reported_at", "updated_at"])
    post.refresh_from_db(fields=["taken"])
    return holding


def _end(holding: PostHolding) -> bool:
    # Two clicks on 离岗 free the place once: the status change decides.
    ended = PostHolding.objects.filter(pk=holding.pk, status=HoldingStatus.HELD).update(
        status=HoldingStatus.ENDED, ended_at=timezone.now()
    )
    if ended:
        Post.objects.filter(pk=holding.post_id, taken__gt=0).update(taken=F("taken") - 1)
    return bool(ended)


@transaction.atomic
def post_create(*, actor: User, community: Region, name: str, capacity: int, description: str = "") -> Post:
    if community.level != RegionLevel.COMMUNITY or not can(actor, Action.CHANGE, community):
        raise NotAllowed(STAFF_ONLY)
    post = Post(community=community, name=name.strip(), capacity=capacity, description=description.strip())
    post.full_clean()
    post.save()
    return post


@transaction.atomic
def post_update(*, actor: User, post: Post, capacity: int, is_open: bool, description: str) -> Post:
    if not can(actor, Action.CHANGE, post):
        raise NotAllowed(STAFF_ONLY)
    # The new capacity is compared with the committed count, in the UPDATE itself: a place
    # taken a moment ago is not lost by lowering the capacity below it.
    changed = Post.objects.filter(pk=post.pk, taken__lte=capacity).update(
        capacity=capacity, is_open=is_open, description=description.strip()
    )
    post.refresh_from_db()
    if not changed:
        raise ValidationError({"capacity": BELOW_TAKEN % {"taken": post.taken}})
    return post
