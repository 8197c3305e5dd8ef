"""Editions own their lesson changes (issue 16): while a course has a pending edition, a lesson
edit published by any path (workflow approval, the Publish action, a scheduled publish, the bulk
action, a new lesson published at once) is held as the lesson's draft and goes live with the
edition when the City Attorney's Office approves it, in the same transaction. A learner who
completes in between gets edition 1 of edition-1 content."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageLogEntry, Revision, WorkflowState
from wagtail.signals import page_published
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from certificates.models import Certificate
from courses import services
from courses.approval import approval_workflow_ensure
from courses.models import (
    Completion,
    CourseEdition,
    CoursePage,
    HeldLessonRevision,
    LessonPage,
)
from lms.compliance.services import assignments_sync
from lms.organisation import roles
from lms.organisation.roles import roles_sync
from tests.courses.test_editions import clauses, course, take  # noqa: F401
from tests.factories import (
    EmployeeFactory,
    TrainingRequirementFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

OLD_TEXT = "Follow the guidance of 2024."
NEW_TEXT = "Follow the City Attorney's memo of 2025-02-10."


@pytest.fixture
def governed(course):  # noqa: F811
    roles_sync()
    approval_workflow_ensure()
    lesson = course.guidance_lesson
    lesson.body = [("text", f"<p>{OLD_TEXT}</p>")]
    lesson.save_revision().publish()
    return course


@pytest.fixture
def editor():
    roles_sync()
    return UserFactory(roles=[roles.CONTENT_EDITOR], first_name="Eddie", last_name="Editor")


@pytest.fixture
def reviewer():
    roles_sync()
    return UserFactory(roles=[roles.LEGAL_REVIEWER])


def prepare(governed, editor, changed=()):
    return services.course_edition_prepare(
        course=governed,
        summary="Section 7: the City Attorney's new memo.",
        changed_lessons=list(changed),
        user=editor,
    )


def lesson_edit(lesson, user=None):
    """A new revision of the lesson with the new text (a draft: not live)."""
    lesson = LessonPage.objects.get(pk=lesson.pk)
    lesson.body = [("text", f"<p>{NEW_TEXT}</p>")]
    return lesson.save_revision(user=user)


def live_text(lesson) -> str:
    return str(LessonPage.objects.get(pk=lesson.pk).body)


def approve(client, page, reviewer):
    """The legal reviewer approves the page's workflow in the admin."""
    state = WorkflowState.objects.get(
        object_id=str(page.pk), status=WorkflowState.STATUS_IN_PROGRESS
    )
    client.force_login(reviewer)
    response = client.post(
        reverse(
            "wagtailadmin_pages:workflow_action",
            args=[page.pk, "approve", state.current_task_state.pk],
        ),
        {"comment": "Approved."},
    )
    assert response.status_code in (200, 302)
    return state


def test_a_lesson_edit_approved_on_its_own_waits_for_the_edition(
    client, governed, editor, reviewer
):
    """The defect: the lesson went live at once and learners completing before the edition's
    approval got an edition-1 certificate for edition-2 content."""
    requirement = TrainingRequirementFactory(course=governed, due_days=30, recertify_months=None)
    lesson = governed.guidance_lesson
    learner = EmployeeFactory()
    assignments_sync()
    prepare(governed, editor, changed=[lesson])

    # The editor edits the lesson and submits it; legal approves the lesson on its own.
    lesson_edit(lesson, user=editor)
    lesson.get_workflow().start(LessonPage.objects.get(pk=lesson.pk), editor)
    approve(client, lesson, reviewer)

    # Held: the live lesson is still edition 1's, the approved revision is its draft.
    assert OLD_TEXT in live_text(lesson) and NEW_TEXT not in live_text(lesson)
    held = LessonPage.objects.get(pk=lesson.pk)
    assert held.has_unpublished_changes
    assert NEW_TEXT in str(held.get_latest_revision().as_object().body)

    # A learner who completes now reads edition 1's lesson and gets edition 1.
    client.force_login(learner.user)
    shown = client.get(held.url).content.decode()
    assert OLD_TEXT in shown and NEW_TEXT not in shown
    take(learner, governed, timezone.now())
    first = Completion.objects.get(employee=learner)
    assert first.course_edition == 1

    # Legal approves the edition: the lesson goes live with it.
    approve(client, governed, reviewer)
    assert CoursePage.objects.get(pk=governed.pk).edition == 2
    assert NEW_TEXT in live_text(lesson) and OLD_TEXT not in live_text(lesson)
    client.force_login(learner.user)
    shown = client.get(held.url).content.decode()
    assert NEW_TEXT in shown
    governed.refresh_from_db()
    take(learner, governed, timezone.now() + timedelta(minutes=1))
    second = Completion.objects.filter(employee=learner).latest("completed_at")
    assert second.course_edition == 2
    # The certificates say the same: edition 1 for the first, edition 2 for the second.
    assert [
        (certificate.completion_id, certificate.course_edition)
        for certificate in Certificate.objects.filter(employee=learner).order_by("pk")
    ] == [(first.pk, 1), (second.pk, 2)]
    assert requirement.course_id == governed.pk


def lesson_form(lesson, text, **actions):
    return nested_form_data(
        {
            "title": lesson.title,
            "slug": lesson.slug,
            "summary": "",
            "body": streamfield([("text", rich_text(f"<p>{text}</p>"))]),
            **actions,
        }
    )


def is_held(lesson, revision=None) -> bool:
    """The lesson's live content is still the old one and its latest revision is held."""
    lesson = LessonPage.objects.get(pk=lesson.pk)
    revision = revision or lesson.get_latest_revision()
    return (
        OLD_TEXT in live_text(lesson)
        and lesson.live_revision_id != revision.pk
        and HeldLessonRevision.objects.filter(lesson=lesson, revision=revision).exists()
    )


# --- Every path that publishes a lesson is held while the edition is pending ----------------


def test_revision_publish_is_held_and_logged(governed, editor, reviewer):
    lesson = governed.guidance_lesson
    edition = prepare(governed, editor)
    revision = lesson_edit(lesson, user=editor)
    publications = PageLogEntry.objects.filter(page=lesson, action="wagtail.publish").count()
    revision.publish(user=reviewer)
    assert is_held(lesson, revision)
    held = HeldLessonRevision.objects.get(revision=revision)
    assert (held.edition, held.held_by) == (edition, reviewer)
    assert PageLogEntry.objects.filter(page=lesson, action="wagtail.publish").count() == (
        publications
    )
    # A second attempt holds nothing more.
    revision.publish(user=reviewer)
    assert HeldLessonRevision.objects.count() == 1


def test_holding_needs_the_right_to_publish(governed, editor):
    from wagtail.actions.publish_page_revision import PublishPagePermissionError

    lesson = governed.guidance_lesson
    prepare(governed, editor)
    revision = lesson_edit(lesson, user=editor)
    with pytest.raises(PublishPagePermissionError):
        revision.publish(user=editor)
    assert not HeldLessonRevision.objects.exists()


def test_the_publish_button_is_held_with_a_message(client, governed, editor, reviewer):
    lesson = governed.guidance_lesson
    prepare(governed, editor, changed=[lesson])
    client.force_login(reviewer)
    url = reverse("wagtailadmin_pages:edit", args=[lesson.pk])
    response = client.post(url, lesson_form(lesson, NEW_TEXT, **{"action-publish": "1"}))
    assert response.status_code == 302 and response.url == url
    assert is_held(lesson)
    assert NEW_TEXT in str(
        LessonPage.objects.get(pk=lesson.pk).get_latest_revision().as_object().body
    )
    page = client.get(url).content.decode()
    assert "was saved but not published" in page
    assert "edition 2 of “Encountering federal agents”" in page
    # The editor's form says so before anyone presses Publish.
    assert "go live with edition 2 when it is approved" in page


def test_a_new_lesson_published_at_once_waits_for_the_edition(client, governed, editor, reviewer):
    prepare(governed, editor)
    # Someone who may both add and publish pages.
    client.force_login(UserFactory(roles=[roles.CONTENT_EDITOR, roles.LEGAL_REVIEWER]))
    response = client.post(
        reverse("wagtailadmin_pages:add", args=["courses", "lessonpage", governed.pk]),
        nested_form_data(
            {
                "title": "Ordinance 2025-3",
                "slug": "ordinance-2025-3",
                "summary": "",
                "body": streamfield([("text", rich_text(f"<p>{NEW_TEXT}</p>"))]),
                "action-publish": "1",
            }
        ),
    )
    assert response.status_code == 302
    new = LessonPage.objects.get(slug="ordinance-2025-3")
    assert not new.live
    assert HeldLessonRevision.objects.filter(lesson=new).exists()
    services.course_edition_publish(course=governed, user=reviewer)
    assert LessonPage.objects.get(pk=new.pk).live


def test_a_scheduled_publish_is_held_once(governed, editor, reviewer):
    lesson = LessonPage.objects.get(pk=governed.guidance_lesson.pk)
    prepare(governed, editor)
    lesson.body = [("text", f"<p>{NEW_TEXT}</p>")]
    lesson.go_live_at = timezone.now() + timedelta(minutes=5)
    revision = lesson.save_revision(user=reviewer)
    revision.publish(user=reviewer)  # scheduled: not live, approved to go live at go_live_at
    Revision.objects.filter(pk=revision.pk).update(
        approved_go_live_at=timezone.now() - timedelta(minutes=1)
    )
    call_command("publish_scheduled")
    assert is_held(lesson, revision)
    revision.refresh_from_db()
    assert revision.approved_go_live_at is None, "the scheduler does not try again"
    call_command("publish_scheduled")
    assert HeldLessonRevision.objects.filter(revision=revision).count() == 1


def test_the_bulk_publish_action_is_held(client, governed, editor, reviewer):
    lesson = governed.guidance_lesson
    prepare(governed, editor)
    lesson_edit(lesson, user=editor)
    client.force_login(reviewer)
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "publish"])
    response = client.post(f"{url}?id={lesson.pk}", {"include_descendants": ""})
    assert response.status_code == 302
    assert is_held(lesson)


def test_without_a_pending_edition_a_lesson_publishes_at_once(client, governed, reviewer):
    lesson = governed.guidance_lesson
    client.force_login(reviewer)
    url = reverse("wagtailadmin_pages:edit", args=[lesson.pk])
    client.post(url, lesson_form(lesson, NEW_TEXT, **{"action-publish": "1"}))
    assert NEW_TEXT in live_text(lesson)
    assert not HeldLessonRevision.objects.exists()
    assert "go live with edition" not in client.get(url).content.decode()


# --- The edition's approval publishes them, together ----------------------------------------


def test_the_edition_publishes_changed_and_held_lessons_but_not_other_drafts(
    governed, editor, reviewer
):
    guidance, reporting = governed.guidance_lesson, governed.reporting_lesson
    prepare(governed, editor, changed=[guidance])
    changed_draft = lesson_edit(guidance, user=editor)  # listed as changed: goes live
    reporting = LessonPage.objects.get(pk=reporting.pk)
    reporting.title = "Reporting (corrected)"
    held = reporting.save_revision(user=editor)
    held.publish(user=reviewer)  # a correction, held
    reporting.title = "Reporting (unfinished draft)"
    reporting.save_revision(user=editor)  # a later draft nobody published: stays a draft

    edition = services.course_edition_publish(course=governed, user=reviewer)

    guidance = LessonPage.objects.get(pk=guidance.pk)
    reporting = LessonPage.objects.get(pk=reporting.pk)
    assert guidance.live_revision_id == changed_draft.pk and NEW_TEXT in str(guidance.body)
    assert reporting.live_revision_id == held.pk
    assert reporting.title == "Reporting (corrected)" and reporting.has_unpublished_changes
    latest = PageLogEntry.objects.filter(page=guidance, action="wagtail.publish").order_by("-pk")
    assert latest.first().user == reviewer
    assert edition.number == 2
    # Once the edition is out, lesson edits publish at once again.
    reporting.get_latest_revision().publish(user=reviewer)
    assert LessonPage.objects.get(pk=reporting.pk).title == "Reporting (unfinished draft)"


def test_the_edition_and_its_lessons_publish_in_one_transaction(governed, editor, reviewer):
    lesson = governed.guidance_lesson
    prepare(governed, editor, changed=[lesson])
    lesson_edit(lesson, user=editor)

    def broken(sender, instance, **kwargs):
        raise RuntimeError("the lesson cannot go live")

    page_published.connect(broken, sender=LessonPage, dispatch_uid="test.broken")
    try:
        with pytest.raises(RuntimeError), transaction.atomic():
            services.course_edition_publish(course=governed, user=reviewer)
    finally:
        page_published.disconnect(sender=LessonPage, dispatch_uid="test.broken")
    assert CourseEdition.objects.get().published_at is None
    assert CoursePage.objects.get(pk=governed.pk).edition == 1
    assert OLD_TEXT in live_text(lesson)


# --- The legal reviewer's queue -------------------------------------------------------------


@pytest.fixture
def submitted(governed, editor):
    """Edition 2 submitted, with its changed lesson edited; three people completed edition 1
    (one has since left) and one never did."""
    TrainingRequirementFactory(course=governed, due_days=30, recertify_months=None)
    completers = [EmployeeFactory(), EmployeeFactory(), EmployeeFactory()]
    EmployeeFactory()  # assigned, never completed
    assignments_sync()
    for employee in completers:
        take(employee, governed, timezone.now() - timedelta(days=10))
    leaver = completers[-1]
    leaver.is_active = False
    leaver.save()
    lesson_edit(governed.guidance_lesson, user=editor)
    return prepare(governed, editor, changed=[governed.guidance_lesson])


def test_the_reviewer_sees_who_submitted_what_changed_the_lessons_and_who_owes_it(
    client, governed, submitted, reviewer
):
    lesson = governed.guidance_lesson
    client.force_login(reviewer)
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "New editions awaiting your review" in page
    assert "Edition 2 of “Encountering federal agents”" in page
    assert "Eddie Editor" in page
    assert "Section 7: the City Attorney&#x27;s new memo." in page
    assert "2 people who completed an earlier edition" in page
    revision = LessonPage.objects.get(pk=lesson.pk).latest_revision_id
    compare = reverse("wagtailadmin_pages:revisions_compare", args=[lesson.pk, "live", revision])
    preview = reverse("wagtailadmin_pages:revisions_view", args=[lesson.pk, revision])
    assert compare in page and preview in page
    diff = client.get(compare)
    assert diff.status_code == 200 and "memo of 2025-02-10" in diff.content.decode()
    assert client.get(preview).status_code == 200


def test_only_reviewers_see_the_queue(client, governed, submitted, editor):
    client.force_login(editor)
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "New editions awaiting your review" not in page
    assert "Section 7" not in page


def test_the_queue_empties_once_the_edition_is_approved(client, governed, submitted, reviewer):
    approve(client, governed, reviewer)
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "New editions awaiting your review" not in page
    assert CoursePage.objects.get(pk=governed.pk).edition == 2
