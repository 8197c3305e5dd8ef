"""What HR offices send (issue 19): XLSX, Excel's "CSV UTF-8" and plain CSV, loose headers, US
dates, control characters refused, and the optional supervisor and language columns."""

import io
import zipfile
from datetime import date
from pathlib import Path

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from lms.organisation import roster
from lms.organisation.models import Employee
from lms.organisation.services import roster_import
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).parent / "samples"
SAMPLE_FILES = [
    "roster_excel_csv_utf8.csv",
    "roster_excel_csv.csv",
    "roster_openpyxl.xlsx",
    "roster_xlsxwriter.xlsx",
]
HEADER = ",".join(roster.COLUMNS)


def csv_bytes(*lines: str, header: str = HEADER, encoding: str = "utf-8") -> bytes:
    return ("\r\n".join([header, *lines]) + "\r\n").encode(encoding)


def person(number: str, *, first="Ana", last="Baca", hired="2024-05-01", extra=()) -> str:
    return ",".join(
        [number, first, last, f"{number.lower()}@cabq.example", "PARKS", "Lifeguard", hired, "yes"]
        + list(extra)
    )


def imported() -> list[tuple]:
    """What an import stored about its people, to compare imports of different files."""
    return list(
        Employee.objects.order_by("employee_number").values_list(
            "employee_number",
            "user__username",
            "user__first_name",
            "user__last_name",
            "user__email",
            "department__code",
            "job_title",
            "hire_date",
            "is_active",
            "user__is_active",
            "supervisor__employee_number",
            "preferred_language",
        )
    )


# --- The samples, saved the way Excel saves them ---------------------------------------------


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_each_sample_reads_clean_and_says_how_it_was_read(parks, transit, name):
    plan = roster.roster_validate(content=(SAMPLES / name).read_bytes())
    assert plan.errors == ()
    assert len(plan.creates) == 5
    assert {row.full_name for row in plan.creates} >= {"José Córdova", "Begoña Núñez"}
    described = plan.source.describe()
    expected = {
        "roster_excel_csv_utf8.csv": ("CSV file", "byte order mark", "MM/DD/YYYY"),
        "roster_excel_csv.csv": ("CSV file", "Windows-1252", "MM/DD/YYYY"),
        "roster_openpyxl.xlsx": ("XLSX", "“Roster”", "date cells"),
        "roster_xlsxwriter.xlsx": ("XLSX", "“Employees”", "date cells"),
    }[name]
    for words in expected:
        assert words in described, described


def test_the_same_roster_imports_identically_from_every_format(parks, transit):
    results = []
    for name in SAMPLE_FILES:
        plan = roster.roster_validate(content=(SAMPLES / name).read_bytes())
        roster_import.roster_import_apply(plan=plan)
        results.append(imported())
        Employee.objects.all().delete()
        Employee.objects.model.user.field.related_model.objects.filter(
            username__startswith="h10"
        ).delete()
    assert all(result == results[0] for result in results), results
    by_number = {row[0]: row for row in results[0]}
    assert by_number["H101"][2:4] == ("Begoña", "Núñez")
    assert by_number["H101"][7] == date(2023, 11, 20)
    assert by_number["H101"][10] == "H100" and by_number["H101"][11] == "es"
    assert by_number["H100"][10] is None and by_number["H100"][11] == "es"
    assert by_number["H102"][11] == "en"
    assert by_number["H104"][8:10] == (False, False)


def test_the_admin_preview_states_the_format_and_shows_accents(oei_client, parks, transit):
    content = (SAMPLES / "roster_excel_csv.csv").read_bytes()
    upload = SimpleUploadedFile("roster.csv", content, content_type="text/csv")
    response = oei_client.post(reverse("organisation_roster:upload"), {"file": upload})
    assert response.status_code == 302
    preview = oei_client.get(response["Location"])
    page = preview.content.decode()
    assert "Windows-1252" in page and "MM/DD/YYYY" in page
    assert "Begoña Núñez" in page and "José Córdova" in page
    token = oei_client.session["organisation.roster_upload"]["token"]
    apply_url = reverse("organisation_roster:apply", kwargs={"token": token})
    assert oei_client.post(apply_url, preview.context["apply_form"].initial).status_code == 302
    assert Employee.objects.get(employee_number="H101").user.last_name == "Núñez"


def test_an_xlsx_upload_is_previewed_and_applied_through_the_admin(oei_client, parks, transit):
    content = (SAMPLES / "roster_xlsxwriter.xlsx").read_bytes()
    upload = SimpleUploadedFile("roster.xlsx", content)
    response = oei_client.post(reverse("organisation_roster:upload"), {"file": upload})
    assert response.status_code == 302
    preview = oei_client.get(response["Location"])
    assert "Excel workbook (XLSX)" in preview.content.decode()
    token = oei_client.session["organisation.roster_upload"]["token"]
    apply_url = reverse("organisation_roster:apply", kwargs={"token": token})
    assert oei_client.post(apply_url, preview.context["apply_form"].initial).status_code == 302
    assert Employee.objects.filter(employee_number__startswith="H10").count() == 5


def test_the_command_reads_xlsx_and_says_how(parks, transit):
    out = io.StringIO()
    call_command("import_roster", str(SAMPLES / "roster_openpyxl.xlsx"), stdout=out)
    assert "Excel workbook (XLSX)" in out.getvalue()
    assert Employee.objects.filter(employee_number__startswith="H10").count() == 5


# --- Encodings ------------------------------------------------------------------------------


def test_utf8_is_preferred_when_the_bytes_are_valid_utf8(parks):
    # "Ã©" in Windows-1252 is the UTF-8 of "é": valid UTF-8 is read as UTF-8.
    plan = roster.roster_validate(content=csv_bytes(person("E1", last="Córdova")))
    assert plan.source.encoding == roster.ENCODING_UTF8
    assert plan.creates[0].last_name == "Córdova"


def test_windows_1252_only_when_not_utf8(parks):
    plan = roster.roster_validate(
        content=csv_bytes(person("E1", last="Córdova"), encoding="cp1252")
    )
    assert plan.source.encoding == roster.ENCODING_CP1252
    assert plan.creates[0].last_name == "Córdova"


def test_a_damaged_xlsx_is_refused_with_a_message():
    plan = roster.roster_validate(content=b"PK\x03\x04not really a zip")
    assert [(e.line, "not a readable Excel workbook" in e.reason) for e in plan.errors] == [
        (1, True)
    ]


def test_a_workbook_whose_sheet_is_damaged_is_refused_not_a_500(oei_client, parks, transit):
    source = zipfile.ZipFile(SAMPLES / "roster_xlsxwriter.xlsx")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as damaged:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]  # cut in the middle of the rows
            damaged.writestr(item, data)
    plan = roster.roster_validate(content=buffer.getvalue())
    assert any("not a readable Excel workbook" in e.reason for e in plan.errors), plan.errors
    upload = SimpleUploadedFile("roster.xlsx", buffer.getvalue())
    response = oei_client.post(reverse("organisation_roster:upload"), {"file": upload})
    assert response.status_code == 200
    assert "not a readable Excel workbook" in response.content.decode()
    assert not Employee.objects.exists()


# --- Control characters ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("character", "code"),
    [("\x00", "U+0000"), ("\x07", "U+0007"), ("\x1b", "U+001B"), ("\x7f", "U+007F")],
)
def test_control_characters_are_refused_with_line_and_column(parks, character, code):
    content = csv_bytes(person("E1"), person("E2", last=f"Ba{character}ca"))
    plan = roster.roster_validate(content=content)
    assert [(e.line, e.reason[:30]) for e in plan.errors] == [(3, "Column 3 (last_name) holds a c")]
    assert code in plan.errors[0].reason
    with pytest.raises(roster_import.RosterImportRefused):
        roster_import.roster_import_apply(plan=plan)
    assert not Employee.objects.exists()


def test_a_line_break_inside_a_quoted_field_is_refused(parks):
    content = csv_bytes(person("E1", first='"An\na"'))
    plan = roster.roster_validate(content=content)
    assert [(e.line, "Column 2 (first_name)" in e.reason) for e in plan.errors] == [(2, True)]


def test_a_nul_in_an_xlsx_cell_is_refused(parks):
    # XLSX escapes a NUL as _x0000_ (as Excel and xlsxwriter write it); read back, it is a NUL.
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, roster.COLUMNS)
    values = ["E1", "Ana", "Baca", "e1@cabq.example", "PARKS", "Life\x00guard", "2024-05-01"]
    sheet.write_row(1, 0, [*values, "yes"])
    book.close()
    plan = roster.roster_validate(content=buffer.getvalue())
    assert [(e.line, "Column 6 (job_title)" in e.reason) for e in plan.errors] == [(2, True)]
    assert "U+0000" in plan.errors[0].reason


# --- Headers and dates ----------------------------------------------------------------------


def test_headers_ignore_case_spaces_and_take_aliases(parks):
    header = "Emp ID,FIRST NAME, last-name ,E-mail,Dept,Position,Date of Hire,Status"
    plan = roster.roster_validate(content=csv_bytes(person("E1"), header=header))
    assert plan.errors == ()
    assert plan.creates[0].job_title == "Lifeguard"


def test_a_column_named_twice_through_an_alias_is_an_error(parks):
    header = HEADER + ",Dept"
    plan = roster.roster_validate(content=csv_bytes(person("E1", extra=["PARKS"]), header=header))
    assert any("more than once: department_code" in e.reason for e in plan.errors)


def test_us_dates_are_read_month_first_and_stated(parks):
    plan = roster.roster_validate(content=csv_bytes(person("E1", hired="5/1/2024")))
    assert plan.creates[0].hire_date == date(2024, 5, 1)
    assert plan.source.date_forms == (roster.DATE_US,)
    assert "MM/DD/YYYY" in plan.source.describe()


def test_iso_dates_are_stated(parks):
    plan = roster.roster_validate(content=csv_bytes(person("E1")))
    assert "dates read as YYYY-MM-DD" in plan.source.describe()


# --- Preferred language ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "code"),
    [("es", "es"), ("EN", "en"), ("English", "en"), ("Spanish", "es"), ("Español", "es")],
)
def test_preferred_language_takes_codes_and_names(parks, value, code):
    header = HEADER + ",preferred_language"
    plan = roster.roster_validate(content=csv_bytes(person("E1", extra=[value]), header=header))
    assert plan.creates[0].preferred_language == code


def test_an_unknown_language_is_an_error(parks):
    header = HEADER + ",preferred_language"
    plan = roster.roster_validate(content=csv_bytes(person("E1", extra=["French"]), header=header))
    assert [(e.line, "Preferred language “French”" in e.reason) for e in plan.errors] == [(2, True)]


def test_a_language_change_is_an_update(parks):
    known = EmployeeFactory(department=parks, preferred_language="en")
    header = HEADER + ",preferred_language"
    values = [
        known.employee_number,
        known.user.first_name,
        known.user.last_name,
        known.user.email,
        "PARKS",
        known.job_title,
        known.hire_date.isoformat(),
        "yes",
        "es",
    ]
    plan = roster.roster_validate(content=csv_bytes(",".join(values), header=header))
    assert [c.field for c in plan.updates[0].changes] == ["preferred_language"]
    roster_import.roster_import_apply(plan=plan)
    known.refresh_from_db()
    assert known.preferred_language == "es"


# --- Supervisors ----------------------------------------------------------------------------

SUPERVISED = HEADER + ",supervisor_employee_number"


def test_files_without_the_new_columns_leave_supervisors_and_languages_alone(parks):
    boss = EmployeeFactory(department=parks)
    known = EmployeeFactory(department=parks, supervisor=boss, preferred_language="es")
    values = [
        known.employee_number,
        known.user.first_name,
        known.user.last_name,
        known.user.email,
        "PARKS",
        known.job_title,
        known.hire_date.isoformat(),
        "yes",
    ]
    plan = roster.roster_validate(content=csv_bytes(",".join(values)))
    assert plan.errors == () and plan.unchanged == 1


def test_a_supervisor_in_the_file_or_already_active_is_set(parks):
    boss = EmployeeFactory(department=parks, employee_number="B1")
    content = csv_bytes(
        person("E1", extra=["B1"]),
        person("E2", extra=["E1"]),
        person("E3", extra=[""]),
        header=SUPERVISED,
    )
    plan = roster.roster_validate(content=content)
    assert plan.errors == ()
    roster_import.roster_import_apply(plan=plan)
    assert Employee.objects.get(employee_number="E1").supervisor == boss
    assert Employee.objects.get(employee_number="E2").supervisor.employee_number == "E1"
    assert Employee.objects.get(employee_number="E3").supervisor is None


def test_an_unknown_or_inactive_supervisor_is_an_error(parks):
    EmployeeFactory(department=parks, employee_number="GONE", is_active=False)
    content = csv_bytes(
        person("E1", extra=["NOBODY"]),
        person("E2", extra=["GONE"]),
        person("E3", extra=["E4"]),
        person("E4", extra=[""]).replace(",yes,", ",no,"),
        header=SUPERVISED,
    )
    plan = roster.roster_validate(content=content)
    reasons = {e.line: e.reason for e in plan.errors}
    assert sorted(reasons) == [2, 3, 4]
    assert "NOBODY is neither in the file nor an active employee" in reasons[2]
    assert "GONE is neither in the file" in reasons[3]
    assert "E4 is marked inactive on line 5" in reasons[4]


def test_a_cycle_within_the_file_names_its_lines(parks):
    content = csv_bytes(
        person("E1", extra=["E3"]),
        person("E2", extra=["E1"]),
        person("E3", extra=["E2"]),
        person("E4", extra=["E1"]),
        header=SUPERVISED,
    )
    plan = roster.roster_validate(content=content)
    assert [e.line for e in plan.errors] == [2, 3, 4]
    assert "E1 (line 2) → E3 (line 4) → E2 (line 3) → E1" in plan.errors[0].reason
    with pytest.raises(roster_import.RosterImportRefused):
        roster_import.roster_import_apply(plan=plan)
    assert not Employee.objects.exists()


def test_someone_supervising_themselves_is_a_cycle(parks):
    plan = roster.roster_validate(content=csv_bytes(person("E1", extra=["E1"]), header=SUPERVISED))
    assert [(e.line, "cycle" in e.reason) for e in plan.errors] == [(2, True)]


def test_a_cycle_through_people_not_in_the_file_is_an_error(parks):
    # In the LMS: E1 reports to B2, B2 to B3. The file makes B3 report to E1 (B2 not in it).
    b3 = EmployeeFactory(department=parks, employee_number="B3")
    b2 = EmployeeFactory(department=parks, employee_number="B2", supervisor=b3)
    EmployeeFactory(department=parks, employee_number="E1", supervisor=b2)
    values = [
        "B3",
        b3.user.first_name,
        b3.user.last_name,
        b3.user.email,
        "PARKS",
        b3.job_title,
        b3.hire_date.isoformat(),
        "yes",
        "E1",
    ]
    plan = roster.roster_validate(content=csv_bytes(",".join(values), header=SUPERVISED))
    (error,) = plan.errors
    assert error.line == 2
    assert "B3 (line 2) → E1 (already in the LMS) → B2 (already in the LMS) → B3" in error.reason
