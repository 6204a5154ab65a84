"""Filters every app's filtersets share: ids and dates a client sends, bounded before any query."""

import datetime as dt

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField
from drf_spectacular.utils import extend_schema_field

from portal.ids import ID_SCHEMA, IdFormField

# Far outside any record, and inside what Python and PostgreSQL can shift by a day or a time zone.
FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2999, 12, 31)
DATE_MESSAGE = _("日期须在 1900-01-01 与 2999-12-31 之间。")


def _in_range(day: dt.date) -> None:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationError(DATE_MESSAGE, code="out_of_range")


class BoundedDateField(forms.DateField):
    def to_python(self, value: object) -> dt.date | None:
        day = super().to_python(value)
        if day is not None:
            _in_range(day)
        return day


class BoundedIsoDateTimeField(IsoDateTimeField):
    def to_python(self, value: object) -> dt.datetime | None:
        moment = super().to_python(value)
        if moment is None:
            return None
        _in_range(moment.date())
        # Python accepts offsets up to ±23:59, PostgreSQL only to ±15:59: the same instant in UTC.
        return moment.astimezone(dt.UTC)


@extend_schema_field(ID_SCHEMA)
class IdFilter(django_filters.Filter):
    """``?organization=42``: an id outside 1..2^63-1 is a filter error (a 400 in the API)."""

    field_class = IdFormField


class DateFilter(django_filters.DateFilter):
    field_class = BoundedDateField


class IsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = BoundedIsoDateTimeField
