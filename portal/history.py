"""Who changed what, and when: the records django-simple-history keeps, written and read.

Writing: every service names the author of a save with ``attribute`` (API keys and tasks have no
request user for simple_history's middleware to find).

Reading: the records as entries for a page.

Each record is compared with the one before it, field by field, and a change is shown as
old → new in words a person reads: a choice's label, 是/否, a local time, a file's name. The
caller says which fields may be shown (never a hash), how to show the values that need a
lookup or a mask (``formats``), and how to compare many-to-many snapshots (``compares``).
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Field, FileField, Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from portal.scoping import Principal, Viewer

EMPTY = "—"
# "history": these name what happened to a record (Created), not the buttons that do it (Create).
KINDS = {
    "+": pgettext_lazy("history", "创建"),
    "~": pgettext_lazy("history", "修改"),
    "-": pgettext_lazy("history", "删除"),
}

# simple_history's history_change_reason column.
REASON_LENGTH = 100


def attribute(obj: Model, *, actor: Viewer | None, reason: str = "") -> None:
    """Name who makes ``obj``'s next save, and why, in the history record that save writes.

    A partner key is no user row: the record has no user and its reason names the partner system.
    """
    user = actor if isinstance(actor, get_user_model()) else None
    if isinstance(actor, Principal):
        reason = "；".join(filter(None, [_("合作系统：%(key)s") % {"key": actor}, reason]))
    obj._history_user = user
    obj._change_reason = reason[:REASON_LENGTH] or None


# A stored value (never empty) → the text shown for it.
Format = Callable[[Any], str]
# (older record, newer record) → (old text, new text), or None when both hold the same.
Compare = Callable[[Any, Any], tuple[str, str] | None]


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime
    who: str
    what: str  # 创建 / 修改 / 删除
    reason: str  # what the service said it did (新增照片 1 张); "" when it said nothing
    changes: list[Change] = field(default_factory=list)
    note: str = ""  # why a change lists no fields


def latest_records(obj: Model, limit: int) -> list[Any]:
    """The newest ``limit`` records of ``obj`` with their users, plus the one the oldest of them
    is compared with: one query."""
    records = obj.history.select_related("history_user").order_by("-history_date", "-history_id")
    return list(records[: limit + 1])


def entries(
    records: Sequence[Any],
    fields: Sequence[str],
    *,
    limit: int,
    formats: Mapping[str, Format] | None = None,
    compares: Mapping[str, Compare] | None = None,
    nobody: str = "",
) -> list[HistoryEntry]:
    """Entries for the first ``limit`` of ``records`` (newest first, as ``latest_records`` gives).

    ``nobody`` is who made a change no user is recorded for (an import, a partner system).
    No query is made here: look up what ``formats`` and ``compares`` need beforehand.
    """
    olders = [*records[1:], None]
    return [
        _entry(record, older, fields, formats or {}, compares or {}, nobody or _("系统"))
        for record, older in zip(records[:limit], olders, strict=False)
    ]


def _entry(
    record: Any,
    older: Any,
    fields: Sequence[str],
    formats: Mapping[str, Format],
    compares: Mapping[str, Compare],
    nobody: str,
) -> HistoryEntry:
    reason = record.history_change_reason or ""
    found: list[Change] = []
    note = ""
    if record.history_type == "~" and older is None:
        # Rows loaded in bulk (imports, seeding) have no creation record to compare against.
        note = _("此前无记录，无法比较。")
    elif record.history_type == "~":
        found = _changes(older, record, fields, formats=formats, compares=compares)
        note = "" if found or reason else _("保存时未改动任何字段。")
    user = record.history_user
    return HistoryEntry(
        when=record.history_date,
        who=user.display_name if user else nobody,
        what=str(KINDS.get(record.history_type, record.history_type)),
        reason=reason,
        changes=found,
        note=note,
    )


def _changes(
    older: Any,
    newer: Any,
    fields: Iterable[str],
    *,
    formats: Mapping[str, Format] | None = None,
    compares: Mapping[str, Compare] | None = None,
) -> list[Change]:
    """The fields whose value differs between two records of one object, in the order given."""
    formats, compares = formats or {}, compares or {}
    found = []
    for name in fields:
        model_field = newer.instance_type._meta.get_field(name)
        if name in compares:
            texts = compares[name](older, newer)
        else:
            texts = _compare(model_field, older, newer, formats.get(name))
        if texts is not None:
            found.append(Change(str(model_field.verbose_name), *texts))
    return found


def _compare(model_field: Field, older: Any, newer: Any, format: Format | None) -> tuple[str, str] | None:
    old, new = getattr(older, model_field.attname), getattr(newer, model_field.attname)
    if old == new:
        return None
    return _text(model_field, old, format), _text(model_field, new, format)


def _text(model_field: Field, value: Any, format: Format | None) -> str:
    if value in (None, ""):
        return EMPTY
    if format is not None:
        return format(value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, datetime):
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
    if isinstance(model_field, FileField):
        # simple_history keeps a file as its name in storage; the folders say nothing to a reader.
        return str(value).rsplit("/", 1)[-1]
    return str(value)


# Lookups for formats and compares, made once for all the records shown ------------------------


def names(model: type[Model], ids: Iterable[int | None]) -> Format:
    """Shows a related row by its name, or as ``#id`` once it is gone: one query for all ``ids``."""
    wanted = {pk for pk in ids if pk is not None}
    found = dict(model.objects.filter(pk__in=wanted).order_by().values_list("pk", "name"))
    return lambda pk: found.get(pk, f"#{pk}")


def m2m_snapshots(records: Sequence[Any], field_name: str, value: str = "pk") -> dict[int, list[Any]]:
    """What each record held in a many-to-many field: ``value`` of every related row, sorted by
    it, per history_id. One query; simple_history keeps the through rows of every record."""
    snapshots: dict[int, list[Any]] = {record.history_id: [] for record in records}
    if not records:
        return snapshots
    through = getattr(type(records[0]), field_name).model
    m2m_field = records[0].instance_type._meta.get_field(field_name)
    path = f"{m2m_field.m2m_reverse_field_name()}__{value}"
    rows = (
        through.objects.filter(history_id__in=list(snapshots)).order_by(path).values_list("history_id", path)
    )
    for history_id, item in rows:
        snapshots[history_id].append(item)
    return snapshots
