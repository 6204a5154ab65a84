"""Every demo account, on a 375 px phone, opens every page of its menu: each answers 200, nothing is
wider than the screen, no text is too small to read, every link shown on it opens (no 403, 404 or
500) and every button posts to a page that exists.

The world is the README's demo (``seed_demo --scale small``): the accounts outsiders will try first,
with data on every page (a certificate, claims, pledges, events), which a bare test world lacks.
Links are checked once per kind of page (``/volunteers/<id>/`` once, not fifty times).
Set ``EVERY_LINK_SCREENSHOTS`` to a folder to keep a screenshot of every menu page.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from io import StringIO
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from django.core.management import call_command
from django.urls import Resolver404, resolve

from tests.e2e.conftest import login

if TYPE_CHECKING:
    from playwright.sync_api import Page

# The demo accounts (README) and the menu pages each must reach at least: a login that silently
# failed, or a menu that lost its entries, shows up here.
ACCOUNTS = {
    "city_admin": ("siming-city-demo", 18),
    "haishu_staff": ("siming-district-demo", 17),
    "ximen_staff": ("siming-street-demo", 17),
    "chaoyang_staff": ("siming-community-demo", 17),
    "chaoyang_secretary": ("siming-secretary-demo", 12),
    "volunteer": ("siming-volunteer-demo", 9),
    "yongai_rep": ("siming-welfare-demo", 5),
    "": ("", 3),  # a visitor
}
# Not pages of the portal's own: the admin, files, the sign-out and language forms, and the API's
# Swagger page (the same for everyone, heavy, and checked by tests/portal/test_api_docs.py).
SKIP = ("/admin/", "/static/", "/media/", "/accounts/", "/i18n/", "/api/")
PER_KIND = 1
SMALLEST_FONT_PX = 12
SHOTS = os.environ.get("EVERY_LINK_SCREENSHOTS")

# Elements whose right edge lies past the screen, outside the containers meant to scroll sideways.
WIDE = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll('body *')]
    .filter(e => {
      const box = e.getBoundingClientRect();
      return box.width > 0 && box.right > width + 1 && !e.closest('.table-scroll, pre, svg, [hidden]');
    })
    .slice(0, 3)
    .map(e => `${e.tagName.toLowerCase()}.${e.className}`);
}"""
# Visible text set smaller than a phone can show legibly.
TINY = """(smallest) => [...document.querySelectorAll('body *')]
  .filter(e => [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
  .filter(e => e.getClientRects().length && parseFloat(getComputedStyle(e).fontSize) < smallest)
  .slice(0, 3)
  .map(e => `${e.tagName.toLowerCase()}.${e.className}: ${e.textContent.trim().slice(0, 20)}`)"""


def kind(path: str) -> str:
    return re.sub(r"/[0-9]+/", "/<id>/", re.sub(r"/[A-Z0-9]{10,}/", "/<code>/", path))


def own_path(base: str, page_url: str, href: str) -> str | None:
    url = urljoin(page_url, href).split("#")[0]
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != base or parts.path.startswith(SKIP):
        return None
    return url[len(base) :]


def menu_paths(page: Page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all(".main-nav a[href]", "els => els.map(e => e.href)")
    paths = {own_path(base, page.url, href) for href in hrefs} - {None}
    return ["/", *sorted(paths - {"/"})]


def check_page(page: Page, label: str) -> list[str]:
    problems = []
    if page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth"):
        problems.append(f"{label}: wider than the screen ({', '.join(page.evaluate(WIDE))})")
    tiny = page.evaluate(TINY, SMALLEST_FONT_PX)
    if tiny:
        problems.append(f"{label}: text under {SMALLEST_FONT_PX}px ({'; '.join(tiny)})")
    return problems


def check_buttons(page: Page, base: str, label: str) -> list[str]:
    problems = []
    for action in page.eval_on_selector_all("main form[method=post i]", "els => els.map(e => e.action)"):
        path = own_path(base, page.url, action)
        if path is None:
            continue
        try:
            resolve(urlsplit(path).path)
        except Resolver404:
            problems.append(f"{label}: a button posts to {path}, which does not exist")
    return problems


def check_links(page: Page, base: str, seen: Counter, signed_in: bool, label: str) -> list[str]:
    problems = []
    for href in page.eval_on_selector_all("main a[href]", "els => els.map(e => e.getAttribute('href'))"):
        path = own_path(base, page.url, href)
        if path is None or seen[path] or seen[kind(urlsplit(path).path)] >= PER_KIND:
            continue
        seen[path] += 1
        seen[kind(urlsplit(path).path)] += 1
        response = page.context.request.get(base + path)
        # A visitor may be sent to the login page (成为志愿者, 登记爱心单位); a signed-in user may not.
        refused = response.status >= 400 or (signed_in and "/accounts/login/" in response.url)
        if refused:
            problems.append(f"{label}: its link {path} answers {response.status} ({response.url})")
    return problems


def walk(page: Page, base: str, account: str) -> tuple[int, list[str]]:
    who = account or "visitor"
    page.goto(base + "/")
    paths = menu_paths(page, base)
    seen: Counter = Counter(paths)
    problems = []
    for path in paths:
        response = page.goto(base + path, wait_until="domcontentloaded")
        label = f"{who} {path}"
        if response is None or response.status != 200:
            problems.append(f"{label}: menu page answers {response.status if response else None}")
            continue
        if SHOTS:
            page.screenshot(
                path=os.path.join(SHOTS, f"{who}{kind(path).replace('/', '_')}.png"), full_page=True
            )
        problems += check_page(page, label)
        problems += check_buttons(page, base, label)
        problems += check_links(page, base, seen, bool(account), label)
    return len(paths), problems


def test_every_demo_account_opens_every_menu_page_and_link_on_a_phone(browser, live_server):
    call_command("seed_demo", scale="small", allow_demo_accounts=True, stdout=StringIO())
    problems = []
    for account, (password, at_least) in ACCOUNTS.items():
        context = browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN")
        page = context.new_page()
        if account:
            login(page, live_server.url, account, password)
        pages, found = walk(page, live_server.url, account)
        context.close()
        assert pages >= at_least, f"{account or 'visitor'} reached only {pages} menu pages"
        problems += found
    assert not problems, "\n".join(problems)
