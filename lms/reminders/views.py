"""The employee's reminder preference: single emails or a weekly digest (no unsubscribe); for
OEI, the reminders to check (failed, or may not have been sent) and "Send again"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lms.organisation.selectors import can_see_citywide, employee_for
from lms.reminders import selectors
from lms.reminders.forms import PreferenceForm
from lms.reminders.models import Digest, ReminderLog
from lms.reminders.services import outbox
from lms.reminders.services.preferences import reminder_preference_set

#: The outbox rows OEI can send again, by the name in the URL.
OUTBOX = {"reminder": ReminderLog, "digest": Digest}
MAX_ID = 2**63 - 1


@login_required
def preferences(request):
    employee = employee_for(user=request.user)
    if employee is None:
        return render(request, "reminders/no_employee.html", status=403)
    if request.method == "POST":
        form = PreferenceForm(request.POST)
        if form.is_valid():
            reminder_preference_set(employee=employee, delivery=form.cleaned_data["delivery"])
            messages.success(request, _("Your reminder preference is saved."))
            return redirect("courses:my_training")
        status = 400
    else:
        form = PreferenceForm(initial={"delivery": selectors.preference_of(employee=employee)})
        status = 200
    return render(request, "reminders/preferences.html", {"form": form}, status=status)


def _oei_only(request) -> None:
    if not can_see_citywide(request.user):
        raise PermissionDenied


@login_required
@require_GET
def to_check(request):
    _oei_only(request)
    reminders, digests = selectors.outbox_to_check()
    return render(request, "reminders/to_check.html", {"reminders": reminders, "digests": digests})


@login_required
@require_POST
def send_again(request, kind: str, pk: int):
    """OEI checked with the recipient and wants the message sent again (same Message-ID)."""
    _oei_only(request)
    model = OUTBOX.get(kind)
    if model is None or pk > MAX_ID:
        raise Http404
    row = model.objects.filter(pk=pk, sent_at__isnull=True).first()
    if row is None:
        raise Http404
    outbox.outbox_send_again(row, by=request.user)
    messages.success(request, _("It will be sent again within ten minutes."))
    return redirect("reminders:to_check")
