import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from grids.models import PartyMember, PartyOrganization, Region
from portal.scoping import ScopedQuerySet, ScopeSpec
from portal.validators import validate_record_date

IMAGE_SUFFIXES = {".jpg", ".png", ".webp"}
# Grassroots party-building brands date from the reform era; an earlier year is a typing error.
FIRST_BRAND_YEAR = 1978


def image_path(instance: models.Model, filename: str) -> str:
    # Never the uploader's file name: a generated one, keeping only a known suffix.
    suffix = PurePath(filename).suffix.lower().replace(".jpeg", ".jpg")
    suffix = suffix if suffix in IMAGE_SUFFIXES else ".jpg"
    return f"{instance._meta.model_name}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class BrandCategory(models.TextChoices):
    SERVE_PEOPLE = "serve_people", _("服务群众")
    SERVE_DEVELOPMENT = "serve_development", _("服务发展")
    SERVE_SOCIETY = "serve_society", _("服务社会")
    GOVERNANCE = "governance", _("基层治理")
    RURAL = "rural", _("乡村振兴")
    ORG_BUILDING = "org_building", _("组织建设")


class BrandLevel(models.TextChoices):
    CITY = "city", _("市级")
    DISTRICT = "district", _("区县级")
    STREET = "street", _("街道级")
    COMMUNITY = "community", _("社区级")


class BrandStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审核")
    PUBLISHED = "published", _("已发布")
    RETURNED = "returned", _("已退回")
    ARCHIVED = "archived", _("已归档")


class Tag(models.Model):
    name = models.CharField(_("标签"), max_length=30, unique=True)

    class Meta:
        verbose_name = _("标签")
        verbose_name_plural = _("标签")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class BrandQuerySet(ScopedQuerySet):
    def published(self):
        return self.filter(status=BrandStatus.PUBLISHED)


class Brand(models.Model):
    name = models.CharField(_("品牌名称"), max_length=60, unique=True)
    organization = models.ForeignKey(
        PartyOrganization, on_delete=models.PROTECT, related_name="brands", verbose_name=_("所属党组织")
    )
    # Denormalized from the organization: scoping and district filters need one join.
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", editable=False)
    category = models.CharField(_("类别"), max_length=20, choices=BrandCategory.choices)
    level = models.CharField(_("品牌级别"), max_length=10, choices=BrandLevel.choices)
    year_launched = models.PositiveSmallIntegerField(_("创立年份"))
    slogan = models.CharField(_("一句话介绍"), max_length=80, blank=True)
    summary = models.TextField(_("简介"), max_length=500, blank=True)
    story = models.TextField(_("品牌故事"), blank=True, help_text=_("纯文本，空行分段。"))
    cover = models.ImageField(_("封面图"), upload_to=image_path, blank=True)
    cover_thumbnail = models.ImageField(upload_to=image_path, blank=True, editable=False)
    tags = models.ManyToManyField(Tag, blank=True, related_name="brands", verbose_name=_("标签"))
    status = models.CharField(
        _("状态"), max_length=10, choices=BrandStatus.choices, default=BrandStatus.DRAFT
    )
    return_reason = models.TextField(_("退回原因"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    # Whoever submitted may not approve their own submission (four eyes).
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords(m2m_fields=[tags])

    objects = BrandQuerySet.as_manager()
    scope = ScopeSpec(region="region__path", organization="organization__path")

    class Meta:
        verbose_name = _("党建品牌")
        verbose_name_plural = _("党建品牌")
        ordering = ["-published_at", "name"]
        indexes = [
            models.Index(fields=["status", "category", "level"]),
            # The statistics' incremental run: brands changed since its last run.
            models.Index(fields=["updated_at"], name="brand_updated"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.year_launched and not FIRST_BRAND_YEAR <= self.year_launched <= timezone.localdate().year:
            raise ValidationError(
                {"year_launched": _("创立年份应在%(first)d年到今年之间。") % {"first": FIRST_BRAND_YEAR}}
            )

    @property
    def is_public(self) -> bool:
        return self.status == BrandStatus.PUBLISHED


class BrandImage(models.Model):
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="images", verbose_name=_("品牌"))
    image = models.ImageField(_("图片"), upload_to=image_path)
    thumbnail = models.ImageField(upload_to=image_path, editable=False)
    caption = models.CharField(_("说明"), max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("品牌图片")
        verbose_name_plural = _("品牌图片")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.caption or f"{self.brand} #{self.pk}"


class RecognitionLevel(models.TextChoices):
    DISTRICT = "district", _("区县级典型案例")
    CITY = "city", _("市级典型案例")
    PROVINCE = "province", _("省级典型案例")
    NATIONAL = "national", _("全国典型案例")


class Recognition(models.Model):
    brand = models.ForeignKey(Brand, on_delete=models.CASCADE, related_name="recognitions")
    title = models.CharField(_("荣誉名称"), max_length=120)
    level = models.CharField(_("级别"), max_length=10, choices=RecognitionLevel.choices)
    year = models.PositiveSmallIntegerField(_("年份"))

    class Meta:
        verbose_name = _("荣誉")
        verbose_name_plural = _("荣誉")
        ordering = ["-year", "title"]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"

    def clean(self) -> None:
        launched = self.brand.year_launched if self.brand_id else None
        if self.year and (self.year > timezone.localdate().year or (launched and self.year < launched)):
            raise ValidationError({"year": _("荣誉年份应不早于品牌创立年份、不晚于今年。")})


class ActivityKind(models.TextChoices):
    GENERAL_MEETING = "general_meeting", _("支部党员大会")
    COMMITTEE_MEETING = "committee_meeting", _("支委会")
    GROUP_MEETING = "group_meeting", _("党小组会")
    PARTY_LECTURE = "party_lecture", _("党课")
    THEME_DAY = "theme_day", _("主题党日")
    VOLUNTEER = "volunteer", _("志愿服务")
    VISIT = "visit", _("走访联系群众")
    CONSULTATION = "consultation", _("协商议事")
    OTHER = "other", _("其他")


class OrgLifeBase(models.Model):
    """开放式组织生活基地: a place branches book for their 主题党日."""

    name = models.CharField(_("基地名称"), max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所在区域"))
    address = models.CharField(_("地址"), max_length=200)
    theme = models.CharField(_("主题"), max_length=100, blank=True)
    description = models.TextField(_("介绍"), blank=True)
    capacity = models.PositiveSmallIntegerField(_("每场可预约支部数"), default=3)
    is_active = models.BooleanField(_("开放预约"), default=True)

    objects = ScopedQuerySet.as_manager()
    scope = ScopeSpec(region="region__path")

    class Meta:
        verbose_name = _("开放式组织生活基地")
        verbose_name_plural = _("开放式组织生活基地")
        ordering = ["region__path", "name"]

    def __str__(self) -> str:
        return self.name


class BaseSlot(models.Model):
    """An opening of a base. ``booked`` is only changed by a conditional UPDATE (see services)."""

    base = models.ForeignKey(
        OrgLifeBase, on_delete=models.CASCADE, related_name="slots", verbose_name=_("基地")
    )
    starts_at = models.DateTimeField(_("开始时间"), validators=[validate_record_date])
    ends_at = models.DateTimeField(_("结束时间"))
    capacity = models.PositiveSmallIntegerField(_("可预约数"))
    booked = models.PositiveSmallIntegerField(_("已预约数"), default=0)

    objects = ScopedQuerySet.as_manager()
    scope = ScopeSpec(region="base__region__path")

    class Meta:
        verbose_name = _("基地开放时段")
        verbose_name_plural = _("基地开放时段")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(booked__lte=F("capacity")), name="slot_not_overbooked"),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="slot_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"{self.base} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    @property
    def free(self) -> int:
        return self.capacity - self.booked


class BookingStatus(models.TextChoices):
    BOOKED = "booked", _("已预约")
    CANCELLED = "cancelled", _("已取消")


class BaseBooking(models.Model):
    slot = models.ForeignKey(
        BaseSlot, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("时段")
    )
    organization = models.ForeignKey(
        PartyOrganization,
        on_delete=models.PROTECT,
        related_name="base_bookings",
        verbose_name=_("预约党组织"),
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=BookingStatus.choices, default=BookingStatus.BOOKED
    )
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope = ScopeSpec(region="organization__region__path", organization="organization__path")

    class Meta:
        verbose_name = _("基地预约")
        verbose_name_plural = _("基地预约")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "organization"],
                condition=Q(status="booked"),
                name="one_live_booking_per_branch_and_slot",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization} @ {self.slot}"


class ActivityRecordQuerySet(ScopedQuerySet):
    pass


class ActivityRecord(models.Model):
    """What a branch did: evidence of organizational life, so edits after 30 days need staff above."""

    organization = models.ForeignKey(
        PartyOrganization,
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=pgettext_lazy("singular", "党组织"),
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", editable=False)
    # The code of the street the region lies in ("" above streets), kept with the region: a
    # street's newest page is read from (street_code, started_at) (see ScopeSpec.street).
    street_code = models.CharField(max_length=15, blank=True, editable=False)
    brand = models.ForeignKey(
        Brand,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("所属品牌"),
    )
    kind = models.CharField(_("活动类型"), max_length=20, choices=ActivityKind.choices)
    # The end is checked against the start; the start against the earliest record date.
    started_at = models.DateTimeField(_("开始时间"), validators=[validate_record_date])
    ended_at = models.DateTimeField(_("结束时间"))
    place = models.CharField(_("地点"), max_length=200, blank=True)
    base_booking = models.OneToOneField(
        BaseBooking,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activity",
        verbose_name=_("组织生活基地预约"),
    )
    topic = models.CharField(_("主题"), max_length=120)
    summary = models.TextField(_("内容摘要"), blank=True)
    attendees = models.ManyToManyField(
        PartyMember, blank=True, related_name="activities", verbose_name=_("参加党员")
    )
    attendee_count = models.PositiveIntegerField(_("参加党员数"), default=0, editable=False)
    member_count = models.PositiveIntegerField(_("应到党员数"), default=0, editable=False)
    other_participants = models.PositiveIntegerField(_("其他参与人数"), default=0)
    people_served = models.PositiveIntegerField(_("服务群众人数"), default=0)
    satisfaction = models.DecimalField(
        _("群众满意度(%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("记录人"),
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords(m2m_fields=[attendees])

    objects = ActivityRecordQuerySet.as_manager()
    # Read newest first, an order not correlated with the tree: a district's page is found by
    # walking (started_at, id) and keeping its rows (11 ms at city scale instead of 230 ms).
    scope = ScopeSpec(
        region="region__path", organization="organization__path", subtree_first=False, street="street_code"
    )

    class Meta:
        verbose_name = _("活动记录")
        verbose_name_plural = _("活动记录")
        ordering = ["-started_at"]
        indexes = [
            models.Index(fields=["started_at", "id"]),  # the newest page of the city or a district
            models.Index(fields=["organization", "started_at"]),
            models.Index(fields=["brand", "started_at"]),
            models.Index(fields=["region", "started_at"]),
            # A street's records of one kind, counted for the list (97 ms → 0.5 ms at city scale).
            models.Index(fields=["region", "kind", "started_at"]),
            models.Index(fields=["street_code", "started_at", "id"], name="activity_street_newest"),
            models.Index(fields=["street_code", "kind", "started_at"], name="activity_street_kind"),
            # The statistics' incremental run: records changed since its last run (a range read,
            # not a scan of the table).
            models.Index(fields=["updated_at"], name="activity_updated"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__gt=F("started_at")), name="activity_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True) | Q(satisfaction__gte=0, satisfaction__lte=100),
                name="activity_satisfaction_percent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.topic}"

    @property
    def attendance_rate(self) -> int | None:
        return round(100 * self.attendee_count / self.member_count) if self.member_count else None


class ActivityPhoto(models.Model):
    activity = models.ForeignKey(ActivityRecord, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("照片"), upload_to=image_path)
    thumbnail = models.ImageField(upload_to=image_path, editable=False)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("活动照片")
        verbose_name_plural = _("活动照片")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.activity_id} #{self.position}"
