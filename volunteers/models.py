"""Volunteers (志愿者): real-name accounts, one post per person, teams and stations, service events
with a capacity, and confirmed service hours that add up to a star level.

Every counter that decides a place (a post's ``taken``, an event's ``signed``) is changed only by a
conditional UPDATE in ``volunteers.services`` and backed here by a CHECK constraint; every "only
one" rule is a partial unique index. Confirmed hours are a maintained total on the volunteer (and
per year in ``VolunteerYear``), updated in the transaction that approves or corrects a record.
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from grids.models import PartyMember, PartyOrganization, Region, RegionLevel
from portal.models import ExportJob
from portal.privacy import mask_mobile, mask_name
from portal.scoping import ScopedQuerySet, ScopeSpec
from portal.validators import validate_mobile, validate_person_name


class Specialty(models.Model):
    """A skill a volunteer offers and an event or wish asks for (医疗, 文艺, 教育, 法律援助, …)."""

    code = models.SlugField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=20, unique=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("专长")
        verbose_name_plural = _("专长")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class VolunteerStatus(models.TextChoices):
    APPLICANT = "applicant", _("待审核")
    ACTIVE = "active", _("已认证")
    SUSPENDED = "suspended", _("已暂停")
    ARCHIVED = "archived", _("已归档")


class Volunteer(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="volunteer", verbose_name=_("账号")
    )
    name = models.CharField(_("姓名"), max_length=50, validators=[validate_person_name])
    mobile = models.CharField(_("手机号"), max_length=11, validators=[validate_mobile])
    # The ID number is never stored: its keyed hash finds a second registration (one person, one
    # account) and a matching party member; the masked form is what anyone is shown.
    id_number_hash = models.CharField(max_length=64, unique=True, editable=False)
    id_number_masked = models.CharField(_("身份证号"), max_length=18, editable=False)
    birth_date = models.DateField(_("出生日期"), editable=False)
    community = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("所在社区"),
        limit_choices_to={"level": RegionLevel.COMMUNITY},
    )
    # The community's district, set with the community (as for members): a district's newest page
    # of volunteers reads (district_code, id) instead of sorting the district's volunteers.
    district_code = models.CharField(max_length=15, blank=True, editable=False)
    specialties = models.ManyToManyField(
        Specialty, blank=True, related_name="volunteers", verbose_name=_("专长")
    )
    is_in_service = models.BooleanField(_("在职党员"), default=False)
    work_unit = models.CharField(_("工作单位"), max_length=120, blank=True)
    # Linked when the ID number matches a party member's: shown as 党员, the record itself stays
    # with the member's organization.
    member = models.OneToOneField(
        PartyMember,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="volunteer",
        editable=False,
    )
    consented_at = models.DateTimeField(_("同意个人信息处理时间"))
    status = models.CharField(
        _("状态"), max_length=12, choices=VolunteerStatus.choices, default=VolunteerStatus.APPLICANT
    )
    status_reason = models.CharField(_("原因"), max_length=200, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    # 在职党员社区报到: when the in-service member reported to the home community.
    reported_at = models.DateTimeField(_("社区报到时间"), null=True, blank=True)
    # Maintained in the transaction that approves or corrects a service record (never summed on
    # a page view); the per-year totals are in VolunteerYear.
    hours_total = models.DecimalField(_("累计服务时长"), max_digits=9, decimal_places=2, default=Decimal("0"))
    created_at = models.DateTimeField(_("注册时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["id_number_hash", "updated_at"])

    objects = ScopedQuerySet.as_manager()
    scope = ScopeSpec(region="community__path", district="district_code")

    class Meta:
        verbose_name = _("志愿者")
        verbose_name_plural = _("志愿者")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["district_code", "id"], name="volunteer_district_newest"),
            models.Index(fields=["community", "status"]),
            # The statistics' change scan (portal/stats/aggregate.py) every five minutes.
            models.Index(fields=["updated_at"], name="volunteer_updated"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(hours_total__gte=0), name="volunteer_hours_not_negative"),
        ]

    def __str__(self) -> str:
        return self.masked_name

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)

    @property
    def masked_mobile(self) -> str:
        return mask_mobile(self.mobile)

    @property
    def is_party_member(self) -> bool:
        return self.member_id is not None

    @property
    def is_active(self) -> bool:
        return self.status == VolunteerStatus.ACTIVE

    @property
    def stars(self) -> int:
        return star_level(self.hours_total)

    @property
    def hours_to_next_star(self) -> Decimal | None:
        thresholds = settings.VOLUNTEER_STAR_HOURS
        stars = self.stars
        return None if stars >= len(thresholds) else Decimal(thresholds[stars]) - self.hours_total


def star_level(hours: Decimal) -> int:
    """1–5 stars at the thresholds in settings.VOLUNTEER_STAR_HOURS (100/300/600/1,000/1,500 h)."""
    return sum(1 for threshold in settings.VOLUNTEER_STAR_HOURS if hours >= Decimal(threshold))


class VolunteerYear(models.Model):
    """A volunteer's confirmed hours in one calendar year, maintained with ``Volunteer.hours_total``."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField(_("年度"))
    hours = models.DecimalField(_("服务时长"), max_digits=9, decimal_places=2, default=Decimal("0"))

    class Meta:
        verbose_name = _("年度服务时长")
        verbose_name_plural = _("年度服务时长")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["volunteer", "year"], name="one_total_per_volunteer_year"),
            models.CheckConstraint(condition=Q(hours__gte=0), name="volunteer_year_hours_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} · {self.year}: {self.hours}h"


class Station(models.Model):
    """A volunteer station (驿站): where teams are based."""

    name = models.CharField(_("名称"), max_length=80)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所在区域"))
    address = models.CharField(_("地址"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = ScopeSpec(region="region__path")

    class Meta:
        verbose_name = _("志愿服务驿站")
        verbose_name_plural = _("志愿服务驿站")
        ordering = ["region__path", "name"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """A volunteer team (志愿服务队), grouped by specialty and based at a station."""

    name = models.CharField(_("名称"), max_length=80)
    specialty = models.ForeignKey(
        Specialty,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="teams",
        verbose_name=_("专长"),
    )
    station = models.ForeignKey(
        Station, on_delete=models.PROTECT, related_name="teams", verbose_name=_("所属驿站")
    )
    # The station's region, denormalized so that scoping needs no join through the station.
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", editable=False)
    leader = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="led_teams", verbose_name=_("队长")
    )
    description = models.TextField(_("简介"), blank=True)
    # Maintained with the members' hours: confirmed hours served by the team's records.
    hours_total = models.DecimalField(
        _("累计服务时长"), max_digits=11, decimal_places=2, default=Decimal("0")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = ScopeSpec(region="region__path")

    class Meta:
        verbose_name = _("志愿服务队")
        verbose_name_plural = _("志愿服务队")
        ordering = ["region__path", "name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if self.station_id and not self.region_id:
            self.region_id = self.station.region_id
        super().save(*args, **kwargs)


class MembershipStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已加入")
    REJECTED = "rejected", _("未通过")
    LEFT = "left", _("已退出")


LIVE_MEMBERSHIP = Q(status__in=[MembershipStatus.PENDING, MembershipStatus.APPROVED])


class TeamMembership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="memberships")
    status = models.CharField(
        _("状态"), max_length=10, choices=MembershipStatus.choices, default=MembershipStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("队员")
        verbose_name_plural = _("队员")
        ordering = ["team_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "volunteer"], condition=LIVE_MEMBERSHIP, name="one_live_membership"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.volunteer}"


class Post(models.Model):
    """A community post (岗位) under 一人一岗: 治安巡逻, 政策宣传, 矛盾调解, 助老助残, 环境整治, …"""

    community = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("社区"),
        limit_choices_to={"level": RegionLevel.COMMUNITY},
    )
    name = models.CharField(_("岗位名称"), max_length=40)
    description = models.CharField(_("岗位职责"), max_length=200, blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("名额"), validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    # Changed only by the conditional UPDATE in volunteers.services.posts (taken < capacity).
    taken = models.PositiveSmallIntegerField(_("已上岗"), default=0, editable=False)
    is_open = models.BooleanField(_("开放认领"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scope = ScopeSpec(region="community__path")

    class Meta:
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")
        ordering = ["community_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(taken__lte=F("capacity")), name="post_taken_within_capacity"),
            models.UniqueConstraint(fields=["community", "name"], name="unique_post_name_per_community"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def free(self) -> int:
        return max(self.capacity - self.taken, 0)


class HoldingStatus(models.TextChoices):
    HELD = "held", _("在岗")
    ENDED = "ended", _("已离岗")


class PostHolding(models.Model):
    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="holdings")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="holdings")
    status = models.CharField(max_length=8, choices=HoldingStatus.choices, default=HoldingStatus.HELD)
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("在岗记录")
        verbose_name_plural = _("在岗记录")
        ordering = ["-started_at"]
        constraints = [
            # One person, one post: at most one post held at a time, whatever the community.
            models.UniqueConstraint(
                fields=["volunteer"], condition=Q(status=HoldingStatus.HELD), name="one_post_per_volunteer"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.post} · {self.volunteer}"


class EventStatus(models.TextChoices):
    PUBLISHED = "published", _("报名中")
    CANCELLED = "cancelled", _("已取消")


def new_checkin_code() -> str:
    return secrets.token_urlsafe(12)


class Event(models.Model):
    """A service event with a capacity, organized by a party organization, a team or a community."""

    title = models.CharField(_("活动名称"), max_length=100)
    description = models.TextField(_("活动内容"), blank=True)
    place = models.CharField(_("地点"), max_length=200)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("所在区域"))
    organization = models.ForeignKey(
        PartyOrganization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="volunteer_events",
        verbose_name=pgettext_lazy("singular", "党组织"),
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("志愿服务队"),
    )
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    signup_deadline = models.DateTimeField(_("报名截止"))
    capacity = models.PositiveIntegerField(
        _("名额"), validators=[MinValueValidator(1), MaxValueValidator(10000)]
    )
    # Changed only by the conditional UPDATE in volunteers.services.events (signed < capacity).
    signed = models.PositiveIntegerField(_("已报名"), default=0, editable=False)
    wanted_specialties = models.ManyToManyField(
        Specialty, blank=True, related_name="events", verbose_name=_("需要的专长")
    )
    needs_approval = models.BooleanField(_("报名需审核"), default=False)
    status = models.CharField(
        _("状态"), max_length=10, choices=EventStatus.choices, default=EventStatus.PUBLISHED
    )
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True)
    checkin_code = models.CharField(max_length=32, unique=True, default=new_checkin_code, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("发布人")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["signed", "updated_at"])

    objects = ScopedQuerySet.as_manager()
    # A branch secretary organizes the events of their organization; staff those of their area.
    scope = ScopeSpec(region="region__path", organization="organization__path")

    class Meta:
        verbose_name = _("志愿服务活动")
        verbose_name_plural = _("志愿服务活动")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["status", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(signed__lte=F("capacity")), name="event_signed_within_capacity"
            ),
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="event_ends_after_start"),
            models.CheckConstraint(
                condition=Q(signup_deadline__lte=F("starts_at")), name="event_deadline_before_start"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def free(self) -> int:
        return max(self.capacity - self.signed, 0)

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("结束时间须晚于开始时间。")})
        if self.starts_at and self.signup_deadline and self.signup_deadline > self.starts_at:
            raise ValidationError({"signup_deadline": _("报名截止时间不能晚于活动开始时间。")})


class SignupStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    SIGNED = "signed", _("已报名")
    WAITLISTED = "waitlisted", _("候补中")
    CANCELLED = "cancelled", _("已取消")
    DECLINED = "declined", _("未通过")


# A sign-up that holds (or waits for) a place: at most one per volunteer and event.
LIVE_SIGNUP = Q(status__in=[SignupStatus.PENDING, SignupStatus.SIGNED, SignupStatus.WAITLISTED])


class Signup(models.Model):
    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="signups")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="signups")
    status = models.CharField(_("状态"), max_length=10, choices=SignupStatus.choices)
    # The event's times, copied so that the overlap rule reads one volunteer's live sign-ups by index.
    starts_at = models.DateTimeField(editable=False)
    ends_at = models.DateTimeField(editable=False)
    created_at = models.DateTimeField(_("报名时间"), auto_now_add=True)
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("签退时间"), null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("报名")
        verbose_name_plural = _("报名")
        # Arrival order: the waitlist is promoted in this order.
        ordering = ["event_id", "created_at", "id"]
        indexes = [models.Index(fields=["volunteer", "starts_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "volunteer"], condition=LIVE_SIGNUP, name="one_live_signup"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} · {self.volunteer}"


class RecordStatus(models.TextChoices):
    PENDING = "pending", _("待确认")
    APPROVED = "approved", _("已确认")
    DECLINED = "declined", _("未确认")


class RecordSource(models.TextChoices):
    EVENT = "event", _("服务活动")
    DECLARED = "declared", _("自主申报")
    API = "api", _("合作系统")
    WISH = "wish", _("微心愿")


class ServiceRecordQuerySet(ScopedQuerySet):
    def delete(self):  # type: ignore[override]
        if self.filter(status=RecordStatus.APPROVED).exists():
            raise ValidationError(_("已确认的服务时长不能删除，只能更正。"))
        return super().delete()


class ServiceRecord(models.Model):
    """Hours of service (in Decimal hours), confirmed by the organizer or community staff.

    Approved records are never deleted, only corrected with a reason (``HoursCorrection``)."""

    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="records")
    # Where the service counts: the event's region, else the volunteer's community.
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", editable=False)
    event = models.ForeignKey(Event, on_delete=models.PROTECT, null=True, blank=True, related_name="records")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, null=True, blank=True, related_name="records")
    source = models.CharField(_("来源"), max_length=10, choices=RecordSource.choices)
    served_on = models.DateField(_("服务日期"))
    hours = models.DecimalField(
        _("服务时长（小时）"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(Decimal("24"))],
    )
    description = models.CharField(_("服务内容"), max_length=200)
    status = models.CharField(
        _("状态"), max_length=10, choices=RecordStatus.choices, default=RecordStatus.PENDING
    )
    decline_reason = models.CharField(_("未确认原因"), max_length=200, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The partner's own reference for records reported through the API (one record per reference).
    external_ref = models.CharField(_("外部编号"), max_length=64, blank=True)
    partner = models.CharField(_("合作单位"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = ServiceRecordQuerySet.as_manager()
    scope = ScopeSpec(region="region__path")

    class Meta:
        verbose_name = _("服务记录")
        verbose_name_plural = _("服务记录")
        ordering = ["-served_on", "-id"]
        indexes = [
            models.Index(fields=["volunteer", "-served_on"]),
            models.Index(fields=["region", "served_on"]),
            models.Index(fields=["status", "served_on"]),
            # The statistics' change scan reads records created or decided since its last run:
            # without these it read the city's million records every five minutes.
            models.Index(fields=["created_at"], name="service_record_created"),
            models.Index(fields=["decided_at"], name="service_record_decided"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours__gt=0) & Q(hours__lte=24), name="service_hours_within_a_day"
            ),
            # One event's hours are recorded once per volunteer.
            models.UniqueConstraint(
                fields=["event", "volunteer"], condition=Q(event__isnull=False), name="one_record_per_event"
            ),
            models.UniqueConstraint(
                fields=["partner", "external_ref"], condition=~Q(external_ref=""), name="one_record_per_ref"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} · {self.served_on} · {self.hours}h"

    def delete(self, *args, **kwargs):  # type: ignore[override]
        if self.status == RecordStatus.APPROVED:
            raise ValidationError(_("已确认的服务时长不能删除，只能更正。"))
        return super().delete(*args, **kwargs)


class HoursCorrection(models.Model):
    """A correction of approved hours: the old and new figures, why, who and when."""

    record = models.ForeignKey(ServiceRecord, on_delete=models.PROTECT, related_name="corrections")
    old_hours = models.DecimalField(max_digits=5, decimal_places=2)
    new_hours = models.DecimalField(max_digits=5, decimal_places=2)
    reason = models.CharField(_("更正原因"), max_length=200)
    corrected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    corrected_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("时长更正")
        verbose_name_plural = _("时长更正")
        ordering = ["-corrected_at"]

    def __str__(self) -> str:
        return f"{self.record}: {self.old_hours} → {self.new_hours}"


class Certificate(models.Model):
    """志愿服务证明 (民政部《志愿服务记录与证明出具办法》): what the verification page may show is
    the masked name, the hours, the issuer and the date — nothing more."""

    number = models.CharField(_("证明编号"), max_length=24, unique=True, editable=False)
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="certificates")
    period_start = models.DateField(_("起始日期"))
    period_end = models.DateField(_("截止日期"))
    hours = models.DecimalField(_("服务时长"), max_digits=9, decimal_places=2)
    records = models.PositiveIntegerField(_("服务次数"))
    issuer = models.CharField(_("出具单位"), max_length=120)
    issued_at = models.DateTimeField(_("出具时间"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("志愿服务证明")
        verbose_name_plural = _("志愿服务证明")
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return self.number


class HoursExportJob(ExportJob):
    """An hours export too large to write during the request (see ``portal.exports``); ``query`` holds
    the export form's fields, applied to the owner's scope as it is when the job runs."""

    class Meta(ExportJob.Meta):
        verbose_name = _("服务时长导出")
        verbose_name_plural = _("服务时长导出")
        # The inherited "%(app_label)s_%(class)s_sweep" is longer than the 30 characters Django allows.
        indexes = [models.Index(fields=["status", "lease_until"], name="volunteers_hoursexport_sweep")]
