"""The public-welfare market (公益集市): organizations, projects and pledges (认捐).

Who does what:
- Any signed-in person registers an organization (爱心单位) and becomes its representative (经办人).
  The registration waits for staff with review rights over the organization's region
  (``is_active`` is the approval: False while it waits); approved, its representatives may pledge,
  and those of a social organization (社会组织) may also post projects. A refused registration is
  deleted, so the credit code can be registered again once corrected.
- Projects are posted by community staff (change rights over the project's region, any level above
  included) or by an approved social organization, and edited or closed by the same side.
- A pledge is made by a representative of an approved organization on an open project before its
  deadline, withdrawn by that organization's representatives while not received, and confirmed as
  received by staff with change rights over the project's region.

Every status change is a conditional UPDATE on the expected status whose row count decides, so two
tabs confirming the same receipt count it once; a pledge locks its project's row, so a pledge and a
close arriving together are ordered (the pledge never lands on a project already closed).
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from brands.images import ProcessedImage
from grids.models import Region
from portal import media
from portal.errors import Conflict, IllegalTransition, NotAllowed
from portal.models import RoleAssignment, User
from portal.notifications import notify
from portal.scoping import ROLE_ACTIONS, Action, can
from portal.services import UNCHANGED, Unchanged, given, model_update, refuse_sent_twice
from portal.validators import (
    normalize_credit_code,
    normalize_mobile,
    normalize_person_name,
    validate_credit_code,
)
from wishes.models import (
    Pledge,
    PledgeStatus,
    ProjectStatus,
    WelfareOrganization,
    WelfareOrgKind,
    WelfareProject,
)

# Every refusal, said once.
MESSAGES = {
    "code_taken": gettext_lazy("该统一社会信用代码已登记，请联系该单位的经办人或所在地工作人员。"),
    "already_approved": gettext_lazy("该单位已审核通过。"),
    "not_pending": gettext_lazy("该单位已有认捐或项目，不能驳回登记。"),
    "not_reviewer": gettext_lazy("只有该单位所在地的工作人员可以审核登记。"),
    "not_representative": gettext_lazy("只有已审核通过的爱心单位的经办人可以认捐。"),
    "not_poster": gettext_lazy("只有社区工作人员或已审核通过的社会组织可以发布公益项目。"),
    "not_manager": gettext_lazy("只有发布方可以修改或结束该项目。"),
    "project_closed": gettext_lazy("该项目已结束，不能再认捐。"),
    "project_past_deadline": gettext_lazy("该项目已过认捐截止日期（%(deadline)s），不能再认捐。"),
    "edit_closed": gettext_lazy("已结束的项目不能修改。"),
    "already_closed": gettext_lazy("该项目已结束。"),
    "deadline_past": gettext_lazy("截止日期不能早于今天。"),
    "needs_target": gettext_lazy("请填写目标金额或所需物资（至少一项）。"),
    "needs_gift": gettext_lazy("请填写认捐金额或认捐物资（至少一项）。"),
    "no_money_target": gettext_lazy("该项目只接受物资认捐。"),
    "no_goods_target": gettext_lazy("该项目只接受资金认捐。"),
    "not_pledger": gettext_lazy("只有认捐单位的经办人可以撤回该认捐。"),
    "not_receiver": gettext_lazy("只有项目所在地的工作人员可以确认认捐到位。"),
    "received_twice": gettext_lazy("该认捐已确认到位，不能重复确认。"),
    "receive_withdrawn": gettext_lazy("该认捐已撤回，不能确认到位。"),
    "withdraw_received": gettext_lazy("该认捐已确认到位，不能撤回。"),
    "withdrawn_twice": gettext_lazy("该认捐已撤回。"),
    "submitted_twice": gettext_lazy("这次认捐已经提交过了。"),
}


class SubmittedTwice(Conflict):
    """The same page form (its one-time token) was already saved."""

    code = "submitted_twice"


LIVE_PLEDGE = (PledgeStatus.PLEDGED, PledgeStatus.RECEIVED)


def _message(key: str, **params: object) -> str:
    text = str(MESSAGES[key])
    return text % params if params else text


# --- Who may act (pages and the API ask these too, to show only buttons that work) ---------------


def represented_by(user: User) -> QuerySet[WelfareOrganization]:
    """The approved organizations ``user`` acts for (none for a visitor)."""
    if not getattr(user, "is_authenticated", False) or not isinstance(user, User):
        return WelfareOrganization.objects.none()
    return WelfareOrganization.objects.filter(representatives=user, is_active=True)


def represents(user: User, organization: WelfareOrganization) -> bool:
    return organization.is_active and represented_by(user).filter(pk=organization.pk).exists()


def may_manage_project(user: User, project: WelfareProject) -> bool:
    if project.posted_by_org_id and represented_by(user).filter(pk=project.posted_by_org_id).exists():
        return True
    return can(user, Action.CHANGE, project)


def may_post_for(user: User, organization: WelfareOrganization | None) -> bool:
    """``organization`` None: for a community, by its staff (the region is checked on create)."""
    if organization is None:
        return True
    return organization.kind == WelfareOrgKind.SOCIAL and represents(user, organization)


# --- Organizations ------------------------------------------------------------------------------


@transaction.atomic
def organization_register(
    *,
    actor: User,
    name: str,
    kind: str,
    credit_code: str,
    region: Region,
    contact_name: str,
    contact_mobile: str,
) -> WelfareOrganization:
    organization = WelfareOrganization(
        name=name.strip(),
        kind=kind,
        credit_code=normalize_credit_code(credit_code),
        region=region,
        contact_name=normalize_person_name(contact_name),
        contact_mobile=normalize_mobile(contact_mobile),
        is_active=False,  # until staff of its region approve it
    )
    errors = {}
    try:
        validate_credit_code(organization.credit_code)
    except ValidationError as error:
        errors["credit_code"] = error.messages
    try:
        organization.full_clean(validate_unique=False)
    except ValidationError as error:
        errors = {**error.message_dict, **errors}
    if errors:
        raise ValidationError(errors)
    if WelfareOrganization.objects.filter(credit_code=organization.credit_code).exists():
        raise Conflict(_message("code_taken"))
    try:
        with transaction.atomic():
            organization.save()
    except IntegrityError:  # the same code registered at the same moment: the unique index decides
        raise Conflict(_message("code_taken")) from None
    organization.representatives.add(actor)
    _tell_reviewers(organization)
    return organization


def _tell_reviewers(organization: WelfareOrganization) -> None:
    """Staff at the nearest place above (or at) the organization's region who may approve it: the
    street's staff for a street, not every person up to the city."""
    region = organization.region
    codes = [*region.ancestor_codes(), region.code]
    reviewer_roles = [role for role, actions in ROLE_ACTIONS.items() if Action.REVIEW in actions]
    grants = list(
        RoleAssignment.objects.filter(region__code__in=codes, role__in=reviewer_roles, organization=None)
        .select_related("region", "user")
        .order_by("-region__path")
    )
    nearest = [g.user for g in grants if g.region.path == grants[0].region.path] if grants else []
    if nearest:
        notify(
            recipients=nearest,
            kind="wishes.organization_registered",
            title=_("“%(name)s”申请登记为爱心单位，请审核。") % {"name": organization.name},
            link=reverse("wishes:market_organizations"),
            dedupe_key=f"wishes.organization_registered:{organization.pk}",
        )


@transaction.atomic
def organization_approve(*, actor: User, organization: WelfareOrganization) -> WelfareOrganization:
    if not can(actor, Action.REVIEW, organization):
        raise NotAllowed(_message("not_reviewer"))
    won = WelfareOrganization.objects.filter(pk=organization.pk, is_active=False).update(is_active=True)
    if not won:
        raise IllegalTransition(_message("already_approved"))
    organization.refresh_from_db(fields=["is_active"])
    notify(
        recipients=organization.representatives.all(),
        kind="wishes.organization_approved",
        title=_("“%(name)s”已通过审核，可以在公益集市认捐了。") % {"name": organization.name},
        link=reverse("wishes:market"),
        dedupe_key=f"wishes.organization_approved:{organization.pk}",
    )
    return organization


@transaction.atomic
def organization_reject(*, actor: User, organization: WelfareOrganization, reason: str) -> None:
    """Refuse a registration: the row goes, so the corrected code can be registered again."""
    if not can(actor, Action.REVIEW, organization):
        raise NotAllowed(_message("not_reviewer"))
    organization = WelfareOrganization.objects.select_for_update().get(pk=organization.pk)
    if organization.is_active:
        raise IllegalTransition(_message("already_approved"))
    if organization.pledges.exists() or organization.projects.exists():
        raise IllegalTransition(_message("not_pending"))
    notify(
        recipients=list(organization.representatives.all()),
        kind="wishes.organization_rejected",
        title=_("“%(name)s”的登记未通过审核") % {"name": organization.name},
        body=reason,
        link=reverse("wishes:market_register"),
    )
    organization.delete()


# --- Projects -----------------------------------------------------------------------------------


def _check_project(project: WelfareProject) -> None:
    errors = {}
    if project.target_amount is None and not project.target_goods.strip():
        errors["target_amount"] = _message("needs_target")
    if project.deadline and project.deadline < timezone.localdate():
        errors["deadline"] = _message("deadline_past")
    if errors:
        raise ValidationError(errors)


@media.atomic()
def project_create(
    *,
    actor: User,
    title: str,
    description: str,
    beneficiaries: str,
    deadline: dt.date,
    region: Region | None = None,
    organization: WelfareOrganization | None = None,
    target_amount: Decimal | None = None,
    target_goods: str = "",
    photo: ProcessedImage | None = None,
) -> WelfareProject:
    """Posted for a community (``region``, by its staff) or by a social organization (in its region)."""
    if organization is not None:
        if not may_post_for(actor, organization):
            raise NotAllowed(_message("not_poster"))
        region = organization.region
    elif region is None or not can(actor, Action.CHANGE, region):
        raise NotAllowed(_message("not_poster"))
    project = WelfareProject(
        title=title,
        description=description,
        beneficiaries=beneficiaries,
        deadline=deadline,
        region=region,
        posted_by_org=organization,
        target_amount=target_amount,
        target_goods=target_goods.strip(),
        created_by=actor,
    )
    _check_project(project)
    project.full_clean()
    refuse_sent_twice(
        actor=actor,
        twins=WelfareProject.objects.filter(created_by=actor, title=project.title, region=region),
        message=_("这个项目已经发布过了，请勿重复提交。"),
    )
    if photo is not None:
        project.photo = media.store(project, "photo", "project.jpg", photo.display)
    project.save()
    return project


@media.atomic()
def project_update(
    *,
    actor: User,
    project: WelfareProject,
    title: str | Unchanged = UNCHANGED,
    description: str | Unchanged = UNCHANGED,
    beneficiaries: str | Unchanged = UNCHANGED,
    deadline: dt.date | Unchanged = UNCHANGED,
    target_amount: Decimal | None | Unchanged = UNCHANGED,
    target_goods: str | Unchanged = UNCHANGED,
    photo: ProcessedImage | None = None,
) -> WelfareProject:
    if not may_manage_project(actor, project):
        raise NotAllowed(_message("not_manager"))
    # Locked (on PostgreSQL) so that a close cannot slip in between the check and the save.
    project = WelfareProject.objects.select_for_update().get(pk=project.pk)
    if project.status != ProjectStatus.OPEN:
        raise IllegalTransition(_message("edit_closed"))
    data = given(
        title=title, description=description, beneficiaries=beneficiaries, deadline=deadline,
        target_amount=target_amount, target_goods=target_goods,
    )  # fmt: skip
    for field, value in data.items():
        setattr(project, field, value)
    _check_project(project)
    if photo is not None:
        media.delete_on_commit(project.photo)
        data["photo"] = media.store(project, "photo", "project.jpg", photo.display)
    project.refresh_from_db()  # model_update compares with the stored values
    project, _changed = model_update(
        instance=project,
        fields=(
            "title",
            "description",
            "beneficiaries",
            "deadline",
            "target_amount",
            "target_goods",
            "photo",
        ),
        data=data,
    )
    return project


@transaction.atomic
def project_close(*, actor: User, project: WelfareProject) -> WelfareProject:
    if not may_manage_project(actor, project):
        raise NotAllowed(_message("not_manager"))
    won = WelfareProject.objects.filter(pk=project.pk, status=ProjectStatus.OPEN).update(
        status=ProjectStatus.CLOSED, updated_at=timezone.now()
    )
    if not won:
        raise IllegalTransition(_message("already_closed"))
    project.refresh_from_db(fields=["status", "updated_at"])
    return project


# --- Pledges ------------------------------------------------------------------------------------


def pledge_refusal(project: WelfareProject) -> str | None:
    """Why no pledge can be made to ``project`` now, or None (the page hides the form then)."""
    if project.status != ProjectStatus.OPEN:
        return _message("project_closed")
    if project.deadline < timezone.localdate():
        return _message("project_past_deadline", deadline=f"{project.deadline:%Y-%m-%d}")
    return None


def _check_gift(project: WelfareProject, amount: Decimal | None, goods: str) -> None:
    if amount is None and not goods:
        raise ValidationError({"amount": _message("needs_gift")})
    if amount is not None and project.target_amount is None:
        raise ValidationError({"amount": _message("no_money_target")})
    if goods and not project.target_goods:
        raise ValidationError({"goods": _message("no_goods_target")})


@transaction.atomic
def pledge_create(
    *,
    actor: User,
    project: WelfareProject,
    organization: WelfareOrganization,
    amount: Decimal | None = None,
    goods: str = "",
    submission_token: uuid.UUID | None = None,
) -> Pledge:
    """``submission_token`` (the page form's one-time token) makes a form's submission count once."""
    if not represents(actor, organization):
        raise NotAllowed(_message("not_representative"))
    # The project's row is locked: a close committed first is seen here, one arriving later waits.
    project = WelfareProject.objects.select_for_update().get(pk=project.pk)
    refusal = pledge_refusal(project)
    if refusal:
        raise IllegalTransition(refusal)
    goods = goods.strip()
    _check_gift(project, amount, goods)
    pledge = Pledge(
        project=project,
        organization=organization,
        amount=amount,
        goods=goods,
        pledged_by=actor,
        submission_token=submission_token,
    )
    pledge.full_clean(validate_unique=False)  # the unique token is decided by the index below
    try:
        with transaction.atomic():
            pledge.save()
    except IntegrityError:  # the same form sent twice: the unique token lets one row in
        raise SubmittedTwice(_message("submitted_twice")) from None
    notify(
        recipients=[project.created_by],
        kind="wishes.pledge_made",
        title=_("“%(org)s”认捐了“%(project)s”") % {"org": organization.name, "project": project.title},
        body=describe_gift(pledge),
        link=reverse("wishes:market_manage", args=[project.pk]),
        dedupe_key=f"wishes.pledge_made:{pledge.pk}",
    )
    return pledge


def describe_gift(pledge: Pledge) -> str:
    parts = []
    if pledge.amount is not None:
        parts.append(_("¥%(amount)s") % {"amount": f"{pledge.amount:,.2f}"})
    if pledge.goods:
        parts.append(pledge.goods)
    return " + ".join(parts)


def _refused_pledge_change(pledge: Pledge, messages: dict[str, str]) -> IllegalTransition:
    status = Pledge.objects.filter(pk=pledge.pk).values_list("status", flat=True).first()
    return IllegalTransition(_message(messages.get(status, "withdrawn_twice")))


@transaction.atomic
def pledge_withdraw(*, actor: User, pledge: Pledge) -> Pledge:
    if not represents(actor, pledge.organization):
        raise NotAllowed(_message("not_pledger"))
    won = Pledge.objects.filter(pk=pledge.pk, status=PledgeStatus.PLEDGED).update(
        status=PledgeStatus.WITHDRAWN
    )
    if not won:
        raise _refused_pledge_change(
            pledge, {PledgeStatus.RECEIVED: "withdraw_received", PledgeStatus.WITHDRAWN: "withdrawn_twice"}
        )
    pledge.refresh_from_db(fields=["status"])
    return pledge


@transaction.atomic
def pledge_receive(*, actor: User, pledge: Pledge) -> Pledge:
    """Confirm a pledge as received (到位); its money joins the project's received amount once."""
    if not can(actor, Action.CHANGE, pledge.project):
        raise NotAllowed(_message("not_receiver"))
    # Two tabs confirming at once: the status change decides, the loser adds nothing.
    won = Pledge.objects.filter(pk=pledge.pk, status=PledgeStatus.PLEDGED).update(
        status=PledgeStatus.RECEIVED, confirmed_by=actor, confirmed_at=timezone.now()
    )
    if not won:
        raise _refused_pledge_change(
            pledge, {PledgeStatus.RECEIVED: "received_twice", PledgeStatus.WITHDRAWN: "receive_withdrawn"}
        )
    if pledge.amount is not None:
        WelfareProject.objects.filter(pk=pledge.project_id).update(
            received_amount=F("received_amount") + pledge.amount, updated_at=timezone.now()
        )
    pledge.refresh_from_db()
    notify(
        recipients=[pledge.pledged_by],
        kind="wishes.pledge_received",
        title=_("您为“%(project)s”的认捐已确认到位，谢谢！") % {"project": pledge.project.title},
        body=describe_gift(pledge),
        link=reverse("wishes:market_project", args=[pledge.project_id]),
        dedupe_key=f"wishes.pledge_received:{pledge.pk}",
    )
    return pledge
