"""Brand programs: creation, edits and the review life cycle.

draft → submitted → published, or submitted → returned (with a reason) → edited → submitted again;
a submission can be withdrawn to draft; a published brand can be archived. Status changes are
conditional UPDATEs on the expected status, so two reviewers acting at once cannot both win.

Who may do what:
- the owner side (change rights on the owner organization: its secretary, staff at or above it)
  creates, edits, submits, withdraws and archives;
- a reviewer holds review rights strictly above the owner's region (a community's brand is reviewed
  by its street or district; never by the community itself, never by a branch secretary), and may
  not approve what they submitted themselves.

Edits of a published brand: the owner side may keep the presentation current (slogan, summary,
story, cover, gallery, tags) and the change is public at once; the identity and the recognitions
(name, owner, category, level, year, awards) were what the reviewer vouched for, so only a reviewer
may change those while it is published. Every change is kept in ``brand.history`` with its author.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from brands.images import ProcessedImage
from brands.models import Brand, BrandImage, BrandStatus, Recognition, Tag
from grids.models import PartyOrganization
from portal import history, media
from portal.errors import IllegalTransition, NotAllowed
from portal.models import User
from portal.scoping import Action, Actor, can
from portal.services import UNCHANGED, Unchanged, given, model_update

IDENTITY_FIELDS = ("name", "organization", "category", "level", "year_launched")
PRESENTATION_FIELDS = ("slogan", "summary", "story")
BRAND_FIELDS = IDENTITY_FIELDS + PRESENTATION_FIELDS
# What brand_update may set: the fields above, the region that follows the owner, the cover's files.
UPDATABLE = (*BRAND_FIELDS, "region", "cover", "cover_thumbnail")
MAX_TAGS = 8
MAX_GALLERY = 12
EDITABLE = {BrandStatus.DRAFT, BrandStatus.RETURNED, BrandStatus.PUBLISHED}

# (allowed source statuses, target status, message when the brand is in none of them)
TRANSITIONS: dict[str, tuple[frozenset[str], str, Any]] = {
    "submit": (
        frozenset({BrandStatus.DRAFT, BrandStatus.RETURNED}),
        BrandStatus.SUBMITTED,
        gettext_lazy("只有草稿或已退回的品牌可以提交审核。"),
    ),
    "withdraw": (
        frozenset({BrandStatus.SUBMITTED}),
        BrandStatus.DRAFT,
        gettext_lazy("只有待审核的品牌可以撤回。"),
    ),
    "approve": (
        frozenset({BrandStatus.SUBMITTED}),
        BrandStatus.PUBLISHED,
        gettext_lazy("该品牌已不在待审核状态，可能已由其他审核人处理。"),
    ),
    "return": (
        frozenset({BrandStatus.SUBMITTED}),
        BrandStatus.RETURNED,
        gettext_lazy("该品牌已不在待审核状态，可能已由其他审核人处理。"),
    ),
    "archive": (
        frozenset({BrandStatus.PUBLISHED}),
        BrandStatus.ARCHIVED,
        gettext_lazy("只有已发布的品牌可以归档。"),
    ),
}


def can_review(actor: Actor, brand: Brand) -> bool:
    return can(actor, Action.REVIEW, brand, strict=True)


def can_edit_identity(actor: Actor, brand: Brand) -> bool:
    """Name, owner, category, level, year and awards: the owner side until published, then reviewers."""
    if brand.status == BrandStatus.PUBLISHED:
        return can_review(actor, brand)
    return can(actor, Action.CHANGE, brand)


def _require_change(actor: Actor, obj: Brand | PartyOrganization) -> None:
    if not can(actor, Action.CHANGE, obj):
        raise NotAllowed(_("您无权修改该党组织的品牌。"))


def _require_editable(brand: Brand) -> None:
    if brand.status == BrandStatus.SUBMITTED:
        raise IllegalTransition(_("品牌正在审核中，不能修改；如需修改请先撤回。"))
    if brand.status not in EDITABLE:
        raise IllegalTransition(_("已归档的品牌不能修改。"))


def _record(brand: Brand, actor: Actor, reason: str) -> None:
    """A history entry for a change that lives outside the brand row (gallery, recognitions)."""
    history.attribute(brand, actor=actor, reason=reason)
    brand.save(update_fields=["updated_at"])


def tag_names(names: Iterable[str]) -> list[str]:
    """The tags as they will be stored (trimmed, once each), or the reason they cannot be."""
    names = list(dict.fromkeys(n.strip() for n in names if n.strip()))
    if len(names) > MAX_TAGS:
        raise ValidationError({"tags": _("最多 %(n)d 个标签。") % {"n": MAX_TAGS}})
    if any(len(n) > Tag._meta.get_field("name").max_length for n in names):
        raise ValidationError({"tags": _("每个标签最多 30 个字。")})
    return names


def set_tags(brand: Brand, names: Iterable[str]) -> bool:
    """Replace the brand's tags (creating new ones); True if they changed.

    Records no history itself: the caller's next save snapshots the tags with the other fields,
    so one edit is one history entry (the m2m signal would add one per removal and addition).
    """
    names = tag_names(names)
    Tag.objects.bulk_create([Tag(name=n) for n in names], ignore_conflicts=True)
    tags = list(Tag.objects.filter(name__in=names))
    if set(tags) == set(brand.tags.all()):
        return False
    brand.skip_history_when_saving = True
    try:
        brand.tags.set(tags)
    finally:
        del brand.skip_history_when_saving
    return True


def _cover(brand: Brand, cover: ProcessedImage | None, remove: bool) -> dict[str, str]:
    """The new cover's file names (written now) or empty ones; the replaced files go after commit."""
    if cover is None and not (remove and brand.cover):
        return {}
    media.delete_on_commit(brand.cover, brand.cover_thumbnail)
    if cover is None:
        return {"cover": "", "cover_thumbnail": ""}
    return {
        "cover": media.store(brand, "cover", "cover.jpg", cover.display),
        "cover_thumbnail": media.store(brand, "cover_thumbnail", "cover.jpg", cover.thumbnail),
    }


@media.atomic()
def brand_create(
    *,
    actor: Actor,
    organization: PartyOrganization,
    name: str,
    category: str,
    level: str,
    year_launched: int,
    slogan: str = "",
    summary: str = "",
    story: str = "",
    tags: Iterable[str] = (),
    cover: ProcessedImage | None = None,
) -> Brand:
    _require_change(actor, organization)
    brand = Brand(
        organization=organization,
        region_id=organization.region_id,
        name=name,
        category=category,
        level=level,
        year_launched=year_launched,
        slogan=slogan,
        summary=summary,
        story=story,
        created_by=actor if isinstance(actor, User) else None,
    )
    brand.full_clean(exclude=["region"])
    tags = tag_names(tags)  # refused before any file is written
    for field, name in _cover(brand, cover, remove=False).items():
        setattr(brand, field, name)
    history.attribute(brand, actor=actor, reason=pgettext("history", "创建"))
    brand.save()
    # Tags need the brand's id, so they come as a second history entry.
    if set_tags(brand, tags):
        _record(brand, actor, _("设置标签"))
    return brand


@media.atomic()
def brand_update(
    *,
    actor: Actor,
    brand: Brand,
    name: str | Unchanged = UNCHANGED,
    organization: PartyOrganization | Unchanged = UNCHANGED,
    category: str | Unchanged = UNCHANGED,
    level: str | Unchanged = UNCHANGED,
    year_launched: int | Unchanged = UNCHANGED,
    slogan: str | Unchanged = UNCHANGED,
    summary: str | Unchanged = UNCHANGED,
    story: str | Unchanged = UNCHANGED,
    tags: Iterable[str] | Unchanged = UNCHANGED,
    cover: ProcessedImage | None = None,
    remove_cover: bool = False,
) -> Brand:
    """Change what is given; a change the actor may not make refuses the whole edit.

    Never dropped in silence: the page must not say "saved" about an owner or a name that stayed
    as it was. Saving with nothing changed leaves no history entry.
    """
    _require_change(actor, brand)
    # The row is locked (on PostgreSQL) so a submission or review cannot slip in between.
    brand = Brand.objects.select_for_update().select_related("region", "organization").get(pk=brand.pk)
    _require_editable(brand)
    data = given(
        name=name, organization=organization, category=category, level=level,
        year_launched=year_launched, slogan=slogan, summary=summary, story=story,
    )  # fmt: skip
    changing = {field for field, value in data.items() if getattr(brand, field) != value}
    if changing & set(IDENTITY_FIELDS) and not can_edit_identity(actor, brand):
        raise NotAllowed(_("已发布品牌的名称、所属党组织、类别、级别和创立年份只能由审核人修改。"))
    if "organization" in changing:
        _require_change(actor, organization)
        data["region"] = organization.region
    tags_changed = tags is not UNCHANGED and set_tags(brand, tag_names(tags))  # before any file is written
    data.update(_cover(brand, cover, remove_cover))
    history.attribute(brand, actor=actor, reason=pgettext("history", "修改"))
    brand, saved = model_update(instance=brand, fields=UPDATABLE, data=data, clean_exclude=["region"])
    if tags_changed and not saved:
        brand.save(update_fields=["updated_at"])  # its history entry holds the new tags
    return brand


def _transition(brand: Brand, action: str, actor: Actor, reason: str = "", **changes: object) -> Brand:
    sources, target, message = TRANSITIONS[action]
    now = timezone.now()
    won = Brand.objects.filter(pk=brand.pk, status__in=sources).update(
        status=target, updated_at=now, **changes
    )
    if won != 1:
        raise IllegalTransition(message)
    # The UPDATE above decided who won; this save writes the same row again so that the history
    # records the new state with its author (a queryset update leaves no history).
    brand.refresh_from_db()
    history.attribute(brand, actor=actor, reason=reason)
    brand.save()
    return brand


@transaction.atomic
def brand_submit(*, actor: Actor, brand: Brand) -> Brand:
    _require_change(actor, brand)
    missing = [
        label for label, value in ((_("简介"), brand.summary), (_("品牌故事"), brand.story)) if not value
    ]
    if missing:
        raise ValidationError(
            _("提交审核前请补全：%(fields)s。") % {"fields": pgettext("list separator", "、").join(missing)}
        )
    by = actor if isinstance(actor, User) else None
    return _transition(
        brand, "submit", actor, _("提交审核"), submitted_at=timezone.now(), submitted_by=by, return_reason=""
    )


@transaction.atomic
def brand_withdraw(*, actor: Actor, brand: Brand) -> Brand:
    _require_change(actor, brand)
    return _transition(brand, "withdraw", actor, _("撤回审核"))


@transaction.atomic
def brand_review(*, actor: Actor, brand: Brand, approve: bool, reason: str = "") -> Brand:
    if not can_review(actor, brand):
        raise NotAllowed(_("只有该品牌所属区域的上级审核人可以审核。"))
    if brand.submitted_by_id and brand.submitted_by_id == getattr(actor, "pk", None):
        raise NotAllowed(_("不能审核自己提交的品牌。"))
    reason = reason.strip()
    if approve:
        return _transition(
            brand,
            "approve",
            actor,
            _("审核通过"),
            published_at=brand.published_at or timezone.now(),
            reviewed_by=actor,
            return_reason="",
        )
    if not reason:
        raise ValidationError({"reason": _("退回时请填写原因，告诉申报单位需要修改什么。")})
    return _transition(
        brand,
        "return",
        actor,
        _("退回：%(reason)s") % {"reason": reason},
        reviewed_by=actor,
        return_reason=reason,
    )


@transaction.atomic
def brand_archive(*, actor: Actor, brand: Brand) -> Brand:
    _require_change(actor, brand)
    return _transition(brand, "archive", actor, _("归档"))


@media.atomic()
def brand_image_add(
    *, actor: Actor, brand: Brand, images: Iterable[ProcessedImage], caption: str = ""
) -> list[BrandImage]:
    _require_change(actor, brand)
    _require_editable(brand)
    images = list(images)
    present = brand.images.count()
    if present + len(images) > MAX_GALLERY:
        raise ValidationError(
            _("图集最多 %(n)d 张图片（已有 %(present)d 张）。") % {"n": MAX_GALLERY, "present": present}
        )
    position = (brand.images.aggregate(last=Max("position"))["last"] or 0) + 1
    added = []
    for offset, processed in enumerate(images):
        item = BrandImage(brand=brand, caption=caption, position=position + offset)
        item.image = media.store(item, "image", "image.jpg", processed.display)
        item.thumbnail = media.store(item, "thumbnail", "image.jpg", processed.thumbnail)
        item.full_clean()
        item.save()
        added.append(item)
    _record(brand, actor, _("新增图集图片 %(n)d 张") % {"n": len(added)})
    return added


@transaction.atomic
def brand_image_remove(*, actor: Actor, image: BrandImage) -> None:
    brand = image.brand
    _require_change(actor, brand)
    _require_editable(brand)
    label = image.caption or f"#{image.pk}"
    # Its files go after commit (portal.media): a photo removed for privacy must be gone.
    image.delete()
    _record(brand, actor, _("删除图集图片：%(label)s") % {"label": label})


@transaction.atomic
def recognition_add(*, actor: Actor, brand: Brand, title: str, level: str, year: int) -> Recognition:
    _require_change(actor, brand)
    _require_editable(brand)
    if not can_edit_identity(actor, brand):
        raise NotAllowed(_("已发布品牌的荣誉只能由审核人添加。"))
    recognition = Recognition(brand=brand, title=title.strip(), level=level, year=year)
    recognition.full_clean()
    recognition.save()
    _record(brand, actor, _("新增荣誉：%(r)s") % {"r": recognition})
    return recognition


@transaction.atomic
def recognition_remove(*, actor: Actor, recognition: Recognition) -> None:
    brand = recognition.brand
    _require_change(actor, brand)
    _require_editable(brand)
    if not can_edit_identity(actor, brand):
        raise NotAllowed(_("已发布品牌的荣誉只能由审核人删除。"))
    label = str(recognition)
    recognition.delete()
    _record(brand, actor, _("删除荣誉：%(r)s") % {"r": label})
