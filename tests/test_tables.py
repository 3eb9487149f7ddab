"""Table recognition on synthetic variants of real reports: plain text, glued runs, values and units."""

from __future__ import annotations

import itertools
import math
import random

import pytest
from lxml import etree

import disclosure_utils as du
from disclosure_utils import labels, split, values
from disclosure_utils.document import Cell, Document, Grid, Paragraph, block_text
from disclosure_utils.labels import fold, norm
from disclosure_utils.report import Report
from disclosure_utils.schema import CELL_COLUMNS, frame
from disclosure_utils.sources import load_document
from disclosure_utils.tables import recognise

from .conftest import RAW, expected, reports_dir
from .expected_cells import assert_exact, assert_read_as_printed


def _doc(text: str) -> Document:
    lines = [ln for ln in text.split("\n") if ln.strip()]
    return Document("synthetic.txt", "text", [Paragraph(ln, f"line {i + 1}") for i, ln in enumerate(lines)])


def _grid_row(*texts: str) -> tuple[Cell, ...]:
    return tuple(Cell(t, f"cell {i}") for i, t in enumerate(texts))


# the caption and header rows of the v2019 table-二 block 政府集中采购 (projects, amount)
_PROCUREMENT_HEADER = (_grid_row("第二十条第（九）项"), _grid_row("信息内容", "采购项目数量", "采购总金额"))


def _cell(cells, table, row, column):
    hit = cells[(cells.table == table) & (cells.row == row) & (cells.column == column)]
    assert len(hit) == 1, (table, row, column)
    return hit.iloc[0]


def test_plain_text_rows_read_like_the_original():
    """pingtan-jsp-2021 re-typed as plain text, one row per line (as copied from a PDF)."""
    report = du.read_report(reports_dir() / "pingtan-jsp-2021.txt")
    truth = {(c["table"], c["row"], c["column"]): c["value"] for c in expected("pingtan-jsp-2021")["cells"]}
    book = du.codebook().set_index(["table", "code"]).label_zh
    lines = ["第二十条第（一）项", "信息内容 本年制发件数 本年废止件数 现行有效件数"]
    for code, grp in report.cells[report.cells.table == "proactive"].groupby("row", sort=False):
        lines.append(f"{book[('proactive', code)].split(' / ')[-1]} " + " ".join(grp.raw))
    lines.append("三、收到和处理政府信息公开申请情况 申请人情况 自然人 商业企业 科研机构 社会公益组织 法律服务机构 其他 总计")
    for code, grp in report.cells[report.cells.table == "requests"].groupby("row", sort=False):
        lines.append(f"{book[('requests', code)]} " + "  ".join(grp.raw))
    lines.append("四、政府信息公开行政复议、行政诉讼情况 行政复议 行政诉讼 结果维持 结果纠正 其他结果 尚未审结 总计")
    lines.append(" ".join(report.cells[report.cells.table == "review_litigation"].raw))
    lines.append("五、存在的主要问题及改进情况")
    got = recognise(_doc("\n".join(lines))).cells
    assert len(got) == len(truth) == 200
    for c in got.itertuples():
        assert c.kind == "number" and c.value == truth[(c.table, c.row, c.column)], c


GLUED_V2019 = (
    "二、主动公开政府信息情况 第二十条第（一）项信息内容本年新制作数量本年新公开数量对外公开总数量"
    "规章000规范性文件898989第二十条第（五）项信息内容上一年项目数量本年增/减处理决定数量行政许可3960181"
    "其他对外管理服务事项100153第二十条第（六）项信息内容上一年项目数量本年增/减处理决定数量行政处罚2648-18538"
    "行政强制1262625第二十条第（八）项信息内容上一年项目数量本年增/减行政事业性收费35-15第二十条第（九）项"
    "信息内容采购项目数量采购总金额政府集中采购10209万"
    "三、收到和处理政府信息公开申请情况申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他"
    "一、本年新收政府信息公开申请数量640020470二、上年结转政府信息公开申请数量0000000"
    "三、本年度办理结果（一）予以公开270020130（二）部分公开（区分处理的，只计这一情形，不计其他情形）500000 5"
    "（三）不予公开1.属于国家秘密00000002.其他法律行政法规禁止公开00000003.危及“三安全一稳定”0000000"
    "4.保护第三方合法权益00000005.属于三类内部事务信息10000016.属于四类过程性信息0000000"
    "7.属于行政执法案卷60000068.属于行政查询事项1000001（四）无法提供1.本机关不掌握相关政府信息220000325"
    "2.没有现成信息需要另行制作00000003.补正后申请内容仍不明确0000000（五）不予处理1.信访举报投诉类申请0000000"
    "2.重复申请00000003.要求提供公开出版物00000004.无正当理由大量反复申请0000000"
    "5.要求行政机关确认或重新出具已获取信息0000000（六）其他处理1000001（七）总计630020469"
    "四、结转下年度继续办理1000001 四、政府信息公开行政复议、行政诉讼情况 行政复议行政诉讼结果维持结果纠正其他结果"
    "尚未审结总计未经复议直接起诉复议后起诉结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计"
    "10203120001200000五、存在的主要问题及改进情况"
)


@pytest.fixture(scope="module")
def glued():
    return recognise(_doc(GLUED_V2019))


def test_glued_row_resolved_by_row_sum(glued):
    row = glued.cells[(glued.cells.table == "requests") & (glued.cells.row == "new_received")]
    assert list(row.value) == [64, 0, 0, 2, 0, 4, 70]
    assert (glued.findings.check == "READ_RESOLVED").any()


def test_glued_review_table_split_by_group_totals(glued):
    rl = glued.cells[glued.cells.table == "review_litigation"]
    assert list(rl.value) == [1, 0, 2, 0, 3, 12, 0, 0, 0, 12, 0, 0, 0, 0, 0]


def test_review_run_with_a_leading_zero_is_unsplittable_not_a_crash():
    rec = recognise(_doc(GLUED_V2019.replace("10203120001200000", "0 0 0 0 0 0 0 0 0 0 0 0 0 0 07")))
    rl = rec.cells[rec.cells.table == "review_litigation"]
    assert len(rl) == 15 and set(rl.kind) == {"ambiguous"}
    assert set(rec.findings[rec.findings.table == "review_litigation"].check) == {"READ_UNSPLITTABLE"}


def test_review_run_of_single_digits_that_does_not_add_up_is_read_as_printed():
    rec = recognise(_doc(GLUED_V2019.replace("10203120001200000", "120000000000000")))
    rl = rec.cells[rec.cells.table == "review_litigation"]
    assert list(rl.value) == [1, 2, 0, 0, 0] + [0] * 10  # the totals are the report's error, for the checks
    assert not (rec.findings.table == "review_litigation").any()
    assert not {u for u in rec.used if u[0] == "T4_SUM"}


def test_review_run_with_one_split_is_read_without_crediting_the_group_totals():
    # "00" cannot be a cell, so the fourteen printed tokens allow exactly one cut: T4_SUM chose nothing
    rec = recognise(_doc(GLUED_V2019.replace("10203120001200000", "10 00 0 10 0 0 0 0 0 0 0 0 0 0")))
    rl = rec.cells[rec.cells.table == "review_litigation"]
    assert list(rl.value[:5]) == [10, 0, 0, 0, 10] and set(rl.kind) == {"number"}
    assert not (rec.findings.table == "review_litigation").any()
    assert not {u for u in rec.used if u[0] == "T4_SUM"}
    assert {u for u in recognise(_doc(GLUED_V2019)).used if u[0] == "T4_SUM"} == {
        ("T4_SUM", "review_litigation", g, "") for g in ("review", "litigation_direct", "litigation_after_review")}


def test_glued_proactive_row_without_identity_stays_ambiguous(glued):
    nd = glued.cells[(glued.cells.table == "proactive") & (glued.cells.row == "normative_docs")]
    assert set(nd.kind) == {"ambiguous"} and nd.value.isna().all()
    msg = glued.findings[(glued.findings.check == "READ_AMBIGUOUS") & (glued.findings.row == "normative_docs")]
    assert "89|89|89" in msg.message.iloc[0] and "8|98|989" in msg.message.iloc[0]


def test_cell_fixed_by_every_candidate_is_read(glued):
    # "2648-18538": the sign starts 本年增/减, so 上一年项目数量 is 2648 in every split
    assert _cell(glued.cells, "proactive", "admin_penalty", "prev_items").value == 2648
    assert _cell(glued.cells, "proactive", "admin_penalty", "decisions").kind == "ambiguous"
    assert _cell(glued.cells, "proactive", "admin_fees", "items_change").value == -15


@pytest.mark.parametrize(
    "name, printed, glued, table, row, cells",
    [
        # a dash for a blank total, glued after the digits: never dropped, never a 0 the report did not print
        ("pingtan-2024", "予以公开710000071", "予以公开7100000-", "requests", "granted",
         [None, None, 0, 0, 0, 0, "na"]),
        ("pingtan-2020", "行政事业性收费35-15", "行政事业性收费35-", "proactive", "admin_fees", [35, "na"]),
        # "-29" after a count: a sign (−2|9) or a dash cell then 29; no identity chooses
        ("pingtan-2020", "行政强制1262629", "行政强制126-29", "proactive", "admin_coercion", [126, None, None]),
    ],
)
def test_a_dash_glued_to_digits_is_a_cell(name, printed, glued, table, row, cells):
    text = (reports_dir() / f"{name}.txt").read_text(encoding="utf-8")
    assert text.count(printed) == 1
    got = recognise(_doc(text.replace(printed, glued)))
    read = got.cells[(got.cells.table == table) & (got.cells.row == row)]
    assert [v if k == "number" else (k if k == "na" else None) for v, k in zip(read.value, read.kind, strict=True)] == cells
    assert set(read.kind[[c is None for c in cells]]) <= {"ambiguous"}
    if None in cells:
        assert (got.findings[got.findings.row == row].check == "READ_AMBIGUOUS").any()


def test_a_text_ending_in_values_printed_apart_loses_only_its_last_value():
    """pingtan-gwh-2022 ending right after table 四, printed one value per cell (0 0 0 0 0 1 …): only the last
    value can have lost digits to a cut."""
    text = (reports_dir() / "pingtan-gwh-2022.txt").read_text(encoding="utf-8")
    whole = recognise(_doc(text)).cells
    got = recognise(_doc(text[: text.index("五、存在的主要问题")]))
    rl, before = (c[c.table == "review_litigation"] for c in (got.cells, whole))
    assert len(rl) == 15 and list(rl.kind) == ["number"] * 14 + ["ambiguous"]
    assert rl.value.tolist()[:14] == before.value.tolist()[:14]
    cut = got.findings[got.findings.check == "READ_CUT"]
    assert cut[["table", "row"]].values.tolist() == [["review_litigation", "litigation_after_review"]]


@pytest.mark.parametrize(
    ("name", "cut_after", "table", "row"),
    [
        ("pingtan-2024", "行政许可45", "proactive", "admin_license"),  # printed 行政许可4529: 45 would be a guess
        ("pingtan-2020", "审结总计0000000000", "review_litigation", None),  # table 四's 15 zeros, cut at ten
    ],
)
def test_a_row_the_text_ends_inside_is_ambiguous(name, cut_after, table, row):
    """A download cut short inside a glued run: its digits may be missing, so no cell of the row is read."""
    text = (reports_dir() / f"{name}.txt").read_text(encoding="utf-8")
    got = recognise(_doc(text[: text.index(cut_after) + len(cut_after)]))
    cells = got.cells[(got.cells.table == table) & ((got.cells.row == row) if row else True)]
    assert len(cells) > 0 and set(cells.kind) == {"ambiguous"}
    cut = got.findings[got.findings.check == "READ_CUT"]
    assert set(cut.table) == {table} and len(cut) == (1 if row else 3)
    assert not (recognise(_doc(text)).findings.check == "READ_CUT").any()


def test_vanished_blanks_are_not_left_aligned():
    text = GLUED_V2019.replace("一、本年新收政府信息公开申请数量640020470", "一、本年新收政府信息公开申请数量38 4 42")
    got = recognise(_doc(text))
    row = got.cells[(got.cells.table == "requests") & (got.cells.row == "new_received")]
    assert set(row.kind) == {"ambiguous"} and row.value.isna().all()
    hit = got.findings[(got.findings.row == "new_received") & (got.findings.check == "READ_SPACING")]
    assert "38 4 42" in hit.message.iloc[0]


@pytest.mark.parametrize(
    ("raw", "unit", "value", "kind"),
    [("", None, math.nan, "blank"), ("0", None, 0, "number"), ("-", None, math.nan, "na"),
     ("—", None, math.nan, "na"), ("−", None, math.nan, "na"), ("/", None, math.nan, "na"), ("无", None, math.nan, "na"),
     ("+2", None, 2, "number"), ("-8", None, -8, "number"), ("209万", "", 2_090_000, "number"),
     ("251000元", "", 251_000, "number"), ("24252.311082", "万元", 242_523_110.82, "number"),
     ("1,235", None, 1235, "number"), ("约三十", None, math.nan, "text")],
)
def test_values(raw, unit, value, kind):
    got, got_kind, _note = values.parse(raw, amount_unit=unit)
    assert got_kind == kind
    assert (math.isnan(got) and math.isnan(value)) or math.isclose(got, value)


def test_fold_is_one_pass():
    # full-width ［ becomes [ and stays so; a printed [ becomes ( — the commonest marks go first, yet one pass
    assert fold("［１］（二）　，：；〔三〕【四】[五]") == "[1](二) ,:;(三)(四)(五)"
    assert fold("ASCII only") == "ASCII only"
    long = "政府信息公开，" * 60  # past labels._LONG: whether any is left after the commonest is looked up at once
    assert fold(long) == "政府信息公开," * 60
    assert fold(long + "１００％【附表】𝟏") == "政府信息公开," * 60 + "100%(附表)𝟏"


@pytest.mark.parametrize(
    ("label", "key"),
    [("3、其他", "3.其他"), ("3．其他", "3.其他"), ("3. 其 他", "3.其他"), ("（三）不予公开1、属于国家秘密", "(三)不予公开1.属于国家秘密"),
     ("13、其他", "13、其他"), ("1.3、其他", "1.3、其他"), ("、其他", "、其他")],
)
def test_norm_writes_a_lone_row_number_with_a_dot(label, key):
    assert norm(label) == key


def _first_row_named(table: str, key: str) -> str | None:
    """The rule `labels.row_code` follows, written plainly: the first row of the table, in order, whose exact label
    is the key or one of whose keywords it holds, tried on the key without its notes, then on the key."""
    full = labels.PARENTS.sub("", key)
    for k in (labels.strip_notes(full), full):
        for code, keywords, exact in labels.ROWS[table] if k else ():
            if k in exact or any(word in k for word in keywords):
                return code
    return None


def test_row_codes_are_those_of_the_first_row_whose_alias_matches():
    """On every grid label of the bundled reports and on joins of the aliases (exact labels, keywords, parents,
    notes), the first matching row wins, in every table."""
    keys = {""}
    for path in sorted(RAW.glob("*.htm*")) + sorted(RAW.glob("*.txt")):
        for grid in load_document(path).grids:
            keys.update(norm("".join(cell.text for cell in row[:2])) for row in grid.rows)
    words = [w for rows in labels.ROWS.values() for _, keywords, exact in rows for w in (*keywords, *exact)]
    words += ["(三)不予公开", "三本年度办理结果", "(区分处理的,只计这一情形)", "(一)", "1.", "行政", "公开"]
    rng = random.Random(20261127)
    keys.update("".join(rng.choice(words) for _ in range(rng.randint(1, 4))) for _ in range(20_000))
    named = 0
    for table in labels.ROWS:
        for key in keys:
            code = labels.row_code(table, key)
            assert code == _first_row_named(table, key), (table, key)
            named += code is not None
    assert named > 15_000


def test_html_and_text_copies_read_to_the_same_cells():
    text = du.read_report(reports_dir() / "pingtan-hzs-2023.txt").cells.set_index(["table", "row", "column"])
    html = du.read_report(reports_dir() / "pingtan-hzs-2023-web.html").cells.set_index(["table", "row", "column"])
    both = text.join(html, how="inner", suffixes=("_txt", "_html"))
    decided = both[(both.kind_txt == "number")]
    assert len(decided) >= 197
    assert (decided.value_txt == decided.value_html).all()


def test_narrative_count_narrows_a_glued_row():
    """pingtan-2023 prints 行政规范性文件“77132470”; its narrative says 本年度制发的规范性文件77件."""
    import pandas as pd

    from disclosure_utils.sources import load_document
    from disclosure_utils.tables import narrow

    rec = recognise(load_document(reports_dir() / "pingtan-2023.txt"))
    before = {c.column: c.kind for c in rec.cell_records if c.row == "normative_docs"}
    assert set(before.values()) == {"ambiguous"}
    facts = pd.DataFrame([
        dict(metric="normative_docs_issued", value=77.0, scope="agency", approx=False,
             evidence="动态更新本年度制发的规范性文件77件"),
        # the same report says 现行有效…393件, which no split of the printed run gives: it narrows nothing
        dict(metric="normative_docs_in_force", value=393.0, scope="agency", approx=False,
             evidence="清理并集中发布现行有效行政规范性文件393件"),
    ])
    narrow(rec, facts.to_dict(orient="records"))
    after = {c.column: (c.kind, c.value) for c in rec.cell_records if c.row == "normative_docs"}
    assert after["issued"] == ("number", 77.0)
    assert after["repealed"][0] == after["in_force"][0] == "ambiguous"
    msg = [f["message"] for f in rec.finding_records if f["row"] == "normative_docs"]
    assert len(msg) == 1 and "77|132|470" in msg[0] and "制发的规范性文件77件" in msg[0]


def test_an_in_force_count_does_not_narrow_the_v2019_public_total(tmp_path):
    """v2019's 对外公开总数量 is not v2021's 现行有效件数 (templates.md §2.3): pingtan-2020 prints 规范性文件
    “7777166” (77|77|166); a sentence saying 现行有效规范性文件66件 must not pick 77|77|66… or any split."""
    path = reports_dir() / "pingtan-2020.txt"
    text = path.read_text(encoding="utf-8")
    anchor = "（3）推进行政法规规章规范性文件专项清理工作。"
    assert text.count(anchor) == 1
    (mutant := tmp_path / "pingtan-2020.txt").write_text(
        text.replace(anchor, anchor + "清理后现行有效规范性文件66件。"), encoding="utf-8"
    )
    report, original = du.read_report(mutant), du.read_report(path)
    assert "normative_docs_in_force" in set(report.narrative.metric)

    def row(r):
        return r.cells[r.cells.row == "normative_docs"][["column", "kind", "raw"]].values.tolist()

    assert row(report) == row(original)
    assert not ((report.findings.check == "NARR") & (report.findings.row == "normative_docs")).any()


def test_spaced_values_fewer_than_cells_are_ambiguous():
    """“规范性文件 6  11”: the 本年新公开数量 cell may have vanished; 6|1|1 would be a guess."""
    text = GLUED_V2019.replace("规范性文件898989", "规范性文件 6  11 ")
    got = recognise(_doc(text))
    nd = got.cells[(got.cells.table == "proactive") & (got.cells.row == "normative_docs")]
    assert set(nd.kind) == {"ambiguous"}
    assert (got.findings[got.findings.row == "normative_docs"].check == "READ_SPACING").any()


def _edited(tmp_path, name: str, *edits: tuple[str, str]) -> du.Report:
    """NAME's real report read with each (printed, new) of `edits` applied (each printed once)."""
    text = (reports_dir() / f"{name}.txt").read_text(encoding="utf-8")
    for printed, new in edits:
        assert text.count(printed) == 1
        text = text.replace(printed, new)
    path = tmp_path / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    return du.read_report(path)


def test_a_space_inside_a_glued_number_is_closed_when_the_column_identities_choose(tmp_path):
    """Whitespace in a glued run is a cell boundary, yet a stray space inside 27 leaves 2|7|0|0|20|1|30 satisfying
    T3_ROWSUM, as 27|0|0|2|0|1|30 does with the gap closed: both are candidates, and T3_DISP and T3_COL choose."""
    report = _edited(tmp_path, "pingtan-2021", ("予以公开270020130", "予以公开2 70020130"))
    original = du.read_report(reports_dir() / "pingtan-2021.txt")
    assert report.cells[["kind", "raw"]].equals(original.cells[["kind", "raw"]])
    hit = report.findings[(report.findings.check == "READ_RESOLVED") & (report.findings.row == "granted")]
    assert "'2 70020130' split as 27|0|0|2|0|1|30, the only split satisfying T3_ROWSUM, T3_DISP" in hit.message.iloc[0]


def test_a_space_inside_table_four_run_leaves_the_cells_it_decides_ambiguous(tmp_path):
    """Table 四's run with a stray space inside 25: no split honouring the space satisfies the group totals, and every
    one reads 2 as 复议 结果维持. With the gap closed, 25|3|8|0|36 … does: the review group is ambiguous, 2 not read."""
    report = _edited(tmp_path, "pingtan-2025", ("总计25380363300630003", "总计2 5380363300630003"))
    assert_read_as_printed(report.cells, "pingtan-2025")
    review = report.cells[(report.cells.table == "review_litigation") & (report.cells.row == "review")]
    assert set(review.kind) == {"ambiguous"}
    hit = report.findings[(report.findings.check == "READ_AMBIGUOUS") & (report.findings.row == "review")]
    assert "a space between digits as inside a number" in hit.message.iloc[0]


def test_a_space_inside_table_four_run_that_does_not_add_up_leaves_the_cells_it_decides_ambiguous(tmp_path):
    """复议 total printed 37 (the report's own error) and a stray space inside 25: no split adds up either way, so every
    split is a reading; 2 as 结果维持 is in every split honouring the space, but not with the gap closed."""
    report = _edited(tmp_path, "pingtan-2025", ("总计25380363300630003", "总计2 5380373300630003"))
    review = report.cells[(report.cells.table == "review_litigation") & (report.cells.row == "review")]
    assert review.set_index("column").kind["upheld"] == "ambiguous"
    assert_read_as_printed(report.cells[report.cells.row != "review"], "pingtan-2025")


def test_a_row_whose_closed_gap_splits_too_many_ways_is_ambiguous():
    """44388 21298210128014607 (82 printed 8 2): with the space as a boundary one split satisfies T3_ROWSUM; with it
    closed the 22 digits split too many ways to list, so that split is not known to be the only one."""
    text = (reports_dir() / "pingtan-2021.txt").read_text(encoding="utf-8")
    got = recognise(_doc(text.replace("予以公开270020130", "予以公开44388 21298210128014607")))
    assert set(got.cells[got.cells.row == "granted"].kind) == {"ambiguous"}
    hit = got.findings[(got.findings.check == "READ_AMBIGUOUS") & (got.findings.row == "granted")]
    assert "too many ways to list with a space between digits read as inside a number" in hit.message.iloc[0]


def test_a_space_inside_a_labelled_table_four_row_leaves_the_cells_it_decides_ambiguous():
    """行政复议 printed 1 813022 for 18|1|3|0|22: 1|8|13|0|22 is the only split of the spaced digits adding up, and
    18|1|3|0|22 adds up with the gap closed."""
    grid = Grid((_grid_row("申请人情况", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"),
                 _grid_row("一、本年新收政府信息公开申请数量", "1", "0", "0", "0", "0", "0", "1"),
                 _grid_row("", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计"),
                 _grid_row("行政复议", "1 813022"),
                 _grid_row("行政诉讼（未经复议直接起诉）", "0", "1", "0", "0", "1"),
                 _grid_row("行政诉讼（复议后起诉）", "0", "0", "0", "2", "2")), "table 1")  # fmt: skip
    got = recognise(Document("grid.html", "html", [grid]))
    review = got.cells[got.cells.row == "review"].set_index("column")
    assert list(review.kind == "ambiguous") == [True, True, True, False, False]
    assert list(review.value[["pending", "total"]]) == [0, 22]
    hit = got.findings[(got.findings.check == "READ_AMBIGUOUS") & (got.findings.row == "review")]
    assert "1|8|13|0|22; 18|1|3|0|22" in hit.message.iloc[0] and "inside a number" in hit.message.iloc[0]


@pytest.mark.parametrize("comma", [",", "，"])
def test_thousands_separators_in_a_glued_run_are_read_with_their_numbers(tmp_path, comma):
    """pingtan-2021 with 1,064 applications: the commas had made token boundaries, so 1 was read, as certain, for the
    natural-person cell of 1,064|0|0|2|0|4|1,070 (and its other cells ambiguous). A comma between digits is a
    boundary or a thousands separator; here only the latter satisfies T3_ROWSUM."""
    edits = (("申请数量640020470", "申请数量1,064002041,070"), ("予以公开270020130", "予以公开1,027002011,030"),
             ("（七）总计630020469", "（七）总计1,063002041,069"))  # fmt: skip
    report = _edited(tmp_path, "pingtan-2021", *((printed, new.replace(",", comma)) for printed, new in edits))
    rows = ["new_received", "granted", "disposition_total"]
    got = report.cells[report.cells.row.isin(rows)].set_index("row")
    assert got.loc["new_received"].value.tolist() == [1064, 0, 0, 2, 0, 4, 1070]
    assert got.loc["granted"].value.tolist() == [1027, 0, 0, 2, 0, 1, 1030]
    assert got.loc["disposition_total"].raw.tolist() == ["1,063", "0", "0", "2", "0", "4", "1,069"]
    assert set(got.kind) == {"number"}
    resolved = report.findings[(report.findings.check == "READ_RESOLVED") & report.findings.row.isin(rows)]
    assert len(resolved) == 3 and "split as 1,064|0|0|2|0|4|1,070, the only split" in resolved.message.iloc[0]
    assert_read_as_printed(report.cells[~report.cells.row.isin(rows)], "pingtan-2021")


def test_a_comma_between_digits_is_a_boundary_or_a_thousands_separator():
    """Both readings are splits; neither crosses a comma but by groups of three; identities choose between them, and
    cells they leave open are ambiguous."""
    assert split.candidates(split.tokens("64,0,0,2,0,4,70"), ["int"] * 7) == [("64", "0", "0", "2", "0", "4", "70")]
    assert split.candidates(split.tokens("1,0000"), ["int"] * 2) == [("1,000", "0")]
    assert split.candidates(split.tokens("12,34"), ["int"] * 2) == [("12", "34")]
    assert ("1,200", "3") in split.candidates(split.tokens("1,2003"), ["int"] * 2)
    text = (reports_dir() / "pingtan-2021.txt").read_text(encoding="utf-8")
    got = recognise(_doc(text.replace("予以公开270020130", "予以公开210001,010131,116")))
    granted = got.cells[got.cells.row == "granted"].set_index("column")  # 2|100|0|1,010|1|3 or 2|100|0|1|0|1013
    assert granted.kind.tolist() == ["number"] * 3 + ["ambiguous"] * 3 + ["number"]
    assert granted.raw.total == "1,116"
    hit = got.findings[(got.findings.check == "READ_AMBIGUOUS") & (got.findings.row == "granted")]
    assert "2|100|0|1|0|1013|1,116; 2|100|0|1,010|1|3|1,116" in hit.message.iloc[0]


@pytest.mark.parametrize("comma", [",", "，"])
def test_table_four_run_with_thousands_separators_is_read_whole(tmp_path, comma):
    """Table 四's run was cut at its first comma: 1020312000120001 was read, its last group 0|0|0|0|1 as certain."""
    report = _edited(tmp_path, "pingtan-2021", ("10203120001200000", f"1020312000120001{comma}0001{comma}000"))
    got = report.cells[report.cells.table == "review_litigation"]
    assert got.value.tolist() == [1, 0, 2, 0, 3, 12, 0, 0, 0, 12, 0, 0, 0, 1000, 1000] and set(got.kind) == {"number"}
    assert_read_as_printed(report.cells[report.cells.table != "review_litigation"], "pingtan-2021")


def test_a_space_after_a_comma_may_stand_inside_a_number(tmp_path):
    """2,0 001020012,013: the gap follows a zero, yet 2,000 may cross it. Read with the space as a boundary, 2|0|0|0|10|
    2001|2,013 is the only split satisfying T3_ROWSUM; with the gap closed 2,000|10|2|0|0|1|2,013 is a candidate too,
    and the column identities choose it."""
    report = _edited(tmp_path, "pingtan-2021", ("申请数量640020470", "申请数量2,0371020042,053"),
                     ("（七）总计630020469", "（七）总计2,0361020042,052"), ("予以公开270020130", "予以公开2,0 001020012,013"))
    granted = report.cells[report.cells.row == "granted"]
    assert granted.value.tolist() == [2000, 10, 2, 0, 0, 1, 2013] and set(granted.kind) == {"number"}
    hit = report.findings[(report.findings.check == "READ_RESOLVED") & (report.findings.row == "granted")]
    assert "split as 2,000|10|2|0|0|1|2,013, the only split satisfying T3_ROWSUM, T3_DISP and T3_COL" in hit.message.iloc[0]


def test_values_printed_apart_are_counted_apart_at_a_comma_that_separates_no_thousands(tmp_path):
    """27,0 0 2 0 1 31 prints seven values (27,0 is no number): no blank can have vanished, so the row is read as
    printed, not left ambiguous for fewer values than cells; T3_ROWSUM reports that it does not add up."""
    report = _edited(tmp_path, "pingtan-2021", ("予以公开270020130", "予以公开27,0 0 2 0 1 31"))
    granted = report.cells[report.cells.row == "granted"]
    assert granted.value.tolist() == [27, 0, 0, 2, 0, 1, 31] and set(granted.kind) == {"number"}
    assert report.findings[report.findings.row == "granted"].check.tolist() == ["T3_ROWSUM"]
    report = _edited(tmp_path, "pingtan-2021", ("予以公开270020130", "予以公开1,064 0 2 0 1 1,067"))  # six: one vanished?
    assert set(report.cells[report.cells.row == "granted"].kind) == {"ambiguous"}
    assert (report.findings[report.findings.row == "granted"].check == "READ_SPACING").any()


def test_a_grid_cell_holding_two_values_parted_by_a_comma_holds_several():
    """Shanghai's 予以公开 row with 258 and 12 printed in one cell as 258,12 (12's own cell left blank): not one value,
    so the row is not read by position (12 would have been read blank)."""

    def merge(row):
        if [c.text for c in row[1:4]] == ["（一）予以公开", "258", "12"]:
            return [(*row[:2], row[2]._replace(text="258,12"), row[3]._replace(text=""), *row[4:])]
        return [row]

    got = recognise(_shanghai_with_requests_rows(merge))
    assert set(got.cells[got.cells.row == "granted"].kind) == {"ambiguous"}
    (message,) = got.findings[(got.findings.check == "READ_SHAPE") & (got.findings.row == "granted")].message
    assert message.startswith("a cell of the row holds several values (258,12 |  |  |")


def test_grid_cells_joined_for_splitting_keep_their_boundary():
    """A grid row whose second value cell holds six values: the boundary between the two printed cells is certain,
    not a space that may stand inside a number (10 after the 1 would be 110 with it closed)."""
    grid = Grid((_grid_row("申请人情况", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"),
                 _grid_row("一、本年新收政府信息公开申请数量", "1", "10 0 0 0 011")), "table 1")  # fmt: skip
    got = recognise(Document("grid.html", "html", [grid]))
    row = got.cells[got.cells.row == "new_received"]
    assert list(row.value) == [1, 10, 0, 0, 0, 0, 11] and set(row.kind) == {"number"}


def test_a_row_printing_every_cell_apart_is_read_as_printed():
    """27 0 0 2 0 1 30 with the gap 2 0 closed, cut as 2|7|0|0|20|1|30, satisfies T3_ROWSUM too; but a stray space in
    a row printing every cell apart would make a token too many, so the row is read as printed. So is one that does
    not add up (2 7 0 0 2 0 130): the checks report it."""
    text = (reports_dir() / "pingtan-2021.txt").read_text(encoding="utf-8")
    for printed, want in (("27 0 0 2 0 1 30", [27, 0, 0, 2, 0, 1, 30]), ("2 7 0 0 2 0 130", [2, 7, 0, 0, 2, 0, 130])):
        got = recognise(_doc(text.replace("予以公开270020130", f"予以公开{printed}")))
        granted = got.cells[got.cells.row == "granted"]
        assert list(granted.value) == want and set(granted.kind) == {"number"}


def test_units_in_count_columns_are_not_counts():
    assert values.parse("3亿")[1] == "text" and values.parse("10万")[1] == "text"
    assert values.parse("10万", amount_unit="")[0] == 100_000


def test_two_numbers_in_one_cell_are_not_merged():
    assert values.parse("1 0")[1] == "text"
    assert values.parse("1 0")[0] != 10


def test_columns_printed_in_another_order_are_not_read_by_position():
    got = recognise(_doc(GLUED_V2019.replace("商业企业科研机构", "科研机构商业企业")))
    assert set(got.cells[got.cells.table == "requests"].kind) == {"ambiguous"}
    assert (got.findings.check == "READ_HEADER").sum() == 1
    assert not (recognise(_doc(GLUED_V2019)).findings.check == "READ_HEADER").any()


def test_a_table_with_misordered_headers_is_not_read_by_position_even_by_the_narrative(tmp_path):
    """pingtan-gwh-2022 with 本年废止件数 printed before 本年制发件数: every table-二 cell stays ambiguous,
    including the glued normative_docs row its narrative (规范性文件34件) could otherwise narrow."""
    text = (reports_dir() / "pingtan-gwh-2022.txt").read_text(encoding="utf-8")
    assert text.count("本年制发件数 本年废止件数") == 1
    (mutant := tmp_path / "gwh.txt").write_text(
        text.replace("本年制发件数 本年废止件数", "本年废止件数 本年制发件数"), encoding="utf-8"
    )
    report = du.read_report(mutant)
    assert (report.findings.check == "READ_HEADER").sum() == 1
    proactive = report.cells[report.cells.table == "proactive"]
    assert len(proactive) > 0 and set(proactive.kind) == {"ambiguous"}
    assert not any(u[1] == "proactive" for u in report.used)


def test_grid_cell_with_two_numbers_beside_a_blank_is_not_rejoined():
    """A cell printing '1 0' next to a blank cell: joining the row would let the blank vanish."""
    grid = Grid((_grid_row("申请人情况", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"),
                 _grid_row("一、本年新收政府信息公开申请数量", "1 0", "", "2", "0", "1", "1", "5")), "table 1")
    got = recognise(Document("grid.html", "html", [grid]))
    new = got.cells[got.cells.row == "new_received"]
    assert set(new.kind) == {"ambiguous"}
    assert (got.findings.check == "READ_SHAPE").any()


def test_review_table_printed_as_three_labelled_rows():
    grid = Grid((_grid_row("申请人情况", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"),
                 _grid_row("一、本年新收政府信息公开申请数量", "1", "0", "0", "0", "0", "0", "1"),
                 _grid_row("", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计"),
                 _grid_row("行政复议", "1", "0", "0", "0", "1"),
                 _grid_row("行政诉讼（未经复议直接起诉）", "0", "1", "0", "0", "1"),
                 _grid_row("行政诉讼（复议后起诉）", "0", "0", "0", "2", "2")), "table 1")
    got = recognise(Document("grid.html", "html", [grid])).cells
    rl = got[got.table == "review_litigation"].set_index(["row", "column"]).value
    assert rl["review", "upheld"] == 1 and rl["litigation_direct", "corrected"] == 1
    assert rl["litigation_after_review", "pending"] == 2 and len(rl) == 15


def test_v2021_fee_header_printed_in_yuan_is_read_in_yuan():
    def fee(header):
        grid = Grid(
            (_grid_row("第二十条第（八）项"), _grid_row("信息内容", header), _grid_row("行政事业性收费", "125000")),
            "table 1",
        )
        cells = recognise(Document("fee.html", "html", [grid])).cells
        return cells[cells.column == "amount_yuan"].value.iloc[0]

    assert fee("本年收费金额（单位：元）") == 125_000
    assert fee("本年收费金额（单位：万元）") == 1_250_000_000


@pytest.mark.parametrize(("printed", "yuan"), [("1,209,500元", 1_209_500), ("1,209.5万元", 12_095_000)])
def test_an_amount_with_thousands_separators_in_a_grid_cell_is_one_value(printed, yuan):
    """Its commas made three value tokens, and the row was taken for cells holding several values."""
    grid = Grid((*_PROCUREMENT_HEADER, _grid_row("政府集中采购", "10", printed)), "table 1")
    got = recognise(Document("amount.html", "html", [grid]))
    cells = got.cells[got.cells.row == "central_procurement"]
    assert cells[["column", "value", "kind"]].values.tolist() == [["projects", 10, "number"],
                                                                  ["amount_yuan", yuan, "number"]]
    assert not (got.findings.row == "central_procurement").any()


def test_read_shape_names_a_cell_holding_two_values_whatever_blanks_trail_the_row():
    grid = Grid((*_PROCUREMENT_HEADER, _grid_row("政府集中采购", "10 2", "5万元", "")), "table 1")
    got = recognise(Document("shape.html", "html", [grid]))
    (message,) = got.findings[got.findings.check == "READ_SHAPE"].message
    assert message == "a cell of the row holds several values (10 2 | 5万元 | ); marked ambiguous"


def _shanghai_with_requests_rows(edit) -> Document:
    """Shanghai's HTML report with each row of its table-三 grid replaced by the rows `edit(row)` gives."""
    doc = load_document(reports_dir() / "shanghai-gov-office-2019.html")
    blocks = [
        Grid(tuple(new for row in block.rows for new in edit(row)), block.source)
        if isinstance(block, Grid) and any("申请人情况" in c.text for row in block.rows for c in row)
        else block
        for block in doc.blocks
    ]
    return Document(doc.path, doc.format, blocks, doc.title)


def test_a_table_with_a_column_too_many_is_not_read_by_position_after_blank_cells_are_dropped():
    """Shanghai's table 三 with an empty cell after the first value of each row that prints one, as a PDF header cut
    in two prints it: rows with a printed 总计 show the column too many; rows ending in a blank (（一）予以公开)
    would, with that blank dropped, put 12 under 科研机构 and 1 under 总计. The rows with the extra cell are
    ambiguous; the others, with all seven cells, are read as printed."""
    widened = set()

    def widen(row):
        if len(row) > 7 and values.clean(row[-7].text) and values.is_value_text(row[-7].text):
            widened.add(labels.row_code("requests", norm(row[-8].text)))
            return [(*row[:-6], Cell("", "inserted"), *row[-6:])]
        return [row]

    got = recognise(_shanghai_with_requests_rows(widen))
    cells = got.cells[got.cells.table == "requests"].set_index(["row", "column"])
    printed = {(c["row"], c["column"]): c["value"] for c in expected("shanghai-gov-office-2019")["cells"]
               if c["table"] == "requests"}  # fmt: skip
    assert len(cells) == len(printed) == 161 and {"granted", "new_received"} < widened
    ambiguous = cells.kind == "ambiguous"
    assert set(cells[ambiguous].index.get_level_values("row")) == widened
    assert (~ambiguous).sum() == 161 - 7 * len(widened) > 0
    assert_read_as_printed(got.cells[got.cells.table == "requests"], "shanghai-gov-office-2019")


@pytest.mark.parametrize("rows", ["one", "all"])
def test_an_empty_cell_past_a_rows_columns_is_spare_only_when_most_rows_have_one(rows):
    """Shanghai's table 三 (总计 mostly left blank) with an empty <td> slipped into （一）予以公开 after its 258: the row
    ends in a blank, and with that blank dropped 258 was read under 商业企业, 12 under 科研机构 and 1 under 总计,
    with no reading finding. Only that row has the cell, which may stand anywhere in it: the row is ambiguous. An empty cell
    every row ends in is a column of the page's layout: dropped, and every row is read as printed."""

    def widen(row):
        if rows == "all":
            return [(*row, Cell("", "appended"))] if len(row) > 7 else [row]
        if len(row) > 7 and row[-7].text == "258":
            return [(*row[:-6], Cell("", "inserted"), *row[-6:])]
        return [row]

    got = recognise(_shanghai_with_requests_rows(widen))
    cells = got.cells[got.cells.table == "requests"].set_index(["row", "column"])
    printed = {(c["row"], c["column"]): c["value"] for c in expected("shanghai-gov-office-2019")["cells"]
               if c["table"] == "requests"}  # fmt: skip
    ambiguous = cells.kind == "ambiguous"
    assert set(cells[ambiguous].index.get_level_values("row")) == ({"granted"} if rows == "one" else set())
    assert len(cells) == len(printed) == 161 and (~ambiguous).sum() == (154 if rows == "one" else 161)
    assert_read_as_printed(got.cells[got.cells.table == "requests"], "shanghai-gov-office-2019")
    if rows == "one":
        (message,) = got.findings[(got.findings.check == "READ_SHAPE") & (got.findings.row == "granted")].message
        assert message.startswith("row has 8 value cells (258 |  | 12 |  |  | 1 | 1 | ) where the v2019 table has 7")


def test_an_empty_cell_every_row_of_table_2_ends_in_is_spare(tmp_path):
    """pingtan-nyn-2023's page with an empty <td> at the end of every row: table 二's rows have one or three
    columns, so its rows are of different widths, but each runs one cell past its own: the empty cells are a column
    of the layout, and tables 二 and 三 read as before. (Table 四's one row of values then has 16 cells, and which is
    not its own is not told: it is not read.)"""
    page = (RAW / "pingtan-nyn-2023-web.html").read_text(encoding="utf-8")
    assert page.count("</tr>") > 40
    (path := tmp_path / "nyn.html").write_text(page.replace("</tr>", "<td></td></tr>"), encoding="utf-8")
    cells, before = du.read_report(path).cells, du.read_report(RAW / "pingtan-nyn-2023-web.html").cells
    cells, before = (c[c.table != "review_litigation"].reset_index(drop=True) for c in (cells, before))
    assert len(cells) == len(before) == 185 and (cells.kind != "ambiguous").all()
    shown = ["table", "row", "column", "kind", "value"]
    assert cells[shown].equals(before[shown])


def test_padding_within_the_table_is_no_column_of_empty_cells():
    """nyn-2023's table 二 on a four-column grid without spans, its one-column rows padded (行政许可 | 782 |  | ), and
    行政规范性文件 printed 4 | 9 |  (现行有效件数 left blank) with an empty cell slipped in after its 4: 4 |  | 9 | ,
    which, cut back to three cells, read 4 | blank | 9 without a word. The padded rows run past their one column within
    the table's width: they show no column of empty cells, so the row with the cell too many is ambiguous."""
    doc = load_document(RAW / "pingtan-nyn-2023-web.html")

    def edit(row: tuple[Cell, ...]) -> tuple[Cell, ...]:
        texts = [c.text for c in row]
        if len(row) == 2 and values.is_value_text(texts[1]) and texts[1]:
            return (row[0], row[1]._replace(colspan=1), Cell("", "pad"), Cell("", "pad"))
        if texts[0] == "行政规范性文件":
            return (row[0], row[1], Cell("", "slipped in"), row[2], Cell("", "last"))
        return row

    doc.blocks = [Grid(tuple(map(edit, b.rows)), b.source) if isinstance(b, Grid) else b for b in doc.blocks]
    got = recognise(doc)
    cells = got.cells[got.cells.table == "proactive"].set_index(["row", "column"])
    assert set(cells.kind["normative_docs"]) == {"ambiguous"}
    (message,) = got.findings[(got.findings.check == "READ_SHAPE") & (got.findings.row == "normative_docs")].message
    assert message.startswith("row has 4 value cells (4 |  | 9 | ) where the v2021 table has 3")
    assert cells.value["admin_license", "decisions"] == 782 and cells.value["rules", "issued"] == 0


def test_a_mark_in_a_column_a_table_2_row_does_not_have_leaves_the_other_rows_read(tmp_path):
    """pingtan-zrz-2020's table 二 printed on a three-column grid: 行政事业性收费 prints "/" in a third column it
    does not have, 政府集中采购 a blank there. Table 二's widest rows have three columns, so the "/" shows no column
    too many: the procurement row's blank is spare and its cells are read."""
    page = (reports_dir() / "pingtan-zrz-2020-web.html").read_text(encoding="utf-8")
    fee = '<td><p>0</p></td><td colspan="2"><p>0</p></td></tr>'
    procurement = '<td><p>19</p></td><td colspan="2"><p>1690.9913万元</p></td></tr>'
    assert page.count(fee) == page.count(procurement) == 1
    page = page.replace(fee, "<td><p>0</p></td><td><p>0</p></td><td><p>/</p></td></tr>").replace(
        procurement, "<td><p>19</p></td><td><p>1690.9913万元</p></td><td><p></p></td></tr>"
    )
    (path := tmp_path / "zrz.html").write_text(page, encoding="utf-8")
    cells = du.read_report(path).cells.set_index(["row", "column"])
    assert (cells.kind["central_procurement", "projects"], cells.value["central_procurement", "projects"]) == (
        "number", 19)
    assert cells.value["central_procurement", "amount_yuan"] == 16_909_913
    assert set(cells.loc["admin_fees"].kind) == {"ambiguous"}  # "/" in a column the row does not have


def test_values_printed_without_a_row_label_leave_the_rows_printing_none_ambiguous():
    """Shanghai's table 三 with the values of 5.属于三类内部事务信息 on a row of their own, as a PDF line of digits
    parted from its label reads: the labelled row prints nothing, and was read as blank without a word."""

    def part(row):
        if row[0].text == "5.属于三类内部事务信息":
            return [(row[0], *(Cell("", c.source) for c in row[1:])), row[1:]]
        return [row]

    got = recognise(_shanghai_with_requests_rows(part))
    cells = got.cells[got.cells.table == "requests"].set_index(["row", "column"])
    (message,) = got.findings[got.findings.check == "READ_UNLABELLED"].message
    assert message.startswith("values '5 |  |  |  |  |  | ' (table 2 row 12 cell 2) are printed without a row label")
    empty = {"denied_internal_affairs", "denied_law_prohibited", "denied_security_stability", "denied_third_party",
             "denied_enforcement_file", "not_processed_publication", "not_processed_excessive",
             "not_processed_confirm", "other_disposition"}  # fmt: skip
    assert set(cells[cells.kind == "ambiguous"].index.get_level_values("row")) == empty
    assert cells.value["denied_process_info", "org_commercial"] == 1  # the rows printing values are read


@pytest.mark.parametrize("values_after", [True, False], ids=["values-after-the-grid", "values-in-the-grid"])
def test_a_grid_between_a_rows_label_and_its_values_leaves_the_row_ambiguous(values_after):
    """Pingtan 2022's glued text with a grid of digits just after 一、本年新收政府信息公开申请数量, as a PDF whose
    row of digits parted from its label reads: what the text prints after the grid (713000074, or nothing before
    the next label) may be another's, so the row is not read; every other row is."""
    doc = load_document(RAW / "pingtan-2022.txt")
    label = "一、本年新收政府信息公开申请数量 "
    (i,) = [k for k, p in enumerate(doc.paragraphs) if label in p.text]
    paragraph = doc.paragraphs[i]
    head, tail = paragraph.text.split(label)
    tail = tail if values_after else tail.removeprefix("713000074")
    grid = Grid((_grid_row("71", "3", "0", "0", "0", "0", "74"),), "page 2 box 1,2,3,4")
    at = doc.blocks.index(paragraph)
    doc.blocks[at : at + 1] = [Paragraph(head + label, paragraph.source), grid, Paragraph(tail, paragraph.source)]
    got = recognise(doc)
    cells = got.cells[got.cells.table == "requests"]
    assert set(cells[cells.kind == "ambiguous"].row) == {"new_received"}
    (message,) = got.findings[got.findings.check == "READ_DISPLACED"].message
    printed = "its values '713000074'" if values_after else "the next label"
    assert message == (f"a grid printing digits (page 2 box 1,2,3,4) stands between the row's label and {printed}: "
                       "its values may be in it; marked ambiguous")
    cells = cells[cells.row != "new_received"].set_index(["row", "column"])
    assert cells.value["disposition_total", "total"] == 75 and cells.value["granted", "natural_person"] == 21


@pytest.mark.parametrize("where", ["among", "after"])
def test_a_grid_among_or_after_a_rows_values_leaves_the_row_ambiguous(where):
    """Pingtan 2022's glued text with 行政规范性文件's run 8855698 cut by a grid printing 5698 (as a PDF whose digits
    parted from the line reads), its text 885 then the next label, or 88, then 55 after the grid: the row was cut
    into 8 | 8 | 5 or 8 | 8 | 55 without a word. A grid printing digits among a row's values or between them and the
    next label may hold a part of them: the row is not read; every other is. The text after the grid starts with a
    space, which a run of values takes in: the grid is looked for from the run's last value."""
    doc = load_document(RAW / "pingtan-2022.txt")
    run = "行政规范性文件8855698"
    (paragraph,) = [p for p in doc.paragraphs if run in p.text]
    head, tail = paragraph.text.split(run)
    before, after = ("885", " " + tail) if where == "after" else ("88", " 55" + tail)
    at = doc.blocks.index(paragraph)
    doc.blocks[at : at + 1] = [Paragraph(head + "行政规范性文件" + before, paragraph.source),
                               Grid((_grid_row("5698"),), "page 1 box 1,2,3,4"), Paragraph(after, paragraph.source)]
    got = recognise(doc)
    cells = got.cells[got.cells.table == "proactive"].set_index(["row", "column"])
    assert set(cells.kind["normative_docs"]) == {"ambiguous"}
    (message,) = got.findings[got.findings.check == "READ_DISPLACED"].message
    place = "between the row's values '885' and the next label" if where == "after" else "among the row's values"
    assert message.startswith(f"a grid printing digits (page 1 box 1,2,3,4) stands {place}")
    assert message.endswith(": a part of them may be in it; marked ambiguous")
    assert (cells.kind.drop("normative_docs", level="row") == "number").all()
    assert cells.value["admin_license", "decisions"] == 10690


def test_a_grid_after_a_tables_last_row_read_from_text_is_no_doubt():
    """Pingtan nyn-2023's HTML page with table 二's grids printed as text, as a PDF whose table 二 has no rules (and
    whose table 三 is ruled) is read: table 三's grid follows table 二's last row before table 四's heading, where
    the text part of table 二 ends. It is no sign that the last row's values are in it: table 二 reads as before."""
    doc = load_document(RAW / "pingtan-nyn-2023-web.html")
    before = recognise(doc).cells
    proactive = [b for b in doc.grids if any("第二十条" in c.text for row in b.rows for c in row)]
    assert proactive
    doc.blocks = [Paragraph(block_text(b), b.source) if b in proactive else b for b in doc.blocks]
    got = recognise(doc)
    assert not (got.findings.check == "READ_DISPLACED").any()
    table2 = ["row", "column", "kind", "value"]
    assert got.cells[got.cells.table == "proactive"][table2].reset_index(drop=True).equals(
        before[before.table == "proactive"][table2].reset_index(drop=True))


@pytest.mark.parametrize("grid_cells", [("16.36",), ("16.36", "万元"), ("本年收费金额（单位：万元）", "16.36"), ("16.36", "第5页")])
def test_a_grid_of_digits_after_a_tables_last_row_read_from_text_leaves_it_ambiguous(grid_cells):
    """Pingtan 2022's glued text with the fee 9116.36 (table 二's last row) cut after 91 by a grid printing 16.36 (a
    PDF whose digits parted from the line), alone or with a unit, a header or a page number: 91 was read without a
    word. A grid printing digits between the last row's values and the end of the table's text may hold a part of
    them, unless its labels name another table's rows and none of this table's."""
    doc = load_document(RAW / "pingtan-2022.txt")
    run = "行政事业性收费9116.36"
    (paragraph,) = [p for p in doc.paragraphs if run in p.text]
    head, tail = paragraph.text.split(run)
    at = doc.blocks.index(paragraph)
    doc.blocks[at : at + 1] = [Paragraph(head + "行政事业性收费91", paragraph.source),
                               Grid((_grid_row(*grid_cells),), "page 1 box 5,6,7,8"), Paragraph(" " + tail, paragraph.source)]
    got = recognise(doc)
    cells = got.cells[got.cells.table == "proactive"].set_index(["row", "column"])
    assert cells.kind["admin_fees", "amount_yuan"] == "ambiguous"
    (message,) = got.findings[got.findings.check == "READ_DISPLACED"].message
    assert message == ("a grid printing digits (page 1 box 5,6,7,8) stands between the row's values '91' and the "
                       "end of the table's text: a part of them may be in it; marked ambiguous")


def test_a_blank_last_row_read_from_text_before_another_tables_grid_is_ambiguous():
    """nyn-2023's page with table 二 printed as text, its fee left blank (行政事业性收费 printing nothing), and a page
    footer 第5页 after table 三's grid: the 5 was read as the fee (5 万元) without a word. Another table's grid is
    passed over only after a row's values; a run found past a grid may be anything."""
    doc = load_document(RAW / "pingtan-nyn-2023-web.html")
    proactive = [b for b in doc.grids if any("第二十条" in c.text for row in b.rows for c in row)]
    blocks = []
    for b in doc.blocks:
        if b in proactive:
            blocks.append(Paragraph(block_text(b).replace("行政事业性收费 0", "行政事业性收费"), b.source))
        else:
            blocks.append(b)
        if isinstance(b, Grid) and any("申请人情况" in c.text for row in b.rows for c in row):
            blocks.append(Paragraph("第5页", "footer"))
    doc.blocks = blocks
    got = recognise(doc)
    cells = got.cells[got.cells.table == "proactive"].set_index(["row", "column"])
    assert cells.kind["admin_fees", "amount_yuan"] == "ambiguous"
    (message,) = got.findings[got.findings.check == "READ_DISPLACED"].message
    assert message.startswith("a grid printing digits (") and "stands between the row's label and its values '5'" in message


@pytest.mark.parametrize("where", ["before", "among", "after"])
def test_a_grid_beside_table_4s_run_leaves_the_table_ambiguous(where):
    """Pingtan 2022's glued text with a grid printing digits between table 四's header and its run
    0 1 1 0 2 1 0 0 0 1 0 0 0 0 0, among its values (after the seventh), or between the run and section 五 (as a PDF
    whose digits parted from the line reads): the 15 values were read without a word. They, or a part of them, may
    be in the grid: all three groups are ambiguous; tables 二 and 三 are read."""
    doc = load_document(RAW / "pingtan-2022.txt")
    run = "0 1 1 0 2 1 0 0 0 1 0 0 0 0 0"
    (paragraph,) = [p for p in doc.paragraphs if run in p.text]
    head, tail = paragraph.text.split(run)
    cut = {"before": 0, "among": len("0 1 1 0 2 1 0"), "after": len(run)}[where]
    grid = Grid((_grid_row("0", "1", "1", "0", "2"),), "page 3 box 1,2,3,4")
    at = doc.blocks.index(paragraph)
    before = recognise(doc).cells
    doc.blocks[at : at + 1] = [Paragraph(head + run[:cut], paragraph.source), grid,
                               Paragraph(run[cut:] + tail, paragraph.source)]
    got = recognise(doc)
    cells = got.cells
    assert (before[before.table == "review_litigation"].kind == "number").sum() == 15
    assert (cells[cells.table == "review_litigation"].kind == "ambiguous").sum() == 15
    others = ["table", "row", "column", "kind", "raw"]
    assert cells[cells.table != "review_litigation"][others].equals(before[before.table != "review_litigation"][others])
    found = got.findings[got.findings.check == "READ_DISPLACED"]
    assert list(found.row) == ["review", "litigation_direct", "litigation_after_review"]
    place = {"before": f"between table 四's header and its values '{run}'", "among": "among table 四's values",
             "after": f"between table 四's values '{run}' and what follows the table"}[where]
    assert found.message.iloc[0].startswith(f"a grid printing digits (page 3 box 1,2,3,4) stands {place}")


@pytest.mark.parametrize(
    ("printed", "doubt"),
    [("2113 0第二十条第（八）项", True), ("2113 0第20条第（8）项", True), ("2113行正强制0第二十条第（八）项", False)],
    ids=["label-lost", "label-lost-caption-in-digits", "label-misspelt"],
)
def test_a_row_whose_next_rows_label_is_lost_is_ambiguous(tmp_path, printed, doubt):
    """Pingtan 2022's glued text without the label 行政强制: 行政处罚2113行政强制0 reads 行政处罚21130, and 21130 was
    read as 行政处罚's count (table 二 has no identity to catch it), with only 行政强制 reported missing. A row
    followed by rows not found, with no digit between its values and the next label found (the next block's caption
    aside, 第20条第（8）项 too), may hold their values: it is ambiguous; the rest of table 二 is read. A misspelt
    label (行正强制) stands between: its values are its own, not 行政处罚's."""
    text = (RAW / "pingtan-2022.txt").read_text(encoding="utf-8")
    assert text.count("2113行政强制0第二十条第（八）项") == 1
    (path := tmp_path / "pingtan-2022.txt").write_text(
        text.replace("2113行政强制0第二十条第（八）项", printed.replace(" ", "")), encoding="utf-8")
    report = du.read_report(path)
    cells = report.cells[report.cells.table == "proactive"].set_index(["row", "column"])
    assert "admin_coercion" not in cells.index.get_level_values("row")
    assert cells.value["admin_license", "decisions"] == 10690 and cells.value["admin_fees", "amount_yuan"] == 91_163_600
    findings = report.findings.set_index(["check", "row"]).message
    assert findings["READ_MISSING_ROW", "admin_coercion"] == "row admin_coercion not found in the v2021 table"
    if not doubt:
        assert cells.value["admin_penalty", "decisions"] == 2113 and "READ_DISPLACED" not in findings
        return
    assert cells.kind["admin_penalty", "decisions"] == "ambiguous"
    assert findings["READ_DISPLACED", "admin_penalty"] == (
        "the row after it (admin_coercion) is not found, and no digit stands between its values '21130' and the next "
        "label: that row's label may be lost and its values in this run; marked ambiguous")


@pytest.mark.parametrize("printings", ["AA", "AB", "ABA"])
def test_a_row_printed_again_is_read_only_when_every_printing_is_the_same(printings):
    """Shanghai's table 三 with 5.属于三类内部事务信息 printed again under it (A: as printed, B: blanks), as a PDF label
    broken over lines can give (each piece names the row): with other values, keeping the first was a guess."""

    def again(row):
        if row[0].text == "5.属于三类内部事务信息":
            blank = (row[0], *(Cell("", c.source) for c in row[1:]))
            return [row if p == "A" else blank for p in printings]
        return [row]

    got = recognise(_shanghai_with_requests_rows(again))
    cells = got.cells[(got.cells.table == "requests") & (got.cells.row == "denied_internal_affairs")]
    (message,) = got.findings[got.findings.check == "READ_DUPLICATE_ROW"].message
    times = "twice" if len(printings) == 2 else "3 times"
    if printings == "AA":
        assert list(cells.raw) == ["5", "", "", "", "", "", ""]
        assert message == "row printed twice (table 2 row 12 cell 1; table 2 row 12 cell 1); the first is kept"
    else:
        assert set(cells.kind) == {"ambiguous"} and set(cells.raw) == {"5 |  |  |  |  |  |  ;  |  |  |  |  |  | "}
        assert message.startswith(f"row printed {times} with other values ('5 |  |  |  |  |  | ' at table 2 row 12")
        assert message.endswith("; marked ambiguous") and message.count(" at table 2 row 12") == len(printings)
    plain = recognise(_shanghai_with_requests_rows(lambda row: [row])).cells
    rest = [cells[cells.row != "denied_internal_affairs"] for cells in (got.cells, plain)]
    assert rest[0].equals(rest[1])  # every other row is read as without the row printed again


@pytest.mark.parametrize(
    ("source", "label"),
    [("pdf", "1.本机关不掌握相关政府信息252"), ("pdf", "1.本机关不掌握相关政府信息\n252"),
     ("pdf", "1.本机关不掌握252相关政府信息"), ("html", "1.本机关不掌握相关政府信息252")],
)  # fmt: skip
def test_a_number_in_a_pdf_row_label_leaves_the_row_ambiguous(source, label):
    """Shanghai's table 三 with 252 printed in the label of 1.本机关不掌握相关政府信息 (at its end, on a line of its own,
    or over its words) and its own cell blank, as a PDF number set left of its column joins the label: the label
    still names the row, which read natural_person blank. In a PDF grid (cells told from positions) the row is
    ambiguous; an HTML cell's text is what its cell prints."""

    def into_label(row):
        if len(row) > 8 and row[-8].text == "1.本机关不掌握相关政府信息":
            assert row[-7].text == "252"
            return [(*row[:-8], Cell(label, row[-8].source), Cell("", row[-7].source), *row[-6:])]
        return [row]

    doc = _shanghai_with_requests_rows(into_label)
    got = recognise(Document(doc.path, source, doc.blocks, doc.title))
    cells = got.cells[got.cells.row == "unable_not_held"]
    displaced = got.findings.message[got.findings.check == "READ_DISPLACED"].tolist()
    if source == "pdf":
        assert set(cells.kind) == {"ambiguous"} and (got.cells.kind == "ambiguous").sum() == 7
        assert displaced == [f"its label {'（四）无法提供' + label!r} holds a number, which may be the value of a blank "
                             "cell set into it; marked ambiguous"]
    else:
        assert cells.raw.tolist() == ["", "12", "", "", "1", "", ""] and not displaced


def test_ordinals_and_numbered_labels_are_no_number_in_a_pdf_label():
    """Shanghai's table 三 as a PDF grid reads as printed: its labels hold ordinals (（三）不予公开1.属于国家秘密)."""
    doc = load_document(reports_dir() / "shanghai-gov-office-2019.html")
    assert_exact(recognise(Document(doc.path, "pdf", doc.blocks, doc.title)).cells, "shanghai-gov-office-2019")


@pytest.mark.parametrize("wrapped", [False, True], ids=["values-below", "digit-wrapped-below"])
def test_a_label_going_on_in_a_row_of_its_own_with_values_leaves_the_row_ambiguous(wrapped):
    """Shanghai's table 三 with （二）部分公开（区分处理的，只计这一 on one row and 情形，不计其他情形） on the next, as a PDF
    label set over two lines can give. The values beside the second line (the first piece's row blank), or a digit
    of its number wrapped onto the second line (3 then 7 for 37): the first piece names the row, which read blank,
    or 3; the second names none, and its values were only reported unread."""
    label = "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"

    def broken(row):
        if row[0].text == label:
            cut = label.index("情形")
            first = row[1:] if wrapped else (Cell("", c.source) for c in row[1:])
            second = (Cell("7", row[1].source), *row[2:]) if wrapped else row[1:]
            return [(Cell(label[:cut], row[0].source), *first), (Cell(label[cut:], row[0].source), *second)]
        return [row]

    got = recognise(_shanghai_with_requests_rows(broken))
    assert set(got.cells.kind[got.cells.row == "partially_granted"]) == {"ambiguous"}
    assert (got.cells.kind == "ambiguous").sum() == 7
    (message,) = got.findings.message[got.findings.check == "READ_DISPLACED"]
    assert message == ("the grid row under it, '情形，不计其他情形）', names no row but prints values: its label may go "
                       "on there, with its values or a part of them; marked ambiguous")


def test_a_number_past_a_short_rows_columns_shows_a_column_too_many():
    """A v2019 table 二 with a stray column after each row's first value, its 3-column rows ending in blanks: only
    行政事业性收费 (2 columns) prints a number past its own columns, inside the widest row's. Dropping the other rows'
    last blank would read 本年新公开数量 as blank and the total one place off."""
    grid = Grid((_grid_row("第二十条第（一）项"), _grid_row("信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"),
                 _grid_row("规章", "13", "", "13", ""), _grid_row("规范性文件", "60", "", "60", ""),
                 _grid_row("第二十条第（八）项"), _grid_row("信息内容", "上一年项目数量", "本年增/减"),
                 _grid_row("行政事业性收费", "0", "", "0")), "table 1")  # fmt: skip
    cells = recognise(Document("t2.html", "html", [grid])).cells
    assert set(cells[cells.row.isin(["rules", "normative_docs", "admin_fees"])].kind) == {"ambiguous"}


@pytest.mark.parametrize(
    ("where", "html"),
    [("after the tables", "<table><tr><td>2020</td><td>01</td><td>31</td></tr></table>"),
     ("under table 三's header", "<tr><td></td><td>1</td><td>2</td><td>3</td><td>4</td><td>5</td><td>6</td><td>7</td></tr>")],
    ids=["date-grid", "column-numbers"],
)  # fmt: skip
def test_numbers_that_are_no_rows_values_leave_the_read_alone(where, html, tmp_path):
    """An unlabelled row is taken for values parted from their label only in a grid holding labelled rows of the
    table, and not when it numbers the columns (1 2 3 …)."""
    page = (reports_dir() / "shanghai-gov-office-2019.html").read_text(encoding="utf-8")
    at = "</body>" if where == "after the tables" else "<p align=\"center\">其他</p></td></tr>"  # table 三's header ends
    assert page.count(at) == 1
    page = page.replace(at, html + at) if at == "</body>" else page.replace(at, at + html)
    (path := tmp_path / "page.html").write_text(page, encoding="utf-8")
    report = du.read_report(path)
    assert not (report.findings.check == "READ_UNLABELLED").any()
    assert_exact(report.cells, "shanghai-gov-office-2019")


def test_running_text_without_any_row_label_has_no_rows():
    """A report cut off right after a table's heading prints none of its labels (a truncated download)."""
    from disclosure_utils import locate

    text = locate._Text(Document(path="x.txt", format="text", blocks=[Paragraph("三、收到和处理政府信息公开申请情况", "line 1")]))
    assert locate._rows_in(text, "requests", locate.requests_rows("v2021"), 0, len(text.s)) == []


def _same(cell) -> tuple:
    """A cell's fields, NaN comparable."""
    return tuple("NaN" if x != x else x for x in cell)


def test_report_cells_given_in_any_form_are_the_same_cells():
    """A Report's cells set as read (CellRecords), as dicts, as plain tuples, as a mix or as a frame read back the
    same from `cell_records()` and `records("cells")`; the dicts are copies with exactly the cell columns."""
    cells = recognise(load_document(reports_dir() / "pingtan-2023.txt")).cell_records
    assert any(c.kind == "ambiguous" for c in cells) and any(c.kind == "number" for c in cells)
    dicts = [c._asdict() for c in cells]
    for given in (cells, dicts, [tuple(c) for c in cells], [*dicts[:5], *cells[5:]], frame(cells, CELL_COLUMNS)):
        report = Report({}, cells=given)
        assert list(map(_same, report.cell_records())) == list(map(_same, cells))
        got = report.records("cells")
        assert [list(d) for d in got] == [CELL_COLUMNS] * len(cells)
        assert [_same(d.values()) for d in got] == list(map(_same, cells))
        got[0]["value"] = -1.0
        assert report.cell_records()[0].value != -1.0
    assert Report({}).cell_records() == [] and Report({}).records("cells") == []


def test_a_blank_row_under_a_group_label_run_into_the_next_is_ambiguous(tmp_path):
    """The Ankang seed without the blank line that ends 1.属于国家秘密 (blank), the row after it, 2.其他法律行政法规禁止
    公开, printing 3 under 自然人 and 总计: the row reads （三）不予公开 | 1.属于国家秘密 | blank … | 2.其他法律… | 3 | … | 3
    and was read as 国家秘密 printing 3 and 3. Its labels before the blanks are a group's and a row's: not a spacer."""
    lines = (RAW / "ankang-natural-resources-2020.txt").read_text(encoding="utf-8").split("\n")
    at = lines.index("\t1.属于国家秘密")
    end = lines.index("", at)
    nxt = lines.index("\t2.其他法律行政法规禁止公开", end)
    assert lines[nxt + 1 : nxt + 8] == ["\t"] * 7
    lines[nxt + 1] = lines[nxt + 7] = "\t3"
    (path := tmp_path / "ankang.txt").write_text("\n".join(lines[:end] + lines[end + 1 :]), encoding="utf-8")
    report = du.read_report(path)
    cells = report.cells[report.cells.table == "requests"]
    assert set(cells[cells.row == "denied_state_secret"].kind) == {"ambiguous"}
    assert "denied_law_prohibited" not in set(cells.row)
    (message,) = report.findings[report.findings.check == "READ_DISPLACED"].message
    assert message.startswith(f"value cells ({' | '.join(['blank'] * 9)}) stand between its label cells (（三）不予公开 | "
                              "1.属于国家秘密 | 2.其他法律行政法规禁止公开)")


@pytest.mark.parametrize("name", ["shanghai-gov-office-2019", "pingtan-nyn-2023-web"])
def test_an_empty_cell_between_label_cells_is_a_spacer(tmp_path, name):
    """Shanghai's (v2019) and nyn-2023's (v2021) pages with an empty <td> between every two label cells
    (三、本年度办理结果 |  | （一）予以公开, （六）其他处理 |  | 1.申请人无正当理由…, the header 行政复议 |  | 行政诉讼): the
    label before names no row on its own ((六)其他处理 is the group of the row after it, though 其他处理 names v2019's
    row), so the cell is a spacer and every cell reads as before."""
    page = etree.HTML((RAW / f"{name}.html").read_bytes())
    spacers = 0
    for tr in page.iter("tr"):
        tds = tr.findall("td")
        for td, nxt in itertools.pairwise(tds):
            if not values.is_value_text("".join(td.itertext())) and not values.is_value_text("".join(nxt.itertext())):
                td.addnext(etree.Element("td"))
                spacers += 1
    assert spacers > 10
    (path := tmp_path / f"{name}.html").write_bytes(etree.tostring(page, encoding="utf-8", method="html"))
    got, before = du.read_report(path), du.read_report(RAW / f"{name}.html")
    assert not (got.findings.check == "READ_DISPLACED").any()
    shown = ["table", "row", "column", "kind", "raw"]
    assert got.cells[shown].equals(before.cells[shown])


@pytest.mark.parametrize(
    ("label", "table", "row", "lost", "between", "labels_"),
    [("\t规章", "proactive", "rules", "normative_docs", "0 | 0 | 0", "规章 | 规范性文件"),
     ("\t8.属于行政查询事项", "requests", "denied_admin_query", "unable_not_held", " | ".join(["blank"] * 8),
      "8.属于行政查询事项 | （四）无法提供 | 1.本机关不掌握相关政府信息")],
    ids=["values", "blanks"],
)
def test_a_flattened_row_run_into_the_next_is_ambiguous(tmp_path, label, table, row, lost, between, labels_):
    """The Ankang seed without the blank line that ends a row: 规章 | 0 | 0 | 0 | 规范性文件 | 9 | 9 | 66 was read as
    规章 with 规范性文件's 9, 9, 66, and 8.属于行政查询事项's seven blanks, followed by （四）无法提供 |
    1.本机关不掌握相关政府信息 | 4 | … (an empty parent cell between), as 行政查询事项 with 不掌握's values, each with no reading finding. Value cells
    (blank ones too, after labels that name a row on their own) between a row's label cells show it may run into the
    next: the row is ambiguous, the next missing, every other cell read as printed."""
    lines = (RAW / "ankang-natural-resources-2020.txt").read_text(encoding="utf-8").split("\n")
    at = lines.index(label)
    end = lines.index("", at)
    (path := tmp_path / "ankang.txt").write_text("\n".join(lines[:end] + lines[end + 1 :]), encoding="utf-8")
    report = du.read_report(path)
    cells = report.cells
    mine = cells[(cells.table == table) & (cells.row == row)]
    assert len(mine) == (3 if table == "proactive" else 7) and set(mine.kind) == {"ambiguous"}
    assert not ((cells.table == table) & (cells.row == lost)).any()
    findings = report.findings.set_index(["check", "row"]).message
    assert findings["READ_DISPLACED", row] == (
        f"value cells ({between}) stand between its label cells ({labels_}): it may be two rows run together; "
        "marked ambiguous")
    assert findings["READ_MISSING_ROW", lost] == f"row {lost} not found in the v2019 table"
    read = cells[~cells.row.isin([row, lost]) | (cells.table != table)]
    assert len(read) == 198 - len(mine) * 2 and (read.kind != "ambiguous").all()
    assert_read_as_printed(cells, "ankang-natural-resources-2020")
