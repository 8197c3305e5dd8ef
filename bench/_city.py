"""A city to measure: ten citywide requirements, assignments spread over five weeks, and
completions of every age, built in bulk on top of ``manage.py generate_city``.

Shared by the benchmarks that need a city with history (liaison dashboard, reminder scan, OEI
dashboard, certificates). Import it after Django is set up (``bench._common``).
"""

from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Page, Site

from courses.models import Completion, CoursePage, Enrollment, TrainingIndexPage
from courses.services import completion_build
from lms.compliance.models import TrainingRequirement
from lms.compliance.services import assignment_facts_refresh, assignments_sync
from lms.models import HomePage
from lms.organisation.models import Employee

REQUIREMENTS = 10


def build_requirements(today) -> list[TrainingRequirement]:
    """Ten courses in the smallest page tree a site has, each required of everyone; every
    other one recertified yearly, each with its own deadline."""
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="City Training", slug="bench-home"))
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "testserver", "root_page": home}
    )
    index = home.add_child(instance=TrainingIndexPage(title="Training"))
    requirements = []
    for n in range(REQUIREMENTS):
        course = index.add_child(
            instance=CoursePage(title=f"Course {n}", summary="Benchmark course")
        )
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
    return requirements


def assign_over_five_weeks(today) -> None:
    """Assign a fifth of the city on each of five weeks, so deadlines fall before and after
    today and every status shows up."""
    employees = list(Employee.objects.values_list("pk", flat=True))
    for week in range(5):
        assignments_sync(
            employee_ids=[pk for pk in employees if pk % 5 == week],
            today=today - timedelta(days=7 * week),
        )


def complete_some(requirements, now) -> int:
    """About 40% of assignments completed (some long ago, so expired or due for renewal) and
    6% started: bulk_create, as Completion.save() refuses anything but a first insert, then one
    set-based refresh of the assignments' latest completions."""
    employees = list(Employee.objects.filter(is_active=True).values_list("pk", flat=True))
    enrollments, ages = [], []
    for n, course_id in enumerate(r.course_id for r in requirements):
        for employee_id in employees:
            key = (employee_id * 7 + n * 13) % 100
            if key < 46:
                age = (30, 200, 350, 400)[key % 4] if key < 40 else None  # None: started only
                enrollments.append(
                    Enrollment(
                        employee_id=employee_id,
                        course_id=course_id,
                        course_edition=1,
                        started_at=now - timedelta(days=(age or 5) + 1),
                    )
                )
                ages.append(age)
    Enrollment.objects.bulk_create(enrollments, batch_size=5000)
    titles = {r.course_id: r.course.title for r in requirements}
    completions = [
        completion_build(
            employee_id=enrollment.employee_id,
            course_id=enrollment.course_id,
            enrollment=enrollment,
            course_title=titles[enrollment.course_id],
            language="en",
            course_edition=1,
            completed_at=now - timedelta(days=age),
            validity_months=None,
        )
        for enrollment, age in zip(enrollments, ages, strict=True)
        if age is not None
    ]
    Completion.objects.bulk_create(completions, batch_size=5000)
    # bulk_create goes around the services, which keep each assignment's latest completion.
    assignment_facts_refresh()
    return len(completions)


def build_city(*, employees: int, seed: int) -> int:
    """``generate_city`` with ``employees`` people, the ten requirements, five weeks of
    assignments and completions of every age; returns how many completions."""
    today, now = timezone.localdate(), timezone.now()
    call_command("generate_city", employees=employees, seed=seed, verbosity=0)
    requirements = build_requirements(today)
    assign_over_five_weeks(today)
    return complete_some(requirements, now)
