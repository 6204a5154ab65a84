"""Pages of the wish wall and of claiming: the wall and its live refresh, claiming (for oneself,
a team or an organization, or a batch), my claims with the fulfil form, and confirming."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.http import http_date, parse_http_date_safe, quote_etag
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal import gates
from portal.errors import DomainError
from portal.gates import Gate
from portal.pages import add_service_error, found_or_404, require
from portal.scoping import Action
from volunteers.selectors import active_volunteer_of
from wishes.forms.claims import (
    BatchClaimForm,
    ClaimForm,
    ConfirmForm,
    FulfilForm,
    ReleaseForm,
    WallFilterForm,
)
from wishes.models import TRACKING_ALPHABET, TRACKING_LENGTH, ClaimStatus, Wish, WishClaim, WishStatus
from wishes.selectors import wall as selectors
from wishes.services import claims as services


def _claims_for_organizations(user: Any) -> bool:
    volunteer = active_volunteer_of(user)
    return volunteer is not None and any(
        not key.startswith("team:") for key in selectors.claimant_options(volunteer)
    )


# An active volunteer who represents a party organization or a welfare organization.
ORGANIZATION_CLAIMANT = Gate("organization_claimant", _claims_for_organizations)
# Residents look codes up here too: a few tries a minute per address, so codes cannot be guessed.
CODE_LOOKUPS_PER_MINUTE = 10
LIVE_POLL_SECONDS = 15
# How long one rendering of the wall's first page of cards serves every reader with the same
# filters, language and buttons. The key names the wall's last change already; the timeout bounds
# how long a change committed after a later one (so not the newest updated_at) can go unseen.
WALL_LIST_SECONDS = 30
# Stands in for the reader's CSRF token in a cached list: each reader gets their own. Derived from
# the secret key, so no resident can type it into a wish; the same in every worker.
CSRF_SLOT = salted_hmac("wishes.wall.csrf-slot", "slot").hexdigest()[:32]


# --- The wall ------------------------------------------------------------------------------------


def _wall_list(
    request: HttpRequest,
    form: WallFilterForm | None,
    *,
    can_claim: bool,
    changed: dt.datetime | None = None,
) -> str:
    """The wall's cards and the link to the next page.

    The first page is rendered once per change of the wall for everyone who reads it the same way:
    when a wish is published, a thousand open walls poll within 15 seconds, and each used to
    render the same twenty cards. With claim buttons the cards are the same for every active
    volunteer but for the CSRF token, put in per reader. Later pages (a cursor) are rendered
    each time: few read them, and their cursors are as many as the wishes.
    """
    filters = request.GET.copy()
    filters.pop("v", None)
    key = ""
    if "after" not in filters:
        changed = changed or selectors.wall_changed_at()
        seen = f"{changed.isoformat()}|{filters.urlencode()}|{request.LANGUAGE_CODE}|{int(can_claim)}"
        key = "wishes:wall-list:" + hashlib.sha256(seen.encode()).hexdigest()[:32]
    html = cache.get(key) if key else None
    if html is None:
        if form is None:
            form = WallFilterForm(request.GET or None)
        wishes = selectors.wall_wishes(region=form.chosen_region(), category=form.chosen_category())
        page, next_cursor = selectors.wall_page(wishes, selectors.Cursor.decode(request.GET.get("after", "")))
        context = {
            "wishes": page,
            "next_cursor": next_cursor.encode() if next_cursor else "",
            "can_claim": can_claim,
            "request": request,
            "csrf_token": CSRF_SLOT,
        }
        html = render_to_string("wishes/includes/wall_list.html", context)
        if key:
            cache.set(key, html, WALL_LIST_SECONDS)
    return html.replace(CSRF_SLOT, get_token(request)) if can_claim else html


def wall(request: HttpRequest) -> HttpResponse:
    """心愿墙: published wishes, newest first; a volunteer also sees wishes near them and for their skills."""
    form = WallFilterForm(request.GET or None)
    volunteer = active_volunteer_of(request.user)
    can_claim = gates.ACTIVE_VOLUNTEER(request.user)
    filters = request.GET.copy()
    filters.pop("after", None)
    context = {
        "form": form,
        # HTML rendered by wall_list.html, which escapes what it shows.
        "wall_list": mark_safe(_wall_list(request, form, can_claim=can_claim)),  # noqa: S308
        "first_page": not request.GET.get("after"),
        "can_claim": can_claim,
        "near_me": selectors.near_me(volunteer) if volunteer else [],
        "for_you": selectors.for_specialties(volunteer) if volunteer else [],
        "thanks": selectors.wall_thanks(),
        "live_query": filters.urlencode(),
        "poll_seconds": LIVE_POLL_SECONDS,
        "may_batch": ORGANIZATION_CLAIMANT(request.user),
        "nav_active": "wishes",
    }
    return render(request, "wishes/wall.html", context)


@require_GET
def wall_live(request: HttpRequest) -> HttpResponse:
    """The wall's first page as a fragment, for the page's 15-second poll.

    A poll whose ETag still matches costs one query (the newest ``updated_at``, an index lookup)
    and no session or user read: a thousand phones watching the wall cost a thousand index reads.
    The ETag covers the query string, which carries the filters and whether the page showed claim
    buttons (``v=1``; the gate is asked again before a button is drawn).
    """
    changed = selectors.wall_changed_at()
    query = request.META.get("QUERY_STRING", "")
    digest = hashlib.sha256(f"{changed.isoformat()}|{query}|{request.LANGUAGE_CODE}".encode()).hexdigest()
    etag = quote_etag(digest[:32])
    if _not_modified(request, etag, changed):
        response: HttpResponse = HttpResponseNotModified()
    else:
        can_claim = request.GET.get("v") == "1" and gates.ACTIVE_VOLUNTEER(request.user)
        response = HttpResponse(_wall_list(request, None, can_claim=can_claim, changed=changed))
    response["ETag"] = etag
    response["Last-Modified"] = http_date(changed.timestamp())
    response["Cache-Control"] = "private, no-cache"
    return response


def _not_modified(request: HttpRequest, etag: str, changed: Any) -> bool:
    sent = request.headers.get("If-None-Match")
    if sent is not None:
        return etag in [tag.strip() for tag in sent.split(",")] or sent.strip() == "*"
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return since is not None and int(changed.timestamp()) <= since


# --- Claiming ------------------------------------------------------------------------------------


def _published(pk: int) -> Wish:
    return found_or_404(Wish.objects.on_wall().select_related("community").filter(pk=pk).first())


def wish_claim(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: choose for whom to claim; POST: claim (the wall's button posts here for oneself)."""
    if request.method == "POST" and not request.POST.get("claim_for"):
        # In a rush nearly every press loses. One query reads the active volunteer (the gate's
        # own rule) with the wish's status, and the service answers 已被认领 for a wish already
        # taken without a transaction, as in the API. Anyone else takes the gated path below.
        attempt = selectors.claim_attempt(user=request.user, wish_id=pk)
        if attempt is not None and attempt[1] not in (None, WishStatus.PUBLISHED):
            volunteer, taken = attempt
            try:
                services.wish_claim(wish=Wish(pk=pk, status=taken), volunteer=volunteer)
            except DomainError as error:
                messages.error(request, error.message)
                return redirect("wishes:wall")
    return _wish_claim(request, pk)


@require(gates.ACTIVE_VOLUNTEER)
def _wish_claim(request: HttpRequest, pk: int) -> HttpResponse:
    wish = _published(pk)
    volunteer = active_volunteer_of(request.user)
    # The wall's button claims for oneself: that rush skips the three queries of the options.
    wants_others = request.method != "POST" or bool(request.POST.get("claim_for"))
    options = selectors.claimant_options(volunteer) if wants_others else {}
    data = request.POST if request.method == "POST" else None  # the wall's button posts no field
    form = ClaimForm(data, options=[(key, str(obj)) for key, obj in options.items()])
    if request.method == "POST" and form.is_valid():
        claimant = options.get(form.cleaned_data["claim_for"]) if form.cleaned_data["claim_for"] else None
        try:
            services.wish_claim(wish=wish, volunteer=volunteer, claimant=claimant)
        except DomainError as error:
            # Lost the race (已被认领) or over the limit: a message on the wall, never an error page.
            messages.error(request, error.message)
            return redirect("wishes:wall")
        messages.success(request, _("认领成功：请在期限内完成“%(title)s”。") % {"title": wish.title})
        return redirect("wishes:mine")
    context = {
        "wish": wish,
        "form": form,
        "has_options": bool(options),
        "days": settings.WISH_CLAIM_DAYS,
        "nav_active": "wishes",
    }
    return render(request, "wishes/claim.html", context)


@require(ORGANIZATION_CLAIMANT)
def batch_claim(request: HttpRequest) -> HttpResponse:
    """An organization claims several wishes at once: all of them or none."""
    volunteer = active_volunteer_of(request.user)
    organizations = {
        key: obj for key, obj in selectors.claimant_options(volunteer).items() if not key.startswith("team:")
    }
    choices = selectors.wall_wishes()[:60]
    form = BatchClaimForm(
        request.POST or None,
        options=[(key, str(obj)) for key, obj in organizations.items()],
        wishes=Wish.objects.on_wall().select_related("community"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            claims = services.wishes_claim_batch(
                wishes=list(form.cleaned_data["wishes"]),
                volunteer=volunteer,
                organization=organizations[form.cleaned_data["organization"]],
            )
        except (DomainError, ValidationError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("已为本单位认领 %(count)d 个心愿。") % {"count": len(claims)})
            return redirect("wishes:mine")
    return render(request, "wishes/batch.html", {"form": form, "choices": choices, "nav_active": "wishes"})


# --- My claims: release and fulfil -----------------------------------------------------------------


@require(gates.ACTIVE_VOLUNTEER)
def my_claims(request: HttpRequest) -> HttpResponse:
    volunteer = active_volunteer_of(request.user)
    claims = list(
        selectors.claims_of(volunteer).select_related(
            "wish__community", "team", "organization", "welfare_org", "volunteer"
        )[:50]
    )
    live = [c for c in claims if c.status in (ClaimStatus.ACTIVE, ClaimStatus.FULFILLED)]
    done = [c for c in claims if c not in live]
    context = {
        "live": live,
        "done": done,
        "fulfil_form": FulfilForm(),
        "release_form": ReleaseForm(),
        "user_pk": request.user.pk,
        "nav_active": "my_wishes",
    }
    return render(request, "wishes/mine.html", context)


def _my_claim(request: HttpRequest, pk: int) -> WishClaim:
    claims = WishClaim.objects.select_related("wish__community", "claimed_by")
    return found_or_404(claims.filter(pk=pk, claimed_by=request.user).first())


@require(gates.ACTIVE_VOLUNTEER)
def claim_fulfil(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _my_claim(request, pk)
    members = services.team_participants(claim) if claim.team_id else None
    form = FulfilForm(request.POST or None, request.FILES or None, members=members)
    if request.method == "POST" and form.is_valid():
        try:
            services.wish_fulfil(
                claim=claim,
                actor=request.user,
                note=form.cleaned_data["note"],
                hours=form.cleaned_data["hours"],
                evidence=form.cleaned_data["evidence"],
                participants=[v.pk for v in form.cleaned_data.get("participants", [])],
            )
        except DomainError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("已提交完成情况，等待居民确认。"))
            return redirect("wishes:mine")
    return render(request, "wishes/fulfil.html", {"claim": claim, "form": form, "nav_active": "my_wishes"})


@require(gates.ACTIVE_VOLUNTEER)
@require_POST
def claim_release(request: HttpRequest, pk: int) -> HttpResponse:
    claim = _my_claim(request, pk)
    form = ReleaseForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.claim_release(claim=claim, actor=request.user, reason=reason)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已放弃认领，心愿回到了心愿墙。"))
    return redirect("wishes:mine")


# --- Confirming ----------------------------------------------------------------------------------


def _client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")


def _lookup_allowed(request: HttpRequest) -> bool:
    key = f"wish-code-lookups:{_client_ip(request)}"
    cache.add(key, 0, 60)
    try:
        return cache.incr(key) <= CODE_LOOKUPS_PER_MINUTE
    except ValueError:  # the key expired between add and incr
        return True


def _wish_by_code(code: str) -> Wish:
    normalized = code.replace("-", "").upper()
    if len(normalized) != TRACKING_LENGTH or set(normalized) - set(TRACKING_ALPHABET):
        raise Http404
    wishes = Wish.objects.select_related("community").filter(tracking_code=normalized)
    return found_or_404(wishes.first())


def resident_confirm(request: HttpRequest, code: str) -> HttpResponse:
    """The resident confirms the fulfilment with their tracking code and rates it."""
    if not _lookup_allowed(request):
        response = render(request, "wishes/too_many_lookups.html", status=429)
        response["Retry-After"] = "60"  # the budget is per minute
        return response
    wish = _wish_by_code(code)
    return _confirm(request, wish, actor=None, code=code)


@require(gates.CHANGE)
def staff_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff confirm on the resident's behalf (a phone call, a visit): only wishes in their scope."""
    wishes = Wish.objects.visible_to(request.user, Action.CHANGE).select_related("community")
    wish = found_or_404(wishes.filter(pk=pk).first())
    return _confirm(request, wish, actor=request.user, code="")


def _confirm(request: HttpRequest, wish: Wish, *, actor: Any, code: str) -> HttpResponse:
    claim = _fulfilled_claim(wish)
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.wish_confirm(
                wish=wish,
                rating=form.cleaned_data["rating"],
                thanks=form.cleaned_data["thanks"],
                actor=actor,
                tracking_code=code,
            )
        except DomainError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("感谢您的确认和评价！"))
            return redirect(request.path)
    context = {"wish": wish, "claim": claim, "form": form, "confirmable": wish.status == WishStatus.FULFILLED}
    return render(request, "wishes/confirm.html", context)


def _fulfilled_claim(wish: Wish) -> WishClaim | None:
    claims: QuerySet[WishClaim] = WishClaim.objects.select_related(
        "team", "organization", "welfare_org", "volunteer"
    )
    return claims.filter(wish=wish, status__in=[ClaimStatus.FULFILLED, ClaimStatus.CONFIRMED]).first()


def confirm_url(wish: Wish) -> str:
    return reverse("wishes:resident_confirm", args=[wish.tracking_code])
