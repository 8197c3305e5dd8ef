"""Immutable records: the one base for rows that carry legal weight once written.

Attempts, completions, acknowledgments, certificates and published progress reports are
snapshots: once recorded they are never changed and never deleted through the ORM. A model
says what, if anything, may still be written after the first insert:

- ``LATER_FIELDS``: fields a service may still write with a queryset ``update()`` (a
  certificate's or a published report's PDF);
- ``OPEN``: a ``Q`` selecting stored rows that are not recorded yet (a draft report, an attempt
  not submitted): a queryset ``update()`` of other fields writes only such rows, and is refused
  when it matches recorded rows only;
- ``change_refusal()``: whether ``save()`` of a stored row is refused, and with which message
  (by default always; a certificate allows its first revocation, a report its draft edits).

``delete()`` is refused on the instance and on the queryset alike.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ImmutableRecordError(Exception):
    """Raised when code tries to change or delete a record that carries legal weight."""


class ImmutableRecordQuerySet(models.QuerySet):
    """Refuses bulk deletion, and bulk updates of what the model has recorded."""

    def update(self, **kwargs):
        model = self.model
        if model.writes_only_later_fields(kwargs):
            return super().update(**kwargs)
        if model.OPEN is None:
            raise model.error_class(model.CHANGE_MESSAGE)
        # Only rows not yet recorded are written, in the same single UPDATE (so a service's
        # conditional update stays one statement); matching only recorded rows is refused.
        updated = super(ImmutableRecordQuerySet, self.filter(model.OPEN)).update(**kwargs)
        if not updated and self.exclude(model.OPEN).exists():
            raise model.error_class(model.CHANGE_MESSAGE)
        return updated

    def delete(self):
        raise self.model.error_class(self.model.DELETE_MESSAGE)

    delete.queryset_only = True
    delete.alters_data = True


class ImmutableRecord(models.Model):
    """Once saved, never saved again and never deleted through the ORM, unless the model
    allows a path (see the module's docstring)."""

    #: Fields a queryset ``update()`` may still write on recorded rows.
    LATER_FIELDS: tuple[str, ...] = ()
    #: Stored rows not yet recorded (any field may change); None: every row is recorded.
    OPEN: Q | None = None
    CHANGE_MESSAGE = _("Training records are never changed.")
    DELETE_MESSAGE = _("Training records are never deleted.")
    #: What is raised: ImmutableRecordError or a subclass of it.
    error_class = ImmutableRecordError

    objects = ImmutableRecordQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            refusal = self.change_refusal()
            if refusal is not None:
                raise self.error_class(refusal)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise self.error_class(self.DELETE_MESSAGE)

    @classmethod
    def writes_only_later_fields(cls, fields: dict) -> bool:
        """Whether a queryset update writes only what recorded rows still allow."""
        later = set(cls.LATER_FIELDS)
        later |= {cls._meta.get_field(name).attname for name in cls.LATER_FIELDS}
        return set(fields) <= later

    def change_refusal(self):
        """The message refusing ``save()`` of this stored row, or None when it may be saved."""
        return self.CHANGE_MESSAGE
