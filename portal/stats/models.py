"""Statistics snapshots: what the dashboards read, written only by the aggregation jobs.

A page view never aggregates raw rows: it reads one snapshot row per region node and period. The
jobs (``portal.stats.aggregate``) fill these tables with set-based GROUP BYs over region path
prefixes; ``StatsRun`` records every run (when, what it touched, how long).
"""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models import Job
from portal.scoping import ScopedQuerySet, ScopeSpec
from portal.stats import sql  # noqa: F401  (registers the SQLite median aggregate)


class Period(models.TextChoices):
    DAY = "day", _("日")
    MONTH = "month", _("月")


class StatSnapshot(models.Model):
    """One region node's figures for one day or month.

    Flow figures (activities, hours, wishes, pledges) count what happened in the period. Stock
    figures (organizations, members, volunteers, brands) are the totals at the time the period was
    last computed: the current day's and month's rows carry today's totals, older rows keep theirs.
    """

    region = models.ForeignKey("grids.Region", on_delete=models.CASCADE, related_name="+")
    # Denormalized from the region: scoping is one indexed prefix match, with no join.
    region_path = models.CharField(max_length=80)
    level = models.CharField(max_length=10)
    period = models.CharField(max_length=5, choices=Period.choices)
    period_start = models.DateField()
    # Stocks.
    organizations = models.PositiveIntegerField(_("党组织"), default=0)
    branches = models.PositiveIntegerField(_("党支部"), default=0)
    members = models.PositiveIntegerField(_("党员"), default=0)
    volunteers = models.PositiveIntegerField(_("志愿者"), default=0)
    brands_by_status = models.JSONField(default=dict)
    # A stock: the red/yellow/green counts ({"green": n, "yellow": n, "red": n}) of the branches in
    # the node's subtree for the last month assessed when the row was computed, counted by the job
    # from ``BranchHealth`` so that a page reads them from its row instead of counting the branches.
    branch_colours = models.JSONField(default=dict)
    # Activities.
    activities = models.PositiveIntegerField(_("活动"), default=0)
    activities_by_kind = models.JSONField(default=dict)
    attendees = models.PositiveIntegerField(_("参加党员人次"), default=0)
    expected_attendees = models.PositiveIntegerField(default=0)
    participants = models.PositiveIntegerField(_("参与人次"), default=0)
    people_served = models.PositiveIntegerField(_("服务群众"), default=0)
    # 三会一课: (branch, monthly requirement) pairs due in the period, and those held.
    compliance_due = models.PositiveIntegerField(default=0)
    compliance_met = models.PositiveIntegerField(default=0)
    # Volunteering (approved service records).
    service_records = models.PositiveIntegerField(default=0)
    service_hours = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    # Micro-wishes, each counted in the period its step happened in.
    wishes_submitted = models.PositiveIntegerField(_("提交"), default=0)
    wishes_approved = models.PositiveIntegerField(_("审核通过"), default=0)
    wishes_claimed = models.PositiveIntegerField(_("认领"), default=0)
    wishes_fulfilled = models.PositiveIntegerField(_("完成"), default=0)
    wishes_confirmed = models.PositiveIntegerField(_("确认"), default=0)
    median_hours_to_claim = models.FloatField(null=True)
    median_hours_to_fulfil = models.FloatField(null=True)
    wishes_rated = models.PositiveIntegerField(default=0)
    wishes_satisfied = models.PositiveIntegerField(default=0)
    # Welfare pledges (not withdrawn).
    pledges = models.PositiveIntegerField(default=0)
    pledge_amount = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    # Month rows: the node's five brands with the most activity records ([{"id", "name", "n"}]).
    top_brands = models.JSONField(default=list)
    computed_at = models.DateTimeField()

    objects = ScopedQuerySet.as_manager()
    scope = ScopeSpec(region="region_path")

    class Meta:
        verbose_name = _("统计快照")
        verbose_name_plural = _("统计快照")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "period", "period_start"], name="snapshot_one_per_node_period"
            )
        ]
        indexes = [
            models.Index(fields=["period", "period_start", "level"], name="snapshot_period_level"),
            models.Index(fields=["region_path", "period", "period_start"], name="snapshot_path_period"),
        ]

    def __str__(self) -> str:
        return f"{self.region_path} {self.period} {self.period_start}"

    @property
    def compliance_rate(self) -> int | None:
        return round(100 * self.compliance_met / self.compliance_due) if self.compliance_due else None

    @property
    def attendance_rate(self) -> int | None:
        return round(100 * self.attendees / self.expected_attendees) if self.expected_attendees else None

    @property
    def satisfaction_rate(self) -> int | None:
        return round(100 * self.wishes_satisfied / self.wishes_rated) if self.wishes_rated else None


class Colour(models.TextChoices):
    GREEN = "green", _("绿")
    YELLOW = "yellow", _("黄")
    RED = "red", _("红")


class BranchHealth(models.Model):
    """A party branch's red/yellow/green for one month, with the reasons (``portal.stats.health``)."""

    organization = models.ForeignKey("grids.PartyOrganization", on_delete=models.CASCADE, related_name="+")
    region = models.ForeignKey("grids.Region", on_delete=models.CASCADE, related_name="+")
    # Indexed for the prefix match of a low-level page (on PostgreSQL with varchar_pattern_ops too):
    # a community's branches are found by index instead of filtering the month's branches of the city.
    region_path = models.CharField(max_length=80, db_index=True)
    month = models.DateField()
    colour = models.CharField(_("评定"), max_length=6, choices=Colour.choices)
    reasons = models.JSONField(default=list)
    attendance_rate = models.PositiveSmallIntegerField(null=True)
    last_activity = models.DateField(null=True)
    red_streak = models.PositiveSmallIntegerField(default=0)  # months red in a row, this one included
    computed_at = models.DateTimeField()

    objects = ScopedQuerySet.as_manager()
    scope = ScopeSpec(region="region_path")

    class Meta:
        verbose_name = _("支部红黄绿")
        verbose_name_plural = _("支部红黄绿")
        constraints = [models.UniqueConstraint(fields=["organization", "month"], name="health_one_per_month")]
        indexes = [
            models.Index(fields=["month", "region_path"], name="health_month_path"),
            # The dashboard's red list (worst streak first) and its colour counts, read in index order.
            models.Index(
                fields=["month", "colour", "-red_streak", "region_path"], name="health_month_colour"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.month} {self.colour}"


class RunKind(models.TextChoices):
    INCREMENTAL = "incremental", _("增量")
    FULL = "full", _("全量重算")


class RunStatus(models.TextChoices):
    RUNNING = "running", _("运行中")
    DONE = "done", _("完成")
    SKIPPED = "skipped", _("跳过（另一次运行未结束）")
    FAILED = "failed", _("失败")


class StatsRun(models.Model):
    """One run of the aggregation: when, what it touched, how long. The dashboards' freshness."""

    kind = models.CharField(max_length=12, choices=RunKind.choices)
    status = models.CharField(max_length=8, choices=RunStatus.choices, default=RunStatus.RUNNING)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True)
    duration_s = models.FloatField(null=True)
    # The raw rows changed since this instant were looked for (incremental runs).
    since = models.DateTimeField(null=True)
    days = models.JSONField(default=list)  # ISO dates recomputed
    nodes = models.PositiveIntegerField(default=0)  # region nodes recomputed
    rows = models.PositiveIntegerField(default=0)  # snapshot rows written
    message = models.TextField(blank=True)

    class Meta:
        verbose_name = _("统计运行记录")
        verbose_name_plural = _("统计运行记录")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["status", "-started_at"], name="statsrun_latest")]

    def __str__(self) -> str:
        return f"{self.kind} {self.started_at:%Y-%m-%d %H:%M}"


class StatsRebuildJob(Job):
    """A staff "rebuild now": a full rebuild run in the background by ``portal.jobs``."""

    class Meta(Job.Meta):
        verbose_name = _("统计重算")
        verbose_name_plural = _("统计重算")
