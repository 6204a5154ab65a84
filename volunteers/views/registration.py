"""Sign-up (open to visitors, who create their account here) and the privacy statement."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from portal.errors import DomainError
from portal.models import User
from portal.pages import add_service_error
from volunteers.forms.registration import PICK_BUTTONS, RegistrationForm
from volunteers.selectors import volunteer_of
from volunteers.services.registration import volunteer_register


def register(request: HttpRequest) -> HttpResponse:
    if volunteer_of(request.user) is not None:
        return redirect("volunteers:me")
    has_account = request.user.is_authenticated
    picking = request.method == "POST" and any(name in request.POST for name in PICK_BUTTONS)
    if request.method == "POST" and not picking:
        form = RegistrationForm(request.POST, has_account=has_account)
        if form.is_valid() and _register(request, form):
            messages.success(request, _("注册已提交，所在社区审核通过后即可认领岗位、报名活动。"))
            return redirect("volunteers:me")
    else:
        # Moving the picker on: show the entries again with the next level's choices, unjudged.
        initial = _entries(request) if picking else {}
        form = RegistrationForm(initial=initial, has_account=has_account)
    return render(request, "volunteers/register.html", {"form": form, "nav_active": "volunteer_register"})


def _entries(request: HttpRequest) -> dict[str, object]:
    entries: dict[str, object] = {k: v for k, v in request.POST.items() if "password" not in k}
    entries["specialties"] = request.POST.getlist("specialties")
    if "pick_district" in request.POST:
        entries.pop("street", None)  # a new district: its streets are to be chosen again
        entries.pop("community", None)
    return entries


def _register(request: HttpRequest, form: RegistrationForm) -> bool:
    data = form.cleaned_data
    try:
        with transaction.atomic():
            user = request.user if request.user.is_authenticated else _new_account(data)
            volunteer_register(
                user=user,
                name=data["name"],
                id_number=data["id_number"],
                mobile=data["mobile"],
                community=data["community"],
                specialties=data["specialties"],
                is_in_service=data["is_in_service"],
                work_unit=data["work_unit"],
                consented=data["consent"],
            )
    except (DomainError, ValidationError) as error:
        add_service_error(form, error)
        return False
    if not request.user.is_authenticated:
        login(request, user, backend="portal.auth.UsernameOrMobileBackend")
    return True


def _new_account(data: dict) -> User:
    return User.objects.create_user(username=data["username"], password=data["password"])


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "volunteers/privacy.html", {"nav_active": "volunteer_register"})
