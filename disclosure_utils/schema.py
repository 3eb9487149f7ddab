"""Column layouts of the frames a `Report` carries, defined once."""

from __future__ import annotations

import pandas as pd

CELL_COLUMNS = ["table", "row", "column", "value", "kind", "raw", "source"]
CELL_KINDS = ("number", "blank", "na", "text", "ambiguous")
FINDING_COLUMNS = ["check", "severity", "table", "row", "column", "expected", "observed", "message"]
SEVERITIES = ("error", "warning", "info")


def empty_cells() -> pd.DataFrame:
    return frame([], CELL_COLUMNS)


def empty_findings() -> pd.DataFrame:
    return frame([], FINDING_COLUMNS)


def frame(records: list[dict], columns: list[str]) -> pd.DataFrame:
    """A frame with exactly `columns`; `value`, `expected` and `observed` are float, the rest text."""
    df = pd.DataFrame.from_records(records, columns=columns)
    for col in columns:
        if col in ("value", "expected", "observed"):
            df[col] = pd.to_numeric(df[col], errors="coerce").astype("float64")
        else:
            df[col] = df[col].astype(object).where(df[col].notna(), "").astype(str)
    return df
