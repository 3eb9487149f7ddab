"""Checks over real reports: the hand-checked expected files and their printed errors."""

from __future__ import annotations

import math
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from disclosure_utils import ReportError, read_report, values
from disclosure_utils import checks as checks_module
from disclosure_utils.checks import CHECK_NAMES, check, check_series, narrative_agreement
from disclosure_utils.schema import FINDING_COLUMNS, as_cells, frame

from .conftest import RAW
from .expected_cells import expected, expected_report, names

SHANGHAI = "shanghai-gov-office-2019"
ANKANG = "ankang-natural-resources-2020"
SHANGHAI_SENTENCE = "予以公开及部分公开258件，占33.9%；"


def errors(report) -> set[tuple]:
    f = report.findings[(report.findings.severity == "error") & report.findings.check.isin(CHECK_NAMES)]
    return set(f[["check", "row", "column", "expected", "observed"]].itertuples(index=False, name=None))


def fact(metric, value, evidence, scope="agency", approx=False) -> dict:
    return dict(metric=metric, value=float(value), unit="件", approx=approx, scope=scope, account="",
                section="overview", evidence=evidence, start=0, end=0, raw=str(value))  # fmt: skip


def with_cell(report, row, column, **changes):
    """The report with one cell changed (a mutated copy of real cells for a negative case)."""
    cells = report.cells.copy()
    hit = (cells.row == row) & (cells.column == column)
    assert hit.sum() == 1
    for key, value in changes.items():
        cells.loc[hit, key] = value
    report.cells = cells
    return report


# --------------------------------------------------------------------------- printed identities


def test_ankang_has_exactly_the_three_printed_errors():
    report = check(expected_report(ANKANG))
    assert errors(report) == {
        ("T3_COL", "", "natural_person", 41.0, 45.0),
        ("T3_COL", "", "org_legal_services", 4.0, 0.0),
        ("T4_SUM", "review", "", 2.0, 0.0),
    }
    assert not (report.findings.severity == "warning").any()
    q = report.quality.iloc[0]
    assert (q.checks_failed, q.blank_policy, q.ambiguous_cells) == (3, "lenient", 0)
    assert q.checks_run == q.checks_passed + q.checks_failed + q.not_assessable + q.checks_used
    assert q.checks_used == 0  # flattened cells: nothing was cut by an identity
    assert q.blank_share == pytest.approx(144 / 198)


def test_identities_that_chose_a_split_count_as_used_not_passed():
    report = read_report(RAW / "pingtan-2019.txt")
    resolved = report.findings[(report.findings.check == "READ_RESOLVED")
                               & report.findings.message.str.contains("satisfying T3_ROWSUM")]
    rows = set(resolved.row)
    assert rows >= {"new_received", "carried_out", "disposition_total"}
    assert report.used >= {("T3_ROWSUM", "requests", r, "") for r in rows}
    q = report.quality.iloc[0]
    assert (q.checks_run, q.checks_passed, q.checks_used) == (45, 40, 4)
    assert q.checks_run == q.checks_passed + q.checks_failed + q.not_assessable + q.checks_used
    unused = check(read_report(RAW / "pingtan-2019.txt"))
    unused.used = set()  # the same cells judged without knowing how they were read: every one "passes"
    assert check(unused).quality.iloc[0].checks_passed == q.checks_passed + q.checks_used


def test_column_identities_count_as_used_only_where_they_rejected_a_split():
    report = read_report(RAW / "pingtan-2021.txt")  # table 三 glued: rows chosen jointly by T3_DISP and T3_COL
    used = Counter(check for check, *_ in report.used)
    assert used == {"T3_ROWSUM": 5, "T3_DISP": 4, "T4_SUM": 3}  # T3_COL rejected no combination here
    q = report.quality.iloc[0]
    assert (q.checks_run, q.checks_passed, q.checks_used) == (45, 33, 12)


def test_a_forced_table_four_run_is_not_reported_as_resolved():
    report = read_report(RAW / "pingtan-gaj-2022.txt")  # table 四 glued as fifteen zeros: one cell per digit
    assert not (report.findings.table == "review_litigation").any()
    assert not report.used
    assert report.quality.iloc[0].checks_passed == report.quality.iloc[0].checks_run == 45


def test_a_narrative_count_that_chose_a_split_is_not_counted_as_agreement():
    report = read_report(RAW / "pingtan-2023.txt")
    assert ("NARR", "proactive", "normative_docs", "issued") in report.used
    agreement = narrative_agreement(report)
    chose = agreement[(agreement.table == "proactive") & (agreement.column == "issued")]
    assert len(chose) == 1 and chose.agreed.all()
    q = report.quality.iloc[0]
    assert q.narrative_checked == len(agreement) - 1


def test_an_approximate_statement_about_a_cell_the_narrative_chose_is_still_checked():
    """Only the exact statement that chose the split is left out: "约100件" about the same cell did not choose it,
    and disagreeing with the 77 printed it is a NARR warning."""
    report = read_report(RAW / "pingtan-2023.txt")
    before = report.quality.iloc[0]
    (stated,) = [f for f in report.records("narrative") if f["metric"] == "normative_docs_issued"]
    report.narrative = [*report.records("narrative"), {**stated, "value": 100.0, "approx": True}]
    q = check(report).quality.iloc[0]
    assert (q.narrative_checked, q.narrative_agreed) == (before.narrative_checked + 1, before.narrative_agreed)
    narr = report.findings[(report.findings.check == "NARR") & (report.findings.table == "proactive")]
    assert narr[["row", "column", "expected", "observed"]].values.tolist() == [["normative_docs", "issued", 77.0, 100.0]]


def test_ankang_strict_policy_makes_the_blank_column_not_assessable():
    report = check(expected_report(ANKANG), blank_policy="strict")
    assert errors(report) == {
        ("T3_COL", "", "natural_person", 41.0, 45.0),
        ("T4_SUM", "review", "", 2.0, 0.0),
    }
    legal = report.findings[
        (report.findings.check == "T3_COL") & (report.findings.column == "org_legal_services")
    ]
    assert list(legal.severity) == ["info"]
    assert "carried_in/org_legal_services blank (strict policy)" in legal.message.iloc[0]
    assert report.quality.blank_policy.iloc[0] == "strict"


# The printed errors each expected file lists (free text), as (check, row, column, expected, observed).
PRINTED = {
    ANKANG: {("T3_COL", "", "natural_person", 41.0, 45.0), ("T3_COL", "", "org_legal_services", 4.0, 0.0),
             ("T4_SUM", "review", "", 2.0, 0.0)},
    "pingtan-2020": {("T3_DISP", "", "natural_person", 26.0, 20.0), ("T3_DISP", "", "total", 27.0, 21.0)},
    "pingtan-zrz-2020": {("T3_DISP", "", "org_legal_services", 1.0, 0.0), ("T3_DISP", "", "total", 10.0, 9.0)},
    "pingtan-nyn-2023": {("T3_ROWSUM", "new_received", "", 7.0, 0.0), ("T3_ROWSUM", "carried_in", "", 0.0, 7.0)},
}  # fmt: skip
PRINTED["pingtan-zrz-2020-web"] = PRINTED["pingtan-zrz-2020"]
PRINTED["pingtan-nyn-2023-web"] = PRINTED["pingtan-nyn-2023"]


def test_every_file_listing_printed_errors_is_covered():
    assert {n for n in names() if expected(n)["printed_inconsistencies"]} == set(PRINTED)


@pytest.mark.parametrize("name", sorted(PRINTED))
def test_printed_inconsistencies_are_found(name):
    assert errors(check(expected_report(name))) == PRINTED[name]


@pytest.mark.parametrize("name", [n for n in names() if not expected(n)["printed_inconsistencies"]])
def test_files_without_printed_inconsistencies_get_no_error(name):
    report = check(expected_report(name))
    assert errors(report) == set()
    assert report.quality.checks_failed.iloc[0] == 0


def test_shanghai_passes_with_blank_totals_missing():
    report = check(expected_report(SHANGHAI))
    f = report.findings
    assert not f.severity.isin(["error", "warning"]).any()
    missing = f[f.check == "T3_ROWSUM_MISSING"]
    assert set(missing.row) == {
        "granted", "partially_granted", "denied_state_secret", "denied_internal_affairs", "denied_process_info",
        "denied_admin_query", "unable_not_held", "unable_needs_creation", "unable_unclear",
        "not_processed_complaint", "not_processed_repeat",
    }  # fmt: skip
    assert set(missing.severity) == {"info"}
    granted = missing[missing.row == "granted"].iloc[0]
    assert granted.expected == 272.0 and pd.isna(granted.observed)
    # T3_COL holds on every column, the total included (859 + 18 = 805 + 72); T3_DISP on the
    # total column touches the blank totals, so it is not assessable rather than failed.
    assert not (f.check == "T3_COL").any()
    disp = f[f.check == "T3_DISP"]
    assert list(disp.column) == ["total"] and list(disp.severity) == ["info"]
    assert "blank beside non-zero parts (missing)" in disp.message.iloc[0]


def test_ambiguous_cell_is_not_assessable_never_an_error():
    report = with_cell(expected_report(ANKANG), "review", "total", kind="ambiguous", value=float("nan"))
    check(report)
    assert ("T4_SUM", "review", "", 2.0, 0.0) not in errors(report)
    t4 = report.findings[report.findings.check == "T4_SUM"]
    assert list(t4.severity) == ["info"] and "review_litigation/review/total ambiguous" in t4.message.iloc[0]
    assert report.quality.ambiguous_cells.iloc[0] == 1


def test_absent_table_is_one_info_finding():
    report = expected_report("huaian-gov-2024")
    report.cells = report.cells[report.cells.table != "review_litigation"]
    f = check(report).findings
    assert list(f.check) == ["TABLE_ABSENT"] and f.table.iloc[0] == "review_litigation"
    assert report.quality.not_assessable.iloc[0] == 4  # three T4_SUM rows and NONNEG


def test_nonneg_and_integer():
    # items_change is signed (Ankang prints "+2"; a decrease is written -2), amount_yuan a decimal
    report = with_cell(expected_report(ANKANG), "admin_license", "items_change", value=-2.0)
    report = with_cell(report, "central_procurement", "amount_yuan", value=2090000.5)
    assert not check(report).findings.check.isin(["NONNEG", "INTEGER"]).any()
    report = with_cell(expected_report("huaian-gov-2024"), "denied_state_secret", "org_other", value=-1.0)
    report = with_cell(report, "granted", "org_research", value=2.5)
    f = check(report).findings.set_index("check")
    assert f.loc["NONNEG", ["table", "row", "column", "observed"]].tolist() == [
        "requests",
        "denied_state_secret",
        "org_other",
        -1.0,
    ]
    assert f.loc["INTEGER", ["row", "column", "observed"]].tolist() == ["granted", "org_research", 2.5]


def test_an_infinite_count_is_an_integer_failure_not_a_crash():
    """A count no float holds (built by hand; the reader reads 300 or more digits as text) fails INTEGER."""
    report = with_cell(expected_report("huaian-gov-2024"), "granted", "org_research", value=math.inf)
    f = check(report).findings.set_index("check")
    assert f.loc["INTEGER", ["row", "column", "observed"]].tolist() == ["granted", "org_research", math.inf]
    assert math.isnan(f.loc["INTEGER", "expected"])


def test_a_count_printed_twice_or_not_a_number_is_still_looked_at():
    """A NaN "number" and a negative cell printed twice (cells built by hand) are not passed by the one-pass
    test of NONNEG/INTEGER, which reads each cell once and skips NaN."""
    report = read_report(RAW / "pingtan-2022.txt", check=False)
    cells = report.records("cells")
    i = next(i for i, c in enumerate(cells) if (c["row"], c["column"]) == ("granted", "total"))
    for variant, failed in (
        ([*cells[:i], {**cells[i], "value": math.nan}, *cells[i + 1 :]], ("INTEGER", "granted", "total")),
        ([*cells[: i + 1], {**cells[i], "value": -3.0}, *cells[i + 1 :]], ("NONNEG", "granted", "total")),
    ):
        report.cells = variant
        found = [(f["check"], f["row"], f["column"]) for f in check(report).records("findings")
                 if f["check"] in ("NONNEG", "INTEGER")]
        assert found == [failed]
        assert report.records("quality")[0]["checks_failed"] == 1


def test_a_count_of_hundreds_of_digits_is_text():
    value, kind, _ = values.parse("1" * 400)
    assert math.isnan(value) and kind == "text"
    assert values.parse("1" * 299)[1] == "number"


def test_published_above_total_is_a_warning():
    report = with_cell(expected_report(ANKANG), "normative_docs", "published", value=70.0)
    f = check(report).findings
    le = f[f.check == "T2_V2019_LE"]
    assert le[["severity", "row", "expected", "observed"]].values.tolist() == [
        ["warning", "normative_docs", 66.0, 70.0]
    ]


def test_invalid_policy_is_rejected():
    with pytest.raises(ValueError, match="blank_policy"):
        check(expected_report(ANKANG), blank_policy="zero")


# --------------------------------------------------------------------------- cells untouched, reruns


@pytest.mark.parametrize("policy", ["lenient", "strict"])
@pytest.mark.parametrize("name", names())
def test_checks_never_change_cells(name, policy):
    report = expected_report(name)
    before = report.cells.copy(deep=True)
    check(report, blank_policy=policy)
    pd.testing.assert_frame_equal(report.cells, before)


def test_rerun_replaces_check_findings_and_keeps_reading_findings():
    report = expected_report(ANKANG)
    report.findings = frame([dict(check="READ_GLUED", severity="warning", table="proactive", row="rules",
                                  column="made", message="reader note")], FINDING_COLUMNS)  # fmt: skip
    check(report)
    first = report.findings.copy()
    check(report, blank_policy="strict")
    check(report)
    pd.testing.assert_frame_equal(report.findings, first)
    assert list(report.findings.check).count("READ_GLUED") == 1
    assert set(report.findings.check) - {"READ_GLUED"} <= set(CHECK_NAMES)


# --------------------------------------------------------------------------- narrative


SHANGHAI_FACTS = [  # (metric, value, sentence) as printed in the Shanghai 2019 HTML
    ("applications_received", 859, "市政府办公厅代表市政府共受理政府信息公开申请859件，申请数量较去年回落12.3%；"),
    ("applications_handled", 805, "答复政府信息公开申请805件（含上年度结转申请18件，另有72件申请按照《条例》顺延到下年度答复）"),
    ("applications_carried_in", 18, "答复政府信息公开申请805件（含上年度结转申请18件，另有72件申请按照《条例》顺延到下年度答复）"),
    ("applications_carried_over", 72, "答复政府信息公开申请805件（含上年度结转申请18件，另有72件申请按照《条例》顺延到下年度答复）"),
    ("applications_granted_or_partial", 258, SHANGHAI_SENTENCE),
    ("applications_denied", 35, "不予公开35件，占4.34%；"),
    ("applications_unable", 265, "因本机关不掌握等原因无法提供265件，占32.9%；"),
    ("applications_not_processed", 158, "不予处理158件，占19.6%；"),
    ("applications_other", 0, "其他处理0件。"),
    ("review_cases", 7, "信息公开类行政复议7件，诉讼9件，均获维持"),
    ("litigation_cases", 9, "信息公开类行政复议7件，诉讼9件，均获维持"),
]  # fmt: skip


def test_shanghai_narrative_258_is_a_warning_and_the_rest_agrees():
    narrative = pd.DataFrame([fact(*f) for f in SHANGHAI_FACTS])
    report = check(expected_report(SHANGHAI, narrative))
    narr = report.findings[report.findings.check == "NARR"]
    assert narr[["severity", "table", "expected", "observed"]].values.tolist() == [
        ["warning", "requests", 275.0, 258.0]
    ]
    assert (
        SHANGHAI_SENTENCE in narr.message.iloc[0]
        and "granted + partially_granted = 275" in narr.message.iloc[0]
    )
    q = report.quality.iloc[0]
    assert (q.narrative_checked, q.narrative_agreed) == (11, 10)
    matched = narrative_agreement(report).set_index("metric").matched
    assert matched["applications_unable"] == "unable_not_held"  # 265 = the 不掌握 row, not the (四) group 337
    assert matched["applications_received"] == "new_received"


def test_a_row_total_is_the_printed_total_else_the_sum_of_printed_parts():
    """Shanghai prints the granted total blank: its parts 258 + 12 + 1 + 1 (two parts blank) stand for it. A part
    that is a dash, absent or a NaN number makes the reading impossible or NaN, never a smaller sum."""
    cells = read_report(RAW / f"{SHANGHAI}.html", check=False).cell_records()
    total = checks_module._row_total
    assert total(checks_module._Cells(cells, "lenient"), "requests", "new_received") == 859.0  # printed
    assert total(checks_module._Cells(cells, "lenient"), "requests", "granted") == 272.0
    assert total(checks_module._Cells(cells, "lenient"), "requests", "no_such_row") is None

    def changed(column, **fields):
        return checks_module._Cells([c._replace(**fields) if (c.row, c.column) == ("granted", column) else c
                                     for c in cells], "lenient")

    assert total(changed("org_research", kind="na", raw="-"), "requests", "granted") is None
    assert total(changed("org_research", kind="number", value=5.0), "requests", "granted") == 277.0
    assert math.isnan(total(changed("org_research", kind="number"), "requests", "granted"))  # NaN, set by hand
    assert total(changed("natural_person", kind="text"), "requests", "granted") is None
    assert total(changed("total", kind="ambiguous"), "requests", "granted") is None
    without = checks_module._Cells([c for c in cells if (c.row, c.column) != ("granted", "org_other")], "lenient")
    assert total(without, "requests", "granted") is None  # a part absent


def test_narrative_reading_carried_in_and_region_scope():
    narrative = pd.DataFrame([
        fact("applications_received", 45, "截至当前，受理群众信息公开申请45件，其中全部公开14件，部分公开22件"),
        fact("applications_granted", 14, "全部公开14件"),
        fact("applications_handled", 44, "44件已按时办理完毕，1件在规定时限办理中。"),
        fact("applications_carried_over", 1, "44件已按时办理完毕，1件在规定时限办理中。"),
        fact("applications_received", 999, "全市共受理申请999件", scope="region"),
    ])  # fmt: skip
    report = check(expected_report(ANKANG, narrative))
    agreement = narrative_agreement(report)
    assert agreement.agreed.all() and len(agreement) == 4
    assert agreement.matched.iloc[0] == "new_received + carried_in"  # 45 = 42 + 3
    assert not (report.findings.check == "NARR").any()


@pytest.mark.parametrize(
    "name", [n for n in names() if expected(n)["narrative"].get("applications_received_stated")]
)
def test_stated_applications_agree_with_the_table(name):
    stated = expected(name)["narrative"]["applications_received_stated"]
    report = check(expected_report(name, pd.DataFrame([fact("applications_received", stated, "…")])))
    assert report.quality[["narrative_checked", "narrative_agreed"]].values.tolist() == [[1, 1]]


# --------------------------------------------------------------------------- cross-year

PINGTAN = [f"pingtan-{y}" for y in range(2019, 2026)]


def test_pingtan_series_carries_over_and_leaves_inferred_cells_unassessed():
    reports = [expected_report(n) for n in reversed(PINGTAN)]
    f = check_series(reports)
    assert not (f.severity == "warning").any()
    assert not (f.check == "T3_XYEAR").any()  # e.g. carried_out 2021 = carried_in 2022 = 1
    # table-二 splits inferred by the transcriber are absent, so the stock checks are not assessable
    assert set(f.check) == {"T2_V2019_XYEAR", "T2_V2021_XYEAR"} and set(f.severity) == {"info"}
    assert "2019→2020" in f[f.check == "T2_V2019_XYEAR"].message.iloc[0]


def test_series_mismatch_names_the_years():
    reports = [expected_report("pingtan-2021"), with_cell(expected_report("pingtan-2022"), "carried_in", "total",
                                                          value=2.0)]  # fmt: skip
    f = check_series(reports)
    hit = f[f.check == "T3_XYEAR"]
    assert hit[["severity", "row", "column", "expected", "observed"]].values.tolist() == [
        ["warning", "carried_in", "total", 1.0, 2.0]
    ]
    assert "2021" in hit.message.iloc[0] and "2022" in hit.message.iloc[0]


def test_series_skips_gaps_and_rejects_mixed_agencies():
    assert check_series([expected_report("pingtan-2020"), expected_report("pingtan-2022")]).empty
    with pytest.raises(ValueError, match="one agency"):
        check_series([expected_report("pingtan-2020"), expected_report(ANKANG)])


# --------------------------------------------------------------------------- through read_report


@pytest.mark.parametrize("file", [f"{ANKANG}.txt", "pingtan-zrz-2020-web.html", "pingtan-nyn-2023-web.html"])
def test_read_report_finds_the_printed_errors(file):
    report = read_report(RAW / file)
    assert errors(report) == PRINTED[Path(file).stem]
    cells = report.cells.copy(deep=True)
    check(report, blank_policy="strict")
    pd.testing.assert_frame_equal(report.cells, cells)


@pytest.mark.parametrize(
    "file", [f"{ANKANG}.txt", f"{SHANGHAI}.html", "pingtan-2023.txt", "pingtan-hzs-2023.txt"]
)
@pytest.mark.parametrize("policy", ["lenient", "strict"])
def test_cells_held_as_records_or_as_a_frame_check_alike(file, policy):
    held = read_report(RAW / file, check=False)  # cells and findings held as records, as read
    built = read_report(RAW / file, check=False)
    built.cells, built.findings = built.cells, built.findings  # the same, as DataFrames
    check(held, blank_policy=policy)
    check(built, blank_policy=policy)
    pd.testing.assert_frame_equal(held.findings, built.findings)
    pd.testing.assert_frame_equal(held.quality, built.quality)
    reading = read_report(RAW / file, check=False).findings
    pd.testing.assert_frame_equal(held.findings.iloc[: len(reading)], reading)  # reading findings kept, first


def test_read_report_shanghai_passes_and_flags_only_the_258():
    report = read_report(RAW / f"{SHANGHAI}.html")
    f = report.findings
    assert errors(report) == set()
    assert len(f[f.check == "T3_ROWSUM_MISSING"]) == 11
    narr = f[f.check == "NARR"]
    assert narr[["expected", "observed"]].values.tolist() == [[275.0, 258.0]]
    assert "予以公开及部分公开258件" in narr.message.iloc[0]


# --------------------------------------------------------------------------- table 三 checked as a grid

def _readable(path: Path) -> bool:
    try:
        read_report(path, check=False)
    except ReportError:  # pre-2019 reports and a page that only links to its report
        return False
    return True


GRID_FILES = sorted(p.name for p in RAW.iterdir() if p.suffix in (".txt", ".html") and _readable(p))


def _checked(report, policy: str, grid: bool, monkeypatch) -> tuple[pd.DataFrame, pd.DataFrame]:
    with monkeypatch.context() as m:
        if not grid:
            m.setattr(checks_module, "_t3_held", lambda *args: set())
        check(report, blank_policy=policy)
    return report.findings, report.quality


@pytest.mark.parametrize("file", GRID_FILES)
def test_table_three_checked_as_a_grid_counts_as_each_identity_asked(file, monkeypatch):
    """The grid pass (`_t3_held`) only shortens the common case: findings and counts are those of asking
    every identity, on each bundled report, and with a row total or a disposition cell changed by 1."""
    report = read_report(RAW / file, check=False)
    cells = report.records("cells")
    variants = [cells]
    for row, column in (("granted", "total"), ("unable_not_held", "natural_person")):
        at = next((i for i, c in enumerate(cells) if (c["table"], c["row"], c["column"]) == ("requests", row, column)
                   and c["kind"] == "number"), None)
        if at is not None:
            variants.append([*cells[:at], {**cells[at], "value": cells[at]["value"] + 1}, *cells[at + 1 :]])
    for variant in variants:
        for policy in ("lenient", "strict"):
            report.cells = variant
            grid = _checked(report, policy, True, monkeypatch)
            report.cells = variant
            asked = _checked(report, policy, False, monkeypatch)
            pd.testing.assert_frame_equal(grid[0], asked[0])
            pd.testing.assert_frame_equal(grid[1], asked[1])


def test_a_full_table_three_of_numbers_is_checked_as_a_grid():
    report = read_report(RAW / "pingtan-2023.txt", check=False)
    cells = checks_module._Cells(report.cell_records(), "lenient")
    other = tuple(checks_module._other_rows(cells, "v2021"))
    every = set(checks_module._t3_grid("v2021")[2])
    assert checks_module._t3_held(cells, "v2021", other) == every
    assert not checks_module._t3_held(cells, "v2019", other)  # not that template's grid
    changed = [{**c, "value": 1.0} if (c["row"], c["column"]) == ("granted", "total") else c
               for c in report.records("cells")]
    held = checks_module._t3_held(checks_module._Cells(as_cells(changed), "lenient"), "v2021", other)
    assert every - held == {("T3_ROWSUM", "requests", "granted", ""), ("T3_DISP", "requests", "", "total")}


def test_cells_beside_a_full_table_three_are_not_passed_over_by_the_grid_check():
    """Hand-built cells outside the codebook's columns: an "other" row printed only there is still a printed row
    (its absent cells make T3_DISP not assessable, as cell by cell), and a table-三 cell after the grid keeps
    the grid pass from answering for the table."""
    report = read_report(RAW / "pingtan-2023.txt", check=False)
    cells = report.records("cells")
    extra = {"table": "requests", "row": "other_disposition", "column": "note", "value": math.nan, "kind": "blank",
             "raw": "", "source": "by hand"}
    report.cells = [*cells, extra]
    quality = check(report).records("quality")[0]
    assert [quality[k] for k in ("checks_run", "checks_passed", "not_assessable", "checks_used")] == [46, 33, 8, 5]
    assert Counter(f["check"] for f in report.records("findings") if f["severity"] == "info"
                   and f["check"] in CHECK_NAMES) == {"T3_DISP": 7, "T3_ROWSUM": 1}
    last = max(i for i, c in enumerate(cells) if c["table"] == "requests")
    after = [*cells[: last + 1], {**cells[last], "column": "note"}, *cells[last + 1 :]]
    other = ("other_overdue_correction", "other_unpaid_fee", "other_other")
    assert checks_module._t3_held(checks_module._Cells(as_cells(cells), "lenient"), "v2021", other) == set(
        checks_module._t3_grid("v2021")[2])
    assert not checks_module._t3_held(checks_module._Cells(as_cells(after), "lenient"), "v2021", other)
