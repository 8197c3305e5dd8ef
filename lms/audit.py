"""The audit log: who approved, published, revoked, exempted, extended, exported or imported what.

Entries are Wagtail's own ``ModelLogEntry`` rows, so OEI reads them in the admin's site history
next to Wagtail's (page publishing, workflow approvals). Nothing in the LMS updates or deletes
them. Every action the LMS records is named here, once, with its label; services call
:func:`audit_record` inside their transaction, so an entry exists exactly when the act does.
"""

from django.db.models import Model
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

#: action -> (label in the history filter, message shown for an entry)
ACTIONS = {
    "lms.extension.grant": (_("Grant an extension"), _("Extension granted")),
    "lms.exemption.grant": (_("Grant an exemption"), _("Exemption granted")),
    "lms.exemption.end": (_("End an exemption early"), _("Exemption ended early")),
    "lms.roster.import": (_("Import the HR roster"), _("HR roster imported")),
    "lms.roster.confirm": (_("Confirm a roster"), _("Roster confirmed")),
    "lms.export": (_("Export data"), _("Data exported")),
    "lms.certificate.revoke": (_("Revoke a certificate"), _("Certificate revoked")),
    "lms.certificate.reissue": (_("Re-issue a certificate"), _("Certificate re-issued")),
    "lms.course.new_edition": (_("Publish a new edition"), _("New edition published")),
    "lms.course.edition_prepare": (_("Prepare a new edition"), _("New edition prepared")),
    "lms.course.translation_updated": (
        _("Bring a translation up to its source's edition"),
        _("Translation approved for the source's current edition"),
    ),
    "lms.course.lesson_held": (
        _("Hold a lesson change for a new edition"),
        _("Lesson change held for the new edition"),
    ),
    "lms.acknowledgment.sign": (_("Sign an acknowledgment"), _("Acknowledgment signed")),
    "lms.report.publish": (_("Publish a progress report"), _("Progress report published")),
    "lms.account.password_reset": (_("Send a password reset"), _("Password reset link sent")),
    "lms.account.invitation": (_("Send an invitation"), _("Invitation sent")),
    "lms.reminders.send_again": (_("Send a reminder again"), _("Reminder put back to be sent")),
    # issue 17: single sign-on
    "lms.account.local_password": (
        _("Mark an account local or not"),
        _("Local password sign-in changed"),
    ),
    "lms.account.sso_link": (_("Link a City account"), _("City account linked")),
    # issue 19: the HR roster feed
    "lms.roster.feed.applied": (_("Apply an HR feed file"), _("HR feed file applied")),
    "lms.roster.feed.refused": (_("Refuse an HR feed file"), _("HR feed file refused")),
}


def audit_record(*, instance: Model, action: str, user=None, data: dict | None = None):
    """Append one entry to the audit log for ``action`` on ``instance`` by ``user``."""
    if action not in ACTIONS:
        raise ValueError(f"unregistered audit action {action!r}; add it to lms.audit.ACTIONS")
    return log(instance, action, user=user, data=data or {})
