"""Moderation of submitted wishes: publish (approve), edit before publishing, or reject with a reason.

Only a submitted wish is moderated. Each decision is a conditional UPDATE of the status
(``WHERE status = 'submitted'``): of two moderators deciding at once, one wins and the other is
told what happened meanwhile. Publishing tells partners (``wish.published``) and, once committed,
the volunteers who can help: the active volunteers of the wish's community, then those of the
district whose specialty matches the category, at most WISH_PUBLISH_NOTIFY_MAX of them, through
the message centre (one task and one bulk insert for them all).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.errors import IllegalTransition, NotAllowed
from portal.models import User
from portal.notifications import notify
from portal.scoping import Action, can
from portal.webhooks import emit
from volunteers.models import Volunteer, VolunteerStatus
from wishes.models import (
    CATEGORY_SPECIALTY,
    EventActor,
    EventNote,
    Wish,
    WishCategory,
    WishEvent,
    WishEventKind,
    WishStatus,
)
from wishes.services.resident_sms import tell_resident
from wishes.services.submission import check_text, check_value, wish_webhook_data

# Moderating is changing a wish of one's scope; the gate MODERATE_WISHES asks the same right.
MODERATE = Action.CHANGE
REASON_MIN, REASON_MAX = 2, 200
WALL_PATH = "/wishes/"


class NotAwaitingModeration(IllegalTransition):
    default_message = gettext_lazy("该心愿不在待审核状态，不能再审核或修改。")

    @classmethod
    def for_wish(cls, wish: Wish) -> NotAwaitingModeration:
        wish.refresh_from_db(fields=["status"])
        return cls(
            _("该心愿当前状态为“%(status)s”，只有待审核的心愿才能发布、修改或退回。")
            % {"status": wish.get_status_display()}
        )


def may_moderate(actor: User, wish: Wish) -> bool:
    return can(actor, MODERATE, wish)


def _check_actor(actor: User, wish: Wish) -> None:
    if not may_moderate(actor, wish):
        raise NotAllowed(_("该心愿不在您的审核范围内。"))


def _decide(wish: Wish, **changes: object) -> None:
    """submitted → the new status, or NotAwaitingModeration when someone decided first."""
    now = timezone.now()
    won = Wish.objects.filter(pk=wish.pk, status=WishStatus.SUBMITTED).update(updated_at=now, **changes)
    if won != 1:
        raise NotAwaitingModeration.for_wish(wish)
    for name, value in {"updated_at": now, **changes}.items():
        setattr(wish, name, value)


@transaction.atomic
def wish_approve(*, actor: User, wish: Wish) -> Wish:
    """Publish a submitted wish on the wall and tell the volunteers who can help."""
    _check_actor(actor, wish)
    _decide(wish, status=WishStatus.PUBLISHED, published_at=timezone.now())
    WishEvent.objects.create(
        wish=wish,
        kind=WishEventKind.APPROVED,
        actor=actor,
        actor_kind=EventActor.MODERATOR,
        actor_label=actor.masked_name,
    )
    emit("wish.published", region=wish.community, data=wish_webhook_data(wish))
    _tell_volunteers(wish)
    with translation.override(settings.LANGUAGE_CODE):
        text = _("您的微心愿“%(title)s”已通过审核，发布到心愿墙，等待志愿者认领。") % {
            "title": wish.title[:20]
        }
    tell_resident(wish=wish, event="published", text=text)
    return wish


@transaction.atomic
def wish_reject(*, actor: User, wish: Wish, reason: str) -> Wish:
    """Turn a submitted wish down; the resident reads ``reason`` on the tracking page."""
    _check_actor(actor, wish)
    reason = " ".join((reason or "").split())
    if not REASON_MIN <= len(reason) <= REASON_MAX:
        raise ValidationError(
            {
                "reason": _("请填写退回原因（%(min)d 至 %(max)d 个字），居民会看到它。")
                % {"min": REASON_MIN, "max": REASON_MAX}
            }
        )
    _decide(wish, status=WishStatus.REJECTED, reject_reason=reason)
    WishEvent.objects.create(
        wish=wish,
        kind=WishEventKind.REJECTED,
        actor=actor,
        actor_kind=EventActor.MODERATOR,
        actor_label=actor.masked_name,
        note=reason,
    )
    with translation.override(settings.LANGUAGE_CODE):
        text = _("您的微心愿“%(title)s”未通过审核：%(reason)s 凭查询码 %(code)s 可查看详情。") % {
            "title": wish.title[:20],
            "reason": reason,
            "code": wish.tracking_code_display,
        }
    tell_resident(wish=wish, event="rejected", text=text)
    return wish


@transaction.atomic
def wish_edit(
    *,
    actor: User,
    wish: Wish,
    title: str,
    description: str,
    category: str,
    value_yuan: Decimal,
    publish: bool = False,
) -> Wish:
    """Correct a submitted wish (a typo, a phone number in the text) and, if ``publish``, publish it."""
    _check_actor(actor, wish)
    locked = Wish.objects.select_for_update().get(pk=wish.pk)
    if locked.status != WishStatus.SUBMITTED:
        raise NotAwaitingModeration.for_wish(wish)
    changed = _apply_edits(
        locked, title=title, description=description, category=category, value_yuan=value_yuan
    )
    if changed:
        locked.save(update_fields=[*changed, "updated_at"])
        WishEvent.objects.create(
            wish=locked,
            kind=WishEventKind.EDITED,
            actor=actor,
            actor_kind=EventActor.MODERATOR,
            actor_label=actor.masked_name,
            note_code=EventNote.EDITED,
            note=",".join(changed),  # the fields' names: their labels are shown in the reader's language
        )
    return wish_approve(actor=actor, wish=locked) if publish else locked


def _apply_edits(
    wish: Wish, *, title: str, description: str, category: str, value_yuan: Decimal
) -> list[str]:
    errors: dict[str, list] = {}

    def refuse(key: str, message: object) -> None:
        errors.setdefault(key, []).append(message)

    new = {
        "title": " ".join((title or "").split()),
        "description": (description or "").strip().replace("\r\n", "\n"),
        "category": category,
        "value": value_yuan,
    }
    check_text(new["title"], new["description"], refuse)
    check_value(new["value"], refuse)
    if category not in WishCategory.values:
        refuse("category", _("请选择心愿类别。"))
    if errors:
        raise ValidationError(errors)
    changed = [name for name, value in new.items() if getattr(wish, name) != value]
    for name in changed:
        setattr(wish, name, new[name])
    return changed


def publish_recipients(wish: Wish) -> list[int]:
    """The accounts told of a newly published wish: the community's active volunteers first,
    then the district's of the matching specialty; at most WISH_PUBLISH_NOTIFY_MAX (two queries)."""
    limit = settings.WISH_PUBLISH_NOTIFY_MAX
    active = Volunteer.objects.filter(status=VolunteerStatus.ACTIVE).order_by("id")
    ids = list(active.filter(community_id=wish.community_id).values_list("user_id", flat=True)[:limit])
    specialty = CATEGORY_SPECIALTY.get(wish.category)
    if specialty and len(ids) < limit:
        matching = active.filter(district_code=wish.district_code, specialties__code=specialty).exclude(
            community_id=wish.community_id
        )
        ids += matching.values_list("user_id", flat=True)[: limit - len(ids)]
    return ids


def _tell_volunteers(wish: Wish) -> None:
    ids = publish_recipients(wish)
    if not ids:
        return
    notify(
        recipients=User.objects.filter(pk__in=ids),
        kind="wishes.published",
        title=_("新的微心愿：%(title)s") % {"title": wish.title[:60]},
        body=_(
            "%(community)s的居民发布了一个“%(category)s”心愿，估计价值 %(value)s 元。先到先得，快去心愿墙看看吧。"
        )
        % {"community": wish.community.name, "category": wish.get_category_display(), "value": wish.value},
        link=WALL_PATH,
        dedupe_key=f"wishes.published:{wish.pk}",
    )
