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


class LostBackend(EmailBackend):
    """Loses the connection after the message's last byte, before the server's answer, for
    addresses containing "lost": whether the server accepted it is unknown."""

    def send_messages(self, messages):
        for message in messages:
            if any("lost" in address for address in message.to):
                raise TimeoutError("timed out waiting for the server's answer")
        return super().send_messages(messages)
