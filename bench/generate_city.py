"""How long ``generate_city`` takes for 100,000 employees, against raw sqlite3 inserts.

Run from the repository root: ``uv run python bench/generate_city.py``. It works on throwaway
SQLite files, never the development database. The baseline writes the same rows (departments,
users, their Employee group membership, employees) into the same tables of a copy of the same
migrated database with the sqlite3 module's ``executemany``: the floor the ORM path is
measured against.
"""

from collections import Counter
from datetime import UTC, date, datetime, timedelta

from _common import (
    django_on_fresh_database,
    print_result,
    sqlite_connect,
    sqlite_copy,
    stopwatch,
)

EMPLOYEES = 100_000
SEED = 1
BUDGET_SECONDS = 60


def sqlite_executemany_city(database, *, employees: int, departments: int) -> None:
    """Insert a city of the same shape with plain ``executemany``, in one transaction."""
    connection = sqlite_connect(database)
    try:
        connection.execute("BEGIN IMMEDIATE")
        now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
        today = date.today()
        (group_id,) = connection.execute(
            "SELECT id FROM auth_group WHERE name = 'Employee'"
        ).fetchone()
        first_department = (
            1
            + connection.execute(
                "SELECT coalesce(max(id), 0) FROM organisation_department"
            ).fetchone()[0]
        )
        first_user = (
            1 + connection.execute("SELECT coalesce(max(id), 0) FROM auth_user").fetchone()[0]
        )
        connection.executemany(
            "INSERT INTO organisation_department "
            "(id, name, code, serves_children, is_active, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            [
                (first_department + d, f"Baseline department {d}", f"BASE-{d}", False, True, now)
                for d in range(departments)
            ],
        )
        connection.executemany(
            "INSERT INTO auth_user (id, password, last_login, is_superuser, username, last_name, "
            "email, is_staff, is_active, date_joined, first_name) "
            "VALUES (?, ?, NULL, 0, ?, ?, ?, 0, 1, ?, ?)",
            [
                (
                    first_user + n,
                    "!unusable",
                    f"first.last.base{n}",
                    "Last",
                    f"first.last.base{n}@baseline.example",
                    now,
                    "First",
                )
                for n in range(employees)
            ],
        )
        connection.executemany(
            "INSERT INTO auth_user_groups (user_id, group_id) VALUES (?, ?)",
            [(first_user + n, group_id) for n in range(employees)],
        )
        connection.executemany(
            "INSERT INTO organisation_employee (employee_number, job_title, hire_date, "
            "preferred_language, is_active, origin, created_at, updated_at, department_id, "
            "user_id) VALUES (?, ?, ?, ?, 1, 'synthetic', ?, ?, ?, ?)",
            [
                (
                    f"BASE-{n:07d}",
                    "Motor Coach Operator",
                    (today - timedelta(days=n % 10_950)).isoformat(),
                    "es" if n % 4 == 0 else "en",
                    now,
                    now,
                    first_department + n % departments,
                    first_user + n,
                )
                for n in range(employees)
            ],
        )
        connection.execute("COMMIT")
    finally:
        connection.close()


def main() -> None:
    database = django_on_fresh_database()
    baseline_database = sqlite_copy(database, "baseline.sqlite3")

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from lms.organisation.models import Employee

    with stopwatch() as feature:
        call_command("generate_city", employees=EMPLOYEES, seed=SEED)

    sizes = Counter(
        Employee.objects.filter(origin=Employee.Origin.SYNTHETIC).values_list(
            "department__code", flat=True
        )
    )
    assert sum(sizes.values()) == EMPLOYEES, sizes
    assert get_user_model().objects.filter(employee__isnull=False).count() == EMPLOYEES
    (largest, largest_size), *_ = sizes.most_common()
    near_2000 = min(sizes, key=lambda code: abs(sizes[code] - 2_000))
    print(
        f"{len(sizes)} departments; largest {largest} ({largest_size:,}), smallest "
        f"{min(sizes.values()):,}; nearest 2,000: {near_2000} ({sizes[near_2000]:,})"
    )

    with stopwatch() as baseline:
        sqlite_executemany_city(baseline_database, employees=EMPLOYEES, departments=len(sizes))

    print(f"generate_city --employees {EMPLOYEES} --seed {SEED}: {feature.seconds:.2f} s")
    print(f"baseline, raw sqlite3 executemany of the same rows: {baseline.seconds:.2f} s")
    print(f"ratio: {feature.seconds / baseline.seconds:.2f}x")
    print_result(
        name="generate_city_100k",
        value=feature.seconds,
        unit="s",
        baseline=baseline.seconds,
        budget=BUDGET_SECONDS,
        budget_op="<",
    )


if __name__ == "__main__":
    main()
