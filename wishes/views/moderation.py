"""The moderators' pages: the queue of submitted wishes in scope, and one wish to decide."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal import gates
from portal.errors import DomainError
from portal.pages import add_service_error, found_or_404, paginate, require
from wishes.forms.moderation import EditForm, RejectForm
from wishes.models import Wish, WishStatus
from wishes.selectors.moderation import moderation_queue, wish_to_moderate
from wishes.services import moderation as services

QUEUE_PAGE_SIZE = 30


@require(gates.MODERATE_WISHES)
def queue(request: HttpRequest) -> HttpResponse:
    page = paginate(request, moderation_queue(request.user), QUEUE_PAGE_SIZE)
    return render(request, "wishes/moderation_queue.html", {"page": page, "nav_active": "wish_moderation"})


def _page(
    request: HttpRequest, wish: Wish, edit: EditForm | None = None, reject: RejectForm | None = None
) -> HttpResponse:
    context = {
        "wish": wish,
        "events": wish.events.all(),
        "awaiting": wish.status == WishStatus.SUBMITTED,
        "edit_form": edit or EditForm(wish=wish),
        "reject_form": reject or RejectForm(),
        "nav_active": "wish_moderation",
    }
    return render(request, "wishes/moderation_wish.html", context, status=400 if (edit or reject) else 200)


@require(gates.MODERATE_WISHES)
def wish_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, found_or_404(wish_to_moderate(request.user, pk)))


@require(gates.MODERATE_WISHES)
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    wish = found_or_404(wish_to_moderate(request.user, pk))
    try:
        services.wish_approve(actor=request.user, wish=wish)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("wishes:moderation_wish", pk=pk)
    messages.success(request, _("已发布到心愿墙，本社区和相关专长的志愿者会收到消息。"))
    return redirect("wishes:moderation_queue")


@require(gates.MODERATE_WISHES)
@require_POST
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    wish = found_or_404(wish_to_moderate(request.user, pk))
    form = EditForm(request.POST, wish=wish)
    publish = "publish" in request.POST
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.wish_edit(
                actor=request.user,
                wish=wish,
                title=data["title"],
                description=data["description"],
                category=data["category"],
                value_yuan=data["value"],
                publish=publish,
            )
        except (DomainError, ValidationError) as error:
            add_service_error(form, error)
        else:
            if publish:
                messages.success(request, _("已保存修改并发布到心愿墙。"))
                return redirect("wishes:moderation_queue")
            messages.success(request, _("已保存修改，心愿仍待审核。"))
            return redirect("wishes:moderation_wish", pk=pk)
    return _page(request, wish, edit=form)


@require(gates.MODERATE_WISHES)
@require_POST
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    wish = found_or_404(wish_to_moderate(request.user, pk))
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            services.wish_reject(actor=request.user, wish=wish, reason=form.cleaned_data["reason"])
        except (DomainError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("已退回，居民凭查询码可以看到退回原因。"))
            return redirect("wishes:moderation_queue")
    return _page(request, wish, reject=form)
