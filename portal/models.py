import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from rest_framework_api_key.models import AbstractAPIKey, APIKeyManager
from simple_history.models import HistoricalRecords

from portal.privacy import mask_mobile, mask_name
from portal.scoping import ScopedQuerySet, ScopeSpec
from portal.validators import validate_mobile, validate_person_name, validate_site_path


class User(AbstractUser):
    real_name = models.CharField(_("真实姓名"), max_length=50, blank=True, validators=[validate_person_name])
    mobile = models.CharField(
        _("手机号"), max_length=11, unique=True, null=True, blank=True, validators=[validate_mobile]
    )
    # Maintained by portal.notifications in the transaction that adds or reads messages: the menu
    # shows it on every page from the user row the request loads anyway, at no extra query.
    unread_messages = models.PositiveIntegerField(_("未读消息"), default=0, editable=False)

    objects = UserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.real_name or self.username

    @property
    def masked_name(self) -> str:
        return mask_name(self.real_name) if self.real_name else self.username

    @property
    def masked_mobile(self) -> str:
        return mask_mobile(self.mobile or "")

    @property
    def is_system_account(self) -> bool:
        """Holds only the partner role: a partner system, which calls the API with a key."""
        if self.is_superuser or self.is_staff:
            return False
        return set(self.assignments.values_list("role", flat=True)) == {Role.PARTNER}


class Role(models.TextChoices):
    CITY_STAFF = "city_staff", _("市委组织部")
    DISTRICT_STAFF = "district_staff", _("区县(市)工作人员")
    STREET_STAFF = "street_staff", _("街道/乡镇工作人员")
    COMMUNITY_STAFF = "community_staff", _("社区/村工作人员")
    BRANCH_SECRETARY = "branch_secretary", _("支部书记")
    VOLUNTEER = "volunteer", _("志愿者")
    PARTNER = "partner", _("合作系统")


# The region level each staff role is placed at.
STAFF_ROLE_LEVEL = {
    Role.CITY_STAFF: "city",
    Role.DISTRICT_STAFF: "district",
    Role.STREET_STAFF: "street",
    Role.COMMUNITY_STAFF: "community",
}


class RoleAssignmentQuerySet(ScopedQuerySet):
    pass


class RoleAssignment(models.Model):
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("用户")
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    region = models.ForeignKey(
        "grids.Region", on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("区域")
    )
    organization = models.ForeignKey(
        "grids.PartyOrganization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=pgettext_lazy("singular", "党组织"),
    )
    granted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("授权人")
    )
    created_at = models.DateTimeField(_("授权时间"), auto_now_add=True)
    # Grants and revocations are security events: who gave or took which role, and when.
    history = HistoricalRecords()

    objects = RoleAssignmentQuerySet.as_manager()
    scope = ScopeSpec(region="region__path", organization="organization__path")

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "region", "organization"], name="unique_role_assignment"
            ),
        ]
        indexes = [
            # The role list (staff grants by place): a district's 10,000 volunteer roles, given by
            # registration and not listed there, were read and dropped on every view.
            models.Index(fields=["region"], condition=~Q(role="volunteer"), name="role_grant_by_region"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.place}"

    @property
    def place(self) -> object:
        return self.organization or self.region or "—"

    def clean(self) -> None:
        from grids.models import RegionLevel

        level = STAFF_ROLE_LEVEL.get(self.role)
        if level:
            if self.region is None or self.region.level != level:
                label = RegionLevel(level).label
                raise ValidationError({"region": _("该角色须对应一个“%(level)s”级区域。") % {"level": label}})
            self.organization = None
        elif self.role == Role.BRANCH_SECRETARY:
            if self.organization is None:
                raise ValidationError({"organization": _("支部书记须对应一个党组织。")})
            self.region = self.organization.region
        elif self.role in (Role.VOLUNTEER, Role.PARTNER) and self.region is None:
            raise ValidationError({"region": _("请选择所属区域。")})


class ApiScope(models.TextChoices):
    READ = "read", _("读取参考数据与统计")
    WISHES_WRITE = "wishes:write", _("提交微心愿")
    SERVICE_WRITE = "service:write", _("提交服务时长")
    ACTIVITIES_WRITE = "activities:write", _("提交活动记录")


def default_scopes() -> list[str]:
    return [ApiScope.READ.value]


class PartnerAPIKey(AbstractAPIKey):
    """A partner system's key: hashed at rest (only the prefix is readable), revocable, scoped."""

    partner = models.CharField(_("合作单位"), max_length=100)
    scopes = models.JSONField(_("权限范围"), default=default_scopes)
    region = models.ForeignKey(
        "grids.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("可见区域")
    )
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("创建人")
    )

    objects = APIKeyManager()
    scope = ScopeSpec(region="region__path")

    class Meta(AbstractAPIKey.Meta):
        verbose_name = _("合作系统 API 密钥")
        verbose_name_plural = _("合作系统 API 密钥")

    def clean(self) -> None:
        super().clean()
        unknown = set(self.scopes or []) - set(ApiScope.values)
        if unknown or not isinstance(self.scopes, list):
            raise ValidationError({"scopes": _("未知的权限范围：%(s)s") % {"s": ", ".join(sorted(unknown))}})


class IdempotencyRecord(models.Model):
    """The first response to a POST carrying an Idempotency-Key, replayed on retries."""

    principal = models.CharField(max_length=80)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)
    body = models.JSONField(null=True)
    headers = models.JSONField(default=dict, blank=True)  # those of idempotency.REPLAYED_HEADERS it had
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["principal", "key"], name="unique_idempotency_key")]

    def __str__(self) -> str:
        return f"{self.principal} {self.key}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("处理中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class Job(models.Model):
    """What every background job table inherits: status, owner, progress, lease and attempts.

    An abstract base rather than one shared table: each kind keeps typed columns of its own (an
    import's organization and error rows, an export's filters and file) with real foreign keys and its
    own scope, and ``portal.jobs`` runs any of them the same way. See ``portal.jobs`` for the states.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("发起人")
    )
    status = models.CharField(_("状态"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress_done = models.PositiveIntegerField(_("已处理"), default=0)
    progress_total = models.PositiveIntegerField(_("总数"), default=0)
    # The worker holding the job renews this while it runs; once it lapses, any worker may take over.
    lease_until = models.DateTimeField(_("租约到期"), null=True, blank=True)
    # Incremented by each take: a cap on retries, and the fencing token that tells a worker the
    # job is still its own (a worker that was only slow, not dead, cannot finish a taken-over job).
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    message = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at"]
        # The sweep's question every minute: which jobs are waiting or lost?
        indexes = [models.Index(fields=["status", "lease_until"], name="%(app_label)s_%(class)s_sweep")]

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        return min(100, int(100 * self.progress_done / self.progress_total)) if self.progress_total else 0

    @property
    def pending(self) -> bool:
        return self.status in (JobStatus.QUEUED, JobStatus.RUNNING)


def export_file_path(job: "ExportJob", filename: str) -> str:
    # Unguessable, and outside what the proxy serves (see docker-compose): only the download view sends it.
    return f"exports/{job.token.hex}.xlsx"


class ExportJob(Job):
    """A list too large to write during the request, written by a background job (``portal.exports``).

    Only its owner may follow and download it, until ``expires_at``; then the file is deleted.
    """

    token = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    # The list's filters as a query string: the job applies them to the owner's scope as it is when
    # the job runs, exactly as the immediate export does.
    query = models.TextField(_("筛选条件"), blank=True)
    file = models.FileField(_("文件"), upload_to=export_file_path, blank=True)
    expires_at = models.DateTimeField(_("下载截止"), null=True, blank=True)

    class Meta(Job.Meta):
        abstract = True

    def __str__(self) -> str:
        return f"#{self.pk}"

    @property
    def downloadable(self) -> bool:
        """Done, with its file, and not expired: the page's link and the download ask the same."""
        return bool(
            self.status == JobStatus.DONE
            and self.file
            and self.expires_at
            and self.expires_at > timezone.now()
        )


class Delivery(models.TextChoices):
    """A message's copy by e-mail or SMS (the in-site message itself is always there)."""

    NONE = "", _("不发送")
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")


class Message(models.Model):
    """One in-site message (消息) to one user, sent through ``portal.notifications.notify``."""

    recipient = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="inbox", verbose_name=_("收件人")
    )
    # A short slug the sending app chooses ("volunteers.approved"): apps add kinds without a migration.
    kind = models.CharField(
        _("类别"),
        max_length=50,
        validators=[
            RegexValidator(
                r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$",
                _("类别须是小写字母、数字、下划线和点，如 volunteers.approved。"),
            )
        ],
    )
    title = models.CharField(_("标题"), max_length=120)
    body = models.TextField(_("内容"), blank=True, max_length=2000)
    link = models.CharField(_("链接"), max_length=300, blank=True, validators=[validate_site_path])
    # One key per notify() call (or the caller's own, e.g. "volunteers.approved:42"): a task
    # delivered twice finds its messages there and creates none again.
    dedupe_key = models.CharField(max_length=100)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    email = models.CharField(_("邮件"), max_length=10, choices=Delivery.choices, blank=True, default="")
    sms = models.CharField(_("短信"), max_length=10, choices=Delivery.choices, blank=True, default="")

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key", "recipient"], name="unique_message_per_notification"
            ),
        ]
        indexes = [
            # "My newest messages": the inbox page and the API read one user's rows in this order.
            models.Index(fields=["recipient", "-created_at", "-id"], name="message_newest"),
            # "My unread count" and "mark all read" touch only the unread rows.
            models.Index(fields=["recipient"], condition=models.Q(read_at=None), name="message_unread"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class WebhookEvent(models.TextChoices):
    """What a partner's endpoint can be told of (``portal.webhooks.emit``)."""

    WISH_SUBMITTED = "wish.submitted", _("微心愿提交")
    WISH_PUBLISHED = "wish.published", _("微心愿发布")
    WISH_CLAIMED = "wish.claimed", _("微心愿认领")
    WISH_RELEASED = "wish.released", _("微心愿释放")
    WISH_FULFILLED = "wish.fulfilled", _("微心愿完成")
    WISH_CONFIRMED = "wish.confirmed", _("微心愿确认")
    SERVICE_RECORD_APPROVED = "service_record.approved", _("服务时长确认")
    ACTIVITY_CREATED = "activity.created", _("活动记录新增")
    EVENT_PUBLISHED = "event.published", _("志愿活动发布")


class WebhookEndpoint(models.Model):
    """A partner system's URL that is sent the events it subscribed to, within its region."""

    name = models.CharField(_("名称"), max_length=100)
    partner = models.CharField(_("合作单位"), max_length=100)
    url = models.URLField(_("接收地址"), max_length=500)
    events = models.JSONField(_("订阅事件"), default=list)
    region = models.ForeignKey(
        "grids.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("限定区域")
    )
    # The signing secret ("whsec_" + base64), shown once when created or rotated. It stays
    # readable here because each delivery is signed with it (Standard Webhooks' symmetric
    # scheme); a rotation keeps the previous one signing beside it until ``previous_until``.
    secret = models.CharField(max_length=100, editable=False)
    previous_secret = models.CharField(max_length=100, blank=True, editable=False)
    previous_until = models.DateTimeField(null=True, blank=True, editable=False)
    is_active = models.BooleanField(_("启用"), default=True)
    disabled_reason = models.CharField(_("停用原因"), max_length=200, blank=True)
    owner = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="webhook_endpoints", verbose_name=_("登记人")
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["secret", "previous_secret"])

    objects = ScopedQuerySet.as_manager()
    scope = ScopeSpec(region="region__path")

    class Meta:
        verbose_name = _("Webhook 接收端")
        verbose_name_plural = _("Webhook 接收端")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class WebhookStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENDING = "sending", _("发送中")
    SUCCEEDED = "succeeded", _("已送达")
    FAILED = "failed", _("已放弃")


class WebhookDelivery(models.Model):
    """One event for one endpoint: the same ``message_id`` (the ``webhook-id`` header) on every
    attempt, so a receiver drops a repeat it has already handled."""

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    message_id = models.CharField(max_length=40, unique=True, editable=False)
    event_type = models.CharField(_("事件"), max_length=40, choices=WebhookEvent.choices)
    payload = models.JSONField()
    status = models.CharField(
        _("状态"), max_length=10, choices=WebhookStatus.choices, default=WebhookStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试"), null=True, blank=True)
    # A worker holds a delivery it is sending until then; a lapsed lease (worker killed) is retried.
    lease_until = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("响应码"), null=True, blank=True)
    last_error = models.CharField(_("错误"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("Webhook 投递")
        verbose_name_plural = _("Webhook 投递")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["endpoint", "-created_at", "-id"], name="webhook_delivery_log"),
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status__in=["pending", "sending"]),
                name="webhook_delivery_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.endpoint}"


class WebhookAttempt(models.Model):
    """One HTTP attempt of a delivery, for the log: when, the answer and how long it took."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="log")
    number = models.PositiveSmallIntegerField(_("第几次"))
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    status_code = models.PositiveSmallIntegerField(_("响应码"), null=True, blank=True)
    error = models.CharField(_("错误"), max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField(_("耗时(毫秒)"), default=0)
    # A staff member's "resend" (None: the schedule's own attempt).
    resent_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("Webhook 投递尝试")
        verbose_name_plural = _("Webhook 投递尝试")
        ordering = ["delivery_id", "number"]

    def __str__(self) -> str:
        return f"{self.delivery} #{self.number}"


# Statistics snapshots (issue 9) live in their own module; imported here so that they are portal models.
from portal.stats.models import BranchHealth, StatSnapshot, StatsRebuildJob, StatsRun  # noqa: E402, F401
