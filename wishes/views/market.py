"""Pages of the public-welfare market (公益集市): thin, calling wishes.services.market.

The market and a project's page are public. Each button is shown by the same gate or rule that its
page or service applies (portal.gates, services.market.may_*), so no one sees a button that fails.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from grids.models import Region, RegionLevel
from portal import gates
from portal.errors import DomainError, NotAllowed
from portal.pages import add_service_error, found_or_404, paginate, require
from portal.privacy import mask_mobile, mask_name
from portal.scoping import Action, can
from wishes.forms.market import OrganizationForm, PledgeForm, ProjectForm, RejectForm
from wishes.models import PledgeStatus, ProjectStatus, WelfareOrgKind, WelfareProject
from wishes.selectors import market as selectors
from wishes.services import market as services

NAV = "market"
PER_PAGE = 20
NEEDS = (("money", gettext_lazy("资金")), ("goods", gettext_lazy("物资")))


def market(request: HttpRequest) -> HttpResponse:
    districts = list(Region.objects.filter(level=RegionLevel.DISTRICT).only("code", "name", "path"))
    district = next((d for d in districts if d.code == request.GET.get("region")), None)
    need = request.GET.get("need") if request.GET.get("need") in ("money", "goods") else ""
    closed = request.GET.get("status") == ProjectStatus.CLOSED
    projects = selectors.market_projects(
        district=district, need=need, status=ProjectStatus.CLOSED if closed else ProjectStatus.OPEN
    )
    page = paginate(request, projects, PER_PAGE)
    for project in page:
        project.progress = selectors.progress_of(project)
        project.past_deadline = selectors.is_past_deadline(project)
    context = {
        "page": page,
        "districts": districts,
        "district": district,
        "need": need,
        "needs": NEEDS,
        "closed": closed,
        "nav_active": NAV,
        **_header_links(request),
    }
    return render(request, "wishes/market_list.html", context)


def _header_links(request: HttpRequest) -> dict[str, bool]:
    user = request.user
    return {
        "can_post": gates.MARKET_POST(user),
        "can_review": gates.MARKET_STAFF(user),
        "is_representative": gates.WELFARE_REPRESENTATIVE(user),
    }


def _project(pk: int) -> WelfareProject:
    projects = selectors.with_progress(WelfareProject.objects.select_related("region", "posted_by_org"))
    return found_or_404(projects.filter(pk=pk).first())


def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(pk)
    organizations = selectors.welfare_orgs_of(request.user)
    refusal = services.pledge_refusal(project)
    form = None
    if organizations and refusal is None:
        form = PledgeForm(organizations=organizations, project=project)
    return _render_detail(request, project, form, refusal)


def _render_detail(
    request: HttpRequest, project: WelfareProject, form: PledgeForm | None, refusal: str | None
) -> HttpResponse:
    pledges = list(selectors.project_pledges(project)[:200])
    mine = {org.pk for org in selectors.welfare_orgs_of(request.user)}
    for pledge in pledges:
        pledge.contact_display = (
            f"{mask_name(pledge.organization.contact_name)} {mask_mobile(pledge.organization.contact_mobile)}"
        )
        pledge.withdrawable = pledge.organization_id in mine and pledge.status == PledgeStatus.PLEDGED
    context = {
        "project": project,
        "progress": selectors.progress_of(project),
        "pledges": pledges,
        "form": form,
        "refusal": refusal,
        "can_manage": services.may_manage_project(request.user, project),
        "nav_active": NAV,
    }
    return render(request, "wishes/market_project.html", context, status=400 if form and form.errors else 200)


@require(gates.WELFARE_REPRESENTATIVE)
@require_POST
def pledge(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(pk)
    form = PledgeForm(request.POST, organizations=selectors.welfare_orgs_of(request.user), project=project)
    if form.is_valid():
        try:
            services.pledge_create(
                actor=request.user,
                project=project,
                organization=form.cleaned_data["organization"],
                amount=form.cleaned_data.get("amount"),
                goods=form.cleaned_data.get("goods", ""),
                submission_token=form.cleaned_data["submission_token"],
            )
        except services.SubmittedTwice as error:
            # The other tab's pledge stands; a fresh page shows it (and a new form, new token).
            messages.error(request, error.message)
            return redirect("wishes:market_project", pk=project.pk)
        except (DomainError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("认捐已登记，款物到位后由工作人员确认。谢谢您的爱心！"))
            return redirect("wishes:market_project", pk=project.pk)
    return _render_detail(request, project, form, services.pledge_refusal(project))


@require(gates.WELFARE_REPRESENTATIVE)
@require_POST
def pledge_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = found_or_404(selectors.withdrawable_pledges(request.user).filter(pk=pk).first())
    _act(request, services.pledge_withdraw, pledge=pledge, done=_("认捐已撤回。"))
    return redirect("wishes:market_project", pk=pledge.project_id)


@require(gates.MARKET_STAFF)
@require_POST
def pledge_receive(request: HttpRequest, pk: int) -> HttpResponse:
    pledge = found_or_404(selectors.receivable_pledges(request.user).filter(pk=pk).first())
    _act(request, services.pledge_receive, pledge=pledge, done=_("已确认到位，已通知认捐单位。"))
    return redirect("wishes:market_manage", pk=pledge.project_id)


def _act(request: HttpRequest, service, *, done: str, **objects) -> bool:
    try:
        service(actor=request.user, **objects)
    except NotAllowed:
        raise PermissionDenied from None
    except DomainError as error:
        messages.error(request, error.message)
        return False
    messages.success(request, done)
    return True


# --- Organizations ------------------------------------------------------------------------------


@require(gates.SIGNED_IN)
def register(request: HttpRequest) -> HttpResponse:
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organization = services.organization_register(actor=request.user, **form.cleaned_data)
        except (DomainError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, _("“%(name)s”已提交登记，待所在地工作人员审核。") % {"name": organization.name}
            )
            return redirect("wishes:market_register")
    context = {
        "form": form,
        "registrations": list(selectors.registrations_of(request.user)),
        "nav_active": NAV,
    }
    return render(request, "wishes/market_register.html", context, status=400 if form.errors else 200)


@require(gates.MARKET_STAFF)
def organizations(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.pending_organizations(request.user), PER_PAGE)
    context = {"page": page, "reject_form": RejectForm(), "nav_active": NAV}
    return render(request, "wishes/market_organizations.html", context)


def _pending(request: HttpRequest, pk: int):
    return found_or_404(selectors.pending_organizations(request.user).filter(pk=pk).first())


@require(gates.MARKET_STAFF)
@require_POST
def organization_approve(request: HttpRequest, pk: int) -> HttpResponse:
    organization = _pending(request, pk)
    _act(request, services.organization_approve, organization=organization, done=_("已审核通过。"))
    return redirect("wishes:market_organizations")


@require(gates.MARKET_STAFF)
@require_POST
def organization_reject(request: HttpRequest, pk: int) -> HttpResponse:
    organization = _pending(request, pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写未通过原因。"))
    else:
        _act(
            request,
            services.organization_reject,
            organization=organization,
            reason=form.cleaned_data["reason"],
            done=_("已驳回登记并通知经办人。"),
        )
    return redirect("wishes:market_organizations")


# --- Projects (posting side) ----------------------------------------------------------------------


def _poster_form(request: HttpRequest) -> ProjectForm:
    staff = gates._market_staff(request.user)
    social = [o for o in selectors.welfare_orgs_of(request.user) if o.kind == WelfareOrgKind.SOCIAL]
    return ProjectForm(
        request.POST or None,
        request.FILES or None,
        regions=selectors.post_regions(request.user) if staff else None,
        organizations=None if staff else social,
    )


@require(gates.MARKET_POST)
def project_create(request: HttpRequest) -> HttpResponse:
    form = _poster_form(request)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            project = services.project_create(actor=request.user, **data)
        except NotAllowed:
            raise PermissionDenied from None
        except (DomainError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("公益项目已发布。"))
            return redirect("wishes:market_project", pk=project.pk)
    context = {"form": form, "project": None, "nav_active": NAV}
    return render(request, "wishes/market_form.html", context, status=400 if form.errors else 200)


def _managed(request: HttpRequest, pk: int) -> WelfareProject:
    projects = selectors.manageable_projects(request.user).select_related("region", "posted_by_org")
    return found_or_404(projects.filter(pk=pk).first())


@require(gates.MARKET_POST)
def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    project = _managed(request, pk)
    form = ProjectForm(request.POST or None, request.FILES or None, initial=ProjectForm.initial_from(project))
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(actor=request.user, project=project, **form.cleaned_data)
        except NotAllowed:
            raise PermissionDenied from None
        except (DomainError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("项目已保存。"))
            return redirect("wishes:market_manage", pk=project.pk)
    context = {"form": form, "project": project, "nav_active": NAV}
    return render(request, "wishes/market_form.html", context, status=400 if form.errors else 200)


@require(gates.MARKET_POST)
@require_POST
def project_close(request: HttpRequest, pk: int) -> HttpResponse:
    project = _managed(request, pk)
    _act(request, services.project_close, project=project, done=_("项目已结束认捐。"))
    return redirect("wishes:market_manage", pk=project.pk)


@require(gates.MARKET_POST)
def my_projects(request: HttpRequest) -> HttpResponse:
    projects = selectors.with_progress(
        selectors.manageable_projects(request.user).select_related("region", "posted_by_org")
    ).order_by("-status", "-created_at", "-id")  # open ("open" > "closed") first
    page = paginate(request, projects, PER_PAGE)
    for project in page:
        project.progress = selectors.progress_of(project)
    return render(request, "wishes/market_mine.html", {"page": page, "nav_active": NAV})


@require(gates.MARKET_POST)
def project_manage(request: HttpRequest, pk: int) -> HttpResponse:
    """The poster's view of a project: every pledge with its contact, receipts to confirm."""
    project = _managed(request, pk)
    project = _project(project.pk)
    staff_in_scope = can(request.user, Action.CHANGE, project)
    can_receive = staff_in_scope and gates.MARKET_STAFF(request.user)
    pledges = list(
        project.pledges.select_related("organization", "confirmed_by").order_by(
            "status", "-pledged_at", "-id"
        )
    )
    for pledge in pledges:
        org = pledge.organization
        # Full contacts for staff in scope (they call to arrange the handover); masked otherwise.
        pledge.contact_display = (
            f"{org.contact_name} {org.contact_mobile}"
            if staff_in_scope
            else f"{mask_name(org.contact_name)} {mask_mobile(org.contact_mobile)}"
        )
        pledge.receivable = can_receive and pledge.status == PledgeStatus.PLEDGED
    context = {
        "project": project,
        "progress": selectors.progress_of(project),
        "pledges": pledges,
        "can_receive": can_receive,
        "nav_active": NAV,
    }
    return render(request, "wishes/market_manage.html", context)
