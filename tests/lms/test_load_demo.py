"""``manage.py load_demo``: the demo tree, courses, city and roles, loaded once and only once."""

import json
import uuid
from datetime import date
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django.utils.html import strip_tags
from wagtail.models import (
    Collection,
    GroupPagePermission,
    Locale,
    Page,
    PageLogEntry,
    Revision,
    Site,
    WorkflowState,
)

from courses import selectors
from courses.blocks import QuizBankBlock, QuizQuestionBlock
from courses.models import QUIZ_BANK_RATIO, Clause, CoursePage, LessonPage, TrainingIndexPage
from lms.compliance.models import Assignment, TrainingRequirement
from lms.compliance.services import assignments_sync
from lms.demo import content
from lms.demo.loader import demo_load
from lms.demo.people import DEMO_PASSWORD, DEPARTMENTS
from lms.demo.stories import LEAVER
from lms.models import HomePage
from lms.organisation import roles
from lms.organisation.models import Department, Employee, Liaison
from tests.quiz_leaks import guess, leaks

User = get_user_model()

pytestmark = pytest.mark.django_db

SENSITIVE_COURSES = {content.ENCOUNTERS.slug, content.MINORS.slug}
MEDIA_BLOCKS = {"image", "video", "document"}


def load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    """Everything a second run must leave exactly as it was."""
    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "page log entries": PageLogEntry.objects.count(),
        "latest revisions": dict(Page.objects.values_list("pk", "latest_revision_id")),
        "sites": list(Site.objects.values_list("pk", "root_page_id", "is_default_site")),
        "departments": Department.objects.count(),
        "users": dict(User.objects.values_list("username", "password")),
        "employees": Employee.objects.count(),
        "liaisons": Liaison.objects.count(),
        "group memberships": User.groups.through.objects.count(),
        "group page permissions": GroupPagePermission.objects.count(),
        "requirements": list(
            TrainingRequirement.objects.values_list(
                "pk", "name", "course_id", "audience", "due_days", "is_active"
            )
        ),
        "requirement departments": TrainingRequirement.departments.through.objects.count(),
        "assignments": list(
            Assignment.objects.order_by("pk").values_list(
                "pk", "employee_id", "requirement_id", "due_on", "is_active"
            )
        ),
    }


def quiz_ids(raw_quiz) -> list[str]:
    """The ids of a question bank's questions and answer choices, in order."""
    ids = []
    for question in raw_quiz:
        ids.append(question["id"])
        ids.extend(choice["id"] for choice in question["value"]["choices"])
    return ids


def demo_course(course: content.CourseContent) -> CoursePage:
    return CoursePage.objects.get(slug=course.slug, locale__language_code="en")


def words_in(lesson: LessonPage) -> list[str]:
    return strip_tags(json.dumps(list(lesson.body.raw_data), ensure_ascii=False)).split()


def groups_of(username: str) -> set[str]:
    return set(User.objects.get(username=username).groups.values_list("name", flat=True))


def assert_demo_tree() -> None:
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("localhost", 80)
    home = site.root_page.specific
    assert isinstance(home, HomePage)
    assert (home.title, home.slug, home.depth, home.live) == ("City Training", "home", 2, True)
    assert "City of Albuquerque" in home.intro
    assert "sample" in home.intro
    # Wagtail's "Welcome to your new Wagtail site!" page is gone: the home page is the only one.
    assert list(Page.objects.filter(depth=2, locale__language_code="en")) == [home.page_ptr]

    index = TrainingIndexPage.objects.child_of(home).get()
    assert (index.title, index.slug, index.live) == ("Training", "training", True)

    courses = list(CoursePage.objects.child_of(index).live().order_by("path"))
    assert [course.slug for course in courses] == [course.slug for course in content.COURSES]
    for course in courses:
        # The commitments course got a second edition in the demo's history (lms.demo.stories).
        assert course.edition == (2 if course.slug == content.COMMITMENTS.slug else 1)
        assert course.estimated_minutes > 0
        assert course.audience_note
        assert content.SAMPLE_SENTENCE in course.summary
        assert course.policy_references.count() >= 3
        assert bool(course.content_note) == (course.slug in SENSITIVE_COURSES)
        lessons = list(course.lessons())
        assert 3 <= len(lessons) <= 5
        assert LessonPage.objects.child_of(course).count() == len(lessons)  # all of them live

        # Every lesson teaches at least one clause; the sample notice is the setting's
        # (LMS_SAMPLE_CONTENT_NOTICE, tests/lms/test_demo_content.py), not a block.
        assert all(lesson.clauses.exists() for lesson in lessons)

    references = {
        reference
        for course in courses
        for reference in (ref.clause.label for ref in course.policy_references.all())
    }
    assert {"EO §1", "EO §7", "EO §15", "C/S R-18-7", "City Attorney memo of 2025-02-10"} <= (
        references
    )


def assert_demo_people() -> None:
    departments = {department.code: department for department in Department.objects.all()}
    assert set(departments) == {demo.code for demo in DEPARTMENTS}
    assert {code for code, d in departments.items() if d.serves_children} == {
        "PARKS",
        "FCS",
        "CULTURE",
    }
    for code, department in departments.items():
        liaison = department.liaisons.get()
        username = f"liaison.{code.lower()}"
        assert liaison.user.username == username
        assert liaison.user.employee.department == department
        assert groups_of(username) == {roles.EMPLOYEE, roles.LIAISON}

    employees = Employee.objects.filter(user__username__startswith="employee")
    assert employees.count() == 40
    assert {e.user.username for e in employees} == {f"employee{n:02d}" for n in range(1, 41)}
    for employee in employees.select_related("user"):
        assert employee.origin == Employee.Origin.DEMO
        assert employee.user.email == f"{employee.user.username}@cabq.example"
        assert employee.job_title and employee.hire_date
        assert groups_of(employee.user.username) == {roles.EMPLOYEE}
    languages = set(employees.values_list("preferred_language", flat=True))
    assert languages == {"en", "es"}
    assert employees.filter(preferred_language="en").count() > 20

    assert Employee.objects.get(employee_number="E10001").user.username == "employee01"
    assert Employee.objects.exclude(origin=Employee.Origin.DEMO).count() == 0
    assert groups_of("oei.admin") == {roles.EMPLOYEE, roles.OEI_ADMIN}
    assert User.objects.get(username="oei.admin").employee.department.code == "OEI"
    assert groups_of("editor") == {roles.EMPLOYEE, roles.CONTENT_EDITOR}
    assert groups_of("legal.reviewer") == {roles.EMPLOYEE, roles.LEGAL_REVIEWER}
    assert not User.objects.filter(is_superuser=True).exists()


def test_load_demo_builds_the_tree_with_three_sample_courses():
    load_demo()

    assert_demo_tree()


def test_every_lesson_body_validates_and_uses_no_media():
    load_demo()

    lessons = LessonPage.objects.filter(locale__language_code="en")
    assert lessons.count() == sum(len(course.lessons) for course in content.COURSES)
    block_types = set()
    for lesson in lessons:
        lesson.body.stream_block.clean(lesson.body)
        lesson.full_clean()
        block_types |= {block.block_type for block in lesson.body}
        # Substantive: several paragraphs, not a stub.
        assert sum(block.block_type == "text" for block in lesson.body) >= 2, lesson.slug
        assert len(words_in(lesson)) >= 400, lesson.slug
        for block in lesson.body:
            if block.block_type == "heading":
                assert block.value["level"] in {"h2", "h3", "h4"}
    assert {"heading", "text", "callout", "scenario"} <= block_types
    assert not block_types & MEDIA_BLOCKS
    kinds = {
        block.value["kind"]
        for lesson in lessons
        for block in lesson.body
        if block.block_type == "callout"
    }
    assert kinds == {"important", "warning"}


def test_load_demo_creates_departments_liaisons_employees_and_roles():
    load_demo()

    assert_demo_people()


def test_running_it_twice_changes_nothing():
    first_output = load_demo()
    before = snapshot()

    second_output = load_demo()

    assert snapshot() == before
    assert "users: 50 created" in first_output
    assert "pages: 0 created, 32 found" in second_output
    assert "users: 0 created, 50 found" in second_output
    assert "requirements: 3 created, 0 found" in first_output
    assert "requirements: 0 created, 3 found" in second_output
    assert f"assignments: 0 created, {Assignment.objects.count()} found" in second_output
    assert "nothing changed" in second_output
    assert demo_load().changed_anything is False


def test_demo_users_sign_in_with_the_demo_password():
    load_demo()

    # As the login page does: django-axes counts sign-ins per request (client address).
    request = RequestFactory().post("/accounts/login/")
    user = authenticate(request, username="employee01", password=DEMO_PASSWORD)

    assert user is not None and user.username == "employee01"
    assert authenticate(request, username="employee01", password="wrong-password") is None
    assert authenticate(request, username="liaison.parks", password=DEMO_PASSWORD) is not None


def test_loads_into_a_database_without_pages_or_sites():
    # What a flush by a transactional test leaves: no tree, no site, no locale, no roles.
    Site.objects.all().delete()
    Page.objects.all().delete()
    Locale.objects.all().delete()
    Collection.objects.all().delete()
    Group.objects.all().delete()
    assert not Page.objects.exists()

    load_demo()

    root = Page.objects.get(depth=1)
    assert root.get_children().get(locale__language_code="en").specific_class is HomePage
    assert_demo_tree()
    assert_demo_people()
    # The roles got their page permissions on the new root.
    editor = Group.objects.get(name=roles.CONTENT_EDITOR)
    assert GroupPagePermission.objects.filter(group=editor, page=root).exists()
    assert all(not problems for problems in Page.find_problems())
    before = snapshot()
    load_demo()
    assert snapshot() == before


def test_a_deleted_lesson_is_recreated_in_its_place():
    load_demo()
    course = CoursePage.objects.get(slug=content.MINORS.slug, locale__language_code="en")
    LessonPage.objects.child_of(course).get(slug=content.MINORS.lessons[1].slug).delete()

    output = load_demo()

    # The lesson and its Spanish translation (deleting a source page takes its translations).
    assert "pages: 2 created" in output
    assert LessonPage.objects.filter(slug=content.MINORS.lessons[1].slug).count() == 2
    assert [lesson.slug for lesson in course.lessons()] == [
        lesson.slug for lesson in content.MINORS.lessons
    ]
    assert all(not problems for problems in Page.find_problems())


# --- The quizzes --------------------------------------------------------------------------------


QUIZ_SETTINGS = {
    "quiz_pass_mark": 80,
    "quiz_question_count": 5,
    "quiz_shuffle_choices": True,
    "quiz_max_attempts": 0,
    "quiz_wait_minutes": 60,
    "quiz_max_attempts_per_day": 3,
    "quiz_review_after_fail": "explained",
    "quiz_review_after_pass": "full",
    "validity_months": 12,
}


def clause_ids() -> dict[str, int]:
    """The demo clauses' ids by citation, as the loader resolves the quiz's references."""
    return {clause.label: clause.pk for clause in Clause.objects.select_related("document")}


def quiz_settings_of(course: CoursePage) -> dict:
    return {name: getattr(course, name) for name in QUIZ_SETTINGS}


def test_every_demo_course_has_a_valid_quiz_with_the_demo_settings():
    load_demo()

    all_ids = []
    for demo in content.COURSES:
        course = demo_course(demo)
        raw = list(course.quiz.raw_data)
        # A retake is a new test: the bank holds at least twice the questions drawn.
        assert len(raw) >= QUIZ_BANK_RATIO * demo.quiz_question_count, demo.slug
        assert not course.quiz_bank_warning(), demo.slug
        QuizBankBlock().clean(course.quiz)  # raises ValidationError if a question is malformed
        assert raw == demo.quiz_stream_data(clause_ids())  # stored as written, ids included
        assert quiz_settings_of(course) == {
            **QUIZ_SETTINGS,
            "quiz_question_count": 5,
        }
        questions = [block.value for block in course.quiz]
        assert {question["kind"] for question in questions} == {
            QuizQuestionBlock.SINGLE,
            QuizQuestionBlock.MULTIPLE,
            QuizQuestionBlock.TRUE_FALSE,
        }
        assert 1 <= sum(question["always_include"] for question in questions) <= 2
        for question in questions:
            assert question["text"].strip().endswith(("?", ".")), question["text"]
            assert len(question["explanation"]) >= 80, question["text"]
            assert question["clauses"], question["text"]  # every question cites a clause
            if question["kind"] == QuizQuestionBlock.TRUE_FALSE:
                assert [choice["text"] for choice in question["choices"]] == ["True", "False"]
            else:
                assert len(question["choices"]) >= 3
        all_ids += quiz_ids(raw)
    assert len(all_ids) == len(set(all_ids))
    assert all(uuid.UUID(block_id).version == 5 for block_id in all_ids)


def test_the_encounters_quiz_follows_the_city_attorneys_guidance_without_restating_it():
    load_demo()
    course = demo_course(content.ENCOUNTERS)

    questions = [block.value for block in course.quiz]
    always = [question for question in questions if question["always_include"]]

    # An always-included question tests that employees follow that office's guidance: a
    # correct choice says so (explanations never name the answer, see docs/quiz-review.md).
    assert any(
        "City Attorney's Office" in choice["text"]
        for question in always
        for choice in question["choices"]
        if choice["is_correct"]
    )
    tested = {Clause.objects.get(pk=pk).label for q in always for pk in q["clauses"]}
    assert tested <= {"EO §7", "EO §9"}
    for question in questions:
        for choice in question["choices"]:
            if "February 10, 2025" in choice["text"]:
                # The memorandum is named only as guidance to follow, never paraphrased.
                assert choice["is_correct"]
                assert "City Attorney's Office" in choice["text"]


def test_the_encounters_quiz_does_not_put_the_right_answer_first():
    """A browser test answers this quiz from its data: the first choice is not a free pass."""
    raw = content.ENCOUNTERS.quiz_stream_data()
    first_right = []
    right_positions = set()
    for question in raw:
        choices = [choice["value"] for choice in question["value"]["choices"]]
        if question["value"]["kind"] == QuizQuestionBlock.TRUE_FALSE:
            assert [choice["text"] for choice in choices] == ["True", "False"]
        right = [position for position, choice in enumerate(choices) if choice["is_correct"]]
        right_positions.update(right)
        first_right.append(right == [0])

    assert not all(first_right)
    # Answering the first choice every time fails whichever questions an attempt draws.
    assert sum(first_right) * 100 < (
        content.ENCOUNTERS.quiz_pass_mark * content.ENCOUNTERS.quiz_question_count
    )
    assert len(right_positions) >= 3
    answers = {
        question["value"]["choices"][0]["value"]["is_correct"]
        for question in raw
        if question["value"]["kind"] == QuizQuestionBlock.TRUE_FALSE
    }
    assert answers == {True, False}  # some statements are true, some false


def demo_questions():
    return [
        pytest.param(question, id=f"{demo.slug}-{number}")
        for demo in content.COURSES
        for number, question in enumerate(demo.quiz)
    ]


def test_the_leak_check_sees_a_quote_through_case_punctuation_and_rewording():
    choice = "Only where federal law or a court order requires it"
    assert leaks("ONLY where federal law, or a court order, requires it!", choice)
    assert leaks("Resources help only where federal law or a court order says.", choice)
    assert leaks("Section 1 names detentions.", "Detentions")
    assert leaks("The answer is true.", "True")
    assert not leaks("Section 1 sets a rule and an exception; read both.", choice)
    assert not leaks("Its exception is narrow.", "True")
    assert guess("single", [choice, "Never"], "Only where the law or a court requires it")
    assert guess("single", [choice, "Never"], "Read section 1.") is None


@pytest.mark.parametrize("question", demo_questions())
def test_no_demo_explanation_quotes_a_choice(question):
    """A failed attempt's page shows the explanations and never the correct choice: an
    explanation that repeats a choice (right or wrong) would say which one is right."""
    quoted = {
        text: how
        for text, _is_correct in question.choices
        if (how := leaks(question.explanation, text))
    }
    assert quoted == {}, question.text


@pytest.mark.parametrize("question", demo_questions())
def test_no_demo_explanation_singles_out_the_right_choice(question):
    """A learner picking the choice that overlaps the explanation most does not find it."""
    correct = {text for text, is_correct in question.choices if is_correct}
    texts = [text for text, _is_correct in question.choices]
    assert guess(question.kind, texts, question.explanation) != correct, question.text


@pytest.mark.parametrize("question", demo_questions())
def test_every_demo_explanation_cites_where_its_rule_comes_from(question):
    for citation in question.clauses:
        if citation.startswith("EO §"):
            cited = f"section {citation.removeprefix('EO §')}"
        else:
            cited = citation
        assert cited.lower() in question.explanation.lower(), (citation, question.text)


def test_quiz_ids_are_stable_across_loads():
    for demo in content.COURSES:
        assert demo.quiz_stream_data() == demo.quiz_stream_data()
        first_question = demo.quiz_stream_data()[0]
        assert first_question["id"] == str(
            uuid.uuid5(content.QUIZ_ID_NAMESPACE, f"{demo.slug}/quiz/0")
        )
        assert first_question["value"]["choices"][1]["id"] == str(
            uuid.uuid5(content.QUIZ_ID_NAMESPACE, f"{demo.slug}/quiz/0/choice/1")
        )


def test_running_it_twice_keeps_the_quizzes_and_their_revisions():
    load_demo()
    before = {
        demo.slug: (
            demo_course(demo).live_revision_id,
            demo_course(demo).latest_revision_id,
            list(demo_course(demo).quiz.raw_data),
        )
        for demo in content.COURSES
    }

    load_demo()

    after = {
        demo.slug: (
            demo_course(demo).live_revision_id,
            demo_course(demo).latest_revision_id,
            list(demo_course(demo).quiz.raw_data),
        )
        for demo in content.COURSES
    }
    assert after == before
    assert all(live == latest for live, latest, _ in after.values())


def empty_the_quiz(course: CoursePage) -> None:
    """Make ``course`` look like a demo course loaded before courses had quizzes."""
    course.quiz = []
    course.quiz_question_count = 0
    course.validity_months = None
    course.save_revision().publish()


def test_a_demo_course_with_an_empty_quiz_gets_the_quiz_in_one_published_revision():
    load_demo()
    course = demo_course(content.ENCOUNTERS)
    empty_the_quiz(course)
    others = {
        demo.slug: demo_course(demo).latest_revision_id
        for demo in content.COURSES
        if demo is not content.ENCOUNTERS
    }
    revisions = Revision.page_revisions.filter(object_id=str(course.pk)).count()

    output = load_demo()

    assert "pages: 0 created, 32 found, 1 updated" in output
    assert "Demo loaded." in output
    course.refresh_from_db()
    assert list(course.quiz.raw_data) == content.ENCOUNTERS.quiz_stream_data(clause_ids())
    assert quiz_settings_of(course) == QUIZ_SETTINGS
    assert Revision.page_revisions.filter(object_id=str(course.pk)).count() == revisions + 1
    assert course.live and course.live_revision_id == course.latest_revision_id
    assert not course.has_unpublished_changes
    assert list(course.get_latest_revision_as_object().quiz.raw_data) == list(course.quiz.raw_data)
    assert {
        demo.slug: demo_course(demo).latest_revision_id
        for demo in content.COURSES
        if demo is not content.ENCOUNTERS
    } == others

    # Filled in once: the next run writes nothing.
    before = snapshot()
    output = load_demo()
    assert snapshot() == before
    assert "nothing changed" in output


def test_a_quiz_an_editor_changed_or_a_pending_draft_is_left_alone():
    load_demo()
    edited = demo_course(content.COMMITMENTS)
    edited.quiz = content.COMMITMENTS.quiz_stream_data()[:1]
    edited.quiz_pass_mark = 60
    edited.save_revision().publish()
    drafted = demo_course(content.MINORS)
    empty_the_quiz(drafted)
    drafted.title = "A draft in progress"
    drafted.save_revision()  # not published
    before = snapshot()

    output = load_demo()

    assert snapshot() == before
    assert "nothing changed" in output
    edited.refresh_from_db()
    assert len(edited.quiz) == 1 and edited.quiz_pass_mark == 60
    drafted.refresh_from_db()
    assert not drafted.has_quiz and drafted.has_unpublished_changes


# --- Training requirements ----------------------------------------------------------------------


def test_load_demo_creates_the_requirements_and_assigns_them():
    output = load_demo()

    requirements = {r.name: r for r in TrainingRequirement.objects.select_related("course")}
    assert set(requirements) == {
        "All staff: immigrant-friendly commitments",
        "All staff: encountering federal agents",
        "Youth-serving departments: trauma-informed protocols",
    }
    commitments = requirements["All staff: immigrant-friendly commitments"]
    assert commitments.course.title == "Albuquerque's immigrant-friendly commitments"
    assert (
        commitments.audience,
        commitments.due_days,
        commitments.recertify_months,
        commitments.window_days,
        commitments.active_from,
        commitments.is_active,
    ) == ("all", 60, 12, 30, date(2025, 7, 21), True)
    agents = requirements["All staff: encountering federal agents"]
    assert agents.course.slug == content.ENCOUNTERS.slug
    assert (agents.audience, agents.due_days, agents.recertify_months, agents.window_days) == (
        "all",
        30,
        12,
        30,
    )
    youth = requirements["Youth-serving departments: trauma-informed protocols"]
    assert youth.course.slug == content.MINORS.slug
    assert (youth.audience, youth.due_days) == ("departments", 45)
    assert set(youth.departments.values_list("code", flat=True)) == {"PARKS", "FCS", "CULTURE"}

    # Everyone but the demo's leaver, whom an HR import deactivated (lms.demo.stories).
    everyone = set(Employee.objects.filter(is_active=True).values_list("pk", flat=True))
    youth_serving = set(
        Employee.objects.filter(department__serves_children=True).values_list("pk", flat=True)
    )
    leavers = set(Employee.objects.filter(is_active=False).values_list("user__username", flat=True))
    assert leavers == {LEAVER}

    def assigned(requirement):
        return set(
            requirement.assignments.filter(is_active=True).values_list("employee_id", flat=True)
        )

    assert assigned(commitments) == everyone
    assert assigned(agents) == everyone
    assert assigned(youth) == youth_serving
    assert 0 < len(youth_serving) < len(everyone)
    total = 2 * (len(everyone) + len(leavers)) + len(youth_serving)
    assert Assignment.objects.count() == total
    assert f"assignments: {total} created, 0 found" in output


def test_an_edited_demo_requirement_is_left_as_oei_changed_it():
    load_demo()
    youth = TrainingRequirement.objects.get(name__startswith="Youth-serving")
    youth.due_days = 90
    youth.departments.set(Department.objects.filter(code="PARKS"))
    youth.save()
    assignments_sync(requirements=[youth])  # as saving it in the admin does
    before = snapshot()

    output = load_demo()

    assert snapshot() == before
    assert "nothing changed" in output
    youth.refresh_from_db()
    assert youth.due_days == 90
    assert list(youth.departments.values_list("code", flat=True)) == ["PARKS"]


def test_load_demo_refuses_where_the_demo_is_not_allowed(settings):
    settings.DEMO_ALLOWED = False
    with pytest.raises(CommandError, match="DEMO_ALLOWED"):
        call_command("load_demo", stdout=StringIO())
    assert not Department.objects.exists()
    call_command("load_demo", force=True, stdout=StringIO())
    assert Department.objects.exists()


# --- The Spanish translations (issue 18) --------------------------------------------------------


def test_without_content_translation_no_spanish_pages_are_made(settings):
    settings.WAGTAIL_I18N_ENABLED = False
    load_demo()

    assert not Page.objects.filter(locale__language_code="es").exists()


def test_with_content_translation_each_course_and_lesson_gets_its_approved_spanish_translation(
    settings,
):
    """The contract with the translation mechanics (WAGTAIL_I18N_ENABLED, wagtail-localize): the
    Spanish course is a translation of the English page, its questions keep their block ids,
    and the demo legal reviewer approved it through the City Attorney approval workflow."""
    settings.WAGTAIL_I18N_ENABLED = True
    settings.WAGTAIL_CONTENT_LANGUAGES = [("en", "English"), ("es", "Español")]

    load_demo()

    spanish = Locale.objects.get(language_code="es")
    for demo in content.COURSES:
        source = CoursePage.objects.get(slug=demo.slug, locale__language_code="en")
        course = source.get_translation(spanish).specific
        assert course.translation_key == source.translation_key
        assert course.live and not course.has_unpublished_changes
        assert course.title == demo.texts["es"].title
        assert course.content_note == demo.texts["es"].content_note
        assert [block.id for block in course.quiz] == [block.id for block in source.quiz]
        assert [block.value["text"] for block in course.quiz] == [
            question.texts["es"].text for question in demo.quiz
        ]
        assert [
            [choice["is_correct"] for choice in block.value["choices"]] for block in course.quiz
        ] == [[choice["is_correct"] for choice in block.value["choices"]] for block in source.quiz]
        lessons = list(LessonPage.objects.child_of(course).order_by("path"))
        assert [lesson.title for lesson in lessons] == [
            lesson.texts["es"].title for lesson in demo.lessons
        ]
        # Not behind its source's edition (the commitments course has a second one in the
        # demo's history): Spanish readers are served it.
        assert course.edition == source.edition
        assert selectors.course_translation_shown(course=source, language="es") == course
        for page in (course, *lessons):
            assert page.live
            # Every review of it (the commitments course's again for its new edition).
            workflows = list(WorkflowState.objects.for_instance(page))
            assert workflows
            for workflow in workflows:
                assert workflow.status == WorkflowState.STATUS_APPROVED
                assert workflow.requested_by.username == "editor"
                task = workflow.task_states.get()
                assert task.finished_by.username == "legal.reviewer"

    output = load_demo()
    assert "nothing changed" in output
