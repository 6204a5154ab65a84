"""Browser tests in headless Chromium (Debian's /usr/bin/chromium) driven by Playwright's sync API.

The contract other test modules rely on:

- ``browser``: one Chromium for the whole session;
- ``page``: a fresh context and page per test (no shared cookies), 375x812 like a phone, zh-CN;
- ``login(page, base_url, username, password)``: logs in through the real form;
- ``assert_accessible(page, label)``: runs the vendored axe-core and fails on serious/critical issues;
- every test in this directory is marked ``browser`` and is skipped, with a clear message, where
  Chromium or the playwright package is missing. So that a missing package skips rather than
  breaks collection, test modules take ``expect`` from here and import Playwright's types only
  under ``TYPE_CHECKING``.

Use pytest-django's ``live_server`` for the address (it gives the test a transactional database).
"""

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the tests are skipped then (see pytest_collection_modifyitems)
    expect = None

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

# Playwright's sync API runs an asyncio loop in this thread, and Django refuses synchronous
# database access from a thread with a running loop unless told it is safe: here it is, the loop
# only drives the browser.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

E2E_DIR = Path(__file__).resolve().parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
PHONE_VIEWPORT = {"width": 375, "height": 812}
SKIP_MESSAGE = "Chromium not found at /usr/bin/chromium: browser tests skipped (apt-get install chromium)"
AXE_SOURCE = E2E_DIR / "vendor" / "axe.min.js"
# Waits are short: the live server is local, and a hung page should fail fast, not stall CI.
DEFAULT_TIMEOUT_MS = 15_000


def _browser_missing() -> bool:
    return expect is None or shutil.which(CHROMIUM) is None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # This hook sees every collected item of the session, not only this directory's.
    missing = _browser_missing()
    if missing and os.environ.get("SIMING_REQUIRE_BROWSER") == "1":
        # CI installs Chromium: there, a browser test that would skip is a failure.
        raise pytest.UsageError(SKIP_MESSAGE.replace("skipped", "required (SIMING_REQUIRE_BROWSER=1)"))
    skip = pytest.mark.skip(reason=SKIP_MESSAGE) if missing else None
    for item in items:
        if item.path.is_relative_to(E2E_DIR):
            item.add_marker(pytest.mark.browser)
            if skip:
                item.add_marker(skip)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[Any]:
    # Keep each phase's report on the item so the page fixture can tell a failed test apart.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator["Browser"]:
    if _browser_missing():
        pytest.skip(SKIP_MESSAGE)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: "Browser", request: pytest.FixtureRequest, tmp_path: Path) -> Iterator["Page"]:
    context = browser.new_context(viewport=PHONE_VIEWPORT, locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        # What the browser showed when the test failed; pytest keeps the last runs' tmp_path.
        screenshot = tmp_path / "failure.png"
        page.screenshot(path=str(screenshot), full_page=True)
        print(f"\nScreenshot of the failing page ({page.url}): {screenshot}")
    context.close()


def login(page: "Page", base_url: str, username: str, password: str) -> None:
    """Log in through the real login form and wait until the portal has let the user in."""
    page.goto(f"{base_url.rstrip('/')}/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    if "/accounts/login/" in page.url:
        errors = page.locator(".form-errors, .error").all_inner_texts()
        raise AssertionError(f"login as {username!r} failed: {' '.join(errors) or page.title()}")


def menu_link(page: "Page", name: str):
    """The menu entry ``name``, made visible: the 菜单 toggle opened on a phone, and its group
    (党建工作, 志愿服务, …) opened if it has one."""
    toggle = page.locator(".nav-toggle")
    if toggle.count() and toggle.is_visible() and page.locator(".nav-menu[open]").count() == 0:
        toggle.click()
    link = page.locator(".main-nav a", has_text=name).first
    if not link.is_visible():
        group = page.locator(".nav-group", has=page.locator("a", has_text=name))
        group.locator(".nav-group-label").click()
    return link


def axe_violations(page: "Page", impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict]:
    """axe-core's violations on the current page at the given impact levels."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE_SOURCE.read_text(encoding="utf-8"))
    results = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']},
            resultTypes: ['violations'],
        })"""
    )
    return [v for v in results["violations"] if v["impact"] in impacts]


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"[{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})"
        )
        for node in violation["nodes"][:5]:
            lines.append(f"    at {json.dumps(node['target'], ensure_ascii=False)}: {node['html'][:160]}")
            if node.get("failureSummary"):
                lines.append("      " + node["failureSummary"].replace("\n", "\n      "))
        if len(violation["nodes"]) > 5:
            lines.append(f"    … and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)


def assert_accessible(page: "Page", label: str = "") -> None:
    """Fail with a readable list when axe-core finds serious or critical violations."""
    violations = axe_violations(page)
    where = label or page.url
    assert not violations, f"axe-core found serious/critical violations on {where}:\n" + format_violations(
        violations
    )
