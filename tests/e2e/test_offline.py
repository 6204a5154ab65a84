"""On an intranet nothing may come from the internet: the pages and both API docs ask only our server."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page, Request


def requests_elsewhere(page: Page, url: str, ready: str) -> list[str]:
    """Open url; return the requests that left for a host other than the page's own.

    A request the page's Content-Security-Policy blocked never reaches the network: ReDoc's bundle
    still asks for its CDN logo, and templates/api/redoc.html has the browser refuse it.
    """
    own = urlsplit(url).netloc
    elsewhere: list[str] = []

    def note(request: Request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.netloc != own:
            elsewhere.append(request.url)

    def forget_blocked(request: Request) -> None:
        if request.failure == "csp" and request.url in elsewhere:
            elsewhere.remove(request.url)

    page.on("request", note)
    page.on("requestfailed", forget_blocked)
    page.goto(url)
    page.wait_for_selector(ready, state="attached")
    page.wait_for_load_state("networkidle")
    return elsewhere


@pytest.mark.parametrize(
    ("path", "ready"),
    [("/", "main"), ("/api/v1/redoc/", ".menu-content"), ("/api/v1/docs/", ".swagger-ui .info")],
)
def test_pages_and_api_docs_load_nothing_from_another_host(page, live_server, path, ready):
    assert requests_elsewhere(page, live_server.url + path, ready) == []


def test_redoc_shows_no_redocly_footer(page, live_server):
    page.set_viewport_size({"width": 1280, "height": 900})  # the sidebar is folded away on a phone
    page.goto(live_server.url + "/api/v1/redoc/")
    page.wait_for_selector(".menu-content")
    assert page.get_by_text("API docs by Redocly").count() == 1  # rendered by ReDoc, hidden by us
    assert not page.get_by_text("API docs by Redocly").is_visible()
    assert page.locator("img[alt='redocly logo']").count() == 0  # refused by the policy, then dropped


def test_the_favicon_is_served(page, live_server):
    response = page.goto(live_server.url + "/favicon.ico")
    assert response is not None and response.ok
    assert response.headers["content-type"] in ("image/x-icon", "image/vnd.microsoft.icon")
