"""Micro-wishes (微心愿) and the public-welfare market (公益集市).

A wish's life: submitted → published (or rejected with a reason) → claimed by one volunteer, team,
party organization or welfare organization → fulfilled (with evidence) → confirmed and rated by the
resident; a claim not fulfilled by its deadline is released back to the wall. Transitions happen
only in ``wishes.services``; each leaves a ``WishEvent`` on the wish's timeline.

"Exactly one claim wins" is decided by a conditional UPDATE of the wish's status (published →
claimed) and backed by a partial unique index: no wish ever has two live claims.
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from brands.models import image_path
from grids.models import PartyOrganization, Region, RegionLevel
from portal.privacy import mask_mobile, mask_name
from portal.scoping import ScopedQuerySet, ScopeSpec
from portal.validators import validate_mobile, validate_person_name
from volunteers.models import Team, Volunteer

# Tracking codes are read aloud over the phone: no 0/O, 1/I/L, 2/Z, 5/S, 8/B.
TRACKING_ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
TRACKING_LENGTH = 10  # 25^10 ≈ 2^46: at least 40 random bits, as the issue asks


def new_tracking_code() -> str:
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))


def format_tracking_code(code: str) -> str:
    """ACD4-7FGH-JK: groups that read aloud easily."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


class WishCategory(models.TextChoices):
    SUPPLIES = "supplies", _("生活物资")
    SCHOOLING = "schooling", _("助学")
    ELDERLY_DISABLED = "elderly_disabled", _("助老助残")
    HEALTH = "health", _("医疗健康")
    APPLIANCE_REPAIR = "appliance_repair", _("家电维修")
    CULTURE_SPORTS = "culture_sports", _("文体活动")
    OTHER = "other", _("其他")


# The volunteers' specialty that matches each category ("wishes matching my specialties").
CATEGORY_SPECIALTY = {
    WishCategory.ELDERLY_DISABLED: "elderly",
    WishCategory.HEALTH: "medical",
    WishCategory.APPLIANCE_REPAIR: "repair",
    WishCategory.SCHOOLING: "education",
    WishCategory.CULTURE_SPORTS: "arts",
}


class WishStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待审核")
    REJECTED = "rejected", _("未通过")
    PUBLISHED = "published", _("待认领")
    CLAIMED = "claimed", _("已认领")
    FULFILLED = "fulfilled", _("已完成")
    CONFIRMED = "confirmed", _("已确认")


# A wish that still counts against its resident's limit of open wishes.
OPEN_WISH = Q(
    status__in=[WishStatus.SUBMITTED, WishStatus.PUBLISHED, WishStatus.CLAIMED, WishStatus.FULFILLED]
)


class WishChannel(models.TextChoices):
    """Where a wish came in: the residents' form, a partner's API key, or a partner's Open311 client."""

    WEB = "web", _("网页")
    API = "api", _("接口")
    OPEN311 = "open311", _("Open311")


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    MOSTLY = "mostly", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class WishQuerySet(ScopedQuerySet):
    def on_wall(self) -> WishQuerySet:
        return self.filter(
            status__in=[WishStatus.PUBLISHED, WishStatus.CLAIMED, WishStatus.FULFILLED, WishStatus.CONFIRMED]
        )


class Wish(models.Model):
    tracking_code = models.CharField(
        _("查询码"), max_length=TRACKING_LENGTH, unique=True, default=new_tracking_code, editable=False
    )
    # The one-time token of the page form it came from: a second tab sending the same form is refused.
    submission_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    # The resident: stored in full for the moderators and the SMS backend, shown masked everywhere.
    resident_name = models.CharField(_("姓名"), max_length=50, validators=[validate_person_name])
    resident_mobile = models.CharField(_("手机号"), max_length=11, validators=[validate_mobile])
    sms_consent = models.BooleanField(_("同意短信通知"), default=False)
    consented_at = models.DateTimeField(_("同意个人信息处理时间"))
    community = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("所在社区"),
        limit_choices_to={"level": RegionLevel.COMMUNITY},
    )
    district_code = models.CharField(max_length=15, blank=True, editable=False)
    category = models.CharField(_("类别"), max_length=20, choices=WishCategory.choices)
    title = models.CharField(_("心愿标题"), max_length=60)
    description = models.TextField(_("心愿描述"), max_length=1000)
    value = models.DecimalField(
        _("估计价值（元）"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    photo = models.ImageField(_("照片"), upload_to=image_path, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=WishStatus.choices, default=WishStatus.SUBMITTED
    )
    reject_reason = models.CharField(_("未通过原因"), max_length=200, blank=True)
    # Submitted through a partner's key (API or Open311): whose, and their idempotent reference.
    partner = models.CharField(_("合作单位"), max_length=100, blank=True)
    channel = models.CharField(
        _("提交渠道"), max_length=10, choices=WishChannel.choices, default=WishChannel.WEB
    )
    submitted_ip = models.GenericIPAddressField(null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("认领时间"), null=True, blank=True)
    fulfilled_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    rating = models.CharField(_("评价"), max_length=12, choices=Rating.choices, blank=True)
    thanks = models.CharField(_("感谢留言"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True, db_index=True)
    # Every change bumps it: the wall's ETag / Last-Modified come from the newest value.
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_index=True)

    objects = WishQuerySet.as_manager()
    # Community staff (and the staff above) by region; the secretaries of the community's party
    # branches by the community their branch lies in: both moderate its wishes.
    scope = ScopeSpec(region="community__path", district="district_code", community="community__path")

    class Meta:
        verbose_name = _("微心愿")
        verbose_name_plural = _("微心愿")
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-published_at", "-id"], name="wish_wall_newest"),
            models.Index(fields=["community", "status"]),
            models.Index(fields=["district_code", "status", "-published_at"], name="wish_district_wall"),
            models.Index(fields=["resident_mobile", "status"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def masked_name(self) -> str:
        return mask_name(self.resident_name)

    @property
    def masked_mobile(self) -> str:
        return mask_mobile(self.resident_mobile)

    @property
    def tracking_code_display(self) -> str:
        return format_tracking_code(self.tracking_code)

    def clean(self) -> None:
        cap = Decimal(settings.WISH_VALUE_CAP)
        if self.value is not None and self.value > cap:
            raise ValidationError({"value": _("估计价值不能超过 %(cap)s 元。") % {"cap": cap}})


class ClaimantKind(models.TextChoices):
    VOLUNTEER = "volunteer", _("志愿者")
    TEAM = "team", _("志愿服务队（帮帮团）")
    ORGANIZATION = "organization", pgettext_lazy("singular", "党组织")
    WELFARE_ORG = "welfare_org", _("爱心单位")


class ClaimStatus(models.TextChoices):
    ACTIVE = "active", _("认领中")
    FULFILLED = "fulfilled", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    RELEASED = "released", _("已释放")


LIVE_CLAIM = Q(status__in=[ClaimStatus.ACTIVE, ClaimStatus.FULFILLED])


class WishClaim(models.Model):
    wish = models.ForeignKey(Wish, on_delete=models.PROTECT, related_name="claims")
    kind = models.CharField(_("认领方类型"), max_length=12, choices=ClaimantKind.choices)
    # The person who pressed 认领 (and fulfils): a volunteer, a team's leader, or an organization's
    # representative.
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, null=True, blank=True, related_name="claims"
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="claims")
    organization = models.ForeignKey(
        PartyOrganization, on_delete=models.PROTECT, null=True, blank=True, related_name="wish_claims"
    )
    welfare_org = models.ForeignKey(
        "WelfareOrganization", on_delete=models.PROTECT, null=True, blank=True, related_name="claims"
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="wish_claims"
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.ACTIVE
    )
    deadline = models.DateTimeField(_("完成期限"))
    claimed_at = models.DateTimeField(_("认领时间"), auto_now_add=True)
    fulfil_note = models.CharField(_("完成说明"), max_length=500, blank=True)
    evidence = models.ImageField(_("完成照片"), upload_to=image_path, blank=True)
    hours = models.DecimalField(
        _("服务时长（小时）"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal("24"))],
    )
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    # A team claim: the approved members the leader ticked on fulfilling (the leader not among them);
    # each is credited the claim's hours when the fulfilment is confirmed.
    participants = models.ManyToManyField(Volunteer, blank=True, related_name="+", verbose_name=_("参与队员"))
    released_at = models.DateTimeField(null=True, blank=True)
    release_reason = models.CharField(_("释放原因"), max_length=200, blank=True)
    # Claimed together with other wishes by one organization ("all or none").
    batch = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("认领")
        verbose_name_plural = _("认领")
        ordering = ["-claimed_at", "-id"]
        indexes = [
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["claimed_by", "status"]),
        ]
        constraints = [
            # Exactly one claim wins: no wish ever has two live claims.
            models.UniqueConstraint(fields=["wish"], condition=LIVE_CLAIM, name="one_live_claim_per_wish"),
        ]

    def __str__(self) -> str:
        return f"{self.wish} · {self.claimant_name}"

    @property
    def claimant_name(self) -> str:
        if self.kind == ClaimantKind.TEAM and self.team_id:
            return self.team.name
        if self.kind == ClaimantKind.ORGANIZATION and self.organization_id:
            return self.organization.name
        if self.kind == ClaimantKind.WELFARE_ORG and self.welfare_org_id:
            return self.welfare_org.name
        return self.volunteer.masked_name if self.volunteer_id else ""


class WishEventKind(models.TextChoices):
    SUBMITTED = "submitted", _("提交")
    EDITED = "edited", _("修改")
    APPROVED = "approved", _("审核通过")
    REJECTED = "rejected", _("审核未通过")
    CLAIMED = "claimed", _("认领")
    RELEASED = "released", _("释放")
    FULFILLED = "fulfilled", _("完成")
    CONFIRMED = "confirmed", _("确认")


class EventActor(models.TextChoices):
    """Who took a step, as a code: the words around their name are translated when shown."""

    RESIDENT = "resident", _("居民")
    PARTNER = "partner", _("合作系统代居民")
    MODERATOR = "moderator", _("审核人")
    CLAIMANT = "claimant", _("认领方")
    STAFF = "staff", _("工作人员")
    SYSTEM = "system", _("系统")


class EventNote(models.TextChoices):
    """A note the portal writes itself (the others are people's words, shown as written)."""

    EXPIRED = "expired", _("超过完成期限未完成，自动释放回心愿墙。")
    GIVEN_UP = "given_up", _("认领人放弃认领。")
    EDITED = "edited", _("修改")


class WishEvent(models.Model):
    """One step of a wish's timeline: what happened, who did it (a user, or none for the resident
    or the expiry job), when.

    Only data is stored (codes, names, people's own words); the labels around them are rendered
    in the reader's language by ``actor_display`` and ``note_display``.
    """

    wish = models.ForeignKey(Wish, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=10, choices=WishEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_kind = models.CharField(max_length=10, choices=EventActor.choices, blank=True)
    # The actor's name as shown (masked for people: 王*梅), or a team's or an organization's name.
    actor_label = models.CharField(max_length=100, blank=True)
    # The partner system that relayed a resident's wish (actor_kind "partner").
    actor_via = models.CharField(max_length=100, blank=True)
    note_code = models.CharField(max_length=10, choices=EventNote.choices, blank=True)
    # People's words (a reason, a fulfilment note); for note_code "edited", the fields' names.
    note = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("心愿进展")
        verbose_name_plural = _("心愿进展")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.wish} · {self.get_kind_display()}"

    @property
    def actor_display(self) -> str:
        name = self.actor_label
        if self.actor_kind == EventActor.RESIDENT:
            if not name:  # confirmed with the tracking code
                return str(pgettext_lazy("timeline actor", "居民"))
            return str(_("居民 %(name)s") % {"name": name})
        if self.actor_kind == EventActor.PARTNER:
            return str(_("%(partner)s（代居民 %(name)s 提交）") % {"partner": self.actor_via, "name": name})
        if self.actor_kind == EventActor.MODERATOR:
            return str(_("审核人 %(name)s") % {"name": name})
        return name  # a claimant's or a staff member's name, shown as it is

    @property
    def note_display(self) -> str:
        if self.note_code == EventNote.EDITED:
            fields = [f for f in self.note.split(",") if f]
            names = "、".join(str(Wish._meta.get_field(f).verbose_name) for f in fields if _is_field(f))
            return str(_("修改了：%(fields)s") % {"fields": names})
        if self.note_code:
            return str(self.get_note_code_display())
        return self.note


def _is_field(name: str) -> bool:
    try:
        Wish._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


class WelfareOrgKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("民营企业")
    SOCIAL = "social", _("社会组织")
    PUBLIC = "public", _("机关事业单位")


class WelfareOrganization(models.Model):
    """An enterprise or social organization registered in the welfare market (爱心单位)."""

    name = models.CharField(_("单位名称"), max_length=100)
    kind = models.CharField(_("单位类型"), max_length=12, choices=WelfareOrgKind.choices)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所在区域"))
    contact_name = models.CharField(_("联系人"), max_length=50, validators=[validate_person_name])
    contact_mobile = models.CharField(_("联系电话"), max_length=11, validators=[validate_mobile])
    # The accounts that may pledge and claim for it.
    representatives = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="welfare_organizations", verbose_name=_("经办人")
    )
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = ScopeSpec(region="region__path")

    class Meta:
        verbose_name = _("爱心单位")
        verbose_name_plural = _("爱心单位")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ProjectStatus(models.TextChoices):
    OPEN = "open", _("认捐中")
    CLOSED = "closed", _("已结束")


class WelfareProject(models.Model):
    """A public-welfare project (公益项目) that enterprises and social organizations pledge to."""

    title = models.CharField(_("项目名称"), max_length=100)
    description = models.TextField(_("项目介绍"), max_length=3000)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所在区域"))
    posted_by_org = models.ForeignKey(
        WelfareOrganization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("发布单位"),
    )
    target_amount = models.DecimalField(
        _("目标金额（元）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    target_goods = models.CharField(_("所需物资"), max_length=200, blank=True)
    beneficiaries = models.CharField(_("受益对象"), max_length=200)
    deadline = models.DateField(_("截止日期"))
    photo = models.ImageField(_("图片"), upload_to=image_path, blank=True)
    status = models.CharField(
        _("状态"), max_length=8, choices=ProjectStatus.choices, default=ProjectStatus.OPEN
    )
    # Maintained when a pledge is confirmed as received.
    received_amount = models.DecimalField(
        _("已到账金额"), max_digits=12, decimal_places=2, default=Decimal("0")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scope = ScopeSpec(region="region__path")

    class Meta:
        verbose_name = _("公益项目")
        verbose_name_plural = _("公益项目")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_amount__isnull=False) | ~Q(target_goods=""), name="project_has_a_target"
            ),
            models.CheckConstraint(condition=Q(received_amount__gte=0), name="project_received_not_negative"),
        ]

    def __str__(self) -> str:
        return self.title


class PledgeStatus(models.TextChoices):
    PLEDGED = "pledged", _("已认捐")
    RECEIVED = "received", _("已到位")
    WITHDRAWN = "withdrawn", _("已撤回")


class Pledge(models.Model):
    project = models.ForeignKey(WelfareProject, on_delete=models.PROTECT, related_name="pledges")
    organization = models.ForeignKey(WelfareOrganization, on_delete=models.PROTECT, related_name="pledges")
    amount = models.DecimalField(
        _("认捐金额（元）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    goods = models.CharField(_("认捐物资"), max_length=200, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=PledgeStatus.choices, default=PledgeStatus.PLEDGED
    )
    pledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    pledged_at = models.DateTimeField(auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The one-time token rendered with the pledge form: unique, so a second tab (or a double click)
    # sending the same form is refused by the database instead of adding a second pledge.
    submission_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("认捐")
        verbose_name_plural = _("认捐")
        ordering = ["-pledged_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=False) | ~Q(goods=""), name="pledge_gives_something"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} → {self.project}"
