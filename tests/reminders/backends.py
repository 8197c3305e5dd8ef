"""An email backend that refuses mail to addresses containing "fail" (failure tests)."""

from django.core import mail
from django.core.mail.backends.locmem import EmailBackend


class FailingBackend(EmailBackend):
    def send_messages(self, messages):
        for message in messages:
            if any("fail" in address for address in message.to):
                raise ConnectionRefusedError("SMTP server refused the message")
        return super().send_messages(messages)


def outbox():
    return mail.outbox
