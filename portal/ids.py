"""Ids a client sends are positive bigints, checked once here before any query sees them.

A value outside a bigint reaches the database as an overflow (SQLite raises OverflowError, a 500) or
as a silently different number; so every id in a path, a filter, a form or an API body goes through
one of these: the ``id`` path converter (anything else is a 404), ``IdFormField`` (pages and
filters, a form error), ``IdMultipleChoiceField`` (checkbox lists of ids) and ``IdSerializerField``
(API bodies, a 400 in the error shape). The filter built on them is ``portal.filters.IdFilter``.
"""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

MAX_ID = 2**63 - 1  # the largest bigint: PostgreSQL's and SQLite's integer primary keys
ID_MESSAGE = _("编号须为 1 到 9223372036854775807 之间的整数。")
_ONE_MESSAGE = {"invalid": ID_MESSAGE, "min_value": ID_MESSAGE, "max_value": ID_MESSAGE}
# The OpenAPI schema of every id a client sends (filters and path parameters).
ID_SCHEMA = {"type": "integer", "format": "int64", "minimum": 1, "maximum": MAX_ID}


def parse_id(value: Any) -> int | None:
    """The id ``value`` names, or None when it is not an integer in 1..MAX_ID."""
    try:
        number = int(str(value).strip())
    except ValueError:
        return None
    return number if 1 <= number <= MAX_ID else None


class IdConverter:
    """``<id:pk>`` in every urls.py: an id outside 1..MAX_ID matches no URL, so it is a 404."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValueError(value)  # Django then tries the next pattern and ends in a 404
        return number

    def to_url(self, value: int) -> str:
        return str(value)


class IdFormField(forms.IntegerField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, max_value=MAX_ID, error_messages=_ONE_MESSAGE, **kwargs)


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Checkboxes of objects: ids outside a bigint are refused before the ``pk__in`` query overflows."""

    def clean(self, value: Any) -> Any:
        for pk in value if isinstance(value, (list, tuple)) else []:
            if parse_id(pk) is None:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super().clean(value)


class IdSerializerField(serializers.IntegerField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, max_value=MAX_ID, error_messages=_ONE_MESSAGE, **kwargs)
