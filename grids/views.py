"""Browser pages for the organization tree, organizations and members.

Every object is fetched through a scoped selector: what lies outside the user's scope is a 404,
never a 403 that would confirm it exists. Writes go through grids.services, which check again.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from grids import selectors, services
from grids.filters import MemberFilter
from grids.forms import MEMBER_MORE_FILTERS, MemberForm, OrganizationForm, tidy_member_filter_form
from grids.models import PartyOrganization, Region
from portal import gates
from portal.errors import DomainError
from portal.ids import parse_id
from portal.pages import add_service_error, found_or_404, paginate, require
from portal.scoping import Action, can

MEMBERS_PER_PAGE = 30
ORGANIZATION_MEMBERS_PER_PAGE = 30


# Tree ------------------------------------------------------------------------------------------


@require(gates.STAFF_VIEW)
def tree(request: HttpRequest) -> HttpResponse:
    roots = selectors.tree_roots(request.user)
    if roots.single_region is not None:
        return _tree_node(request, roots.single_region)
    return render(request, "grids/tree_roots.html", {"roots": roots, "nav_active": "tree"})


@require(gates.SIGNED_IN)
def tree_node(request: HttpRequest, code: str) -> HttpResponse:
    # A region outside the user's scope is a 404, for a volunteer as for an outsider.
    return _tree_node(request, found_or_404(selectors.visible_region(request.user, code)))


def _tree_node(request: HttpRequest, region: Region) -> HttpResponse:
    context = {
        "node": selectors.tree_node(request.user, region),
        "can_change": can(request.user, Action.CHANGE, region),
        "nav_active": "tree",
    }
    return render(request, "grids/tree.html", context)


# Organizations ---------------------------------------------------------------------------------


@require(gates.SIGNED_IN)
def organization_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    organization = found_or_404(selectors.organization_for_page(user, pk))
    context = {
        "organization": organization,
        "children": selectors.organization_children(user, organization),
        "figures": selectors.organization_member_figures(user, organization),
        "page": paginate(
            request, selectors.organization_members(user, organization), ORGANIZATION_MEMBERS_PER_PAGE
        ),
        "can_edit": selectors.can_edit_organization(user, organization),
        "can_change": can(user, Action.CHANGE, organization),
        # A secretary sees their branch but not the committee above it, nor the region tree.
        "can_view_parent": organization.parent_id and can(user, Action.VIEW, organization.parent),
        "can_view_region": can(user, Action.VIEW, organization.region),
        "nav_active": "tree",
    }
    return render(request, "grids/organization_detail.html", context)


@require(gates.CHANGE)
def organization_create(request: HttpRequest) -> HttpResponse:
    initial = {key: request.GET[key] for key in ("region", "parent") if request.GET.get(key)}
    form = OrganizationForm(request.POST or None, actor=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            organization = services.organization_create(actor=request.user, **form.cleaned_data)
        except (DomainError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("已新建党组织“%(name)s”。") % {"name": organization.name})
            return redirect("grids:organization_detail", pk=organization.pk)
    return render(request, "grids/organization_form.html", {"form": form, "nav_active": "tree"})


@require(gates.SIGNED_IN)
def organization_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organization = found_or_404(selectors.organization_for_page(request.user, pk))
    if not selectors.can_edit_organization(request.user, organization):
        raise PermissionDenied
    form = OrganizationForm(request.POST or None, actor=request.user, organization=organization)
    context = {"form": form, "organization": organization, "heading": organization.name, "nav_active": "tree"}
    if request.method == "POST" and form.is_valid():
        try:
            services.organization_update(actor=request.user, organization=organization, **form.cleaned_data)
        except (DomainError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("已保存。"))
            return redirect("grids:organization_detail", pk=organization.pk)
    return render(request, "grids/organization_form.html", context)


# Members ---------------------------------------------------------------------------------------


@require(gates.STAFF_VIEW)
def member_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    filterset = MemberFilter(request.GET or None, queryset=selectors.member_list(user))
    tidy_member_filter_form(filterset.form)
    context = {
        "filter": filterset,
        "more_filters": [filterset.form[name] for name in MEMBER_MORE_FILTERS],
        "more_filters_active": any(request.GET.get(name) for name in MEMBER_MORE_FILTERS),
        "page": paginate(request, filterset.qs, MEMBERS_PER_PAGE),
        "filtered_organization": _filtered_organization(request),
        # The buttons lead to pages guarded by these gates.
        "can_change": gates.CHANGE(user),
        "can_export": gates.EXPORT(user),
        "nav_active": "members",
    }
    return render(request, "grids/member_list.html", context)


def _filtered_organization(request: HttpRequest) -> PartyOrganization | None:
    pk = parse_id(request.GET.get("organization", ""))
    if pk is None:
        return None
    return selectors.organizations_visible(request.user).filter(pk=pk).only("pk", "name").first()


@require(gates.SIGNED_IN)
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    member = found_or_404(selectors.member_for_page(user, pk))
    # The change history is for staff who review this place, not for every secretary.
    show_history = can(user, Action.REVIEW, member)
    context = {
        "member": member,
        "can_change": can(user, Action.CHANGE, member),
        "history": selectors.member_history(member) if show_history else None,
        "nav_active": "members",
    }
    return render(request, "grids/member_detail.html", context)


@require(gates.CHANGE)
def member_create(request: HttpRequest) -> HttpResponse:
    initial = {"organization": request.GET["organization"]} if request.GET.get("organization") else {}
    form = MemberForm(request.POST or None, actor=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        member = _save_member(form, lambda: services.member_create(actor=request.user, **form.cleaned_data))
        if member is not None:
            messages.success(request, _("已登记党员“%(name)s”。") % {"name": member.name})
            return redirect("grids:member_detail", pk=member.pk)
    return render(request, "grids/member_form.html", {"form": form, "nav_active": "members"})


@require(gates.SIGNED_IN)
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    member = found_or_404(selectors.member_for_page(request.user, pk))
    if not can(request.user, Action.CHANGE, member):
        raise PermissionDenied
    form = MemberForm(request.POST or None, actor=request.user, member=member)
    # Taken before saving: a refused update leaves the instance holding the rejected values.
    context = {"form": form, "member": member, "heading": member.name, "nav_active": "members"}
    if request.method == "POST" and form.is_valid():
        saved = _save_member(
            form, lambda: services.member_update(actor=request.user, member=member, **form.cleaned_data)
        )
        if saved is not None:
            messages.success(request, _("已保存。"))
            return redirect("grids:member_detail", pk=member.pk)
    return render(request, "grids/member_form.html", context)


def _save_member(form: MemberForm, save: Any) -> Any:
    try:
        return save()
    except (DomainError, ValidationError) as error:
        add_service_error(form, error)
    except IntegrityError:
        # Two people registering one ID number at the same moment: the unique hash decides.
        form.add_error("id_number", _("该身份证号已登记过党员信息。"))
    return None
