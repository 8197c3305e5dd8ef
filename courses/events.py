"""What courses tell the layers above them: explicit domain events, sent by courses' services.

Courses sit below compliance and certificates (docs/architecture.md), so they never import
them. A service that records something the layers above act on sends an event here, after its
own write and inside its transaction; compliance and certificates connect their own services
in their ``AppConfig.ready()``. Receivers run at once, in the sender's transaction, in the
order their apps are installed (compliance, then certificates), and an exception in one rolls
the whole act back, exactly as a direct call would. These are not model signals: nothing is
sent by ``save()``, only by the service that names the act.
"""

from django.dispatch import Signal

#: A completion was just inserted (first time or recertification). ``completion`` is the new
#: :class:`courses.models.Completion`. Compliance copies it onto the assignments it counts for;
#: certificates issue its certificate.
completion_recorded = Signal()

#: A course edition was published. ``course_id`` and ``edition`` (the
#: :class:`courses.models.CourseEdition`, with its number and ``due_on``). Compliance gives
#: everyone who completed an earlier edition the update's due date.
edition_published = Signal()

#: A question, not a notice: the recertification cycles that apply to a course, asked with
#: ``course_id``. Each receiver returns ``(months, window_days)`` pairs; compliance answers
#: from its training requirements.
recertification_cycles = Signal()

#: A completion was voided for compliance: its certificate was revoked. ``completion`` (the
#: :class:`courses.models.Completion`, unchanged), ``revoked_at`` (the moment), ``new_due_on``
#: (the date by which its holder must complete the course again) and ``reason``. Sent by
#: ``courses.services.completion_revoke`` after it records the
#: :class:`courses.models.CompletionRevocation`. Compliance recomputes the facts of the
#: holder's assignments of the course so that the completion no longer counts.
completion_revoked = Signal()
