"""The render task is queued with the certificate: in its transaction on django-q2's ORM broker
(rolled back with it), after the commit on any other broker or when tasks run inline."""

import pytest
from django.db import transaction
from django_q.conf import Conf
from django_q.models import OrmQ
from django_q.signing import SignedPackage

from certificates.models import Certificate
from courses import services as course_services
from courses.models import Completion

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


@pytest.fixture
def orm_broker(monkeypatch):
    """django-q2 as a deployment runs it: the ORM broker on the default database, tasks queued
    for a cluster (the test settings run them inline)."""
    if Conf.ORM != "default":
        pytest.skip("these settings use another broker")
    monkeypatch.setattr(Conf, "SYNC", False)


def complete(employee, course):
    for lesson in course.lessons():
        course_services.lesson_complete(employee=employee, lesson=lesson)


def test_the_render_task_is_queued_in_the_completion_transaction(
    orm_broker, course, employee, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        complete(employee, course)
        certificate = Certificate.objects.get(employee=employee)
        (queued,) = OrmQ.objects.all()
        assert callbacks == []  # nothing left for after the commit
    task = SignedPackage.loads(queued.payload)
    assert (task["func"], task["args"]) == (
        "certificates.tasks.certificate_render",
        (certificate.pk,),
    )


def test_a_rolled_back_completion_leaves_no_task_behind(orm_broker, course, employee):
    with pytest.raises(Rollback), transaction.atomic():
        complete(employee, course)
        assert OrmQ.objects.count() == 1
        raise Rollback
    assert not Completion.objects.exists()
    assert not Certificate.objects.exists()
    assert not OrmQ.objects.exists()


def test_inline_tasks_still_wait_for_the_commit(
    course, employee, django_capture_on_commit_callbacks
):
    assert Conf.SYNC  # the test settings
    with django_capture_on_commit_callbacks() as callbacks:
        complete(employee, course)
    # The certificate's render is enqueued on commit (beside the aggregates' recompute).
    assert [cb for cb in callbacks if cb.__qualname__.startswith("_render_later")]
    assert not OrmQ.objects.exists()
