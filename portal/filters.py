"""Filters every app's filtersets share."""

import django_filters
from drf_spectacular.utils import extend_schema_field

from portal.ids import ID_SCHEMA, IdFormField


@extend_schema_field(ID_SCHEMA)
class IdFilter(django_filters.Filter):
    """``?organization=42``: an id outside 1..2^63-1 is a filter error (a 400 in the API)."""

    field_class = IdFormField
