"""Bench only: the site's URLs plus ``/bench/bare/``, the bare-stack baseline of site_load.

The bare stack is what every signed-in page pays at least: the session, the user (with their
employee record, as the site's backend loads it), one query and a small template, through the
same middleware, gunicorn and database as the site.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path

from lms.organisation.models import Employee
from lms.urls import urlpatterns as site_urlpatterns


@login_required
def bare(request):
    employee = (
        Employee.objects.filter(user_id=request.user.pk)
        .values("job_title", "department__name")
        .first()
    )
    return render(request, "bench/bare.html", {"employee": employee})


urlpatterns = [path("bench/bare/", bare, name="bench_bare"), *site_urlpatterns]
