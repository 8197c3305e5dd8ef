"""Reading an HR roster CSV into a plan of changes, checked whole before anything applies.

The roster is the truth about who works where (architecture invariant 7: bad input gets a clear
message and changes nothing). Reading is split in three so most of it is pure and easy to test:

* :func:`roster_read` turns the file's bytes into rows and format errors (no database);
* :func:`roster_plan` compares those rows with a :class:`RosterDirectory` of what the database
  holds and produces the :class:`RosterPlan` (no database either);
* :func:`roster_directory` is the one database read: the departments, the employees named in
  the file and the logins their emails and numbers could clash with, in a few queries.

:func:`roster_validate` runs the three; ``services.roster_import.roster_import_apply`` applies
a plan.
"""

import codecs
import csv
import hashlib
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models.functions import Lower
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lms.organisation import access
from lms.organisation.models import Department, Employee

#: The columns of the HR export, in their usual order (any order is accepted).
COLUMNS = (
    "employee_number",
    "first_name",
    "last_name",
    "email",
    "department_code",
    "job_title",
    "hire_date",
    "active",
)
ACTIVE_VALUES = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}
#: Largest file the admin accepts; a city of 100,000 people is about 10 MB, so large cities
#: import from the command line.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: Keeps ``IN (...)`` lists under SQLite's historical limit on query parameters.
_CHUNK = 900

COLUMN_LABELS = {
    "employee_number": gettext_lazy("employee number"),
    "first_name": gettext_lazy("first name"),
    "last_name": gettext_lazy("last name"),
    "email": gettext_lazy("email"),
    "department_code": gettext_lazy("department"),
    "job_title": gettext_lazy("job title"),
    "hire_date": gettext_lazy("hire date"),
    "active": gettext_lazy("active"),
}


@dataclass(frozen=True)
class RosterError:
    """Why one line of the file cannot be imported (line 1 is the header)."""

    line: int
    reason: str

    def __str__(self) -> str:
        return _("line %(line)d: %(reason)s") % {"line": self.line, "reason": self.reason}


@dataclass(frozen=True)
class RosterRow:
    """One well-formed line of the roster, its values normalised."""

    line: int
    employee_number: str
    first_name: str
    last_name: str
    email: str  # lower case
    department_code: str  # upper case
    job_title: str
    hire_date: date
    active: bool

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class RosterReading:
    """A file read by :func:`roster_read`: its well-formed rows and its format errors."""

    rows: list[RosterRow]
    errors: list[RosterError]
    #: Data lines in the file (blank lines aside), well-formed or not.
    records: int = 0


@dataclass(frozen=True)
class KnownEmployee:
    """What the database holds about an employee named in the file, to compare with."""

    pk: int
    user_id: int
    employee_number: str
    first_name: str
    last_name: str
    email: str
    department_code: str
    job_title: str
    hire_date: date
    active: bool


@dataclass(frozen=True)
class KnownDepartment:
    pk: int
    active: bool


@dataclass(frozen=True)
class RosterDirectory:
    """The facts from the database a roster is checked against (see :func:`roster_directory`)."""

    departments: dict[str, KnownDepartment] = field(default_factory=dict)
    #: By employee number, only those named in the file.
    employees: dict[str, KnownEmployee] = field(default_factory=dict)
    #: Lower-cased email -> ids of the users who have it, only emails named in the file.
    emails: dict[str, set[int]] = field(default_factory=dict)
    #: Logins that new employees' numbers would take but another account already has.
    usernames: set[str] = field(default_factory=set)
    #: Users of employees in the file whose accounts only a superuser changes (staff roles).
    staff_user_ids: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str

    @property
    def label(self) -> str:
        return str(COLUMN_LABELS[self.field])


@dataclass(frozen=True)
class RosterChange:
    """An existing employee whose row differs from the database, field by field."""

    row: RosterRow
    employee: KnownEmployee
    changes: tuple[FieldChange, ...]

    def _changed(self, name: str) -> bool:
        return any(change.field == name for change in self.changes)

    @property
    def is_transfer(self) -> bool:
        return self._changed("department_code")

    @property
    def is_deactivation(self) -> bool:
        return self._changed("active") and not self.row.active

    @property
    def is_reactivation(self) -> bool:
        return self._changed("active") and self.row.active

    @property
    def details(self) -> tuple[FieldChange, ...]:
        """The changes other than a transfer or a change of status."""
        return tuple(c for c in self.changes if c.field not in ("department_code", "active"))


@dataclass(frozen=True)
class RosterPlan:
    """What importing a roster would do; applies only when ``errors`` is empty.

    An employee can be both transferred and given a new job title, say: the kinds below are
    views of ``changes`` and may overlap, while ``changes`` lists each employee once.
    """

    rows: int
    creates: tuple[RosterRow, ...]
    changes: tuple[RosterChange, ...]
    unchanged: int
    errors: tuple[RosterError, ...]
    #: Department code -> primary key, for every code the plan uses.
    department_ids: dict[str, int]

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def updates(self) -> list[RosterChange]:
        return [change for change in self.changes if change.details]

    @property
    def transfers(self) -> list[RosterChange]:
        return [change for change in self.changes if change.is_transfer]

    @property
    def deactivations(self) -> list[RosterChange]:
        return [change for change in self.changes if change.is_deactivation]

    @property
    def reactivations(self) -> list[RosterChange]:
        return [change for change in self.changes if change.is_reactivation]

    def counts(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "creates": len(self.creates),
            "updates": len(self.updates),
            "transfers": len(self.transfers),
            "deactivations": len(self.deactivations),
            "reactivations": len(self.reactivations),
            "unchanged": self.unchanged,
            "errors": len(self.errors),
        }

    def summary(self) -> str:
        return (
            _(
                "%(rows)d rows: %(creates)d new, %(updates)d updated, %(transfers)d "
                "transferred, %(deactivations)d deactivated, %(reactivations)d reactivated, "
                "%(unchanged)d unchanged; %(errors)d errors."
            )
            % self.counts()
        )

    def fingerprint(self) -> str:
        """A digest of the changes, so an apply can tell the plan is still the one previewed."""
        digest = hashlib.sha256()
        for row in self.creates:
            digest.update(repr(("create", row)).encode())
        for change in self.changes:
            digest.update(repr(("change", change.employee.pk, change.row, change.changes)).encode())
        digest.update(repr(("unchanged", self.unchanged, self.errors)).encode())
        return digest.hexdigest()


# --- Reading the file (pure) ----------------------------------------------------------------


def roster_read(content: bytes) -> RosterReading:
    """The file's well-formed rows and every format error, each with its line number.

    Errors that need the database (an unknown department, an email another account uses) are
    found by :func:`roster_plan`.
    """
    errors: list[RosterError] = []
    if not content.strip():
        return RosterReading(rows=[], errors=[RosterError(1, _("The file is empty."))])
    if content.startswith(codecs.BOM_UTF8):
        errors.append(
            RosterError(
                1,
                _(
                    "The file starts with a byte order mark (BOM). Save it as UTF-8 without "
                    "a BOM (in a spreadsheet, choose plain “CSV”, not “CSV UTF-8”)."
                ),
            )
        )
        content = content[len(codecs.BOM_UTF8) :]
    # Bytes that are not UTF-8 become lone surrogates, which UTF-8 text cannot contain: the
    # lines holding them are reported, and the rest of the file is still checked.
    text = content.decode("utf-8", errors="surrogateescape")
    records = _records(text, errors)

    header = next(records, None)
    if header is None:
        errors.append(RosterError(1, _("The file is empty.")))
        return RosterReading(rows=[], errors=errors)
    header_line, names = header
    if _not_utf8(names):
        errors.append(RosterError(header_line, _not_utf8_reason()))
        return RosterReading(rows=[], errors=errors)
    names = [name.strip().lower() for name in names]
    header_errors = _header_errors(names)
    if header_errors:
        errors.extend(RosterError(header_line, reason) for reason in header_errors)
        return RosterReading(rows=[], errors=errors)

    rows: list[RosterRow] = []
    numbers: dict[str, int] = {}
    emails: dict[str, int] = {}
    count = 0
    for line, values in records:
        count += 1
        if _not_utf8(values):
            errors.append(RosterError(line, _not_utf8_reason()))
            continue
        if len(values) != len(names):
            errors.append(
                RosterError(
                    line,
                    _("Expected %(expected)d values, found %(found)d.")
                    % {"expected": len(names), "found": len(values)},
                )
            )
            continue
        row, reasons = _row(line, dict(zip(names, (v.strip() for v in values), strict=True)))
        # Duplicates are checked on every row with a value, well-formed or not.
        number = row.get("employee_number", "").lower()
        if number:
            if number in numbers:
                reasons.append(
                    _("Employee number %(number)s is already on line %(first)d.")
                    % {"number": row["employee_number"], "first": numbers[number]}
                )
            else:
                numbers[number] = line
        email = row.get("email", "")
        if email:
            if email in emails:
                reasons.append(
                    _("Email %(email)s is already on line %(first)d.")
                    % {"email": email, "first": emails[email]}
                )
            else:
                emails[email] = line
        if reasons:
            errors.extend(RosterError(line, reason) for reason in reasons)
        else:
            rows.append(RosterRow(line=line, **row))
    if not count:
        errors.append(RosterError(header_line, _("The file has a header but no employees.")))
    return RosterReading(rows=rows, errors=errors, records=count)


def _records(text: str, errors: list[RosterError]) -> Iterator[tuple[int, list[str]]]:
    """Non-blank CSV records with the line each starts on; unreadable ones become errors."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    last_line = 0
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            errors.append(
                RosterError(
                    last_line + 1,
                    _("This line is not valid CSV (%(problem)s).") % {"problem": error},
                )
            )
            last_line = reader.line_num
            continue
        line, last_line = last_line + 1, reader.line_num
        if any(value.strip() for value in values):
            yield line, values


def _not_utf8(values: Iterable[str]) -> bool:
    return any(any("\udc80" <= char <= "\udcff" for char in value) for value in values)


def _not_utf8_reason() -> str:
    return _("This line is not valid UTF-8 text. Save the file with the UTF-8 encoding.")


def _header_errors(names: list[str]) -> list[str]:
    reasons = []
    missing = [column for column in COLUMNS if column not in names]
    if missing:
        reasons.append(_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
    unknown = [name or _("(blank)") for name in names if name not in COLUMNS]
    if unknown:
        reasons.append(
            _("Unknown columns: %(columns)s. The columns are: %(expected)s.")
            % {"columns": ", ".join(unknown), "expected": ", ".join(COLUMNS)}
        )
    repeated = sorted({name for name in names if name in COLUMNS and names.count(name) > 1})
    if repeated:
        reasons.append(
            _("Columns appearing more than once: %(columns)s.") % {"columns": ", ".join(repeated)}
        )
    return reasons


def _row(line: int, values: dict[str, str]) -> tuple[dict, list[str]]:
    """The normalised values of a row and the reasons it is not well-formed."""
    User = get_user_model()
    reasons: list[str] = []
    empty = [column for column in COLUMNS if not values[column]]
    if empty:
        reasons.append(
            _("Required values are empty: %(columns)s.")
            % {"columns": ", ".join(str(COLUMN_LABELS[column]) for column in empty)}
        )
    row: dict = {
        "employee_number": values["employee_number"],
        "first_name": values["first_name"],
        "last_name": values["last_name"],
        "email": values["email"].lower(),
        "department_code": values["department_code"].upper(),
        "job_title": values["job_title"],
    }
    # The models' own validators (lengths, the employee number's pattern, the email's form),
    # so the file is held to exactly the rules the admin forms apply.
    checks = [
        ("employee_number", Employee, "employee_number"),
        ("first_name", User, "first_name"),
        ("last_name", User, "last_name"),
        ("email", User, "email"),
        ("job_title", Employee, "job_title"),
    ]
    for column, model, name in checks:
        if not row[column]:
            continue
        try:
            model._meta.get_field(name).run_validators(row[column])
        except ValidationError as error:
            reasons.append(
                _("%(column)s “%(value)s”: %(problem)s")
                % {
                    "column": capfirst(COLUMN_LABELS[column]),
                    "value": row[column],
                    "problem": " ".join(error.messages),
                }
            )

    hired = values["hire_date"]
    if hired:
        try:
            if not _DATE.match(hired):
                raise ValueError(hired)
            row["hire_date"] = date.fromisoformat(hired)
        except ValueError:
            reasons.append(
                _("Hire date “%(value)s” is not a date written YYYY-MM-DD.") % {"value": hired}
            )
    active = values["active"]
    if active:
        if active.lower() in ACTIVE_VALUES:
            row["active"] = ACTIVE_VALUES[active.lower()]
        else:
            reasons.append(
                _("Active “%(value)s” must be one of true, false, yes, no, 1 or 0.")
                % {"value": active}
            )
    return row, reasons


# --- Comparing with the database (pure) -----------------------------------------------------


def roster_plan(*, reading: RosterReading, directory: RosterDirectory) -> RosterPlan:
    """What importing a file would change, and every error, given what the database holds."""
    errors = list(reading.errors)
    creates: list[RosterRow] = []
    changes: list[RosterChange] = []
    unchanged = 0
    department_ids: dict[str, int] = {}
    for row in reading.rows:
        reasons = []
        known = directory.employees.get(row.employee_number)
        department = directory.departments.get(row.department_code)
        if department is None:
            reasons.append(_("Unknown department code %(code)s.") % {"code": row.department_code})
        elif row.active and not department.active:
            reasons.append(
                _("Department %(code)s is closed; an active employee cannot be in it.")
                % {"code": row.department_code}
            )
        owners = directory.emails.get(row.email, set()) - ({known.user_id} if known else set())
        if owners:
            reasons.append(
                _("Email %(email)s is already used by another account.") % {"email": row.email}
            )
        if known is None and row.employee_number.lower() in directory.usernames:
            reasons.append(
                _(
                    "The login %(login)s (the employee number in lower case) already belongs "
                    "to another account."
                )
                % {"login": row.employee_number.lower()}
            )
        if reasons:
            errors.extend(RosterError(row.line, reason) for reason in reasons)
            continue
        department_ids[row.department_code] = department.pk
        if known is None:
            creates.append(row)
            continue
        diff = _differences(known, row)
        if known.user_id in directory.staff_user_ids and any(
            change.field in ACCOUNT_FIELDS for change in diff
        ):
            # Else whoever imports could redirect a staff member's password reset (roles.md).
            errors.append(
                RosterError(
                    row.line,
                    _(
                        "Employee %(number)s has a staff account: only a superuser changes its "
                        "name, email or active state, in the Users admin. Ask one to, then "
                        "import again."
                    )
                    % {"number": row.employee_number},
                )
            )
            continue
        if diff:
            changes.append(RosterChange(row=row, employee=known, changes=diff))
        else:
            unchanged += 1
    errors.sort(key=lambda error: error.line)
    return RosterPlan(
        rows=reading.records,
        creates=tuple(creates),
        changes=tuple(changes),
        unchanged=unchanged,
        errors=tuple(errors),
        department_ids=department_ids,
    )


#: The columns that change the login itself rather than the employment record.
ACCOUNT_FIELDS = {"first_name", "last_name", "email", "active"}


def _differences(known: KnownEmployee, row: RosterRow) -> tuple[FieldChange, ...]:
    pairs = [
        ("first_name", known.first_name, row.first_name),
        ("last_name", known.last_name, row.last_name),
        ("department_code", known.department_code, row.department_code),
        ("job_title", known.job_title, row.job_title),
        ("hire_date", known.hire_date.isoformat(), row.hire_date.isoformat()),
        ("active", _yes_no(known.active), _yes_no(row.active)),
    ]
    changes = [FieldChange(name, old, new) for name, old, new in pairs if old != new]
    # Emails are compared without case: an address typed in capitals once is the same address.
    if known.email.lower() != row.email:
        changes.insert(2, FieldChange("email", known.email, row.email))
    return tuple(changes)


def _yes_no(active: bool) -> str:
    return "true" if active else "false"


# --- The database read ----------------------------------------------------------------------


def roster_directory(*, rows: list[RosterRow]) -> RosterDirectory:
    """Read what the rows will be compared with, in a few queries whatever the file's size."""
    User = get_user_model()
    departments = {
        code: KnownDepartment(pk, active)
        for code, pk, active in Department.objects.values_list("code", "pk", "is_active")
    }
    employees: dict[str, KnownEmployee] = {}
    for chunk in _chunks([row.employee_number for row in rows]):
        for values in Employee.objects.filter(employee_number__in=chunk).values_list(
            "pk",
            "user_id",
            "employee_number",
            "user__first_name",
            "user__last_name",
            "user__email",
            "department__code",
            "job_title",
            "hire_date",
            "is_active",
        ):
            known = KnownEmployee(*values)
            employees[known.employee_number] = known
    emails: dict[str, set[int]] = {}
    for chunk in _chunks([row.email for row in rows]):
        for email, pk in (
            User.objects.annotate(email_lower=Lower("email"))
            .filter(email_lower__in=chunk)
            .values_list("email_lower", "pk")
        ):
            emails.setdefault(email, set()).add(pk)
    usernames: set[str] = set()
    new_logins = [
        row.employee_number.lower() for row in rows if row.employee_number not in employees
    ]
    for chunk in _chunks(new_logins):
        usernames.update(User.objects.filter(username__in=chunk).values_list("username", flat=True))
    return RosterDirectory(
        departments=departments,
        employees=employees,
        emails=emails,
        usernames=usernames,
        staff_user_ids=access.accounts_privileged(known.user_id for known in employees.values()),
    )


def roster_validate(*, content: bytes) -> RosterPlan:
    """Read, check and plan a whole roster file; nothing is written."""
    reading = roster_read(content)
    return roster_plan(reading=reading, directory=roster_directory(rows=reading.rows))


def _chunks(items: list, size: int = _CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
