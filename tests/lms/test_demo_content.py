"""The demo courses as content files (lms/demo/courses/, docs/demo-content.md): every lesson and
question in English and Spanish, every lesson citing a clause of the order, every policy block
citing a section the order has. No database: the files are read as load_demo reads them."""

import shutil
from pathlib import Path

import pytest

from lms.demo import content
from lms.demo.content import ContentFileError, content_problems, course_read, courses_read

COURSE = "federal-agents-at-city-facilities"


@pytest.fixture
def courses_copy(tmp_path) -> Path:
    """A copy of the demo's course folders, to break."""
    shutil.copytree(content.COURSES_DIR, tmp_path / "courses")
    return tmp_path / "courses"


def lesson_file(folder: Path, language: str = "en") -> Path:
    return sorted((folder / COURSE / "lessons").glob(f"*.{language}.md"))[0]


def test_every_demo_course_is_complete_in_both_languages_and_cited():
    courses = courses_read()

    assert [course.slug for course in courses] == [course.slug for course in content.COURSES]
    assert content_problems(courses) == []
    for course in courses:
        assert set(course.texts) == {"en", "es"}
        assert course.texts["es"].title != course.texts["en"].title
        assert content.SAMPLE_SENTENCES["es"] in course.texts["es"].summary
        assert bool(course.texts["es"].content_note) == bool(course.texts["en"].content_note)
        for lesson in course.lessons:
            english, spanish = lesson.texts["en"], lesson.texts["es"]
            assert spanish.title != english.title
            # The same blocks in the same order, so the translation can be reviewed side by side.
            assert [b["type"] for b in spanish.body] == [b["type"] for b in english.body]
            assert spanish.clauses == english.clauses
        for question in course.quiz:
            english, spanish = question.texts["en"], question.texts["es"]
            assert spanish.text != english.text and spanish.explanation != english.explanation
            assert len(spanish.choices) == len(english.choices)


def test_every_demo_course_has_policy_and_sample_guidance_blocks():
    for course in content.COURSES:
        types = {block["type"] for lesson in course.lessons for block in lesson.body}
        assert {"policy", "sample_guidance"} <= types, course.slug


@pytest.mark.parametrize(
    "statement",
    [
        "never ask a child about immigration status",
        "do not ask about immigration status",
        "do not write it down",
        "the same day",
        "never physically interfere",
        "do not hand over records or footage yourself",
        "on your own authority",
        "is how you meet all of these at once",
        "unless the City Attorney's Office confirms",
        "officers do not take payments",
        "came to the United States without a parent",
        "including personnel, equipment, facilities and information",
        "Your supervisor or liaison can tell you how to connect",
    ],
)
def test_the_statements_found_on_review_are_gone(statement):
    """Issue 18's review: statements presented as the order's that the order does not contain."""
    for course in content.COURSES:
        for lesson in course.lessons:
            text = lesson.texts["en"].path.read_text(encoding="utf-8")
            assert statement.lower() not in text.lower(), (lesson.slug, statement)
        for question in course.quiz:
            words = question.texts["en"]
            assert statement.lower() not in " ".join((words.text, *words.choices)).lower()


def test_a_lesson_without_its_spanish_file_is_reported(courses_copy):
    lesson_file(courses_copy, "es").unlink()

    problems = content_problems(courses_read(courses_copy))

    assert len(problems) == 1
    assert "no es lesson file" in problems[0]


def test_a_question_without_its_spanish_translation_is_reported(courses_copy):
    path = courses_copy / COURSE / "course.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  es:\n    question:")
    end = text.index("\n- kind:", start)
    path.write_text(text[:start] + text[end + 1 :], encoding="utf-8")

    problems = content_problems(courses_read(courses_copy))

    assert problems == [f"{COURSE}: question 1 has no es translation."]


def test_a_lesson_that_cites_no_clause_is_reported(courses_copy):
    path = lesson_file(courses_copy)
    text = path.read_text(encoding="utf-8")
    front, _marker, body = text.partition("clauses:\n")
    path.write_text(front + "clauses: []\n---\n" + body.split("---\n", 1)[1], encoding="utf-8")

    problems = content_problems(courses_read(courses_copy))

    assert len(problems) == 1 and problems[0].endswith("the lesson cites no clause.")


def test_a_policy_block_citing_a_section_the_order_lacks_is_reported(courses_copy):
    path = lesson_file(courses_copy, "es")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("::: policy EO §1\n", "::: policy EO §18\n", 1))

    problems = content_problems(courses_read(courses_copy))

    assert any("a policy block cites 'EO §18'" in problem for problem in problems)


def test_a_section_sign_naming_no_section_of_the_order_is_reported(courses_copy):
    path = lesson_file(courses_copy)
    path.write_text(path.read_text(encoding="utf-8") + "\nAs §21 says, tell your liaison.\n")

    problems = content_problems(courses_read(courses_copy))

    assert len(problems) == 1 and problems[0].endswith("the order has no §21.")


def test_spanish_choices_right_where_the_english_ones_are(courses_copy):
    path = courses_copy / COURSE / "course.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("- right: La Oficina del Alcalde\n", "- wrong: La Oficina del Alcalde\n")
    path.write_text(text, encoding="utf-8")

    with pytest.raises(ContentFileError, match="not right and wrong in the same places"):
        course_read(courses_copy / COURSE)


def test_an_unclosed_block_names_the_file(courses_copy):
    path = lesson_file(courses_copy)
    path.write_text(path.read_text(encoding="utf-8") + "\n::: guidance\nNever closed.\n")

    with pytest.raises(ContentFileError, match=path.name):
        courses_read(courses_copy)


def test_markdown_becomes_wagtail_rich_text():
    source = "A **bold** and *italic* word.\n\n- one\n- two\n\n1. first\n1. second"

    assert content.markdown_to_rich_text(source) == (
        "<p>A <b>bold</b> and <i>italic</i> word.</p><ul><li>one</li><li>two</li></ul>"
        "<ol><li>first</li><li>second</li></ol>"
    )
