"""Rows written to Excel sheets that Excel will never evaluate: every export writes through here.

A cell whose text begins with ``= + - @``, or with a tab or carriage return, is read by a
spreadsheet as a formula (OWASP, "CSV Injection"): ``=HYPERLINK(…)`` typed in as a work unit
would become a live link, ``-2+3+cmd|' /C calc'!A0`` a command. openpyxl itself writes any
string starting with "=" as a formula.

Such text is written as an explicit string cell (``t="s"``, never ``<f>``) carrying Excel's quote
prefix, the style a typed leading apostrophe sets: the value stays exactly what was stored
(a name exported and imported again is the same name), Excel shows it as text, and it stays
text when someone edits the cell. Numbers, dates and other text are written as they are.
"""

from collections.abc import Iterable
from typing import Any

from openpyxl.cell import Cell, WriteOnlyCell

# OWASP's list: what a spreadsheet takes as the start of a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def safe_cell(ws: Any, value: Any) -> Any:
    """``value`` ready for ``ws.append``: itself, or a text cell when it begins like a formula.

    ``ws`` may be an ordinary or a write-only worksheet (both append Cell objects). A styled
    Cell the caller made is checked the same way: an export writes data, never formulas.
    """
    cell = value if isinstance(value, Cell) else None
    if not looks_like_formula(cell.value if cell is not None else value):
        return value
    if cell is None:
        cell = WriteOnlyCell(ws, value)
    cell.data_type = "s"  # set after the value: assigning "=…" makes openpyxl choose "f"
    cell.quotePrefix = True
    return cell


def write_row(ws: Any, values: Iterable[Any]) -> None:
    """Append one row to ``ws`` with every text cell made safe."""
    ws.append([safe_cell(ws, value) for value in values])
