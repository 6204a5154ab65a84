"""Fetching what an outsider names by URL (Open311's media_url): the webhooks' address rules, a size
cap, a whole-transfer time limit, no redirects."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from portal import outbound
from portal.outbound import FetchFailed, UnsafeDestination


class Server:
    """Serves ``routes``: path → (status, headers, body, seconds between 1 KB chunks)."""

    def __init__(self, routes: dict) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                status, headers, body, drip = routes.get(self.path, (404, {}, b"", 0))
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                for start in range(0, len(body), 1024):
                    self.wfile.write(body[start : start + 1024])
                    time.sleep(drip)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def server(settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = True  # the test's own server, and only it
    server = Server(
        {
            "/photo.jpg": (200, {"content-length": "5"}, b"hello", 0),
            "/big": (200, {}, b"x" * 5000, 0),
            "/claims-small": (200, {"content-length": "10"}, b"x" * 10, 0),
            "/claims-big": (200, {"content-length": "999999"}, b"x", 0),
            "/slow": (200, {}, b"x" * 8 * 1024, 0.2),
            "/moved": (302, {"location": "http://169.254.169.254/"}, b"", 0),
        }
    )
    yield server
    server.close()


def test_it_fetches_a_public_answer(server):
    assert outbound.fetch(f"{server.base}/photo.jpg", max_bytes=100) == b"hello"


@pytest.mark.parametrize("path", ["/big", "/claims-big"])
def test_a_body_over_the_cap_is_refused(server, path):
    with pytest.raises(FetchFailed, match="超过"):
        outbound.fetch(f"{server.base}{path}", max_bytes=1000)


def test_a_dripping_server_is_cut_off_by_the_total_time_limit(server):
    started = time.monotonic()
    with pytest.raises(FetchFailed):
        outbound.fetch(f"{server.base}/slow", max_bytes=10**6, total_timeout=0.5)
    assert time.monotonic() - started < 1.5


@pytest.mark.parametrize("path", ["/moved", "/missing"])
def test_redirects_and_errors_are_not_followed(server, path):
    with pytest.raises(FetchFailed):
        outbound.fetch(f"{server.base}{path}", max_bytes=1000)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/x.jpg",
        "http://localhost/x.jpg",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.100.100.200/latest/meta-data/",
        "http://[::ffff:127.0.0.1]/x.jpg",
        "http://10.0.0.8/x.jpg",
        "file:///etc/passwd",
        "gopher://example.org/",
    ],
)
def test_unsafe_destinations_are_refused_before_any_connection(db, url):
    with pytest.raises(UnsafeDestination):
        outbound.fetch(url, max_bytes=1000)
