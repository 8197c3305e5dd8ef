"""Issue 18 with issue 16: a translation's lessons belong to the same editions as its source.
While the source course has a pending edition, a change to a Spanish lesson is held like a
change to an English one, and goes live with the edition when the City Attorney's Office
approves it (a Spanish lesson change never goes live before the edition it belongs to)."""

import pytest
from django.test import Client
from django.urls import reverse

from courses import selectors, services
from courses.models import HeldLessonRevision, LessonPage
from tests.courses.test_edition_lessons import (  # noqa: F401
    NEW_TEXT,
    OLD_TEXT,
    approve,
    editor,
    governed,
    live_text,
    prepare,
    reviewer,
)
from tests.courses.test_editions import clauses, course  # noqa: F401
from tests.courses.test_translations import es, in_spanish, translate  # noqa: F401
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

OLD_SPANISH = "Siga la guía de 2024."
NEW_SPANISH = "Siga el memorando de la Fiscalía Municipal del 10-02-2025."


@pytest.fixture
def spanish(governed, es):  # noqa: F811
    """The governed course and its lessons translated and approved (published)."""
    spanish_course = translate(governed, es, title="Encuentros con agentes federales")
    lessons = {}
    for lesson in (governed.guidance_lesson, governed.reporting_lesson):
        lessons[lesson.pk] = translate(
            lesson, es, title=f"ES {lesson.title}", body=[("text", f"<p>{OLD_SPANISH}</p>")]
        )
    spanish_course.guidance_lesson = lessons[governed.guidance_lesson.pk]
    return spanish_course


def spanish_edit(lesson, user=None):
    lesson = LessonPage.objects.get(pk=lesson.pk)
    lesson.body = [("text", f"<p>{NEW_SPANISH}</p>")]
    return lesson.save_revision(user=user)


def test_a_spanish_lesson_change_waits_for_the_source_edition(
    governed,  # noqa: F811
    spanish,
    editor,  # noqa: F811
    reviewer,  # noqa: F811
):
    lesson = spanish.guidance_lesson
    edition = prepare(governed, editor, changed=[governed.guidance_lesson])
    assert selectors.pending_edition_of_lesson(lesson=lesson) == edition

    revision = spanish_edit(lesson, user=editor)
    revision.publish(user=reviewer)

    # Held for the source's edition: the Spanish lesson learners read is still edition 1's.
    assert OLD_SPANISH in live_text(lesson) and NEW_SPANISH not in live_text(lesson)
    held = HeldLessonRevision.objects.get(revision=revision)
    assert (held.edition, held.lesson_id) == (edition, lesson.pk)
    learner = in_spanish(Client())
    learner.force_login(EmployeeFactory(preferred_language="es").user)
    html = learner.get(governed.guidance_lesson.url).content.decode()
    assert OLD_SPANISH in html and NEW_SPANISH not in html

    # The edition's approval publishes it with the English change.
    spanish_revision_id = revision.pk
    services.course_edition_publish(course=governed, user=reviewer)
    assert LessonPage.objects.get(pk=lesson.pk).live_revision_id == spanish_revision_id
    assert NEW_SPANISH in live_text(lesson)
    # Once the edition is out, Spanish lesson edits publish at once again.
    assert selectors.pending_edition_of_lesson(lesson=lesson) is None


def test_a_spanish_lesson_approved_in_the_workflow_is_held_too(
    client,
    governed,  # noqa: F811
    spanish,
    editor,  # noqa: F811
    reviewer,  # noqa: F811
):
    lesson = spanish.guidance_lesson
    prepare(governed, editor)
    spanish_edit(lesson, user=editor)
    lesson.get_workflow().start(LessonPage.objects.get(pk=lesson.pk), editor)
    approve(client, lesson, reviewer)
    assert OLD_SPANISH in live_text(lesson) and NEW_SPANISH not in live_text(lesson)
    assert HeldLessonRevision.objects.filter(lesson_id=lesson.pk).exists()
    # The lesson's editor says it waits for the edition, as it does on the English lesson.
    page = client.get(reverse("wagtailadmin_pages:edit", args=[lesson.pk])).content.decode()
    assert "go live with edition 2 when it is approved" in page


def test_without_a_pending_edition_a_spanish_lesson_publishes_at_once(
    governed,  # noqa: F811
    spanish,
    reviewer,  # noqa: F811
):
    lesson = spanish.guidance_lesson
    spanish_edit(lesson).publish(user=reviewer)
    assert NEW_SPANISH in live_text(lesson)
    assert not HeldLessonRevision.objects.exists()
    # The English lesson is untouched.
    assert OLD_TEXT in live_text(governed.guidance_lesson)
    assert NEW_TEXT not in live_text(governed.guidance_lesson)
