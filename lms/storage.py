"""Private storage: where generated records (certificate PDFs, department ZIPs, report exports,
progress report PDFs) are kept, outside MEDIA_ROOT and without any public address.

Only views that check who is asking serve these files (with ``FileResponse``); asking such a
storage for a URL is a programming error. ``MEDIA_ROOT`` keeps only what Wagtail publishes.
"""

import secrets

from django.core.files.storage import FileSystemStorage, InMemoryStorage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty

#: Random bytes in a generated file's name: 144 bits, 24 URL-safe characters.
NAME_TOKEN_BYTES = 18


class NoPublicURL:
    """A storage whose files have no address of their own."""

    def url(self, name):
        raise ValueError(
            "Private files have no public URL; serve them through a view that checks access."
        )


class PrivateFileSystemStorage(NoPublicURL, FileSystemStorage):
    """The private folder (``PRIVATE_MEDIA_ROOT``), readable by the application's user only."""

    def __init__(self, **options):
        options.setdefault("file_permissions_mode", 0o600)
        options.setdefault("directory_permissions_mode", 0o700)
        super().__init__(**options)


class PrivateInMemoryStorage(NoPublicURL, InMemoryStorage):
    """The tests' private storage."""


class _PrivateStorage(LazyObject):
    """``storages["private"]``, looked up when first used and again after STORAGES changes.

    A file field calls its ``storage`` callable once, when its model class is built, and keeps
    what it returned. Handing it this proxy rather than the storage itself means the field, the
    services and the download views all reach the same storage even after a test (or anything
    else) changes ``STORAGES``, which makes Django build new storage objects.
    """

    def _setup(self):
        self._wrapped = storages["private"]


_private = _PrivateStorage()


@receiver(setting_changed)
def _private_storage_reset(*, setting, **kwargs):
    if setting in {"STORAGES", "MEDIA_ROOT", "PRIVATE_MEDIA_ROOT"}:
        _private._wrapped = empty


def private_storage():
    """The ``private`` entry of ``STORAGES`` (a callable, so migrations name it, not a path)."""
    return _private


def unguessable_name(folder: str, stem: str, suffix: str) -> str:
    """``folder/stem-<random token>suffix``: nobody can guess it from a date or a row's id."""
    return f"{folder.rstrip('/')}/{stem}-{secrets.token_urlsafe(NAME_TOKEN_BYTES)}{suffix}"
