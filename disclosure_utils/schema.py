"""Column layouts of the frames a `Report` carries, defined once."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd


class CellRecord(NamedTuple):
    """One printed data cell (a row of `Report.cells`)."""

    table: str
    row: str
    column: str
    value: float
    kind: str
    raw: str
    source: str


CELL_COLUMNS = list(CellRecord._fields)
CELL_KINDS = ("number", "blank", "na", "text", "ambiguous")
FINDING_COLUMNS = ["check", "severity", "table", "row", "column", "expected", "observed", "message"]
SEVERITIES = ("error", "warning", "info")
SECTION_COLUMNS = ["section", "heading", "start", "end", "text"]
SECTION_DTYPES = {"start": "int64", "end": "int64"}
NARRATIVE_COLUMNS = ["metric", "value", "unit", "approx", "scope", "account", "section", "evidence", "start",
                     "end", "raw"]
NARRATIVE_DTYPES = {"value": "float64", "approx": "bool", "start": "int64", "end": "int64"}
QUALITY_COLUMNS = ["checks_run", "checks_passed", "checks_failed", "not_assessable", "checks_used", "blank_share",
                   "ambiguous_cells", "narrative_checked", "narrative_agreed", "blank_policy"]
QUALITY_DTYPES = {"checks_run": "int64", "checks_passed": "int64", "checks_failed": "int64",
                  "not_assessable": "int64", "checks_used": "int64", "blank_share": "float64", "ambiguous_cells": "int64",
                  "narrative_checked": "int64", "narrative_agreed": "int64"}


def as_cells(records: list) -> list[CellRecord]:
    """Cell records as `CellRecord`s: a list of them (cells as read) is kept; cells set by hand (dicts with the
    `CELL_COLUMNS` keys, tuples of those fields, or a mix) are converted one by one."""
    if {*map(type, records)} <= {CellRecord}:
        return records
    return [r if type(r) is CellRecord else CellRecord._make(map(r.get, CELL_COLUMNS) if isinstance(r, dict) else r)
            for r in records]


def finding(check: str, severity: str, table: str, row: str = "", column: str = "",
            expected: float = np.nan, observed: float = np.nan, message: str = "") -> dict:
    """One finding record (`FINDING_COLUMNS`)."""
    return dict(check=check, severity=severity, table=table, row=row, column=column, expected=expected,
                observed=observed, message=message)


NUMERIC = frozenset({"value", "expected", "observed"})
TEXT = pd.Series(["x"]).dtype  # the text dtype pandas infers (str in pandas 3, object before)


def frame(records: list, columns: list[str], dtypes: dict[str, str] | None = None) -> pd.DataFrame:
    """A frame with exactly `columns` from records: dicts, or tuples holding `columns` in order (`CellRecord`s;
    see `columns_of`).

    `value`, `expected` and `observed` are float, columns named in `dtypes` take that dtype, the rest
    are text ("" for None). All text is converted in one call: the conversion has a high fixed cost.
    """
    dtypes = {**{c: "float64" for c in NUMERIC}, **(dtypes or {})}
    text = [c for c in columns if c not in dtypes]
    n = len(records)
    fields = columns_of(records, columns)
    strings = pd.array([_text(x) for c in text for x in fields[c]], dtype=TEXT) if n and text else None
    data = {}
    for col in columns:
        if col in dtypes:
            raw = fields[col]
            data[col] = np.array([_float(x) for x in raw] if dtypes[col] == "float64" else raw, dtype=dtypes[col])
        elif n:
            k = text.index(col)
            data[col] = strings[k * n : (k + 1) * n]
        else:
            data[col] = pd.array([], dtype=TEXT)
    return pd.DataFrame(data, copy=False)


def columns_of(records: list, columns: list[str]) -> dict[str, list]:
    """Each column's values, in record order, from dicts or from tuples holding `columns` in order (all of one
    kind: the first record tells which)."""
    if records and isinstance(records[0], tuple):
        return dict(zip(columns, map(list, zip(*records, strict=True)), strict=True))
    return {c: [r.get(c) for r in records] for c in columns}


def _text(x) -> str:
    return "" if x is None else str(x)


def _float(x) -> float:
    try:
        return float(x)
    except (TypeError, ValueError):
        return np.nan
