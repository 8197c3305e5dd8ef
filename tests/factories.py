"""Test objects, built the same way everywhere (factory_boy and wagtail-factories)."""

import datetime
import uuid

import factory
import wagtail_factories
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from factory.django import DjangoModelFactory

from courses.models import CoursePage, LessonPage, TrainingIndexPage
from lms.models import HomePage
from lms.organisation import roles
from lms.organisation.models import Department, Employee, Liaison

PASSWORD = "correct-horse-battery"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@cabq.example")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*Group.objects.filter(name__in=extracted))


class DepartmentFactory(DjangoModelFactory):
    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"Department {n}")
    code = factory.Sequence(lambda n: f"D{n:03d}")


class EmployeeFactory(DjangoModelFactory):
    class Meta:
        model = Employee

    user = factory.SubFactory(UserFactory, roles=[roles.EMPLOYEE])
    employee_number = factory.Sequence(lambda n: f"E{20000 + n}")
    department = factory.SubFactory(DepartmentFactory)
    job_title = "Recreation Leader"
    hire_date = datetime.date(2020, 1, 6)


class LiaisonFactory(DjangoModelFactory):
    class Meta:
        model = Liaison

    department = factory.SubFactory(DepartmentFactory)
    user = factory.SubFactory(UserFactory, roles=[roles.EMPLOYEE, roles.LIAISON])


class HomePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = HomePage

    title = "City Training"


class TrainingIndexPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = TrainingIndexPage

    title = "Training"


class CoursePageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = CoursePage

    title = factory.Sequence(lambda n: f"Course {n}")
    summary = "What every City employee needs to know."
    estimated_minutes = 20


class LessonPageFactory(wagtail_factories.PageFactory):
    class Meta:
        model = LessonPage

    title = factory.Sequence(lambda n: f"Lesson {n}")
    body = [("text", "<p>Follow the City Attorney's guidance.</p>")]


def quiz_question(
    text: str,
    choices: list[tuple[str, bool]],
    *,
    kind: str = "single",
    explanation: str = "Because the City Attorney's guidance says so.",
    always_include: bool = False,
    policy_reference: str = "EO §7",
) -> dict:
    """One question of a course's question bank, as raw StreamField data."""
    return {
        "type": "question",
        "id": str(uuid.uuid4()),
        "value": {
            "kind": kind,
            "text": text,
            "choices": [
                {"type": "item", "id": str(uuid.uuid4()), "value": {"text": t, "is_correct": c}}
                for t, c in choices
            ],
            "explanation": explanation,
            "policy_reference": policy_reference,
            "always_include": always_include,
        },
    }


def quiz_bank(size: int) -> list[dict]:
    """A bank of single-choice questions whose first choice is always the right one."""
    return [
        quiz_question(f"Question {n}?", [(f"Right {n}", True), (f"Wrong {n}", False)])
        for n in range(1, size + 1)
    ]


class TrainingRequirementFactory(DjangoModelFactory):
    class Meta:
        model = "compliance.TrainingRequirement"

    name = factory.Sequence(lambda n: f"Requirement {n}")
    course = factory.SubFactory(CoursePageFactory)  # pass parent= or course= explicitly
    due_days = 30
    active_from = datetime.date(2025, 7, 21)


class EnrollmentFactory(DjangoModelFactory):
    class Meta:
        model = "courses.Enrollment"

    employee = factory.SubFactory(EmployeeFactory)
    course = None  # pass course= (a CoursePage in a tree)
    course_edition = factory.LazyAttribute(lambda e: e.course.edition)
    started_at = factory.LazyFunction(lambda: datetime.datetime.now(datetime.UTC))


class CompletionFactory(DjangoModelFactory):
    """A completion recorded directly (no certificate is issued: use certificate_issue)."""

    class Meta:
        model = "courses.Completion"
        skip_postgeneration_save = True  # a completion is saved once

    enrollment = factory.SubFactory(EnrollmentFactory, course=factory.SelfAttribute("..course"))
    employee = factory.SelfAttribute("enrollment.employee")
    course = None  # pass course=
    course_title = factory.LazyAttribute(lambda c: c.course.title)
    course_edition = factory.LazyAttribute(lambda c: c.enrollment.course_edition)
    completed_at = factory.LazyFunction(lambda: datetime.datetime.now(datetime.UTC))
    expires_at = None

    @factory.post_generation
    def assignments(completion, create, extracted, **kwargs):
        """Keep the employee's assignments up to date, as the course services do."""
        if create:
            from lms.compliance.services import assignment_completion_record

            assignment_completion_record(completion=completion)


class GuidanceDocumentFactory(DjangoModelFactory):
    class Meta:
        model = "courses.GuidanceDocument"

    title = factory.Sequence(lambda n: f"Guidance document {n}")
    short_name = factory.Sequence(lambda n: f"GD{n}")
    issuer = "City Attorney's Office"
    issued_on = datetime.date(2025, 2, 10)


class ClauseFactory(DjangoModelFactory):
    class Meta:
        model = "courses.Clause"

    document = factory.SubFactory(GuidanceDocumentFactory)
    number = factory.Sequence(lambda n: str(n + 1))
    title = factory.Sequence(lambda n: f"Clause {n}")
    text = "What the clause says."
