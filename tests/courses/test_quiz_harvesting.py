"""The harvesting walk of issue 14: a learner who fails, reads the result pages and retakes
the quiz, answering only from what those pages showed.

Before the review policy, a failed attempt's result page marked every correct answer, the demo
courses let anyone retake at once, and five questions were drawn from seven or eight: a learner
passed on the third attempt knowing nothing but the pages. The harvester below plays that
learner over HTTP against the demo courses, with the clock moved on as fast as the courses
allow.

It knows nothing of the course. It learns a question's answer only from a page: a choice marked
as correct, its own answer marked "Correct", or, for a single-choice or true-or-false question,
every other choice already marked "Not correct". It also reads the explanations a failed
attempt's page shows: for a question it has not learned, it picks the choice (or, for "select
all that apply", the choices) whose text overlaps that question's explanation most
(``tests.quiz_leaks.guess``, deterministic), unless a page already marked that choice "Not
correct". When the explanation singles nothing out, it answers wrongly, with a choice it has not
tried yet when it can (the most a result page can teach it without luck); so its score is what
the pages gave away, nothing else.
"""

import re
from dataclasses import dataclass, field
from datetime import timedelta
from html import unescape

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from courses import services
from courses.models import CoursePage, QuizAttempt, QuizReview
from lms.demo import content
from lms.organisation.models import Employee
from tests.quiz_leaks import guess

pytestmark = pytest.mark.django_db

LEARNER = "employee01"  # completes nothing in the demo


class Clock:
    """The time the server sees: moved on by the test, never backwards."""

    def __init__(self):
        self.now = timezone.now()

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch, settings):
    # The harvester waits out hours on this clock between attempts; the learner's session must
    # outlive those waits (a session idle for SESSION_IDLE_MINUTES, 60 by default, ends).
    settings.SESSION_COOKIE_AGE = 7 * 24 * 3600
    clock = Clock()
    monkeypatch.setattr(timezone, "now", clock)
    return clock


@dataclass
class FormQuestion:
    id: str
    kind: str  # "multiple" or "single" (true-or-false questions are radios too)
    choices: dict[str, str]  # choice id -> text, as shown


@dataclass
class Harvester:
    """What a learner can learn from result pages, question by question (by question id)."""

    known: dict[str, set[str]] = field(default_factory=dict)  # choice texts that are right
    ruled_out: dict[str, set[str]] = field(default_factory=dict)  # texts marked not correct
    revealed_by_marks: list[str] = field(default_factory=list)  # correct choices a page marked
    explanations: dict[str, str] = field(default_factory=dict)  # as a failed page showed them
    #: (question id, choice texts) picked because they overlapped the explanation most.
    read_from_explanations: list[tuple[str, frozenset[str]]] = field(default_factory=list)

    def answer(self, question: FormQuestion, wrong_ids: set[str]) -> list[str]:
        if question.id in self.known:
            return [
                cid for cid, text in question.choices.items() if text in self.known[question.id]
            ]
        tried = self.ruled_out.get(question.id, set())
        if question.id in self.explanations:
            kind = "multiple" if question.kind == "multiple" else "single"
            picked = guess(kind, list(question.choices.values()), self.explanations[question.id])
            if picked and not picked & tried:
                self.read_from_explanations.append((question.id, frozenset(picked)))
                return [cid for cid, text in question.choices.items() if text in picked]
        untried_wrong = [
            cid
            for cid in question.choices
            if cid in wrong_ids and question.choices[cid] not in tried
        ]
        return [(untried_wrong or sorted(wrong_ids))[0]]

    def read_result(self, html: str, questions: list[FormQuestion], answered: dict) -> None:
        sections = re.findall(r'<section class="lms-answer[^"]*".*?</section>', html, re.S)
        assert len(sections) in (0, len(questions))
        for question, section in zip(questions, sections, strict=False):
            why = re.search(r"<strong>Why:</strong>(.*?)</p>", section, re.S)
            if why:
                self.explanations[question.id] = unescape(
                    re.sub(r"<[^>]+>", "", why.group(1))
                ).strip()
            items = [
                unescape(re.sub(r"<[^>]+>", "", li)).strip()
                for li in re.findall(r"<li>(.*?)</li>", section, re.S)
            ]
            marked = [
                item.replace("(your answer)", "").replace("(correct answer)", "").strip()
                for item in items
                if "(correct answer)" in item
            ]
            if marked:
                self.revealed_by_marks += marked
                self.known[question.id] = set(marked)
                continue
            mine = {question.choices[cid] for cid in answered[question.id]}
            if ">Correct<" in section:
                self.known[question.id] = mine
            elif ">Not correct<" in section and question.kind != "multiple":
                ruled_out = self.ruled_out.setdefault(question.id, set())
                ruled_out |= mine
                left = set(question.choices.values()) - ruled_out
                if len(left) == 1:
                    self.known[question.id] = left


def form_questions(html: str) -> list[FormQuestion]:
    questions: dict[str, FormQuestion] = {}
    labels = dict(re.findall(r'<label class="[^"]*" for="([^"]+)">(.*?)</label>', html, re.S))
    for input_id, kind, name, value in re.findall(
        r'<input class="[^"]*" id="([^"]+)" type="(checkbox|radio)" name="q-([^"]+)" '
        r'value="([^"]+)"',
        html,
    ):
        question = questions.setdefault(
            name, FormQuestion(name, "multiple" if kind == "checkbox" else "single", {})
        )
        question.choices[value] = unescape(labels[input_id])
    return list(questions.values())


@dataclass
class Walk:
    attempts: int = 0
    passed: bool = False
    refused: int = 0
    failed_pages: list[str] = field(default_factory=list)


def harvest(
    client, clock: Clock, course: CoursePage, *, window: timedelta
) -> tuple[Walk, Harvester]:
    """Retake the quiz as often and as soon as the server allows within ``window``."""
    harvester, walk = Harvester(), Walk()
    end = clock.now + window
    start_url = reverse("courses:quiz_start", args=[course.pk])
    while clock.now < end:
        before = QuizAttempt.objects.count()
        response = client.post(start_url)
        if response.status_code == 429:
            walk.refused += 1
            assert QuizAttempt.objects.count() == before  # refused, nothing written
            assert "You can take the quiz again from" in response.content.decode()
            clock.now += timedelta(seconds=int(response["Retry-After"]))
            continue
        assert response.status_code == 302, response.status_code
        attempt_url = response["Location"]
        questions = form_questions(client.get(attempt_url).content.decode())
        # The test (not the harvester) knows which choices are wrong, to answer wrongly.
        attempt = QuizAttempt.objects.get(employee__user__username=LEARNER, submitted_at=None)
        wrong = {
            q["id"]: {c["id"] for c in q["choices"] if c["id"] not in q["correct"]}
            for q in attempt.questions
        }
        answered = {q.id: harvester.answer(q, wrong[q.id]) for q in questions}
        data = {f"q-{qid}": ids for qid, ids in answered.items()}
        response = client.post(attempt_url, data)
        assert response.status_code == 302
        walk.attempts += 1
        html = client.get(response["Location"]).content.decode()
        if "You passed" in html:
            walk.passed = True
            break
        walk.failed_pages.append(html)
        harvester.read_result(html, questions, answered)
        clock.now += timedelta(minutes=1)  # reading the page
    return walk, harvester


@pytest.fixture
def demo_learner(client, clock):
    call_command("load_demo", verbosity=0)
    employee = Employee.objects.select_related("user").get(user__username=LEARNER)
    client.force_login(employee.user)
    return client, employee


def read_every_lesson(employee, course):
    for lesson in course.lessons():
        services.lesson_complete(employee=employee, lesson=lesson)


@pytest.mark.parametrize("demo", content.COURSES, ids=lambda demo: demo.slug)
def test_harvesting_the_result_pages_does_not_pass_a_demo_course(demo_learner, clock, demo):
    client, employee = demo_learner
    course = CoursePage.objects.get(slug=demo.slug, locale__language_code="en")
    read_every_lesson(employee, course)

    walk, harvester = harvest(client, clock, course, window=timedelta(hours=24))

    assert not walk.passed
    # The demo's rules: an hour after each failure, three attempts in any 24 hours.
    assert walk.attempts == 3 and walk.refused >= 1
    # Under the default review after a failure, no page ever marked a correct choice, and no
    # correct choice's id is anywhere in a page (attribute, hidden field or text).
    assert harvester.revealed_by_marks == []
    correct_ids = {
        cid
        for attempt in QuizAttempt.objects.filter(employee=employee)
        for q in attempt.questions
        for cid in q["correct"]
    }
    for html in walk.failed_pages:
        assert "(correct answer)" not in html
        assert not any(cid in html for cid in correct_ids)
    # The failed pages showed the explanations, and the harvester read them; whatever it picked
    # for overlapping an explanation most was never the right answer.
    assert harvester.explanations
    right_texts = {
        q["id"]: frozenset(c["text"] for c in q["choices"] if c["id"] in q["correct"])
        for attempt in QuizAttempt.objects.filter(employee=employee)
        for q in attempt.questions
    }
    assert [
        (qid, picked)
        for qid, picked in harvester.read_from_explanations
        if picked == right_texts[qid]
    ] == []


def test_the_same_walk_passes_when_failed_attempts_show_the_answers(demo_learner, clock):
    """The defect as it was: full review after a failure, no wait. The harvester passes, so
    the test above would catch a return of it."""
    client, employee = demo_learner
    course = CoursePage.objects.get(slug=content.ENCOUNTERS.slug, locale__language_code="en")
    course.quiz_review_after_fail = QuizReview.FULL
    course.quiz_wait_minutes = 0
    course.quiz_max_attempts_per_day = 0
    course.save()
    read_every_lesson(employee, course)

    walk, harvester = harvest(client, clock, course, window=timedelta(hours=24))

    assert walk.passed and walk.attempts <= 10
    assert harvester.revealed_by_marks


def test_the_walk_reads_answers_off_explanations_that_quote_them(demo_learner, clock):
    """Explanations that quote the right choice, as the demo's did before issue 14: the
    harvester, reading only the failed pages' explanations and verdicts, passes. So the walk
    above would catch explanations that give the answers away."""
    client, employee = demo_learner
    course = CoursePage.objects.get(slug=content.COMMITMENTS.slug, locale__language_code="en")
    raw = list(course.quiz.raw_data)
    for block in raw:
        question = block["value"]
        right = [c["value"]["text"] for c in question["choices"] if c["value"]["is_correct"]]
        question["explanation"] = f"{question['explanation']} The answer: {'; '.join(right)}."
    course.quiz = raw
    course.quiz_wait_minutes = 0
    course.quiz_max_attempts_per_day = 0
    course.save()
    read_every_lesson(employee, course)

    walk, harvester = harvest(client, clock, course, window=timedelta(hours=24))

    assert walk.passed and walk.attempts <= 10
    assert harvester.read_from_explanations
    assert harvester.revealed_by_marks == []  # the answers came from the explanations
