"""Move generated files (certificate PDFs, department ZIPs, report exports, progress report
PDFs) written before the private storage existed from the public media storage into it.

Every file field whose storage is ``lms.storage.private_storage`` is covered, whatever app it
is in. Names made from a date and a row id (exports, progress reports) get a random token;
names that were already random are kept. The row is updated with a plain UPDATE (these records
are immutable snapshots otherwise), then the public copy is deleted. Running it again moves
nothing more.
"""

import posixpath

from django.apps import apps
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.db import models, transaction

from lms.storage import private_storage, unguessable_name


def private_file_fields():
    """(model, field) for every file field kept in the private storage."""
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if (
                isinstance(field, models.FileField)
                and getattr(field, "_storage_callable", None) is private_storage
            ):
                yield model, field


def private_name(field, instance, old: str) -> str:
    """The new name: the field's own random one if it makes one, else the old with a token."""
    folder, base = posixpath.split(old)
    if callable(field.upload_to):
        return field.generate_filename(instance, base)
    stem, suffix = posixpath.splitext(base)
    return unguessable_name(folder or str(field.upload_to), stem, suffix)


class Command(BaseCommand):
    help = (
        "Move certificate PDFs, department ZIPs, report exports and progress report PDFs from "
        "MEDIA_ROOT to the private storage (PRIVATE_MEDIA_ROOT), with unguessable names."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would move; change nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        public, private = default_storage, private_storage()
        moved = kept = missing = 0
        for model, field in private_file_fields():
            label = f"{model._meta.label}.{field.name}"
            rows = model._base_manager.exclude(**{field.name: ""}).exclude(
                **{f"{field.name}__isnull": True}
            )
            for instance in rows.iterator(chunk_size=500):
                old = getattr(instance, field.attname).name
                if not public.exists(old):
                    if private.exists(old):
                        kept += 1
                    else:
                        missing += 1
                        self.stderr.write(f"{label} #{instance.pk}: {old} is in neither storage")
                    continue
                if dry_run:
                    self.stdout.write(f"{label} #{instance.pk}: would move {old}")
                    moved += 1
                    continue
                with public.open(old, "rb") as source:
                    new = private.save(private_name(field, instance, old), source)
                with transaction.atomic():
                    updated = model._base_manager.filter(
                        pk=instance.pk, **{field.name: old}
                    ).update(**{field.name: new})
                if not updated:  # the row changed meanwhile: leave it as it is now
                    private.delete(new)
                    continue
                public.delete(old)
                moved += 1
                if options["verbosity"] > 1:
                    self.stdout.write(f"{label} #{instance.pk}: {old} -> {new}")
        verb = "would move" if dry_run else "moved"
        self.stdout.write(
            f"{moved} file(s) {verb} to the private storage, {kept} already there, "
            f"{missing} missing."
        )
