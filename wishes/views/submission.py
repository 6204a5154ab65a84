"""The residents' pages (no account): submit a wish, get its code, follow it with the code."""

from __future__ import annotations

from axes.helpers import get_client_ip_address
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from grids.models import Region, RegionLevel
from portal.pages import add_service_error
from wishes.forms.submission import PlaceForm, TrackForm, WishForm
from wishes.models import format_tracking_code
from wishes.selectors.submission import children, normalize_code, region_by_code, wish_by_code
from wishes.services.limits import LimitExceeded, check_lookup_rate
from wishes.services.submission import WishSubmittedTwice, wish_submit

SESSION_KEY = "wishes:submitted"  # the code just given, shown once on the "done" page


def client_ip(request: HttpRequest) -> str | None:
    # As the login lockout reads it (settings PROXY_COUNT): one idea of "this visitor's address".
    return get_client_ip_address(request)


def limited(request: HttpRequest, error: LimitExceeded) -> HttpResponse:
    response = render(request, "wishes/limited.html", {"message": error.message}, status=429)
    if error.retry_after:
        response["Retry-After"] = str(error.retry_after)
    return response


def wish_new(request: HttpRequest) -> HttpResponse:
    """Step one picks the community (GET), step two is the wish itself (POST)."""
    source = request.POST if request.method == "POST" else request.GET
    community = region_by_code(source.get("community", ""), RegionLevel.COMMUNITY)
    if community is not None and _changed_above(community, request.GET):
        community = None  # without the script, a district or street changed on the last step wins
    if community is None:
        return render(request, "wishes/wish_place.html", {"form": PlaceForm(request.GET or None)})
    form = WishForm(request.POST or None, request.FILES or None, initial={"community": community.code})
    if request.method == "POST" and form.is_valid():
        try:
            wish = wish_submit(**_submission(form), ip=client_ip(request))
        except WishSubmittedTwice as error:
            form.add_error(None, error.message)
        except LimitExceeded as error:
            return limited(request, error)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            request.session[SESSION_KEY] = wish.tracking_code
            return redirect("wishes:wish_done")
    return render(request, "wishes/wish_form.html", {"form": form, "community": community})


def _changed_above(community: Region, query: QueryDict) -> bool:
    street, district = community.parent, community.parent.parent
    return (
        query.get("street", street.code) != street.code
        or query.get("district", district.code) != district.code
    )


def _submission(form: WishForm) -> dict:
    data = form.cleaned_data
    return {
        "name": data["name"],
        "mobile": data["mobile"],
        "community": data["community"],
        "category": data["category"],
        "title": data["title"],
        "description": data["description"],
        "value_yuan": data["value"],
        "photo": data["photo"] or None,
        "consent": data["consent"],
        "sms_consent": data["sms_consent"],
        "submission_token": data["submission_token"],
    }


def wish_done(request: HttpRequest) -> HttpResponse:
    code = request.session.get(SESSION_KEY)
    if not code:
        return redirect("wishes:track")
    context = {
        "code": code,
        "code_display": format_tracking_code(code),
        "groups": format_tracking_code(code).split("-"),
    }
    return render(request, "wishes/wish_done.html", context)


@require_GET
def regions(request: HttpRequest) -> JsonResponse:
    """The next list of the place picker, for its script: ``?district=`` gives streets, ``?street=`` communities."""
    if "street" in request.GET:
        found = children(request.GET["street"][:15], RegionLevel.COMMUNITY)
    else:
        found = children(request.GET.get("district", "")[:15], RegionLevel.STREET)
    return JsonResponse({"regions": [{"code": r.code, "name": r.name} for r in found]})


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "wishes/privacy.html")


@require_GET
def track(request: HttpRequest) -> HttpResponse:
    form = TrackForm(request.GET or None)
    if request.GET and form.is_valid():
        return redirect("wishes:track_wish", code=form.cleaned_data["code"])
    return render(request, "wishes/track.html", {"form": form})


@require_GET
def track_wish(request: HttpRequest, code: str) -> HttpResponse:
    try:
        check_lookup_rate(client_ip(request))
    except LimitExceeded as error:
        return limited(request, error)
    normalized = normalize_code(code)
    if normalized is not None and normalized != code:
        return redirect("wishes:track_wish", code=normalized)
    wish = wish_by_code(normalized) if normalized else None
    if wish is None:
        # A page of its own rather than the site's 404: the resident most likely mistyped.
        form = TrackForm(initial={"code": code[:40]})
        return render(request, "wishes/track.html", {"form": form, "not_found": True}, status=404)
    context = {"wish": wish, "events": wish.events.all(), "track_url": reverse("wishes:track")}
    return render(request, "wishes/track_wish.html", context)
