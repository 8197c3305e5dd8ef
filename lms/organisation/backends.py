"""Authentication: the signed-in user comes with their employee record."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class EmployeeModelBackend(ModelBackend):
    """Django's model backend, loading the user's employee record in the same query.

    Nearly every page a learner opens needs ``request.user.employee`` (their training, a course,
    a quiz and its submission); loading it with the user saves a query on each of them. Accounts
    without an employee record (administrators) load as before, and ``user.employee`` raises
    ``Employee.DoesNotExist`` for them as it did.
    """

    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related("employee")
        try:
            user = users.get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
