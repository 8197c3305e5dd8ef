"""The one-time links of accounts: password reset and invitation.

Both are Django's password reset tokens (an HMAC of the account's password hash, last sign-in
and email, so a link stops working once it has been used), with two changes:

- the account's active state is part of the hash and an inactive account's token never checks,
  so a leaver cannot use a link sent before they left;
- an invitation link has a salt of its own (a reset token is not an invitation, nor the reverse)
  and lasts ``INVITATION_VALID_DAYS`` days instead of ``PASSWORD_RESET_TIMEOUT`` seconds.
"""

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int


class AccountTokenGenerator(PasswordResetTokenGenerator):
    """Django's reset token, void for inactive accounts."""

    key_salt = "lms.organisation.tokens.AccountTokenGenerator"

    def timeout_seconds(self) -> int:
        return settings.PASSWORD_RESET_TIMEOUT

    def _make_hash_value(self, user, timestamp):
        return f"{super()._make_hash_value(user, timestamp)}{int(user.is_active)}"

    def check_token(self, user, token):
        if not (user and token and user.is_active):
            return False
        try:
            ts_b36, _hash = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        for secret in [self.secret, *self.secret_fallbacks]:
            if constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token):
                break
        else:
            return False
        age = self._num_seconds(self._now()) - ts
        return 0 <= age <= self.timeout_seconds()


class InvitationTokenGenerator(AccountTokenGenerator):
    """The link of an invitation email: valid ``INVITATION_VALID_DAYS`` days."""

    key_salt = "lms.organisation.tokens.InvitationTokenGenerator"

    def timeout_seconds(self) -> int:
        return settings.INVITATION_VALID_DAYS * 24 * 3600


reset_token_generator = AccountTokenGenerator()
invitation_token_generator = InvitationTokenGenerator()
