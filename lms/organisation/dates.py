"""The dates the LMS accepts from a person at all.

A date typed into a form (a new due date, the end of an exemption, a report period, a day to
run reminders for) is checked against these bounds before anything computes with it: 9999-12-31
is a valid date, but one day later is not, and a reminder, a report week or a recertification
window computed past it would be an OverflowError (a 500), not an answer.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

EARLIEST = date(1900, 1, 1)
LATEST = date(2100, 12, 31)


def out_of_range_message() -> str:
    return _("Enter a date between %(earliest)s and %(latest)s.") % {
        "earliest": EARLIEST.isoformat(),
        "latest": LATEST.isoformat(),
    }


def validate_date_in_range(value: date) -> None:
    if value is not None and not EARLIEST <= value <= LATEST:
        raise ValidationError(out_of_range_message(), code="date_out_of_range")
