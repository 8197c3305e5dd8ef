"""Lighthouse (mobile) on the first view of home, login, a lesson and My training (issue 20).

Runs the site as production does: production settings, collected static files served by
WhiteNoise (hashed, compressed), gunicorn, on a throwaway database holding the demo. Lighthouse
12.2.3 comes from npm (pinned in package-lock.json) and drives Debian's chromium
(CHROME_PATH=/usr/bin/chromium, headless, no sandbox). The signed-in pages get the session
cookie of a demo employee through --extra-headers.

Run from the repository root: ``uv run python bench/lighthouse.py``. Prints one RESULT line
per page and category; budgets: performance >= 90, accessibility, best practices and SEO 100.
The baseline printed is the budget itself (Lighthouse's scores are absolute).
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _served_demo as site  # noqa: E402 - sets Django up on its own database

# isort: split

from django.urls import reverse  # noqa: E402

from bench._common import result_line  # noqa: E402
from courses.models import LessonPage  # noqa: E402

LIGHTHOUSE = site.ROOT / "node_modules" / ".bin" / "lighthouse"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
BUDGETS = {"performance": 90, "accessibility": 100, "best-practices": 100, "seo": 100}
#: The demo employee whose session opens the signed-in pages.
EMPLOYEE = "employee01"


def lighthouse(url: str, *, cookie: str | None, report: Path) -> dict[str, int]:
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--chrome-flags=--headless --no-sandbox",
    ]
    if cookie:
        command.append(f"--extra-headers={json.dumps({'Cookie': cookie})}")
    subprocess.run(
        command, check=True, env={**os.environ, "CHROME_PATH": CHROME}, timeout=300, cwd=site.ROOT
    )
    data = json.loads(report.read_text())
    failed = [
        audit["id"]
        for audit in data["audits"].values()
        if audit.get("score") is not None
        and audit["score"] < 1
        and audit.get("scoreDisplayMode") in ("binary", "numeric")
        and any(
            ref["id"] == audit["id"]
            for category in ("accessibility", "best-practices", "seo")
            for ref in data["categories"][category]["auditRefs"]
        )
    ]
    if failed:
        print(f"  audits below 1 on {url}: {', '.join(sorted(failed))}")
    metrics = data["audits"]
    print(
        f"  {url}: FCP {metrics['first-contentful-paint']['displayValue']}, "
        f"LCP {metrics['largest-contentful-paint']['displayValue']}, "
        f"TBT {metrics['total-blocking-time']['displayValue']}, "
        f"CLS {metrics['cumulative-layout-shift']['displayValue']}"
    )
    return {name: round(data["categories"][name]["score"] * 100) for name in CATEGORIES}


def main() -> None:
    site.demo_load()
    cookie = "=".join(site.session_cookie(EMPLOYEE))
    lesson = LessonPage.objects.live().order_by("path").first()
    pages = {
        "home": ("/", None),
        "login": (reverse("login"), None),
        "lesson": (lesson.url, cookie),
        "my_training": (reverse("courses:my_training"), cookie),
    }
    reports = Path(tempfile.mkdtemp(prefix="lms-lighthouse-"))
    with site.gunicorn() as base:
        for name, (path, page_cookie) in pages.items():
            scores = lighthouse(base + path, cookie=page_cookie, report=reports / f"{name}.json")
            for category in CATEGORIES:
                budget = BUDGETS[category]
                print(
                    result_line(
                        name=f"lighthouse_{name}_{category.replace('-', '_')}",
                        value=scores[category],
                        unit="points",
                        baseline=budget,
                        budget=budget,
                        budget_op=">=",
                    ),
                    flush=True,
                )


if __name__ == "__main__":
    main()
