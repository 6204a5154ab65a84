"""Brand pages: the public wall and brand page, and the staff pages (list, forms, review, history)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from brands.filters import WallFilter
from brands.forms.brands import BrandForm, GalleryForm, RecognitionForm, ReviewForm
from brands.models import BrandImage, BrandStatus, Recognition
from brands.selectors import brands as selectors
from brands.services import brands as services
from portal import gates
from portal.errors import DomainError
from portal.pages import add_service_error, paginate, require
from portal.scoping import Action, can

WALL_PAGE_SIZE = 12
STAFF_PAGE_SIZE = 30


def _flash(request: HttpRequest, error: DomainError | ValidationError) -> None:
    text = error.message if isinstance(error, DomainError) else "；".join(error.messages)
    messages.error(request, text)


def _flash_invalid(request: HttpRequest, form: BaseForm) -> None:
    # These forms post from the brand's page and redirect back to it: errors travel as messages.
    for errors in form.errors.values():
        messages.error(request, "；".join(errors))


# --- public ----------------------------------------------------------------------------------


def wall(request: HttpRequest) -> HttpResponse:
    """品牌墙: published brands as cards, filtered and paginated; no login needed."""
    filterset = WallFilter(request.GET or None, queryset=selectors.wall_brands())
    page = paginate(request, filterset.qs, WALL_PAGE_SIZE)
    page.object_list = selectors.attach_figures(page.object_list)
    filtered = any(value for key, value in request.GET.items() if key != "page")
    context = {"filter": filterset, "page": page, "filtered": filtered, "nav_active": "wall"}
    return render(request, "brands/wall.html", context)


def brand_detail(request: HttpRequest, pk: int) -> HttpResponse:
    brand = selectors.public_brand(pk)
    context = {
        "brand": brand,
        "figures": selectors.brand_figures(brand),
        "timeline": selectors.brand_timeline(brand),
        "nav_active": "wall",
    }
    return render(request, "brands/brand_detail.html", context)


# --- staff -----------------------------------------------------------------------------------


@require(gates.STAFF_VIEW)
def brand_list(request: HttpRequest) -> HttpResponse:
    brands = selectors.staff_brands(request.user)
    status = request.GET.get("status", "")
    if status in BrandStatus.values:
        brands = brands.filter(status=status)
    query = request.GET.get("q", "").strip()
    if query:
        brands = brands.filter(name__icontains=query)
    page = paginate(request, brands, STAFF_PAGE_SIZE)
    context = {
        "page": page,
        "status": status,
        "q": query,
        "statuses": BrandStatus.choices,
        # The buttons lead to pages guarded by these gates.
        "can_create": gates.CHANGE(request.user),
        "can_review": gates.REVIEW(request.user),
        "nav_active": "brands",
    }
    return render(request, "brands/brand_list.html", context)


@require(gates.CHANGE)
def brand_create(request: HttpRequest) -> HttpResponse:
    form = BrandForm(request.POST or None, request.FILES or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            brand = services.brand_create(actor=request.user, **form.service_kwargs())
        except (DomainError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("已保存为草稿。补充图集和荣誉后即可提交审核。"))
            return redirect("brands:brand_manage", pk=brand.pk)
    return render(request, "brands/brand_form.html", {"form": form, "nav_active": "brands"})


@require(gates.STAFF_VIEW)
def brand_edit(request: HttpRequest, pk: int) -> HttpResponse:
    brand = selectors.staff_brand(request.user, pk, Action.CHANGE)
    if brand.status not in services.EDITABLE:
        messages.error(request, _("待审核或已归档的品牌不能修改。"))
        return redirect("brands:brand_manage", pk=brand.pk)
    form = BrandForm(request.POST or None, request.FILES or None, instance=brand, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.brand_update(actor=request.user, brand=brand, **form.service_kwargs())
        except (DomainError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("修改已保存。"))
            return redirect("brands:brand_manage", pk=brand.pk)
    context = {"form": form, "brand": brand, "nav_active": "brands"}
    return render(request, "brands/brand_form.html", context)


@require(gates.STAFF_VIEW)
def brand_manage(request: HttpRequest, pk: int) -> HttpResponse:
    """The staff view of one brand: status, what the user may do next, gallery and recognitions."""
    brand = selectors.staff_brand(request.user, pk)
    user = request.user
    may_change = can(user, Action.CHANGE, brand)
    context = {
        "brand": brand,
        "tags": brand.tags.all(),
        "images": brand.images.all(),
        "recognitions": brand.recognitions.all(),
        "figures": selectors.brand_figures(brand),
        "may_change": may_change,
        "may_edit": may_change and brand.status in services.EDITABLE,
        "may_edit_identity": services.can_edit_identity(user, brand) and brand.status in services.EDITABLE,
        "may_review": brand.status == BrandStatus.SUBMITTED and services.can_review(user, brand),
        "gallery_form": GalleryForm(),
        "recognition_form": RecognitionForm(),
        "nav_active": "brands",
    }
    return render(request, "brands/brand_manage.html", context)


def _transition_view(service: Callable[..., Any], success: Any) -> Callable[..., HttpResponse]:
    @require(gates.STAFF_VIEW)
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        brand = selectors.staff_brand(request.user, pk)
        try:
            service(actor=request.user, brand=brand)
        except (DomainError, ValidationError) as error:
            _flash(request, error)
        else:
            messages.success(request, success)
        return redirect("brands:brand_manage", pk=pk)

    return view


brand_submit = _transition_view(services.brand_submit, gettext_lazy("已提交审核，上级审核后将在品牌墙发布。"))
brand_withdraw = _transition_view(services.brand_withdraw, gettext_lazy("已撤回，品牌回到草稿状态。"))
brand_archive = _transition_view(services.brand_archive, gettext_lazy("已归档，品牌不再在品牌墙展示。"))


@require(gates.STAFF_VIEW)
def brand_review(request: HttpRequest, pk: int) -> HttpResponse:
    brand = selectors.staff_brand(request.user, pk)
    if not services.can_review(request.user, brand):
        raise PermissionDenied
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            services.brand_review(
                actor=request.user, brand=brand, approve=approve, reason=form.cleaned_data["reason"]
            )
        except (DomainError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, _("已发布到品牌墙。") if approve else _("已退回，申报单位会看到退回原因。")
            )
            return redirect("brands:review_queue")
    context = {
        "brand": brand,
        "form": form,
        "tags": brand.tags.all(),
        "recognitions": brand.recognitions.all(),
        "images": brand.images.all(),
        "nav_active": "review",
    }
    return render(request, "brands/brand_review.html", context)


@require(gates.REVIEW)
def review_queue(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.review_queue(request.user), STAFF_PAGE_SIZE)
    return render(request, "brands/brand_review_queue.html", {"page": page, "nav_active": "review"})


@require(gates.STAFF_VIEW)
def brand_history(request: HttpRequest, pk: int) -> HttpResponse:
    brand = selectors.staff_brand(request.user, pk)
    context = {"brand": brand, "entries": selectors.brand_history(brand), "nav_active": "brands"}
    return render(request, "brands/brand_history.html", context)


@require(gates.STAFF_VIEW)
@require_POST
def gallery_add(request: HttpRequest, pk: int) -> HttpResponse:
    brand = selectors.staff_brand(request.user, pk, Action.CHANGE)
    form = GalleryForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            added = services.brand_image_add(
                actor=request.user,
                brand=brand,
                images=form.cleaned_data["images"],
                caption=form.cleaned_data["caption"],
            )
        except (DomainError, ValidationError) as error:
            _flash(request, error)
        else:
            messages.success(request, _("已添加 %(n)d 张图片。") % {"n": len(added)})
    else:
        _flash_invalid(request, form)
    return redirect("brands:brand_manage", pk=pk)


@require(gates.STAFF_VIEW)
@require_POST
def gallery_remove(request: HttpRequest, pk: int, image_pk: int) -> HttpResponse:
    brand = selectors.staff_brand(request.user, pk, Action.CHANGE)
    image = get_object_or_404(BrandImage, pk=image_pk, brand=brand)
    try:
        services.brand_image_remove(actor=request.user, image=image)
    except (DomainError, ValidationError) as error:
        _flash(request, error)
    else:
        messages.success(request, _("图片已删除。"))
    return redirect("brands:brand_manage", pk=pk)


@require(gates.STAFF_VIEW)
@require_POST
def recognition_add(request: HttpRequest, pk: int) -> HttpResponse:
    brand = selectors.staff_brand(request.user, pk, Action.CHANGE)
    form = RecognitionForm(request.POST, instance=Recognition(brand=brand))
    if form.is_valid():
        try:
            services.recognition_add(actor=request.user, brand=brand, **form.cleaned_data)
        except (DomainError, ValidationError) as error:
            _flash(request, error)
        else:
            messages.success(request, _("荣誉已添加。"))
    else:
        _flash_invalid(request, form)
    return redirect("brands:brand_manage", pk=pk)


@require(gates.STAFF_VIEW)
@require_POST
def recognition_remove(request: HttpRequest, pk: int, recognition_pk: int) -> HttpResponse:
    brand = selectors.staff_brand(request.user, pk, Action.CHANGE)
    recognition = get_object_or_404(Recognition, pk=recognition_pk, brand=brand)
    try:
        services.recognition_remove(actor=request.user, recognition=recognition)
    except (DomainError, ValidationError) as error:
        _flash(request, error)
    else:
        messages.success(request, _("荣誉已删除。"))
    return redirect("brands:brand_manage", pk=pk)
