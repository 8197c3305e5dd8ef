"""The learner pages do once what can be done once (issue 21, docs/caching.md).

Rendered lesson bodies and course descriptions are cached per live revision and language, and
never serve stale, unpublished or other-language content, nor anyone's progress; the four
frequent learner pages cost a fixed number of queries, whatever the size of the course.
"""

import os

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page, Site

from courses import selectors, services
from lms.compliance.services import assignments_sync
from lms.models import OrganisationSettings
from lms.sites import SITES_CACHE_KEY, site_for
from tests.courses.test_translations import es, in_english, in_spanish, spanish_quiz, translate
from tests.factories import (
    CoursePageFactory,
    EmployeeFactory,
    LessonPageFactory,
    TrainingRequirementFactory,
    quiz_bank,
)

__all__ = ["es"]  # the fixture, used by the tests below

pytestmark = pytest.mark.django_db

#: The queries of each page for a learner who started a 5-lesson course and read one lesson:
#: session, user (with employee and whether they supervise someone), then for the Wagtail pages
#: the route (pages on the path, the page, its parent) and Wagtail's view restrictions (2), then
#: the page's own reads, then the navigation's permissions (the user's and their groups', in one
#: UNION). No site, locale, home page or settings look-up: those come from the cache. Before
#: issue 21: 12, 21, 21, 14; before the navigation's questions joined the user's: 10, 15, 13, 11.
EXPECTED_QUERIES = {"my_training": 8, "course": 13, "lesson": 11, "quiz": 9}


def published(page):
    """``page`` published through a revision, as editors (and the legal review) publish."""
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def learner_course(training_index, employee, *, lessons: int, questions: int):
    course = published(CoursePageFactory(parent=training_index, quiz=quiz_bank(questions)))
    pages = [
        published(LessonPageFactory(parent=course, body=[("text", f"<p>Body of lesson {n}</p>")]))
        for n in range(1, lessons + 1)
    ]
    TrainingRequirementFactory(course=course)
    assignments_sync()
    services.enrollment_start(employee=employee, course=course)
    services.lesson_complete(employee=employee, lesson=pages[0])
    return course, pages


def page_queries(client, course, pages) -> dict[str, int]:
    urls = {
        "my_training": reverse("courses:my_training"),
        "course": course.url,
        "lesson": pages[1].url,
        "quiz": reverse("courses:quiz", args=[course.pk]),
    }
    counts = {}
    for name, url in urls.items():
        assert client.get(url).status_code == 200  # the first request fills the caches
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts[name] = len(captured)
    return counts


def test_the_four_learner_pages_cost_a_fixed_number_of_queries(
    employee_client, employee, training_index, es
):
    OrganisationSettings.load()
    course, pages = learner_course(training_index, employee, lessons=5, questions=10)
    assert page_queries(employee_client, course, pages) == EXPECTED_QUERIES

    # Four times the lessons and questions, and the course in a second language: the same.
    big, big_pages = learner_course(training_index, employee, lessons=20, questions=40)
    translate(big, es, title="Curso", quiz=spanish_quiz(big))
    for page in big_pages:
        translate(page, es, title="Lección")
    assert page_queries(in_english(employee_client), big, big_pages) == EXPECTED_QUERIES


# --- The rendered bodies in the cache ---------------------------------------------------------


@pytest.fixture(
    params=["locmem", pytest.param("redis", marks=pytest.mark.redis)],
)
def body_cache(request):
    """The tests below run on the local-memory cache, and on Redis (``-m redis`` with
    REDIS_URL: bin/test starts a throwaway one) as production has it."""
    if request.param == "locmem":
        yield "locmem"
        return
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url:
        pytest.skip("needs REDIS_URL (bin/test starts a throwaway redis-server)")
    backend = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    with override_settings(CACHES={"default": backend}):
        cache.clear()
        yield "redis"
        cache.clear()


@pytest.fixture
def lesson(training_index):
    course = published(CoursePageFactory(parent=training_index, title="Federal agents"))
    first = published(
        LessonPageFactory(parent=course, title="The guidance", body=[("text", "<p>First</p>")])
    )
    published(LessonPageFactory(parent=course, title="Reporting"))
    return first


def lesson_key(lesson, language="en", content_lang="en"):
    shown = selectors.shown_as(lesson, None, (), content_lang)
    return selectors.body_cache_key(page=shown, part="lesson", language=language)


def test_the_lesson_body_is_read_from_the_cache_until_a_new_revision_is_published(
    body_cache, employee_client, lesson
):
    assert "<p>First</p>" in employee_client.get(lesson.url).content.decode()
    key = lesson_key(lesson)
    assert "<p>First</p>" in cache.get(key)
    # What the cache holds is what the page shows: the body is not rendered again.
    cache.set(key, '<div class="lms-lesson-body"><p>From the cache</p></div>')
    assert "<p>From the cache</p>" in employee_client.get(lesson.url).content.decode()

    lesson.body = [("text", "<p>Second</p>")]
    lesson.save_revision().publish()
    html = employee_client.get(lesson.url).content.decode()
    assert "<p>Second</p>" in html
    assert "From the cache" not in html and "<p>First</p>" not in html


def test_a_draft_is_not_shown_nor_cached_until_published(body_cache, employee_client, lesson):
    employee_client.get(lesson.url)
    lesson.body = [("text", "<p>Draft</p>")]
    lesson.save_revision()  # saved, not published
    html = employee_client.get(lesson.url).content.decode()
    assert "<p>First</p>" in html and "Draft" not in html


def test_an_unpublished_lesson_is_not_served_and_leaves_the_cache(
    body_cache, employee_client, lesson
):
    employee_client.get(lesson.url)
    key = lesson_key(lesson)
    assert cache.get(key) is not None
    lesson.unpublish()
    assert employee_client.get(lesson.url).status_code == 404
    assert cache.get(key) is None


def test_a_deleted_lesson_leaves_the_cache(body_cache, employee_client, lesson):
    employee_client.get(lesson.url)
    key = lesson_key(lesson)
    assert cache.get(key) is not None
    lesson.delete()
    assert cache.get(key) is None


def test_spanish_and_english_bodies_never_mix(body_cache, employee_client, lesson, es):
    course = lesson.get_parent().specific
    translate(course, es, title="Agentes federales", quiz=spanish_quiz(course))
    translate(lesson, es, title="La guía", body=[("text", "<p>Primero</p>")])
    for _round in range(2):  # the second round reads both from the cache
        english = in_english(employee_client).get(lesson.url).content.decode()
        assert "<p>First</p>" in english and "Primero" not in english
        spanish = in_spanish(employee_client).get(lesson.url).content.decode()
        assert "<p>Primero</p>" in spanish and "<p>First</p>" not in spanish
        assert '<div class="usa-prose lms-lesson-body" lang="es">' in spanish
    assert lesson_key(lesson) != lesson_key(lesson, "es", "es")

    # A new English revision changes the English body only.
    lesson.body = [("text", "<p>Second</p>")]
    lesson.save_revision().publish()
    assert "<p>Second</p>" in in_english(employee_client).get(lesson.url).content.decode()
    assert "<p>Primero</p>" in in_spanish(employee_client).get(lesson.url).content.decode()


def test_two_learners_see_their_own_progress_around_the_same_cached_body(body_cache, lesson):
    course = lesson.get_parent().specific
    reader, newcomer = EmployeeFactory(), EmployeeFactory()
    services.enrollment_start(employee=reader, course=course)
    services.lesson_complete(employee=reader, lesson=lesson)
    pages = {}
    for employee in (reader, newcomer):
        client = Client()
        client.force_login(employee.user)
        pages[employee] = client.get(lesson.url).content.decode()
    assert cache.get(lesson_key(lesson)) is not None
    for html in pages.values():
        assert "<p>First</p>" in html
    assert "You have read this lesson." in pages[reader]
    assert "I have read this lesson" not in pages[reader]
    assert "I have read this lesson" in pages[newcomer]
    assert "You have read this lesson." not in pages[newcomer]
    # The cached body holds nobody's progress, name or form.
    cached = cache.get(lesson_key(lesson))
    for private in ("read this lesson", "csrfmiddlewaretoken", reader.user.username):
        assert private not in cached


def test_access_checks_still_run_on_a_cached_page(body_cache, employee_client, lesson):
    employee_client.get(lesson.url)
    assert cache.get(lesson_key(lesson)) is not None
    response = Client().get(lesson.url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_course_description_is_cached_per_revision_and_edition(
    body_cache, employee_client, lesson
):
    course = lesson.get_parent().specific
    assert "What every City employee" in employee_client.get(course.url).content.decode()
    shown = selectors.shown_as(course, None, (), "en")
    key = selectors.body_cache_key(page=shown, part="course", language="en")
    assert "What every City employee" in cache.get(key)
    course.summary = "A new summary."
    course.save_revision().publish()
    html = employee_client.get(course.url).content.decode()
    assert "A new summary." in html and "What every City employee" not in html


# --- Sites and settings from the cache --------------------------------------------------------


def test_the_cached_site_is_wagtails_choice_and_forgotten_when_a_site_changes(home_page):
    default = Site.objects.get(is_default_site=True)
    other = Site.objects.create(hostname="other.example", port=80, root_page=home_page)
    assert site_for("localhost", 80).pk == default.pk
    assert site_for("other.example", 80).pk == other.pk
    assert site_for("unknown.example", 80).pk == default.pk
    assert cache.get(SITES_CACHE_KEY) is not None
    other.hostname = "renamed.example"
    other.save()
    assert cache.get(SITES_CACHE_KEY) is None
    assert site_for("renamed.example", 80).pk == other.pk
    assert site_for("other.example", 80).pk == default.pk


def test_the_organisation_settings_are_read_once_and_fresh_after_a_save(employee_client, lesson):
    organisation = OrganisationSettings.load()
    employee_client.get(lesson.url)
    organisation.city_name = "Ciudad de Prueba"
    organisation.save()
    assert "Ciudad de Prueba" in employee_client.get(lesson.url).content.decode()


def test_the_body_cache_version_is_in_every_key(lesson):
    assert f":{settings.RENDERED_BODY_CACHE_VERSION}:" in lesson_key(lesson)


def test_routing_by_address_finds_the_page_wagtails_routing_finds(home_page, lesson, rf):
    home = home_page.specific
    request = rf.get("/")
    course = lesson.get_parent()
    for page in (course.get_parent(), course, lesson):
        components = [slug for slug in page.url_path[len(home.url_path) :].split("/") if slug]
        ours = home._route_by_address(request, components)
        wagtails = Page.route(home, request, components)
        assert type(ours.page) is type(wagtails.page) is type(page.specific)
        assert ours.page.pk == wagtails.page.pk
    assert home._route_by_address(request, ["training", "no-such-course"]) is None


def test_an_address_that_names_no_page_or_a_draft_is_a_404(employee_client, lesson):
    assert employee_client.get(lesson.url + "no-such-page/").status_code == 404
    assert employee_client.get("/no-such-page/").status_code == 404
    draft = LessonPageFactory(parent=lesson.get_parent(), title="Draft lesson", live=False)
    assert draft.url and employee_client.get(draft.url).status_code == 404


def test_a_preview_is_rendered_and_never_cached(employee_client, employee, lesson, rf):
    request = rf.get(lesson.url)
    request.user = employee.user
    request.session = employee_client.session
    draft = lesson.get_latest_revision_as_object()
    draft.body = [("text", "<p>Preview of a draft</p>")]
    response = draft.make_preview_request(original_request=request)
    assert "<p>Preview of a draft</p>" in response.render().content.decode()
    assert cache.get(lesson_key(lesson)) is None
    html = employee_client.get(lesson.url).content.decode()
    assert "<p>First</p>" in html and "Preview of a draft" not in html


def test_a_body_forgets_a_document_image_or_page_it_shows_when_that_changes(
    body_cache, employee_client, training_index, django_capture_on_commit_callbacks
):
    """A lesson prints a document's title and address, an image's rendition and a linked
    page's address: they change without a new revision of the lesson, and the cached body
    follows them at once (docs/caching.md)."""
    memo = Document.objects.create(
        title="Memo, first version", file=ContentFile(b"The memo.\n", name="memo.txt")
    )
    picture = Image.objects.create(title="Badge", file=get_test_image_file())
    target = published(LessonPageFactory(parent=training_index, title="Target", slug="first-slug"))
    course = published(CoursePageFactory(parent=training_index))
    with django_capture_on_commit_callbacks(execute=True):
        lesson = published(
            LessonPageFactory(
                parent=course,
                body=[
                    ("document", {"document": memo, "label": ""}),
                    ("image", {"image": picture, "alt_text": "A badge", "caption": ""}),
                    ("text", f'<p><a linktype="page" id="{target.pk}">Target</a></p>'),
                ],
            )
        )
    html = employee_client.get(lesson.url).content.decode()
    assert "Memo, first version" in html and "first-slug" in html
    assert cache.get(lesson_key(lesson)) is not None

    with django_capture_on_commit_callbacks(execute=True):
        memo.title = "Memo, second version"
        memo.save()
    assert cache.get(lesson_key(lesson)) is None
    assert "Memo, second version" in employee_client.get(lesson.url).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        picture.title = "Badge, new"
        picture.save()
    assert cache.get(lesson_key(lesson)) is None
    employee_client.get(lesson.url)

    with django_capture_on_commit_callbacks(execute=True):
        target.slug = "second-slug"
        target.save_revision().publish()
    html = employee_client.get(lesson.url).content.decode()
    assert "second-slug" in html and "first-slug" not in html

    # Nothing else is forgotten: another lesson's body stays cached.
    other = published(LessonPageFactory(parent=course, body=[("text", "<p>Other</p>")]))
    employee_client.get(other.url)
    with django_capture_on_commit_callbacks(execute=True):
        memo.title = "Memo, third version"
        memo.save()
    assert cache.get(lesson_key(other)) is not None
