"""Spreadsheet cells that are never run as formulas, for every CSV export.

A spreadsheet opening a CSV runs a cell starting with ``=``, ``+``, ``-`` or ``@`` (and a tab or
carriage return in front of one) as a formula: text people typed (a name, a code) is prefixed
with an apostrophe instead, so it shows as text. (XLSX files are written with
``strings_to_formulas`` off, which does the same.)
"""

#: What a spreadsheet would take for the start of a formula at the start of a cell.
FORMULA_STARTS = frozenset("=+-@\t\r")


def spreadsheet_safe(value) -> str:
    """``value`` as a text cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in FORMULA_STARTS else text
