"""courses 0007: free-text policy references become clauses of a "Legacy references" document.

The database is taken back to just before 0007, filled through the historical models as the
references were stored then (on the course, in its quiz and in its latest revision), and taken
forward again; the current models must then see every text as a clause, cited where it was.
"""

import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.factories import quiz_question

BEFORE = ("courses", "0006_guidance_editions_acknowledgments")
CONVERSION = ("courses", "0007_policy_references_to_clauses")
LEGACY_TITLE = "Legacy references"


def _state_before(graph, node):
    """For every app its latest migration that does not need ``node`` (apps whose every
    migration needs it left out): the state of the project once ``node`` and everything that
    depends on it, in whichever app (compliance needs courses 0009), is unapplied."""
    needs = set(graph.backwards_plan(node))
    nodes = []
    for app, name in graph.leaf_nodes():
        key = (app, name)
        while key is not None and key in needs:
            parents = [p.key for p in graph.node_map[key].parents if p.key[0] == app]
            key = parents[0] if parents else None
        if key is not None:
            nodes.append(key)
    return nodes


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor


def _migrate_to_leaves():
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture
def before_conversion(transactional_db):
    """The models as they were just before 0007, on a database migrated back to them; the
    database is fully migrated again afterwards, whatever the test did."""
    try:
        # Migrating courses back to BEFORE unapplies, in one backwards plan, every migration of
        # any app that depends on CONVERSION; the other apps stay where they are.
        executor = _migrate([BEFORE])
        nodes = _state_before(executor.loader.graph, CONVERSION)
        assert BEFORE in nodes
        yield executor.loader.project_state(nodes).apps
    finally:
        _migrate_to_leaves()


def _question(text, reference):
    return quiz_question(text, [("Yes", True), ("No", False)], policy_reference=reference)


def _course(apps, *, slug, references, quiz, draft_quiz=None, draft_references=()):
    """A published course page under its own root, with its policy references (in order), its
    question bank and a latest revision holding the same, as Wagtail stored them. A draft
    revision can differ: another question bank, and references added (not saved yet)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Locale = apps.get_model("wagtailcore", "Locale")
    Page = apps.get_model("wagtailcore", "Page")
    CoursePage = apps.get_model("courses", "CoursePage")
    CoursePolicyReference = apps.get_model("courses", "CoursePolicyReference")
    Revision = apps.get_model("wagtailcore", "Revision")

    locale, _created = Locale.objects.get_or_create(language_code="en")
    page_type, _created = ContentType.objects.get_or_create(app_label="wagtailcore", model="page")
    course_type, _created = ContentType.objects.get_or_create(
        app_label="courses", model="coursepage"
    )
    # A root of its own (treebeard allows several, and wagtailcore's may have been flushed by an
    # earlier transactional test): nothing else in the tree is disturbed.
    root = Page.objects.create(
        title="Root",
        draft_title="Root",
        slug=f"root-{slug}",
        content_type=page_type,
        locale=locale,
        path=f"Z{slug[:3].upper():0>3}",
        depth=1,
        numchild=1,
        url_path="/",
    )
    course = CoursePage.objects.create(
        title=f"Course {slug}",
        draft_title=f"Course {slug}",
        slug=slug,
        content_type=course_type,
        locale=locale,
        path=f"{root.path}0001",
        depth=2,
        numchild=0,
        url_path=f"/{slug}/",
        summary="What the course covers.",
        quiz=quiz,
    )
    rows = [
        CoursePolicyReference.objects.create(page=course, reference=text, sort_order=position)
        for position, text in enumerate(references)
    ]
    revision = Revision.objects.create(
        content_type=course_type,
        base_content_type=page_type,
        object_id=str(course.pk),
        object_str=course.title,
        created_at=timezone.now(),
        content={
            "pk": course.pk,
            "title": course.title,
            "slug": slug,
            "summary": course.summary,
            # Wagtail keeps a StreamField in a revision as a JSON string.
            "quiz": json.dumps(quiz if draft_quiz is None else draft_quiz),
            "policy_references": [
                {"pk": row.pk, "page": course.pk, "sort_order": row.sort_order, "reference": text}
                for row, text in zip(rows, references, strict=True)
            ]
            + [
                {"pk": None, "page": course.pk, "sort_order": position, "reference": text}
                for position, text in enumerate(draft_references, start=len(rows))
            ],
        },
    )
    CoursePage.objects.filter(pk=course.pk).update(latest_revision=revision)
    return course.pk


def _clauses_by_question(raw):
    return {block["id"]: block["value"].get("clauses") for block in raw}


@pytest.mark.django_db(transaction=True)
def test_references_become_numbered_clauses_of_one_legacy_document(before_conversion):
    apps = before_conversion
    questions = [
        _question("Cites a course reference?", "  HR Policy 3.1  "),
        _question("Cites a text only questions use?", "Administrative Instruction 9"),
        _question("Cites nothing?", ""),
    ]
    cites_course, cites_own, cites_nothing = (q["id"] for q in questions)
    course_pk = _course(
        apps,
        slug="legacy",
        references=["HR Policy 3.1", "", "Executive Order 2025-004"],
        quiz=questions,
    )

    _migrate_to_leaves()

    from wagtail.models import Revision

    from courses.models import CoursePage, CoursePolicyReference, GuidanceDocument

    document = GuidanceDocument.objects.get(title=LEGACY_TITLE)
    clauses = list(document.clauses.order_by("sort_order"))
    assert [(c.number, c.title, c.text) for c in clauses] == [
        ("1", "Administrative Instruction 9", "Administrative Instruction 9"),
        ("2", "Executive Order 2025-004", "Executive Order 2025-004"),
        ("3", "HR Policy 3.1", "HR Policy 3.1"),
    ]
    instruction, order, policy = clauses

    # The blank reference is gone; the others keep their order and point at their text.
    references = CoursePolicyReference.objects.filter(page_id=course_pk).order_by("sort_order")
    assert [r.clause_id for r in references] == [policy.pk, order.pk]

    expected = {
        cites_course: [str(policy.pk)],
        cites_own: [str(instruction.pk)],
        cites_nothing: [],
    }
    course = CoursePage.objects.get(pk=course_pk)
    assert _clauses_by_question(course.quiz.raw_data) == expected
    revision = Revision.objects.get(pk=course.latest_revision_id)
    assert _clauses_by_question(json.loads(revision.content["quiz"])) == expected
    assert [r["clause"] for r in revision.content["policy_references"] if r["reference"]] == [
        policy.pk,
        order.pk,
    ]

    # The current blocks read what was written: a question's clauses are its clause ids.
    tested = {block.id: list(block.value["clauses"]) for block in course.quiz}
    assert tested == expected


@pytest.mark.django_db(transaction=True)
def test_no_reference_creates_no_legacy_document(before_conversion):
    apps = before_conversion
    question = _question("Cites nothing?", "")
    course_pk = _course(apps, slug="plain", references=[""], quiz=[question])

    _migrate_to_leaves()

    from courses.models import CoursePage, CoursePolicyReference, GuidanceDocument

    assert not GuidanceDocument.objects.filter(title=LEGACY_TITLE).exists()
    assert not CoursePolicyReference.objects.filter(page_id=course_pk).exists()
    course = CoursePage.objects.get(pk=course_pk)
    assert [list(block.value["clauses"]) for block in course.quiz] == [[]]


@pytest.mark.django_db(transaction=True)
def test_course_references_are_trimmed_like_question_references(before_conversion):
    question = _question("Cites the policy?", "HR Policy 3.1")
    course_pk = _course(
        before_conversion, slug="trim", references=[" HR Policy 3.1 ", "   "], quiz=[question]
    )

    _migrate_to_leaves()

    from courses.models import Clause, CoursePolicyReference

    assert list(Clause.objects.values_list("title", flat=True)) == ["HR Policy 3.1"]
    clause = Clause.objects.get()
    references = CoursePolicyReference.objects.filter(page_id=course_pk)
    assert list(references.values_list("clause_id", flat=True)) == [clause.pk]


@pytest.mark.django_db(transaction=True)
def test_texts_cited_only_in_the_latest_revision_become_clauses(before_conversion):
    live = [_question("Cites the policy?", "HR Policy 3.1")]
    draft = [*live, _question("New in the draft?", "Draft instruction")]
    course_pk = _course(
        before_conversion,
        slug="draft",
        references=["HR Policy 3.1"],
        quiz=live,
        draft_quiz=draft,
        draft_references=["Draft reference"],
    )

    _migrate_to_leaves()

    from wagtail.models import Revision

    from courses.models import Clause, CoursePage

    ids = dict(Clause.objects.values_list("title", "pk"))
    assert sorted(ids) == ["Draft instruction", "Draft reference", "HR Policy 3.1"]
    revision = Revision.objects.get(pk=CoursePage.objects.get(pk=course_pk).latest_revision_id)
    assert _clauses_by_question(json.loads(revision.content["quiz"])) == {
        draft[0]["id"]: [str(ids["HR Policy 3.1"])],
        draft[1]["id"]: [str(ids["Draft instruction"])],
    }
    assert [r["clause"] for r in revision.content["policy_references"]] == [
        ids["HR Policy 3.1"],
        ids["Draft reference"],
    ]


@pytest.mark.django_db(transaction=True)
def test_latest_revision_keeps_only_references_with_a_clause(before_conversion):
    question = _question("Cites the policy?", "HR Policy 3.1")
    course_pk = _course(
        before_conversion, slug="blank", references=["HR Policy 3.1", ""], quiz=[question]
    )

    _migrate_to_leaves()

    from courses.models import Clause, CoursePage

    clause = Clause.objects.get()
    draft = CoursePage.objects.get(pk=course_pk).latest_revision.as_object()
    assert [r.clause_id for r in draft.policy_references.all()] == [clause.pk]
