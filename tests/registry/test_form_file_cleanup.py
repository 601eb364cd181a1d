"""Form files no form row refers to leave storage: after a save that drops or replaces one
(on commit, and only when no copied edition still shares it), and by
``manage.py remove_orphan_files`` for what is left over."""

import io
import os
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction

from registry.models import FormKind, StandardForm
from registry.services import edition_create_draft, edition_rows_update
from tests import factories, form_samples
from tests.catalogue.helpers import publish

pytestmark = pytest.mark.django_db(transaction=False)


def stored(name: str) -> bool:
    return default_storage.exists(name)


def form_in(edition, name: str = "zayavlenie.pdf") -> StandardForm:
    return StandardForm.objects.create(
        edition=edition, kind=FormKind.RESULT, title="Бланк", file=ContentFile(form_samples.PDF, name=name)
    )


def age(name: str, seconds: int) -> None:
    past = time.time() - seconds
    os.utime(default_storage.path(name), (past, past))


def test_a_replaced_file_is_removed_on_commit(django_capture_on_commit_callbacks):
    form = form_in(factories.edition())
    old = form.file.name
    with django_capture_on_commit_callbacks(execute=True):
        form.file = ContentFile(form_samples.docx(), name="zayavlenie.docx")
        form.save()
    assert stored(form.file.name) and not stored(old)
    # Its random directory goes with it.
    assert not os.path.isdir(os.path.dirname(default_storage.path(old)))


def test_a_deleted_rows_file_is_removed_on_commit(django_capture_on_commit_callbacks):
    form = form_in(factories.edition())
    name = form.file.name
    with django_capture_on_commit_callbacks(execute=True):
        form.delete()
    assert not stored(name)


def test_a_deleted_drafts_files_are_removed(django_capture_on_commit_callbacks):
    draft = factories.edition()
    names = [form_in(draft).file.name, form_in(draft, "dubl.pdf").file.name]
    with django_capture_on_commit_callbacks(execute=True):
        draft.delete()
    assert not any(stored(name) for name in names)


def test_a_rolled_back_save_keeps_the_file(django_capture_on_commit_callbacks):
    form = form_in(factories.edition())
    name, pk = form.file.name, form.pk
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            form.delete()
            raise RuntimeError("the save fails after the row is gone")
    assert callbacks == []
    assert stored(name) and StandardForm.objects.filter(pk=pk).exists()


def test_a_file_a_copied_edition_still_shares_survives(django_capture_on_commit_callbacks):
    current = publish(factories.complete_edition(factories.service(under_single_standard=True)))
    shared = current.forms.get().file.name
    draft = edition_create_draft(service=current.service, actor=None)
    (copied,) = draft.forms.all()
    assert copied.file.name == shared
    with django_capture_on_commit_callbacks(execute=True):
        edition_rows_update(edition=draft, actor=None, expected_version=draft.lock_version, remove=[copied])
    assert not draft.forms.exists()
    assert stored(shared)
    assert current.forms.get().file.read() == b"%PDF-1.4\n"


def test_a_replaced_file_shared_with_a_copy_survives(django_capture_on_commit_callbacks):
    draft = factories.edition()
    form = form_in(draft)
    shared = form.file.name
    other = form_in(factories.edition())
    StandardForm.objects.filter(pk=other.pk).update(file=shared)  # as edition_copy writes it
    with django_capture_on_commit_callbacks(execute=True):
        form.file = ContentFile(form_samples.PDF, name="novaya.pdf")
        form.save()
    assert stored(shared)


def test_the_command_removes_unreferenced_files_and_keeps_the_rest():
    form = form_in(factories.edition())
    orphan = default_storage.save("forms/10000000361/abc/ostalsya.pdf", io.BytesIO(form_samples.PDF))
    legacy = default_storage.save("forms/10000000361/2/staryi.pdf", io.BytesIO(form_samples.PDF))
    recent = default_storage.save("forms/10000000361/def/zagruzhaetsya.pdf", io.BytesIO(form_samples.PDF))
    for name in (form.file.name, orphan, legacy):
        age(name, 2 * 60 * 60)

    out = io.StringIO()
    call_command("remove_orphan_files", "--dry-run", stdout=out)
    assert all(stored(name) for name in (form.file.name, orphan, legacy, recent))
    assert f"Будет удалён: {orphan}" in out.getvalue() and f"Будет удалён: {legacy}" in out.getvalue()
    assert "файлов без ссылок — 2" in out.getvalue()

    out = io.StringIO()
    call_command("remove_orphan_files", stdout=out)
    assert not stored(orphan) and not stored(legacy)
    assert stored(form.file.name), "a file a row refers to stays"
    assert stored(recent), "a file younger than the grace period may belong to an upload in progress"
    assert "Удалено файлов без ссылок: 2." in out.getvalue()

    call_command("remove_orphan_files", "--min-age-minutes", "0", stdout=io.StringIO())
    assert not stored(recent) and stored(form.file.name)


def test_the_command_keeps_a_file_shared_by_a_copy():
    current = publish(factories.complete_edition(factories.service(under_single_standard=True)))
    edition_create_draft(service=current.service, actor=None)
    name = current.forms.get().file.name
    age(name, 2 * 60 * 60)
    call_command("remove_orphan_files", stdout=io.StringIO())
    assert stored(name)
