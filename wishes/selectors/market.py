"""Reads of the public-welfare market: projects with their progress, pledgers, the staff queues.

Progress is one aggregate per list: the live pledges' sum and count are annotated on the page's
projects (one GROUP BY), the received amount is kept on the project by ``pledge_receive``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from grids.models import Region
from portal.scoping import Action, Viewer
from wishes.models import Pledge, PledgeStatus, ProjectStatus, WelfareOrganization, WelfareProject

LIVE = Q(pledges__status__in=[PledgeStatus.PLEDGED, PledgeStatus.RECEIVED])
ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=14, decimal_places=2))


def welfare_orgs_of(user: Any) -> list[WelfareOrganization]:
    """The approved organizations ``user`` represents; read once per request (the gates ask it)."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "pk", None):
        return []
    cached = getattr(user, "_welfare_orgs", None)
    if cached is None:
        cached = list(
            WelfareOrganization.objects.filter(representatives=user, is_active=True).order_by("name")
        )
        user._welfare_orgs = cached
    return cached


def registrations_of(user: Any) -> QuerySet[WelfareOrganization]:
    """Every organization ``user`` represents, approved or waiting."""
    return WelfareOrganization.objects.filter(representatives=user).select_related("region")


def with_progress(projects: QuerySet[WelfareProject]) -> QuerySet[WelfareProject]:
    return projects.annotate(
        pledged_amount=Coalesce(Sum("pledges__amount", filter=LIVE), ZERO),
        pledge_count=Count("pledges", filter=LIVE),
    )


def market_projects(
    *, district: Region | None = None, need: str = "", status: str = ProjectStatus.OPEN
) -> QuerySet[WelfareProject]:
    """The market's list, public: open projects by default, newest first."""
    projects = WelfareProject.objects.select_related("region", "posted_by_org")
    if status:
        projects = projects.filter(status=status)
    if district is not None:
        projects = projects.filter(region__path__startswith=district.path)
    if need == "money":
        projects = projects.filter(target_amount__isnull=False)
    elif need == "goods":
        projects = projects.exclude(target_goods="")
    # Explicit: a GROUP BY query drops the model's default ordering.
    return with_progress(projects).order_by("-created_at", "-id")


def project_pledges(project: WelfareProject) -> QuerySet[Pledge]:
    """The pledgers a project shows: live pledges, withdrawn ones are gone from the public page."""
    return (
        Pledge.objects.filter(project=project, status__in=[PledgeStatus.PLEDGED, PledgeStatus.RECEIVED])
        .select_related("organization")
        .order_by("-pledged_at", "-id")
    )


def manageable_projects(user: Viewer) -> QuerySet[WelfareProject]:
    """Projects ``user`` may edit and close: in their change scope, or posted by their organization."""
    in_scope = WelfareProject.objects.visible_to(user, Action.CHANGE).values("pk")
    orgs = [org.pk for org in welfare_orgs_of(user)]
    return WelfareProject.objects.filter(Q(pk__in=in_scope) | Q(posted_by_org_id__in=orgs))


def receivable_pledges(user: Viewer) -> QuerySet[Pledge]:
    """Pledges whose receipt ``user`` may confirm: on projects in their change scope."""
    return Pledge.objects.filter(
        project__in=WelfareProject.objects.visible_to(user, Action.CHANGE).values("pk")
    ).select_related("project__region", "organization")


def withdrawable_pledges(user: Viewer) -> QuerySet[Pledge]:
    orgs = [org.pk for org in welfare_orgs_of(user)]
    return Pledge.objects.filter(organization_id__in=orgs).select_related("organization", "project__region")


def pending_organizations(user: Viewer) -> QuerySet[WelfareOrganization]:
    return (
        WelfareOrganization.objects.visible_to(user, Action.REVIEW)
        .filter(is_active=False)
        .select_related("region")
        .prefetch_related("representatives")
        .order_by("created_at", "id")
    )


def post_regions(user: Viewer) -> QuerySet[Region]:
    """Where ``user`` may post a project for a community: streets and communities in change scope."""
    return (
        Region.objects.visible_to(user, Action.CHANGE)
        .filter(level__in=["street", "community"])
        .select_related("parent")
        .order_by("path")
    )


@dataclass(frozen=True)
class Progress:
    target: Decimal | None
    pledged: Decimal
    received: Decimal
    pledge_count: int

    @property
    def pledged_percent(self) -> int:
        return _percent(self.pledged, self.target)

    @property
    def received_percent(self) -> int:
        return _percent(self.received, self.target)


def _percent(part: Decimal, whole: Decimal | None) -> int:
    if not whole:
        return 0
    return min(100, int(part * 100 / whole))


def progress_of(project: WelfareProject) -> Progress:
    """From the annotations of ``with_progress`` (no query)."""
    return Progress(
        target=project.target_amount,
        pledged=project.pledged_amount,
        received=project.received_amount,
        pledge_count=project.pledge_count,
    )


def is_past_deadline(project: WelfareProject) -> bool:
    return project.deadline < timezone.localdate()
