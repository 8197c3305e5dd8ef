"""Certificates: warm render against a minimal page, memory over 1,000 renders, a 2,000 ZIP.

Run from the repository root: ``uv run python bench/certificates.py``. On a throwaway SQLite
file and media folder it issues 2,000 certificates in one department and prints three RESULT
lines:

- ``certificate_render``: median warm render of one certificate (HTML from its template, QR
  code, tagged PDF/UA-1) against a plain WeasyPrint page with the same content (issue 21): the
  certificate's text as unstyled paragraphs and the same QR code's SVG at the size the
  certificate prints it, in the same DejaVu Sans and font configuration, with the same PDF/UA
  output; so the ratio is the cost of the certificate's own layout and styling (the one-
  paragraph page's time and a plain PDF's are printed too), in the same process; budget 1.5x.
  A breakdown line splits the certificate's time into its template, the QR code's SVG
  (segno), and WeasyPrint, with what drawing the QR code costs;
- ``certificate_memory_drift``: the process's peak resident memory (VmHWM from
  /proc/self/status, so WeasyPrint's C libraries count too) after 1,000 renders, against the
  peak after 50 warm-up renders; budget +10%;
- ``certificate_zip_2000``: the department ZIP task over 2,000 stored PDFs (1,000 rendered
  above, the others stored copies of a rendered one, so the ZIP measures streaming, not
  rendering): total time, and how much the peak resident memory grows while it runs (VmHWM
  reset first through /proc/self/clear_refs); budget: under 10 MB and under half the ZIP.
"""

import html as html_text
import os
import re
import statistics
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DEBUG"] = "False"
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="lms-bench-media-")
os.environ["PRIVATE_MEDIA_ROOT"] = tempfile.mkdtemp(prefix="lms-bench-private-")

from bench._common import django_on_fresh_database, ratio_result_line, stopwatch  # noqa: E402

django_on_fresh_database()

import atexit  # noqa: E402
import logging  # noqa: E402
import shutil  # noqa: E402
from datetime import timedelta  # noqa: E402

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.files.base import ContentFile  # noqa: E402
from django.utils import timezone  # noqa: E402
from wagtail.models import Page, Site  # noqa: E402
from weasyprint import HTML  # noqa: E402

from certificates import rendering  # noqa: E402
from certificates.models import Certificate, CertificateArchive  # noqa: E402
from certificates.services import (  # noqa: E402
    certificate_archive_build,
    certificate_pdf_ensure,
    certificates_issue_bulk,
)
from courses.models import Completion, CoursePage, Enrollment, TrainingIndexPage  # noqa: E402
from courses.services import completion_build  # noqa: E402
from lms.models import HomePage  # noqa: E402
from lms.organisation import pdf  # noqa: E402
from lms.organisation.models import Department, Employee  # noqa: E402
from lms.storage import private_storage  # noqa: E402

atexit.register(shutil.rmtree, os.environ["MEDIA_ROOT"], ignore_errors=True)
atexit.register(shutil.rmtree, os.environ["PRIVATE_MEDIA_ROOT"], ignore_errors=True)
logging.getLogger("weasyprint").setLevel(logging.ERROR)

CERTIFICATES = 2_000
RENDERS = 1_000
WARM_UP = 50
REPEATS = 30
MAX_RENDER_RATIO = 1.5
MAX_DRIFT_PERCENT = 10
ZIP_MEMORY_BUDGET_MB = 10
MINIMAL_PAGE = (
    '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Minimal</title>'
    '<style>html { font-family: "DejaVu Sans", sans-serif; }</style></head>'
    "<body><p>Certificate</p></body></html>"
)


#: Where the certificate's stylesheet sizes the QR code (its SVG has no size of its own).
CERTIFICATE_CSS = (
    Path(__file__).resolve().parent.parent / "templates/certificates/certificate_pdf.css"
)
QR_SIZE = re.compile(r"svg\s*\{[^}]*?width:\s*([^;}]+);[^}]*?height:\s*([^;}]+)")
#: Elements whose text is not the page's (or is the QR code, added as it is).
SKIPPED = {"style", "script", "svg", "head"}
BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "div", "dt", "dd", "td", "th", "br",
          "section", "header", "footer", "main", "figcaption", "blockquote", "address"}  # fmt: skip


class _Text(HTMLParser):
    """A page's visible text, one string per block."""

    def __init__(self):
        super().__init__()
        self.blocks: list[str] = []
        self.title = ""
        self.lang = "en"
        self._skip = 0
        self._current: list[str] = []
        self._in_title = False

    def _flush(self):
        text = " ".join("".join(self._current).split())
        if text:
            self.blocks.append(text)
        self._current = []

    def handle_starttag(self, tag, attrs):
        if tag == "html":
            self.lang = dict(attrs).get("lang") or "en"
        if tag == "title":
            self._in_title = True
        if tag in SKIPPED:
            self._skip += 1
        if tag in BLOCKS:
            self._flush()

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        if tag in SKIPPED:
            self._skip -= 1
        if tag in BLOCKS:
            self._flush()

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        elif not self._skip:
            self._current.append(data)


def same_content_page(certificate_html: str, qr: str) -> str:
    """A plain page with the certificate's text (unstyled paragraphs), its QR code's SVG at the
    size the certificate prints it, its language and title, in the same font."""
    parser = _Text()
    parser.feed(certificate_html)
    parser.close()
    parser._flush()
    css = CERTIFICATE_CSS.read_text() if CERTIFICATE_CSS.exists() else ""
    size = QR_SIZE.search(css)
    width, height = (size.group(1).strip(), size.group(2).strip()) if size else ("28mm", "28mm")
    paragraphs = "".join(f"<p>{html_text.escape(block)}</p>" for block in parser.blocks)
    return (
        f'<!DOCTYPE html><html lang="{html_text.escape(parser.lang)}"><head><meta charset="utf-8">'
        f"<title>{html_text.escape(parser.title.strip() or 'Certificate')}</title>"
        '<style>html { font-family: "DejaVu Sans", sans-serif; } '
        f".qr svg {{ width: {width}; height: {height}; }}</style></head>"
        f'<body>{paragraphs}<div class="qr">{qr}</div></body></html>'
    )


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def reset_peak_rss() -> None:
    Path("/proc/self/clear_refs").write_text("5")


def build_city():
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="City Training", slug="bench-home"))
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "testserver", "root_page": home}
    )
    index = home.add_child(instance=TrainingIndexPage(title="Training"))
    course = index.add_child(
        instance=CoursePage(
            title="Encountering federal immigration agents at City facilities",
            summary="Benchmark course",
            validity_months=12,
        )
    )
    department = Department.objects.create(name="Parks and Recreation", code="PARKS")
    User = get_user_model()
    users = User.objects.bulk_create(
        User(username=f"bench{n}", first_name="María José", last_name=f"Chávez-Núñez {n}")
        for n in range(CERTIFICATES)
    )
    employees = Employee.objects.bulk_create(
        Employee(
            user=user,
            employee_number=f"E{50000 + n}",
            department=department,
            job_title="Recreation Leader",
            hire_date=timezone.localdate() - timedelta(days=900),
        )
        for n, user in enumerate(users)
    )
    now = timezone.now()
    enrollments = Enrollment.objects.bulk_create(
        Enrollment(employee=e, course=course, course_edition=1, started_at=now) for e in employees
    )
    completions = Completion.objects.bulk_create(
        completion_build(
            employee=enrollment.employee,
            course=course,
            enrollment=enrollment,
            course_title=course.title,
            language="en",
            course_edition=1,
            completed_at=now - timedelta(days=n % 60),
            validity_months=12,
        )
        for n, enrollment in enumerate(enrollments)
    )
    certificates_issue_bulk(completions=completions)
    return department, User.objects.first()


def median_seconds(function) -> float:
    laps = []
    for _ in range(REPEATS):
        with stopwatch() as lap:
            function()
        laps.append(lap.seconds)
    return statistics.median(laps)


def main():
    department, user = build_city()
    certificates = list(Certificate.objects.select_related("employee").order_by("pk"))
    print(f"{len(certificates)} certificates issued in {department.name}")

    # --- certificate_render -----------------------------------------------------------------
    first = certificates[0]
    html = rendering.certificate_html(certificate=first)

    font_config = pdf.font_configuration()

    qr = rendering.qr_svg(first.verification_url)
    same_content = same_content_page(html, qr)

    def same():
        # The same text and QR code, the same fonts and output (tagged PDF/UA): what is left
        # is the certificate's own layout and styling.
        return HTML(string=same_content).write_pdf(font_config=font_config, **rendering.PDF_OPTIONS)

    def minimal():
        # One paragraph, the same output: printed for comparison with earlier runs.
        return HTML(string=MINIMAL_PAGE).write_pdf(font_config=font_config, **rendering.PDF_OPTIONS)

    def minimal_plain():
        return HTML(string=MINIMAL_PAGE).write_pdf()

    def certificate():
        return rendering.certificate_pdf(certificate=first)

    for _ in range(5):  # warm them all: fonts, stylesheet, template
        same()
        minimal()
        certificate()
    baseline = median_seconds(same) * 1000
    one_paragraph = median_seconds(minimal) * 1000
    plain = median_seconds(minimal_plain) * 1000
    render = median_seconds(certificate) * 1000
    html_only = median_seconds(lambda: rendering.certificate_html(certificate=first)) * 1000
    qr_only = median_seconds(lambda: rendering.qr_svg(first.verification_url)) * 1000
    pdf_only = median_seconds(lambda: rendering.pdf_from_html(html)) * 1000
    without_qr = median_seconds(lambda: rendering.pdf_from_html(html.replace(qr, ""))) * 1000
    print(
        f"warm render: certificate {render:.1f} ms (of which template and QR {html_only:.1f} ms, "
        f"{len(html)} bytes of HTML), the same text and QR code unstyled {baseline:.1f} ms "
        f"as PDF/UA ({len(same_content)} bytes of HTML); a one-paragraph page "
        f"{one_paragraph:.1f} ms as PDF/UA, {plain:.1f} ms as a plain PDF"
    )
    print(
        f"breakdown: template {html_only - qr_only:.1f} ms, QR code's SVG from segno "
        f"{qr_only:.1f} ms, WeasyPrint {pdf_only:.1f} ms (the page without the QR code's SVG "
        f"{without_qr:.1f} ms, drawing that SVG {pdf_only - without_qr:.1f} ms)"
    )
    print(
        ratio_result_line(
            name="certificate_render",
            value=render,
            unit="ms",
            baseline=baseline,
            max_ratio=MAX_RENDER_RATIO,
        ),
        flush=True,
    )

    # --- certificate_memory_drift -----------------------------------------------------------
    for certificate_ in certificates[:WARM_UP]:
        certificate_pdf_ensure(certificate=certificate_)
    warm_peak = peak_rss_mb()
    with stopwatch() as lap:
        for certificate_ in certificates[WARM_UP:RENDERS]:
            certificate_pdf_ensure(certificate=certificate_)
    after_peak = peak_rss_mb()
    growth = 100 * (after_peak - warm_peak) / warm_peak
    print(
        f"{RENDERS} renders stored ({lap.seconds:.1f} s for the last {RENDERS - WARM_UP}): "
        f"peak RSS {warm_peak:.1f} MB after {WARM_UP}, {after_peak:.1f} MB after {RENDERS}"
    )
    print(
        f"RESULT name=certificate_memory_drift value={growth:.2f} unit=% "
        f"baseline={warm_peak:.2f} ratio={after_peak / warm_peak:.2f} "
        f"budget=<={MAX_DRIFT_PERCENT}% "
        f"pass={'yes' if round(growth, 2) <= MAX_DRIFT_PERCENT else 'no'}",
        flush=True,
    )

    # --- certificate_zip_2000 ---------------------------------------------------------------
    sample = certificates[0]
    sample.refresh_from_db()
    content = sample.pdf.read()
    field = Certificate._meta.get_field("pdf")
    for certificate_ in certificates[RENDERS:]:
        name = private_storage().save(
            field.generate_filename(certificate_, "c.pdf"), ContentFile(content)
        )
        Certificate.objects.filter(pk=certificate_.pk).update(pdf=name)
    archive = CertificateArchive.objects.create(
        department=department, requested_by=user, requested_at=timezone.now()
    )
    reset_peak_rss()
    before = peak_rss_mb()
    with stopwatch() as lap:
        archive = certificate_archive_build(archive=archive)
    peak = peak_rss_mb()
    size = private_storage().size(archive.file.name) / (1024 * 1024)
    # Less growth than the archive's own size: it was never held in memory.
    ok = peak - before <= min(ZIP_MEMORY_BUDGET_MB, size / 2)
    print(
        f"ZIP of {archive.done} certificates: {lap.seconds:.1f} s, {size:.1f} MB on storage; "
        f"peak RSS while building {peak:.1f} MB (from {before:.1f} MB)"
    )
    print(
        f"RESULT name=certificate_zip_2000 value={lap.seconds:.2f} unit=s baseline=- ratio=- "
        f"budget=memory_growth<={ZIP_MEMORY_BUDGET_MB}MB(was_{peak - before:.1f}MB) "
        f"pass={'yes' if archive.done == CERTIFICATES and ok else 'no'}",
        flush=True,
    )


if __name__ == "__main__":
    main()
