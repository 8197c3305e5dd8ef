"""Every interface string has a Spanish translation.

The catalogue is regenerated from the current source in a scratch copy of the project, so a
string added to a template or to Python code without a Spanish translation fails here.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ["lms", "courses", "certificates", "templates", "locale", "manage.py"]


@pytest.fixture(scope="module")
def regenerated_catalogue(tmp_path_factory) -> polib.POFile:
    copy = tmp_path_factory.mktemp("catalogue")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy2(source, copy / name)
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "es",
            "--no-obsolete",
            "--settings",
            "lms.settings.test",
        ],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return polib.pofile(str(copy / "locale" / "es" / "LC_MESSAGES" / "django.po"))


def _problems(catalogue: polib.POFile) -> list[str]:
    untranslated = [f"untranslated: {e.msgid!r}" for e in catalogue.untranslated_entries()]
    fuzzy = [f"fuzzy: {e.msgid!r}" for e in catalogue.fuzzy_entries()]
    return untranslated + fuzzy


def test_committed_catalogue_is_complete():
    catalogue = polib.pofile(str(ROOT / "locale" / "es" / "LC_MESSAGES" / "django.po"))
    assert len(catalogue) > 100
    assert _problems(catalogue) == []


def test_every_string_in_the_source_has_a_spanish_translation(regenerated_catalogue):
    assert _problems(regenerated_catalogue) == []
