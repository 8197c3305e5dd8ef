"""The one error type for a request the application refuses, in every app.

A service raises it when a person asks for something the rules do not allow (a forged form, a
replayed submission, an exhausted quiz, a self-granted exemption, a report already published):
nothing has been written, ``message`` is what to tell them (already translated) and ``status``
the HTTP status the view answers with, never a 500.
"""

from datetime import datetime


class ApplicationError(Exception):
    """A request the application refuses; ``status`` is the HTTP status to answer with."""

    def __init__(
        self,
        message: str,
        *,
        status: int = 400,
        errors: dict | None = None,
        retry_at: datetime | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.status = status
        #: Errors per form field, when the refusal is about fields.
        self.errors = errors or {}
        #: When the request may be made again (a 429's Retry-After), if it can be.
        self.retry_at = retry_at
