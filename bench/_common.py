"""What every benchmark in bench/ shares: a throwaway database, a stopwatch and the RESULT line.

Benchmarks are not tests. Each one prints its figures, a baseline measured in the same run
on the same machine (so the ratio means something on a slow or busy machine too), and a RESULT
line per figure, which ``bin/bench`` collects and checks.
"""

import atexit
import operator
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent

_BUDGET_CHECKS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


def django_on_fresh_database(*, settings: str = "lms.settings.dev") -> Path:
    """Set Django up on a new, migrated SQLite file in a temporary folder; return its path.

    The environment is set before Django reads its settings, so a benchmark never touches the
    development database whatever the shell or ``.env`` say. The folder goes at exit.
    """
    if "django.conf" in sys.modules:
        raise RuntimeError("django_on_fresh_database() must run before Django is imported.")
    folder = Path(tempfile.mkdtemp(prefix="lms-bench-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    database = folder / "bench.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = settings
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))

    import django
    from django.core.management import call_command
    from django.db import connections

    django.setup()
    from django.conf import settings as django_settings

    assert Path(django_settings.DATABASES["default"]["NAME"]) == database
    call_command("migrate", verbosity=0, interactive=False)
    connections.close_all()  # so the file is complete and can be copied
    return database


def sqlite_copy(database: Path, name: str) -> Path:
    """Copy a closed-or-open SQLite database to ``name`` beside it (WAL included)."""
    target = database.with_name(name)
    source, copy = sqlite3.connect(database), sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        source.close()
        copy.close()
    return target


def sqlite_connect(database: Path) -> sqlite3.Connection:
    """A raw connection set up as the project's Django connection is (settings/base.py)."""
    connection = sqlite3.connect(database, isolation_level=None)
    connection.executescript(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
    )
    return connection


@dataclass
class Lap:
    seconds: float = 0.0


@contextmanager
def stopwatch():
    """Time the ``with`` block on a monotonic clock: ``with stopwatch() as lap: ...``."""
    lap = Lap()
    started = time.perf_counter()
    try:
        yield lap
    finally:
        lap.seconds = time.perf_counter() - started


def result_line(
    *, name: str, value: float, unit: str, baseline: float, budget: float, budget_op: str = "<"
) -> str:
    """The RESULT line; ``pass`` compares the value as printed with the budget."""
    passed = _BUDGET_CHECKS[budget_op](round(value, 2), budget)
    return (
        f"RESULT name={name} value={value:.2f} unit={unit} baseline={baseline:.2f} "
        f"ratio={value / baseline:.2f} budget={budget_op}{budget:g}{unit} "
        f"pass={'yes' if passed else 'no'}"
    )


def print_result(**kwargs) -> None:
    print(result_line(**kwargs), flush=True)


def ratio_result_line(
    *, name: str, value: float, unit: str, baseline: float, max_ratio: float
) -> str:
    """The RESULT line for a budget stated as a ratio to the baseline (``<= max_ratio x``)."""
    ratio = value / baseline
    passed = round(ratio, 2) <= max_ratio
    return (
        f"RESULT name={name} value={value:.2f} unit={unit} baseline={baseline:.2f} "
        f"ratio={ratio:.2f} budget=<={max_ratio:g}x pass={'yes' if passed else 'no'}"
    )
