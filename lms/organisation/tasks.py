"""django-q2 tasks for the organisation."""

from django.contrib.auth import get_user_model

from lms.organisation.services import accounts, roster_feed


def invitations_send(user_ids: list[int], sent_by_id: int | None = None) -> str:
    """Send the invitations of a roster import (queued after its commit, so a large import
    does not wait for thousands of emails)."""
    sent_by = get_user_model().objects.filter(pk=sent_by_id).first() if sent_by_id else None
    sent = accounts.invitations_send(user_ids=user_ids, sent_by=sent_by)
    return f"{sent} invitations sent"


def roster_feed_daily() -> str:
    """The daily schedule: read the new files of the HR roster feed's folder."""
    return roster_feed.roster_feed_check().summary()
