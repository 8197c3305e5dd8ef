"""The whole-site benchmark's two bench-only parts stay out of production (issue 21).

``bench/site_load.py`` needs synthetic people who can sign in (``generate_city
--bench-password``) and a bare-stack view (``/bench/bare/``, in ``bench._site_urls``). Neither
may be usable on a real site: the password option is refused unless the settings allow it
(production never does) and beside real people, and the bare view is not among the URLs that a
normal import of the site serves.
"""

import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings

from lms.organisation.models import Employee
from lms.organisation.services import city
from tests.factories import EmployeeFactory

ROOT = Path(__file__).resolve().parent.parent.parent
User = get_user_model()


def production_python(code: str, **environ_vars) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter on the production settings."""
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "HOME": str(ROOT / "var"),
            "DJANGO_SETTINGS_MODULE": "lms.settings.production",
            "SECRET_KEY": "x" * 50,
            "ALLOWED_HOSTS": "training.cabq.example",
            "DATABASE_URL": f"sqlite:///{ROOT / 'var' / 'deploy-check.sqlite3'}",
            **environ_vars,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


# --- the benchmark password -------------------------------------------------------------------


@pytest.mark.django_db
def test_the_bench_password_is_refused_by_default_and_creates_nobody():
    with pytest.raises(city.SyntheticPasswordRefused):
        city.city_generate(employees=5, seed=1, password="bench-pass-1234")
    assert not Employee.objects.filter(origin=Employee.Origin.SYNTHETIC).exists()


@pytest.mark.django_db
def test_the_command_refuses_the_bench_password_by_default():
    with pytest.raises(CommandError, match="benchmark databases only"):
        call_command(
            "generate_city",
            employees=5,
            seed=1,
            bench_password="bench-pass-1234",
            stdout=StringIO(),
        )
    assert not Employee.objects.filter(origin=Employee.Origin.SYNTHETIC).exists()


@pytest.mark.django_db
def test_without_the_bench_password_synthetic_people_cannot_sign_in():
    call_command("generate_city", employees=5, seed=1, stdout=StringIO())
    users = User.objects.filter(employee__origin=Employee.Origin.SYNTHETIC)
    assert users.count() == 5
    assert not any(user.has_usable_password() for user in users)


@pytest.mark.django_db
@override_settings(SYNTHETIC_PASSWORDS_ALLOWED=True)
def test_where_allowed_the_bench_password_signs_synthetic_people_in(client):
    call_command(
        "generate_city", employees=5, seed=1, bench_password="bench-pass-1234", stdout=StringIO()
    )
    user = User.objects.filter(employee__origin=Employee.Origin.SYNTHETIC, is_active=True).first()
    assert user.check_password("bench-pass-1234")
    assert not user.check_password("something else")


@pytest.mark.django_db
@override_settings(SYNTHETIC_PASSWORDS_ALLOWED=True)
def test_the_bench_password_is_refused_beside_real_people_even_with_force():
    EmployeeFactory(origin=Employee.Origin.HR)
    with pytest.raises(city.SyntheticPasswordRefused, match="HR roster"):
        city.city_generate(employees=5, seed=1, force=True, password="bench-pass-1234")
    assert not Employee.objects.filter(origin=Employee.Origin.SYNTHETIC).exists()


def test_production_never_allows_the_bench_password_whatever_the_environment():
    result = production_python(
        "import django; django.setup(); from django.conf import settings;"
        "print(settings.SYNTHETIC_PASSWORDS_ALLOWED)",
        SYNTHETIC_PASSWORDS_ALLOWED="true",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False"]


# --- the bare-stack view ----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_bare_view_is_not_served_by_the_site(client):
    client.force_login(EmployeeFactory().user)
    response = client.get("/bench/bare/")
    assert response.status_code == 404
    assert b"Bare stack" not in response.content


def test_production_serves_no_bench_url_and_imports_no_bench_module():
    result = production_python(
        "import sys, django; django.setup(); from django.conf import settings;"
        "from django.urls import resolve, Resolver404; import lms.urls;"
        "match = resolve('/bench/bare/');"
        "print(settings.ROOT_URLCONF, match.func.__module__,"
        " any(m == 'bench' or m.startswith('bench.') for m in sys.modules))",
    )
    assert result.returncode == 0, result.stderr
    urlconf, module, bench_imported = result.stdout.split()
    assert urlconf == "lms.urls"
    assert not module.startswith("bench")  # Wagtail's page serving, which answers 404
    assert bench_imported == "False"
