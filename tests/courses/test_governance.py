"""Legal approval, acknowledgments, the coverage report and the audit log's visibility."""

import csv
import io

import pytest
from django.urls import reverse
from wagtail.models import Page, PageLogEntry, TaskState, WorkflowPage, WorkflowState

from courses import selectors, services
from courses.approval import WORKFLOW_NAME, approval_workflow_ensure
from courses.models import (
    Acknowledgment,
    Completion,
    CoursePolicyReference,
    ImmutableRecordError,
)
from lms.compliance.services import assignments_sync
from lms.errors import ApplicationError
from lms.organisation import roles
from lms.organisation.roles import roles_sync
from tests.courses.conftest import right_answers
from tests.courses.test_editions import clauses, course, question  # noqa: F401
from tests.factories import (
    ClauseFactory,
    EmployeeFactory,
    LiaisonFactory,
    TrainingRequirementFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ACKNOWLEDGMENT = "I have read and will follow the City Attorney's guidance of {date}."


@pytest.fixture
def governed(course):  # noqa: F811
    roles_sync()
    approval_workflow_ensure()
    return course


@pytest.fixture
def editor():
    return UserFactory(roles=[roles.CONTENT_EDITOR])


@pytest.fixture
def reviewer():
    return UserFactory(roles=[roles.LEGAL_REVIEWER])


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def form_data(client, page, **changes):
    """The edit form's data as the admin renders it, with ``changes``."""
    from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

    data = {
        "title": page.title,
        "slug": page.slug,
        "summary": page.summary,
        "estimated_minutes": page.estimated_minutes,
        "audience_note": "",
        "content_note": "",
        "acknowledgment_text": page.acknowledgment_text,
        "policy_references": inline_formset([]),
        "quiz_pass_mark": page.quiz_pass_mark,
        "quiz_question_count": 0,
        "quiz_max_attempts": 0,
        "quiz_wait_minutes": 0,
        "quiz_max_attempts_per_day": 0,
        "quiz_review_after_fail": "explained",
        "quiz_review_after_pass": "full",
        "quiz": streamfield([]),
        **changes,
    }
    return nested_form_data(data)


def test_the_migration_installs_the_city_attorney_workflow_on_the_whole_tree(governed):
    root = Page.get_first_root_node()
    workflow = WorkflowPage.objects.get(page=root).workflow
    assert workflow.name == WORKFLOW_NAME and workflow.active
    (task,) = workflow.tasks.specific()
    assert [group.name for group in task.groups.all()] == [roles.LEGAL_REVIEWER]
    assert governed.get_workflow() == workflow


def test_editors_cannot_publish_guidance_directly(client, governed, editor):
    assert not governed.permissions_for_user(editor).can_publish()
    assert governed.permissions_for_user(editor).can_edit()
    client.force_login(editor)
    data = form_data(client, governed, title="Published by an editor?", **{"action-publish": "1"})
    client.post(edit_url(governed), data)
    governed.refresh_from_db()
    # The form was valid (the draft is saved) but nothing went live.
    assert governed.get_latest_revision().content["title"] == "Published by an editor?"
    assert governed.title != "Published by an editor?"
    assert not governed.has_unpublished_changes or governed.live_revision_id != (
        governed.latest_revision_id
    )


def test_an_editor_submits_and_a_legal_reviewer_approves_with_a_comment(
    client, governed, editor, reviewer
):
    client.force_login(editor)
    data = form_data(client, governed, title="Revised course", **{"action-submit": "1"})
    response = client.post(edit_url(governed), data)
    assert response.status_code == 302
    governed.refresh_from_db()
    assert governed.title != "Revised course", "not live before approval"
    state = WorkflowState.objects.get(status=WorkflowState.STATUS_IN_PROGRESS)
    task_state = state.current_task_state
    assert selectors.course_approved_at(course=governed) is None

    client.force_login(reviewer)
    url = reverse(
        "wagtailadmin_pages:workflow_action",
        args=[governed.pk, "approve", task_state.pk],
    )
    response = client.post(url, {"comment": "Consistent with the February memo."})
    assert response.status_code in (200, 302)
    governed.refresh_from_db()
    assert governed.title == "Revised course"
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_APPROVED
    assert task_state.get_comment() == "Consistent with the February memo."
    approved_at = selectors.course_approved_at(course=governed)
    assert approved_at == task_state.finished_at

    learner = EmployeeFactory()
    client.force_login(learner.user)
    page = client.get(governed.url).content.decode()
    assert "Approved by the City Attorney" in page and "Office on" in page


def test_a_replayed_approval_changes_nothing(client, governed, editor, reviewer):
    """A double-clicked "Approve with comment" posts twice: the second post is refused
    quietly (a redirect, never a 500) and approves, publishes and logs nothing more."""
    client.force_login(editor)
    client.post(
        edit_url(governed),
        form_data(client, governed, title="Revised course", **{"action-submit": "1"}),
    )
    task_state = WorkflowState.objects.get(
        status=WorkflowState.STATUS_IN_PROGRESS
    ).current_task_state
    client.force_login(reviewer)
    url = reverse(
        "wagtailadmin_pages:workflow_action", args=[governed.pk, "approve", task_state.pk]
    )
    assert client.post(url, {"comment": "First click."}).status_code == 302
    governed.refresh_from_db()
    published = governed.live_revision_id
    approvals = PageLogEntry.objects.filter(page=governed, action="wagtail.workflow.approve")
    assert approvals.count() == 1

    replay = client.post(url, {"comment": "Second click."})
    assert replay.status_code == 302
    governed.refresh_from_db()
    assert governed.live_revision_id == published
    assert approvals.count() == 1
    task_state.refresh_from_db()
    assert task_state.get_comment() == "First click."


def test_a_reviewer_rejects_and_nothing_publishes(client, governed, editor, reviewer):
    client.force_login(editor)
    client.post(
        edit_url(governed), form_data(client, governed, title="Wrong", **{"action-submit": "1"})
    )
    task_state = WorkflowState.objects.get().current_task_state
    client.force_login(reviewer)
    client.post(
        reverse("wagtailadmin_pages:workflow_action", args=[governed.pk, "reject", task_state.pk]),
        {"comment": "Conflicts with section 7."},
    )
    governed.refresh_from_db()
    task_state.refresh_from_db()
    assert task_state.status == TaskState.STATUS_REJECTED
    assert governed.title != "Wrong"


# --- Acknowledgments ----------------------------------------------------------------------------


@pytest.fixture
def acknowledged_course(course, clauses):  # noqa: F811
    course.acknowledgment_text = ACKNOWLEDGMENT
    course.policy_references = [CoursePolicyReference(clause=clauses["7"])]
    course.save_revision().publish()
    course.refresh_from_db()
    return course


def finish(employee, course_page):
    for lesson in course_page.lessons():
        services.lesson_complete(employee=employee, lesson=lesson)
    attempt = services.quiz_attempt_start(employee=employee, course=course_page)
    return services.quiz_attempt_submit(
        employee=employee, attempt_key=attempt.public_id, answers=right_answers(attempt)
    )


def test_the_completion_waits_for_the_signed_acknowledgment(acknowledged_course):
    employee = EmployeeFactory(user__first_name="Ana", user__last_name="Baca")
    attempt = finish(employee, acknowledged_course)
    assert attempt.passed and not Completion.objects.exists()

    with pytest.raises(ApplicationError) as wrong:
        services.acknowledgment_sign(
            employee=employee, course=acknowledged_course, signature="Someone Else"
        )
    assert wrong.value.status == 400 and "Ana Baca" in wrong.value.message
    assert not Acknowledgment.objects.exists() and not Completion.objects.exists()

    signed = services.acknowledgment_sign(
        employee=employee, course=acknowledged_course, signature="  ana   BACA "
    )
    assert signed.signature == "ana BACA"
    assert signed.text == (
        "I have read and will follow the City Attorney's guidance of Feb. 10, 2025."
    )
    assert signed.course_edition == 1
    completion = Completion.objects.get()
    assert completion.attempt == attempt and completion.score == attempt.score
    with pytest.raises(ImmutableRecordError):
        signed.save()
    with pytest.raises(ImmutableRecordError):
        signed.delete()


def test_signing_before_the_quiz_is_refused(acknowledged_course):
    employee = EmployeeFactory()
    for lesson in acknowledged_course.lessons():
        services.lesson_complete(employee=employee, lesson=lesson)
    with pytest.raises(ApplicationError) as refused:
        services.acknowledgment_sign(
            employee=employee, course=acknowledged_course, signature=employee.user.get_full_name()
        )
    assert refused.value.status == 409
    assert not Acknowledgment.objects.exists()


def test_the_acknowledgment_page_signs_and_shows_a_clear_error(client, acknowledged_course):
    employee = EmployeeFactory(user__first_name="Ana", user__last_name="Baca")
    finish(employee, acknowledged_course)
    client.force_login(employee.user)
    url = reverse("courses:acknowledge", args=[acknowledged_course.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Feb. 10, 2025" in page.content.decode()
    wrong = client.post(url, {"signature": "Ana"})
    assert wrong.status_code == 400
    assert "does not match the name on your employee record" in wrong.content.decode()
    right = client.post(url, {"signature": "Ana Baca"})
    assert right.status_code == 302
    assert Acknowledgment.objects.filter(employee=employee).exists()


def test_the_liaison_dashboard_and_its_export_show_acknowledgments(client, acknowledged_course):
    liaison = LiaisonFactory()
    employee = EmployeeFactory(
        department=liaison.department, user__first_name="Ana", user__last_name="Baca"
    )
    TrainingRequirementFactory(course=acknowledged_course)
    assignments_sync()
    finish(employee, acknowledged_course)
    services.acknowledgment_sign(
        employee=employee, course=acknowledged_course, signature="Ana Baca"
    )
    client.force_login(liaison.user)
    code = liaison.department.code
    page = client.get(reverse("compliance:department", args=[code])).content.decode()
    assert "Acknowledged" in page and "(edition 1)" in page
    export = client.get(reverse("compliance:export", args=[code]))
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert rows[0][-2:] == ["Acknowledged on", "Acknowledged edition"]
    assert rows[1][-1] == "1" and rows[1][-2]


# --- Coverage -----------------------------------------------------------------------------------


def test_coverage_flags_untaught_and_untested_clauses(client, course, clauses):  # noqa: F811
    untested = ClauseFactory(document=clauses["7"].document, number="12", title="Identification")
    course.reporting_lesson.clauses.add(untested)
    course.reporting_lesson.save_revision().publish()
    untaught = ClauseFactory(document=clauses["7"].document, number="13", title="Public spaces")
    oei = UserFactory(roles=[roles.OEI_ADMIN])
    roles_sync()

    (document,) = selectors.guidance_coverage(user=oei)
    rows = {row.clause.number: row for row in document.clauses}
    assert [lesson["title"] for lesson in rows["7"].lessons] == ["The guidance"]
    assert [q["text"] for q in rows["7"].questions] == ["Whose guidance do you follow?"]
    assert rows["12"].untested and not rows["12"].untaught
    assert rows["13"].untaught and rows["13"].untested
    assert (document.untaught, document.untested) == (1, 2)
    assert untaught.pk

    client.force_login(oei)
    page = client.get(reverse("guidance_coverage"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Not tested" in html and "Not taught" in html

    client.force_login(EmployeeFactory().user)
    assert client.get(reverse("guidance_coverage")).status_code in (302, 403)
    assert selectors.guidance_coverage(user=EmployeeFactory().user) == []


# --- Audit log ----------------------------------------------------------------------------------


def test_oei_reads_the_audit_log_in_the_site_history(client, course, editor):  # noqa: F811
    roles_sync()
    services.course_edition_prepare(course=course, summary="Memo", changed_lessons=[], user=editor)
    services.course_edition_publish(course=course, user=editor)
    oei = UserFactory(roles=[roles.OEI_ADMIN])
    client.force_login(oei)
    response = client.get("/admin/reports/site-history/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "New edition published" in html and "New edition prepared" in html
    # Append-only: the admin offers no way to change or delete entries.
    assert "delete" not in response.request["PATH_INFO"]
    assert client.post("/admin/reports/site-history/", {}).status_code in (403, 405)
