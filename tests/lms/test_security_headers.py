"""Security headers on every response, no inline script or style, a clean `check --deploy`,
and the docs' EMAIL_URL examples as django-environ reads them."""

import re
import subprocess
import sys
from pathlib import Path

import environ
import pytest
from django.core.files.base import ContentFile
from wagtail.documents.models import Document

from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
DENIED_FEATURES = ("camera", "microphone", "geolocation", "payment", "usb")


def assert_security_headers(response, *, admin=False):
    policy = response.get("Content-Security-Policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert directives.get("default-src") == ["'self'"], policy
    assert directives.get("object-src") == ["'none'"], policy
    assert directives.get("frame-ancestors") == ["'self'"], policy
    assert "'unsafe-inline'" not in directives.get("style-src", []), policy
    assert "'unsafe-eval'" not in policy
    script_src = directives.get("script-src", [])
    assert script_src[0] == "'self'", policy
    # No page runs an inline script without the request's nonce, Wagtail's admin included (our
    # copies of its templates put the nonce on its few inline scripts).
    assert "'unsafe-inline'" not in script_src, policy
    if admin:
        assert any(source.startswith("'nonce-") for source in script_src), policy
    permissions = response.get("Permissions-Policy", "")
    for feature in DENIED_FEATURES:
        assert f"{feature}=()" in permissions, permissions


@pytest.mark.django_db
def test_a_public_page_has_the_headers(client, home_page):
    response = client.get("/")
    assert response.status_code == 200
    assert_security_headers(response)


@pytest.mark.django_db
def test_a_not_found_page_has_the_headers(client, home_page):
    response = client.get("/learn/courses/0/quiz/")
    assert response.status_code == 404
    assert_security_headers(response)


@pytest.mark.django_db
def test_admin_pages_have_the_headers_and_nonced_inline_scripts(client, home_page):
    assert_security_headers(client.get("/admin/login/"))
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = client.get("/admin/")
    assert response.status_code == 200
    assert_security_headers(response)
    # a screen with Wagtail's date pickers: their inline scripts carry the header's nonce
    history = client.get("/admin/reports/site-history/")
    assert history.status_code == 200
    assert_security_headers(history, admin=True)
    scripts = re.findall(
        r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", history.content.decode()
    )
    assert scripts, "the site history screen has no inline script to check"
    policy = history["Content-Security-Policy"]
    for tag in scripts:
        found = re.search(r'nonce="([^"]+)"', tag)
        assert found and f"'nonce-{found.group(1)}'" in policy, (tag, policy)
    # no request to anyone else from the admin: no Gravatar, no release check
    page = response.content.decode()
    assert "gravatar.com" not in page
    assert "releases.wagtail.org" not in page and "data-w-upgrade" not in page


@pytest.mark.django_db
def test_a_file_download_has_the_headers(client, home_page, settings, tmp_path):
    # Wagtail serves a document from its file on disk: a real file system, not the tests' memory.
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    document = Document.objects.create(
        title="Guidance", file=ContentFile(b"Know the guidance.\n", name="guidance.txt")
    )
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = client.get(document.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"Know the guidance.\n"
    # Wagtail's own policy for documents is stricter still (nothing a document opened in the
    # browser could load or run); django-csp leaves it as it is.
    assert response["Content-Security-Policy"] == "default-src 'none'"
    permissions = response["Permissions-Policy"]
    for feature in DENIED_FEATURES:
        assert f"{feature}=()" in permissions, permissions


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    # A <style> with the request's nonce is what the policy allows (the city's primary colour).
    (re.compile(r"<style\b(?![^>]*\bnonce=\"\{% csp_nonce %\}\")", re.I), "<style> element"),
    (re.compile(r"\sstyle=", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+=", re.I), "event handler attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_no_inline_script_or_style_in_our_html_templates():
    """The policy refuses them. PDF templates (rendered by WeasyPrint, never by a browser)
    and e-mail templates are not web pages."""
    found = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        relative = path.relative_to(ROOT / "templates").as_posix()
        if relative.endswith("_pdf.html") or "email" in relative:
            continue
        text = path.read_text()
        for pattern, what in INLINE:
            if pattern.search(text):
                found.append(f"{relative}: {what}")
    assert found == []


def manage(*args, **environ_vars):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(ROOT / "var"), **environ_vars}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_on_the_production_settings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="lms.settings.production",
        SECRET_KEY="k3J9-xq2LmZ8vR4tYw1NbC6pD0sF5gH7jK2lQ9eU3iO8aS4dW6zX1cV5bN7mT0",
        ALLOWED_HOSTS="training.cabq.example",
        DATABASE_URL=f"sqlite:///{ROOT / 'var' / 'deploy-check.sqlite3'}",
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_production_turns_hsts_on_by_default():
    code = (
        "import django; django.setup(); from django.conf import settings;"
        "print(settings.SECURE_HSTS_SECONDS, settings.SECURE_HSTS_INCLUDE_SUBDOMAINS,"
        " settings.SECURE_HSTS_PRELOAD)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "lms.settings.production",
            "SECRET_KEY": "x" * 50,
            "ALLOWED_HOSTS": "training.cabq.example",
            "DATABASE_URL": f"sqlite:///{ROOT / 'var' / 'deploy-check.sqlite3'}",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["31536000", "True", "False"]


def test_the_docs_email_url_examples_parse_to_absolute_paths():
    """Every EMAIL_URL example in docs/operations.md, read as django-environ reads it."""
    docs = (ROOT / "docs" / "operations.md").read_text()
    examples = re.findall(r"`([a-z+]+mail://[^`]*|smtp[a-z+]*://[^`]*)`", docs)
    assert any(url.startswith("filemail://") for url in examples), examples
    for url in examples:
        config = environ.Env.email_url_config(url)
        assert config["EMAIL_BACKEND"].startswith("django.core.mail.backends."), url
        if url.startswith("filemail://"):
            assert Path(config["EMAIL_FILE_PATH"]).is_absolute(), (url, config)
