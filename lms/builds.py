"""Files built by a task on someone's request (report exports, certificate archives): the
one rule for starting a build, shared by every app that offers one.

A request either gets a build already under way that it may share, or a new record handed to
a task once it is committed. A person may have ``MAX_BUILDS_PER_USER`` builds of a kind in
progress; one more is refused with a 429 and creates nothing. Race-safe: the person's row is
locked for the count (SQLite's IMMEDIATE transactions serialise all writers anyway), and the
caller's conditional unique constraint makes a concurrent duplicate fail, after which the one
that won is shared.
"""

from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, models, transaction
from django_q.tasks import async_task

from lms.errors import ApplicationError

Record = TypeVar("Record", bound=models.Model)


@transaction.atomic
def build_start(
    *,
    user,
    existing: Callable[[], Record | None],
    in_progress: models.QuerySet,
    refusal: str,
    create: Callable[[], Record],
    task: str,
) -> tuple[Record, bool]:
    """Share the build ``existing()`` finds, or ``create()`` one and queue ``task`` with its pk
    after the commit; returns ``(record, created)``.

    ``in_progress`` are the person's builds of this kind not yet finished; ``refusal`` (with a
    ``%(count)d``) is the message when they already have as many as they may.
    """
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    found = existing()
    if found is not None:
        return found, False
    count = in_progress.count()
    if count >= settings.MAX_BUILDS_PER_USER:
        raise ApplicationError(refusal % {"count": count}, status=429)
    try:
        with transaction.atomic():
            record = create()
    except IntegrityError:
        # Someone else asked for the same build at the same moment: share theirs.
        found = existing()
        if found is None:  # pragma: no cover - the constraint names no other cause
            raise
        return found, False
    transaction.on_commit(lambda: async_task(task, record.pk))
    return record, True
