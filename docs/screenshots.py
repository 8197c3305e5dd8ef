"""Screenshots of each role's main screen at 1280 and 375 px, into docs/screenshots/.

The demo served as production serves it (bench/_served_demo.py: production settings,
WhiteNoise, gunicorn, a throwaway database), photographed with Playwright and Debian's
chromium. Run from the repository root and commit the result:

    uv run python docs/screenshots.py
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import _served_demo as site  # noqa: E402 - sets Django up on its own database

# isort: split

from django.contrib.auth import get_user_model  # noqa: E402
from django.urls import reverse  # noqa: E402
from PIL import Image  # noqa: E402 - Pillow, WeasyPrint's
from playwright.sync_api import sync_playwright  # noqa: E402

OUT = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = "/usr/bin/chromium"
WIDTHS = {1280: 800, 375: 812}
#: The largest a screenshot may be; a larger one is saved with a palette of 256 colours.
MAX_BYTES = 300 * 1024


def keep_small(path: Path) -> None:
    """Save a screenshot over :data:`MAX_BYTES` as a 256-colour PNG (text stays sharp)."""
    if path.stat().st_size <= MAX_BYTES:
        return
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


def screens() -> list[tuple[str, str | None, str]]:
    """(file stem, username or None for a visitor, path) of each role's main screen."""
    liaison = (
        get_user_model()
        .objects.filter(username__startswith="liaison.")
        .order_by("username")
        .first()
    )
    return [
        ("visitor-home", None, "/"),
        ("employee-my-training", "employee01", reverse("courses:my_training")),
        ("liaison-dashboard", liaison.username, reverse("compliance:index")),
        ("oei-reports", "oei.admin", reverse("reports:dashboard")),
        ("editor-admin", "editor", reverse("wagtailadmin_home")),
        ("legal-reviewer-admin", "legal.reviewer", reverse("wagtailadmin_home")),
    ]


def main() -> None:
    site.demo_load()
    wanted = screens()
    cookies = {user: site.session_cookie(user) for _stem, user, _path in wanted if user}
    OUT.mkdir(exist_ok=True)
    with site.gunicorn() as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for stem, user, path in wanted:
            for width, height in WIDTHS.items():
                context = browser.new_context(
                    viewport={"width": width, "height": height}, locale="en-US"
                )
                if user:
                    name, value = cookies[user]
                    context.add_cookies([{"name": name, "value": value, "url": base}])
                page = context.new_page()
                page.goto(base + path, wait_until="load")
                target = OUT / f"{stem}-{width}.png"
                page.screenshot(path=str(target), full_page=width == 375)
                keep_small(target)
                print(f"{target.relative_to(OUT.parent.parent)}  ({page.url})")
                context.close()
        browser.close()


if __name__ == "__main__":
    main()
