"""The employee's reminder preference: single emails or a weekly digest (no unsubscribe)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from lms.organisation.models import Employee
from lms.reminders import selectors, services
from lms.reminders.forms import PreferenceForm


@login_required
def preferences(request):
    employee = Employee.objects.filter(user=request.user).first()
    if employee is None:
        return render(request, "reminders/no_employee.html", status=403)
    if request.method == "POST":
        form = PreferenceForm(request.POST)
        if form.is_valid():
            services.reminder_preference_set(
                employee=employee, delivery=form.cleaned_data["delivery"]
            )
            messages.success(request, _("Your reminder preference is saved."))
            return redirect("courses:my_training")
        status = 400
    else:
        form = PreferenceForm(initial={"delivery": selectors.preference_of(employee=employee)})
        status = 200
    return render(request, "reminders/preferences.html", {"form": form}, status=status)
