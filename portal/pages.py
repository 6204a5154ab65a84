"""Small helpers that every app's browser views share: the gate, 404s, pagination, service errors on forms."""

import hashlib
import logging
from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.functional import cached_property

from portal.errors import DomainError
from portal.gates import Gate

T = TypeVar("T")
logger = logging.getLogger(__name__)

# Lists up to this long are counted exactly on every view; a longer one's count is cached.
# Reading 5,001 rows to learn that a district's 主题党日 run past 5,000 cost more than the page
# itself (3.2× the home page at city scale); 1,001 rows is 20 pages of 50 and costs a fifth.
EXACT_COUNT_UP_TO = 1000
COUNT_TTL = 300  # seconds a long list's count is reused: "共 300,000 名党员" may lag by minutes
View = Callable[..., HttpResponse]


def require(gate: Gate) -> Callable[[View], View]:
    """Guard a page by a gate: visitors are sent to the login page, signed-in users who fail it get 403.

    The gate is kept on the view (``view.gate``) so that tests can check that a menu entry and
    its page ask the same question.
    """

    def decorate(view: View) -> View:
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not gate(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        guarded.gate = gate  # type: ignore[attr-defined]
        return login_required(guarded)

    return decorate


def found_or_404(obj: T | None) -> T:
    """The object a scoped query found; None means outside the user's scope or missing alike."""
    if obj is None:
        raise Http404
    return obj


class CityPaginator(Paginator):
    """A paginator that does not count a whole city on every view.

    Counting 300,000 members took 120 ms, ten times the home page. A list is counted with a
    bounded ``COUNT`` (at most ``EXACT_COUNT_UP_TO + 1`` rows read, one query as before), which
    is exact for the short lists staff mostly see. A longer list's count is computed once and
    reused for ``COUNT_TTL`` seconds under a key made of its SQL, so each scope and filter has its
    own; ``approximate`` then tells the template to say "约".
    """

    approximate = False

    @cached_property
    def count(self) -> int:
        if not isinstance(self.object_list, QuerySet):
            return len(self.object_list)
        queryset = self.object_list.order_by()
        bounded = queryset[: EXACT_COUNT_UP_TO + 1].count()
        if bounded <= EXACT_COUNT_UP_TO:
            return bounded
        self.approximate = True
        return _cached_count(queryset)


def _cached_count(queryset: QuerySet) -> int:
    sql, params = queryset.query.sql_with_params()
    key = "list-count:" + hashlib.sha256(repr((sql, params)).encode()).hexdigest()
    try:
        found = cache.get(key)
    except Exception:  # a cache that is down costs a count, never the page
        logger.warning("list count cache unavailable", exc_info=True)
        found = None
    if found is None:
        found = queryset.count()
        try:
            cache.set(key, found, COUNT_TTL)
        except Exception:
            logger.warning("list count cache unavailable", exc_info=True)
    return found


def paginate(request: HttpRequest, queryset: QuerySet | Sequence[Any], per_page: int) -> Page:
    """The page named by ``?page=``; a page number out of range or not a number gives a valid page."""
    return CityPaginator(queryset, per_page).get_page(request.GET.get("page"))


def add_service_error(form: BaseForm, error: DomainError | ValidationError) -> None:
    """Put a service's refusal on the form: field errors on their fields, the rest above the form."""
    if isinstance(error, DomainError):
        form.add_error(None, error.message)
    elif hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)
