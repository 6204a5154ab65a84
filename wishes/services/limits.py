"""Abuse limits of the residents' side: wishes open per mobile, submissions and tracking-code lookups per IP.

The per-mobile limit is decided in the database (see ``submission``): a count read in Python
would let ten simultaneous submissions all see "two open" and all pass. The per-IP rates are
fixed-window counters in the cache: one atomic ``incr`` per attempt, nothing read first. A cache
that is down lets attempts through (the per-mobile limit still holds): Redis down never stops a
resident from asking for help.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from portal.errors import DomainError

log = logging.getLogger(__name__)

PERIODS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hour": 3600}
PERIODS |= {"d": 86400, "day": 86400}
# The open-wishes limit lifts when one of the mobile's wishes is closed (fulfilled, turned down),
# which takes days, not seconds: an hour's Retry-After stops a partner's retry loop and promises nothing.
OPEN_LIMIT_RETRY_AFTER = 3600


class LimitExceeded(DomainError):
    """A resident-side limit: HTTP 429 in pages and API, with a message saying which limit and until when."""

    code = "throttled"
    status_code = 429
    default_message = _("操作过于频繁，请稍后再试。")

    def __init__(self, message: str | None = None, *, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class WishLimitExceeded(LimitExceeded):
    """The mobile already has WISH_MAX_OPEN_PER_MOBILE wishes open."""

    code = "too_many_open_wishes"

    def __init__(
        self, message: str | None = None, *, retry_after: int | None = OPEN_LIMIT_RETRY_AFTER
    ) -> None:
        super().__init__(message, retry_after=retry_after)


class SubmitRateExceeded(LimitExceeded):
    code = "submit_rate"


class LookupRateExceeded(LimitExceeded):
    code = "lookup_rate"


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        """ "10/hour", "30/h", "5/min" (DRF's spelling)."""
        number, _slash, period = text.partition("/")
        try:
            rate = cls(int(number), PERIODS[period.strip().lower()])
        except (KeyError, ValueError):
            raise ImproperlyConfigured(
                f"A rate is '<number>/<second|minute|hour|day>', not {text!r}"
            ) from None
        if rate.count < 1:
            raise ImproperlyConfigured(f"A rate allows at least one attempt, not {text!r}")
        return rate

    def describe(self) -> str:
        minutes = self.seconds // 60
        if self.seconds % 3600 == 0:
            return _("每 %(n)d 小时 %(count)d 次") % {"n": self.seconds // 3600, "count": self.count}
        if minutes:
            return _("每 %(n)d 分钟 %(count)d 次") % {"n": minutes, "count": self.count}
        return _("每 %(n)d 秒 %(count)d 次") % {"n": self.seconds, "count": self.count}


def hit(bucket: str, ident: str, rate: Rate) -> int | None:
    """Count one attempt; the seconds until the window ends if it is over the rate, else None."""
    now = int(time.time())
    window = now // rate.seconds
    # Hashed: an IP address is personal data, and has no place in a cache key listing.
    digest = hashlib.sha256(ident.encode()).hexdigest()[:32]
    key = f"wish-limit:{bucket}:{digest}:{window}"
    try:
        cache.add(key, 0, rate.seconds + 60)
        count = cache.incr(key)
    except ValueError:  # the cache is down (or evicted the key at once): let the attempt through
        log.warning("wish %s limit not counted: cache unavailable", bucket)
        return None
    if count <= rate.count:
        return None
    return max(1, (window + 1) * rate.seconds - now)


def submit_rate() -> Rate:
    return Rate.parse(settings.WISH_SUBMIT_RATE)


def lookup_rate() -> Rate:
    return Rate.parse(settings.WISH_LOOKUP_RATE)


def check_submit_rate(ip: str | None) -> None:
    """One submission from ``ip``: ``SubmitRateExceeded`` when over WISH_SUBMIT_RATE."""
    if not ip:
        return
    rate = submit_rate()
    wait = hit("submit", ip, rate)
    if wait is not None:
        raise SubmitRateExceeded(
            _("此网络提交心愿过于频繁（%(rate)s），请 %(minutes)d 分钟后再试，或到社区当面提交。")
            % {"rate": rate.describe(), "minutes": max(1, (wait + 59) // 60)},
            retry_after=wait,
        )


def check_lookup_rate(ip: str | None) -> None:
    """One tracking-code lookup from ``ip``: ``LookupRateExceeded`` when over WISH_LOOKUP_RATE.

    Every lookup counts, found or not: codes cannot be enumerated (25^10 codes, 30 tries an hour).
    """
    if not ip:
        return
    rate = lookup_rate()
    wait = hit("lookup", ip, rate)
    if wait is not None:
        raise LookupRateExceeded(
            _("查询次数过多（%(rate)s），请 %(minutes)d 分钟后再试。")
            % {"rate": rate.describe(), "minutes": max(1, (wait + 59) // 60)},
            retry_after=wait,
        )


def open_limit_message(limit: int) -> str:
    return str(
        _("同一手机号最多同时有 %(n)d 个未完成的心愿。请等已有心愿完成（或被退回）后再提交。") % {"n": limit}
    )
