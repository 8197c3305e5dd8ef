"""Sending the outbox: a sender claims a batch of unsent rows (a short lease, so two clusters
never take the same row), sends them over one connection, and sends each at most once; what
could not be sent is retried with backoff and shown to OEI (``failures``)."""

import logging
import smtplib
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.mail import get_connection
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from lms.audit import audit_record
from lms.reminders import emails
from lms.reminders.models import (
    MAX_ATTEMPTS,
    Delivery,
    Digest,
    ReminderLog,
    SkipReason,
)
from lms.reminders.services.recheck import _skip, logs_recheck

logger = logging.getLogger(__name__)


#: A sender that claimed rows and died lets another take them after this long.
LEASE = timedelta(minutes=15)
#: Failed sends are retried MAX_ATTEMPTS times, waiting BACKOFF x 4^(attempts - 1) in between.
BACKOFF = timedelta(minutes=5)


@dataclass
class SendResult:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    uncertain: int = 0
    #: Rows not sent because their reason was gone at send time (see ``SkipReason``).
    not_needed: int = 0


# --- Sending ---------------------------------------------------------------------------------


def _pending(model, now: datetime) -> QuerySet:
    pending = model.objects.filter(
        sent_at__isnull=True, skipped_at__isnull=True, uncertain=False, attempts__lt=MAX_ATTEMPTS
    ).filter(
        Q(next_try_at__isnull=True) | Q(next_try_at__lte=now),
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now),
    )
    if model is ReminderLog:
        pending = pending.filter(delivery=Delivery.SINGLE)
    return pending


def _interrupted_mark(model, *, now: datetime) -> int:
    """Rows whose sender died after handing the message to the mail server and before
    recording that it was accepted (``sending_at`` set, no ``sent_at``, claim expired): they
    may have gone out, so they become "may not have been sent" and are not sent again."""
    count = model.objects.filter(
        sent_at__isnull=True,
        sending_at__isnull=False,
        uncertain=False,
        claimed_until__lt=now,
    ).update(uncertain=True, claim=None, claimed_until=None)
    if count:
        logger.error(
            "reminders: %d %s may not have been sent (sender stopped mid-send); see Reminders "
            "in the admin",
            count,
            model.__name__,
        )
    return count


def _claim(model, *, now: datetime, size: int) -> uuid.UUID | None:
    """Take up to ``size`` unsent rows for this sender; None when there are none left. Rows
    another sender claimed in between are simply not ours (the UPDATE re-checks)."""
    token = uuid.uuid4()
    with transaction.atomic():
        _interrupted_mark(model, now=now)
        ids = list(_pending(model, now).order_by("pk").values_list("pk", flat=True)[:size])
        if not ids:
            return None
        _pending(model, now).filter(pk__in=ids).update(
            claim=token, claimed_until=timezone.now() + LEASE, sending_at=None
        )
    return token


def _backoff(attempts: int) -> timedelta:
    return BACKOFF * 4 ** (attempts - 1)


def _mark_failed(model, row, token, *, error: str, now: datetime, final: bool = False) -> None:
    attempts = MAX_ATTEMPTS if final else row.attempts + 1
    model.objects.filter(pk=row.pk, claim=token).update(
        attempts=attempts,
        next_try_at=now + _backoff(attempts),
        last_error=error[:2000],
        claim=None,
        claimed_until=None,
        sending_at=None,
    )


#: Errors after which the message was certainly not accepted: the server answered with a
#: refusal, or the connection was refused before anything was sent. Any other error while
#: sending (a timeout, a connection lost mid-message) leaves the message's fate unknown.
REFUSED = (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused, ConnectionRefusedError)


def _sending_mark(model, row, token) -> bool:
    """Record, and commit, that this row's message is being handed to the mail server now;
    False when the row is no longer ours (its claim expired and another sender took it)."""
    with transaction.atomic():
        return bool(
            model.objects.filter(pk=row.pk, claim=token, sent_at__isnull=True).update(
                sending_at=timezone.now()
            )
        )


def _sent_mark(model, row, token) -> None:
    with transaction.atomic():
        sent_at = timezone.now()
        model.objects.filter(pk=row.pk, claim=token).update(
            sent_at=sent_at, claim=None, claimed_until=None, last_error=""
        )
        if model is Digest:
            row.entries.filter(sent_at__isnull=True, skipped_at__isnull=True).update(
                sent_at=sent_at
            )


def batch_recheck(model, token, *, today: date, now: datetime) -> tuple[int, set[int]]:
    """Re-check a claimed batch before sending it (a skipped row is no longer claimed); returns
    how many rows of the batch were skipped and, for digests, the entries to leave out.

    A reminder whose reason is gone is skipped. A digest leaves out its entries whose reason
    is gone; a digest with none left is skipped (with its entries' reason when they share
    one)."""
    if model is ReminderLog:
        skipped = logs_recheck(ReminderLog.objects.filter(claim=token), today=today, now=now)
        return len(skipped), set()
    Through = Digest.entries.through
    entries = Through.objects.filter(digest__claim=token, reminderlog__skipped_at__isnull=True)
    pairs = list(entries.values_list("digest_id", "reminderlog_id"))
    gone = logs_recheck(
        ReminderLog.objects.filter(pk__in={log_id for _digest_id, log_id in pairs}),
        today=today,
        now=now,
    )
    left, reasons = defaultdict(int), defaultdict(set)
    for digest_id, log_id in pairs:
        if log_id in gone:
            reasons[digest_id].add(gone[log_id])
        else:
            left[digest_id] += 1
    empty = {}
    for digest_id in model.objects.filter(claim=token).values_list("pk", flat=True):
        if not left[digest_id]:
            shared = reasons[digest_id]
            empty[digest_id] = shared.pop() if len(shared) == 1 else SkipReason.NOTHING_LEFT
    _skip(Digest, empty, now=now)
    return len(empty), set(gone)


def outbox_send(
    *, now: datetime | None = None, batch_size: int = 200, limit: int | None = None
) -> SendResult:
    """Send what the outbox holds and is due, in batches over one mail connection (at most
    ``limit`` batches' worth when given; the rest waits for the next run).

    Each message is sent at most once: its row is marked "sending" (committed) before the
    message is handed to the mail server and "sent" after the server accepted it. A sender that
    dies in between leaves the row "sending"; the next sender, once the claim has expired,
    marks it "may not have been sent" for OEI to check rather than sending it again. Each
    message carries a Message-ID made from the row's unique key, so a server or a mail client
    can recognise a copy OEI chose to send again.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    result = SendResult()
    links = emails.Links()
    with get_connection() as connection:
        for model in (ReminderLog, Digest):
            while (token := _claim(model, now=now, size=batch_size)) is not None:
                if limit is not None and result.sent + result.failed >= limit:
                    model.objects.filter(claim=token).update(claim=None, claimed_until=None)
                    break
                not_needed, left_out = batch_recheck(model, token, today=today, now=now)
                result.not_needed += not_needed
                rows = emails.claimed_rows(model, token)
                for index, row in enumerate(rows):
                    try:
                        message = emails.message_for(
                            row, connection=connection, links=links, left_out=left_out
                        )
                    except emails.NotSendable as reason:
                        _mark_failed(model, row, token, error=str(reason), now=now, final=True)
                        result.skipped += 1
                        continue
                    if not _sending_mark(model, row, token):
                        continue
                    try:
                        connection.send_messages([message])
                    except REFUSED as error:
                        logger.warning("reminder %s %s not sent: %s", model.__name__, row.pk, error)
                        _mark_failed(model, row, token, error=repr(error), now=now)
                        result.failed += 1
                        continue
                    except Exception as error:  # noqa: BLE001 - the message's fate is unknown
                        logger.error(
                            "reminder %s %s may not have been sent: %s",
                            model.__name__,
                            row.pk,
                            error,
                        )
                        model.objects.filter(pk=row.pk, claim=token).update(
                            uncertain=True,
                            claim=None,
                            claimed_until=None,
                            last_error=repr(error)[:2000],
                        )
                        result.uncertain += 1
                        # The connection is in an unknown state: the rest waits for the next run.
                        model.objects.filter(pk__in=[r.pk for r in rows[index + 1 :]]).filter(
                            claim=token
                        ).update(claim=None, claimed_until=None)
                        return result
                    _sent_mark(model, row, token)
                    result.sent += 1
    if result.failed:
        logger.error("reminders: %d sends failed; see Reminders in the admin", result.failed)
    return result


def failures() -> QuerySet[ReminderLog]:
    """Reminders that could not be sent (yet), or may not have been: what OEI sees in the
    admin."""
    return ReminderLog.objects.filter(sent_at__isnull=True, skipped_at__isnull=True).filter(
        Q(attempts__gt=0) | Q(uncertain=True)
    )


@transaction.atomic
def outbox_send_again(row, *, by) -> None:
    """OEI checked a row that may not have been sent (or that failed for good) and wants it
    sent again: it goes back to the outbox, with the same Message-ID."""
    model = type(row)
    updated = model.objects.filter(pk=row.pk, sent_at__isnull=True, skipped_at__isnull=True).update(
        uncertain=False,
        sending_at=None,
        attempts=0,
        next_try_at=None,
        last_error="",
        claim=None,
        claimed_until=None,
    )
    if updated:
        audit_record(
            instance=row,
            action="lms.reminders.send_again",
            user=by,
            data={"model": model.__name__, "pk": row.pk},
        )
