"""A resident's wish comes in: through the form, a partner's API key, or a partner's Open311 client.

``wish_submit`` is the one way in. It checks the input (field-keyed ``ValidationError``), the
per-IP submission rate and the per-mobile limit of open wishes, stores the wish with its
tracking code, starts its timeline and tells partners (``wish.submitted``, masked data only).
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from brands.images import ProcessedImage, process_upload
from grids.models import Region, RegionLevel, district_code_of
from portal import media
from portal.errors import Conflict
from portal.models import ApiScope, Role, User
from portal.notifications import notify
from portal.privacy import mask_mobile, mask_name
from portal.scoping import Action, Actor, can
from portal.validators import normalize_mobile, normalize_person_name, validate_mobile, validate_person_name
from portal.webhooks import emit
from wishes.models import OPEN_WISH, EventActor, Wish, WishCategory, WishChannel, WishEvent, WishEventKind
from wishes.services.limits import WishLimitExceeded, check_submit_rate, open_limit_message
from wishes.services.resident_sms import tell_resident

# Control characters other than line breaks and tabs: PostgreSQL stores no NUL, and the others
# only ever come from pasted binary or from someone probing.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
TRACKING_CODE_ATTEMPTS = 3


class WishSubmittedTwice(Conflict):
    code = "submitted_twice"
    default_message = _("这份心愿已经提交过了，请勿重复提交。")


MODERATORS_TOLD = 50


def wish_submit(
    *,
    name: str,
    mobile: str,
    community: Region,
    category: str,
    title: str,
    description: str,
    value_yuan: Decimal | None = None,
    photo: UploadedFile | None = None,
    consent: bool,
    sms_consent: bool = False,
    ip: str | None = None,
    channel: str = WishChannel.WEB,
    partner: str = "",
    submission_token: uuid.UUID | None = None,
) -> Wish:
    """Store a resident's wish (status submitted) and return it, its ``tracking_code`` set.

    Raises ``ValidationError`` (keyed by the parameter names above, ``value`` for the value) for
    bad input, ``SubmitRateExceeded`` when ``ip`` submitted too often, ``WishLimitExceeded`` when
    the mobile already has WISH_MAX_OPEN_PER_MOBILE open wishes. Nothing is stored then.
    """
    wish = _new_wish(
        name=name,
        mobile=mobile,
        community=community,
        category=category,
        title=title,
        description=description,
        value_yuan=value_yuan,
        sms_consent=sms_consent,
        ip=ip,
        channel=channel,
        partner=partner,
    )
    errors = _check(wish, consent=consent)
    # The image is decoded and re-encoded before any lock is taken: it is the slow part.
    processed = _process_photo(photo, errors)
    if errors:
        raise ValidationError(errors)
    check_submit_rate(ip)
    wish.submission_token = submission_token
    return _store(wish, processed)


def _new_wish(
    *,
    name: str,
    mobile: str,
    community: Region,
    category: str,
    title: str,
    description: str,
    value_yuan: Decimal | None,
    sms_consent: bool,
    ip: str | None,
    channel: str,
    partner: str,
) -> Wish:
    return Wish(
        resident_name=normalize_person_name(name),
        resident_mobile=normalize_mobile(mobile),
        community=community,
        district_code=district_code_of(community.path) if community is not None else "",
        category=category,
        title=" ".join((title or "").split()),
        description=(description or "").strip().replace("\r\n", "\n"),
        value=Decimal("0") if value_yuan is None else value_yuan,
        sms_consent=bool(sms_consent),
        consented_at=timezone.now(),
        submitted_ip=ip or None,
        channel=channel,
        partner=(partner or "")[:100],
    )


def _check(wish: Wish, *, consent: bool) -> dict[str, list]:
    """Every problem at once, keyed by the service's parameter names (forms show them on their fields)."""
    errors: dict[str, list] = {}

    def refuse(key: str, message: object) -> None:
        errors.setdefault(key, []).append(message)

    for key, check, value in (
        ("name", validate_person_name, wish.resident_name),
        ("mobile", validate_mobile, wish.resident_mobile),
    ):
        try:
            check(value)
        except ValidationError as error:
            refuse(key, error.messages[0])
    if wish.community is None or wish.community.level != RegionLevel.COMMUNITY:
        refuse("community", _("请选择所在的社区（村）。"))
    if wish.category not in WishCategory.values:
        refuse("category", _("请选择心愿类别。"))
    if wish.channel not in WishChannel.values:
        refuse("channel", _("未知的提交渠道。"))
    check_text(wish.title, wish.description, refuse)
    check_value(wish.value, refuse)
    if not consent:
        refuse("consent", _("请阅读并同意个人信息处理说明，否则无法提交心愿。"))
    return errors


def check_text(title: str, description: str, refuse: Callable[[str, object], None]) -> None:
    """The wish's title and description, as the submission and the moderator's edit check them."""
    limits = {"title": (title, 60, _("心愿标题")), "description": (description, 1000, _("心愿描述"))}
    for key, (text, longest, label) in limits.items():
        if not text:
            refuse(key, _("请填写%(label)s。") % {"label": label})
        elif _CONTROL.search(text):
            refuse(key, _("%(label)s含有不可见的控制字符，请重新输入。") % {"label": label})
        elif len(text) > longest:
            refuse(
                key,
                _("%(label)s最多 %(n)d 个字（现有 %(len)d 个）。")
                % {"label": label, "n": longest, "len": len(text)},
            )


def check_value(value: object, refuse: Callable[[str, object], None]) -> None:
    cap = Decimal(settings.WISH_VALUE_CAP)
    try:
        value = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        refuse("value", _("估计价值须为数字（元）。"))
        return
    if not value.is_finite() or value < 0:
        refuse("value", _("估计价值须为 0 或正数（元）。"))
    elif value > cap:
        refuse("value", _("估计价值不能超过 %(cap)s 元。") % {"cap": cap})
    elif value != value.quantize(Decimal("0.01")):
        refuse("value", _("估计价值最多保留两位小数。"))


def _process_photo(photo: UploadedFile | None, errors: dict[str, list]) -> ProcessedImage | None:
    if not photo:
        return None
    try:
        return process_upload(photo)
    except ValidationError as error:
        errors.setdefault("photo", []).extend(error.messages)
        return None


@media.atomic()
def _store(wish: Wish, processed: ProcessedImage | None) -> Wish:
    _lock_mobile(wish.resident_mobile)
    # Two tabs sending one form share the mobile, so the lock orders them and the second sees the
    # first's row; the unique index is the last word (_insert_with_fresh_code).
    if wish.submission_token and Wish.objects.filter(submission_token=wish.submission_token).exists():
        raise WishSubmittedTwice()
    limit = settings.WISH_MAX_OPEN_PER_MOBILE
    if Wish.objects.filter(OPEN_WISH, resident_mobile=wish.resident_mobile).count() >= limit:
        raise WishLimitExceeded(open_limit_message(limit))
    if processed is not None:
        wish.photo.name = media.store(wish, "photo", "wish.jpg", processed.display)
    wish.full_clean(exclude=["tracking_code", "submission_token"])
    _insert_with_fresh_code(wish)
    WishEvent.objects.create(wish=wish, kind=WishEventKind.SUBMITTED, **submitter_fields(wish))
    emit("wish.submitted", region=wish.community, data=wish_webhook_data(wish))
    _tell_moderators(wish)
    with translation.override(settings.LANGUAGE_CODE):
        text = _("您的微心愿“%(title)s”已提交，查询码 %(code)s，社区审核后会发布到心愿墙。") % {
            "title": wish.title[:20],
            "code": wish.tracking_code_display,
        }
    tell_resident(wish=wish, event="submitted", text=text)
    return wish


def moderators_of(wish: Wish) -> QuerySet[User]:
    """Who is told of a new wish: the community's staff and the secretaries of its branches.

    Not a scope filter (what a user may see) but its converse (who looks after this place), read
    from the role assignments; staff above the community see the queue but are not told of each
    wish. Bounded: a community has a handful of them.
    """
    community = wish.community
    return User.objects.filter(
        Q(assignments__role=Role.COMMUNITY_STAFF, assignments__region=community)
        | Q(
            assignments__role=Role.BRANCH_SECRETARY,
            assignments__organization__region__path__startswith=community.path,
        ),
        is_active=True,
    ).distinct()[:MODERATORS_TOLD]


def _tell_moderators(wish: Wish) -> None:
    notify(
        recipients=moderators_of(wish),
        kind="wishes.submitted",
        title=_("新的微心愿待审核：%(title)s") % {"title": wish.title[:60]},
        body=_("%(community)s的居民提交了一个“%(category)s”心愿。")
        % {"community": wish.community.name, "category": wish.get_category_display()},
        link=reverse("wishes:moderation_wish", args=[wish.pk]),
        dedupe_key=f"wishes.submitted:{wish.pk}",
    )


def _lock_mobile(mobile: str) -> None:
    """Serialize the submissions of one mobile until this transaction ends.

    On PostgreSQL a transaction-scoped advisory lock on the mobile's hash: the second of two
    simultaneous submissions waits, then counts the first one's committed wish. SQLite runs every
    transaction as BEGIN IMMEDIATE (settings), so writers are serialized already.
    """
    if connection.vendor != "postgresql":
        return
    digest = hashlib.sha256(f"wish-mobile:{mobile}".encode()).digest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest[:8], "big", signed=True)])


def _insert_with_fresh_code(wish: Wish) -> None:
    # 25^10 codes: a collision is all but impossible, but the unique index has the last word.
    for attempt in range(TRACKING_CODE_ATTEMPTS):
        try:
            with transaction.atomic():
                wish.save(force_insert=True)
            return
        except IntegrityError:
            if wish.submission_token and Wish.objects.filter(submission_token=wish.submission_token).exists():
                raise WishSubmittedTwice() from None
            if attempt == TRACKING_CODE_ATTEMPTS - 1:
                raise
            wish.pk = None
            wish.tracking_code = Wish._meta.get_field("tracking_code").get_default()


def submitter_fields(wish: Wish) -> dict[str, str]:
    """Who submitted, as the timeline stores it: the resident masked, and the partner system that
    relayed it (the words around them are rendered when shown: ``WishEvent.actor_display``)."""
    name = mask_name(wish.resident_name)
    if wish.channel != WishChannel.WEB and wish.partner:
        return {"actor_kind": EventActor.PARTNER, "actor_label": name, "actor_via": wish.partner[:100]}
    return {"actor_kind": EventActor.RESIDENT, "actor_label": name}


def wish_webhook_data(wish: Wish) -> dict:
    """What partners are told of a wish: masked personal data only, and never the tracking code
    (it is the resident's key to confirm the fulfilment)."""
    return {
        "id": wish.pk,
        "status": wish.status,
        "category": wish.category,
        "title": wish.title,
        "value": str(wish.value),
        "community": {"code": wish.community.code, "name": wish.community.name},
        "district_code": wish.district_code,
        "resident_name": mask_name(wish.resident_name),
        "resident_mobile": mask_mobile(wish.resident_mobile),
        "channel": wish.channel,
        "partner": wish.partner,
        "created_at": wish.created_at,
        "published_at": wish.published_at,
    }


def may_submit_for(actor: Actor, community: Region) -> bool:
    """May a partner key (ApiScope.WISHES_WRITE over its region) or a staff session (the change
    right) submit a resident's wish for ``community`` through the API?"""
    return can(actor, ApiScope.WISHES_WRITE, community) or can(actor, Action.CHANGE, community)
