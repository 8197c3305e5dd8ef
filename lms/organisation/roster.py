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
import dataclasses
import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time

import openpyxl
from django.conf import settings
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
#: Optional columns (issue 19): a file without them leaves those fields as they are.
OPTIONAL_COLUMNS = ("supervisor_employee_number", "preferred_language")
ALL_COLUMNS = COLUMNS + OPTIONAL_COLUMNS
#: Headers of common HR exports read as one of the columns, after the header is lower-cased
#: and its runs of spaces, hyphens and underscores made one underscore (docs/roster-import.md).
COLUMN_ALIASES = {
    **dict.fromkeys(
        [
            "employee_id",
            "employee_no",
            "employee_#",
            "emp_id",
            "emp_no",
            "emp_number",
            "emp_#",
            "empl_id",
            "employee_num",
        ],
        "employee_number",
    ),
    **dict.fromkeys(["first", "firstname", "given_name", "legal_first_name"], "first_name"),
    **dict.fromkeys(["last", "lastname", "surname", "family_name", "legal_last_name"], "last_name"),
    **dict.fromkeys(["email_address", "e_mail", "work_email", "business_email"], "email"),
    **dict.fromkeys(
        ["department", "dept", "dept_code", "dept_id", "department_id", "dept_no"],
        "department_code",
    ),
    **dict.fromkeys(["title", "job", "position", "position_title", "job_code_title"], "job_title"),
    **dict.fromkeys(
        ["hired", "date_hired", "date_of_hire", "hire_dt", "start_date", "original_hire_date"],
        "hire_date",
    ),
    **dict.fromkeys(["is_active", "active_status", "employee_status", "status"], "active"),
    **dict.fromkeys(
        [
            "supervisor",
            "supervisor_id",
            "supervisor_number",
            "supervisor_employee_id",
            "supervisor_emp_id",
            "supervisor_#",
            "manager_id",
            "manager_employee_number",
            "reports_to",
        ],
        "supervisor_employee_number",
    ),
    **dict.fromkeys(["language", "preferred_lang", "lang"], "preferred_language"),
}
ACTIVE_VALUES = {
    "true": True,
    "yes": True,
    "y": True,
    "1": True,
    "active": True,
    "false": False,
    "no": False,
    "n": False,
    "0": False,
    "inactive": False,
}
#: Names of the site's languages a ``preferred_language`` cell may hold besides the codes.
LANGUAGE_NAMES = {"english": "en", "inglés": "en", "ingles": "en"} | dict.fromkeys(
    ["spanish", "español", "espanol"], "es"
)

FORMAT_CSV, FORMAT_XLSX = "csv", "xlsx"
ENCODING_UTF8, ENCODING_UTF8_BOM, ENCODING_CP1252, ENCODING_UTF16 = (
    "utf-8",
    "utf-8-bom",
    "windows-1252",
    "utf-16",
)
DATE_ISO, DATE_US, DATE_CELLS = "iso", "us", "cells"
DATE_FORMS = (DATE_ISO, DATE_US, DATE_CELLS)
#: Largest file the admin accepts; a city of 100,000 people is about 10 MB, so large cities
#: import from the command line.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
#: The C0 and C1 control characters and DEL (Unicode category Cc).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_SEPARATORS = re.compile(r"[\s_-]+")
_XLSX_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
#: Every XLSX file is a zip archive.
_ZIP = b"PK\x03\x04"
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
    "supervisor_employee_number": gettext_lazy("supervisor"),
    "preferred_language": gettext_lazy("preferred language"),
}

ENCODING_LABELS = {
    ENCODING_UTF8: gettext_lazy("UTF-8"),
    ENCODING_UTF8_BOM: gettext_lazy("UTF-8 with a byte order mark (Excel’s “CSV UTF-8”)"),
    ENCODING_CP1252: gettext_lazy("Windows-1252 (a spreadsheet’s plain “CSV”)"),
    ENCODING_UTF16: gettext_lazy("UTF-16"),
}
DATE_FORM_LABELS = {
    DATE_ISO: gettext_lazy("YYYY-MM-DD"),
    DATE_US: gettext_lazy("MM/DD/YYYY (month first, the US form)"),
    DATE_CELLS: gettext_lazy("date cells of the spreadsheet"),
}


@dataclass(frozen=True)
class RosterSource:
    """How a file was read: its format, its encoding (CSV) or sheet (XLSX), its date forms."""

    format: str
    encoding: str = ""
    sheet: str = ""
    date_forms: tuple[str, ...] = ()

    def describe(self) -> str:
        """One sentence for the preview, e.g. "CSV file, UTF-8; dates read as YYYY-MM-DD"."""
        if self.format == FORMAT_XLSX:
            read = _("Excel workbook (XLSX), first sheet “%(sheet)s”") % {"sheet": self.sheet}
        elif self.encoding in ENCODING_LABELS:
            read = _("CSV file, %(encoding)s") % {"encoding": ENCODING_LABELS[self.encoding]}
        else:
            read = _("CSV file")
        if not self.date_forms:
            return read
        return _("%(read)s; dates read as %(forms)s.") % {
            "read": read,
            "forms": _(" and ").join(str(DATE_FORM_LABELS[form]) for form in self.date_forms),
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
    #: ``None`` when the file has no such column (the field is left as it is); for the
    #: supervisor, "" when the column is there but empty (no supervisor).
    supervisor_employee_number: str | None = None
    preferred_language: str | None = None

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
    source: RosterSource = RosterSource(FORMAT_CSV)
    #: The optional columns the file has.
    optional_columns: tuple[str, ...] = ()
    #: Line -> the department code written on it, for every data line (to tell each liaison
    #: the errors of their department's lines only).
    line_departments: dict[int, str] = field(default_factory=dict)


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
    #: The supervisor's employee number, "" when none.
    supervisor_number: str = ""
    preferred_language: str = ""


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
    #: Employees not in the file that the file's supervisors lead to, up their chains:
    #: employee number -> (their supervisor's number or "", active).
    chain: dict[str, tuple[str, bool]] = field(default_factory=dict)


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
    source: RosterSource = RosterSource(FORMAT_CSV)
    line_departments: dict[int, str] = field(default_factory=dict)

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

    The file is an XLSX workbook (its first sheet) or a CSV file in UTF-8, with or without a
    byte order mark, or in Windows-1252 (only when its bytes are not valid UTF-8). Errors that
    need the database (an unknown department, an email another account uses) are found by
    :func:`roster_plan`.
    """
    if not content.strip():
        return RosterReading(rows=[], errors=[RosterError(1, _("The file is empty."))])
    errors: list[RosterError] = []
    if content.startswith(_ZIP):
        source, records = _xlsx_records(content, errors)
    else:
        source, records = _csv_records(content, errors)
    if records is None:
        return RosterReading(rows=[], errors=errors, source=source)
    forms: set[str] = set()

    header = next(records, None)
    if header is None:
        errors.append(RosterError(1, _("The file is empty.")))
        return RosterReading(rows=[], errors=errors, source=source)
    header_line, raw_names = header
    raw_names = [_text(value) for value in raw_names]
    control = _control_errors(header_line, raw_names, raw_names)
    if control:
        errors.extend(control)
        return RosterReading(rows=[], errors=errors, source=source)
    names = [column_name(name) for name in raw_names]
    header_errors = _header_errors(names, raw_names)
    if header_errors:
        errors.extend(RosterError(header_line, reason) for reason in header_errors)
        return RosterReading(rows=[], errors=errors, source=source)
    optional = tuple(column for column in OPTIONAL_COLUMNS if column in names)

    rows: list[RosterRow] = []
    numbers: dict[str, int] = {}
    emails: dict[str, int] = {}
    line_departments: dict[int, str] = {}
    department_at = names.index("department_code")
    count = 0
    for line, values in records:
        count += 1
        if len(values) > department_at and isinstance(values[department_at], str):
            line_departments[line] = values[department_at].strip().upper()
        if len(values) != len(names):
            errors.append(
                RosterError(
                    line,
                    _("Expected %(expected)d values, found %(found)d.")
                    % {"expected": len(names), "found": len(values)},
                )
            )
            continue
        control = _control_errors(line, values, raw_names)
        if control:
            errors.extend(control)
            continue
        cleaned = (value.strip() if isinstance(value, str) else value for value in values)
        row, reasons = _row(dict(zip(names, cleaned, strict=True)), optional, forms)
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
    source = dataclasses.replace(source, date_forms=tuple(f for f in DATE_FORMS if f in forms))
    return RosterReading(
        rows=rows,
        errors=errors,
        records=count,
        source=source,
        optional_columns=optional,
        line_departments=line_departments,
    )


def column_name(header: str) -> str:
    """The column a header names: case, spaces, hyphens and underscores aside, and the
    aliases of common HR exports (docs/roster-import.md) read as the column they stand for."""
    key = _SEPARATORS.sub("_", header.strip().lower()).strip("_")
    return COLUMN_ALIASES.get(key, key)


def _csv_records(content: bytes, errors: list[RosterError]):
    """The CSV's encoding and its records, or ``None`` records when it cannot be decoded."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        errors.append(
            RosterError(
                1,
                _(
                    "The file is UTF-16 text (a spreadsheet's “Unicode Text”). Save it as "
                    "“CSV UTF-8”, as plain CSV or as an Excel workbook (XLSX)."
                ),
            )
        )
        return RosterSource(FORMAT_CSV, ENCODING_UTF16), None
    bom = content.startswith(codecs.BOM_UTF8)
    body = content[len(codecs.BOM_UTF8) :] if bom else content
    try:
        text = body.decode("utf-8")
        encoding = ENCODING_UTF8_BOM if bom else ENCODING_UTF8
    except UnicodeDecodeError as not_utf8:
        if bom:  # the mark promises UTF-8: do not guess another encoding behind it
            errors.append(RosterError(_line_at(body, not_utf8.start), _undecodable_reason()))
            return RosterSource(FORMAT_CSV, ENCODING_UTF8_BOM), None
        try:
            text = body.decode("cp1252")
            encoding = ENCODING_CP1252
        except UnicodeDecodeError as not_cp1252:
            errors.append(RosterError(_line_at(body, not_cp1252.start), _undecodable_reason()))
            return RosterSource(FORMAT_CSV, ""), None
    return RosterSource(FORMAT_CSV, encoding), _csv_rows(text, errors)


def _line_at(content: bytes, offset: int) -> int:
    return content.count(b"\n", 0, offset) + 1


def _undecodable_reason() -> str:
    return _(
        "This line is neither UTF-8 nor Windows-1252 text. Save the file as “CSV UTF-8”, as "
        "plain CSV or as an Excel workbook (XLSX)."
    )


def _csv_rows(text: str, errors: list[RosterError]) -> Iterator[tuple[int, list[str]]]:
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


def _xlsx_records(content: bytes, errors: list[RosterError]):
    """The first sheet of an XLSX workbook, read only, its rows as text (dates kept as dates)."""
    try:
        workbook = openpyxl.load_workbook(
            io.BytesIO(content), read_only=True, data_only=True, keep_links=False
        )
        sheet = workbook.worksheets[0]
    except Exception:  # openpyxl raises many kinds (zip, XML, key errors) for a damaged file
        errors.append(RosterError(1, _unreadable_workbook_reason()))
        return RosterSource(FORMAT_XLSX, ""), None
    source = RosterSource(FORMAT_XLSX, "", sheet=sheet.title)
    return source, _xlsx_rows(workbook, sheet, errors)


def _xlsx_rows(workbook, sheet, errors: list[RosterError]) -> Iterator[tuple[int, list]]:
    """The sheet's non-blank rows; the sheet is parsed as it is read, so damage found on the
    way ends the reading with an error on the line it was found."""
    line = 0
    try:
        for line, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            values = [_cell(value) for value in cells]
            while values and values[-1] == "":  # cells formatted but left empty at the end
                values.pop()
            if any(value != "" for value in values):
                yield line, values
    except Exception:  # a damaged sheet: XML, zip or value errors, whichever openpyxl meets
        errors.append(RosterError(line + 1, _unreadable_workbook_reason()))
    finally:
        workbook.close()


def _unreadable_workbook_reason() -> str:
    return _(
        "The file is not a readable Excel workbook (XLSX). Open it in a spreadsheet "
        "and save it again as “Excel Workbook (.xlsx)” or as CSV."
    )


def _cell(value):
    """A spreadsheet cell as the text a CSV would hold, except dates, which stay dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.date() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, str):
        # XLSX text escapes the characters XML cannot hold (a NUL...) as _xHHHH_, which the
        # read-only reader leaves as they are: unescaped here, so they are checked like CSV's.
        return _XLSX_ESCAPE.sub(lambda match: chr(int(match[1], 16)), value)
    return str(value)


def _control_errors(line: int, values: list, names: list[str]) -> list[RosterError]:
    """A control character (NUL, a tab, a line break inside a field...) in any field."""
    found = []
    for index, value in enumerate(values):
        if not isinstance(value, str):
            continue
        match = _CONTROL.search(value)
        if match:
            name = _CONTROL.sub("", names[index]).strip() if index < len(names) else ""
            found.append(
                RosterError(
                    line,
                    _(
                        "Column %(column)d (%(name)s) holds a control character (U+%(code)04X), "
                        "which no name, code or date contains. Remove it and save the file again."
                    )
                    % {"column": index + 1, "name": name or _("(blank)"), "code": ord(match[0])},
                )
            )
    return found


def _header_errors(names: list[str], raw_names: list[str]) -> list[str]:
    reasons = []
    missing = [column for column in COLUMNS if column not in names]
    if missing:
        reasons.append(_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
    unknown = [
        raw.strip() or _("(blank)")
        for name, raw in zip(names, raw_names, strict=True)
        if name not in ALL_COLUMNS
    ]
    if unknown:
        reasons.append(
            _("Unknown columns: %(columns)s. The columns are: %(expected)s.")
            % {"columns": ", ".join(unknown), "expected": ", ".join(ALL_COLUMNS)}
        )
    repeated = sorted({name for name in names if name in ALL_COLUMNS and names.count(name) > 1})
    if repeated:
        reasons.append(
            _("Columns appearing more than once: %(columns)s.") % {"columns": ", ".join(repeated)}
        )
    return reasons


def _row(values: dict, optional: tuple[str, ...], forms: set[str]) -> tuple[dict, list[str]]:
    """The normalised values of a row and the reasons it is not well-formed."""
    User = get_user_model()
    reasons: list[str] = []
    empty = [column for column in COLUMNS if values[column] == ""]
    if empty:
        reasons.append(
            _("Required values are empty: %(columns)s.")
            % {"columns": ", ".join(str(COLUMN_LABELS[column]) for column in empty)}
        )
    text = {column: _text(values[column]) for column in COLUMNS if column != "hire_date"}
    row: dict = {
        "employee_number": text["employee_number"],
        "first_name": text["first_name"],
        "last_name": text["last_name"],
        "email": text["email"].lower(),
        "department_code": text["department_code"].upper(),
        "job_title": text["job_title"],
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
    if "supervisor_employee_number" in optional:
        row["supervisor_employee_number"] = _text(values["supervisor_employee_number"])
        checks.append(("supervisor_employee_number", Employee, "employee_number"))
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
    if isinstance(hired, date):
        row["hire_date"] = hired
        forms.add(DATE_CELLS)
    elif hired:
        parsed = _date(hired)
        if parsed is None:
            reasons.append(
                _("Hire date “%(value)s” is not a date written YYYY-MM-DD or MM/DD/YYYY.")
                % {"value": hired}
            )
        else:
            row["hire_date"], form = parsed
            forms.add(form)
    active = text["active"]
    if active:
        if active.lower() in ACTIVE_VALUES:
            row["active"] = ACTIVE_VALUES[active.lower()]
        else:
            reasons.append(
                _(
                    "Active “%(value)s” must be one of true, false, yes, no, 1 or 0 (or active, "
                    "inactive)."
                )
                % {"value": active}
            )
    if "preferred_language" in optional:
        language = _text(values["preferred_language"])
        if language:
            code = language_code(language)
            if code is None:
                reasons.append(
                    _("Preferred language “%(value)s” must be one of %(languages)s.")
                    % {"value": language, "languages": ", ".join(language_words())}
                )
            else:
                row["preferred_language"] = code
    return row, reasons


def _text(value) -> str:
    return value.isoformat() if isinstance(value, date) else value


def _date(value: str) -> tuple[date, str] | None:
    """A date written YYYY-MM-DD or the US way, M/D/YYYY (as Excel writes it), and its form."""
    try:
        if _DATE.match(value):
            return date.fromisoformat(value), DATE_ISO
        us = _US_DATE.match(value)
        if us:
            month, day, year = (int(part) for part in us.groups())
            return date(year, month, day), DATE_US
    except ValueError:
        return None
    return None


def language_code(value: str) -> str | None:
    """The site language a roster's ``preferred_language`` names: a code of
    ``settings.LANGUAGES`` (en, es) or the language's name in English or Spanish, any case."""
    key = value.strip().lower()
    codes = {code.lower(): code for code, _name in settings.LANGUAGES}
    if key in codes:
        return codes[key]
    code = LANGUAGE_NAMES.get(key)
    return code if code in codes.values() else None


def language_words() -> list[str]:
    """What a ``preferred_language`` cell may hold, for the error message."""
    codes = [code for code, _name in settings.LANGUAGES]
    names = [name for name, code in LANGUAGE_NAMES.items() if code in codes]
    return codes + [capfirst(name) for name in names]


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
    if "supervisor_employee_number" in reading.optional_columns:
        errors.extend(_supervisor_errors(reading.rows, directory))
    errors.sort(key=lambda error: error.line)
    return RosterPlan(
        rows=reading.records,
        creates=tuple(creates),
        changes=tuple(changes),
        unchanged=unchanged,
        errors=tuple(errors),
        department_ids=department_ids,
        source=reading.source,
        line_departments=reading.line_departments,
    )


def _supervisor_errors(rows: list[RosterRow], directory: RosterDirectory) -> list[RosterError]:
    """Each supervisor must be an active employee of the file or already active here, and no
    one may end up above themselves, counting the supervisors of people not in the file."""
    errors = []
    in_file = {row.employee_number: row for row in rows}
    for row in rows:
        number = row.supervisor_employee_number
        if not number:
            continue
        if number in in_file:
            if not in_file[number].active:
                errors.append(
                    RosterError(
                        row.line,
                        _("Supervisor %(number)s is marked inactive on line %(other)d.")
                        % {"number": number, "other": in_file[number].line},
                    )
                )
        elif not directory.chain.get(number, ("", False))[1]:
            errors.append(
                RosterError(
                    row.line,
                    _(
                        "Supervisor %(number)s is neither in the file nor an active employee "
                        "of the LMS."
                    )
                    % {"number": number},
                )
            )

    def supervisor_of(number: str) -> str:
        if number in in_file:
            return in_file[number].supervisor_employee_number or ""
        return directory.chain.get(number, ("", False))[0]

    done: set[str] = set()
    for row in rows:
        path: list[str] = []
        on_path: set[str] = set()
        number = row.employee_number
        while number and number not in done and number not in on_path:
            path.append(number)
            on_path.add(number)
            number = supervisor_of(number)
        done.update(path)
        if not number or number not in on_path:
            continue
        cycle = path[path.index(number) :]

        def where(member: str) -> str:
            if member in in_file:
                return _("%(number)s (line %(line)d)") % {
                    "number": member,
                    "line": in_file[member].line,
                }
            return _("%(number)s (already in the LMS)") % {"number": member}

        reason = _("Supervisors form a cycle: %(cycle)s → %(first)s.") % {
            "cycle": " → ".join(where(member) for member in cycle),
            "first": cycle[0],
        }
        errors.extend(
            RosterError(in_file[member].line, reason) for member in cycle if member in in_file
        )
    return errors


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
    if row.supervisor_employee_number is not None:
        pairs.append(
            ("supervisor_employee_number", known.supervisor_number, row.supervisor_employee_number)
        )
    if row.preferred_language is not None:
        pairs.append(("preferred_language", known.preferred_language, row.preferred_language))
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
            "supervisor__employee_number",
            "preferred_language",
        ):
            known = KnownEmployee(*values[:-2], values[-2] or "", values[-1])
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
        chain=_supervisor_chain(rows),
    )


def _supervisor_chain(rows: list[RosterRow]) -> dict[str, tuple[str, bool]]:
    """The employees outside the file that the file's supervisors lead to, up to the top of
    each chain: one query per level of the hierarchy."""
    in_file = {row.employee_number for row in rows}
    chain: dict[str, tuple[str, bool]] = {}
    wanted = {
        row.supervisor_employee_number
        for row in rows
        if row.supervisor_employee_number and row.supervisor_employee_number not in in_file
    }
    while wanted:
        found: set[str] = set()
        for chunk in _chunks(sorted(wanted)):
            for number, supervisor, active in Employee.objects.filter(
                employee_number__in=chunk
            ).values_list("employee_number", "supervisor__employee_number", "is_active"):
                chain[number] = (supervisor or "", active)
                if supervisor:
                    found.add(supervisor)
        wanted = found - in_file - chain.keys()
    return chain


def plan_lines(plan: RosterPlan) -> list[str]:
    """Every change of a plan, one line of text each (the command's listing, the feed's
    preview)."""
    lines = [
        _("line %(line)d: new %(number)s %(name)s (%(department)s)")
        % {
            "line": row.line,
            "number": row.employee_number,
            "name": row.full_name,
            "department": row.department_code,
        }
        for row in plan.creates
    ]
    for change in plan.changes:
        fields = "; ".join(f"{c.label}: {c.old or '—'} → {c.new or '—'}" for c in change.changes)
        lines.append(
            _("line %(line)d: %(number)s %(fields)s")
            % {"line": change.row.line, "number": change.row.employee_number, "fields": fields}
        )
    return lines


def roster_validate(*, content: bytes) -> RosterPlan:
    """Read, check and plan a whole roster file; nothing is written."""
    reading = roster_read(content)
    return roster_plan(reading=reading, directory=roster_directory(rows=reading.rows))


def _chunks(items: list, size: int = _CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
