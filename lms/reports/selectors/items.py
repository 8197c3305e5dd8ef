"""Item analysis: how often each quiz question is answered right, grouped by guidance document."""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _

from courses.models import CoursePolicyReference, QuizAttempt
from lms.figures import percent
from lms.reports.selectors.scope import (
    ReportFilters,
    check_access,
)


def guidance_of(question: dict, *, course_references: list[str]) -> list[str]:
    """The guidance a quiz question tests: what item analysis groups by (one question can test
    several clauses, and then counts under each).

    The clauses snapshotted with the question; else its snapshotted policy reference (older
    attempts); else its course's clauses. This is the one place that decides the grouping.
    """
    labels = [clause["label"] for clause in question.get("clauses") or [] if clause.get("label")]
    if labels:
        return labels
    reference = (question.get("policy_reference") or "").strip()
    if reference:
        return [reference]
    if course_references:
        return list(course_references)
    return [_("No policy reference")]


@dataclass
class ItemRow:
    """How one quiz question was answered across submitted attempts."""

    course_title: str
    question: str
    answered: int = 0
    correct: int = 0
    #: Wrong answers by choice id (a translated choice keeps its id: one count per choice).
    wrong_choices: Counter = field(default_factory=Counter)
    #: The text reported for each choice id: as asked in English when any attempt was.
    choice_texts: dict = field(default_factory=dict)

    @property
    def percent_correct(self) -> int | None:
        return percent(self.correct, self.answered)

    @property
    def most_chosen_wrong(self) -> tuple[str, int] | None:
        """The wrong answer chosen most often, and how often."""
        if not self.wrong_choices:
            return None
        (choice_id, count), *_rest = self.wrong_choices.most_common(1)
        return self.choice_texts.get(choice_id, choice_id), count


@dataclass
class GuidanceGroup:
    guidance: str
    items: list[ItemRow]

    @property
    def percent_correct(self) -> int | None:
        answered = sum(item.answered for item in self.items)
        correct = sum(item.correct for item in self.items)
        return percent(correct, answered)


def _course_references() -> dict[int, list[str]]:
    """Each course's clauses, as their citations ("EO §7")."""
    references: dict[int, list[str]] = defaultdict(list)
    for reference in CoursePolicyReference.objects.select_related("clause__document").order_by(
        "page_id", "sort_order"
    ):
        references[reference.page_id].append(reference.clause.label)
    return references


def item_analysis(*, user, filters: ReportFilters | None = None) -> list[GuidanceGroup]:
    """For each quiz question: % answered correctly and the most chosen wrong answer, grouped
    by the guidance it tests, least understood first. Read from the attempts' own snapshots of
    the questions, so a question edited since is reported as it was asked.

    A question and its translations are one row: attempts refer to the source course and a
    translated question keeps its id (its StreamField block id), so attempts in every language
    count together; the row reads as the question was asked in English when it ever was."""
    check_access(user)
    filters = filters or ReportFilters()
    attempts = QuizAttempt.objects.filter(submitted_at__isnull=False)
    if filters.department is not None:
        attempts = attempts.filter(employee__department=filters.department)
    if filters.requirement is not None:
        attempts = attempts.filter(course_id=filters.requirement.course_id)
    if filters.date_from is not None:
        attempts = attempts.filter(submitted_at__date__gte=filters.date_from)
    if filters.date_to is not None:
        attempts = attempts.filter(submitted_at__date__lte=filters.date_to)
    references = _course_references()
    items: dict[tuple[int, str], ItemRow] = {}
    guidance: dict[tuple[int, str], list[str]] = {}
    for course_id, course_title, language, questions, answers in attempts.values_list(
        "course_id", "course_title", "language", "questions", "answers"
    ).iterator(chunk_size=500):
        in_source_language = language == settings.LANGUAGE_CODE
        for question in questions:
            key = (course_id, question["id"])
            row = items.get(key)
            if row is None:
                row = items[key] = ItemRow(course_title=course_title, question=question["text"])
                guidance[key] = guidance_of(
                    question, course_references=references.get(course_id, [])
                )
            if in_source_language or not row.choice_texts:
                if in_source_language:
                    row.course_title, row.question = course_title, question["text"]
                for choice in question["choices"]:
                    if in_source_language or choice["id"] not in row.choice_texts:
                        row.choice_texts[choice["id"]] = choice["text"]
            chosen = sorted((answers or {}).get(question["id"]) or [])
            row.answered += 1
            if chosen == sorted(question["correct"]):
                row.correct += 1
            else:
                for choice_id in chosen:
                    if choice_id not in question["correct"]:
                        row.wrong_choices[choice_id] += 1
    groups: dict[str, list[ItemRow]] = defaultdict(list)
    for key, row in items.items():
        for name in guidance[key]:
            groups[name].append(row)
    result = [
        GuidanceGroup(
            guidance=name,
            items=sorted(rows, key=lambda r: (r.percent_correct or 0, r.course_title, r.question)),
        )
        for name, rows in groups.items()
    ]
    result.sort(key=lambda g: (g.percent_correct or 0, g.guidance))
    return result
