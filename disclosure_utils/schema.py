"""Column layouts of the frames a `Report` carries, defined once."""

from __future__ import annotations

import numpy as np
import pandas as pd

CELL_COLUMNS = ["table", "row", "column", "value", "kind", "raw", "source"]
CELL_KINDS = ("number", "blank", "na", "text", "ambiguous")
FINDING_COLUMNS = ["check", "severity", "table", "row", "column", "expected", "observed", "message"]
SEVERITIES = ("error", "warning", "info")


def empty_cells() -> pd.DataFrame:
    return frame([], CELL_COLUMNS)


def empty_findings() -> pd.DataFrame:
    return frame([], FINDING_COLUMNS)


NUMERIC = frozenset({"value", "expected", "observed"})


def frame(records: list[dict], columns: list[str]) -> pd.DataFrame:
    """A frame with exactly `columns`; `value`, `expected` and `observed` are float, the rest text."""
    data = {}
    for col in columns:
        if col in NUMERIC:
            data[col] = np.array([_float(r.get(col)) for r in records], dtype="float64")
        else:
            data[col] = pd.array(["" if r.get(col) is None else str(r.get(col)) for r in records], dtype="str")
    return pd.DataFrame(data)


def _float(x) -> float:
    try:
        return float(x)
    except (TypeError, ValueError):
        return np.nan
