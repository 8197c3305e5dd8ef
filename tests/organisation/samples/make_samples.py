"""Writes the roster samples the way Excel saves them (LibreOffice is not installed here).

Run from the repository root:
``uv run --no-sync python tests/organisation/samples/make_samples.py``.
The same five people, with Spanish names, in four files:

* ``roster_excel_csv_utf8.csv``: Excel's "CSV UTF-8": a byte order mark, CRLF line ends, dates
  as Excel shows them (M/D/YYYY), HR's own headers;
* ``roster_excel_csv.csv``: Excel's plain "CSV" on a US Windows: Windows-1252, CRLF;
* ``roster_openpyxl.xlsx`` and ``roster_xlsxwriter.xlsx``: workbooks whose hire dates are date
  cells and employee numbers text cells, written by the two libraries HR tools use most.
"""

from datetime import date
from pathlib import Path

import openpyxl
import xlsxwriter

HERE = Path(__file__).parent
HEADER = [
    "Employee Number",
    "First Name",
    "Last Name",
    "Email Address",
    "Dept",
    "Job Title",
    "Hire Date",
    "Active",
    "Supervisor Employee Number",
    "Preferred Language",
]
PEOPLE = [
    [
        "H100",
        "José",
        "Córdova",
        "jose.cordova@cabq.example",
        "PARKS",
        "Parks Director",
        date(2015, 3, 2),
        "Yes",
        "",
        "Spanish",
    ],
    [
        "H101",
        "Begoña",
        "Núñez",
        "begona.nunez@cabq.example",
        "PARKS",
        "Lifeguard",
        date(2023, 11, 20),
        "Yes",
        "H100",
        "Español",
    ],
    [
        "H102",
        "Iñaki",
        "Peña",
        "inaki.pena@cabq.example",
        "PARKS",
        "Groundskeeper",
        date(2021, 6, 7),
        "Yes",
        "H100",
        "English",
    ],
    [
        "H103",
        "Zoë",
        "Ángeles",
        "zoe.angeles@cabq.example",
        "TRANSIT",
        "Bus Operator",
        date(2019, 1, 14),
        "Yes",
        "",
        "en",
    ],
    [
        "H104",
        "Raúl",
        "Ibáñez",
        "raul.ibanez@cabq.example",
        "TRANSIT",
        "Mechanic",
        date(2024, 9, 30),
        "No",
        "H103",
        "es",
    ],
]


def us(day: date) -> str:
    return f"{day.month}/{day.day}/{day.year}"


def csv_text() -> str:
    lines = [",".join(HEADER)]
    for person in PEOPLE:
        lines.append(",".join(us(v) if isinstance(v, date) else v for v in person))
    return "\r\n".join(lines) + "\r\n"


def main() -> None:
    (HERE / "roster_excel_csv_utf8.csv").write_bytes(b"\xef\xbb\xbf" + csv_text().encode())
    (HERE / "roster_excel_csv.csv").write_bytes(csv_text().encode("cp1252"))

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Roster"
    sheet.append(HEADER)
    for person in PEOPLE:
        sheet.append(person)
    for row in sheet.iter_rows(min_row=2, min_col=7, max_col=7):
        row[0].number_format = "m/d/yyyy"
    book.save(HERE / "roster_openpyxl.xlsx")

    book = xlsxwriter.Workbook(HERE / "roster_xlsxwriter.xlsx")
    sheet = book.add_worksheet("Employees")
    dated = book.add_format({"num_format": "m/d/yyyy"})
    sheet.write_row(0, 0, HEADER)
    for index, person in enumerate(PEOPLE, start=1):
        for column, value in enumerate(person):
            if isinstance(value, date):
                sheet.write_datetime(index, column, value, dated)
            else:
                sheet.write_string(index, column, value)
    book.close()


if __name__ == "__main__":
    main()
