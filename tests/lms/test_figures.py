"""The one percentage formula (lms/figures.py) and the figures that use it."""

from decimal import Decimal

from lms.figures import percent
from lms.reports.models import ProgressReportDepartmentRow, ReportExport


def test_figures_round_down_and_are_unknown_for_nobody():
    assert percent(2, 3) == 66
    assert percent(199, 200) == 99  # 99.5 % compliant is not shown as 100 %
    assert percent(5, 5) == 100
    assert percent(0, 7) == 0
    assert percent(0, 0) is None
    assert percent(3, None) is None


def test_progress_bars_round_to_nearest_and_show_zero_when_empty():
    assert percent(2, 3, nearest=True) == 67
    assert percent(1, 3, nearest=True) == 33
    assert percent(0, 0, nearest=True, empty=0) == 0
    assert percent(Decimal(1), 8, nearest=True) == 12  # half to even, as before


def test_models_use_it():
    assert ProgressReportDepartmentRow(compliant=2, assigned=3).percent_compliant == 66
    assert ProgressReportDepartmentRow(compliant=0, assigned=0).percent_compliant is None
    assert ReportExport(rows_done=1, rows_total=3).percent == 33
    assert ReportExport(rows_done=0, rows_total=0).percent == 0
