"""Issue 18: translated course content. A course and its Spanish translation (a Wagtail
translation: same translation_key, locale ``es``) are one course: learners read it in their
language when an approved translation exists, every record refers to the English source, and
a translation behind its source edition is never served."""

import copy

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Locale
from wagtail_localize.models import Translation, TranslationSource

from certificates.models import Certificate, CertificateSerialCounter
from certificates.rendering import certificate_html
from courses import selectors, services
from courses.approval import WORKFLOW_NAME, approval_workflow_ensure
from courses.models import Completion, CoursePage, Enrollment, LessonProgress, QuizAttempt
from lms.compliance.models import Assignment
from lms.compliance.services import assignments_sync
from lms.models import OrganisationSettings
from lms.organisation import roles
from lms.organisation.roles import roles_sync
from lms.reports import selectors as report_selectors
from tests.courses.conftest import right_answers, wrong_answers
from tests.factories import (
    CoursePageFactory,
    EmployeeFactory,
    LessonPageFactory,
    TrainingRequirementFactory,
    UserFactory,
    quiz_question,
)

SPANISH_TITLE = "Encuentros con agentes federales de inmigración"
SPANISH_LESSONS = ["La guía", "Cómo informar"]


@pytest.fixture
def es(db):
    return Locale.objects.get_or_create(language_code="es")[0]


def spanish_quiz(course) -> list:
    """The course's question bank with every text in "Spanish", block ids kept (as
    copy_for_translation and wagtail-localize keep them)."""
    data = copy.deepcopy(list(course.quiz.raw_data))
    for block in data:
        block["value"]["text"] = "ES: " + block["value"]["text"]
        block["value"]["explanation"] = "ES: " + block["value"]["explanation"]
        for choice in block["value"]["choices"]:
            choice["value"]["text"] = "ES: " + choice["value"]["text"]
    return data


def translate(page, locale, *, publish=True, **fields):
    """A translation as the editors make it, published as the legal reviewer's approval does."""
    translation = page.specific.copy_for_translation(locale, copy_parents=True)
    for name, value in fields.items():
        setattr(translation, name, value)
    revision = translation.save_revision()
    if publish:
        revision.publish()
        translation.refresh_from_db()
    return translation


def translate_course(course, locale, lessons, *, publish=True):
    spanish = translate(
        course, locale, title=SPANISH_TITLE, quiz=spanish_quiz(course), publish=publish
    )
    for lesson, title in zip(lessons, SPANISH_LESSONS, strict=False):
        translate(lesson, locale, title=title, publish=publish)
    return spanish


def in_spanish(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    return client


def in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_a_spanish_learner_completes_the_course_in_spanish_and_it_counts(
    employee_client, employee, quiz_course, es
):
    TrainingRequirementFactory(course=quiz_course)
    assignments_sync()
    OrganisationSettings.load()
    CertificateSerialCounter.objects.create(year=timezone.localtime().year)
    spanish = translate_course(quiz_course, es, quiz_course.lesson_list)
    employee.preferred_language = "es"
    employee.save()
    client = in_spanish(employee_client)
    home = client.get("/").content.decode()
    assert f'lang="es">{SPANISH_TITLE}</a>' in home  # the catalogue, in Spanish

    first = quiz_course.lesson_list[0]
    html = client.get(first.url).content.decode()
    assert '<html lang="es">' in html
    assert '<h1 lang="es">La guía</h1>' in html
    assert f'lang="es">{SPANISH_TITLE}</h2>' in html  # the course in the side navigation
    assert "lms-content-language-note" not in html
    for lesson in quiz_course.lesson_list:
        client.post(reverse("courses:lesson_complete", args=[lesson.pk]))
    response = client.post(reverse("courses:quiz_start", args=[quiz_course.pk]))
    assert response.status_code == 302

    attempt = QuizAttempt.objects.get(employee=employee)
    assert attempt.course_id == quiz_course.pk  # the source course, not the translation
    assert attempt.language == "es"
    assert attempt.course_title == SPANISH_TITLE
    assert all(question["text"].startswith("ES: ") for question in attempt.questions)
    assert all(c["text"].startswith("ES: ") for q in attempt.questions for c in q["choices"])
    source_ids = {block.id for block in quiz_course.quiz}
    assert {question["id"] for question in attempt.questions} == source_ids
    page = client.get(reverse("courses:attempt", args=[attempt.public_id])).content.decode()
    assert 'class="lms-question__text" lang="es">ES: ' in page

    data = {f"q-{key}": value for key, value in right_answers(attempt).items()}
    with CaptureQueriesContext(connection) as submitted:
        client.post(reverse("courses:attempt", args=[attempt.public_id]), data)
    # The certificate takes the title the course was taken in: no page is read to name it.
    assert not [q for q in submitted.captured_queries if "wagtailcore_page" in q["sql"]]

    completion = Completion.objects.get(employee=employee)
    assert completion.course_id == quiz_course.pk
    assert completion.course_title == SPANISH_TITLE
    assert completion.language == "es"
    assignment = Assignment.objects.get(employee=employee)
    assert assignment.latest_completed_at == completion.completed_at  # the requirement is met
    certificate = Certificate.objects.get(completion=completion)
    assert (certificate.course_title, certificate.course_title_language) == (SPANISH_TITLE, "es")
    mine = client.get(reverse("certificates:mine")).content.decode()
    assert f'<span lang="es">{SPANISH_TITLE}</span>' in mine
    verified = Client().get(reverse("certificates:verify", args=[certificate.code]))
    assert f'<td lang="es">{SPANISH_TITLE}</td>' in verified.content.decode()
    assert f'class="course" lang="es">{SPANISH_TITLE}<' in certificate_html(certificate=certificate)
    assert not Enrollment.objects.filter(course=spanish).exists()


def test_switching_the_language_mid_course_keeps_the_progress(
    employee_client, employee, quiz_course, es
):
    translate_course(quiz_course, es, quiz_course.lesson_list)
    first, second = quiz_course.lesson_list
    client = in_spanish(employee_client)
    client.post(reverse("courses:lesson_complete", args=[first.pk]))

    in_english(client)
    html = client.get(second.url).content.decode()
    assert '<h1 lang="en">Reporting</h1>' in html
    # The lesson read in Spanish is read in English too.
    assert '<span lang="en">The guidance</span> <span class="lms-done">' in html
    client.post(reverse("courses:lesson_complete", args=[second.pk]))
    assert LessonProgress.objects.filter(enrollment__employee=employee).count() == 2
    client.post(reverse("courses:quiz_start", args=[quiz_course.pk]))
    attempt = QuizAttempt.objects.get(employee=employee)
    assert attempt.language == "en"

    # Back to Spanish: the open attempt is the same one, its questions as they were shown.
    in_spanish(client)
    response = client.get(reverse("courses:quiz", args=[quiz_course.pk]))
    assert response.context["open_attempt"] == attempt
    assert response.context["progress"].all_lessons_done
    page = client.get(reverse("courses:attempt", args=[attempt.public_id])).content.decode()
    assert 'class="lms-question__text" lang="en">' in page
    assert "ES: " not in page
    assert Enrollment.objects.filter(employee=employee).count() == 1


def test_without_a_translation_the_course_opens_in_english_with_a_note(
    employee_client, quiz_course, es
):
    html = in_spanish(employee_client).get(quiz_course.url).content.decode()
    assert '<html lang="es">' in html
    assert '<h1 lang="en">Encountering federal immigration agents</h1>' in html
    assert "lms-content-language-note" in html
    assert "Este curso aún no está disponible en su idioma" in html
    english = in_english(employee_client).get(quiz_course.url).content.decode()
    assert "lms-content-language-note" not in english


def test_an_unapproved_translation_is_never_served(employee_client, quiz_course, es):
    # Made but never approved (a draft): learners get the English course.
    translate_course(quiz_course, es, quiz_course.lesson_list, publish=False)
    client = in_spanish(employee_client)
    html = client.get(quiz_course.url).content.decode()
    assert SPANISH_TITLE not in html and "lms-content-language-note" in html
    lesson_html = client.get(quiz_course.lesson_list[0].url).content.decode()
    assert "La guía" not in lesson_html

    # Approved once; a later change waiting for approval is not shown either.
    spanish = CoursePage.objects.get(translation_key=quiz_course.translation_key, locale=es)
    spanish.get_latest_revision().publish()
    spanish.refresh_from_db()
    spanish.title = "Borrador sin aprobar"
    spanish.save_revision()
    html = client.get(quiz_course.url).content.decode()
    assert SPANISH_TITLE in html
    assert "Borrador sin aprobar" not in html
    # Nor can its own address serve it: every address is routed through the English tree.
    client.post(reverse("courses:course_start", args=[spanish.pk]))
    assert not Enrollment.objects.filter(course=spanish).exists()
    assert Enrollment.objects.filter(course=quiz_course).count() == 1


def test_a_translation_behind_its_source_edition_is_not_the_new_edition(
    employee_client, employee, quiz_course, es
):
    spanish = translate_course(quiz_course, es, quiz_course.lesson_list)
    old_revision = spanish.get_latest_revision()
    editor = UserFactory(roles=[roles.CONTENT_EDITOR])
    services.course_edition_prepare(
        course=quiz_course, summary="Section 7 memo updated.", changed_lessons=[], user=editor
    )
    services.course_edition_publish(course=quiz_course, user=editor)
    quiz_course.refresh_from_db()
    spanish.refresh_from_db()
    assert (quiz_course.edition, spanish.edition) == (2, 1)
    assert selectors.translations_behind(course=quiz_course) == [spanish]

    learner = in_spanish(employee_client)
    html = learner.get(quiz_course.url).content.decode()
    assert SPANISH_TITLE not in html and "lms-content-language-note" in html
    learner.post(reverse("courses:quiz_start", args=[quiz_course.pk]))  # lessons unread: refused
    for lesson in quiz_course.lesson_list:
        learner.post(reverse("courses:lesson_complete", args=[lesson.pk]))
    learner.post(reverse("courses:quiz_start", args=[quiz_course.pk]))
    attempt = QuizAttempt.objects.get(employee=employee)
    assert (attempt.language, attempt.course_edition) == ("en", 2)
    assert attempt.course_title == "Encountering federal immigration agents"

    # Editors see it flagged, on the translation and on its source.
    admin = UserFactory(is_superuser=True, roles=[roles.EMPLOYEE])
    client = Client()
    client.force_login(admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[spanish.pk])).content.decode()
    assert "Behind its source edition" in edit
    source_edit = client.get(reverse("wagtailadmin_pages:edit", args=[quiz_course.pk]))
    assert "Translations behind this course" in source_edit.content.decode()

    # Approving the translation as it was before the edition does not bring it up to date...
    old_revision.publish()
    spanish.refresh_from_db()
    assert spanish.edition == 1
    assert selectors.course_translation_shown(course=quiz_course, language="es") is None
    # ... an update written for the new edition, once approved, does.
    spanish.title = SPANISH_TITLE + " (2.ª edición)"
    spanish.save_revision().publish()
    spanish.refresh_from_db()
    assert spanish.edition == 2
    assert SPANISH_TITLE + " (2.ª edición)" in learner.get(quiz_course.url).content.decode()


def test_item_analysis_merges_a_question_with_its_translation(quiz_course, es, oei):
    spanish = translate_course(quiz_course, es, quiz_course.lesson_list)
    for number, shown in enumerate((None, spanish, spanish)):
        employee = EmployeeFactory()
        for lesson in quiz_course.lesson_list:
            services.lesson_complete(employee=employee, lesson=lesson)
        attempt = services.quiz_attempt_start(employee=employee, course=quiz_course, shown=shown)
        answers = right_answers(attempt) if number == 0 else wrong_answers(attempt)
        services.quiz_attempt_submit(
            employee=employee, attempt_key=attempt.public_id, answers=answers
        )
    rows = [row for group in report_selectors.item_analysis(user=oei) for row in group.items]
    assert len(rows) == len(quiz_course.quiz)  # one row per question, not one per language
    for row in rows:
        assert row.answered == 3
        assert row.correct == 1
        assert not row.question.startswith("ES: ")  # reported as asked in English
        assert row.course_title == "Encountering federal immigration agents"
        text, count = row.most_chosen_wrong
        assert count == 2 and not text.startswith("ES: ")


def test_the_lesson_page_in_spanish_uses_the_same_queries_at_any_size(
    employee_client, employee, training_index, es
):
    client = in_spanish(employee_client)
    counts = {}
    for lessons, questions in ((3, 4), (30, 40)):
        course = CoursePageFactory(
            parent=training_index,
            quiz=[quiz_question(f"Q{i}", [("yes", True), ("no", False)]) for i in range(questions)],
        )
        pages = [LessonPageFactory(parent=course) for _ in range(lessons)]
        translate(course, es, title="Curso", quiz=spanish_quiz(course))
        for page in pages:
            translate(page, es, title="Lección")
        services.lesson_complete(employee=employee, lesson=pages[0])
        url = pages[1].url
        client.get(url)  # warm caches (site root paths)
        with CaptureQueriesContext(connection) as lesson_queries:
            html = client.get(url).content.decode()
        assert '<h1 lang="es">Lección</h1>' in html
        with CaptureQueriesContext(connection) as course_queries:
            client.get(course.url)
        counts[lessons] = (len(lesson_queries), len(course_queries))
    assert counts[3] == counts[30], counts


def test_translations_publish_only_through_the_legal_review_beside_their_source(
    client, quiz_course, training_index, es
):
    roles_sync()
    approval_workflow_ensure()
    editor = UserFactory(roles=[roles.CONTENT_EDITOR])
    reviewer = UserFactory(roles=[roles.LEGAL_REVIEWER])
    # An editor translates the course with wagtail-localize.
    training_index.copy_for_translation(es, copy_parents=True, alias=True)
    source, _created = TranslationSource.get_or_create_from_instance(quiz_course)
    translation = Translation.objects.create(source=source, target_locale=es)
    translation.save_target(user=editor, publish=False)
    spanish = CoursePage.objects.get(translation_key=quiz_course.translation_key, locale=es)
    assert not spanish.live

    # The editor cannot publish it; the City Attorney approval workflow covers it.
    assert not spanish.permissions_for_user(editor).can_publish()
    workflow = spanish.get_workflow()
    assert workflow is not None and workflow.name == WORKFLOW_NAME
    workflow.start(spanish, editor)

    # The legal reviewer opens it in wagtail-localize's editor, beside its English source.
    client.force_login(reviewer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("wagtailadmin_pages:edit", args=[spanish.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Whose guidance do you follow when ICE agents arrive?" in page  # a source segment
    assert spanish.permissions_for_user(reviewer).can_publish()

    # Until approved, learners never get it; the approval publishes it.
    assert selectors.course_translation_shown(course=quiz_course, language="es") is None
    task_state = spanish.current_workflow_task_state
    task_state.task.specific.on_action(task_state, reviewer, "approve")
    spanish.refresh_from_db()
    assert spanish.live
    assert selectors.course_translation_shown(course=quiz_course, language="es") == spanish


def test_the_certificate_names_the_course_in_the_recipients_language(quiz_course, es):
    OrganisationSettings.load()
    translate_course(quiz_course, es, quiz_course.lesson_list)
    titles = {}
    for language in ("es", "en"):
        employee = EmployeeFactory(preferred_language=language)
        for lesson in quiz_course.lesson_list:
            services.lesson_complete(employee=employee, lesson=lesson)
        # Taken in English (say, on a shared computer): the certificate is still theirs to read.
        attempt = services.quiz_attempt_start(employee=employee, course=quiz_course)
        services.quiz_attempt_submit(
            employee=employee, attempt_key=attempt.public_id, answers=right_answers(attempt)
        )
        certificate = Certificate.objects.get(employee=employee)
        titles[language] = (certificate.course_title, certificate.course_title_language)
    english = "Encountering federal immigration agents"
    assert titles == {"es": (SPANISH_TITLE, "es"), "en": (english, "en")}


def test_a_course_taken_in_spanish_by_an_english_reader_is_certified_in_english(quiz_course, es):
    """The certificate is rendered in its recipient's language, and names the course in it:
    one who prefers English but read the Spanish course gets the English title, marked so."""
    OrganisationSettings.load()
    spanish = translate_course(quiz_course, es, quiz_course.lesson_list)
    employee = EmployeeFactory(preferred_language="en")
    for lesson in quiz_course.lesson_list:
        services.lesson_complete(employee=employee, lesson=lesson)
    attempt = services.quiz_attempt_start(employee=employee, course=quiz_course, shown=spanish)
    services.quiz_attempt_submit(
        employee=employee, attempt_key=attempt.public_id, answers=right_answers(attempt)
    )
    completion = Completion.objects.get(employee=employee)
    assert (completion.course_title, completion.language) == (SPANISH_TITLE, "es")
    certificate = Certificate.objects.get(employee=employee)
    assert certificate.course_title == "Encountering federal immigration agents"
    assert certificate.course_title_language == "en"


def test_the_prepared_title_read_answers_as_the_rule_does_in_every_state(quiz_course, es):
    """``course_translated_title`` (one prepared SQL read, in every completion's transaction)
    gives the title of exactly the translation ``course_translation_shown`` serves: none, a
    draft, a live one, one behind a new edition, one brought up to date; and for another course
    or language, none."""
    other = CoursePageFactory(parent=quiz_course.get_parent())

    def agree() -> str | None:
        shown = selectors.course_translation_shown(course=quiz_course, language="es")
        title = selectors.course_translated_title(course_id=quiz_course.pk, language="es")
        assert title == (shown.title if shown is not None else None)
        assert selectors.course_translated_title(course_id=other.pk, language="es") is None
        assert selectors.course_translated_title(course_id=quiz_course.pk, language="fr") is None
        assert selectors.course_translated_title(course_id=quiz_course.pk, language="en") is None
        return title

    assert agree() is None
    spanish = translate_course(quiz_course, es, quiz_course.lesson_list, publish=False)
    assert agree() is None  # a draft awaiting the legal review
    spanish.get_latest_revision().publish()
    assert agree() == SPANISH_TITLE
    editor = UserFactory(roles=[roles.CONTENT_EDITOR])
    services.course_edition_prepare(
        course=quiz_course, summary="Section 7 memo updated.", changed_lessons=[], user=editor
    )
    services.course_edition_publish(course=quiz_course, user=editor)
    assert agree() is None  # behind the source's new edition
    spanish.refresh_from_db()
    spanish.title = SPANISH_TITLE + " (2.ª edición)"
    spanish.save_revision().publish()
    assert agree() == SPANISH_TITLE + " (2.ª edición)"
    spanish.refresh_from_db()
    spanish.unpublish()
    assert agree() is None
