"""One gate decides the link and the page: no menu entry, link or button ever leads to a 403.

For every role of the test world (and a partner-role account and a visitor), the portal is walked as
a person would click through it: from the home page along every link of every page reached, then
every button that posts elsewhere. Nothing shown may answer 403 (or 404: a dead link is a bug too).
"""

from __future__ import annotations

import re
from collections import Counter, deque
from html import unescape
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from brands.models import BrandStatus
from brands.services.bases import slot_book
from portal import gates
from portal.context_processors import MENU
from portal.models import Role
from tests.brands.activity_factories import BaseFactory, SlotFactory
from tests.brands.factories import ActivityRecordFactory, BrandFactory
from tests.factories import UserFactory, World, assign

# Who walks, and how many pages they reach at least (a walk that stops at the home page proves nothing).
ROLES = {
    "city_staff": 40,
    "haishu_staff": 40,
    "haishu_street_staff": 40,
    "haishu_secretary": 30,
    "jiangbei_staff": 30,
    "volunteer": 3,
    "partner": 3,  # a partner-role account (refused at login, but say it held a session)
    "visitor": 3,
}
LINK = re.compile(r"<a\b[^>]*?\bhref=\"([^\"#]*)\"", re.IGNORECASE)
FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.IGNORECASE | re.DOTALL)
HIDDEN = re.compile(r"<input\b[^>]*type=\"hidden\"[^>]*>", re.IGNORECASE)
# Not the portal's pages: files, the admin, the API docs (public), the account and language forms.
SKIP = ("/static/", "/media/", "/admin/", "/api/", "/accounts/", "/i18n/")
# Each kind of page (URL name) is opened a few times at most: pages of a list are alike.
PER_PAGE_KIND = 3


@pytest.fixture
def busy_world(world: World) -> World:
    """The world with something on every page: brands at each stage, records, a base and a booking."""
    for status in (BrandStatus.DRAFT, BrandStatus.SUBMITTED, BrandStatus.PUBLISHED):
        BrandFactory(organization=world.haishu_branch, status=status)
    BrandFactory(organization=world.jiangbei_branch, status=BrandStatus.SUBMITTED)
    ActivityRecordFactory(organization=world.haishu_branch)
    ActivityRecordFactory(organization=world.jiangbei_branch)
    slot = SlotFactory(base=BaseFactory(region=world.haishu_street))
    SlotFactory(base=slot.base)
    slot_book(actor=world.haishu_secretary, slot=slot, organization=world.haishu_branch)
    world.partner = assign(UserFactory(username="partner-system"), Role.PARTNER, region=world.city)
    return world


def client_for(world: World, role: str) -> Client:
    client = Client()
    if role != "visitor":
        client.force_login(getattr(world, role))
    return client


def page_kind(url: str) -> str:
    try:
        return resolve(urlsplit(url).path).view_name
    except Resolver404:
        return url


def portal_url(href: str) -> str | None:
    url = unescape(href)
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith(SKIP):
        return None
    return url


def walk(client: Client) -> tuple[dict[str, int], list[tuple[str, str, dict]]]:
    """Every page reached by links from the home page, with its status; the forms that post elsewhere."""
    seen: dict[str, int] = {}
    kinds: Counter[str] = Counter()
    forms: list[tuple[str, str, dict]] = []
    queue = deque(["/"])
    while queue:
        url = queue.popleft()
        if url in seen or kinds[page_kind(url)] >= PER_PAGE_KIND:
            continue
        kinds[page_kind(url)] += 1
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code == 302 and portal_url(response.url):
            queue.append(response.url)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        html = response.content.decode()
        queue.extend(u for u in map(portal_url, LINK.findall(html)) if u)
        for attributes, body in FORM.findall(html):
            action = re.search(r"action=\"([^\"]*)\"", attributes)
            target = portal_url(action.group(1)) if action else None
            if "post" in attributes.lower() and target and urlsplit(target).path != urlsplit(url).path:
                fields = dict(
                    re.findall(r"name=\"([^\"]+)\"[^>]*value=\"([^\"]*)\"", " ".join(HIDDEN.findall(body)))
                )
                forms.append((url, target, fields))
    return seen, forms


@pytest.mark.parametrize("role", ROLES)
def test_no_link_or_button_leads_to_a_refusal(busy_world, role):
    client = client_for(busy_world, role)
    pages, forms = walk(client)
    assert len(pages) >= ROLES[role]
    refused = {url: status for url, status in pages.items() if status not in (200, 302)}
    assert not refused, f"{role} is shown links that answer {refused}"
    # Role revocations last: revoking may take away the very right the other buttons need.
    forms.sort(key=lambda form: "/revoke/" in form[1])
    posted = set()
    for page, target, fields in forms:
        if target in posted:
            continue
        posted.add(target)
        status = client.post(target, fields).status_code
        assert status not in (403, 404, 405), (
            f"{role}: the button on {page} posting to {target} answers {status}"
        )


@pytest.mark.parametrize("entry", [e for e in MENU if e.gate is not None], ids=lambda e: e.key)
def test_each_menu_entry_asks_the_gate_of_its_page(entry):
    view = resolve(reverse(entry.url_name)).func
    if entry.gate in (gates.API_DOCS, gates.NOT_VOLUNTEER):
        # The API docs are public; the menu offers them to those who can call the API with a session.
        # Volunteer sign-up is public too (visitors create their login there); the menu offers it
        # to the signed-in who have no volunteer profile.
        assert not hasattr(view, "gate")
    else:
        assert view.gate is entry.gate
