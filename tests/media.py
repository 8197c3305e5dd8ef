"""The development server's URLs (DEBUG on), with MEDIA_ROOT in a temporary folder."""

import importlib

import pytest
from django.urls import clear_url_caches

import lms.urls


def _urls_reload():
    importlib.reload(lms.urls)
    clear_url_caches()


@pytest.fixture
def dev_media(settings, tmp_path):
    """``lms.urls`` as ``manage.py runserver`` builds it; yields the media folder."""
    settings.DEBUG = True
    settings.MEDIA_ROOT = str(tmp_path)
    _urls_reload()
    yield tmp_path
    settings.DEBUG = False
    _urls_reload()


def media_file(root, name: str, content: bytes = b"private") -> str:
    """Write ``name`` under the media folder ``root``; return its /media/ address."""
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return f"/media/{name}"
