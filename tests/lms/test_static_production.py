"""Production serves CSS and JS compressed, under hashed names, cached for a year (issue 20):
WhiteNoise with its compressed manifest storage, checked on a real collectstatic."""

import json
import os
import subprocess
import sys

import pytest

from tests.lms.test_settings import GOOD_KEY, ROOT

CHECK = """
import json
from django.core.management import call_command
from django.contrib.staticfiles.storage import staticfiles_storage
from django.test import Client
call_command("collectstatic", interactive=False, verbosity=0)
client = Client()
out = {}
for name in ("css/lms-theme.css", "css/lms.css", "uswds/js/uswds.min.js"):
    url = staticfiles_storage.url(name)
    plain = client.get(url)
    br = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    gz = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    out[name] = {
        "url": url,
        "status": plain.status_code,
        "plain_length": int(plain["Content-Length"]),
        "br": br.get("Content-Encoding"),
        "br_length": int(br["Content-Length"]),
        "gzip": gz.get("Content-Encoding"),
        "cache": br["Cache-Control"],
        "vary": br.get("Vary"),
    }
favicon = client.get("/favicon.ico", secure=True)
out["favicon"] = {"status": favicon.status_code, "location": favicon["Location"]}
out["favicon_file"] = client.get(favicon["Location"]).status_code
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    folder = tmp_path_factory.mktemp("production-static")
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="lms.settings.production",
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="False",
        STATIC_ROOT=str(folder / "static"),
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
    )
    # collectstatic compresses every file (gzip and Brotli): minutes on a busy machine.
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup()\n{CHECK}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("name", ["css/lms-theme.css", "css/lms.css", "uswds/js/uswds.min.js"])
def test_css_and_js_are_served_compressed_under_a_hashed_name(served, name):
    file = served[name]
    assert file["status"] == 200
    stem = name.rsplit(".", 1)[0]
    assert file["url"].startswith(f"/static/{stem}.") and file["url"] != f"/static/{name}"
    assert file["br"] == "br" and file["gzip"] == "gzip"
    assert file["br_length"] < file["plain_length"] / 2
    assert "Accept-Encoding" in file["vary"]


@pytest.mark.parametrize("name", ["css/lms-theme.css", "uswds/js/uswds.min.js"])
def test_hashed_files_are_cached_for_a_year_and_immutable(served, name):
    cache = served[name]["cache"]
    assert "max-age=315360000" in cache and "immutable" in cache and "public" in cache


def test_the_theme_is_small(served):
    """USWDS's own uswds.min.css is 527 KB; the theme keeps only the components used."""
    assert served["css/lms-theme.css"]["plain_length"] < 300_000
    assert served["css/lms-theme.css"]["br_length"] < 30_000


def test_favicon_ico_is_found(served):
    """/favicon.ico was a 404 (Lighthouse)."""
    assert served["favicon"]["status"] == 302
    assert served["favicon"]["location"].startswith("/static/favicon.")
    assert served["favicon_file"] == 200
