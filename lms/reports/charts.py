"""Charts drawn on the server as SVG with pygal, the same on the page and in the PDF.

Each chart carries a title and a description inside the SVG (``role="img"``, labelled by
them), no script, and travels with a text summary and its data table, so nobody needs to see
it to read it. Colours are USWDS tokens with at least 4.5:1 contrast on white.

Their styles are in the static stylesheet ``static/css/lms-charts.css`` (issue 20), written from
pygal's with :data:`STYLE`: pygal's own ``<style>`` inside the SVG is removed, so the pages
carry no inline style. The pages link the stylesheet; in a PDF each chart carries a copy of it
(:attr:`Chart.svg_for_pdf`), as WeasyPrint styles an inline SVG only from inside it.
"""

import re
from dataclasses import dataclass
from uuid import uuid4

import pygal
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from pygal.style import Style

from lms.organisation import pdf
from lms.reports.privacy import shown_count

STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#1b1b1b",
    foreground_strong="#1b1b1b",
    foreground_subtle="#565c65",
    opacity="1",
    opacity_hover="1",
    colors=("#005ea2", "#8b0a03", "#1b1b1b", "#4d8055", "#5c1111"),
    font_family="'Source Sans Pro Web', 'Helvetica Neue', Helvetica, Arial, sans-serif",
    title_font_size=18,
    label_font_size=14,
    major_label_font_size=14,
    value_font_size=14,
    legend_font_size=14,
)

_COMMENT = re.compile(r"<!--.*?-->", re.S)
# pygal's styles: static/css/lms-charts.css has them, for every chart.
_STYLE = re.compile(r"<style\b.*?</style>", re.S)
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
#: The charts' stylesheet, a static file.
STYLESHEET = "css/lms-charts.css"
# pygal writes its configuration in a <script> even without its JavaScript: no script runs here.
_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)


@dataclass
class Chart:
    """A chart and everything that says the same in words."""

    title: str
    summary: str
    svg: SafeString
    columns: list[str]
    rows: list[list]

    @property
    def svg_for_pdf(self) -> SafeString:
        """The SVG with the charts' stylesheet inside it, for WeasyPrint, which applies to an
        inline SVG only the styles inside it (and cannot follow an ``@import`` there). The
        stylesheet is the static file the pages link, read as the PDF renderer's fetcher
        reads static files."""
        head, rest = self.svg.split(">", 1)
        css = _CSS_COMMENT.sub("", pdf.static_text(STYLESHEET)).strip().replace("<", "\\3c ")
        return mark_safe(f"{head}><style>{css}</style>{rest}")  # noqa: S308 - our static CSS


def _accessible(svg: str, *, title: str, summary: str) -> SafeString:
    """Name the SVG by its title and description; drop pygal's comments, script and style."""
    key = f"chart-{uuid4().hex[:12]}"
    svg = _STYLE.sub("", _SCRIPT.sub("", _COMMENT.sub("", svg)))
    # An inline style attribute is refused by the Content-Security-Policy: say it in SVG instead.
    svg = svg.replace('style="opacity: 0"', 'opacity="0"')
    head, rest = svg.split(">", 1)
    head += (
        f' role="img" aria-labelledby="{key}-title {key}-desc" focusable="false"'
        f' width="100%" preserveAspectRatio="xMinYMin meet">'
        f'<title id="{key}-title">{escape(title)}</title>'
        f'<desc id="{key}-desc">{escape(summary)}</desc>'
    )
    return mark_safe(head + rest)  # noqa: S308 - pygal's SVG and escaped text only


def _render(chart, *, title: str, summary: str) -> SafeString:
    return _accessible(chart.render(is_unicode=True), title=title, summary=summary)


def _options(**extra) -> dict:
    return {
        "style": STYLE,
        "js": [],
        "disable_xml_declaration": True,
        "width": 800,
        "height": 360,
        "show_legend": False,
        "print_values": False,
        "x_label_rotation": 30,
        "truncate_label": 40,
        "margin": 12,
        **extra,
    }


def _chart(
    chart, *, title: str, summary: str, labels: list[str], values: list, columns: list, rows
) -> Chart:
    """One series of ``values`` over ``labels``, rendered, with its data table."""
    chart.x_labels = labels
    chart.add(columns[-1], values)
    return Chart(
        title=title,
        summary=summary,
        svg=_render(chart, title=title, summary=summary),
        columns=columns,
        rows=rows
        if rows is not None
        else [[label, value] for label, value in zip(labels, values, strict=True)],
    )


def bar_chart(*, title: str, labels: list[str], rows=None, **kwargs) -> Chart:
    return _chart(
        pygal.Bar(**_options(title=title)), title=title, labels=labels, rows=rows, **kwargs
    )


def horizontal_bar_chart(*, title: str, labels: list[str], rows=None, **kwargs) -> Chart:
    options = _options(title=title, height=max(240, 40 + 28 * len(labels)), range=(0, 100))
    return _chart(pygal.HorizontalBar(**options), title=title, labels=labels, rows=rows, **kwargs)


def line_chart(*, title: str, labels: list[str], rows=None, **kwargs) -> Chart:
    options = _options(title=title, range=(0, 100), show_dots=True, dots_size=4)
    return _chart(pygal.Line(**options), title=title, labels=labels, rows=rows, **kwargs)


# --- The report's three charts, from live figures or from a snapshot's rows ----------------


def department_chart(rows: list[tuple[str, int | None]]) -> Chart:
    """% compliant by department: ``rows`` of (department name, percent or None)."""
    shown = [(name, percent) for name, percent in rows if percent is not None]
    if shown:
        lowest = min(shown, key=lambda r: r[1])
        highest = max(shown, key=lambda r: r[1])
        summary = _(
            "%(count)d departments. Lowest: %(low_name)s at %(low)d%% compliant. "
            "Highest: %(high_name)s at %(high)d%% compliant."
        ) % {
            "count": len(shown),
            "low_name": lowest[0],
            "low": lowest[1],
            "high_name": highest[0],
            "high": highest[1],
        }
    else:
        summary = _("No department has training assigned.")
    return horizontal_bar_chart(
        title=_("Percent compliant by department"),
        summary=summary,
        labels=[name for name, _p in shown],
        values=[percent for _n, percent in shown],
        columns=[_("Department"), _("Compliant (%)")],
    )


def completions_chart(weeks: list[tuple], *, threshold: int = 0) -> Chart:
    """Completions per week: ``weeks`` of (week start, completions); counts below a privacy
    ``threshold`` are neither drawn nor listed."""
    labels = [date_format(start, "SHORT_DATE_FORMAT") for start, _n in weeks]
    values = [count for _s, count in weeks]
    if weeks:
        busiest = max(weeks, key=lambda w: w[1])
        summary = _(
            "%(total)d completions in %(weeks)d weeks; the most, %(most)d, in the week of %(week)s."
        ) % {
            "total": sum(values),
            "weeks": len(weeks),
            "most": busiest[1],
            "week": date_format(busiest[0], "SHORT_DATE_FORMAT"),
        }
    else:
        summary = _("No weeks in this period.")
    if threshold:
        summary = _("Weekly completions; weeks with fewer than %(threshold)d are not shown.") % {
            "threshold": threshold
        }
    return bar_chart(
        title=_("Completions per week"),
        summary=summary,
        labels=labels,
        values=[None if threshold and v < threshold else v for v in values],
        columns=[_("Week starting"), _("Completions")],
        rows=[[label, shown_count(v, threshold)] for label, v in zip(labels, values, strict=True)],
    )


def trend_summary(weeks: list[tuple]) -> str:
    """What the weekly trend says, true with little data (issue 20): one week with figures is
    no trend, and the weeks counted are the weeks with figures, not the whole period."""
    known = [(start, percent) for start, percent in weeks if percent is not None]
    if not known:
        return _("Nothing was assigned in these weeks.")
    (first_week, first), (_last_week, last) = known[0], known[-1]
    if len(known) == 1:
        return _(
            "%(percent)d%% compliant in the week of %(week)s, the only week with figures so "
            "far: no trend yet."
        ) % {"percent": first, "week": date_format(first_week, "SHORT_DATE_FORMAT")}
    facts = {
        "first": first,
        "last": last,
        "weeks": len(known),
        "week": date_format(first_week, "SHORT_DATE_FORMAT"),
    }
    if first == last:
        return (
            _(
                "Unchanged at %(last)d%% compliant over the %(weeks)d weeks with figures, from the "
                "week of %(week)s."
            )
            % facts
        )
    return (
        _(
            "From %(first)d%% to %(last)d%% compliant over the %(weeks)d weeks with figures, from "
            "the week of %(week)s."
        )
        % facts
    )


def compliance_trend_chart(weeks: list[tuple]) -> Chart:
    """% compliant at the end of each week: ``weeks`` of (week start, percent or None)."""
    labels = [date_format(start, "SHORT_DATE_FORMAT") for start, _p in weeks]
    values = [percent for _s, percent in weeks]
    summary = trend_summary(weeks)
    return line_chart(
        title=_("Percent compliant at the end of each week"),
        summary=summary,
        labels=labels,
        values=values,
        columns=[_("Week starting"), _("Compliant (%)")],
        rows=[
            [label, "—" if value is None else value]
            for label, value in zip(labels, values, strict=True)
        ],
    )
