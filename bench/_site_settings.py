"""Bench only: the production settings, plus the bare-stack view of ``bench/site_load.py``.

Never used by a deployment: production runs ``lms.settings.production`` and ``lms.urls``, which
know nothing of this module (tests/bench/test_site_load_guards.py checks it). The only other
change is that cookies are not marked Secure: the benchmark talks plain HTTP to gunicorn on
127.0.0.1, where a real deployment has its TLS proxy in front.
"""

from pathlib import Path

from lms.settings.production import *  # noqa: F403
from lms.settings.production import TEMPLATES

ROOT_URLCONF = "bench._site_urls"
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
TEMPLATES = [
    {**TEMPLATES[0], "DIRS": [*TEMPLATES[0]["DIRS"], Path(__file__).resolve().parent / "templates"]}
]
