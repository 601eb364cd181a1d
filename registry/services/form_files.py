"""Form files that no form row refers to any more are removed from storage.

Editions copied from one another share their forms' files (``registry.services.copying``), so
a file goes only when no row of any edition refers to it. Two ways lead there:

- after each save that drops or replaces a form's file (the receivers below, connected in
  ``RegistryConfig.ready``): the editor, the admin, an import and the demo loader all save
  rows, and a deleted edition deletes its rows; the file goes when the transaction commits, so
  a rolled-back save keeps it, and only if no row then refers to it;
- ``manage.py remove_orphan_files`` for what is left over: files of uploads whose transaction
  never committed, of rows removed by raw SQL, and of the time before this rule. It leaves the
  files younger than ``min_age`` alone, because an upload or an import writes its file before
  its transaction commits the row that refers to it.
"""

import datetime
import os
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.files.storage import Storage, default_storage
from django.db import transaction
from django.utils import timezone

from registry.models import StandardForm

FORMS_DIRECTORY = "forms"
DEFAULT_MIN_AGE = datetime.timedelta(hours=1)


def form_file_referenced(name: str, *, using: str = "default") -> bool:
    return StandardForm._base_manager.using(using).filter(file=name).exists()


def form_file_release(*, name: str, storage: Storage | None = None, using: str = "default") -> None:
    """Remove the stored file ``name`` when the current transaction commits, unless a form row
    then refers to it (a copy of the edition, or the row that kept it)."""
    if not name:
        return
    storage = storage or default_storage

    def remove() -> None:
        if not form_file_referenced(name, using=using):
            _delete(storage, name)

    transaction.on_commit(remove, using=using)


def _delete(storage: Storage, name: str) -> None:
    storage.delete(name)
    _prune_empty_directories(storage, name)


def _prune_empty_directories(storage: Storage, name: str) -> None:
    """The file's token directory (and its service's, once empty) go with it, on a local disk."""
    try:
        root = storage.path(FORMS_DIRECTORY)
        directory = os.path.dirname(storage.path(name))
    except NotImplementedError:
        return  # a remote storage has no directories to leave behind
    while os.path.normpath(directory).startswith(os.path.normpath(root) + os.sep):
        try:
            os.rmdir(directory)
        except OSError:
            return  # not empty, or already gone
        directory = os.path.dirname(directory)


# ------------------------------------------------------------------ after a save or a deletion


def remember_stored_file(sender, instance: StandardForm, raw: bool = False, using: str = "default", **kwargs):
    """pre_save: the file the row refers to now, if this save replaces or drops it."""
    instance._released_form_file = ""
    if raw or instance.pk is None:
        return
    stored = sender._base_manager.using(using).filter(pk=instance.pk).values_list("file", flat=True).first()
    if stored and stored != (instance.file.name or ""):
        instance._released_form_file = stored


def release_replaced_file(sender, instance: StandardForm, using: str = "default", **kwargs) -> None:
    """post_save: the replaced file goes on commit, unless another row refers to it."""
    name = getattr(instance, "_released_form_file", "")
    instance._released_form_file = ""
    form_file_release(name=name, storage=instance.file.storage, using=using)


def release_deleted_file(sender, instance: StandardForm, using: str = "default", **kwargs) -> None:
    """post_delete (a row removed, or its edition deleted): its file goes on the same terms."""
    form_file_release(name=instance.file.name or "", storage=instance.file.storage, using=using)


# ------------------------------------------------------------------ the leftovers


@dataclass
class OrphanSweep:
    removed: list[str] = field(default_factory=list)
    kept_recent: list[str] = field(default_factory=list)
    dry_run: bool = False


def stored_form_files(storage: Storage | None = None) -> Iterator[str]:
    """Every file under the forms directory of the storage."""
    storage = storage or default_storage
    pending = [FORMS_DIRECTORY]
    while pending:
        directory = pending.pop()
        try:
            directories, files = storage.listdir(directory)
        except FileNotFoundError:
            continue
        pending.extend(f"{directory}/{name}" for name in directories)
        yield from (f"{directory}/{name}" for name in files)


def orphan_form_files_remove(
    *,
    dry_run: bool = False,
    min_age: datetime.timedelta = DEFAULT_MIN_AGE,
    storage: Storage | None = None,
    now: datetime.datetime | None = None,
) -> OrphanSweep:
    """Remove (or, with ``dry_run``, only list) the stored form files no row refers to and
    older than ``min_age``."""
    storage = storage or default_storage
    now = now or timezone.now()
    sweep = OrphanSweep(dry_run=dry_run)
    referenced = set(StandardForm._base_manager.exclude(file="").values_list("file", flat=True))
    for name in sorted(stored_form_files(storage)):
        if name in referenced:
            continue
        if now - storage.get_modified_time(name) < min_age:
            sweep.kept_recent.append(name)
            continue
        if not dry_run:
            # Checked again one by one: a row may have come to refer to it since the list was read.
            if form_file_referenced(name):
                continue
            _delete(storage, name)
        sweep.removed.append(name)
    return sweep
