"""The demo city has a history (issue 16): on the day it loads, someone is in every situation the
dashboards show, and the README's table of demo situations says who, truthfully."""

import io
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.db.models import F, Q
from django.utils import timezone

from certificates.models import Certificate
from courses.models import Completion, CourseEdition, CoursePage, QuizAttempt
from lms.compliance.models import Assignment, Exemption, Extension, TrainingRequirement
from lms.compliance.selectors import (
    Status,
    department_assignments,
    department_for,
    my_assignments_of,
    with_status,
)
from lms.demo import content
from lms.demo.stories import CURRENT_EDITION_HOLDER, LEAVER, REVOKED_DUE_DAYS, SITUATIONS
from lms.organisation.models import Employee
from lms.organisation.selectors import can_see_citywide

pytestmark = pytest.mark.django_db

README = Path(settings.BASE_DIR) / "README.md"
ROW = re.compile(r"^\| `(?P<login>[\w.]+)` \| (?P<department>[^|]+) \| (?P<requirement>[^|]+) \| "
                 r"(?P<shows>[^|]+) \| (?P<what>[^|]+) \|$")  # fmt: skip


def load_demo() -> None:
    call_command("load_demo", stdout=io.StringIO())


def everyone_with_status():
    requirements = list(TrainingRequirement.objects.filter(recertify_months__isnull=False))
    return with_status(
        Assignment.objects.filter(is_active=True, employee__is_active=True),
        requirements=requirements,
    )


def readme_situations() -> list[dict[str, str]]:
    """The rows of the README's "Demo situations" table."""
    text = README.read_text("utf-8")
    section = text.split("### Demo situations", 1)[1].split("\n## ", 1)[0]
    rows = [ROW.match(line.strip()) for line in section.splitlines()]
    return [{k: v.strip() for k, v in row.groupdict().items()} for row in rows if row]


@pytest.fixture(params=["today", "a leap day"])
def load_day(request, monkeypatch):
    """The day the demo loads: today, or 29 February 2028 (every date of the history is
    counted back from the load day, month ends and leap years included)."""
    if request.param == "a leap day":
        moment = timezone.make_aware(datetime(2028, 2, 29, 9, 30))
        monkeypatch.setattr(timezone, "now", lambda: moment)
    return timezone.localdate()


def test_every_status_is_present_on_the_day_the_demo_loads(load_day):
    load_demo()
    # Replayed history sends nothing: no workflow notification for the edition's review.
    assert mail.outbox == []
    assignments = everyone_with_status()

    def count(*conditions, **filters) -> int:
        return assignments.filter(*conditions, **filters).count()

    assert count(status=Status.OVERDUE) > 0
    assert count(status=Status.DUE_SOON, last_completed_at__isnull=True) > 0  # a deadline near
    assert count(status=Status.IN_PROGRESS) > 0
    assert count(status=Status.COMPLETED) > 0
    assert count(status=Status.EXPIRED) > 0
    # The recertification window open: completed, still valid, due soon again.
    assert count(status=Status.DUE_SOON, last_completed_at__isnull=False) > 0
    assert count(status=Status.NOT_STARTED) > 0
    # Exempt, permanently and until a date (neither in the past).
    assert count(status=Status.EXEMPT, exemptions__until__isnull=True) > 0
    assert count(status=Status.EXEMPT, exemptions__until__gt=load_day) > 0
    # Extended past their due date, and no longer overdue for it.
    assert count(~Q(status=Status.OVERDUE), extended_due_on__gt=F("due_on")) > 0

    # A new edition, published in the past with a grace period: its holders owe the update, by
    # a date still to come, and those who took it already are compliant on edition 2.
    edition = CourseEdition.objects.get(course__slug=content.COMMITMENTS.slug)
    today = load_day
    published_on = timezone.localtime(edition.published_at).date()
    assert edition.number == 2 and published_on < today < edition.due_on
    assert (edition.prepared_by.username, edition.published_by.username) == (
        "editor",
        "legal.reviewer",
    )
    # ... approved by the legal reviewer: nothing of it waits in the legal review queue.
    assert not CoursePage.objects.get(pk=edition.course_id).workflow_in_progress
    owe_update = assignments.filter(
        requirement__course=edition.course,
        latest_completion_edition=1,
        update_due_on=edition.due_on,
    )
    assert owe_update.count() > 0
    # Compliant until the update's due date (w-update-due): "Update due", counted compliant.
    assert set(owe_update.values_list("status", flat=True)) == {Status.UPDATE_DUE}
    assert Status.UPDATE_DUE in Status.COMPLIANT
    assert count(
        status=Status.COMPLETED,
        requirement__course=edition.course,
        latest_completion_edition=2,
        update_due_on=edition.due_on,
    )
    # The certificate browser tests' holder took the whole course after edition 2 came out.
    (holder,) = Certificate.objects.filter(employee__user__username=CURRENT_EDITION_HOLDER)
    assert holder.completion.course_edition == 2 and holder.revoked_at is None
    # Edition 1 completions made by the generic history are all dated before its publication.
    assert not Completion.objects.filter(
        course=edition.course, course_edition=1, completed_at__gte=edition.published_at
    ).exists()

    # A revoked certificate: revoked by OEI with a reason, the record otherwise as issued.
    revoked = Certificate.objects.get(revoked_at__isnull=False)
    assert revoked.revoked_by.username == "oei.admin"
    assert revoked.revocation_reason.startswith("Sample reason (demo)")
    assert revoked.completion.completed_at < revoked.revoked_at
    # ... which voids that completion: the holder is due again, by the date OEI set.
    voided = assignments.get(employee=revoked.employee, requirement__course_id=revoked.course_id)
    assert voided.status not in Status.COMPLIANT
    assert voided.effective_due_on == today + timedelta(days=REVOKED_DUE_DAYS)

    # The permanent exemption was granted by OEI, the time-limited one by a liaison.
    granters = {
        exemption.until is None: exemption.granted_by
        for exemption in Exemption.objects.select_related("granted_by")
    }
    assert can_see_citywide(granters[True]) and not can_see_citywide(granters[False])

    # Nothing the history wrote passes for City policy: every reason and the edition's summary
    # say they are sample text.
    reasons = [e.reason for e in Exemption.objects.all()]
    reasons += [e.reason for e in Extension.objects.all()]
    reasons += [revoked.revocation_reason]
    assert reasons and all(reason.startswith("Sample reason (demo)") for reason in reasons)
    assert edition.summary.startswith("Sample edition for the demo, not a change")

    # A leaver: deactivated with their login by an HR import, their records kept.
    leaver = Employee.objects.select_related("user").get(user__username=LEAVER)
    assert not leaver.is_active and not leaver.user.is_active
    assert not leaver.assignments.filter(is_active=True).exists()
    assert leaver.assignments.exists()
    assert not assignments.filter(employee=leaver).exists()

    # History through the services: failed and passed attempts, lessons read, issued certificates.
    assert QuizAttempt.objects.filter(passed=False).exists()
    assert not Completion.objects.filter(certificates__isnull=True).exists()


def test_the_readme_table_says_who_shows_what():
    load_demo()
    rows = readme_situations()
    assert [row["login"] for row in rows] == [situation.username for situation in SITUATIONS]

    User = get_user_model()
    for row, situation in zip(rows, SITUATIONS, strict=True):
        user = User.objects.get(username=row["login"])
        assert user.is_active and user.check_password("demo-password-2025"), row
        employee = Employee.objects.select_related("department").get(user=user)
        # On My training ...
        mine = {a.requirement.name: a for a in my_assignments_of(employee=employee)}
        shown = mine[row["requirement"]]
        assert Status.LABELS[shown.status] == row["shows"], row
        assert shown.status == situation.status, row
        # ... and on the dashboard of their department's liaison.
        liaison = User.objects.get(username=f"liaison.{employee.department.code.lower()}")
        department = department_for(user=liaison, code=employee.department.code)
        assert department is not None and department.code == employee.department.code
        on_dashboard = department_assignments(user=liaison, department=department).get(pk=shown.pk)
        assert on_dashboard.status == shown.status, row
        assert row["department"] in {employee.department.code, employee.department.name}, row

    readme = README.read_text("utf-8")
    leaver = Employee.objects.get(user__username=LEAVER)
    assert f"`{LEAVER}`" in readme and not leaver.is_active
