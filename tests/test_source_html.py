"""read_html on the real HTML reports: grids cell by cell, spans, encodings, and what it refuses."""

from __future__ import annotations

import codecs
import random

import lxml.html
import pytest

from disclosure_utils.codebook import codes
from disclosure_utils.document import Document, Grid
from disclosure_utils.errors import ReportError
from disclosure_utils.sources.html import MAX_HTML_DEPTH, read_html

from .conftest import expected, reports_dir

HTML_REPORTS = [
    "shanghai-gov-office-2019",
    "pingtan-zrz-2020-web",
    "pingtan-hzs-2023-web",
    "pingtan-nyn-2023-web",
]


def _bytes(name: str) -> bytes:
    return (reports_dir() / f"{name}.html").read_bytes()


def _read(name: str) -> Document:
    return read_html(_bytes(name), f"{name}.html")


def _printed(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _squeeze(text: str) -> str:
    return "".join(text.split())


def _requests_grid(doc: Document) -> Grid:
    return next(g for g in doc.grids if any("本年新收" in row[0].text for row in g.rows))


def _row(grid: Grid, label: str) -> list[str]:
    return next([c.text for c in row] for row in grid.rows if label in _squeeze(row[0].text))


def _grid_texts(doc: Document) -> list[list[list[tuple[str, int, int]]]]:
    return [[[(c.text, c.colspan, c.rowspan) for c in row] for row in g.rows] for g in doc.grids]


@pytest.mark.parametrize("name", HTML_REPORTS)
def test_requests_grid_reads_the_hand_checked_values_cell_by_cell(name):
    truth = expected(name)
    values = {(c["table"], c["row"], c["column"]): c["value"] for c in truth["cells"]}
    rows, columns = (
        codes("requests", "row", truth["template"]),
        codes("requests", "column", truth["template"]),
    )
    grid = _requests_grid(_read(name))
    data_rows = [row for row in grid.rows if len(row) >= len(columns) + 1 and row[-1].colspan == 1]
    got = [[c.text for c in row[-len(columns) :]] for row in data_rows]
    assert got == [[_printed(values["requests", r, c]) for c in columns] for r in rows]


@pytest.mark.parametrize("name", HTML_REPORTS)
def test_review_litigation_grid_reads_the_hand_checked_values(name):
    truth = expected(name)
    values = {(c["table"], c["row"], c["column"]): c["value"] for c in truth["cells"]}
    grid = next(g for g in _read(name).grids if "行政复议" in g.rows[0][0].text)
    want = [
        _printed(values["review_litigation", r, c])
        for r in codes("review_litigation", "row", truth["template"])
        for c in codes("review_litigation", "column", truth["template"])
    ]
    assert [c.text for c in grid.rows[-1]] == want


def test_shanghai_new_requests_row_keeps_blank_cells_blank():
    truth = expected("shanghai-gov-office-2019")
    values = {(c["row"], c["column"]): c["value"] for c in truth["cells"] if c["table"] == "requests"}
    grid = _requests_grid(_read("shanghai-gov-office-2019"))
    row = next(row for row in grid.rows if "本年新收" in row[0].text)
    want = [_printed(values["new_received", c]) for c in codes("requests", "column", "v2019")]
    assert [c.text for c in row[1:]] == want
    assert "" in want  # &nbsp; cells are blank, not a space or 0
    assert row[0].source == f"{grid.source} row 4 cell 1"


def test_nyn_new_requests_row_is_read_as_printed():
    truth = expected("pingtan-nyn-2023-web")
    values = {(c["row"], c["column"]): c["value"] for c in truth["cells"] if c["table"] == "requests"}
    row = _row(_requests_grid(_read("pingtan-nyn-2023-web")), "一、本年新收")
    assert row[1:] == [_printed(values["new_received", c]) for c in codes("requests", "column", "v2021")]
    assert row[0] == "一、本年新收政府信息公开申请数量"  # the trailing &nbsp; is stripped


@pytest.mark.parametrize("name", HTML_REPORTS)
def test_spans_are_kept_as_printed(name):
    template = expected(name)["template"]
    grid = _requests_grid(_read(name))
    corner = grid.rows[0][0]
    assert (corner.colspan, corner.rowspan) == (3, 3)
    handled = next(c for row in grid.rows for c in row if "本年度办理结果" in c.text)
    rows = codes("requests", "row", template)
    assert handled.rowspan == rows.index("disposition_total") - rows.index("granted") + 1
    withheld = next(c for row in grid.rows for c in row if _squeeze(c.text) == "（三）不予公开")
    assert withheld.rowspan == sum(r.startswith("denied_") for r in rows)


@pytest.mark.parametrize("name", HTML_REPORTS)
def test_cell_text_adds_and_loses_no_printed_character(name):
    """Joining <br>/<p> lines inserts only whitespace: cells match lxml's own text of each <td>."""
    tree = lxml.html.fromstring(_bytes(name).decode("utf-8"))
    tds = [[_squeeze(td.text_content()) for td in tr.xpath("td|th")] for tr in tree.iter("tr")]
    cells = [[_squeeze(c.text) for c in row] for g in _read(name).grids for row in g.rows]
    assert cells == tds


def test_br_and_p_boundaries_become_newlines():
    shanghai = _read("shanghai-gov-office-2019").grids[0]
    assert shanghai.rows[1][1].text == "本年新\n制作数量"
    nyn = _requests_grid(_read("pingtan-nyn-2023-web"))
    assert nyn.rows[2][0].text == "商业\n企业"


@pytest.mark.parametrize("name", HTML_REPORTS)
def test_title_paragraphs_and_sources(name):
    truth = expected(name)
    doc = _read(name)
    assert doc.format == "html" and doc.header == {}
    assert truth["agency"] in doc.title and str(truth["year"]) in doc.title
    assert [p.source for p in doc.paragraphs] == [
        f"html block {n}" for n in range(1, len(doc.paragraphs) + 1)
    ]
    assert any(p.text.startswith("一、总体情况") for p in doc.paragraphs)
    for t, grid in enumerate(doc.grids, 1):
        for r, row in enumerate(grid.rows, 1):
            assert [c.source for c in row] == [f"table {t} row {r} cell {c}" for c in range(1, len(row) + 1)]


def _recode(data: bytes, encoding: str, declared: str | None) -> bytes:
    text = data.decode("utf-8")
    meta = '<meta charset="utf-8">'
    assert meta in text
    text = text.replace(
        meta, f'<meta http-equiv="Content-Type" content="text/html; charset={declared}">' if declared else ""
    )
    return text.encode(encoding)


@pytest.mark.parametrize("name", ["shanghai-gov-office-2019", "pingtan-nyn-2023-web"])
@pytest.mark.parametrize(
    "encoding, declared",
    [("gbk", "gbk"), ("gbk", "gb2312"), ("gbk", "utf-8"), ("gbk", None), ("utf-8", "gbk"), ("gb18030", None)],
)
def test_every_encoding_and_declaration_reads_the_same_grids(name, encoding, declared):
    original = _read(name)
    doc = read_html(_recode(_bytes(name), encoding, declared), "copy.html")
    assert _grid_texts(doc) == _grid_texts(original)
    assert doc.title == original.title


def test_utf8_wins_over_a_gbk_declaration_even_where_gbk_would_decode():
    page = '<meta charset="gbk"><p>年度报告</p>'.encode()
    assert page.decode("gb18030") != page.decode("utf-8")  # GBK reads these bytes too, as mojibake
    assert read_html(page, "short.html").paragraphs[0].text == "年度报告"


@pytest.mark.parametrize("bom, encoding", [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le")])
def test_byte_order_mark_decides_the_encoding(bom, encoding):
    name = "pingtan-hzs-2023-web"
    doc = read_html(bom + _recode(_bytes(name), encoding, "gbk"), "bom.html")
    assert _grid_texts(doc) == _grid_texts(_read(name))


def test_a_few_broken_bytes_in_utf8_do_not_turn_the_page_into_gbk():
    name = "pingtan-nyn-2023-web"
    cut = _bytes(name)[:-1] + "中".encode()[:2] + b"\n"  # a page cut off inside a character
    assert _grid_texts(read_html(cut, "cut.html")) == _grid_texts(_read(name))


def _nested(levels: int) -> bytes:
    """A page whose deepest element is at `levels` (html and body included)."""
    divs = levels - 2
    return f"<html><body>{'<div>' * divs}报告{'</div>' * divs}</body></html>".encode()


def test_nesting_up_to_the_limit_is_read_and_deeper_is_refused():
    assert read_html(_nested(MAX_HTML_DEPTH), "ok.html").paragraphs[0].text == "报告"
    for levels in (MAX_HTML_DEPTH + 1, 5000):
        with pytest.raises(ReportError, match="nested deeper"):
            read_html(_nested(levels), "deep.html")


@pytest.mark.parametrize("seed", range(5))
def test_random_bytes_are_refused(seed):
    data = random.Random(seed).randbytes(20_000)
    with pytest.raises(ReportError):
        read_html(data, "noise.bin")


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200),
        b"<html>\x00\x01\x02<p>\x03\x04</p>\x05\x06</html>",
    ],
)
def test_binary_data_is_refused(data):
    with pytest.raises(ReportError, match="binary"):
        read_html(data, "binary.html")


@pytest.mark.parametrize(
    "page",
    [
        b"",
        b"<html><head><title>t</title><script>var a = 1;</script></head><body> &nbsp; \xe3\x80\x80 </body></html>",
    ],
)
def test_a_page_without_text_is_refused(page):
    with pytest.raises(ReportError, match="no text"):
        read_html(page, "empty.html")


def test_navigation_only_page_reads_without_grids():
    page = """<html><head><title>平潭综合实验区</title><style>.nav{color:red}</style></head><body>
    <div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li></ul></div>
    <script>document.write("<table><tr><td>1</td></tr></table>")</script>
    <div class="footer">版权所有<br>闽ICP备12345号</div></body></html>"""
    doc = read_html(page.encode(), "nav.html")
    assert doc.grids == []
    assert [p.text for p in doc.paragraphs] == ["首页", "政务公开", "版权所有", "闽ICP备12345号"]
    assert doc.title == "平潭综合实验区"


def test_layout_table_around_the_report_does_not_swallow_it():
    name = "pingtan-nyn-2023-web"
    text = _bytes(name).decode("utf-8")
    head, body = text.split("<body>")
    body = body.replace("</body>", "")
    chrome = f'<table><tr><td><a href="/">首页</a></td><td>政务公开</td></tr><tr><td colspan="2">{body}</td></tr></table>'
    doc = read_html(f"{head}<body>{chrome}<p>版权所有</p></body></html>".encode(), "wrapped.html")
    original = _read(name)
    assert _grid_texts(doc) == _grid_texts(original)
    texts = [p.text for p in doc.paragraphs]
    assert texts == ["首页", "政务公开", *[p.text for p in original.paragraphs], "版权所有"]


def test_text_after_a_stray_end_of_html_is_kept():
    name = "pingtan-hzs-2023-web"
    page = _bytes(name) + "<p>附件：政府信息公开申请表</p></html>".encode()
    assert [p.text for p in read_html(page, "tail.html").paragraphs][-1] == "附件：政府信息公开申请表"


# every character str.isspace() takes (all lie below U+3001): an end tag may hold any run of them before its >
_WHITESPACE = [c for c in map(chr, range(0x3001)) if c.isspace()]


@pytest.mark.parametrize("space", ["", *_WHITESPACE, " \u3000\n"], ids=lambda s: "+".join(f"{ord(c):x}" for c in s))
def test_text_after_an_end_of_html_with_any_whitespace_is_kept(space):
    page = _bytes("pingtan-hzs-2023-web").replace(b"</html>", f"</HTML{space}>".encode())
    page += "<p>附件：政府信息公开申请表</p>".encode()
    assert [p.text for p in read_html(page, "tail.html").paragraphs][-1] == "附件：政府信息公开申请表"


def test_comments_scripts_and_styles_are_not_text():
    page = """<html><body><p><!--[if !supportLists]-->1.<!--[endif]-->本年<![if !supportLists]>度<![endif]></p>
    <style>p {font: 12pt}</style><noscript>请启用脚本</noscript><p>报告<!-- 注释 --></p></body></html>"""
    doc = read_html(page.encode(), "word.html")
    assert [p.text for p in doc.paragraphs] == ["1.本年度", "报告"]
    assert doc.title is None


def test_title_falls_back_to_the_first_heading():
    page = "<html><body><div>导航</div><h2>某局2023年政府信息公开工作年度报告</h2><h1>不是这个</h1></body></html>"
    assert read_html(page.encode(), "h.html").title == "某局2023年政府信息公开工作年度报告"


def test_report_inside_a_layout_table_cell_reads_as_text(tmp_path):
    """A whole report as paragraphs in one <td> of a site layout table is text, not a one-cell grid."""
    import disclosure_utils as du

    body = (reports_dir() / "pingtan-jsp-2021.txt").read_text(encoding="utf-8").split("正文 ====================")[1]
    paras = "".join(f"<p>{line}</p>" for line in body.splitlines() if line.strip())
    page = tmp_path / "wrapped.html"
    page.write_text("<html><head><meta charset='utf-8'></head><body><table><tr><td>首页</td><td>"
                    f"{paras}</td></tr></table></body></html>", encoding="utf-8")
    report = du.read_report(page)
    assert len(report.cells) == 200 and (report.cells.kind == "number").all()


def test_page_cut_inside_its_last_character_reads(tmp_path):
    import disclosure_utils as du

    data = (reports_dir() / "pingtan-hzs-2023-web.html").read_bytes()
    cut = data[: data.rfind("告".encode()) + 1]  # one byte of a three-byte character
    page = tmp_path / "cut.html"
    page.write_bytes(cut)
    assert du.read_report(page).meta["agency"] == "平潭综合实验区行政审批局"


@pytest.mark.parametrize(
    ("attribute", "span"),
    [("3", 3), (" 2x", 2), ("0", 1), ("", 1), ("abc", 1), ("²", 1), ("٣", 1), ("99999", 1000)],
)
def test_colspan_is_read_as_html_reads_it(attribute, span):
    """Leading ASCII digits, at least 1, at most 1000: a superscript or non-ASCII digit is no number (it raised
    a ValueError, an internal error, before)."""
    page = f'<html><body><table><tr><td colspan="{attribute}">本年新收</td><td>1</td></tr></table></body></html>'
    (grid,) = read_html(page.encode("utf-8"), "span.html").grids
    assert grid.rows[0][0].colspan == span


def test_cell_sources_count_every_cell_of_a_long_row():
    """Cell numbers past the looked-up ones (1–999) are formatted: "cell 1000" follows "cell 999"."""
    cells = "".join(f"<td>{c}</td>" for c in range(1, 1002))
    (grid,) = read_html(f"<table><tr>{cells}</tr></table>".encode(), "long.html").grids
    assert [(c.text, c.source) for c in grid.rows[0][997:]] == [
        (str(c), f"table 1 row 1 cell {c}") for c in range(998, 1002)
    ]


def test_page_cut_inside_a_table_row_leaves_that_row_out(tmp_path):
    """A download cut inside a cell (`<p align="center`, before its 0) read that 0 as a blank: the cut row
    is left out, so it is reported missing, and every row before it reads as in the whole page."""
    import disclosure_utils as du

    data = _bytes("shanghai-gov-office-2019")
    at = data.index("其他对外管理服务事项".encode())
    cut = data[: data.rindex(b'<p align="center', at, data.index(b"</tr>", at)) + 16]  # in the row's last cell
    assert cut.endswith(b'<p align="center')
    (page := tmp_path / "cut.html").write_bytes(cut)
    whole = du.read_report(reports_dir() / "shanghai-gov-office-2019.html").cells
    report = du.read_report(page)
    assert "other_external_services" not in set(report.cells.row)
    missing = report.findings[report.findings.check == "READ_MISSING_ROW"]
    assert "other_external_services" in set(missing.row)
    assert len(report.cells) == 9 and report.cells.equals(whole.head(9))
    # a page whose last "<tr" is a script's string or a comment, not a cut row, keeps every row
    page = b"<html><body><table><tr><td>a</td><td>1</td></tr></table><script>var r='<tr>';</script></body></html>"
    assert len(read_html(page, "script.html").grids[0].rows) == 1
    page = b"<html><body><table><tr><td>a</td><td>1</td></tr></table><!-- <tr> -->"
    assert len(read_html(page, "comment.html").grids[0].rows) == 1
    # a row cut short is left out whatever the case of its tag
    page = b"<html><body><table><Tr><td>a</td><td>1</td></Tr><Tr><td>b</td><td>2"
    assert [[c.text for c in row] for row in read_html(page, "upper.html").grids[0].rows] == [["a", "1"]]


def test_a_footnote_mark_is_not_read_as_more_digits(tmp_path):
    """Shanghai's 258 (予以公开, 自然人) with a footnote mark, 258<sup>1</sup>, read as 2581 before."""
    import disclosure_utils as du

    data = _bytes("shanghai-gov-office-2019")
    printed = b'<p align="center">258</p>'
    assert data.count(printed) == 1
    (page := tmp_path / "sup.html").write_bytes(data.replace(printed, b'<p align="center">258<sup>1</sup></p>'))
    assert "258 1" in [c.text for g in read_html(page.read_bytes(), "sup.html").grids for row in g.rows for c in row]
    report = du.read_report(page)
    granted = report.cells[(report.cells.table == "requests") & (report.cells.row == "granted")]
    assert set(granted.kind) == {"ambiguous"}
    (message,) = report.findings[(report.findings.check == "READ_SHAPE") & (report.findings.row == "granted")].message
    assert message.startswith("a cell of the row holds several values (258 1 |")


@pytest.mark.parametrize("reference, char", [("&#1;", "\x01"), ("&#xFFFE;", "\ufffe")])
def test_a_character_lxml_refuses_reads_as_itself_everywhere(reference, char):
    """The reader never writes into the tree, so such a character (which lxml will not store) reads as itself in
    text, cells, captions and footnote marks; a footnote mark holding one raised ValueError when it was stored."""
    page = (f"<html><body><p>{reference}本年</p>{reference}受理<br>{reference}件"
            f"<p>行政强制65<sup>{reference}</sup>{reference}件</p>"
            f"<table><caption>{reference}附表</caption><tr><td>{reference}1</td></tr></table></body></html>").encode()
    doc = read_html(page, "refused.html")
    assert [p.text for p in doc.paragraphs] == [f"{char}本年", f"{char}受理", f"{char}件", f"行政强制65 {char} {char}件",
                                                f"{char}附表"]
    assert doc.grids[0].rows[0][0].text == f"{char}1"


def test_a_footnote_mark_in_running_text_is_not_read_as_more_digits(tmp_path):
    """pingtan-2024's glued 行政强制65 as paragraphs of a page, with a footnote mark: 651 before."""
    import html

    import disclosure_utils as du

    text = (reports_dir() / "pingtan-2024.txt").read_text(encoding="utf-8")
    assert text.count("行政强制65") == 1
    page = "<html><body>" + "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines()) + "</body></html>"
    (path := tmp_path / "sup.html").write_text(page.replace("行政强制65", "行政强制65<sup>1</sup>"), encoding="utf-8")
    report = du.read_report(path)
    cell = report.cells[report.cells.row == "admin_coercion"]
    assert cell[["raw", "kind"]].values.tolist() == [["65 1", "ambiguous"]]
