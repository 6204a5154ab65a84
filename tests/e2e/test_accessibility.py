"""The public pages pass axe-core (no serious or critical violations) and stay usable on a phone.

The API docs page is Swagger UI, third-party, and is left out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.conf import settings

from tests.e2e.conftest import assert_accessible, login

if TYPE_CHECKING:
    from playwright.sync_api import Page, Response

PHONE = 375
DESKTOP = 1280
NARROWEST = 320


def open_page(page: Page, base_url: str, path: str) -> list[str]:
    """Go to path; return the page's own sub-resources (CSS, images) that failed to load."""
    broken: list[str] = []

    def note_broken(response: Response) -> None:
        if response.status >= 400 and response.request.resource_type != "document":
            broken.append(f"{response.status} {response.url}")

    page.on("response", note_broken)
    page.goto(base_url + path)
    page.wait_for_load_state("load")
    return broken


def lock_out(page: Page, base_url: str) -> None:
    """Fail to log in through the form, as a person would, until the portal locks them out."""
    page.goto(base_url + "/accounts/login/")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        page.locator("#id_username").fill("someone")
        page.locator("#id_password").fill("not-the-password")
        with page.expect_navigation() as navigation:
            page.locator("main form button[type=submit]").click()
        if navigation.value.status == 429:
            return
    raise AssertionError(f"not locked out after {settings.AXES_FAILURE_LIMIT} failed logins")


def sideways_overflow(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def targets_too_small_to_tap(page: Page) -> list[str]:
    # Buttons, fields and menu links: anything a finger must hit, other than links inside text.
    return page.evaluate(
        """() => [...document.querySelectorAll(
              'button, input:not([type=hidden]), select, textarea, a.button, nav a, .brand-mark')]
            .filter(el => el.offsetParent !== null)
            .map(el => ({el, box: el.getBoundingClientRect()}))
            .filter(({box}) => box.height < 44 || box.width < 44)
            .map(({el, box}) => `${el.outerHTML.slice(0, 80)} is ${Math.round(box.width)}x${Math.round(box.height)}`)"""
    )


PUBLIC_PAGES = {
    "home": "/",
    "login": "/accounts/login/",
    "not found": "/no-such-page/",
}


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_pages_have_no_serious_accessibility_violations(page, live_server, world, name, width):
    page.set_viewport_size({"width": width, "height": 900})
    broken = open_page(page, live_server.url, PUBLIC_PAGES[name])
    assert not broken, f"{name}: resources failed to load: {broken}"
    assert_accessible(page, f"{name} at {width}px")


@pytest.mark.parametrize("width", [PHONE, DESKTOP])
def test_the_locked_out_page_has_no_serious_accessibility_violations(page, live_server, width):
    page.set_viewport_size({"width": width, "height": 900})
    lock_out(page, live_server.url)
    assert page.get_by_role("heading", name="登录失败次数过多，已暂时锁定").is_visible()
    assert_accessible(page, f"locked-out page at {width}px")
    assert sideways_overflow(page) == 0
    assert not targets_too_small_to_tap(page)


def test_the_signed_in_header_and_menu_pass_and_fit_a_phone(page, live_server, world):
    login(page, live_server.url, "haishu", "pass-1234-word")
    assert_accessible(page, "home page signed in as district staff")
    assert sideways_overflow(page) == 0


@pytest.mark.parametrize("path", [*PUBLIC_PAGES.values()])
def test_public_pages_fit_a_phone_with_large_text_and_targets(page, live_server, world, path):
    page.goto(live_server.url + path)
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 16
    too_small = targets_too_small_to_tap(page)
    assert not too_small, f"{path}: touch targets under 44x44px:\n" + "\n".join(too_small)
    # 320px is WCAG 1.4.10 reflow (1280px at 400%); 640px is a desktop at 200% zoom.
    for width in (NARROWEST, PHONE, 640):
        page.set_viewport_size({"width": width, "height": 800})
        assert sideways_overflow(page) == 0, f"{path} scrolls sideways at {width}px"


def test_the_login_form_can_be_used_at_200_percent_zoom(page, live_server, world):
    # A 1280px window zoomed to 200% lays out like a 640px one with every pixel doubled.
    page.set_viewport_size({"width": 640, "height": 450})
    login(page, live_server.url, "haishu", "pass-1234-word")
    assert page.locator(".account-name").is_visible()
