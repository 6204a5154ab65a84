"""Media files follow their rows: written with the row, deleted once the row no longer names them.

For every app, present and future:

- ``store(instance, field_name, filename, content)`` writes the file of a row being saved. Inside ``atomic()``,
  a file whose block is rolled back is deleted again: Django has no on-rollback hook, so
  ``atomic()`` watches the exception that rolls its block back.
- ``delete_on_commit(*files)`` deletes replaced files once the change is committed (a rolled-back
  edit keeps its old files). A deleted row's files go the same way, for every model with a
  FileField, admin deletes and cascades included (``connect_row_deletion``).
- ``sweep_orphans()`` is the safety net for what those cannot see: an outer transaction rolled back
  after ``atomic()`` had succeeded, a process killed between the write and the commit, files left
  from before these rules. It deletes a file that no FileField of any row names and that is older
  than a grace period (an upload in flight is younger), through the storage API only (listdir,
  get_modified_time, delete), so object storage (S3/MinIO) is swept as the file system is.

History snapshots (simple_history keeps file fields as text) do not keep a file alive: a replaced
cover or a removed photo must be gone, not just unlinked; the history shows the old name only.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage, default_storage
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.db.models.signals import post_delete
from django.utils import timezone

log = logging.getLogger(__name__)

# Files written inside the innermost ``atomic()`` block (None outside any).
_written: ContextVar[list[tuple[Storage, str]] | None] = ContextVar("media_written", default=None)
# A sweep never deletes a file younger than this, whatever it is asked: an upload is in flight.
MIN_GRACE = dt.timedelta(hours=1)


@contextmanager
def atomic() -> Iterator[None]:
    """``transaction.atomic()`` that also deletes the files ``store`` wrote if the block rolls back.

    Usable as a decorator on services. Files of a nested block that succeeded join the outer
    block's, so they go if the outer one fails.
    """
    parent, written = _written.get(), []
    token = _written.set(written)
    try:
        with transaction.atomic():
            yield
    except BaseException:
        for storage, name in written:
            try:
                storage.delete(name)
            except Exception:  # the original error matters more; the sweep gets the file later
                log.exception("could not delete %s after a rollback", name)
        raise
    finally:
        _written.reset(token)
    if parent is not None:
        parent.extend(written)


def store(instance: models.Model, field_name: str, filename: str, content: File) -> str:
    """Write ``content`` as a file for ``instance.<field_name>`` and return its stored name.

    The caller assigns the name (or gives it to ``model_update``) and saves the row. Inside
    ``atomic()``, the file is deleted again if the block rolls back.
    """
    field = instance._meta.get_field(field_name)
    name = field.generate_filename(instance, filename)
    name = field.storage.save(name, content, max_length=field.max_length)
    written = _written.get()
    if written is not None:
        written.append((field.storage, name))
    return name


def delete_on_commit(*files: FieldFile) -> None:
    """Delete these files once the current transaction commits (at once outside one)."""
    doomed = [(f.storage, f.name) for f in files if f]
    if doomed:
        # robust: the change is committed; a storage error is logged and the sweep retries later.
        transaction.on_commit(lambda: _delete_now(doomed), robust=True)


def _delete_now(files: list[tuple[Storage, str]]) -> None:
    for storage, name in files:
        storage.delete(name)


# --- deleted rows ------------------------------------------------------------------------------


def file_fields(model: type[models.Model]) -> list[models.FileField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def _delete_row_files(sender: type[models.Model], instance: models.Model, **kwargs: object) -> None:
    delete_on_commit(*(getattr(instance, f.attname) for f in file_fields(sender)))


def connect_row_deletion() -> None:
    """A deleted row's files are deleted after commit, for every model with a FileField.

    A signal, against the habit of keeping logic out of signals: this is storage bookkeeping that
    must hold for admin deletes and cascades (a brand's gallery, a record's photos) as much as for
    services, and for apps not written yet.
    """
    for model in apps.get_models():
        if file_fields(model) and not model._meta.proxy:
            post_delete.connect(_delete_row_files, sender=model, dispatch_uid=f"media:{model._meta.label}")


# --- orphans -----------------------------------------------------------------------------------


@dataclass
class Sweep:
    checked: int = 0  # files listed in the storage
    young: list[str] = field(default_factory=list)  # unreferenced, within the grace period: kept
    orphans: list[str] = field(default_factory=list)  # unreferenced and older: deleted if asked
    deleted: list[str] = field(default_factory=list)


def default_grace() -> dt.timedelta:
    return dt.timedelta(hours=settings.MEDIA_ORPHAN_GRACE_HOURS)


def referenced_names() -> set[str]:
    """Every file name any FileField of any row holds (models of apps not yet written included).

    A model whose table cannot be read makes the sweep fail: unknown references mean no deletes.
    """
    names: set[str] = set()
    for model in apps.get_models():
        fields = [f.attname for f in file_fields(model)]
        if fields and not model._meta.proxy:
            rows = model._base_manager.order_by().values_list(*fields).iterator(chunk_size=5000)
            names.update(name for row in rows for name in row if name)
    return names


def sweep_orphans(
    *, delete: bool, grace: dt.timedelta | None = None, storage: Storage = default_storage
) -> Sweep:
    """Find (and with ``delete`` remove) files no row names, older than ``grace`` (at least an hour)."""
    # The cutoff is taken before the references are read: a file older than it was written before
    # the read began, so a row naming it had committed by then (a transaction open for the whole
    # grace period is not a case this portal has).
    cutoff = timezone.now() - max(grace or default_grace(), MIN_GRACE)
    referenced = referenced_names()
    sweep = Sweep()
    for name in _walk(storage, ""):
        sweep.checked += 1
        if name in referenced or not _deletable(storage, name):
            continue
        if storage.get_modified_time(name) > cutoff:
            sweep.young.append(name)
            continue
        sweep.orphans.append(name)
        if delete:
            storage.delete(name)
            sweep.deleted.append(name)
    if sweep.deleted:
        log.info("deleted %d orphaned media files", len(sweep.deleted))
    return sweep


def _walk(storage: Storage, directory: str) -> Iterator[str]:
    try:
        directories, files = storage.listdir(directory)
    except FileNotFoundError:  # no media folder yet
        return
    prefix = f"{directory}/" if directory else ""
    for name in sorted(files):
        yield prefix + name
    for name in sorted(directories):
        path = _local_path(storage, prefix + name)
        if path is None or not os.path.islink(path):  # a linked folder may lead outside
            yield from _walk(storage, prefix + name)


def _deletable(storage: Storage, name: str) -> bool:
    """Never a hidden file (no upload is named so), never a link or anything outside the storage."""
    if os.path.basename(name).startswith("."):
        return False
    path = _local_path(storage, name)
    if path is None:
        return True  # object storage: names are keys inside the bucket, there is no outside
    root = os.path.realpath(storage.location)
    return not os.path.islink(path) and os.path.realpath(path).startswith(root + os.sep)


def _local_path(storage: Storage, name: str) -> str | None:
    try:
        return storage.path(name)
    except NotImplementedError:
        return None
