"""Logs a newcomer can trust: an expected refusal is one line at WARNING, a traceback means a bug."""

import io
import logging

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied

from portal.logs import RefusalsWithoutTraceback


def console_handlers() -> list[logging.StreamHandler]:
    """The stream handlers a django.request line passes through, as configured (not pytest's own)."""
    handlers = []
    logger: logging.Logger | None = logging.getLogger("django.request")
    while logger is not None:
        handlers += [
            h
            for h in logger.handlers
            if isinstance(h, logging.StreamHandler) and not type(h).__module__.startswith("_pytest")
        ]
        logger = logger.parent if logger.propagate else None
    return handlers


@pytest.fixture
def console(settings) -> io.StringIO:
    """What the console shows under `manage.py runserver` (DEBUG on), with the logging as configured."""
    settings.DEBUG = True  # Django's own console handler only writes when DEBUG is on
    stream = io.StringIO()
    saved = [(handler, handler.setStream(stream)) for handler in console_handlers()]
    yield stream
    for handler, original in saved:
        handler.setStream(original)


def request_lines(console: io.StringIO) -> list[str]:
    return [line for line in console.getvalue().splitlines() if line.strip()]


def test_a_refused_page_is_one_line_without_a_traceback(client, world, console):
    client.force_login(world.volunteer)
    assert client.get("/roles/").status_code == 403
    assert request_lines(console) == ["Forbidden (Permission denied): /roles/"]


def test_a_refused_api_call_is_one_line(client, db, console):
    assert client.get("/api/v1/members/").status_code == 401
    assert request_lines(console) == ["Unauthorized: /api/v1/members/"]


def test_a_missing_page_is_one_line(client, world, console):
    client.force_login(world.haishu_staff)
    assert client.get(f"/grids/members/{world.jiangbei_members[0].pk}/").status_code == 404
    lines = request_lines(console)
    assert lines == [f"Not Found: /grids/members/{world.jiangbei_members[0].pk}/"]


@pytest.mark.parametrize(("path", "status"), [("/roles/", 403), ("/no-such-page/", 404)])
def test_caplog_sees_expected_refusals_as_warnings_without_exception(client, world, caplog, path, status):
    client.force_login(world.volunteer)
    with caplog.at_level(logging.INFO, logger="django.request"):
        assert client.get(path).status_code == status
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1
    assert records[0].levelno == logging.WARNING
    assert records[0].exc_info is None


def record(status: int, level: int = logging.WARNING) -> logging.LogRecord:
    try:
        raise PermissionDenied
    except PermissionDenied as error:
        entry = logging.LogRecord("django.request", level, __file__, 1, "x", (), (type(error), error, None))
    entry.status_code = status
    return entry


def test_a_server_error_keeps_its_traceback():
    entry = record(500, logging.ERROR)
    RefusalsWithoutTraceback().filter(entry)
    assert entry.exc_info is not None
    assert entry.levelno == logging.ERROR


def test_a_suspicious_request_is_a_warning_not_an_error():
    entry = record(400, logging.ERROR)
    RefusalsWithoutTraceback().filter(entry)
    assert (entry.levelname, entry.exc_info) == ("WARNING", None)


def test_django_lines_go_through_one_handler_only():
    assert len(console_handlers()) == 1
    assert settings.LOGGING["root"]["handlers"] == ["console"]
