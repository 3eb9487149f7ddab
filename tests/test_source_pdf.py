"""PDF reader: the shared Huai'an PDF, PDFs made from real reports' cells (ruled and borderless, tables
broken over pages), and the input it must refuse with a reason."""

from __future__ import annotations

import re
from functools import cache

import pytest
from fpdf import FPDF
from PIL import Image, ImageDraw

from disclosure_utils import tables
from disclosure_utils.document import Document
from disclosure_utils.errors import ReportError
from disclosure_utils.sources import pdf
from disclosure_utils.sources.pdf_page import _group_lines
from disclosure_utils.values import is_value_text

from .conftest import reports_dir
from .expected_cells import assert_exact, expected_cells
from .report_fixtures import Spec, _Writer, content, pdf_bytes, printed, table3

HUAIAN = "huaian-gov-2024"
BREAKS = {  # page breaks inside table 二 (after a caption) and table 三 (inside the （四） parent cell)
    HUAIAN: ("第二十条第（六）项", "1.本机关不掌握相关政府信息"),
    "shanghai-gov-office-2019": ("（三）不予公开", "第二十条第（八）项"),
}
SOURCE = re.compile(
    r"^page \d+ box [\d.]+,[\d.]+,[\d.]+,[\d.]+(; page \d+ box [\d.]+,[\d.]+,[\d.]+,[\d.]+)*$"
)


@cache
def huaian_bytes() -> bytes:
    return (reports_dir() / f"{HUAIAN}.pdf").read_bytes()


@cache
def huaian(ruled: bool = True):
    return pdf._read(huaian_bytes(), f"{HUAIAN}.pdf", ruled=ruled)


@cache
def fixture(name: str, ruled: bool):
    return pdf.read_pdf(pdf_bytes(name, ruled=ruled, breaks=BREAKS[name]), f"{name}.pdf")


def squeeze(text: str) -> str:
    return re.sub(r"\s", "", text)


def body(rows) -> list[tuple[str, tuple[str, ...]]]:
    """(row label, value cells) of every row with value cells, as the recogniser splits a row."""
    out = []
    for row in rows:
        labels = [i for i, c in enumerate(row) if not is_value_text(c.text)]
        values = tuple(squeeze(c.text) for c in row[labels[-1] + 1 if labels else 0 :])
        if values:
            out.append((squeeze(row[labels[-1]].text) if labels else "", values))
    return out


def assert_cells(doc, name: str) -> None:
    """The recogniser reads `doc` to exactly the expected cells (a null is a blank cell)."""
    assert_exact(tables.recognise(doc).cells, name)


# --- the Huai'an 2024 PDF ---------------------------------------------------------------------------


def test_huaian_tables_continue_over_page_breaks_as_one_grid_each():
    doc = huaian()
    assert doc.format == "pdf" and doc.title == "淮安市人民政府2024年政府信息公开工作年度报告"
    assert [g.source.count("page ") for g in doc.grids] == [2, 2, 1]  # 二 on pages 3-4, 三 on 4-5, 四
    assert all(SOURCE.match(c.source) for g in doc.grids for row in g.rows for c in row)


def test_huaian_rows_hold_every_printed_value_in_column_order():
    got = [values for g in huaian().grids for _, values in body(g.rows)]
    cells = printed(HUAIAN)
    assert got[:6] == [  # table 二: 规章, 行政规范性文件, 行政许可, 行政处罚, 行政强制, 行政事业性收费 (万元)
        tuple(cells[("proactive", row, col)] for col in cols)
        for row, cols in (
            ("rules", ("issued", "repealed", "in_force")),
            ("normative_docs", ("issued", "repealed", "in_force")),
            ("admin_license", ("decisions",)),
            ("admin_penalty", ("decisions",)),
            ("admin_coercion", ("decisions",)),
            ("admin_fees", ("amount_yuan",)),
        )
    ]
    assert got[6:-1] == [values for _, values in body(table3(HUAIAN))]  # 25 rows of 7
    assert got[-1] == tuple(  # table 四: one row of 15
        cells[("review_litigation", r, c)]
        for r in ("review", "litigation_direct", "litigation_after_review")
        for c in ("upheld", "corrected", "other", "pending", "total")
    )
    new = next(values for label, values in body(huaian().grids[1].rows) if "本年新收" in label)
    assert new == ("3001", "53", "0", "0", "61", "4", "3119")


def test_huaian_wrapped_and_merged_labels_are_one_cell():
    grid = huaian().grids[1]
    labels = {squeeze(c.text): c for row in grid.rows for c in row}
    wrapped = "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
    assert (wrapped, ("447", "7", "0", "0", "0", "0", "454")) in body(grid.rows)
    assert labels["三、本年度办理结果"].rowspan == 22  # runs from page 4 onto page 5
    cut = labels["（四）无法提供"]  # printed "（四）无" at the foot of page 4, "法提供" at the top of page 5
    assert cut.rowspan == 3 and cut.source.startswith("page 4 ") and "; page 5 " in cut.source
    assert "1、申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请" in labels


def test_huaian_read_without_rules_gives_the_same_rows():
    """The rules are not needed: from text positions alone the same labels and values come out."""
    ruled, bare = huaian(True), huaian(False)
    assert [body(g.rows) for g in bare.grids] == [body(g.rows) for g in ruled.grids]
    assert [p.text for p in bare.paragraphs] == [p.text for p in ruled.paragraphs]


@pytest.mark.parametrize("ruled", [True, False], ids=["ruled", "text-only"])
def test_huaian_recognises_to_expected_cells(ruled):
    assert_cells(huaian(ruled), HUAIAN)


def _moved(monkeypatch, data: bytes, path: str, digits: str, dx) -> Document:
    """The PDF with the first number printed as `digits` moved dx(run, its ruled cell or None) points sideways."""
    parse = pdf._parse_pages

    def move(data, path, ruled):
        raws = parse(data, path, ruled)
        run, cell = min(
            ((run, next((b for _, cells in raw.ruled for b in cells if b[0] <= run.x0 and run.x1 <= b[2]
                         and b[1] <= run.top and run.bottom <= b[3]), None))
             for raw in raws for ln in _group_lines(raw.chars, raw.number) for run in ln.runs if run.text == digits),
            key=lambda found: (found[0].page, found[0].top),
        )  # fmt: skip
        shift = dx(run, cell)
        for c in run.chars:
            c["x0"] += shift
            c["x1"] += shift
        return raws

    monkeypatch.setattr(pdf, "_parse_pages", move)
    return pdf.read_pdf(data, path)


def _spilt(monkeypatch, digits: str, side: str) -> Document:
    """The Huai'an PDF with the number printed as `digits` moved so that 40 % of it lies over its ruled cell's left
    or right rule, as a number too wide for its cell spills out."""

    def dx(run, cell):
        width = run.x1 - run.x0
        return cell[0] - 0.4 * width - run.x0 if side == "left" else cell[2] - 0.6 * width - run.x0

    return _moved(monkeypatch, huaian_bytes(), f"{HUAIAN}.pdf", digits, dx)


@pytest.mark.parametrize(
    ("digits", "side", "row", "read"),
    [("3985758", "left", "admin_penalty", False),  # over the rule to its label: 行政处罚 3 | 985758
     ("3119", "right", "new_received", True),  # over the table's edge: 31, the 19 left out of the table
     ("53", "left", "new_received", True)],  # over the rule to 3001: 3001 5 | 3
)  # fmt: skip
def test_huaian_a_number_spilling_over_a_rule_is_not_read_cut(digits, side, row, read, monkeypatch):
    """A number too wide for its ruled cell, printed over the rule: its digits went each to the cell their centre
    is in, and the row was read with a number cut in two. Now the cells it is printed across are one: the table's
    edge keeps it whole, two value cells as one are cut by the reading rules (3001 53: a glued cell), and a label
    cell holding the number leaves its row ambiguous. Every other cell reads as printed."""
    got = tables.recognise(_spilt(monkeypatch, digits, side))
    expected = {(c.table, c.row, c.column): c.value for c in expected_cells(HUAIAN).itertuples()}
    if not read:
        assert set(got.cells.kind[got.cells.row == row]) == {"ambiguous"}
        assert set(got.findings.row[got.findings.check == "READ_DISPLACED"]) == {row}
        expected = {key: value for key, value in expected.items() if key[1] != row}
    assert {(c.table, c.row, c.column): c.value for c in got.cells.itertuples() if read or c.row != row} == expected


@pytest.mark.parametrize(
    ("name", "digits", "dx", "rows", "check"),
    [("shanghai-gov-office-2019", "252", -12, {"unable_not_held"}, "READ_DISPLACED"),  # 2 | 52 in the label
     ("shanghai-gov-office-2019", "12", 18, {"granted"}, "READ_SHAPE"),  # 1 | 2 over the next column
     (HUAIAN, "746", -18, {"unable_not_held"}, "READ_DISPLACED"),  # wholly into the label: blank before
     (HUAIAN, "13", -18, {"review", "litigation_direct", "litigation_after_review"}, "READ_DISPLACED")],
)  # fmt: skip
def test_borderless_a_number_printed_across_a_columns_edge_leaves_its_row_ambiguous(
    name, digits, dx, rows, check, monkeypatch
):
    """Without rules, each char went to the column holding its centre: a number set across the edge between two
    columns was read cut in two (1 | 2 for 12), one left of the values was read into the label, and a number moved
    into table 四's neighbouring cell left its own blank. Now the row is ambiguous; every other cell reads as
    printed."""
    doc = _moved(monkeypatch, pdf_bytes(name, ruled=False), f"{name}.pdf", digits, lambda run, cell: dx)
    got = tables.recognise(doc)
    assert set(got.cells.kind[got.cells.row.isin(rows)]) == {"ambiguous"}
    assert set(got.findings.row[got.findings.check == check]) == rows
    expected = {(c.table, c.row, c.column): c.value for c in expected_cells(name).itertuples() if c.row not in rows}
    rest = got.cells[~got.cells.row.isin(rows)]
    assert {(c.table, c.row, c.column): c.value for c in rest.itertuples()} == pytest.approx(expected, nan_ok=True)


def test_huaian_paragraphs_in_reading_order_without_page_numbers():
    paragraphs = huaian().paragraphs
    texts = [p.text for p in paragraphs]
    headings = ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]  # fmt: skip
    assert [t for t in texts if t in headings] == headings
    assert not any(re.fullmatch(r"-\s*\d+\s*-", t) for t in texts)
    joined = next(p for p in paragraphs if p.text.startswith("（一）主动公开情况"))
    assert "5500余条" in joined.text and "; page 2 " in joined.source  # one paragraph over the page break
    assert (
        texts[-1]
        == "2024年，市政府严格落实《政府信息公开信息处理费管理办法》，全年收取政府信息公开信息处理费3940元。"
    )
    assert all(SOURCE.match(p.source) for p in paragraphs)


# --- PDFs made from real reports' cells -------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(BREAKS))
def test_ruled_fixture_reads_back_to_the_printed_cells_and_spans(name):
    doc = fixture(name, True)
    title, items = content(name)
    layouts = [item for item in items if not isinstance(item, str)]
    assert doc.title == title
    assert [p.text for p in doc.paragraphs] == [title, *(item for item in items if isinstance(item, str))]
    assert len(doc.grids) == 3 and all("; page " in g.source for g in doc.grids[:2])
    for grid, layout in zip(doc.grids, layouts, strict=True):
        got = [[(squeeze(c.text), c.colspan, c.rowspan) for c in row] for row in grid.rows]
        assert got == [[(squeeze(s.text), s.colspan, s.rowspan) for s in row] for row in layout]


@pytest.mark.parametrize("name", sorted(BREAKS))
def test_borderless_fixture_reads_back_to_the_printed_rows(name):
    """Without any rule: row labels and value cells (blank ones included, in their columns) as printed."""
    doc = fixture(name, False)
    title, items = content(name)
    assert [p.text for p in doc.paragraphs] == [title, *(item for item in items if isinstance(item, str))]
    layouts = [item for item in items if not isinstance(item, str)]
    assert [body(g.rows) for g in doc.grids] == [body(layout) for layout in layouts]


@pytest.mark.parametrize("ruled", [True, False], ids=["ruled", "borderless"])
@pytest.mark.parametrize("name", sorted(BREAKS))
def test_fixture_recognises_to_expected_cells(name, ruled):
    assert_cells(fixture(name, ruled), name)


def _set_digits_off(monkeypatch, dy: float) -> None:
    """PDFs read from here on print their ASCII chars (digits, ordinals) dy points below where they are."""
    parse = pdf._parse_pages

    def set_off(data, path, ruled):
        raws = parse(data, path, ruled)
        for c in (c for raw in raws for c in raw.chars if c["text"].isascii()):
            c["top"] += dy
            c["bottom"] += dy
        return raws

    monkeypatch.setattr(pdf, "_parse_pages", set_off)


@pytest.mark.parametrize("dy", [-2.4, -1.0, 0.25, 1.0, 2.4])  # points; the table text is 8 pt: up to 0.3 em
@pytest.mark.parametrize("name", sorted(BREAKS))
def test_borderless_fixture_reads_the_same_with_digits_set_off_their_labels_baseline(name, dy, monkeypatch):
    """Digits and ordinals in another font or size than the labels' (Times beside SimSun) have boxes a little
    higher or lower. A row's label and values are one line still: chars taken against the first of a line put its
    label with a parent label half a line above and its digits apart (dy 0.25), and rows were lost or misread."""
    _set_digits_off(monkeypatch, dy)
    assert_cells(pdf.read_pdf(pdf_bytes(name, ruled=False, breaks=BREAKS[name]), f"{name}.pdf"), name)


@pytest.mark.parametrize("dy", [3.0, 3.5])  # past 0.35 em of the 8 pt table text: digits and labels part
def test_a_row_whose_digits_part_from_its_label_into_a_grid_is_ambiguous_not_blank(dy, monkeypatch):
    """Digits set this far below their labels part from them: table 三's header and first label are left as
    text, its digits start a grid. Read from the text, the label was followed by nothing but the next label, and
    the row's seven cells read blank where 3001 … 3119 are printed."""
    _set_digits_off(monkeypatch, dy)
    doc = pdf.read_pdf(pdf_bytes(HUAIAN, ruled=False), f"{HUAIAN}.pdf")
    got = tables.recognise(doc)
    cells = got.cells[got.cells.row == "new_received"]
    assert len(cells) == 7 and set(cells.kind) == {"ambiguous"}
    (message,) = got.findings[got.findings.check == "READ_DISPLACED"].message
    grid = next(g for g in doc.grids if any(c.text == "3119" for row in g.rows for c in row))
    assert f"({grid.source})" in message and message.endswith("the end of the table's text: its values may be in it; marked ambiguous")
    expected = {(c.table, c.row, c.column): c for c in expected_cells(HUAIAN).itertuples()}
    for c in got.cells.itertuples():  # whatever else is read is printed so, or not read
        if c.kind != "ambiguous" and (want := expected.get((c.table, c.row, c.column))) is not None:
            assert c.kind == want.kind and (c.kind == "blank" or c.value == want.value), (c, want)


@pytest.mark.parametrize(
    ("name", "break_after", "ruled"),
    [
        ("ankang-natural-resources-2020", "（七）总计", True),  # table 三's last row alone on the next page
        ("ankang-natural-resources-2020", "（七）总计", False),
        (HUAIAN, "本年收费金额（单位：万元）", True),  # one data row alone under a caption's header
        (HUAIAN, "本年收费金额（单位：万元）", False),
        (HUAIAN, "行政事业性收费", True),  # table 四's first header row alone at the foot of a page
        (HUAIAN, "行政事业性收费", False),
        (HUAIAN, "本年制发件数", True),  # a break right under table 二's header row
        (HUAIAN, "本年制发件数", False),
        ("ankang-natural-resources-2020", "商业企业", False),  # under table 三's header
    ],
)
def test_a_row_a_page_break_leaves_alone_or_puts_under_a_header_is_read(name, break_after, ruled):
    """A one-row piece was dropped (ruled: as a boxed paragraph; borderless: as a line with a number in it);
    the first row after a header row that ends a page was joined into the header (ruled), or, without
    rules, the header was left behind as text and the body read without it."""
    doc = pdf.read_pdf(pdf_bytes(name, ruled=ruled, breaks=(break_after,)), f"{name}.pdf")
    assert_cells(doc, name)
    whole = pdf.read_pdf(pdf_bytes(name, ruled=ruled), f"{name}.pdf")  # no text printed twice, none lost
    assert sorted(squeeze(p.text) for p in doc.paragraphs) == sorted(squeeze(p.text) for p in whole.paragraphs)


def test_a_boxed_line_that_continues_no_table_is_text():
    """A one-row ruled box at the top of a report (标题 | …年度报告) is a line of text, not a table: only a
    row a page break cut off a table is kept as a table's piece."""
    title, body = content(HUAIAN)
    w = _Writer(True, ())
    w.table([[Spec("发布机构"), Spec("淮安市人民政府办公室", colspan=3)]])
    for item in body:
        w.paragraph(item) if isinstance(item, str) else w.table(item)
    doc = pdf.read_pdf(bytes(w.pdf.output()), "boxed.pdf")
    assert squeeze(doc.paragraphs[0].text) == "发布机构淮安市人民政府办公室"
    assert not any("发布机构" in c.text for g in doc.grids for row in g.rows for c in row)
    assert_cells(doc, HUAIAN)


# --- input refused with a reason ----------------------------------------------------------------------


def test_image_only_pdf_has_no_text_layer():
    scan = Image.new("RGB", (600, 300), "white")
    ImageDraw.Draw(scan).rectangle((50, 50, 550, 250), outline="black", width=3)
    doc = FPDF()
    doc.add_page()
    doc.image(scan, x=10, y=10, w=180)
    with pytest.raises(ReportError, match="no text layer"):
        pdf.read_pdf(bytes(doc.output()), "scan.pdf")


def test_truncated_pdf_is_damaged():
    data = huaian_bytes()
    with pytest.raises(ReportError, match="damaged.*truncated"):
        pdf.read_pdf(data[: len(data) // 2], "half.pdf")
    with pytest.raises(ReportError, match="damaged: PSEOF"):  # cut, then given a false end marker
        pdf.read_pdf(data[: len(data) // 2] + b"\n%%EOF\n", "half.pdf")


def test_garbage_after_a_pdf_header_is_damaged():
    with pytest.raises(ReportError, match="damaged: PDFSyntaxError"):
        pdf.read_pdf(b"%PDF-1.7\n" + bytes(range(256)) * 20 + b"\n%%EOF\n", "junk.pdf")


def _damaged(kind: str) -> bytes:
    """The Huai'an PDF with one kind of damage made at a known place."""
    data = huaian_bytes()

    def stream_start(obj: int) -> int:
        return data.index(b"stream", re.search(rb"(?<![0-9])%d 0 obj" % obj, data).end()) + 8

    def flip(at: int) -> bytes:
        return data[:at] + bytes([data[at] ^ 0x55]) + data[at + 1 :]

    if kind == "page count":
        return data.replace(b"/Count 6", b"/Count 7", 1)
    if kind == "content object":
        return data.replace(b"/Contents 58 0 R", b"/Contents 99 0 R", 1)
    if kind == "content stream":
        return flip(stream_start(7) + 200)
    if kind in ("encoding key", "encoding name"):  # the 宋体 font of the tables' labels
        font = b"/Encoding \n/Identity-H/ICUID 2123759635"
        broken = (
            font.replace(b"Encoding", b"Encoddng") if kind == "encoding key" else font.replace(b"-H", b"-X")
        )
        return data.replace(font, broken, 1)
    if kind == "character map":
        return flip(stream_start(int(re.search(rb"/ToUnicode (\d+) 0 R", data).group(1))) + 100)
    return re.sub(rb"/ToUnicode \d+ 0 R", lambda m: b" " * len(m.group(0)), data)  # no character maps


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("page count", "page tree lists 7 pages but 6 can be read"),
        ("content object", "the content of page 6 is missing"),
        ("content stream", "the content of page 1 cannot be decompressed"),
        ("encoding key", "the encoding of a font of page 3 is missing"),
        ("encoding name", "the font encoding Identity-X of page 3 is missing or unknown"),
        ("character map", "the character map of page \\d cannot be decompressed"),
        ("no character maps", "2879 of its 2879 characters have no Unicode mapping"),
    ],
)
def test_damage_that_would_silently_lose_text_is_refused(kind, reason):
    """pdfminer reads these as empty pages or wrong characters; the reader refuses them instead."""
    with pytest.raises(ReportError, match=reason):
        pdf.read_pdf(_damaged(kind), "damaged.pdf")


def test_encrypted_pdf_is_refused():
    doc = FPDF()
    doc.add_page()
    doc.set_font("helvetica", size=12)
    doc.cell(text="report")
    doc.set_encryption(owner_password="owner", user_password="user")
    with pytest.raises(ReportError, match="encrypted"):
        pdf.read_pdf(bytes(doc.output()), "locked.pdf")


def test_page_and_time_limits(monkeypatch):
    monkeypatch.setattr(pdf, "MAX_PAGES", 5)
    with pytest.raises(ReportError, match="6 pages, over the limit of 5"):
        pdf.read_pdf(huaian_bytes(), "long.pdf")
    monkeypatch.setattr(pdf, "MAX_PAGES", 200)
    monkeypatch.setattr(pdf, "MAX_SECONDS", 0.0)
    with pytest.raises(ReportError, match="took over 0 s"):
        pdf.read_pdf(huaian_bytes(), "slow.pdf")
