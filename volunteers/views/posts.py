"""一人一岗 pages: the volunteer's community posts (take / leave / switch) and staff post management."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal import gates
from portal.errors import DomainError
from portal.pages import add_service_error, found_or_404, paginate, require
from volunteers import selectors
from volunteers.forms.posts import PostEditForm, PostForm
from volunteers.models import Post
from volunteers.services import posts as post_services

POSTS_PER_PAGE = 30


@require(gates.VOLUNTEER)
def post_list(request: HttpRequest) -> HttpResponse:
    volunteer = selectors.volunteer_of(request.user)
    posts = selectors.community_posts(volunteer.community_id)
    holding = selectors.my_holding(volunteer)
    rows = [(post, post_services.refusal_to_take(volunteer, post)) for post in posts]
    context = {
        "volunteer": volunteer,
        "rows": rows,
        "holding": holding,
        # Said once above the list, rather than on every row, when no post can be taken at all.
        "refusal": post_services.volunteer_refusal(volunteer),
        "nav_active": "volunteer_me",
    }
    return render(request, "volunteers/post_list.html", context)


@require_POST
@require(gates.VOLUNTEER)
def post_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    volunteer = selectors.volunteer_of(request.user)
    post = Post.objects.filter(pk=pk, community_id=volunteer.community_id).first()
    if post is None and action != "leave":
        raise Http404
    try:
        if action == "take":
            post_services.post_take(volunteer=volunteer, post=post)
        elif action == "switch":
            post_services.post_switch(volunteer=volunteer, post=post)
        else:
            post_services.post_leave(volunteer=volunteer)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("volunteers:post_list")
    done = _("已离岗。") if action == "leave" else _("已上岗：%(post)s。") % {"post": post.name}
    messages.success(request, done)
    return redirect("volunteers:post_list")


@require(gates.POST_STAFF)
def post_manage(request: HttpRequest) -> HttpResponse:
    form = PostForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            post = post_services.post_create(actor=request.user, **form.cleaned_data)
        except (DomainError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("已新增岗位“%(post)s”。") % {"post": post.name})
            return redirect("volunteers:post_manage")
    page = paginate(request, selectors.posts_in_scope(request.user), POSTS_PER_PAGE)
    posts = list(page.object_list)
    holders = selectors.holders_of(posts)
    not_reported = list(selectors.not_reported(request.user)[: selectors.NOT_REPORTED_SHOWN])
    context = {
        "form": form,
        "page": page,
        "rows": [(post, holders[post.pk]) for post in posts],
        "not_reported": not_reported,
        "nav_active": "volunteers",
    }
    return render(request, "volunteers/post_manage.html", context)


@require(gates.POST_STAFF)
def post_edit(request: HttpRequest, pk: int) -> HttpResponse:
    post = found_or_404(selectors.posts_in_scope(request.user).filter(pk=pk).first())
    initial = {"capacity": post.capacity, "is_open": post.is_open, "description": post.description}
    form = PostEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            post_services.post_update(actor=request.user, post=post, **form.cleaned_data)
        except (DomainError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("岗位已更新。"))
            return redirect("volunteers:post_manage")
    return render(
        request, "volunteers/post_edit.html", {"form": form, "post": post, "nav_active": "volunteers"}
    )
