"""The demo served as production serves it, for Lighthouse (bench/lighthouse.py) and the
screenshots (docs/screenshots.py): production settings, static files collected and served by
WhiteNoise, gunicorn, on a throwaway database holding the demo.

Import this module first: it sets the environment and Django up on its new database.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

STATIC_ROOT = Path(tempfile.mkdtemp(prefix="lms-served-static-"))
os.environ.update(
    SECRET_KEY="served-demo-bench-" + "x" * 40,
    ALLOWED_HOSTS="localhost,127.0.0.1,testserver",
    SECURE_SSL_REDIRECT="False",
    DEMO_ALLOWED="True",
    STATIC_ROOT=str(STATIC_ROOT),
    LOG_LEVEL="WARNING",
)

from bench._common import django_on_fresh_database  # noqa: E402

django_on_fresh_database(settings="lms.settings.production")

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402


def demo_load() -> None:
    call_command("load_demo", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


def session_cookie(username: str) -> tuple[str, str]:
    """(cookie name, value) of a new session signed in as ``username``."""
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - localhost
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.5)


@contextmanager
def gunicorn():
    """gunicorn on a free local port, with these settings; yields the base URL."""
    connections.close_all()
    port = _free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "lms.wsgi",
            f"--bind=127.0.0.1:{port}",
            "--workers=2",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
    )
    try:
        base = f"http://localhost:{port}"
        _wait_until_up(f"{base}/healthz/")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(STATIC_ROOT, ignore_errors=True)
