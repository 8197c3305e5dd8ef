"""The checks every browser test runs find what they are meant to find (issue 20): a page that
scrolls sideways at 320 px, a table scrolling outside a labelled region, and invalid HTML for
the Nu checker. Pages are set in the tab directly: no server is involved."""

import pytest

from tests.browser.conftest import REFLOW_WIDTH, SIDEWAYS, run_nu_checker

pytestmark = pytest.mark.browser

WIDE_TABLE = '<table><tr><td style="white-space: nowrap">{}</td></tr></table>'.format("x" * 200)


def sideways(page, body: str) -> list[str]:
    page.set_viewport_size({"width": REFLOW_WIDTH, "height": 600})
    page.set_content(f'<!DOCTYPE html><html lang="en"><body style="margin:0">{body}</body></html>')
    return page.evaluate(SIDEWAYS)


def test_a_page_wider_than_320_px_is_found(page):
    found = sideways(page, WIDE_TABLE)
    assert found and found[0].startswith("the page is")


def test_a_table_scrolling_in_an_unlabelled_box_is_found(page):
    found = sideways(page, f'<div style="overflow-x:auto" tabindex="0">{WIDE_TABLE}</div>')
    assert len(found) == 1 and "overflow-x: auto" in found[0]


def test_a_table_cut_by_its_box_is_found(page):
    found = sideways(page, f'<div style="overflow:hidden">{WIDE_TABLE}</div>')
    assert len(found) == 1 and "overflow-x: hidden" in found[0]


def test_a_labelled_keyboard_scrollable_region_may_scroll(page):
    body = (
        '<div style="overflow-x:auto" tabindex="0" role="region" aria-label="Roster">'
        f"{WIDE_TABLE}</div>"
    )
    assert sideways(page, body) == []


def test_the_nu_checker_reports_a_figcaption_between_a_chart_and_its_details(tmp_path):
    page = (
        '<!DOCTYPE html><html lang="en"><head><title>t</title></head><body><figure>'
        "<div>chart</div><figcaption>Chart</figcaption><details><summary>Data</summary></details>"
        "</figure></body></html>"
    )
    errors = run_nu_checker({"/chart/ (200)": page}, tmp_path)
    assert len(errors) == 1 and errors[0].startswith("/chart/ (200) line 1:")
    assert "details" in errors[0]
    valid = page.replace("<details><summary>Data</summary></details>", "")
    assert run_nu_checker({"/chart/ (200)": valid}, tmp_path) == []


def test_the_nu_checker_lets_nothing_through_not_even_a_style_nonce_in_an_svg(tmp_path):
    # The charts' <style nonce> was the one exception (issue 20): their styles are now in
    # static/css/lms-charts.css, and the checker reports every error again.
    chart = (
        '<!DOCTYPE html><html lang="en"><head><title>t</title></head><body><div>'
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="c"><defs>'
        '<style nonce="abc" type="text/css">#c{fill:red}</style></defs></svg>'
        "</div></body></html>"
    )
    errors = run_nu_checker({"/chart/ (200)": chart}, tmp_path)
    assert len(errors) == 1 and "nonce" in errors[0]
    plain = chart.replace(' nonce="abc"', "")
    assert run_nu_checker({"/chart/ (200)": plain}, tmp_path) == []
