"""Small helpers that every app's browser views share: the gate, 404s, pagination, service errors on forms."""

from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse

from portal.errors import DomainError
from portal.gates import Gate

T = TypeVar("T")
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


def paginate(request: HttpRequest, queryset: QuerySet | Sequence[Any], per_page: int) -> Page:
    """The page named by ``?page=``; a page number out of range or not a number gives a valid page."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def add_service_error(form: BaseForm, error: DomainError | ValidationError) -> None:
    """Put a service's refusal on the form: field errors on their fields, the rest above the form."""
    if isinstance(error, DomainError):
        form.add_error(None, error.message)
    elif hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)
