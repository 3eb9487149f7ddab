"""Every shared real report reads to its hand-checked cells, template, agency and year."""

from __future__ import annotations

import math

import pytest

import disclosure_utils as du

from .conftest import expected, manifest, reports_dir

WITH_EXPECTED = [row for row in manifest() if row["expected"]]
WITHOUT_EXPECTED = [row for row in manifest() if not row["expected"]]

# Expected cells that the report alone does not determine although the expected file does not list
# them under `inferred`: the transcriber took them from the agency's other years (see each file's
# notes). The reader must leave them ambiguous — never another number.
CROSS_YEAR = {
    ("pingtan-2020", "proactive", "admin_license", "prev_items"): "“行政许可396442278”: 396 from the 2019 report",
    ("pingtan-2020", "proactive", "other_external_services", "prev_items"): "“107105”: 10 from the 2019 report",
    ("pingtan-2020", "proactive", "admin_coercion", "prev_items"): "“1262629”: 126 from the 2019 report",
    ("pingtan-2021", "proactive", "normative_docs", "in_force"): "“693665”: 665 from the 2022 report (698=665+88-55)",
}


def _cells(report: du.Report) -> dict:
    return {(c.table, c.row, c.column): c for c in report.cells.itertuples()}


@pytest.mark.parametrize("row", WITH_EXPECTED, ids=[r["file"] for r in WITH_EXPECTED])
def test_report_reads_to_expected_cells(row):
    name = row["expected"].removeprefix("expected/").removesuffix(".json")
    truth = expected(name)
    path = reports_dir() / row["file"]
    if truth["template"] == "pre2019":
        with pytest.raises(du.ReportError, match="pre-2019"):
            du.read_report(path)
        return
    report = du.read_report(path)
    assert report.meta["template"] == truth["template"]
    assert report.meta["year"] == truth["year"]
    assert report.meta["agency"] == truth["agency"]
    got = _cells(report)
    inferred = {tuple(c) for c in truth.get("inferred", [])}
    wrong = []
    for c in truth["cells"]:
        key = (c["table"], c["row"], c["column"])
        cell = got.get(key)
        if cell is None:
            wrong.append((key, c["value"], "missing"))
            continue
        if key in inferred or (name, *key) in CROSS_YEAR:
            ok = cell.kind == "ambiguous" or (c["value"] is not None and math.isclose(cell.value, c["value"]))
            if (name, *key) in CROSS_YEAR:
                ok = cell.kind == "ambiguous"
        elif c["value"] is None:
            ok = cell.kind in ("blank", "na")
        else:
            ok = cell.kind == "number" and math.isclose(cell.value, c["value"], rel_tol=1e-12)
        if not ok:
            wrong.append((key, c["value"], f"{cell.kind} {cell.value} raw={cell.raw!r}"))
    assert not wrong, wrong
    if name == "ankang-natural-resources-2020":
        assert len(truth["cells"]) == 198 and len(report.cells) == 198


@pytest.mark.parametrize("row", WITHOUT_EXPECTED, ids=[r["file"] for r in WITHOUT_EXPECTED])
def test_other_reports_read_or_refuse_with_reason(row):
    path = reports_dir() / row["file"]
    try:
        report = du.read_report(path)
    except du.ReportError as exc:
        assert exc.path.endswith(row["file"]) and exc.reason
        assert row["template"] in ("pre2019", "unknown"), exc.reason
        return
    assert report.meta["year"] == int(row["year"])
    assert report.meta["agency"] == row["agency"]
    assert report.meta["template"] == row["template"] or report.meta["template"] == "mixed"
    assert len(report.cells) > 0


def test_hybrid_report_is_mixed_with_codes_per_table():
    """pingtan-zhz-2021 prints the v2021 table 二 with the single v2019 （六）其他处理 row in table 三."""
    report = du.read_report(reports_dir() / "pingtan-zhz-2021.txt")
    assert report.meta["template"] == "mixed"
    assert report.meta["templates"] == {"proactive": "v2021", "requests": "v2019"}
    rows = set(report.cells[report.cells.table == "requests"].row)
    assert "other_disposition" in rows and "other_overdue_correction" not in rows
    assert set(report.cells[report.cells.table == "proactive"].column) == {"issued", "repealed", "in_force",
                                                                           "decisions", "amount_yuan"}


def test_rows_printing_nothing_in_glued_text_are_blank():
    """pingtan-scj-2021 prints （六）2 and 3 with no values at all: blank cells, said in a finding."""
    report = du.read_report(reports_dir() / "pingtan-scj-2021.txt")
    rows = report.cells[report.cells.row.isin(["other_unpaid_fee", "other_other"])]
    assert len(rows) == 14 and set(rows.kind) == {"blank"}
    assert set(report.findings[report.findings.check == "READ_NO_VALUES"].row) == {"other_unpaid_fee", "other_other"}


def test_narrative_count_of_documents_in_force_disagreeing_with_the_table_is_a_warning():
    """pingtan-gwh-2022: '行政规范性文件34089' reads 34|0|89 (制发 34 per its text), but the text says 现行有效件数424件."""
    report = du.read_report(reports_dir() / "pingtan-gwh-2022.txt")
    narr = report.findings[(report.findings.check == "NARR") & (report.findings.table == "proactive")]
    assert narr[["row", "column", "expected", "observed"]].values.tolist() == [["normative_docs", "in_force", 89, 424]]
