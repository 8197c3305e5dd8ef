"""OEI dashboard figures on SQLite and PostgreSQL, the full CSV export, the progress report PDF.

Run from the repository root: ``uv run python bench/oei_dashboard.py``. For each database it
builds a synthetic city of 100,000 employees (seed 7) under 10 citywide requirements with five
weeks of assignments and completions of every age (``bench/_city.py``), then prints:

- ``oei_dashboard_sqlite`` / ``oei_dashboard_postgres``: median time of the dashboard's figures
  (``reports.selectors.citywide_figures`` and ``citywide_trend``: the citywide, department,
  course and weekly tables) against the bare ``GROUP BY`` queries they are computed from,
  issued alone (budget: <= 2x);
- ``csv_export_rate`` (SQLite): rows per second of the full assignment export streamed through
  the view (budget: >= 50,000 rows/s), with its peak Python memory growth (tracemalloc) beside
  it (budget: <= 100 MB, printed as ``csv_export_memory_growth``);
- ``progress_report_pdf`` (SQLite): seconds to render the progress report PDF (budget: <= 10 s);
- ``oei_dashboard_scaling_sqlite`` / ``oei_dashboard_scaling_postgres`` (issue 21): the median
  time of the whole dashboard page (``GET /reports/`` through the test client, OEI signed in)
  at 100,000 employees against the same page at 10,000 (a second child process with a city
  a tenth the size, ``BENCH_SCALING_EMPLOYEES``); budget: <= 2x. Both read the standing
  aggregates (docs/aggregates.md), recomputed once after the city is built, as after a restore.

The city is built with the aggregates' receiver disconnected (bulk writes, then one
recomputation), as ``manage.py recompute_aggregates`` would after loading data.

The PostgreSQL run starts a throwaway server (initdb in a temporary folder, 127.0.0.1, a free
port from 54339) in a child process, as ``bin/test`` does, and removes it afterwards. It runs
with ``jit=off``, as docs/operations.md recommends: PostgreSQL's JIT spends seconds compiling
the dashboard's long CASE expressions on every run, for nothing. Each
database runs in its own child process, because Django sets up once per process.
"""

import gc
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

EMPLOYEES = int(os.environ.get("BENCH_EMPLOYEES", 100_000))
#: The smaller city the page's scaling is compared with.
SCALING_EMPLOYEES = int(os.environ.get("BENCH_SCALING_EMPLOYEES", 10_000))
SEED = 7
REPEATS = int(os.environ.get("BENCH_REPEATS", 3))
MB = 1024 * 1024


# --- Child: one database ---------------------------------------------------------------------


def _setup_django(database: str) -> None:
    os.environ["DEBUG"] = "False"
    os.environ["ALLOWED_HOSTS"] = "testserver,localhost"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    if database == "sqlite":
        from bench._common import django_on_fresh_database

        django_on_fresh_database()
        return
    os.environ["DJANGO_SETTINGS_MODULE"] = "lms.settings.dev"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def _median(function, repeats: int) -> float:
    import statistics

    from bench._common import stopwatch

    timings = []
    for _ in range(repeats):
        with stopwatch() as lap:
            function()
        timings.append(lap.seconds * 1000)
    return statistics.median(timings)


def child(database: str) -> None:
    _setup_django(database)

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from bench._city import build_city
    from bench._common import ratio_result_line, stopwatch
    from lms.compliance import events
    from lms.compliance.models import Assignment
    from lms.organisation.roles import OEI_ADMIN
    from lms.reports import aggregates, receivers, selectors, services
    from lms.reports.pdf import progress_report_pdf

    employees = int(os.environ.get("BENCH_CHILD_EMPLOYEES", EMPLOYEES))
    page_only = os.environ.get("BENCH_PAGE_ONLY") == "1"
    today = timezone.localdate()
    with stopwatch() as lap:
        # Bulk writes first, then one recomputation of the aggregates (as after a restore).
        events.standing_changed.disconnect(dispatch_uid="reports.aggregates_on_standing")
        completions = build_city(employees=employees, seed=SEED)
        events.standing_changed.connect(
            receivers.aggregates_on_standing, dispatch_uid="reports.aggregates_on_standing"
        )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    total = Assignment.objects.count()
    print(
        f"[{database}] city: {employees:,} employees, {total:,} assignments, "
        f"{completions:,} completions, built in {lap.seconds:.1f} s",
        flush=True,
    )
    with stopwatch() as lap:
        pairs = aggregates.standing_recompute(refresh=True)
    print(f"[{database}] aggregates of {pairs:,} pairs recomputed in {lap.seconds:.1f} s")
    oei = get_user_model().objects.create_user(username="bench.oei", first_name="Bench")
    oei.groups.add(Group.objects.get(name=OEI_ADMIN))
    oei = get_user_model().objects.get(pk=oei.pk)  # fresh permission cache

    # --- the whole dashboard page, for oei_dashboard_scaling ---------------------------------
    page_client = Client()
    page_client.force_login(oei)
    dashboard_url = reverse("reports:dashboard")

    def page():
        response = page_client.get(dashboard_url)
        assert response.status_code == 200, response.status_code

    page()  # warm-up
    page_ms = _median(page, REPEATS)
    print(f"[{database}] dashboard page at {employees:,} employees: median {page_ms:.0f} ms")
    print(f"PAGE_MS {page_ms:.3f}", flush=True)
    if page_only:
        return

    # --- figures: the selectors against the bare GROUP BY queries ---------------------------
    filters = selectors.ReportFilters()

    def figures():
        selectors.citywide_figures(user=oei, filters=filters)
        selectors.citywide_trend(user=oei, filters=filters)

    def bare():
        assignments = selectors.all_assignments(filters, today=today)
        weeks = selectors.trend_weeks(filters, today=today)
        list(selectors.figures_query(assignments))
        list(selectors.completions_query(filters, weeks=weeks))
        list(selectors.history_query(selectors.all_assignments(today=today)))

    figures(), bare()  # warm-up
    if os.environ.get("BENCH_PROFILE"):
        _profile(database, filters, today)
    figures_ms = _median(figures, REPEATS)
    bare_ms = _median(bare, REPEATS)
    print(
        f"[{database}] figures median {figures_ms:.0f} ms; bare GROUP BY queries {bare_ms:.0f} ms"
    )
    print(
        ratio_result_line(
            name=f"oei_dashboard_{database}",
            value=figures_ms,
            unit="ms",
            baseline=bare_ms,
            max_ratio=2,
        ),
        flush=True,
    )
    if database != "sqlite":
        return

    # --- the full CSV export, streamed through the view -------------------------------------
    client = page_client
    url = reverse("reports:export", kwargs={"table": "assignments", "kind": "csv"})

    def export() -> int:
        response = client.get(url)
        assert response.status_code == 200 and response.streaming, response.status_code
        lines = sum(chunk.count(b"\n") for chunk in response.streaming_content)
        response.close()
        return lines - 1

    with stopwatch() as export_lap:
        rows = export()
    assert rows == total, (rows, total)
    rate = rows / export_lap.seconds
    print(f"[sqlite] export of {rows:,} rows in {export_lap.seconds:.1f} s: {rate:,.0f} rows/s")
    gc.collect()
    tracemalloc.start()
    try:
        before, _peak = tracemalloc.get_traced_memory()
        export()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    growth = (peak - before) / MB
    print(
        f"RESULT name=csv_export_rate value={rate:.2f} unit=rows/s baseline=- ratio=- "
        f"budget=>=50000rows/s pass={'yes' if rate >= 50_000 else 'no'}"
    )
    print(
        f"RESULT name=csv_export_memory_growth value={growth:.2f} unit=MB baseline=- ratio=- "
        f"budget=<=100MB pass={'yes' if round(growth, 2) <= 100 else 'no'}",
        flush=True,
    )

    # --- the progress report PDF -------------------------------------------------------------
    with stopwatch() as draft_lap:
        report = services.progress_report_draft(drafted_by=oei)
    print(f"[sqlite] drafting the report (figures copied into rows): {draft_lap.seconds:.1f} s")
    with stopwatch() as pdf_lap:
        pdf = progress_report_pdf(report)
    assert pdf.startswith(b"%PDF"), pdf[:8]
    print(f"[sqlite] PDF: {len(pdf):,} bytes")
    print(
        f"RESULT name=progress_report_pdf value={pdf_lap.seconds:.2f} unit=s baseline=- ratio=- "
        f"budget=<=10s pass={'yes' if round(pdf_lap.seconds, 2) <= 10 else 'no'}",
        flush=True,
    )


def _profile(database, filters, today) -> None:
    """Each bare query's time, and the plan of the slowest (BENCH_PROFILE=1)."""
    from django.db import connection

    from bench._common import stopwatch
    from lms.reports import selectors

    weeks = selectors.trend_weeks(filters, today=today)
    queries = {
        "figures": selectors.figures_query(selectors.all_assignments(filters, today=today)),
        "completions": selectors.completions_query(filters, weeks=weeks),
        "history": selectors.history_query(selectors.all_assignments(today=today)),
    }
    timings = {}
    for name, query in queries.items():
        with stopwatch() as lap:
            list(query)
        timings[name] = lap.seconds
        print(f"[{database}] {name}: {lap.seconds * 1000:.0f} ms", flush=True)
    slowest = max(timings, key=timings.get)
    sql, params = queries[slowest].query.sql_with_params()
    prefix = "EXPLAIN ANALYZE " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        for row in cursor.fetchall():
            print("   ", *row)


# --- Parent: the two databases ---------------------------------------------------------------


def _free_port(port: int) -> int:
    while True:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
        port += 1


def _as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _child_output(database: str, env: dict) -> tuple[int, float | None]:
    """Run a child, echoing what it prints; its status and the page's median (PAGE_MS)."""
    process = subprocess.Popen(
        [sys.executable, __file__, "--child", database],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    page_ms = None
    for line in process.stdout:
        if line.startswith("PAGE_MS "):
            page_ms = float(line.split()[1])
            continue
        print(line, end="", flush=True)
    return process.wait(), page_ms


def _run_child(database: str, env: dict) -> int:
    """The full run at EMPLOYEES, then the page alone at SCALING_EMPLOYEES (a fresh database
    each: SQLite's is a new file; PostgreSQL's a new database on the same server)."""
    from bench._common import ratio_result_line

    status, large_ms = _child_output(database, env)
    small_env = {**env, "BENCH_CHILD_EMPLOYEES": str(SCALING_EMPLOYEES), "BENCH_PAGE_ONLY": "1"}
    if database == "postgres":
        small_env["DATABASE_URL"] = env["DATABASE_URL"].rsplit("/", 1)[0] + "/lms_small"
    small_status, small_ms = _child_output(database, small_env)
    status |= small_status
    if large_ms is None or small_ms is None:
        print(f"RESULT name=oei_dashboard_scaling_{database} value=0 unit=ms baseline=- "
              "ratio=- budget=<=2x pass=no  # a page was not measured")  # fmt: skip
        return status | 1
    print(
        f"[{database}] dashboard page: {large_ms:.0f} ms at {EMPLOYEES:,} employees, "
        f"{small_ms:.0f} ms at {SCALING_EMPLOYEES:,}"
    )
    print(
        ratio_result_line(
            name=f"oei_dashboard_scaling_{database}",
            value=large_ms,
            unit="ms",
            baseline=small_ms,
            max_ratio=2,
        ),
        flush=True,
    )
    return status


def _postgres_run() -> int:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: p.parent.name)
    if not versions:
        print("RESULT name=oei_dashboard_postgres value=0 unit=ms baseline=- ratio=- "
              "budget=<=2x pass=no  # PostgreSQL is not installed")  # fmt: skip
        return 1
    pg_bin = versions[-1]
    folder = Path(tempfile.mkdtemp(prefix="lms-bench-pg-"))
    folder.chmod(0o755)
    data, sockets = folder / "pg", folder / "socket"
    data.mkdir(mode=0o700)
    sockets.mkdir()
    if os.geteuid() == 0:
        shutil.chown(data, "postgres")
        shutil.chown(sockets, "postgres")
    port = _free_port(54339)
    try:
        subprocess.run(
            _as_postgres([str(pg_bin / "initdb"), "-D", str(data), "-U", "postgres", "-A",
                          "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]),
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        subprocess.run(
            _as_postgres([str(pg_bin / "pg_ctl"), "-D", str(data), "-l", str(data / "log"),
                          "-w", "-t", "60", "-o",
                          f"-c listen_addresses=127.0.0.1 -p {port} -k {sockets} -c fsync=off "
                          "-c synchronous_commit=off -c full_page_writes=off "
                          "-c shared_buffers=256MB -c work_mem=64MB -c jit=off", "start"]),
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        for name in ("lms", "lms_small"):  # the city, and the smaller one of the scaling
            subprocess.run(
                [str(pg_bin / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres",
                 name],
                check=True,
            )  # fmt: skip
        env = {**os.environ, "DATABASE_URL": f"postgres://postgres@127.0.0.1:{port}/lms"}
        return _run_child("postgres", env)
    finally:
        subprocess.run(
            _as_postgres([str(pg_bin / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w",
                          "stop"]),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(sys.argv[2])
        return 0
    only = os.environ.get("BENCH_DATABASES", "sqlite,postgres").split(",")
    status = 0
    if "sqlite" in only:
        status |= _run_child("sqlite", dict(os.environ))
    if "postgres" in only:
        status |= _postgres_run()
    return status


if __name__ == "__main__":
    sys.exit(main())
