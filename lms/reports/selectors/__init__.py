"""Citywide reads for OEI (EO §5), one module per concept. Only users who may see citywide
reports get anything here.

- ``scope``: the report filters, OEI's access check and the assignments a report counts;
- ``figures``: the counts by status, by department, by course and of certificates;
- ``trends``: completions week by week and the trend's text summary;
- ``items``: item analysis of the quizzes, grouped by guidance document;
- ``export_rows``: every assignment as text tuples, streamed for the exports;
- ``aggregated``: the standing aggregates (docs/aggregates.md), which the figures and the trend
  read when they can say exactly, so their cost does not grow with the city.

Every figure comes from a few set-based ``GROUP BY`` queries over
:func:`lms.compliance.selectors.with_status`, the one SQL ``CASE`` that says what an
assignment's status is, so the OEI dashboard, the liaison dashboard, exports and the progress
report can never disagree. Python only adds up the grouped rows.

The public names are re-exported here, as ``courses.models`` does for its modules, so callers
read ``selectors.citywide_figures`` whichever module holds it.
"""

from .aggregated import (
    aggregated_cells,
    aggregated_certificates,
    aggregated_completions,
    aggregated_weeks,
)
from .export_rows import (
    assignment_export_rows,
)
from .figures import (
    COMPLETION,
    EXPIRING,
    NO_COMPLETION,
    Counts,
    CourseRow,
    DepartmentRow,
    Figures,
    RequirementColumn,
    cells_add_rows,
    cells_of_aggregates,
    certificate_counts,
    certificate_valid,
    certificates_of,
    citywide_figures,
    figures_from_cells,
    figures_from_rows,
    figures_query,
)
from .items import (
    GuidanceGroup,
    ItemRow,
    guidance_of,
    item_analysis,
)
from .scope import (
    DEFAULT_WEEKS,
    EXPIRING_DAYS,
    MAX_WEEKS,
    ReportFilters,
    all_assignments,
    check_access,
    citywide_assignments,
    filter_choices,
    requirements_with_cycles,
)
from .trends import (
    Week,
    citywide_trend,
    completed_in,
    completions_query,
    history_query,
    per_day,
    trend_of,
    trend_weeks,
    weekly_summary,
    weeks_from_rows,
)

__all__ = [
    "EXPIRING_DAYS",
    "DEFAULT_WEEKS",
    "MAX_WEEKS",
    "ReportFilters",
    "check_access",
    "requirements_with_cycles",
    "all_assignments",
    "citywide_assignments",
    "filter_choices",
    "NO_COMPLETION",
    "COMPLETION",
    "EXPIRING",
    "figures_query",
    "Counts",
    "DepartmentRow",
    "CourseRow",
    "RequirementColumn",
    "Figures",
    "figures_from_rows",
    "figures_from_cells",
    "cells_of_aggregates",
    "cells_add_rows",
    "aggregated_cells",
    "aggregated_weeks",
    "aggregated_completions",
    "aggregated_certificates",
    "citywide_figures",
    "certificate_counts",
    "certificates_of",
    "certificate_valid",
    "Week",
    "trend_weeks",
    "completed_in",
    "per_day",
    "completions_query",
    "history_query",
    "weeks_from_rows",
    "citywide_trend",
    "trend_of",
    "weekly_summary",
    "guidance_of",
    "ItemRow",
    "GuidanceGroup",
    "item_analysis",
    "assignment_export_rows",
]
