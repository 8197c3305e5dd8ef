"""Taking a course: lesson page time, constant query counts, quiz submission time.

Run from the repository root: ``uv run python bench/taking_a_course.py``. Prints three RESULT
lines (lesson_page, quiz_page_queries, quiz_submit), each with its baseline from this run.
"""

import os
import statistics
import sys
import uuid
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["DEBUG"] = "False"
os.environ["ALLOWED_HOSTS"] = "testserver,localhost"

from bench._common import django_on_fresh_database, ratio_result_line, stopwatch  # noqa: E402

django_on_fresh_database()

from django.contrib.auth.decorators import login_required  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import clear_url_caches, path  # noqa: E402
from wagtail.models import Page, Site  # noqa: E402

from courses import services  # noqa: E402
from courses.models import CoursePage, LessonPage, TrainingIndexPage  # noqa: E402
from lms import urls  # noqa: E402
from lms.models import HomePage  # noqa: E402
from lms.organisation.models import Employee  # noqa: E402

REPEATS = 200
SUBMITS = 200


def build_course(index, *, lessons: int, questions: int) -> CoursePage:
    bank = [
        {
            "type": "question",
            "id": str(uuid.uuid4()),
            "value": {
                "kind": "single",
                "text": f"Question {n}: whose guidance do you follow?",
                "choices": [
                    {"type": "item", "id": str(uuid.uuid4()), "value": {"text": t, "is_correct": c}}
                    for t, c in (("The City Attorney's", True), ("Anyone's", False), ("No", False))
                ],
                "explanation": "EO §7: follow the City Attorney's guidance.",
                "policy_reference": "EO §7",
                "always_include": False,
            },
        }
        for n in range(questions)
    ]
    course = index.add_child(
        instance=CoursePage(
            title=f"Course {lessons}x{questions}", summary="Benchmark course", quiz=bank
        )
    )
    body = [
        ("heading", {"text": "What to do", "level": "h2"}),
        ("text", "<p>" + "Follow the City Attorney's guidance. " * 40 + "</p>"),
        ("callout", {"kind": "important", "title": "Remember", "body": "<p>Report it.</p>"}),
        (
            "scenario",
            {
                "title": "At the front desk",
                "situation": "<p>Agents arrive.</p>",
                "what_to_do": "<p>Call the City Attorney's Office.</p>",
                "why": "<p>EO §7.</p>",
            },
        ),
    ]
    course.save_revision().publish()
    for n in range(lessons):
        lesson = course.add_child(instance=LessonPage(title=f"Lesson {n + 1}", body=body))
        # Published through a revision, as editors publish (rendered bodies are cached per
        # live revision: docs/caching.md).
        lesson.save_revision().publish()
    return CoursePage.objects.get(pk=course.pk)


def median_ms(client: Client, method: str, url: str, repeats: int, data=None) -> float:
    timings = []
    for _ in range(repeats):
        with stopwatch() as lap:
            response = getattr(client, method)(url, data or {})
        assert response.status_code in (200, 302), (url, response.status_code)
        timings.append(lap.seconds * 1000)
    return statistics.median(timings)


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def main() -> None:
    call_command("generate_city", employees=2000, seed=7, verbosity=0)
    root = Page.get_first_root_node()
    home = root.add_child(instance=HomePage(title="City Training", slug="bench-home"))
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "testserver", "root_page": home}
    )
    index = home.add_child(instance=TrainingIndexPage(title="Training"))
    small = build_course(index, lessons=5, questions=10)
    large = build_course(index, lessons=50, questions=200)

    learners = list(Employee.objects.filter(is_active=True).select_related("user")[: SUBMITS + 1])
    learner = learners[0]
    client = Client()
    client.force_login(learner.user)

    # --- query counts: the same for 5 and 50 lessons, 10 and 200 questions ---------------
    counts = {}
    for course in (small, large):
        lessons = list(course.lessons())
        for lesson in lessons[:-1]:
            services.lesson_complete(employee=learner, lesson=lesson)
        middle = lessons[len(lessons) // 2]
        services.lesson_complete(employee=learner, lesson=lessons[-1])
        attempt = services.quiz_attempt_start(employee=learner, course=course)
        client.get(middle.url)  # warm the site's root-path cache
        counts[course.pk] = (
            queries(client, middle.url),
            queries(client, f"/learn/attempts/{attempt.public_id}/"),
        )
    (small_lesson, small_quiz), (large_lesson, large_quiz) = counts[small.pk], counts[large.pk]
    print(f"lesson page queries: 5 lessons {small_lesson}, 50 lessons {large_lesson}")
    print(f"quiz page queries: 10 questions {small_quiz}, 200 questions {large_quiz}")
    same = small_lesson == large_lesson and small_quiz == large_quiz

    # --- lesson page time vs a bare Wagtail page of the same site ------------------------
    lesson_url = list(large.lessons())[25].url
    median_ms(client, "get", lesson_url, 20)  # warm-up
    median_ms(client, "get", index.url, 20)
    lesson_ms = median_ms(client, "get", lesson_url, REPEATS)
    bare_ms = median_ms(client, "get", index.url, REPEATS)
    print(f"lesson page median {lesson_ms:.2f} ms; bare Wagtail page median {bare_ms:.2f} ms")

    # --- quiz submission vs a view that inserts and commits one row ----------------------
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_row (id INTEGER PRIMARY KEY, note TEXT)")

    @login_required
    def insert_one_row(request):
        """The baseline: a view for signed-in staff, as every learner view is, that inserts
        and commits one row."""
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("INSERT INTO bench_row (note) VALUES (%s)", ["x"])
        return HttpResponse("ok")

    urls.urlpatterns.insert(0, path("bench/insert/", insert_one_row))
    clear_url_caches()

    planned = []
    for employee in learners[1:]:
        for lesson in small.lessons():
            services.lesson_complete(employee=employee, lesson=lesson)
        attempt = services.quiz_attempt_start(employee=employee, course=small)
        answers = {f"q-{q['id']}": q["correct"] for q in attempt.questions}
        planned.append((employee, attempt, answers))

    submit_timings, insert_timings = [], []
    for employee, attempt, answers in planned:
        client.force_login(employee.user)
        # A browser follows the redirect and shows the "You passed" message, which empties the
        # message cookie; this client does not follow redirects, so it drops the cookie itself.
        client.cookies.pop("messages", None)
        with stopwatch() as lap:
            # Sent as a browser sends a form: URL-encoded.
            response = client.post(
                f"/learn/attempts/{attempt.public_id}/",
                urlencode(answers, doseq=True),
                content_type="application/x-www-form-urlencoded",
            )
        assert response.status_code == 302, (response.status_code, response.content[-3000:])
        submit_timings.append(lap.seconds * 1000)
        with stopwatch() as lap:
            response = client.post(
                "/bench/insert/", "note=x", content_type="application/x-www-form-urlencoded"
            )
        assert response.status_code == 200
        insert_timings.append(lap.seconds * 1000)
    submit_ms, insert_ms = statistics.median(submit_timings), statistics.median(insert_timings)
    print(f"quiz submission median {submit_ms:.2f} ms; one-row insert view {insert_ms:.2f} ms")

    print(
        ratio_result_line(
            name="lesson_page", value=lesson_ms, unit="ms", baseline=bare_ms, max_ratio=2
        )
    )
    print(
        f"RESULT name=quiz_page_queries value={large_quiz} unit=queries "
        f"baseline={small_quiz} ratio={large_quiz / small_quiz:.2f} "
        f"budget=same_count_5_vs_50_lessons_10_vs_200_questions pass={'yes' if same else 'no'}"
    )
    print(
        ratio_result_line(
            name="quiz_submit", value=submit_ms, unit="ms", baseline=insert_ms, max_ratio=3
        )
    )


if __name__ == "__main__":
    main()
