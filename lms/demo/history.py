"""Demo history: completions spread over the past twelve weeks, each with its certificate.

The dashboards' trends and the certificate pages need a past to show. Records are written in
bulk with the same snapshot a real completion takes (course title, edition, expiry from the
course's validity), and certificates are issued by the certificates service; their PDFs are
rendered on first download. No lesson progress is written: lessons stay free to be edited or
removed in the demo, which records of reading them would protect.

Kept out on purpose, for the browser tests: employee01 and employee02 complete nothing, and
employee03 completes the commitments course only (the liaison test has them overdue on the
course about federal agents).

The named people of lms.demo.stories make their own history of the course their situation is
about (through the services), so they get no generic completion of it; and the commitments
course, which gets a second edition a week before the load day, is completed here only before
that edition was published. Two of them get an older completion here (EARLY_COMPLETIONS): one
expired, one in its recertification window.

Idempotent: an employee who already completed a course gets no demo completion of it.
"""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from wagtail.models import Locale

from certificates.services import certificates_issue_bulk
from courses.models import Completion, CoursePage, Enrollment
from courses.services import completion_build
from lms.compliance.models import Assignment
from lms.compliance.services import assignment_facts_refresh
from lms.demo import content
from lms.demo.people import EMPLOYEES
from lms.demo.stories import (
    EARLY_COMPLETIONS,
    EDITION_PUBLISHED_DAYS_AGO,
    STORY_COURSES,
    early_completion_at,
)
from lms.organisation.models import Employee

WEEKS = 12
#: Never completes anything in the demo (the browser tests take their courses).
UNTOUCHED = {"employee01", "employee02"}
#: Completes only the commitments course (overdue on the others in the liaison test); its
#: current edition, taken through the services in lms.demo.stories, not here.
ONLY_COMMITMENTS = {"employee03"}


def _completes(number: int, course_position: int) -> bool:
    """About 60% of people completed each course: a fixed, varied pattern."""
    return (number * 7 + course_position * 3) % 10 < 6


def _completed_at(number: int, course_position: int, today, *, before_edition=False) -> datetime:
    """A day in the past twelve weeks; for the course that gets a new edition in the demo
    (lms.demo.stories), a day before that edition was published, as its edition 1 says."""
    first = EDITION_PUBLISHED_DAYS_AGO + 1 if before_edition else 1
    days_ago = first + (number * 11 + course_position * 17) % (WEEKS * 7 - first)
    hour = 8 + (number + course_position) % 9
    moment = datetime.combine(today - timedelta(days=days_ago), time(hour, 15))
    return timezone.make_aware(moment)


@transaction.atomic
def demo_history_load(*, today=None) -> dict[str, int]:
    """Create the missing demo completions and their certificates; return what was created."""
    today = today or timezone.localdate()
    courses = {
        page.slug: page
        for page in CoursePage.objects.filter(
            slug__in=[c.slug for c in content.COURSES], locale=Locale.get_default()
        )
    }
    employees = {
        e.user.username: e
        for e in Employee.objects.filter(
            user__username__in=[p.username for p in EMPLOYEES]
        ).select_related("user")
    }
    done = set(
        Completion.objects.filter(employee__in=employees.values()).values_list(
            "employee_id", "course_id"
        )
    )
    enrollments, completions = [], []
    for number, person in enumerate(EMPLOYEES, 1):
        employee = employees.get(person.username)
        if employee is None or person.username in UNTOUCHED:
            continue
        for position, course_content in enumerate(content.COURSES):
            course = courses.get(course_content.slug)
            if course is None or (employee.pk, course.pk) in done:
                continue
            early = EARLY_COMPLETIONS.get((person.username, course_content.slug))
            if early is not None:
                completed_at = early_completion_at(today, *early)
            elif (person.username, course_content.slug) in STORY_COURSES:
                continue
            elif person.username in ONLY_COMMITMENTS and course_content is not content.COMMITMENTS:
                continue
            elif person.username not in ONLY_COMMITMENTS and not _completes(number, position):
                continue
            else:
                completed_at = _completed_at(
                    number, position, today, before_edition=course_content is content.COMMITMENTS
                )
            enrollment = Enrollment(
                employee=employee,
                course=course,
                course_edition=course.edition,
                started_at=completed_at - timedelta(minutes=course.estimated_minutes + 10),
            )
            enrollments.append(enrollment)
            completions.append(
                completion_build(
                    employee=employee,
                    course=course,
                    enrollment=enrollment,
                    course_title=course.title,
                    language="en",
                    course_edition=course.edition,
                    completed_at=completed_at,
                    score=(100, 90, 80)[(number + position) % 3] if course.has_quiz else None,
                    validity_months=course.validity_months,
                )
            )
    if not completions:
        return {"completions": 0, "certificates": 0}
    Enrollment.objects.bulk_create(enrollments)
    # Completion.save() refuses anything but a first insert; bulk_create is that insert.
    Completion.objects.bulk_create(completions)
    assignment_facts_refresh(
        assignments=Assignment.objects.filter(employee_id__in={c.employee_id for c in completions})
    )
    certificates = certificates_issue_bulk(completions=completions)
    return {"completions": len(completions), "certificates": len(certificates)}
