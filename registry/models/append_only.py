"""Journals that only grow: the audit trail and the change sequence. Rows are added, never
updated or deleted, whatever path the write takes (instance, queryset, bulk update)."""

from django.db import IntegrityError, models


class AppendOnlyQuerySet(models.QuerySet):
    def _refuse(self) -> IntegrityError:
        return IntegrityError(self.model.append_only_message)

    def update(self, **kwargs) -> int:
        raise self._refuse()

    update.alters_data = True

    def delete(self):
        raise self._refuse()

    delete.alters_data = True
    delete.queryset_only = True

    def bulk_update(self, objs, fields, batch_size=None) -> int:
        raise self._refuse()

    bulk_update.alters_data = True


class AppendOnly(models.Model):
    """Subclasses set ``append_only_message``, the Russian reason given for a refused write."""

    append_only_message = ""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True
        base_manager_name = "objects"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise IntegrityError(self.append_only_message)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise IntegrityError(self.append_only_message)
