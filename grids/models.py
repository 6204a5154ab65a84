import uuid
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from portal.models import ExportJob, Job, export_file_path  # noqa: F401 - migration 0004 names export_file_path
from portal.privacy import mask_mobile, mask_name
from portal.scoping import ScopedQuerySet, ScopeSpec
from portal.validators import validate_mobile, validate_person_name


class RegionLevel(models.TextChoices):
    CITY = "city", _("市")
    DISTRICT = "district", _("区县(市)")
    STREET = "street", _("街道/乡镇")
    COMMUNITY = "community", _("社区/村")
    GRID = "grid", _("网格")


LEVEL_ORDER = [
    RegionLevel.CITY,
    RegionLevel.DISTRICT,
    RegionLevel.STREET,
    RegionLevel.COMMUNITY,
    RegionLevel.GRID,
]
# Administrative codes have a fixed length per level, so a level's paths all have one length.
CODE_LENGTH = {"city": 6, "district": 6, "street": 9, "community": 12, "grid": 15}
# The digits a child's code shares with its parent's (a city's "330200" contributes "3302").
PREFIX_LENGTH = {"city": 4, "district": 6, "street": 9, "community": 12}


def district_code_of(path: str) -> str:
    """The district's code in a region path ("330200/330203/…" → "330203"); "" for the city."""
    parts = path.split("/")
    return parts[1] if len(parts) > 2 else ""


def street_code_of(path: str) -> str:
    """The street's code in a region path ("330200/330203/330203001/…" → "330203001"); "" above streets."""
    parts = path.split("/")
    return parts[2] if len(parts) > 3 else ""


class Region(models.Model):
    """A node of the region tree, placed by a materialized path of codes ("330200/330203/…/")."""

    code = models.CharField(_("区划代码"), max_length=15, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级"),
    )
    path = models.CharField(_("路径"), max_length=80, unique=True, editable=False)

    objects = ScopedQuerySet.as_manager()
    scope = ScopeSpec(region="path")

    class Meta:
        verbose_name = _("区域")
        verbose_name_plural = _("区域")
        ordering = ["path"]
        # The ten districts, listed by the brand wall and the base list: a scan of 17,759 regions.
        indexes = [models.Index(fields=["level", "code"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        # The path is the node's identity in every scope check; it must follow the parent.
        self.path = self.build_path(self.parent, self.code)
        super().save(*args, **kwargs)

    @staticmethod
    def build_path(parent: "Region | None", code: str) -> str:
        return f"{parent.path if parent else ''}{code}/"

    @property
    def depth(self) -> int:
        return self.path.count("/")

    def ancestor_codes(self) -> list[str]:
        return self.path.strip("/").split("/")[:-1]

    def clean(self) -> None:
        expected = LEVEL_ORDER.index(self.level) - 1
        parent_level = self.parent.level if self.parent else None
        if (expected < 0) != (self.parent is None) or (
            parent_level and LEVEL_ORDER.index(parent_level) != expected
        ):
            raise ValidationError({"parent": _("上级区域的层级不正确。")})
        if len(self.code) != CODE_LENGTH[self.level] or not self.code.isdigit():
            raise ValidationError({"code": _("区划代码应为%(n)d位数字。") % {"n": CODE_LENGTH[self.level]}})
        if self.parent and not self.code.startswith(self.parent.code[: PREFIX_LENGTH[self.parent.level]]):
            raise ValidationError({"code": _("区划代码须以上级代码开头。")})


def street_codes() -> dict[int, str]:
    """Every region's street code by its id, for rows written in bulk (seeds) that keep one."""
    return {pk: street_code_of(path) for pk, path in Region.objects.values_list("pk", "path")}


class OrgKind(models.TextChoices):
    COMMITTEE = "committee", _("党委")
    GENERAL_BRANCH = "general_branch", _("党总支")
    BRANCH = "branch", _("党支部")
    GRID_BRANCH = "grid_branch", _("网格党支部")
    OUTPOST_BRANCH = "outpost_branch", _("前哨支部")
    REGIONAL_BRANCH = "regional_branch", _("区域综合党支部")
    GROUP = "group", _("党小组")


BRANCH_KINDS = {OrgKind.BRANCH, OrgKind.GRID_BRANCH, OrgKind.OUTPOST_BRANCH, OrgKind.REGIONAL_BRANCH}


class PartyOrganizationQuerySet(ScopedQuerySet):
    def branches(self):
        return self.filter(kind__in=BRANCH_KINDS)


class PartyOrganization(models.Model):
    """A party organization; ``path`` is the chain of ids from the top organization ("12/345/")."""

    name = models.CharField(_("名称"), max_length=120)
    kind = models.CharField(_("类型"), max_length=20, choices=OrgKind.choices)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="organizations", verbose_name=_("所在区域")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级党组织"),
    )
    path = models.CharField(_("路径"), max_length=255, db_index=True, editable=False, default="")
    secretary = models.ForeignKey(
        "PartyMember",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("书记"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["path"])

    objects = PartyOrganizationQuerySet.as_manager()
    scope = ScopeSpec(region="region__path", organization="path")

    class Meta:
        verbose_name = pgettext_lazy("singular", "党组织")
        verbose_name_plural = _("党组织")
        ordering = ["region__path", "name"]
        indexes = [
            models.Index(fields=["region", "kind"]),
            # The statistics' incremental run: organizations changed since its last run.
            models.Index(fields=["updated_at"], name="organization_updated"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_branch(self) -> bool:
        return self.kind in BRANCH_KINDS

    @staticmethod
    def check_placement(region: Region, parent: "PartyOrganization | None") -> None:
        """An organization lies within its parent's region (the form asks this too, before saving)."""
        if parent is not None and not region.path.startswith(parent.region.path):
            raise ValidationError({"region": _("党组织须位于上级党组织所在区域之内。")})

    def clean(self) -> None:
        # The parent's path lists the ids above it: this organization among them means a loop.
        # (Not compared with self.path, which a move has already rewritten when this runs.)
        if self.parent_id and self.pk and f"/{self.pk}/" in f"/{self.parent.path}":
            raise ValidationError({"parent": _("上级党组织不能是自身或下级。")})
        if self.parent_id and self.region_id:
            self.check_placement(self.region, self.parent)
        if self.secretary_id and self.secretary.organization_id != self.pk:
            raise ValidationError({"secretary": _("书记须是本党组织的党员。")})


def years_between(earlier: date, later: date) -> int:
    return later.year - earlier.year - ((later.month, later.day) < (earlier.month, earlier.day))


class MemberStatus(models.TextChoices):
    FULL = "full", _("正式党员")
    PROBATIONARY = "probationary", _("预备党员")


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class PartyMember(models.Model):
    name = models.CharField(_("姓名"), max_length=50, validators=[validate_person_name])
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("出生日期"))
    join_date = models.DateField(_("入党日期"))
    status = models.CharField(
        _("党员类别"), max_length=15, choices=MemberStatus.choices, default=MemberStatus.FULL
    )
    organization = models.ForeignKey(
        PartyOrganization, on_delete=models.PROTECT, related_name="members", verbose_name=_("所在党组织")
    )
    # Denormalized from the organization so that scoping needs one join, not two.
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", editable=False)
    # The code of the district the region lies in ("" above districts), set with the region: a
    # district's newest page of members is read from (district_code, id) instead of reading and
    # sorting the district's 35,000 members (member ids are not ordered by district).
    district_code = models.CharField(max_length=15, blank=True, editable=False)
    mobile = models.CharField(_("手机号"), max_length=11, blank=True, validators=[validate_mobile])
    id_number_hash = models.CharField(max_length=64, unique=True, null=True, editable=False)
    id_number_masked = models.CharField(_("身份证号"), max_length=18, blank=True, editable=False)
    is_central_household = models.BooleanField(_("党员中心户"), default=False)
    is_in_service = models.BooleanField(_("在职党员"), default=False)
    work_unit = models.CharField(_("工作单位"), max_length=120, blank=True)
    is_mobile_member = models.BooleanField(_("流动党员"), default=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="party_member",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["id_number_hash"])

    objects = ScopedQuerySet.as_manager()
    scope = ScopeSpec(region="region__path", organization="organization__path", district="district_code")

    class Meta:
        verbose_name = pgettext_lazy("singular", "党员")
        verbose_name_plural = _("党员")
        ordering = ["organization_id", "id"]
        indexes = [
            models.Index(fields=["region", "status"]),
            models.Index(fields=["name"]),
            models.Index(fields=["district_code", "id"], name="member_district_newest"),
            # The statistics' incremental run: members changed since its last run.
            models.Index(fields=["updated_at"], name="member_updated"),
        ]

    def __str__(self) -> str:
        return self.masked_name

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)

    @property
    def masked_mobile(self) -> str:
        return mask_mobile(self.mobile) if self.mobile else ""

    def clean(self) -> None:
        today = timezone.localdate()
        if self.birth_date and self.birth_date > today:
            raise ValidationError({"birth_date": _("出生日期不能晚于今天。")})
        if self.join_date and self.join_date > today:
            raise ValidationError({"join_date": _("入党日期不能晚于今天。")})
        if self.birth_date and self.join_date and years_between(self.birth_date, self.join_date) < 18:
            raise ValidationError({"join_date": _("入党时应年满18周岁。")})


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("处理中")
    FAILED = "failed", _("有错误，未导入")
    DONE = "done", _("已导入")


def import_upload_path(job: "MemberImportJob", filename: str) -> str:
    # Never the uploader's file name: it is not trusted as a path.
    return f"imports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.xlsx"


class MemberImportJob(Job):
    """One upload of an .xlsx of members: all rows or none are saved (a job run by ``portal.jobs``)."""

    file = models.FileField(_("文件"), upload_to=import_upload_path)
    original_name = models.CharField(_("原文件名"), max_length=255)
    organization = models.ForeignKey(
        PartyOrganization, on_delete=models.CASCADE, related_name="+", verbose_name=_("导入到党组织")
    )
    # The same values as every job's status, with the import's own words for the outcomes.
    status = models.CharField(
        _("状态"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    imported_rows = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope = ScopeSpec(region="organization__region__path", organization="organization__path")

    class Meta(Job.Meta):
        verbose_name = _("党员导入")
        verbose_name_plural = _("党员导入")

    def __str__(self) -> str:
        return self.original_name


class MemberExportJob(ExportJob):
    """A member list too large to write during the request (see ``portal.exports``)."""

    class Meta(ExportJob.Meta):
        verbose_name = _("党员导出")
        verbose_name_plural = _("党员导出")
