"""The whole site under load: a production-shaped stack on this machine, driven by Locust.

Run from the repository root: ``uv run python bench/site_load.py`` (``bin/bench`` runs it with
the others). It builds everything itself and removes it afterwards:

- a throwaway PostgreSQL (``jit=off``, as docs/operations.md says) and Redis on 127.0.0.1, on
  free ports, as ``bin/test`` starts them;
- a synthetic city with history: ``generate_city`` (``--bench-password``: every synthetic person
  gets one usable password, benchmarks only), courses with lessons and quizzes required of
  everyone, five weeks of assignments and completions of every age (``bench/_city.py``),
  department liaisons and OEI administrators among the synthetic people;
- gunicorn with the production settings (``bench._site_settings``: ``lms.settings.production``
  plus the bare-stack view; plain HTTP on loopback, so cookies are not marked Secure),
  ``--workers 2 --threads 4`` by default, static files collected and served by WhiteNoise, and
  one ``qcluster``;
- Locust, headless, for a bounded time per stage, on the same machine.

Stages, each with its own simulated people (bench/_site_locustfile.py: 80% learners, 15%
liaisons, 5% OEI, 1 to 3 s of think time):

1. ``login``: sign-ins one after another (the login form, a real password check); their median
   time is ``login_cost``. Everyone else is signed in beforehand, so sign-in is excluded from
   the steady state.
2. ``bare``: the bare-stack view (session, user, one query, small template) with no think time,
   as many users as the largest stage: the requests/s ceiling of gunicorn, Django and the
   database on this machine.
3. ``site`` at 50 and at 100 users, with Redis as broker and cache. Statistics are reset once
   every user has started (``--reset-stats``): ramp-up is excluded.
4. ``site_saturated``: the site's people and pages at the largest stage's number of users with
   **no think time**, right after the site stages (Redis): the site's requests/s with every core
   busy, over the bare stack's, is ``site_saturated_vs_bare``. With 1 to 3 s of think time 100
   people cannot ask for more than about 60 requests/s whatever the server, so ``site_rps_100u``
   and ``site_vs_bare`` measure the workload's ceiling, not the site's; this stage measures the
   site's.
5. ``site`` at 50 users again with the ORM broker (no Redis), for ``certificate_ready_p95``.

``certificate_ready_p95``: for every certificate issued by a passing quiz submission during the
site stages, the time from its issue (the submission's transaction) to its PDF stored by the
task cluster (the file's modification time), p95 per broker; a PDF not there 60 s after the
stage counts as never ready.

RESULT lines: ``site_rps_100u`` (>= 100 requests/s), ``site_p95_50u`` (<= 250 ms),
``site_p95_100u`` (<= 500 ms), ``site_vs_bare`` (>= 0.5), ``site_saturated_vs_bare`` (>= 0.5, the
same ratio without think time), ``login_cost`` (reported, no budget)
and ``certificate_ready_p95`` (<= 2 s, the worse of the two brokers). Then a table per endpoint
and stage (count, failures, p50, p95, p99) and the CPU each process group used per stage
(/proc/<pid>/stat of gunicorn, postgres, redis, qcluster and their children; Locust's own
usage from wait4).

Options (or environment variables), for a short smoke run on a busy machine::

    --employees N   BENCH_SITE_EMPLOYEES   city size (default 7000)
    --seconds S     BENCH_SITE_SECONDS     steady-state seconds per stage (default 120)
    --ramp R        BENCH_SITE_RAMP        seconds to start every user (default 20)
    --workers W     BENCH_SITE_WORKERS     gunicorn workers (default 2)
    --threads T     BENCH_SITE_THREADS     threads per worker (default 4)
    --users A,B     BENCH_SITE_USERS       the two site stages (default 50,100)
"""

import argparse
import csv
import json
import math
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

SEED = 7
COURSES = 6
LESSONS = 3
QUESTIONS = 10
QUIZ_SIZE = 5
LOGINS = 10
CERTIFICATE_WAIT = 60
CLK_TCK = os.sysconf("SC_CLK_TCK")


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    env = os.environ.get
    parser.add_argument("--employees", type=int, default=int(env("BENCH_SITE_EMPLOYEES", 7000)))
    parser.add_argument("--seconds", type=int, default=int(env("BENCH_SITE_SECONDS", 120)))
    parser.add_argument("--ramp", type=int, default=int(env("BENCH_SITE_RAMP", 20)))
    parser.add_argument("--workers", type=int, default=int(env("BENCH_SITE_WORKERS", 2)))
    parser.add_argument("--threads", type=int, default=int(env("BENCH_SITE_THREADS", 4)))
    parser.add_argument("--users", default=env("BENCH_SITE_USERS", "50,100"))
    parser.add_argument("--build", metavar="DATAFILE", help=argparse.SUPPRESS)
    parser.add_argument("--certificates", metavar="SINCE", help=argparse.SUPPRESS)
    return parser.parse_args()


# --- Child: build the city (dev settings, the benchmark's database) ---------------------------


def _share(users: int, fraction: float) -> int:
    return math.ceil(users * fraction) + 2


def build(datafile: Path, *, employees: int, slots: list[int]) -> None:
    import django

    django.setup()
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import Group
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from bench._city import assign_over_five_weeks, complete_some
    from courses import services as course_services
    from courses.models import Enrollment
    from lms.organisation.models import Department, Employee, Liaison
    from lms.organisation.roles import OEI_ADMIN
    from lms.organisation.services.employees import liaison_roles_sync

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    call_command(
        "generate_city",
        employees=employees,
        seed=SEED,
        bench_password=os.environ["BENCH_SITE_PASSWORD"],
        verbosity=0,
    )
    today, now = timezone.localdate(), timezone.now()
    courses, requirements = _courses_build(today)
    assign_over_five_weeks(today)
    completions = complete_some(requirements, now)
    # The standing aggregates OEI's dashboard reads, as a deploy's recompute_aggregates or the
    # 00:05 schedule leaves them (docs/aggregates.md); without them every dashboard counts live.
    call_command("recompute_aggregates", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    enrolled = {}
    for employee_id, course_id in Enrollment.objects.values_list("employee_id", "course_id"):
        enrolled.setdefault(employee_id, set()).add(course_id)
    people = iter(
        Employee.objects.filter(is_active=True, user__is_active=True)
        .select_related("user")
        .order_by("pk")
    )
    departments = list(
        Department.objects.filter(employees__is_active=True)
        .distinct()
        .order_by("code")
        .values_list("code", flat=True)
    )
    backend = "lms.organisation.backends.EmployeeModelBackend"

    def session_for(user) -> str:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = backend
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        return session.session_key

    oei_group = Group.objects.get(name=OEI_ADMIN)
    course_ids = [course.pk for course in courses]
    data_slots = []
    for n, users in enumerate(slots):
        learners, liaisons, oei = [], [], []
        while len(learners) < _share(users, 0.8):
            employee = next(people)
            open_courses = [pk for pk in course_ids if pk not in enrolled.get(employee.pk, ())]
            if len(open_courses) < 2:
                continue
            account = {"session": session_for(employee.user), "courses": open_courses}
            if len(learners) % 2 == 0:
                # Read the first course's lessons "yesterday": this learner starts at its quiz.
                first = next(course for course in courses if course.pk == open_courses[0])
                for lesson in first.lessons():
                    course_services.lesson_complete(employee=employee, lesson=lesson)
                account["quiz_first"], account["courses"] = first.pk, open_courses[1:]
            learners.append(account)
        for k in range(_share(users, 0.15)):
            employee = next(people)
            code = departments[(n * 7 + k) % len(departments)]
            Liaison.objects.create(department=Department.objects.get(code=code), user=employee.user)
            liaisons.append({"session": session_for(employee.user), "department": code})
        for _k in range(_share(users, 0.05)):
            employee = next(people)
            employee.user.groups.add(oei_group)
            oei.append({"session": session_for(employee.user)})
        data_slots.append({"learners": learners, "liaisons": liaisons, "oei": oei})
    liaison_roles_sync()
    logins = [next(people).user.username for _n in range(LOGINS)]

    payload = {
        "slots": data_slots,
        "departments": departments,
        "logins": logins,
        "courses": [
            {
                "id": course.pk,
                "url": course.url,
                "lessons": [{"id": lesson.pk, "url": lesson.url} for lesson in course.lessons()],
                "answers": {
                    str(block.id): [
                        str(item.id)
                        for item in block.value["choices"].bound_blocks
                        if item.value["is_correct"]
                    ]
                    for block in course.quiz
                },
            }
            for course in courses
        ],
    }
    datafile.write_text(json.dumps(payload))
    print(
        f"city: {employees:,} employees, {len(departments)} departments, {COURSES} required "
        f"courses of {LESSONS} lessons, {completions:,} completions; "
        f"built in {time.perf_counter() - started:.0f} s",
        flush=True,
    )


def _courses_build(today):
    """A home page, a training index and the courses, each required of everyone."""
    from wagtail.models import Page, Site

    from courses.models import CoursePage, LessonPage, TrainingIndexPage
    from lms.compliance.models import TrainingRequirement
    from lms.models import HomePage

    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="City Training", slug="bench-home"))
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "127.0.0.1", "root_page": home}
    )
    index = home.add_child(instance=TrainingIndexPage(title="Training"))
    body = [
        ("heading", {"text": "What to do", "level": "h2"}),
        ("text", "<p>" + "Follow the City Attorney's guidance. " * 40 + "</p>"),
        ("callout", {"kind": "important", "title": "Remember", "body": "<p>Report it.</p>"}),
        (
            "scenario",
            {
                "title": "At the front desk",
                "situation": "<p>Agents arrive.</p>",
                "what_to_do": "<p>Call the City Attorney's Office.</p>",
                "why": "<p>EO §7.</p>",
            },
        ),
    ]
    courses, requirements = [], []
    for n in range(COURSES):
        bank = [
            {
                "type": "question",
                "id": str(uuid.uuid4()),
                "value": {
                    "kind": "single",
                    "text": f"Question {q}: whose guidance do you follow?",
                    "choices": [
                        {
                            "type": "item",
                            "id": str(uuid.uuid4()),
                            "value": {"text": text, "is_correct": correct},
                        }
                        for text, correct in (
                            ("The City Attorney's", True),
                            ("Anyone's", False),
                            ("No one's", False),
                        )
                    ],
                    "explanation": "EO §7: follow the City Attorney's guidance.",
                    "policy_reference": "EO §7",
                    "always_include": False,
                },
            }
            for q in range(QUESTIONS)
        ]
        course = index.add_child(
            instance=CoursePage(
                title=f"Course {n}",
                summary="Benchmark course",
                quiz=bank,
                quiz_question_count=QUIZ_SIZE,
            )
        )
        for k in range(LESSONS):
            course.add_child(instance=LessonPage(title=f"Lesson {k + 1}", body=body))
        course = CoursePage.objects.get(pk=course.pk)
        courses.append(course)
        requirements.append(
            TrainingRequirement.objects.create(
                name=f"Requirement {n:02d}",
                course=course,
                audience=TrainingRequirement.Audience.ALL,
                due_days=10 + 4 * n,
                recertify_months=12 if n % 2 else None,
                active_from=today - timedelta(days=400),
            )
        )
    return courses, requirements


# --- Child: how long certificates waited for their PDF ------------------------------------------


def certificates_ready(since: str) -> None:
    import django

    django.setup()
    from certificates.models import Certificate

    since_at = datetime.fromisoformat(since)
    deadline = time.monotonic() + CERTIFICATE_WAIT
    while True:
        certificates = list(Certificate.objects.filter(issued_at__gte=since_at))
        pending = [c for c in certificates if not c.pdf]
        if not pending or time.monotonic() > deadline:
            break
        time.sleep(1)
    ready = [os.path.getmtime(c.pdf.path) - c.issued_at.timestamp() for c in certificates if c.pdf]
    print(json.dumps({"issued": len(certificates), "ready": ready, "pending": len(pending)}))


# --- Parent: servers, stages, figures -----------------------------------------------------------


def _free_port(port: int) -> int:
    while True:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
        port += 1


def _as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


class Stack:
    """The throwaway servers; ``close()`` stops and removes everything this run started."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.pg_bin = None
        self.pg_data = folder / "pg"
        self.processes: dict[str, subprocess.Popen] = {}
        self.redis_pid = None

    def postgres(self) -> int:
        versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: p.parent.name)
        if not versions:
            raise SystemExit("PostgreSQL is not installed (/usr/lib/postgresql/*/bin)")
        self.pg_bin = versions[-1]
        sockets = self.folder / "pg-socket"
        self.pg_data.mkdir(mode=0o700)
        sockets.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.pg_data, "postgres")
            shutil.chown(sockets, "postgres")
        port = _free_port(54349)
        subprocess.run(
            _as_postgres([str(self.pg_bin / "initdb"), "-D", str(self.pg_data), "-U", "postgres",
                          "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]),
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        subprocess.run(
            _as_postgres([str(self.pg_bin / "pg_ctl"), "-D", str(self.pg_data), "-l",
                          str(self.pg_data / "log"), "-w", "-t", "60", "-o",
                          f"-c listen_addresses=127.0.0.1 -p {port} -k {sockets} -c fsync=off "
                          "-c synchronous_commit=off -c full_page_writes=off -c jit=off "
                          "-c max_connections=200", "start"]),
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        subprocess.run(
            [str(self.pg_bin / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres",
             "lms"], check=True,
        )  # fmt: skip
        return port

    def postgres_pid(self) -> int:
        return int((self.pg_data / "postmaster.pid").read_text().split()[0])

    def redis(self) -> int:
        if not shutil.which("redis-server"):
            raise SystemExit("redis-server is not installed")
        port = _free_port(63809)
        pidfile = self.folder / "redis.pid"
        subprocess.run(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "",
             "--appendonly", "no", "--daemonize", "yes", "--pidfile", str(pidfile),
             "--dir", str(self.folder), "--logfile", str(self.folder / "redis.log")],
            check=True,
        )  # fmt: skip
        for _n in range(100):
            if pidfile.exists() and pidfile.read_text().strip():
                with socket.socket() as probe:
                    if probe.connect_ex(("127.0.0.1", port)) == 0:
                        self.redis_pid = int(pidfile.read_text())
                        return port
            time.sleep(0.1)
        raise SystemExit("redis-server did not start")

    def start(self, name: str, command: list[str], env: dict) -> subprocess.Popen:
        log = open(self.folder / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(
            command, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        self.processes[name] = process
        return process

    def stop(self, name: str) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def close(self) -> None:
        for name in list(self.processes):
            self.stop(name)
        if self.redis_pid:
            try:
                os.kill(self.redis_pid, 15)
            except ProcessLookupError:
                pass
        if self.pg_bin and (self.pg_data / "postmaster.pid").exists():
            subprocess.run(
                _as_postgres([str(self.pg_bin / "pg_ctl"), "-D", str(self.pg_data), "-m",
                              "immediate", "-w", "stop"]),
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
            )  # fmt: skip
        shutil.rmtree(self.folder, ignore_errors=True)


# --- CPU per process group, from /proc ------------------------------------------------------------


def _process_table() -> dict[int, tuple[int, float, float]]:
    """pid -> (parent pid, CPU seconds it used so far, CPU seconds of its children that ended
    and that it waited for): user + system time, from /proc/<pid>/stat."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        table[int(entry.name)] = (
            int(fields[1]),
            (int(fields[11]) + int(fields[12])) / CLK_TCK,
            (int(fields[13]) + int(fields[14])) / CLK_TCK,
        )
    return table


def cpu_by_group(roots: dict[str, int]) -> dict[str, float]:
    """CPU seconds of each root process and all its descendants, now: those running, and those
    that ended (PostgreSQL's backends, gunicorn's or the cluster's restarted workers)."""
    table = _process_table()
    children: dict[int, list[int]] = {}
    for pid, (parent, _cpu, _ended) in table.items():
        children.setdefault(parent, []).append(pid)
    totals = {}
    for group, root in roots.items():
        seen = table[root][2] if root in table else 0.0
        todo = [root]
        while todo:
            pid = todo.pop()
            if pid in table:
                seen += table[pid][1]
            todo.extend(children.get(pid, ()))
        totals[group] = seen
    return totals


# --- Stages ------------------------------------------------------------------------------------


def run_locust(
    stack, base_url, *, classes, users, ramp, seconds, slot, datafile, prefix, groups, think=True
):
    """One headless Locust run; (aggregate row, endpoint rows, CPU seconds per group, seconds)."""
    env = {
        **os.environ,
        "BENCH_SITE_DATA": str(datafile),
        "BENCH_SITE_SLOT": str(slot),
        "BENCH_SITE_THINK": "1" if think else "0",
    }
    command = [
        sys.executable, "-m", "locust", "-f", str(REPO_ROOT / "bench" / "_site_locustfile.py"),
        "--headless", "--host", base_url, "-u", str(users),
        "-r", f"{users / max(ramp, 1):.2f}", "--run-time", f"{ramp + seconds}s",
        "--reset-stats", "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING",
        "--stop-timeout", "5", *classes,
    ]  # fmt: skip
    log = open(f"{prefix}.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=log, stderr=log)
    time.sleep(ramp)
    before, started = cpu_by_group(groups), time.monotonic()
    time.sleep(seconds)
    after, steady = cpu_by_group(groups), time.monotonic() - started
    _pid, _status, usage = os.wait4(process.pid, 0)
    process.returncode = 0
    log.close()
    cpu = {group: after[group] - before[group] for group in groups}
    cpu["locust"] = (usage.ru_utime + usage.ru_stime) * seconds / (ramp + seconds)
    with open(f"{prefix}_stats.csv", newline="") as stats:
        rows = list(csv.DictReader(stats))
    total = next(row for row in rows if row["Name"] == "Aggregated")
    endpoints = [row for row in rows if row["Name"] != "Aggregated"]
    with open(f"{prefix}_failures.csv", newline="") as failed:
        failures = list(csv.DictReader(failed))
    if int(total["Request Count"]) == 0:
        print(Path(f"{prefix}.log").read_text()[-3000:], file=sys.stderr)
        raise SystemExit(f"Locust made no request ({prefix.name})")
    return total, endpoints, failures, cpu, steady


def login_stage(base_url: str, usernames: list[str], password: str) -> list[float]:
    """Sign each account in through the login form, one after another; milliseconds each."""
    timings = []
    token = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
    for username in usernames:
        session = requests.Session()
        page = session.get(f"{base_url}/accounts/login/", timeout=30)
        page.raise_for_status()
        data = {
            "csrfmiddlewaretoken": token.search(page.text).group(1),
            "username": username,
            "password": password,
        }
        started = time.perf_counter()
        response = session.post(
            f"{base_url}/accounts/login/",
            data=data,
            allow_redirects=False,
            headers={"Referer": f"{base_url}/accounts/login/"},
            timeout=60,
        )
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 302:
            raise SystemExit(f"sign-in of {username} answered {response.status_code}")
    return timings


def _child(args: list[str], env: dict) -> str:
    result = subprocess.run(
        [sys.executable, __file__, *args], cwd=REPO_ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        print(result.stdout, result.stderr, file=sys.stderr)
        raise SystemExit(f"site_load {args[0]} failed")
    return result.stdout


def _wait_healthy(base_url: str, stack: Stack) -> None:
    for _n in range(600):
        for name, process in stack.processes.items():
            if process.poll() is not None:
                log = (stack.folder / f"{name}.log").read_text()[-3000:]
                raise SystemExit(f"{name} exited:\n{log}")
        try:
            if requests.get(f"{base_url}/healthz/", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise SystemExit("gunicorn did not answer /healthz/")


def _p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0] if values else math.inf
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def main() -> int:
    options = _arguments()
    stages = [int(users) for users in options.users.split(",")]
    if options.build:
        # One slot of people per stage: the site stages, the ORM broker's, the saturation's.
        slots = [*stages, stages[0], stages[-1]]
        build(Path(options.build), employees=options.employees, slots=slots)
        return 0
    if options.certificates:
        certificates_ready(options.certificates)
        return 0

    folder = Path(tempfile.mkdtemp(prefix="lms-bench-site-"))
    folder.chmod(0o755)
    stack = Stack(folder)
    try:
        return _run(options, stages, stack)
    finally:
        stack.close()


def _run(options, stages: list[int], stack: Stack) -> int:
    folder = stack.folder
    pg_port, redis_port = stack.postgres(), stack.redis()
    web_port = _free_port(8471)
    base_url = f"http://127.0.0.1:{web_port}"
    password = secrets.token_urlsafe(16)
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:{pg_port}/lms",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "BASE_URL": base_url,
        "SECURE_SSL_REDIRECT": "false",
        "STATIC_ROOT": str(folder / "static"),
        "MEDIA_ROOT": str(folder / "media"),
        "PRIVATE_MEDIA_ROOT": str(folder / "private"),
        "EMAIL_URL": "memorymail://",
        "LOG_LEVEL": "WARNING",
        "REDIS_URL": "",
        "PYTHONPATH": str(REPO_ROOT),
    }
    load = os.getloadavg()
    print(
        f"machine: {os.cpu_count()} CPUs, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; "
        f"PostgreSQL on :{pg_port}, Redis on :{redis_port}, gunicorn on :{web_port}",
        flush=True,
    )

    datafile = folder / "site.json"
    build_env = {
        **env,
        "DJANGO_SETTINGS_MODULE": "lms.settings.dev",
        "DEBUG": "False",
        "SYNTHETIC_PASSWORDS_ALLOWED": "true",
        "BENCH_SITE_PASSWORD": password,
    }
    print(_child(["--build", str(datafile), "--employees", str(options.employees),
                  "--users", options.users], build_env), end="", flush=True)  # fmt: skip
    data = json.loads(datafile.read_text())

    site_env = {**env, "DJANGO_SETTINGS_MODULE": "bench._site_settings"}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=REPO_ROOT, env=site_env, check=True,
    )  # fmt: skip

    def stack_up(redis: bool) -> dict[str, int]:
        stack_env = {**site_env, "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0" if redis else ""}
        gunicorn = stack.start(
            "gunicorn",
            [sys.executable, "-m", "gunicorn", "lms.wsgi:application", "--bind",
             f"127.0.0.1:{web_port}", "--workers", str(options.workers), "--threads",
             str(options.threads), "--timeout", "60"],
            stack_env,
        )  # fmt: skip
        qcluster = stack.start("qcluster", [sys.executable, "manage.py", "qcluster"], stack_env)
        _wait_healthy(base_url, stack)
        groups = {
            "gunicorn": gunicorn.pid,
            "postgres": stack.postgres_pid(),
            "qcluster": qcluster.pid,
        }
        if redis:
            groups["redis"] = stack.redis_pid
        return groups

    def stack_down() -> None:
        stack.stop("gunicorn")
        stack.stop("qcluster")
        log = (folder / "gunicorn.log").read_text(errors="replace")
        timeouts, tracebacks = log.count("WORKER TIMEOUT"), log.count("Traceback")
        if timeouts or tracebacks:
            print(f"  gunicorn log: {timeouts} worker timeouts, {tracebacks} tracebacks")
            print("  " + "\n  ".join(log.splitlines()[-15:]))
        (folder / "gunicorn.log").unlink()

    results: dict[str, dict] = {}

    def stage(name, *, classes, users, slot, groups, think=True):
        print(
            f"stage {name}: {users} users, ramp {options.ramp} s, {options.seconds} s"
            + ("" if think else ", no think time")
        )
        since = datetime.now(UTC).isoformat()
        total, endpoints, failures, cpu, steady = run_locust(
            stack, base_url, classes=classes, users=users, ramp=options.ramp,
            seconds=options.seconds, slot=slot, datafile=datafile, prefix=folder / name,
            groups=groups, think=think,
        )  # fmt: skip
        results[name] = {
            "total": total, "endpoints": endpoints, "failures": failures, "cpu": cpu,
            "seconds": steady, "since": since,
        }  # fmt: skip
        print(
            f"  {float(total['Requests/s']):.1f} requests/s, p50 {total['50%']} ms, "
            f"p95 {total['95%']} ms, {total['Request Count']} requests, "
            f"{total['Failure Count']} failures",
            flush=True,
        )

    groups = stack_up(redis=True)
    before = cpu_by_group(groups)
    logins = login_stage(base_url, data["logins"], password)
    login_cpu = cpu_by_group(groups)["gunicorn"] - before["gunicorn"]
    print(
        f"stage login: {len(logins)} sign-ins one after another, median "
        f"{statistics.median(logins):.0f} ms, gunicorn CPU {login_cpu / len(logins):.2f} s each",
        flush=True,
    )
    top = max(stages)
    stage("bare", classes=["Bare"], users=top, slot=0, groups=groups)
    site = ["Learner", "Liaison", "Oei"]
    for n, users in enumerate(stages):
        stage(f"site_{users}u", classes=site, users=users, slot=n, groups=groups)
    ready_redis = json.loads(_child(["--certificates", results[f"site_{stages[0]}u"]["since"]],
                                    site_env))  # fmt: skip
    # The same people and pages without think time: what the site serves when every core is
    # busy, against the bare stack's ceiling (after the certificates are counted: a saturated
    # cluster is not what certificate_ready_p95 measures).
    stage("site_saturated", classes=site, users=top, slot=len(stages) + 1, groups=groups,
          think=False)  # fmt: skip
    stack_down()

    groups = stack_up(redis=False)
    stage(f"site_{stages[0]}u_orm", classes=site, users=stages[0], slot=len(stages), groups=groups)
    ready_orm = json.loads(
        _child(["--certificates", results[f"site_{stages[0]}u_orm"]["since"]], site_env)
    )
    stack_down()

    _report(results, stages, logins, login_cpu, ready_redis, ready_orm, load)
    return 0


def _report(results, stages, logins, login_cpu, ready_redis, ready_orm, load_before) -> None:
    print("\nper endpoint (steady state; ms)")
    print(f"{'stage':<14} {'endpoint':<22} {'requests':>8} {'fail':>5} {'req/s':>7} "
          f"{'p50':>6} {'p95':>6} {'p99':>6} {'avg':>7}")  # fmt: skip
    for name, result in results.items():
        for row in sorted(result["endpoints"], key=lambda r: -float(r["Average Response Time"])):
            print(
                f"{name:<14} {row['Name']:<22} {row['Request Count']:>8} "
                f"{row['Failure Count']:>5} {float(row['Requests/s']):>7.1f} {row['50%']:>6} "
                f"{row['95%']:>6} {row['99%']:>6} {float(row['Average Response Time']):>7.1f}"
            )
    print("\nfailed requests (steady state)")
    for name, result in results.items():
        for row in result["failures"]:
            print(f"{name:<14} {row['Method']:<5} {row['Name']:<22} {row['Occurrences']:>5}  "
                  f"{row['Error'][:120]}")  # fmt: skip
    print("\nCPU per process group (cores used in the steady state: CPU seconds / seconds)")
    names = ["gunicorn", "postgres", "redis", "qcluster", "locust"]
    print(f"{'stage':<14} " + " ".join(f"{group:>9}" for group in names))
    for name, result in results.items():
        cells = [
            f"{result['cpu'][group] / result['seconds']:>9.2f}" if group in result["cpu"] else
            f"{'-':>9}" for group in names
        ]  # fmt: skip
        print(f"{name:<14} " + " ".join(cells))

    for broker, ready in (("redis", ready_redis), ("orm", ready_orm)):
        values = sorted(ready["ready"])
        print(
            f"certificates ({broker} broker): {ready['issued']} issued by passing submissions, "
            f"{ready['pending']} without a PDF after {CERTIFICATE_WAIT} s; time to PDF p50 "
            f"{statistics.median(values) if values else math.nan:.2f} s, p95 "
            f"{_p95(values):.2f} s"
        )
    load = os.getloadavg()
    print(f"load average before {load_before[0]:.2f}, after {load[0]:.2f} {load[1]:.2f}")

    def rps(name):
        return float(results[name]["total"]["Requests/s"])

    def p95(name):
        return float(results[name]["total"]["95%"])

    def failures(name):
        return int(results[name]["total"]["Failure Count"])

    low, high = f"site_{stages[0]}u", f"site_{stages[-1]}u"
    bare = rps("bare")
    errors = sum(failures(name) for name in results)

    def line(name, value, unit, baseline, budget, op, passed, note=""):
        print(
            f"RESULT name={name} value={value:.2f} unit={unit} baseline={baseline} "
            f"ratio={'-' if baseline == '-' else f'{value / float(baseline):.2f}'} "
            f"budget={op}{budget}{unit} pass={'yes' if passed else 'no'}{note}",
            flush=True,
        )

    note = f"  # {errors} failed requests in all stages"
    line(f"site_rps_{stages[-1]}u", rps(high), "req/s", f"{bare:.2f}", 100, ">=",
         round(rps(high), 2) >= 100 and errors == 0, note)  # fmt: skip
    line(f"site_p95_{stages[0]}u", p95(low), "ms", "-", 250, "<=",
         p95(low) <= 250 and failures(low) == 0)  # fmt: skip
    line(f"site_p95_{stages[-1]}u", p95(high), "ms", "-", 500, "<=",
         p95(high) <= 500 and failures(high) == 0)  # fmt: skip
    ratio = rps(high) / bare
    print(
        f"RESULT name=site_vs_bare value={ratio:.2f} unit=x baseline={bare:.2f} "
        f"ratio={ratio:.2f} budget=>=0.5x pass={'yes' if round(ratio, 2) >= 0.5 else 'no'}"
    )
    saturated = rps("site_saturated") / bare
    print(
        f"RESULT name=site_saturated_vs_bare value={saturated:.2f} unit=x baseline={bare:.2f} "
        f"ratio={saturated:.2f} budget=>=0.5x pass={'yes' if round(saturated, 2) >= 0.5 else 'no'}"
        f"  # {rps('site_saturated'):.1f} req/s, p95 {p95('site_saturated'):.0f} ms, "
        f"{failures('site_saturated')} failed: the site mix without think time"
    )
    print(
        f"RESULT name=login_cost value={statistics.median(logins):.2f} unit=ms baseline=- "
        f"ratio=- budget=none pass=yes  # gunicorn CPU {login_cpu / len(logins):.2f} s per sign-in"
    )
    worst = max(_p95(sorted(ready_redis["ready"])), _p95(sorted(ready_orm["ready"])))
    pending = ready_redis["pending"] + ready_orm["pending"]
    print(
        f"RESULT name=certificate_ready_p95 value={worst:.2f} unit=s baseline=- ratio=- "
        f"budget=<=2s pass={'yes' if round(worst, 2) <= 2 and not pending else 'no'}"
        f"  # redis p95 {_p95(sorted(ready_redis['ready'])):.2f} s of {ready_redis['issued']}, "
        f"orm p95 {_p95(sorted(ready_orm['ready'])):.2f} s of {ready_orm['issued']}",
        flush=True,
    )


if __name__ == "__main__":
    sys.exit(main())
