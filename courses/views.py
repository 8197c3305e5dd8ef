"""The learner's side of a course: thin views over courses.services and courses.selectors."""

import math

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from courses import selectors, services
from courses.models import CoursePage, LessonPage
from lms.errors import ApplicationError


def _error(request, error: ApplicationError) -> TemplateResponse:
    response = TemplateResponse(
        request, "courses/learning_error.html", {"error": error}, status=error.status
    )
    if error.retry_at is not None:
        seconds = (error.retry_at - timezone.now()).total_seconds()
        response["Retry-After"] = str(max(1, math.ceil(seconds)))
    return response


def _employee_or_403(request):
    employee = selectors.employee_for(user=request.user)
    if employee is None:
        raise ApplicationError(
            _("Only City employees can take courses. Your account has no employee record."),
            status=403,
        )
    return employee


def _live_course(course_id: int) -> CoursePage:
    """The live course, always its source: a translation's id leads to the same course."""
    course = get_object_or_404(CoursePage.objects.live().select_related("locale"), pk=course_id)
    course = selectors.course_source(course)
    if not course.live:
        raise Http404
    return course


def _shown(course: CoursePage) -> CoursePage | None:
    """The course's translation in the learner's language, when one is approved."""
    return selectors.course_translation_shown(course=course, language=translation.get_language())


def _next_step_url(course: CoursePage, progress: selectors.CourseProgress) -> str:
    """Where Start/Resume/Review leads: the first unread lesson, else the quiz; a learner
    who completed the course reviews it from its first lesson."""
    lessons = list(course.lessons().only("id", "url_path", "path"))
    if progress.completion and lessons:
        return lessons[0].url
    for lesson in lessons:
        required = progress.required_lesson_ids is None or lesson.pk in progress.required_lesson_ids
        if required and lesson.pk not in progress.completed_lesson_ids:
            return lesson.url
    if progress.acknowledgment_due:
        return reverse("courses:acknowledge", kwargs={"course_id": course.pk})
    if course.has_quiz and not (progress.is_update and not progress.update_has_quiz):
        return reverse("courses:quiz", kwargs={"course_id": course.pk})
    return course.url


@login_required
@require_POST
def course_start(request, course_id: int):
    course = _live_course(course_id)
    try:
        employee = _employee_or_403(request)
        services.enrollment_start(employee=employee, course=course)
    except ApplicationError as error:
        return _error(request, error)
    progress = selectors.course_progress(
        user=request.user, course=course, lessons=list(course.lessons())
    )
    return redirect(_next_step_url(course, progress))


@login_required
@require_POST
def lesson_complete(request, lesson_id: int):
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    try:
        employee = _employee_or_403(request)
        lesson = selectors.course_source(lesson)
        course = lesson.get_parent().specific
        services.lesson_complete(employee=employee, lesson=lesson, shown=_shown(course))
    except ApplicationError as error:
        return _error(request, error)
    progress = selectors.course_progress(
        user=request.user, course=course, lessons=list(course.lessons())
    )
    if progress.completion:
        return redirect("courses:course_complete", course_id=course.pk)
    if progress.is_update:
        return redirect(_next_step_url(course, progress))
    next_lesson = lesson.get_next_siblings().live().first()
    if next_lesson is not None:
        return redirect(next_lesson.url)
    return redirect(_next_step_url(course, progress))


@login_required
def quiz(request, course_id: int):
    course = _live_course(course_id)
    if not course.has_quiz:
        raise Http404
    # Progress needs only the lessons' ids; the attempts are those of the same enrollment.
    lessons = list(course.lessons().only("id"))
    progress = selectors.course_progress(user=request.user, course=course, lessons=lessons)
    attempts = selectors.attempts_for(user=request.user, course=course, progress=progress)
    shown = selectors.course_shown(course=course, lessons=[], language=translation.get_language())
    rules = (
        services.quiz_rules(enrollment=progress.enrollment, course=course)
        if progress.enrollment
        else None
    )
    return render(
        request,
        "courses/quiz.html",
        {
            "course": shown.course,
            "shown": shown,
            "progress": progress,
            "attempts": attempts,
            "open_attempt": next((a for a in attempts if not a.is_submitted), None),
            "rules": rules,
            "question_total": (
                progress.update_question_count
                if progress.is_update
                else course.quiz_question_count or len(course.quiz)
            ),
        },
    )


@login_required
@require_POST
def quiz_start(request, course_id: int):
    course = _live_course(course_id)
    try:
        employee = _employee_or_403(request)
        attempt = services.quiz_attempt_start(
            employee=employee, course=course, shown=_shown(course)
        )
    except ApplicationError as error:
        return _error(request, error)
    return redirect("courses:attempt", attempt_key=attempt.public_id)


def _attempt_form_context(quiz_attempt, chosen=None, errors=None) -> dict:
    """The questions as the form shows them: never with their correct answers."""
    chosen, errors = chosen or {}, errors or {}
    questions = [
        {
            "id": q["id"],
            "kind": q["kind"],
            "text": q["text"],
            "choices": q["choices"],
            "multiple": q["kind"] == "multiple",
            "chosen": chosen.get(q["id"], []),
            "error": errors.get(q["id"]),
        }
        for q in quiz_attempt.questions
    ]
    return {"attempt": quiz_attempt, "questions": questions, "errors": errors}


def _answers_from(post) -> dict[str, list[str]]:
    return {key[2:]: post.getlist(key) for key in post if key.startswith("q-")}


@login_required
@require_http_methods(["GET", "POST"])
def attempt(request, attempt_key):
    if request.method == "GET":
        quiz_attempt = selectors.attempt_for(user=request.user, attempt_key=attempt_key)
        if quiz_attempt is None:
            raise Http404
        if quiz_attempt.is_submitted:
            return redirect("courses:attempt_result", attempt_key=attempt_key)
        return render(request, "courses/attempt.html", _attempt_form_context(quiz_attempt))
    answers = _answers_from(request.POST)
    try:
        employee = _employee_or_403(request)
        # The service finds the attempt among this employee's own; anyone else's is a 404.
        result = services.quiz_attempt_submit(
            employee=employee, attempt_key=attempt_key, answers=answers
        )
    except ApplicationError as error:
        if error.errors:
            quiz_attempt = selectors.attempt_for(user=request.user, attempt_key=attempt_key)
            return render(
                request,
                "courses/attempt.html",
                _attempt_form_context(quiz_attempt, answers, error.errors),
                status=error.status,
            )
        if error.status == 404:
            raise Http404 from error
        return _error(request, error)
    # The result page says whether it passed: one message per outcome (issue 20).
    return redirect("courses:attempt_result", attempt_key=result.public_id)


@login_required
def attempt_result(request, attempt_key):
    quiz_attempt = selectors.attempt_for(user=request.user, attempt_key=attempt_key)
    if quiz_attempt is None or not quiz_attempt.is_submitted:
        raise Http404
    return render(
        request,
        "courses/attempt_result.html",
        {
            "attempt": quiz_attempt,
            # Only what the course's review setting lets the page show is in the context.
            "review": selectors.attempt_review(attempt=quiz_attempt),
            "course": quiz_attempt.course,
            "acknowledgment_due": quiz_attempt.passed
            and not hasattr(quiz_attempt, "completion")
            and selectors.acknowledgment_required(course_id=quiz_attempt.course_id),
        },
    )


@login_required
def course_complete(request, course_id: int):
    course = _live_course(course_id)
    progress = selectors.course_progress(
        user=request.user, course=course, lessons=list(course.lessons())
    )
    if progress.completion is None:
        raise Http404
    shown = selectors.course_shown(course=course, lessons=[], language=translation.get_language())
    return render(
        request,
        "courses/course_complete.html",
        {"course": shown.course, "shown": shown, "completion": progress.completion},
    )


@login_required
@require_http_methods(["GET", "POST"])
def acknowledge(request, course_id: int):
    """The acknowledgment at the end of a course, signed by typing one's full name."""
    course = _live_course(course_id)
    shown_course = _shown(course)
    text = selectors.acknowledgment_text(course=course, shown=shown_course)
    if not text:
        raise Http404
    progress = selectors.course_progress(
        user=request.user, course=course, lessons=list(course.lessons())
    )
    shown = selectors.course_shown(course=course, lessons=[], language=translation.get_language())
    context = {
        "course": shown.course,
        "shown": shown,
        "text": text,
        "progress": progress,
        "signature": "",
    }
    if request.method == "POST":
        signature = request.POST.get("signature", "")
        try:
            employee = _employee_or_403(request)
            services.acknowledgment_sign(
                employee=employee, course=course, signature=signature, shown=shown_course
            )
        except ApplicationError as error:
            if error.errors:
                context.update(signature=signature, error=error)
                return render(request, "courses/acknowledge.html", context, status=error.status)
            return _error(request, error)
        # The completion page says the course is complete: no second message (issue 20).
        return redirect("courses:course_complete", course_id=course.pk)
    if progress.completion is not None:
        return redirect("courses:course_complete", course_id=course.pk)
    if not progress.acknowledgment_due:
        return _error(
            request,
            ApplicationError(
                _("Finish the lessons and the quiz before you sign the acknowledgment."),
                status=409,
            ),
        )
    return render(request, "courses/acknowledge.html", context)
