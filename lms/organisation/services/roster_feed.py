"""The HR roster feed: files HR drops in a folder on the server, read by a daily schedule.

Each new file (new by its SHA-256: the same content is never read twice, whatever its name) is
checked whole like an upload. Clean, it is applied like an upload (the import's own audit
entry, plus a :class:`RosterFeedFile` keeping the preview for OEI); with errors, nothing is
applied and OEI and the liaisons of the departments on the faulty lines get one email each,
in their language, listing the errors (a liaison only those of their departments' lines).
"""

import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from lms.audit import audit_record
from lms.models import OrganisationSettings
from lms.organisation import roles, roster, selectors
from lms.organisation.emails import TextEmail, subject_render
from lms.organisation.models import Employee, Liaison, RosterFeedFile
from lms.organisation.services import roster_import

logger = logging.getLogger(__name__)

#: The files the feed reads; anything else in the folder (a README, a half-uploaded
#: ``.part``, a hidden file) is left alone.
FEED_SUFFIXES = (".csv", ".xlsx")


@dataclass
class FeedOutcome:
    """What one check of the folder did, by file name."""

    applied: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    #: Files still arriving (modified too recently) or too large; read on a later day.
    waiting: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{len(self.applied)} applied, {len(self.refused)} refused, {len(self.waiting)} waiting"
        )


def roster_feed_check(*, now=None) -> FeedOutcome:
    """Read every new roster file of the feed folder, oldest first."""
    outcome = FeedOutcome()
    directory = selectors.roster_feed_directory()
    if not directory:
        return outcome
    folder = Path(directory)
    if not folder.is_dir():
        logger.error("HR roster feed: %s is not a readable folder", directory)
        return outcome
    now = now or timezone.now()
    files = [
        path
        for path in folder.iterdir()
        if path.is_file() and not path.name.startswith(".") and path.suffix.lower() in FEED_SUFFIXES
    ]
    for path in sorted(files, key=lambda path: (path.stat().st_mtime, path.name)):
        stat = path.stat()
        if now.timestamp() - stat.st_mtime < settings.ROSTER_FEED_SETTLE_SECONDS:
            outcome.waiting.append(path.name)
            continue
        if stat.st_size > settings.ROSTER_FEED_MAX_BYTES:
            logger.error("HR roster feed: %s is larger than ROSTER_FEED_MAX_BYTES", path.name)
            outcome.waiting.append(path.name)
            continue
        content = path.read_bytes()
        digest = hashlib.sha256(content).hexdigest()
        if RosterFeedFile.objects.filter(sha256=digest).exists():
            continue
        record = roster_feed_file_process(name=path.name, content=content, digest=digest)
        if record is None:
            continue
        if record.status == RosterFeedFile.Status.APPLIED:
            outcome.applied.append(path.name)
        else:
            outcome.refused.append(path.name)
    return outcome


def roster_feed_file_process(*, name: str, content: bytes, digest: str) -> RosterFeedFile | None:
    """Check one file and apply it or record its refusal (and email it); ``None`` when another
    run recorded the same file first, or the employees changed under the apply (then the file
    is read again on the next run)."""
    # The records and emails are in the site's language; each email is in its reader's.
    with translation.override(settings.LANGUAGE_CODE):
        plan = roster.roster_validate(content=content)
        try:
            with transaction.atomic():
                if plan.is_valid:
                    result = roster_import.roster_import_apply(plan=plan)
                    record = RosterFeedFile.objects.create(
                        sha256=digest,
                        file_name=name[:255],
                        status=RosterFeedFile.Status.APPLIED,
                        source=plan.source.describe()[:300],
                        summary=result.summary(),
                        preview=roster.plan_lines(plan),
                    )
                else:
                    record = RosterFeedFile.objects.create(
                        sha256=digest,
                        file_name=name[:255],
                        status=RosterFeedFile.Status.REFUSED,
                        source=plan.source.describe()[:300],
                        summary=plan.summary(),
                        errors=[[error.line, error.reason] for error in plan.errors],
                    )
                audit_record(
                    instance=record,
                    action=f"lms.roster.feed.{record.status}",
                    data={"file": record.file_name, "sha256": digest, "summary": record.summary},
                )
        except IntegrityError:
            logger.warning("HR roster feed: %s was recorded by another run or raced", name)
            return None
    if record.status == RosterFeedFile.Status.REFUSED:
        sent = roster_feed_refusal_notify(record=record, content=content)
        logger.info("HR roster feed: %s refused, %d emails sent", name, sent)
    else:
        logger.info("HR roster feed: %s applied: %s", name, record.summary)
    return record


def _recipients() -> list[tuple[str, str, set[str] | None]]:
    """(email, language, department codes or None for every line) of each reader: OEI's
    administrators and contact address, and every liaison."""
    User = get_user_model()
    languages = dict(Employee.objects.values_list("user_id", "preferred_language"))
    readers: dict[str, tuple[str, set[str] | None]] = {}
    oei = User.objects.filter(is_active=True, groups__name=roles.OEI_ADMIN).exclude(email="")
    for user in oei.distinct():
        readers[user.email.lower()] = (languages.get(user.pk, settings.LANGUAGE_CODE), None)
    contact = OrganisationSettings.load().contact_email
    if contact and contact.lower() not in readers:
        readers[contact.lower()] = (settings.LANGUAGE_CODE, None)
    liaisons = (
        Liaison.objects.filter(user__is_active=True, department__is_active=True)
        .exclude(user__email="")
        .values_list("user_id", "user__email", "department__code")
    )
    for user_id, email, code in liaisons:
        language, codes = readers.setdefault(
            email.lower(), (languages.get(user_id, settings.LANGUAGE_CODE), set())
        )
        if codes is not None:
            codes.add(code)
    return [(email, language, codes) for email, (language, codes) in readers.items()]


def roster_feed_refusal_notify(*, record: RosterFeedFile, content: bytes) -> int:
    """One email to each reader listing the errors they may see; the number sent."""
    plans: dict[str, roster.RosterPlan] = {}
    connection = get_connection()
    sent = 0
    for email, language, codes in _recipients():
        with translation.override(language):
            if language not in plans:  # the reasons, in this reader's language
                plans[language] = roster.roster_validate(content=content)
            plan = plans[language]
            errors = [
                error
                for error in plan.errors
                if codes is None or plan.line_departments.get(error.line) in codes
            ]
            if not errors:
                continue
            context = {
                "record": record,
                "errors": errors,
                "total": len(plan.errors),
                "everything": codes is None,
                "settings_url": settings.WAGTAILADMIN_BASE_URL,
            }
            message = TextEmail(
                subject=subject_render(
                    "organisation/email/roster_feed_refused_subject.txt", context
                ),
                body=render_to_string("organisation/email/roster_feed_refused.txt", context),
                to=[email],
                connection=connection,
            )
            message.attach_alternative(
                render_to_string("organisation/email/roster_feed_refused.html", context),
                "text/html",
            )
            sent += message.send()
    return sent
