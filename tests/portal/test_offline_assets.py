"""The portal works on an intranet: every asset a page loads is its own, and /favicon.ico is one of them."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client

TEMPLATES = sorted(Path(settings.BASE_DIR, "templates").rglob("*.html"))
STYLESHEETS = sorted(Path(settings.BASE_DIR, "static").rglob("*.css"))
# An element that makes the browser fetch something, pointing at another host (http://, https:// or //).
EXTERNAL_ASSET = re.compile(
    r"<(?:script|img|link|source|iframe|video|audio|embed|object)\b[^>]*?"
    r"\b(?:src|href|srcset|data)\s*=\s*[\"']?\s*(?:https?:)?//",
    re.IGNORECASE,
)
EXTERNAL_CSS = re.compile(r"(?:url\(\s*[\"']?|@import\s+[\"'])\s*(?:https?:)?//", re.IGNORECASE)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_no_template_loads_an_asset_from_another_host(template: Path):
    text = template.read_text(encoding="utf-8")
    assert not EXTERNAL_ASSET.search(text)
    assert not EXTERNAL_CSS.search(text)


@pytest.mark.parametrize("stylesheet", STYLESHEETS, ids=lambda p: p.name)
def test_no_stylesheet_loads_from_another_host(stylesheet: Path):
    assert not EXTERNAL_CSS.search(stylesheet.read_text(encoding="utf-8"))


def test_the_pattern_catches_what_it_should():
    assert EXTERNAL_ASSET.search('<img alt="" src="https://cdn.redoc.ly/redoc/logo-mini.svg">')
    assert EXTERNAL_ASSET.search("<link rel=stylesheet href=//fonts.googleapis.com/css2>")
    assert EXTERNAL_CSS.search("background: url('https://example.com/a.png')")
    assert not EXTERNAL_ASSET.search('<a href="https://redocly.com/redoc/">Redocly</a>')


def test_redoc_hides_the_footer_whose_logo_comes_from_a_cdn(db):
    html = Client().get("/api/v1/redoc/").content.decode()
    assert 'a[href*="redocly"] { display: none; }' in html
    # The browser itself refuses images and fonts from any other host on this page.
    assert "img-src 'self' data: blob:; font-src 'self' data:" in html


def test_favicon_ico_is_a_vendored_file(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response.url == "/static/img/favicon.ico"
    assert "max-age=86400" in response["Cache-Control"]
    assert Path(finders.find("img/favicon.ico")).read_bytes()[:4] == b"\x00\x00\x01\x00"  # an ICO file


def test_every_page_links_the_favicon(client, db):
    html = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/img/favicon.ico" sizes="32x32">' in html
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in html
