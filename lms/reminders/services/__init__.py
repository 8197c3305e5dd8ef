"""Writes for reminders, one module per concept: ``scan`` (the daily scan, into the outbox),
``digests`` (gathering rows into digests), ``nudges`` (the liaisons' reminders), ``outbox``
(sending, retries, what OEI sees and sends again), ``recheck`` (is a row's reason still there?),
``preferences`` and ``schedules`` (the django-q2 schedules). Import the module you need.

The scan only *logs*: it finds what is due with one query per kind of reminder and inserts the
rows with ``INSERT ... ON CONFLICT DO NOTHING`` on their unique keys, so whoever runs it, however
often, a milestone is logged once. Sending is separate: a sender claims a batch of unsent rows
(a short lease, so two clusters never take the same row), sends them over one connection, and
sends each at most once: "sending" is committed before the message is handed to the mail
server, "sent" after the server accepted it, and a row left "sending" by a sender that died is
marked "may not have been sent" for OEI rather than sent again. A refusal is counted, retried
later with backoff and shown to OEI in the admin.

One pipeline: a liaison's "send reminder" (``compliance.ReminderRequest``) is carried out by
this outbox too (``nudges_log``: a digest of kind NUDGE for the request, with one row per open
assignment), so it has the same claim, retries, backoff, "may not have been sent", language
and Message-ID as the scheduled reminders.

Nothing is sent whose reason is gone: every batch is re-checked against the status that
``compliance.selectors.with_status`` computes (one query per batch) when it is sent, and the
rows gathered into digests when the digests are built. A row whose assignment was completed,
exempted, extended past the row's due date, removed, or whose employee left, is marked skipped
with that reason (``SkipReason``) and never sent.
"""
