"""A real OpenID Connect provider for the tests (tests/oidc/provider.mjs, npm's oidc-provider).

``oidc_provider`` starts ``node tests/oidc/provider.mjs`` on a free port of 127.0.0.1 once per
test session (or uses the one at OIDC_TEST_PROVIDER_URL) and waits for its discovery document;
it is stopped when the session ends. ``sso`` turns single sign-on on against it. A missing node
or provider is a failure, never a skip: bin/setup installs both.
"""

import os
import queue
import re
import shutil
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests

from lms.organisation import sso as sso_config

ROOT = Path(__file__).resolve().parent.parent.parent
SCRIPT = ROOT / "tests" / "oidc" / "provider.mjs"
CLIENT_ID, CLIENT_SECRET = "lms-test", "lms-test-secret"
OTHER_CLIENT_ID, OTHER_CLIENT_SECRET = "other-client", "other-client-secret"


def _wait_for_discovery(url: str, process=None, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            pytest.fail(f"the test OpenID provider exited with status {process.returncode}")
        try:
            if requests.get(f"{url}/.well-known/openid-configuration", timeout=2).ok:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.1)
    pytest.fail(f"the test OpenID provider at {url} did not answer within {timeout} s")


@pytest.fixture(scope="session")
def oidc_provider():
    """The provider's URL (its issuer)."""
    url = os.environ.get("OIDC_TEST_PROVIDER_URL")
    if url:
        _wait_for_discovery(url)
        yield url
        return
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is missing: run ./bin/setup --dev")
    if not (ROOT / "node_modules" / "oidc-provider").is_dir():
        pytest.fail("the npm package oidc-provider is missing: run ./bin/setup --dev (npm ci)")
    process = subprocess.Popen(
        [node, str(SCRIPT), "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    lines: queue.Queue = queue.Queue()

    def read_output():  # in a thread: the first line is awaited with a timeout
        for line in process.stdout:
            lines.put(line)

    threading.Thread(target=read_output, daemon=True).start()
    try:
        try:
            line = lines.get(timeout=30)
        except queue.Empty:
            pytest.fail("the test OpenID provider did not start within 30 s")
        match = re.match(r"listening on (http://127\.0\.0\.1:\d+)", line)
        if not match:
            pytest.fail(f"the test OpenID provider said: {line!r}")
        url = match.group(1)
        _wait_for_discovery(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def sso(settings, oidc_provider):
    """Single sign-on on, against the test provider, matching by employee number."""
    settings.OIDC_DISCOVERY_URL = oidc_provider
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_RP_SCOPES = "openid email profile employee"
    settings.OIDC_MATCH_KIND = "employee_number"
    settings.OIDC_MATCH_CLAIM = "employee_number"
    sso_config.forget_metadata()
    yield oidc_provider
    sso_config.forget_metadata()


@pytest.fixture
def provider_claims(oidc_provider):
    """Changes a provider account's claims for one test: ``provider_claims("ana", {...})``."""
    changed = []

    def change(login: str, claims: dict):
        url = f"{oidc_provider}/test/accounts/{login}"
        requests.patch(url, json=claims, timeout=10).raise_for_status()
        changed.append(url)

    yield change
    for url in changed:
        requests.patch(url, json={}, timeout=10).raise_for_status()


def provider_sign_in(authorize_url: str, login: str, stop_at: str = "http://testserver/") -> str:
    """Sign ``login`` in at the provider (as a browser would, with ``requests``) from an
    authorization URL, and return the URL the provider finally sends the browser to (on
    ``stop_at``: the LMS's callback with its code and state)."""
    session = requests.Session()
    url = authorize_url
    for _ in range(20):
        if url.startswith(stop_at):
            return url
        if re.search(r"/interaction/[\w-]+$", urlsplit(url).path):
            response = session.post(
                url, data={"login": login, "password": "any"}, timeout=10, allow_redirects=False
            )
        else:
            response = session.get(url, timeout=10, allow_redirects=False)
        if response.status_code not in (302, 303):
            raise AssertionError(
                f"provider answered {response.status_code} at {url}: {response.text[:500]}"
            )
        url = urljoin(url, response.headers["Location"])
    raise AssertionError("too many redirects at the provider")


def query_of(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}
