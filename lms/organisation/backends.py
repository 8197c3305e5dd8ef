"""Authentication: the signed-in user comes with their employee record."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from lms.organisation.second_factor import PASSWORD_LOGIN_ATTRIBUTE


class EmployeeModelBackend(ModelBackend):
    """Django's model backend, loading the user's employee record in the same query.

    Nearly every page a learner opens needs ``request.user.employee`` (their training, a course,
    a quiz and its submission); loading it with the user saves a query on each of them. Accounts
    without an employee record (administrators) load as before, and ``user.employee`` raises
    ``Employee.DoesNotExist`` for them as it did.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        """Django's, marking the request when a password was checked (the second factor of
        staff is owed after a password only: see lms/organisation/second_factor.py)."""
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and request is not None:
            setattr(request, PASSWORD_LOGIN_ATTRIBUTE, True)
        return user

    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related("employee")
        try:
            user = users.get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
