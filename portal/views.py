from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from portal import gates, notifications, services
from portal.errors import DomainError
from portal.forms import LoginForm, RoleAssignmentForm
from portal.models import RoleAssignment
from portal.pages import add_service_error, paginate, require
from portal.scoping import Action
from portal.selectors import home_figures, messages_for


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness probe for the load balancer, and the benchmarks' ceiling (no database query)."""
    return HttpResponse("ok", content_type="text/plain")


@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers, feed readers and the API's JSON pages ask for /favicon.ico whatever a page links."""
    return redirect(static("img/favicon.ico"))


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"figures": home_figures()})


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


ROLES_PER_PAGE = 50


@require(gates.MANAGE_ROLES)
def role_list(request: HttpRequest) -> HttpResponse:
    # The volunteer role comes with registration and goes with the volunteer's status (volunteer
    # pages): listing the city's 100,000 of them here buried the staff grants this page manages.
    assignments = (
        RoleAssignment.objects.visible_to(request.user, Action.MANAGE_ROLES)
        .exclude(role__in=services.ROLES_GRANTED_ELSEWHERE)
        .select_related("user", "region", "organization", "granted_by")
        .order_by("region__path", "role", "user__username", "id")
    )
    page = paginate(request, assignments, ROLES_PER_PAGE)
    return render(request, "portal/role_list.html", {"assignments": page.object_list, "page": page})


@require(gates.MANAGE_ROLES)
def role_create(request: HttpRequest) -> HttpResponse:
    form = RoleAssignmentForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.role_assign(actor=request.user, **form.cleaned_data)
        except (DomainError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("已授权。"))
            return redirect("role_list")
    return render(request, "portal/role_form.html", {"form": form})


@require(gates.MANAGE_ROLES)
@require_POST
def role_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_object_or_404(
        RoleAssignment.objects.visible_to(request.user, Action.MANAGE_ROLES), pk=pk
    )
    try:
        services.role_revoke(actor=request.user, assignment=assignment)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已撤销授权。"))
    return redirect("role_list")


MESSAGES_PER_PAGE = 20


@require(gates.SIGNED_IN)
def message_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, messages_for(request.user), MESSAGES_PER_PAGE)
    return render(request, "portal/message_list.html", {"page": page})


@require(gates.SIGNED_IN)
@require_POST
def message_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Opening a message reads it, then follows its link (a POST: a GET must not change it)."""
    message = get_object_or_404(messages_for(request.user), pk=pk)
    notifications.message_mark_read(user=request.user, message=message)
    return redirect(message.link or "message_list")


@require(gates.SIGNED_IN)
@require_POST
def message_read(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(messages_for(request.user), pk=pk)
    notifications.message_mark_read(user=request.user, message=message)
    return redirect(_back_to_the_list(request))


@require(gates.SIGNED_IN)
@require_POST
def messages_read_all(request: HttpRequest) -> HttpResponse:
    count = notifications.messages_mark_all_read(user=request.user)
    text = ngettext("已将 %(count)d 条消息标为已读。", "已将 %(count)d 条消息标为已读。", count)
    messages.success(request, text % {"count": count})
    return redirect("message_list")


def _back_to_the_list(request: HttpRequest) -> str:
    # Back to the page of the list the button was on; only a page number is taken from the form.
    page = request.POST.get("page", "")
    url = reverse("message_list")
    return f"{url}?page={page}" if page.isdigit() else url
