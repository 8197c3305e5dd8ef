"""Load the demo city: the page tree with the sample courses (read from their content files in
lms/demo/courses/ by lms.demo.content; docs/demo-content.md), departments, people and roles, and
the training requirements that assign the courses to them. Where content translation is on, each
course and lesson also gets its Spanish translation, approved through the City Attorney approval
workflow by the demo legal reviewer.

Idempotent: every object is looked up by a stable key (a page's slug under its parent, a
department's code, a username, an employee number, a requirement's name) and created only if
missing. Objects that exist are left as they are, so a second run writes nothing: no pages,
revisions, users or rows. Assignments are then synced, which creates only the missing ones.

One exception: a demo course loaded before courses had quizzes, whose question bank is still
empty, gets the demo quiz and quiz settings in one new, published revision. Once it has a quiz,
it is left alone like everything else.

The city then gets its history (docs/demo.md): generic completions over the past weeks
(lms.demo.history) and the named people of the README's "Demo situations" table, whose history
is played through the services with dates counted back from the load day (lms.demo.stories).
"""

import copy
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import AbstractUser, Group
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from wagtail.blocks import StreamValue
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Collection, Locale, Page, Site

from certificates.models import Certificate
from courses.approval import approval_workflow_ensure
from courses.models import (
    Clause,
    Completion,
    CourseEdition,
    CoursePage,
    CoursePolicyReference,
    GuidanceDocument,
    LessonPage,
    TrainingIndexPage,
)
from lms import sites
from lms.compliance.models import Assignment, Exemption, Extension, TrainingRequirement
from lms.compliance.services import assignments_sync
from lms.demo import content
from lms.demo.history import demo_history_load
from lms.demo.people import (
    DEMO_EDITOR,
    DEMO_LEGAL_REVIEWER,
    DEMO_PASSWORD,
    DEPARTMENTS,
    LIAISONS_DESIGNATED_ON,
    PEOPLE,
    SUPERVISORS,
    DemoDepartment,
    DemoPerson,
)
from lms.demo.stories import KINDS as STORY_KINDS
from lms.demo.stories import demo_assignments_in_the_past, demo_stories_load, review_emails_held
from lms.models import HomePage
from lms.organisation.models import Department, Employee, Liaison
from lms.organisation.roles import LIAISON, roles_sync
from lms.organisation.selectors import employee_for

#: What the loader counts, in the order the command reports it.
KINDS = (
    "pages",
    "guidance documents",
    "sites",
    "departments",
    "users",
    "employees",
    "liaisons",
    "group memberships",
    "requirements",
    "assignments",
    "completions",
    "certificates",
    "editions",
    "extensions",
    "exemptions",
    "revocations",
    "leavers",
)

DEFAULT_SITE_HOSTNAME = "localhost"
DEFAULT_SITE_PORT = 80

PageT = TypeVar("PageT", bound=Page)


class DemoConflictError(Exception):
    """A stable key the demo uses already belongs to something that is not demo data."""


@dataclass
class DemoStats:
    """How many objects of each kind the load created, found already there, or corrected."""

    created: Counter[str] = field(default_factory=Counter)
    found: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)

    def record(self, kind: str, *, created: bool) -> None:
        (self.created if created else self.found)[kind] += 1

    @property
    def changed_anything(self) -> bool:
        return bool(+self.created or +self.updated)


@transaction.atomic
def demo_load() -> DemoStats:
    """Create whatever part of the demo is missing; return what was created and found."""
    stats = DemoStats()

    # The root page first: roles_sync() grants page permissions on it, and skips them if absent.
    root = _tree_root_ensure(stats=stats)
    roles_sync()
    approval_workflow_ensure()  # on the root page, which a test flush recreates
    clauses = _guidance_ensure(stats=stats)

    home = _home_page_ensure(root=root, stats=stats)
    _default_site_ensure(home=home, stats=stats)
    course_pages: dict[str, CoursePage] = {}
    index = _child_page_ensure(
        parent=home,
        model=TrainingIndexPage,
        slug=content.TRAINING_SLUG,
        build=lambda: TrainingIndexPage(title=content.TRAINING_TITLE, intro=content.TRAINING_INTRO),
        stats=stats,
    )
    for position, course in enumerate(content.COURSES):
        course_page = _child_page_ensure(
            parent=index,
            model=CoursePage,
            slug=course.slug,
            build=lambda course=course: _course_page_build(course, clauses),
            stats=stats,
            later_slugs=[later.slug for later in content.COURSES[position + 1 :]],
        )
        _course_quiz_fill_in(page=course_page, course=course, clauses=clauses, stats=stats)
        course_pages[course.slug] = course_page
        for lesson_position, lesson in enumerate(course.lessons):
            _child_page_ensure(
                parent=course_page,
                model=LessonPage,
                slug=lesson.slug,
                build=lambda lesson=lesson: _lesson_page_build(lesson, clauses),
                stats=stats,
                later_slugs=[later.slug for later in course.lessons[lesson_position + 1 :]],
            )

    departments = {
        demo_department.code: _department_ensure(demo_department=demo_department, stats=stats)
        for demo_department in DEPARTMENTS
    }
    groups = {group.name: group for group in Group.objects.all()}
    # Hashing is deliberately slow; every demo user shares the one password, so hash it once.
    password_hash = make_password(DEMO_PASSWORD)
    for person in PEOPLE:
        user = _user_ensure(person=person, password_hash=password_hash, groups=groups, stats=stats)
        department = departments[person.department]
        _employee_ensure(person=person, user=user, department=department, stats=stats)
        if LIAISON in person.roles:
            _liaison_ensure(user=user, department=department, stats=stats)
    _supervisors_ensure(stats=stats)

    _translations_ensure(course_pages=course_pages, clauses=clauses, stats=stats)

    youth_serving = [
        department for department in departments.values() if department.serves_children
    ]
    for requirement in content.REQUIREMENTS:
        _requirement_ensure(
            requirement=requirement,
            course_page=course_pages[requirement.course.slug],
            departments=youth_serving,
            stats=stats,
        )
    _assignments_ensure(stats=stats)
    _history_ensure(stats=stats)
    return stats


# --- The page tree ------------------------------------------------------------------------------


def _tree_root_ensure(*, stats: DemoStats) -> Page:
    """The tree root (depth 1), its locale and the root collection, which a flushed test
    database lacks: wagtailcore's migrations create them, and a flush removes them."""
    Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    if not Collection.objects.filter(depth=1).exists():
        Collection.add_root(name="Root")

    root = Page.objects.filter(depth=1).first()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root"))
        stats.record("pages", created=True)
    return root


def _home_page_ensure(*, root: Page, stats: DemoStats) -> HomePage:
    """The HomePage, which replaces Wagtail's default "Welcome to your new Wagtail site!"."""
    home = HomePage.objects.first()  # max_count = 1
    if home is not None:
        stats.record("pages", created=False)
        return home

    welcome = (
        Page.objects.child_of(root)
        .filter(
            slug=content.HOME_SLUG,
            content_type=ContentType.objects.get_for_model(Page),
            numchild=0,
        )
        .first()
    )
    site_ids: list[int] = []
    if welcome is not None:
        # Sites cascade-delete with their root page: park them on the tree root meanwhile.
        site_ids = list(Site.objects.filter(root_page=welcome).values_list("pk", flat=True))
        Site.objects.filter(pk__in=site_ids).update(root_page=root)
        welcome.delete()
        root.refresh_from_db()

    home = HomePage(title=content.HOME_TITLE, slug=content.HOME_SLUG, intro=content.HOME_INTRO)
    root.add_child(instance=home)
    home.save_revision().publish()
    Site.objects.filter(pk__in=site_ids).update(root_page=home)
    sites.sites_forget()  # update() sends no signal
    stats.record("pages", created=True)
    return home


def _default_site_ensure(*, home: HomePage, stats: DemoStats) -> Site:
    site = (
        Site.objects.filter(is_default_site=True).first()
        or Site.objects.filter(hostname=DEFAULT_SITE_HOSTNAME, port=DEFAULT_SITE_PORT).first()
    )
    if site is None:
        site = Site(
            hostname=DEFAULT_SITE_HOSTNAME,
            port=DEFAULT_SITE_PORT,
            site_name=content.HOME_TITLE,
            root_page=home,
            is_default_site=True,
        )
        site.full_clean()
        site.save()
        stats.record("sites", created=True)
        return site

    stats.record("sites", created=False)
    if site.root_page_id != home.pk or not site.is_default_site:
        site.root_page = home
        site.is_default_site = True
        site.full_clean()
        site.save()
        stats.updated["sites"] += 1
    return site


def _child_page_ensure(
    *,
    parent: Page,
    model: type[PageT],
    slug: str,
    build: Callable[[], PageT],
    stats: DemoStats,
    later_slugs: Sequence[str] = (),
) -> PageT:
    """The ``model`` page with ``slug`` under ``parent``; built and published only if missing.

    Lessons are read in tree order, so a page recreated after it was deleted goes back before
    the first of ``later_slugs`` (the pages that follow it in the content) that exists.
    """
    page = model.objects.child_of(parent).filter(slug=slug).first()
    if page is not None:
        stats.record("pages", created=False)
        return page
    page = build()
    page.slug = slug
    next_page = Page.objects.child_of(parent).filter(slug__in=later_slugs).order_by("path").first()
    if next_page is None:
        parent.add_child(instance=page)
    else:
        next_page.add_sibling(pos="left", instance=page)
    page.save_revision().publish()
    stats.record("pages", created=True)
    return page


def _guidance_ensure(*, stats: DemoStats) -> dict[str, Clause]:
    """The demo's guidance documents and their clauses, by citation ("EO §7")."""
    clauses: dict[str, Clause] = {}
    for guidance in content.GUIDANCE:
        document = GuidanceDocument.objects.filter(title=guidance.title).first()
        stats.record("guidance documents", created=document is None)
        if document is None:
            document = GuidanceDocument(
                title=guidance.title,
                short_name=guidance.short_name,
                issuer=guidance.issuer,
                issued_on=guidance.issued_on,
                url=guidance.url,
                clauses=[
                    Clause(number=c.number, title=c.title, text=c.text, sort_order=position)
                    for position, c in enumerate(guidance.clauses)
                ],
            )
            document.full_clean()
            document.save()
        for clause in document.clauses.select_related("document"):
            clauses[clause.label] = clause
    return clauses


def _course_page_build(course: content.CourseContent, clauses: dict[str, Clause]) -> CoursePage:
    return CoursePage(
        title=course.title,
        summary=course.summary,
        estimated_minutes=course.estimated_minutes,
        audience_note=course.audience_note,
        edition=course.edition,
        content_note=course.content_note,
        policy_references=[
            CoursePolicyReference(clause=clauses[reference], sort_order=position)
            for position, reference in enumerate(course.policy_references)
        ],
        quiz=_quiz_build(course, clauses),
        **_quiz_settings(course),
    )


def _quiz_build(course: content.CourseContent, clauses: dict[str, Clause]) -> StreamValue:
    stream_block = CoursePage._meta.get_field("quiz").stream_block
    clause_ids = {label: clause.pk for label, clause in clauses.items()}
    quiz = stream_block.to_python(course.quiz_stream_data(clause_ids))
    stream_block.clean(quiz)  # raises ValidationError if a sample question is malformed
    return quiz


def _quiz_settings(course: content.CourseContent) -> dict[str, object]:
    """The CoursePage fields that go with the demo quiz."""
    return {
        "quiz_pass_mark": course.quiz_pass_mark,
        "quiz_question_count": course.quiz_question_count,
        "quiz_shuffle_choices": course.quiz_shuffle_choices,
        "quiz_max_attempts": course.quiz_max_attempts,
        "quiz_wait_minutes": course.quiz_wait_minutes,
        "quiz_max_attempts_per_day": course.quiz_max_attempts_per_day,
        "quiz_review_after_fail": course.quiz_review_after_fail,
        "quiz_review_after_pass": course.quiz_review_after_pass,
        "validity_months": course.validity_months,
    }


def _course_quiz_fill_in(
    *,
    page: CoursePage,
    course: content.CourseContent,
    clauses: dict[str, Clause],
    stats: DemoStats,
) -> None:
    """Give a demo course that has no quiz yet the demo quiz and settings, in one new revision.

    Only a live course without pending changes is filled in: an unpublished draft is an
    editor's work in progress, which the loader neither publishes nor buries under a newer
    revision. A course with any quiz at all is left as it is.
    """
    if not course.quiz or page.has_quiz or not page.live or page.has_unpublished_changes:
        return
    page.quiz = _quiz_build(course, clauses)
    for name, value in _quiz_settings(course).items():
        setattr(page, name, value)
    page.save_revision().publish()
    stats.updated["pages"] += 1


def _lesson_page_build(lesson: content.LessonContent, clauses: dict[str, Clause]) -> LessonPage:
    stream_block = LessonPage._meta.get_field("body").stream_block
    # A copy: saving assigns block ids into the raw data, which must not touch the constants.
    body = stream_block.to_python(copy.deepcopy(list(lesson.body)))
    stream_block.clean(body)  # raises ValidationError if the sample content is malformed
    page = LessonPage(title=lesson.title, summary=lesson.summary, body=body)
    page.clauses = [clauses[label] for label in lesson.clauses]
    return page


# --- The Spanish translations -------------------------------------------------------------------


def _translations_ensure(
    *, course_pages: dict[str, CoursePage], clauses: dict[str, Clause], stats: DemoStats
) -> None:
    """Each demo course and lesson in Spanish, as a Wagtail translation of its English page
    (same translation key, locale ``es``), approved through the City Attorney approval workflow
    by the demo legal reviewer after the demo content editor submitted it.

    Only where content translation is switched on (``WAGTAIL_I18N_ENABLED``): without it, the
    Spanish pages would be listed beside the English ones as courses of their own. A
    translation that exists is left as it is, like every other demo page."""
    if not settings.WAGTAIL_I18N_ENABLED:
        return
    User = get_user_model()
    editor = User.objects.get(username=DEMO_EDITOR)
    legal = User.objects.get(username=DEMO_LEGAL_REVIEWER)
    for language in content.TRANSLATION_LANGUAGES:
        locale, _created = Locale.objects.get_or_create(language_code=language)
        for course in content.COURSES:
            source = course_pages[course.slug]
            _translation_ensure(
                source=source,
                locale=locale,
                fill_in=lambda page, course=course, language=language: _course_translate(
                    page, course, language, clauses
                ),
                editor=editor,
                legal=legal,
                stats=stats,
            )
            for lesson in course.lessons:
                source_lesson = LessonPage.objects.child_of(source).filter(slug=lesson.slug).first()
                if source_lesson is None:
                    continue
                _translation_ensure(
                    source=source_lesson,
                    locale=locale,
                    fill_in=lambda page, lesson=lesson, language=language: _lesson_translate(
                        page, lesson, language
                    ),
                    editor=editor,
                    legal=legal,
                    stats=stats,
                )


def _translation_ensure(
    *,
    source: Page,
    locale: Locale,
    fill_in: Callable[[Page], None],
    editor: AbstractUser,
    legal: AbstractUser,
    stats: DemoStats,
) -> None:
    """``source`` translated into ``locale``: copied (its parents too, as aliases, the first
    time), filled in from the content files, submitted by ``editor`` and approved, which
    publishes it, by ``legal``."""
    if source.get_translation_or_none(locale) is not None:
        stats.record("pages", created=False)
        return
    pages_before = Page.objects.count()
    translation = source.copy_for_translation(locale, copy_parents=True).specific
    fill_in(translation)
    translation.save_revision(user=editor)
    workflow = translation.get_workflow()
    with review_emails_held():
        if workflow is None:  # no approval workflow: publish, and the log records who did
            translation.get_latest_revision().publish(user=legal)
        else:
            workflow.start(translation, editor)
            task_state = translation.current_workflow_task_state
            task_state.task.specific.on_action(task_state, legal, "approve", comment="")
    stats.created["pages"] += Page.objects.count() - pages_before


def _course_translate(
    page: CoursePage, course: content.CourseContent, language: str, clauses: dict[str, Clause]
) -> None:
    words = course.texts[language]
    page.title = words.title
    page.draft_title = words.title
    page.summary = words.summary
    page.audience_note = words.audience_note
    page.content_note = words.content_note
    stream_block = CoursePage._meta.get_field("quiz").stream_block
    clause_ids = {label: clause.pk for label, clause in clauses.items()}
    # The source's block ids: a question and its translation share them.
    quiz = stream_block.to_python(course.quiz_stream_data(clause_ids, language=language))
    stream_block.clean(quiz)
    page.quiz = quiz


def _lesson_translate(page: LessonPage, lesson: content.LessonContent, language: str) -> None:
    words = lesson.texts[language]
    stream_block = LessonPage._meta.get_field("body").stream_block
    body = stream_block.to_python(copy.deepcopy(list(words.body)))
    stream_block.clean(body)
    page.title = words.title
    page.draft_title = words.title
    page.summary = words.summary
    page.body = body


# --- Departments and people ---------------------------------------------------------------------


def _department_ensure(*, demo_department: DemoDepartment, stats: DemoStats) -> Department:
    department = Department.objects.filter(code=demo_department.code).first()
    if department is not None:
        stats.record("departments", created=False)
        return department
    department = Department(
        code=demo_department.code,
        name=demo_department.name,
        serves_children=demo_department.serves_children,
    )
    department.full_clean()
    department.save()
    stats.record("departments", created=True)
    return department


def _user_ensure(
    *, person: DemoPerson, password_hash: str, groups: dict[str, Group], stats: DemoStats
) -> AbstractUser:
    User = get_user_model()
    user = User.objects.filter(username=person.username).first()
    if user is None:
        user = User(
            username=person.username,
            first_name=person.first_name,
            last_name=person.last_name,
            email=person.email,
            password=password_hash,
        )
        user.full_clean()
        user.save()
        stats.record("users", created=True)
    else:
        stats.record("users", created=False)

    wanted = [groups[role] for role in person.roles]
    held = set(user.groups.values_list("pk", flat=True))
    missing = [group for group in wanted if group.pk not in held]
    if missing:
        user.groups.add(*missing)
    stats.created["group memberships"] += len(missing)
    stats.found["group memberships"] += len(wanted) - len(missing)
    return user


def _employee_ensure(
    *, person: DemoPerson, user: AbstractUser, department: Department, stats: DemoStats
) -> Employee:
    employee = Employee.objects.filter(employee_number=person.employee_number).first()
    if employee is not None and employee.user_id != user.pk:
        raise DemoConflictError(
            f"Employee number {person.employee_number} belongs to another user than the demo "
            f"user {person.username!r}; the demo cannot be loaded into this database."
        )
    employee = employee or employee_for(user=user)
    if employee is not None:
        stats.record("employees", created=False)
        return employee
    employee = Employee(
        user=user,
        employee_number=person.employee_number,
        department=department,
        job_title=person.job_title,
        hire_date=person.hire_date,
        preferred_language=person.preferred_language,
        origin=Employee.Origin.DEMO,
    )
    employee.full_clean()
    employee.save()
    stats.record("employees", created=True)
    return employee


def _supervisors_ensure(*, stats: DemoStats) -> None:
    """Give the demo people their supervisors (``SUPERVISORS``), where none is set yet."""
    ids = dict(
        Employee.objects.filter(
            employee_number__in={*SUPERVISORS, *SUPERVISORS.values()}
        ).values_list("employee_number", "pk")
    )
    for report, supervisor in SUPERVISORS.items():
        updated = Employee.objects.filter(pk=ids.get(report), supervisor__isnull=True).update(
            supervisor_id=ids.get(supervisor)
        )
        stats.record("supervisors", created=bool(updated))


def _liaison_ensure(*, user: AbstractUser, department: Department, stats: DemoStats) -> Liaison:
    liaison = Liaison.objects.filter(department=department, user=user).first()
    if liaison is not None:
        stats.record("liaisons", created=False)
        return liaison
    liaison = Liaison(department=department, user=user, designated_on=LIAISONS_DESIGNATED_ON)
    liaison.full_clean()
    liaison.save()
    stats.record("liaisons", created=True)
    return liaison


# --- Training requirements ----------------------------------------------------------------------


def _requirement_ensure(
    *,
    requirement: content.RequirementContent,
    course_page: CoursePage,
    departments: Sequence[Department],
    stats: DemoStats,
) -> TrainingRequirement:
    """The requirement named ``requirement.name``; one that audiences departments gets
    ``departments`` (the demo's youth-serving ones)."""
    found = TrainingRequirement.objects.filter(name=requirement.name).first()
    if found is not None:
        stats.record("requirements", created=False)
        return found
    created = TrainingRequirement(
        name=requirement.name,
        course=course_page,
        audience=requirement.audience,
        due_days=requirement.due_days,
        recertify_months=requirement.recertify_months,
        window_days=requirement.window_days,
        active_from=requirement.active_from,
    )
    created.full_clean()
    created.save()
    if requirement.audience == TrainingRequirement.Audience.DEPARTMENTS:
        created.departments.set(departments)
        created.save()  # a ParentalManyToManyField is written on save
    stats.record("requirements", created=True)
    return created


def _history_ensure(*, stats: DemoStats) -> None:
    """Past completions with their certificates (lms.demo.history), then the demo situations'
    history (lms.demo.stories), each created once."""
    history = demo_history_load()
    stories = demo_stories_load()
    created = {kind: history.get(kind, 0) + stories[kind] for kind in STORY_KINDS}
    totals = {
        "completions": Completion.objects.count(),
        "certificates": Certificate.objects.count(),
        "editions": CourseEdition.objects.count(),
        "extensions": Extension.objects.count(),
        "exemptions": Exemption.objects.count(),
        "revocations": Certificate.objects.filter(revoked_at__isnull=False).count(),
        "leavers": Employee.objects.filter(is_active=False).count(),
    }
    for kind, total in totals.items():
        stats.created[kind] += created[kind]
        stats.found[kind] += total - created[kind]


def _assignments_ensure(*, stats: DemoStats) -> None:
    """Assign every requirement to its audience (the people of the demo situations first, on
    past days: lms.demo.stories); on a second run, nothing is missing."""
    stats.created["assignments"] += demo_assignments_in_the_past()
    sync = assignments_sync()
    stats.created["assignments"] += sync.created
    stats.updated["assignments"] += sync.reactivated + sync.deactivated
    stats.found["assignments"] += Assignment.objects.count() - stats.created["assignments"]
