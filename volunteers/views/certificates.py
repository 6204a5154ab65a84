"""Certificates (志愿服务证明): requested from "my hours", shown printable and as a PDF to the
volunteer and staff in scope, and checked by anyone on the public verification page."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from portal import gates
from portal.errors import DomainError
from portal.pages import require
from portal.scoping import Action, can
from volunteers import selectors
from volunteers.forms.hours import CertificateForm
from volunteers.models import Certificate
from volunteers.services import certificates as services


@require(gates.VOLUNTEER)
@require_POST
def certificate_request(request: HttpRequest) -> HttpResponse:
    volunteer = selectors.volunteer_of(request.user)
    form = CertificateForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, "；".join(errors))
        return redirect("volunteers:my_hours")
    try:
        certificate = services.certificate_issue(actor=request.user, volunteer=volunteer, **form.cleaned_data)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("volunteers:my_hours")
    return redirect("volunteers:certificate_detail", number=certificate.number)


def _own_or_in_scope(request: HttpRequest, number: str) -> Certificate:
    """The volunteer's own certificate, or one of a volunteer in the staff member's scope; else 404."""
    certificate = services.certificate_find(number)
    if certificate is None:
        raise Http404
    volunteer = certificate.volunteer
    if volunteer.user_id != request.user.pk and not can(request.user, Action.VIEW, volunteer):
        raise Http404
    return certificate


def _view(request: HttpRequest, certificate: Certificate) -> services.CertificateView:
    volunteer = certificate.volunteer
    path = reverse("volunteers:verify", args=[certificate.number])
    return services.CertificateView(
        certificate=certificate,
        number=services.display_number(certificate.number),
        name=volunteer.name,
        id_masked=volunteer.id_number_masked,
        records=list(services.period_records(volunteer, certificate.period_start, certificate.period_end)),
        verify_url=request.build_absolute_uri(path),
    )


@require(gates.SIGNED_IN)
def certificate_detail(request: HttpRequest, number: str) -> HttpResponse:
    view = _view(request, _own_or_in_scope(request, number))
    context = {"view": view, "qr": services.qr_svg(view.verify_url), "nav_active": "my_hours"}
    return render(request, "volunteers/certificate.html", context)


@require(gates.SIGNED_IN)
def certificate_pdf(request: HttpRequest, number: str) -> HttpResponse:
    certificate = _own_or_in_scope(request, number)
    response = HttpResponse(services.render_pdf(_view(request, certificate)), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.number}.pdf"'
    return response


def verify(request: HttpRequest, number: str = "") -> HttpResponse:
    """Public: is this number genuine? Only the masked name, hours, issuer and date are shown."""
    number = number or request.GET.get("number", "")[:64]
    certificate = services.certificate_find(number) if number else None
    context = {
        "asked": bool(number),
        "certificate": certificate,
        "display_number": services.display_number(certificate.number) if certificate else "",
    }
    return render(
        request, "volunteers/verify.html", context, status=404 if number and not certificate else 200
    )
