"""The Fengling index (锋领指数): indicator sets, score events, monthly totals, the red/black list.

"一事一评分、一月一汇总、一年一考评": a branch secretary scores one event at a time
(``ScoreEvent``), a Celery job sums each member's month (``MonthlyScore``) and year
(``YearlyRating``), and the year's total gives the rating by thresholds in settings.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from brands.models import image_path
from grids.models import PartyMember, PartyOrganization
from portal.models import ExportJob
from portal.privacy import mask_name
from portal.scoping import ScopedQuerySet, ScopeSpec

# Every number from outside is bounded: one event is worth at most this many points either way.
MAX_POINTS = 50
MAX_MONTHLY_LIMIT = 200


class Field(models.TextChoices):
    """The six fields (领域) that each have their own set of indicators."""

    RURAL = "rural", _("农村")
    COMMUNITY = "community", _("社区")
    TWO_NEW = "two_new", _("两新组织")
    ORGAN = "organ", _("机关")
    INSTITUTION = "institution", _("事业单位（学校、医院）")
    STATE_ENTERPRISE = "state_enterprise", _("国有企业")


class Dimension(models.TextChoices):
    MORALITY = "morality", _("道德品质")
    PARTY_LIFE = "party_life", _("党内生活")
    DUTY = "duty", _("履行职责")
    DEDICATION = "dedication", _("奉献社会")


class IndicatorSet(models.Model):
    field = models.CharField(_("领域"), max_length=20, choices=Field.choices, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("锋领指标体系")
        verbose_name_plural = _("锋领指标体系")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Behaviour(models.Model):
    """One of the 16 scored behaviours of a set: its default points (negative: a deduction) and
    how many points it may bring a member in one month, counted either way."""

    indicator_set = models.ForeignKey(
        IndicatorSet, on_delete=models.PROTECT, related_name="behaviours", verbose_name=_("指标体系")
    )
    dimension = models.CharField(_("维度"), max_length=20, choices=Dimension.choices)
    code = models.CharField(_("编号"), max_length=4)
    name = models.CharField(_("行为"), max_length=60)
    points = models.SmallIntegerField(
        _("分值"), validators=[MinValueValidator(-MAX_POINTS), MaxValueValidator(MAX_POINTS)]
    )
    monthly_limit = models.PositiveSmallIntegerField(
        _("每月上限"), validators=[MinValueValidator(1), MaxValueValidator(MAX_MONTHLY_LIMIT)]
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("锋领行为")
        verbose_name_plural = _("锋领行为")
        ordering = ["indicator_set_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["indicator_set", "code"], name="fengling_behaviour_code"),
            models.CheckConstraint(condition=~models.Q(points=0), name="fengling_behaviour_points_nonzero"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_deduction(self) -> bool:
        return self.points < 0


class OrganizationField(models.Model):
    """Which set an organization's members are scored by; its branches inherit it (nearest wins).

    An organization with no entry above it uses the rule in ``selectors.field_of``.
    """

    organization = models.OneToOneField(
        PartyOrganization, on_delete=models.CASCADE, related_name="+", verbose_name=_("党组织")
    )
    field = models.CharField(_("领域"), max_length=20, choices=Field.choices)
    # Who chose the field, when, and what it was before (set by staff on the field page).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("党组织所属领域")
        verbose_name_plural = _("党组织所属领域")

    def __str__(self) -> str:
        return self.get_field_display()


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


class ScoreEvent(models.Model):
    """One scored event. Never deleted: a correction changes ``points`` and leaves a
    ``ScoreCorrection`` with the old and new value, who and why."""

    member = models.ForeignKey(
        PartyMember,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=pgettext_lazy("singular", "党员"),
    )
    # The member's organization when scored, kept so that scoping needs one join.
    organization = models.ForeignKey(PartyOrganization, on_delete=models.PROTECT, related_name="+")
    behaviour = models.ForeignKey(
        Behaviour, on_delete=models.PROTECT, related_name="+", verbose_name=_("行为")
    )
    points = models.SmallIntegerField(
        _("分值"), validators=[MinValueValidator(-MAX_POINTS), MaxValueValidator(MAX_POINTS)]
    )
    occurred_on = models.DateField(_("发生日期"))
    month = models.DateField(editable=False)  # the first day of occurred_on's month
    note = models.CharField(_("说明"), max_length=200, blank=True)
    photo = models.ImageField(_("佐证照片"), upload_to=image_path, blank=True)
    photo_thumbnail = models.ImageField(upload_to=image_path, blank=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"), default=timezone.now)
    corrected_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()
    scope = ScopeSpec(region="organization__region__path", organization="organization__path")

    class Meta:
        verbose_name = _("锋领积分记录")
        verbose_name_plural = _("锋领积分记录")
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["member", "month", "behaviour"]),
            models.Index(fields=["month", "member"]),
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.behaviour} {self.points:+d}"


class ScoreCorrection(models.Model):
    event = models.ForeignKey(ScoreEvent, on_delete=models.PROTECT, related_name="corrections")
    old_points = models.SmallIntegerField(_("原分值"))
    new_points = models.SmallIntegerField(_("新分值"))
    reason = models.CharField(_("更正原因"), max_length=200)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    corrected_at = models.DateTimeField(_("更正时间"), default=timezone.now)

    class Meta:
        verbose_name = _("锋领积分更正")
        verbose_name_plural = _("锋领积分更正")
        ordering = ["-corrected_at", "-id"]

    def __str__(self) -> str:
        return f"{self.old_points:+d} → {self.new_points:+d}"


class MonthlyScore(models.Model):
    """A member's month, written by the job (``services.totals``): never computed on a page view."""

    member = models.ForeignKey(PartyMember, on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(PartyOrganization, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    gained = models.IntegerField(default=0)  # the positive points
    deducted = models.IntegerField(default=0)  # the deductions, as a positive number
    total = models.IntegerField(default=0)
    events = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField()

    objects = ScopedQuerySet.as_manager()
    scope = ScopeSpec(region="organization__region__path", organization="organization__path")

    class Meta:
        ordering = ["-month"]
        constraints = [models.UniqueConstraint(fields=["member", "month"], name="fengling_month_once")]
        indexes = [models.Index(fields=["month", "organization"])]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.total:+d}"


class Rating(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    QUALIFIED = "qualified", _("合格")
    BASIC = "basic", _("基本合格")
    UNQUALIFIED = "unqualified", _("不合格")


class YearlyRating(models.Model):
    """A member's year: the base points plus the year's monthly totals, and the rating they give."""

    member = models.ForeignKey(PartyMember, on_delete=models.CASCADE, related_name="+")
    organization = models.ForeignKey(PartyOrganization, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    score = models.IntegerField()
    rating = models.CharField(max_length=12, choices=Rating.choices)
    computed_at = models.DateTimeField()

    objects = ScopedQuerySet.as_manager()
    scope = ScopeSpec(region="organization__region__path", organization="organization__path")

    class Meta:
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["member", "year"], name="fengling_year_once")]

    def __str__(self) -> str:
        return f"{self.year} {self.score}"


class BoardKind(models.TextChoices):
    RED = "red", _("红榜")
    BLACK = "black", _("黑榜")


class BoardStatus(models.TextChoices):
    OPEN = "open", _("整改中")
    CLOSED = "closed", _("已整改")
    PRAISED = "praised", _("表扬")


class BoardEntry(models.Model):
    """A line of a branch's (and so its community's) red/black list (红黑榜).

    Red: praise, with red points (红色积分). Black: something the member must correct by
    ``deadline``; it stays open until a secretary or staff member closes it as corrected.
    """

    kind = models.CharField(_("榜单"), max_length=5, choices=BoardKind.choices)
    member = models.ForeignKey(PartyMember, on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey(PartyOrganization, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("事由"), max_length=200)
    red_points = models.PositiveSmallIntegerField(
        _("红色积分"), default=0, validators=[MaxValueValidator(MAX_POINTS)]
    )
    deadline = models.DateField(_("整改期限"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=8, choices=BoardStatus.choices)
    closing_note = models.CharField(_("整改情况"), max_length=200, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    objects = ScopedQuerySet.as_manager()
    scope = ScopeSpec(region="organization__region__path", organization="organization__path")

    class Meta:
        verbose_name = _("红黑榜")
        verbose_name_plural = _("红黑榜")
        ordering = ["kind", "status", "deadline", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="red", status="praised", deadline__isnull=True)
                | models.Q(kind="black", status__in=["open", "closed"], deadline__isnull=False),
                name="fengling_board_kind_fits",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {mask_name(self.member.name)}"

    @property
    def is_overdue(self) -> bool:
        return (
            self.kind == BoardKind.BLACK
            and self.status == BoardStatus.OPEN
            and self.deadline is not None
            and self.deadline < timezone.localdate()
        )


class ExportKind(models.TextChoices):
    SCORES = "scores", _("锋领指数")
    BOARD = "board", _("红黑榜")


class FenglingExportJob(ExportJob):
    """An index or board export too large to write during the request (see ``portal.exports``);
    ``query`` holds the page's filters, applied to the owner's scope as it is when the job runs."""

    what = models.CharField(_("导出内容"), max_length=8, choices=ExportKind.choices)

    class Meta(ExportJob.Meta):
        verbose_name = _("锋领指数导出")
        verbose_name_plural = _("锋领指数导出")
        # The inherited "%(app_label)s_%(class)s_sweep" is longer than the 30 characters Django allows.
        indexes = [models.Index(fields=["status", "lease_until"], name="fengling_export_sweep")]
