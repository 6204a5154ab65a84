"""Pages where admins and city staff register partners' webhook endpoints and read the delivery log."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from grids.models import Region, RegionLevel
from portal import gates, webhooks
from portal.errors import DomainError
from portal.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from portal.pages import add_service_error, paginate, require

DELIVERIES_PER_PAGE = 30


class EndpointForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("名称"), max_length=100)
    partner = forms.CharField(label=gettext_lazy("合作单位"), max_length=100)
    url = forms.URLField(
        label=gettext_lazy("接收地址"),
        max_length=500,
        assume_scheme="https",
        help_text=gettext_lazy("http(s) 地址；本机、链路本地和云元数据地址不可用。"),
    )
    events = forms.MultipleChoiceField(
        label=gettext_lazy("订阅事件"), choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple
    )
    region = forms.ModelChoiceField(
        label=gettext_lazy("限定区域"),
        queryset=Region.objects.none(),
        help_text=gettext_lazy("只推送发生在该区域内的事件，与合作方接口密钥的区域一致。"),
    )

    def __init__(self, *args, actor, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = (
            Region.objects.visible_to(actor)
            .filter(level__in=[RegionLevel.CITY, RegionLevel.DISTRICT])
            .order_by("path")
        )


def _endpoints(request: HttpRequest):
    return WebhookEndpoint.objects.visible_to(request.user).select_related("region", "owner")


@require(gates.WEBHOOKS)
def endpoint_list(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/webhook_list.html", {"endpoints": _endpoints(request)})


@require(gates.WEBHOOKS)
def endpoint_create(request: HttpRequest) -> HttpResponse:
    form = EndpointForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint = webhooks.endpoint_create(actor=request.user, **form.cleaned_data)
        except (DomainError, ValidationError) as error:
            add_service_error(form, error)
        else:
            # The secret is shown on this answer only: it is never displayed again.
            return render(request, "portal/webhook_secret.html", {"endpoint": endpoint, "created": True})
    return render(request, "portal/webhook_form.html", {"form": form})


@require(gates.WEBHOOKS)
def endpoint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = get_object_or_404(_endpoints(request), pk=pk)
    deliveries = endpoint.deliveries.order_by("-created_at", "-id")
    page = paginate(request, deliveries, DELIVERIES_PER_PAGE)
    return render(request, "portal/webhook_detail.html", {"endpoint": endpoint, "page": page})


@require(gates.WEBHOOKS)
@require_POST
def endpoint_rotate(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = get_object_or_404(_endpoints(request), pk=pk)
    endpoint = webhooks.endpoint_rotate_secret(actor=request.user, endpoint=endpoint)
    return render(request, "portal/webhook_secret.html", {"endpoint": endpoint, "created": False})


@require(gates.WEBHOOKS)
@require_POST
def endpoint_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = get_object_or_404(_endpoints(request), pk=pk)
    active = not endpoint.is_active
    try:
        webhooks.endpoint_set_active(actor=request.user, endpoint=endpoint, active=active)
    except (DomainError, ValidationError) as error:
        messages.error(request, getattr(error, "message", None) or error.messages[0])
    else:
        # The service changes ``endpoint`` in place: the message follows what was asked, not it.
        messages.success(request, _("已启用。") if active else _("已停用。"))
    return redirect("webhook_detail", pk=endpoint.pk)


@require(gates.WEBHOOKS)
@require_POST
def delivery_resend(request: HttpRequest, pk: int) -> HttpResponse:
    delivery = get_object_or_404(
        WebhookDelivery.objects.filter(endpoint__in=_endpoints(request)).select_related("endpoint"), pk=pk
    )
    try:
        status = webhooks.resend(actor=request.user, delivery=delivery)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        text = _("已重新推送：%(status)s。") % {"status": status.label}
        (messages.success if status == "succeeded" else messages.warning)(request, text)
    return redirect("webhook_detail", pk=delivery.endpoint_id)
