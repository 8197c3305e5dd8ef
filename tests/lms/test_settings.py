"""Configuration comes from the environment, and production refuses an unsafe one."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "x" * 50


def run_django(code: str, module: str, **environ: str) -> subprocess.CompletedProcess:
    """Run ``code`` after ``django.setup()`` in a fresh interpreter with only ``environ``
    (beside this process's environment less the settings under test)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"}
    }
    env.update(environ, DJANGO_SETTINGS_MODULE=module)
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup()\n{code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def load_settings(module: str, **environ: str) -> subprocess.CompletedProcess:
    code = (
        "import json; from django.conf import settings;"
        "print(json.dumps({'q': {k: v for k, v in settings.Q_CLUSTER.items() if k != 'label'},"
        " 'db': settings.DATABASES['default']['ENGINE'],"
        " 'email': settings.EMAIL_BACKEND, 'tz': settings.TIME_ZONE,"
        " 'langs': [c for c, _ in settings.LANGUAGES]}))"
    )
    return run_django(code, module, **environ)


def test_production_refuses_to_start_without_a_secret_key():
    result = load_settings("lms.settings.production", ALLOWED_HOSTS="training.cabq.gov")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_a_short_secret_key():
    result = load_settings(
        "lms.settings.production", SECRET_KEY="short", ALLOWED_HOSTS="training.cabq.gov"
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = load_settings("lms.settings.production", SECRET_KEY=GOOD_KEY)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_production_starts_with_both_and_sends_mail_by_smtp():
    result = load_settings(
        "lms.settings.production",
        SECRET_KEY=GOOD_KEY,
        ALLOWED_HOSTS="training.cabq.gov",
        EMAIL_URL="smtp://mail.cabq.example:587",
    )
    assert result.returncode == 0, result.stderr
    assert '"email": "django.core.mail.backends.smtp.EmailBackend"' in result.stdout


def test_dev_defaults_to_sqlite_orm_broker_and_console_mail():
    result = load_settings("lms.settings.dev")
    assert result.returncode == 0, result.stderr
    assert '"db": "django.db.backends.sqlite3"' in result.stdout
    assert '"orm": "default"' in result.stdout
    assert "console.EmailBackend" in result.stdout
    assert '"tz": "America/Denver"' in result.stdout
    assert '"langs": ["en", "es"]' in result.stdout


def test_redis_url_switches_the_task_broker_and_database_url_the_database():
    result = load_settings(
        "lms.settings.dev",
        REDIS_URL="redis://127.0.0.1:6379/0",
        DATABASE_URL="postgres://lms@127.0.0.1:5432/lms",
    )
    assert result.returncode == 0, result.stderr
    assert '"redis": "redis://127.0.0.1:6379/0"' in result.stdout
    assert '"orm"' not in result.stdout
    assert '"db": "django.db.backends.postgresql"' in result.stdout


def test_tests_keep_mail_in_memory():
    assert settings.EMAIL_BACKEND == "django.core.mail.backends.locmem.EmailBackend"


def test_sqlite_is_tuned_for_a_web_server_and_a_task_cluster(tmp_path):
    """WAL, IMMEDIATE transactions and a busy timeout, on a real file database."""
    code = (
        "from django.db import connection; c = connection.cursor();"
        "print(c.execute('PRAGMA journal_mode').fetchone()[0],"
        " c.execute('PRAGMA busy_timeout').fetchone()[0], connection.transaction_mode)"
    )
    result = run_django(
        code, "lms.settings.dev", DATABASE_URL=f"sqlite:///{tmp_path / 'tuning.sqlite3'}"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["wal", "20000", "IMMEDIATE"]
