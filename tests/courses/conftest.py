import pytest

from tests.factories import CoursePageFactory, LessonPageFactory, quiz_question


@pytest.fixture
def quiz_course(training_index):
    """A course of two lessons and a three-question quiz (pass mark 60%)."""
    course = CoursePageFactory(
        parent=training_index,
        title="Encountering federal immigration agents",
        quiz_pass_mark=60,
        quiz_shuffle_choices=False,
        validity_months=12,
        quiz=[
            quiz_question(
                "Whose guidance do you follow when ICE agents arrive?",
                [("The City Attorney's Office", True), ("Whoever asks first", False)],
            ),
            quiz_question(
                "Who must be told about ICE activity on City property?",
                [
                    ("The Mayor's Office", True),
                    ("The City Attorney's Office", True),
                    ("The OIRA Steering Committee", True),
                    ("Nobody", False),
                ],
                kind="multiple",
            ),
            quiz_question(
                "APD may interfere with ICE activity.",
                [("True", False), ("False", True)],
                kind="true_false",
            ),
        ],
    )
    course.lesson_list = [
        LessonPageFactory(parent=course, title="The guidance"),
        LessonPageFactory(parent=course, title="Reporting"),
    ]
    return course


def right_answers(attempt) -> dict[str, list[str]]:
    return {q["id"]: q["correct"] for q in attempt.questions}


def wrong_answers(attempt) -> dict[str, list[str]]:
    answers = {}
    for q in attempt.questions:
        wrong = [c["id"] for c in q["choices"] if c["id"] not in q["correct"]]
        answers[q["id"]] = wrong[:1]
    return answers
