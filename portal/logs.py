"""Logs a newcomer can trust: an expected refusal is one line; a traceback means a bug."""

import logging


class RefusalsWithoutTraceback(logging.Filter):
    """A 4xx answer (403, 404, 401, 429, 400) is the portal working as meant: one WARNING line.

    Django logs a refused permission with the exception's traceback, and a suspicious request at
    ERROR; both drowned the tracebacks of real bugs (5xx), which keep theirs.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and status < 500:
            record.exc_info = None
            record.exc_text = None
            if record.levelno > logging.WARNING:
                record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True
