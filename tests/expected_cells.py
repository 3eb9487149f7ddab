"""Hand-checked expected files (expected/NAME.json beside the reports) as cells and `Report`s for tests.

Cells under `inferred` are left out (the report alone does not determine them), so identities
touching them are not assessable; a null value is a blank cell.
"""

from __future__ import annotations

import math

import pandas as pd

from disclosure_utils.codebook import TABLES
from disclosure_utils.report import Report
from disclosure_utils.schema import CELL_COLUMNS, frame

from .conftest import expected, reports_dir


def names() -> list[str]:
    """Names (file stems) of all expected files."""
    return sorted(p.stem for p in (reports_dir() / "expected").glob("*.json"))


def expected_cells(name: str) -> pd.DataFrame:
    """The determined cells of NAME as a cells frame (kind "number" or "blank", raw as str)."""
    data = expected(name)
    inferred = {tuple(k) for k in data.get("inferred", [])}
    records = [
        dict(table=c["table"], row=c["row"], column=c["column"], value=c["value"],
             kind="blank" if c["value"] is None else "number",
             raw="" if c["value"] is None else f"{c['value']:g}", source=f"expected/{name}.json")
        for c in data["cells"]
        if (c["table"], c["row"], c["column"]) not in inferred
    ]  # fmt: skip
    return frame(records, CELL_COLUMNS)


def expected_report(name: str, narrative: pd.DataFrame | None = None) -> Report:
    """A `Report` with NAME's determined cells, meta (one template for every table) and `narrative`."""
    data = expected(name)
    meta = dict(agency=data["agency"], year=data["year"], template=data["template"],
                templates=dict.fromkeys(TABLES, data["template"]), path=f"expected/{name}.json")  # fmt: skip
    return Report(meta=meta, cells=expected_cells(name),
                  narrative=narrative if narrative is not None else pd.DataFrame())  # fmt: skip


def assert_exact(cells: pd.DataFrame, name: str) -> None:
    """`cells` hold every cell of NAME's expected file exactly (a null is a blank cell)."""
    got = {(c.table, c.row, c.column): c for c in cells.itertuples()}
    for c in expected(name)["cells"]:
        cell = got[(c["table"], c["row"], c["column"])]
        if c["value"] is None:
            assert cell.kind == "blank", c
        else:
            assert cell.kind == "number" and math.isclose(cell.value, c["value"]), (c, cell)


def assert_read_as_printed(cells: pd.DataFrame, name: str) -> None:
    """Every cell of `cells` not marked ambiguous holds what NAME's expected file says (a null is a blank cell)."""
    want = {(c["table"], c["row"], c["column"]): c["value"] for c in expected(name)["cells"]}
    for cell in cells[cells.kind != "ambiguous"].itertuples():
        value = want[cell.table, cell.row, cell.column]
        assert (cell.kind == "blank") if value is None else (cell.kind == "number" and cell.value == value), cell
