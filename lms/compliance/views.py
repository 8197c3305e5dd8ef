"""The liaison dashboard (EO §5): thin views over compliance.selectors and compliance.services.

Every view asks the selectors for the department or assignment *as the signed-in user may see
it*: one that is not theirs is a 404, exactly like one that does not exist.
"""

import csv
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, Paginator
from django.db.models import Max
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from lms.audit import audit_record
from lms.compliance import selectors, services
from lms.compliance.forms import (
    MAX_ID,
    ExemptionEndForm,
    ExemptionForm,
    ExtensionForm,
    ReminderForm,
    RosterFilterForm,
    TeamFilterForm,
)
from lms.errors import ApplicationError
from lms.organisation.selectors import can_see_citywide, is_supervisor, team_for
from lms.spreadsheets import spreadsheet_safe

PERMISSION = "organisation.view_department_compliance"
PER_PAGE = 50


def dashboard_view(view):
    """Signed in (else the login page) and holding the dashboard permission (else 403)."""
    return login_required(permission_required(PERMISSION, raise_exception=True)(view))


def _problem(request, message: str, *, status: int, department=None):
    return render(
        request,
        "compliance/problem.html",
        {"message": message, "department": department},
        status=status,
    )


def _department_or_404(request, code: str):
    department = selectors.department_for(user=request.user, code=code)
    if department is None:
        raise Http404
    return department


def _department_url(department, query: str = "") -> str:
    url = reverse("compliance:department", kwargs={"code": department.code})
    return f"{url}?{query}" if query else url


@dashboard_view
@require_GET
def index(request):
    departments = list(
        selectors.departments_for(user=request.user)
        .only("name", "code", "roster_changed_at")
        .annotate(last_confirmed_at=Max("roster_confirmations__confirmed_at"))
        .order_by("name")  # an aggregate's GROUP BY drops Meta.ordering's guarantee on PostgreSQL
    )
    for department in departments:
        department.roster_changed_since_confirmed = selectors.roster_changed_since(
            department, department.last_confirmed_at
        )
    if len(departments) == 1 and not selectors.can_see_citywide(request.user):
        return redirect(_department_url(departments[0]))
    return render(request, "compliance/index.html", {"departments": departments})


def _roster_paginator(roster, *, summary, filters) -> Paginator:
    """Pages of the roster's ids, in order; each page's rows are read afterwards.

    The summary has counted every status of every requirement already, so only a name search
    needs counting, which fetching its (few) matching ids does in the same query.
    """
    pks = roster.values_list("pk", flat=True)
    if filters["search"]:
        return Paginator(list(pks), PER_PAGE)
    paginator = Paginator(pks, PER_PAGE)
    paginator.count = summary.count(
        status=filters["status"], requirement_id=filters["requirement_id"]
    )
    return paginator


@dashboard_view
@require_GET
def department(request, code: str):
    department = _department_or_404(request, code)
    assignments = selectors.department_assignments(user=request.user, department=department)
    summary = selectors.roster_summary(assignments)
    form = RosterFilterForm(
        request.GET, requirements=[(r.requirement_id, r.name) for r in summary.requirements]
    )
    context = {
        "department": department,
        "summary": summary,
        "form": form,
        "due_within_days": selectors.DUE_WITHIN_DAYS,
    }
    if not form.is_valid():
        return render(request, "compliance/department.html", context, status=400)

    filters = form.filters()
    roster = selectors.roster_order(
        selectors.roster_filter(assignments, **filters), sort=form.sort_key
    )
    paginator = _roster_paginator(roster, summary=summary, filters=filters)
    try:
        page = paginator.page(form.page_number)
    except EmptyPage:
        return _problem(
            request,
            ngettext(
                "There is no page %(number)d: these filters show %(pages)d page.",
                "There is no page %(number)d: these filters show %(pages)d pages.",
                paginator.num_pages,
            )
            % {"number": form.page_number, "pages": paginator.num_pages},
            status=404,
            department=department,
        )
    context.update(
        page=page,
        page_range=list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
        rows=selectors.roster_rows(assignments, pks=list(page.object_list)),
        sort_label=dict(form.fields["sort"].choices)[form.sort_key],
    )
    return render(request, "compliance/department.html", context)


class _Echo:
    """A file-like object that hands back what csv.writer writes, for streaming."""

    def write(self, value: str) -> str:
        return value


@dashboard_view
@require_GET
def export(request, code: str):
    """The rows the current filters show, every page of them, as a streamed CSV."""
    department = _department_or_404(request, code)
    assignments = selectors.department_assignments(user=request.user, department=department)
    form = RosterFilterForm(
        request.GET, requirements=selectors.department_requirements(assignments)
    )
    if not form.is_valid():
        errors = [error for field_errors in form.errors.values() for error in field_errors]
        return _problem(request, " ".join(errors), status=400, department=department)
    roster = selectors.roster_order(
        selectors.roster_filter(assignments, **form.filters()), sort=form.sort_key
    )
    rows = selectors.roster_export_rows(roster)
    audit_record(
        instance=department,
        action="lms.export",
        user=request.user,
        data={"export": "department_roster_csv", "filters": request.GET.dict()},
    )
    # Translated now, in the request's language: the rows are written after the view returns.
    header = [
        _("Employee number"),
        _("Last name"),
        _("First name"),
        _("Job title"),
        _("Requirement"),
        _("Status"),
        _("Due date"),
        _("Due date set by"),
        _("Extended"),
        _("Last completed"),
        _("Edition completed"),
        _("Acknowledged on"),
        _("Acknowledged edition"),
    ]
    labels = {status: str(label) for status, label in selectors.Status.LABELS.items()}
    yes = _("Yes")
    language = translation.get_language()

    def lines():
        writer = csv.writer(_Echo())
        yield "\ufeff" + writer.writerow(header)  # the BOM lets spreadsheets read UTF-8
        for row in rows:
            with translation.override(language):  # the due-date rule's words
                text = line(writer, *row)
            yield text

    def line(writer, *row):
        (
            number,
            last,
            first,
            title,
            requirement,
            status,
            due,
            rule,
            rule_days,
            assigned_due,
            extended,
            completed,
            completed_edition,
            acknowledged,
            acknowledged_edition,
        ) = row
        return writer.writerow(
            [
                spreadsheet_safe(number),
                spreadsheet_safe(last),
                spreadsheet_safe(first),
                spreadsheet_safe(title),
                spreadsheet_safe(requirement),
                labels.get(status, status),
                due.isoformat() if due else "",
                selectors.due_rule_label(rule=rule, days=rule_days, due_on=assigned_due, iso=True),
                yes if extended else "",
                timezone.localtime(completed).date().isoformat() if completed else "",
                completed_edition or "",
                timezone.localtime(acknowledged).isoformat() if acknowledged else "",
                acknowledged_edition or "",
            ]
        )

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    filename = f"compliance-{department.code}-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@dashboard_view
@require_POST
def reminders(request, code: str):
    department = _department_or_404(request, code)
    form = ReminderForm(
        request.POST,
        employees=selectors.department_employees(user=request.user, department=department),
    )
    if not form.is_valid():
        if form.has_error("employees", "required"):
            messages.error(request, form.errors["employees"][0])
            return redirect(_department_url(department, form.return_query_string()))
        errors = [error for field_errors in form.errors.values() for error in field_errors]
        return _problem(request, " ".join(errors), status=400, department=department)
    _reminders_request(request, form.cleaned_data["employees"])
    return redirect(_department_url(department, form.return_query_string()))


@dashboard_view
@require_GET
def roster_confirmed(request, code: str):
    """The people of the department's last roster confirmation, as they were confirmed."""
    department = _department_or_404(request, code)
    if department.last_confirmation is None:
        raise Http404
    return render(
        request,
        "compliance/roster_confirmed.html",
        {
            "department": department,
            "confirmation": department.last_confirmation,
            "roster": selectors.confirmed_roster(department=department),
        },
    )


@dashboard_view
@require_POST
def roster_confirm(request, code: str):
    department = _department_or_404(request, code)
    services.roster_confirm(department=department, confirmed_by=request.user)
    messages.success(
        request,
        _("Thank you. You confirmed that the roster of %(department)s is accurate.")
        % {"department": department.name},
    )
    return redirect(_department_url(department))


def _assignment_or_404(request, pk: int):
    if pk > MAX_ID:  # no such row, and too big for the database to compare
        raise Http404
    assignment = selectors.assignment_for(user=request.user, pk=pk)
    if assignment is None:
        raise Http404
    return assignment


def _is_own(request, assignment) -> bool:
    """Nobody grants themselves an extension or an exemption."""
    return assignment.employee.user_id == request.user.pk


def _exemption_form(request, data=None):
    """The exemption form: an end date required, except for OEI (a permanent exemption)."""
    return ExemptionForm(data, prefix="exemption", permanent_allowed=can_see_citywide(request.user))


def _end_form(exemption_pk: int, data=None) -> ExemptionEndForm:
    """One row's "end early" form: the same field names on every row, ids of its own."""
    return ExemptionEndForm(data, prefix="end", auto_id=f"id_end_{exemption_pk}_%s")


def _assignment_page(
    request,
    assignment,
    *,
    extension_form=None,
    exemption_form=None,
    end_form=None,
    end_form_for=None,
    status=200,
):
    exemptions = selectors.exemption_rows(assignment=assignment, user=request.user)
    for exemption in exemptions:
        # The form that failed is shown again with its errors, on its own row.
        exemption.end_form = (
            end_form
            if end_form is not None and exemption.pk == end_form_for
            else _end_form(exemption.pk)
        )
    return render(
        request,
        "compliance/assignment.html",
        {
            "assignment": assignment,
            "status_label": selectors.Status.LABELS.get(assignment.status, assignment.status),
            "due_rule_label": selectors.due_rule_label(
                rule=assignment.due_rule, days=assignment.due_rule_days, due_on=assignment.due_on
            ),
            "is_own": _is_own(request, assignment),
            "extension_form": extension_form or ExtensionForm(prefix="extension"),
            "exemption_form": exemption_form or _exemption_form(request),
            "exemptions": exemptions,
        },
        status=status,
    )


@dashboard_view
@require_GET
def assignment(request, pk: int):
    return _assignment_page(request, _assignment_or_404(request, pk))


def _grant(request, pk: int, *, form_class, prefix: str, grant, success: str):
    """Validate the form, call the service, say so; or show the page again with the reason."""
    assignment = _assignment_or_404(request, pk)
    if _is_own(request, assignment):
        return _problem(
            request,
            _("You cannot grant yourself an extension or an exemption. Ask OEI."),
            status=403,
        )
    form = form_class(request, request.POST)
    status = 400
    if form.is_valid():
        try:
            grant(assignment=assignment, granted_by=request.user, **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, error.message)
            status = error.status
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, success)
            return redirect("compliance:assignment", pk=assignment.pk)
    return _assignment_page(request, assignment, status=status, **{f"{prefix}_form": form})


@dashboard_view
@require_POST
def extension_grant(request, pk: int):
    return _grant(
        request,
        pk,
        form_class=lambda request, data: ExtensionForm(data, prefix="extension"),
        prefix="extension",
        grant=services.extension_grant,
        success=_("Extension granted: the new due date applies now."),
    )


@dashboard_view
@require_POST
def exemption_grant(request, pk: int):
    return _grant(
        request,
        pk,
        form_class=_exemption_form,
        prefix="exemption",
        grant=services.exemption_grant,
        success=_("Exemption granted."),
    )


@dashboard_view
@require_POST
def exemption_end(request, pk: int, exemption: int):
    """End an exemption early: OEI or the liaison who granted it (403 for anyone else who
    sees the assignment), with a reason; one ended already is 409."""
    assignment = _assignment_or_404(request, pk)
    target = next((row for row in assignment.exemptions.all() if row.pk == exemption), None)
    if target is None:
        raise Http404
    if not selectors.can_end_exemption(exemption=target, user=request.user):
        return _problem(
            request,
            _(
                "Only the Office of Equity and Inclusion or the liaison who granted it can end "
                "this exemption."
            ),
            status=403,
            department=assignment.employee.department,
        )
    form = _end_form(target.pk, request.POST)
    status = 400
    if form.is_valid():
        try:
            services.exemption_end(
                exemption=target, ended_by=request.user, reason=form.cleaned_data["reason"]
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
            status = error.status
        else:
            messages.success(request, _("Exemption ended: it no longer counts from today."))
            return redirect("compliance:assignment", pk=assignment.pk)
    return _assignment_page(
        request, assignment, end_form=form, end_form_for=target.pk, status=status
    )


# --- Supervisors' "My team" (issue 19) ---------------------------------------------------------


def supervisor_view(view):
    """Signed in (else the login page) and supervising someone (else 403): the page is a
    supervisor's, and shows nobody outside their chain (``selectors.team_assignments``)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_supervisor(user=request.user):
            return render(request, "compliance/team_none.html", status=403)
        return view(request, *args, **kwargs)

    return login_required(wrapped)


def _team_url(query: str = "") -> str:
    url = reverse("compliance:team")
    return f"{url}?{query}" if query else url


@supervisor_view
@require_GET
def team(request):
    """Direct reports (or, with ``team=all``, everyone below), each requirement's status and
    due date, filtered, with "send reminder"."""
    # The requirements of the whole chain: the choice stays valid whichever part is shown.
    requirements = selectors.department_requirements(
        selectors.team_assignments(user=request.user, everyone=True)
    )
    form = TeamFilterForm(request.GET, requirements=requirements)
    context = {"form": form, "page": None}
    if not form.is_valid():
        return render(request, "compliance/team.html", context, status=400)
    assignments = selectors.team_assignments(user=request.user, everyone=form.everyone)
    roster = selectors.roster_order(
        selectors.roster_filter(assignments, **form.filters()), sort="name"
    )
    paginator = Paginator(list(roster.values_list("pk", flat=True)), PER_PAGE)
    try:
        page = paginator.page(form.page_number)
    except EmptyPage:
        return render(
            request,
            "compliance/team.html",
            {**context, "page_error": _("There is no such page of your team.")},
            status=404,
        )
    context.update(
        page=page,
        page_range=list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)),
        rows=selectors.team_rows(assignments, pks=list(page.object_list)),
        everyone=form.everyone,
    )
    return render(request, "compliance/team.html", context)


@supervisor_view
@require_POST
def team_reminders(request):
    """ "Send reminder" to people of the supervisor's chain, through the same path as the
    liaison's (``services.reminders_request``, carried out by the reminders outbox). Anyone
    outside the chain makes the whole request a 400, with nothing queued."""
    form = ReminderForm(request.POST, employees=team_for(user=request.user, everyone=True))
    if not form.is_valid():
        if form.has_error("employees", "required"):
            messages.error(request, form.errors["employees"][0])
            return redirect(_team_url(form.return_query_string()))
        errors = [error for field_errors in form.errors.values() for error in field_errors]
        return render(
            request,
            "compliance/team.html",
            {"form": None, "page": None, "page_error": " ".join(errors)},
            status=400,
        )
    _reminders_request(request, form.cleaned_data["employees"])
    return redirect(_team_url(form.return_query_string()))


def _reminders_request(request, employees) -> None:
    """Queue a reminder for each of ``employees`` (the liaison's and the supervisor's "send a
    reminder" alike) and say how many were queued and how many had one today already."""
    selected = [employee.pk for employee in employees]
    queued = len(services.reminders_request(employee_ids=selected, requested_by=request.user))
    skipped = len(selected) - queued
    messages.success(
        request,
        _("%(queued)s; %(skipped)s.")
        % {
            "queued": ngettext("%(count)d reminder queued", "%(count)d reminders queued", queued)
            % {"count": queued},
            "skipped": ngettext(
                "%(count)d already reminded today", "%(count)d already reminded today", skipped
            )
            % {"count": skipped},
        },
    )
