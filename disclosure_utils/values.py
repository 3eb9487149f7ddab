"""Cell text → (value, kind): blank, number, na (dash, slash, 无) or text; units normalised to 元."""

from __future__ import annotations

import math
import re
from decimal import Decimal
from functools import lru_cache

from .labels import fold

NA_TEXTS = frozenset({"-", "−", "—", "–", "－", "——", "/", "／", "无", "N/A", "n/a", "NA", "\\"})
_NUMBER = re.compile(r"^(?P<sign>[+\-−])?(?P<num>\d{1,3}(?:,\d{3})+|\d+)(?P<dec>\.\d+)?\s*(?P<unit>万元|万|亿元|亿|元|件|条|个|项|次)?$")
_DIGITS = re.compile(r"[\d\s.,+\-]+")
_MULTIPLIER = {"万元": 10_000, "万": 10_000, "亿元": 100_000_000, "亿": 100_000_000, "元": 1}


# The functions below are cached: a report's cells print few distinct texts ("0", "", "1" …), and each is
# cleaned and parsed several times on its way from grid to cell. Few entries, as a cell may be long (a DOCX
# layout table holds a whole report in one cell): memory stays under CACHE_SIZE × 4 of the longest cells.
CACHE_SIZE = 256


@lru_cache(maxsize=CACHE_SIZE)
def clean(text: str) -> str:
    """Full-width forms and odd spaces folded (labels.fold), trimmed."""
    return fold(text).strip()


@lru_cache(maxsize=CACHE_SIZE)
def is_value_text(text: str) -> bool:
    """True when a cell's text is a value (number, blank or dash) rather than a label."""
    if text.isdigit() and text.isascii():
        return True
    if "\u4e00" <= text[:1] <= "\u9fff" and text[0] != "无":  # a label, told without folding: 无 is a dash
        return False
    t = clean(text)
    return not t or t in NA_TEXTS or bool(_NUMBER.match(t)) or bool(_DIGITS.fullmatch(t))


@lru_cache(maxsize=CACHE_SIZE)
def parse(text: str, *, amount_unit: str | None = None) -> tuple[float, str, str | None]:
    """Parse one cell: (value, kind, note).

    `amount_unit` is the unit the template's column header prints for an amount (``"万元"`` for the v2021 fee
    column, ``""`` when the column prints none, None for a count column). `note` says when the unit
    was taken from the header or assumed, so the caller can record a finding.
    """
    if text.isdigit() and text.isascii() and amount_unit is None and len(text) < 300:  # a float holds it
        return float(text), "number", None
    t = clean(text)
    if not t:
        return math.nan, "blank", None
    if t in NA_TEXTS:
        return math.nan, "na", None
    m = _NUMBER.match(t)  # "1 0" is two printed numbers, not 10: it stays text
    if not m:
        return math.nan, "text", None
    number = Decimal(m["num"].replace(",", "") + (m["dec"] or ""))
    if m["sign"] in ("-", "−"):
        number = -number
    unit, note = m["unit"], None
    if amount_unit is None and unit in _MULTIPLIER:
        return math.nan, "text", None  # 万/亿/元 in a count column: not a count as printed
    if amount_unit is not None:
        if unit in _MULTIPLIER:
            number *= _MULTIPLIER[unit]
        elif amount_unit:
            number *= _MULTIPLIER[amount_unit]
            note = f"no unit in the cell; {amount_unit}, the unit of the template's column header, assumed"
        else:
            note = "no unit printed; read as 元"
    value = float(number)
    if math.isinf(value):  # hundreds of digits: past what a float holds, so not read as a number
        return math.nan, "text", None
    return value, "number", note
