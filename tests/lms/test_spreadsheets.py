"""Formula escaping for every CSV export, in one place (lms/spreadsheets.py)."""

import pytest

from lms.reports.exports import Table, csv_rows
from lms.spreadsheets import spreadsheet_safe


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1", "'+1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Baca", "Baca"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (42, "42"),
        (-3, "'-3"),
    ],
)
def test_cells_a_spreadsheet_would_run_start_with_an_apostrophe(value, cell):
    assert spreadsheet_safe(value) == cell


def test_report_exports_escape_with_it():
    every = Table(header=["a", "b"], rows=iter([["=1", None], ["ok", "-x"]]))
    assert list(csv_rows(every)) == [["'=1", ""], ["ok", "'-x"]]
    typed = Table(header=["a", "b"], rows=iter([["@x", "=label"]]), text_columns=(0,))
    assert list(csv_rows(typed)) == [["'@x", "=label"]]
