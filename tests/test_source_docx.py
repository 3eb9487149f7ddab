"""DOCX reader: documents made from real reports' cells with the template's merged cells, and the
packages it must refuse before unpacking them."""

from __future__ import annotations

import io
import zipfile
from functools import cache

import docx
import pytest
from lxml import etree

import disclosure_utils as du
from disclosure_utils.errors import ReportError
from disclosure_utils.sources import docx as reader

from .conftest import expected
from .expected_cells import assert_exact
from .report_fixtures import content, docx_bytes

NAMES = ["huaian-gov-2024", "shanghai-gov-office-2019"]  # v2021, and v2019 with many blank cells


@cache
def read(name: str):
    return reader.read_docx(docx_bytes(name), f"{name}.docx")


@pytest.mark.parametrize("name", NAMES)
def test_docx_reads_back_to_the_printed_cells_with_their_spans(name):
    doc = read(name)
    title, items = content(name)
    assert doc.format == "docx" and doc.title == title
    assert [p.text for p in doc.paragraphs] == [title, *(item for item in items if isinstance(item, str))]
    layouts = [item for item in items if not isinstance(item, str)]
    assert [[[(c.text, c.colspan, c.rowspan) for c in row] for row in g.rows] for g in doc.grids] == [
        [[(s.text, s.colspan, s.rowspan) for s in row] for row in layout] for layout in layouts
    ]
    kinds = [type(b).__name__ for b in doc.blocks]  # tables stay where the template prints them
    assert kinds[kinds.index("Grid") - 1 : kinds.index("Grid") + 1] == ["Paragraph", "Grid"]


def test_docx_merged_cells_keep_their_text_once_with_sources():
    grid = read("huaian-gov-2024").grids[1]
    cells = {c.text: c for row in grid.rows for c in row}
    parent = cells["三、本年度办理结果"]
    assert (parent.rowspan, parent.colspan, parent.source) == (22, 1, "docx table 2 row 6 cell 1")
    assert (cells["（三）不予公开"].rowspan, cells["申请人情况"].colspan) == (8, 7)
    assert sum(c.text == "三、本年度办理结果" for row in grid.rows for c in row) == 1
    assert [c.source for c in grid.rows[6]][:2] == ["docx table 2 row 7 cell 2", "docx table 2 row 7 cell 3"]
    assert read("huaian-gov-2024").paragraphs[1].source == "docx paragraph 2"


@pytest.mark.parametrize("name", NAMES)
def test_docx_report_reads_to_expected_cells(name, tmp_path):
    path = tmp_path / f"{name}.docx"
    path.write_bytes(docx_bytes(name))
    report = du.read_report(path)
    truth = expected(name)
    assert (report.meta["template"], report.meta["agency"], report.meta["year"]) == (
        truth["template"], truth["agency"], truth["year"],
    )  # fmt: skip
    assert_exact(report.cells, name)


def test_tables_inside_content_controls_are_read():
    document = docx.Document(io.BytesIO(docx_bytes("huaian-gov-2024")))
    body = document.element.body
    table = body.find(docx.oxml.ns.qn("w:tbl"))
    sdt = docx.oxml.parse_xml(
        '<w:sdt xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:sdtContent/></w:sdt>'
    )
    table.addprevious(sdt)
    sdt[0].append(table)
    buf = io.BytesIO()
    document.save(buf)
    assert reader.read_docx(buf.getvalue(), "sdt.docx").grids[0].rows == read("huaian-gov-2024").grids[0].rows


def test_a_table_holding_tables_is_layout_and_its_inner_tables_are_grids():
    document = docx.Document()
    frame = document.add_table(rows=1, cols=2).cell(0, 0)
    frame.paragraphs[0].text = "二、主动公开政府信息情况"
    inner = frame.add_table(rows=2, cols=2)
    for (r, c), text in {
        (0, 0): "信息内容",
        (0, 1): "本年处理决定数量",
        (1, 0): "行政许可",
        (1, 1): "12",
    }.items():
        inner.cell(r, c).text = text
    buf = io.BytesIO()
    document.save(buf)
    doc = reader.read_docx(buf.getvalue(), "layout.docx")
    assert [type(b).__name__ for b in doc.blocks] == ["Paragraph", "Grid"]
    assert doc.paragraphs[0].text == "二、主动公开政府信息情况"
    assert [[c.text for c in row] for row in doc.grids[0].rows] == [
        ["信息内容", "本年处理决定数量"],
        ["行政许可", "12"],
    ]


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _members() -> dict[str, bytes]:
    """The files of huaian's DOCX by name, to change and zip again."""
    package = zipfile.ZipFile(io.BytesIO(docx_bytes("huaian-gov-2024")))
    return {name: package.read(name) for name in package.namelist()}


def test_zip_bomb_member_is_refused_before_unpacking():
    members = _members()
    members["word/media/padding.bin"] = bytes(4 * 1024 * 1024)  # 4 MB of zeros: deflates ~1000 times
    with pytest.raises(
        ReportError, match=r"padding.bin in the DOCX expands \d+ times, over the limit of 100"
    ):
        reader.read_docx(_zip(members), "bomb.docx")


def test_unpacked_size_limit(monkeypatch):
    monkeypatch.setattr(reader, "MAX_UNPACKED", 10_000)
    with pytest.raises(ReportError, match="unpacks to \\d+ bytes, over the limit of 10000"):
        reader.read_docx(docx_bytes("huaian-gov-2024"), "big.docx")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (_zip({"content.xml": b"<office:document/>"}), "without word/document.xml, so not a Word document"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "OLE compound file"),
        (b"PK\x03\x04" + bytes(100), "damaged: not a readable zip"),
        (_zip({"word/document.xml": b"<w:document"}), r"cannot be opened as a Word document \(KeyError: "),
    ],
    ids=["other-zip", "ole", "broken-zip", "broken-package"],
)
def test_not_a_docx_is_refused_with_the_reason(data, reason):
    with pytest.raises(ReportError, match=reason):
        reader.read_docx(data, "bad.docx")


def _with_document(edit) -> bytes:
    """huaian's DOCX with its word/document.xml passed through `edit` (bytes → bytes)."""
    members = _members()
    members["word/document.xml"] = edit(members["word/document.xml"])
    return _zip(members)


def test_a_document_without_a_body_is_refused():
    """python-docx gives None for a missing w:body (here misspelt w:Body) instead of failing."""
    data = _with_document(lambda xml: xml.replace(b"<w:body>", b"<w:Body>").replace(b"</w:body>", b"</w:Body>"))
    with pytest.raises(ReportError, match=r"no document body \(w:body\)"):
        reader.read_docx(data, "nobody.docx")


def test_a_zip_needing_a_newer_zip_version_is_damaged():
    """zipfile raises NotImplementedError for a member needing zip version 6.4 or later."""
    data = bytearray(docx_bytes("huaian-gov-2024"))
    entry = data.index(b"PK\x01\x02")  # the first central directory entry; "version needed" is at +6
    data[entry + 6 : entry + 8] = (64).to_bytes(2, "little")
    with pytest.raises(ReportError, match="damaged: not a readable zip archive"):
        reader.read_docx(bytes(data), "newer.docx")


def test_a_huge_grid_span_is_read_as_at_most_max_colspan_columns():
    """A gridSpan of 2**31 took minutes, clearing the merge state one column at a time."""
    first = b'<w:gridSpan w:val="7"/>'  # 申请人情况 over table 三's seven applicant columns
    assert _members()["word/document.xml"].count(first) >= 1
    doc = reader.read_docx(_with_document(lambda xml: xml.replace(first, b'<w:gridSpan w:val="2147483648"/>', 1)),
                           "span.docx")  # fmt: skip
    cells = {c.text: c for grid in doc.grids for row in grid.rows for c in row}
    assert cells["申请人情况"].colspan == reader.MAX_COLSPAN == 1000
    assert [g.rows[-1] for g in doc.grids] == [g.rows[-1] for g in read("huaian-gov-2024").grids]


def test_a_macro_enabled_document_is_refused_with_the_same_reason_every_time():
    """python-docx names the package by its object's address ("<_io.BytesIO object at 0x…>"), which differs from
    run to run: the reason leaves it out, so a corpus built twice lists the same error."""
    members = _members()
    main = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
    assert main in members["[Content_Types].xml"]
    members["[Content_Types].xml"] = members["[Content_Types].xml"].replace(
        main, b"application/vnd.ms-word.document.macroEnabled.main+xml"
    )
    with pytest.raises(ReportError) as caught:
        reader.read_docx(_zip(members), "macros.docm")
    assert caught.value.reason == (
        "the DOCX cannot be opened as a Word document (ValueError: file '<_io.BytesIO object>' is not a Word file, "
        "content type is 'application/vnd.ms-word.document.macroEnabled.main+xml')"
    )


def test_truncated_docx_is_damaged():
    data = docx_bytes("huaian-gov-2024")
    with pytest.raises(ReportError, match="damaged"):
        reader.read_docx(data[: len(data) // 2], "half.docx")


def test_continuation_cell_text_is_kept():
    """Text left in a vMerge continuation cell (Word hides it apart) is kept, appended to the merged cell."""
    document = docx.Document(io.BytesIO(docx_bytes("huaian-gov-2024")))
    table = document.tables[1]
    tc = table.rows[6]._tr.tc_lst[
        0
    ]  # a continuation cell of 三、本年度办理结果 (table.cell() would give the first)
    assert tc.tcPr.vMerge is not None and tc.tcPr.vMerge.get(docx.oxml.ns.qn("w:val")) in (None, "continue")
    docx.table._Cell(tc, table).text = "（续）"
    buf = io.BytesIO()
    document.save(buf)
    grid = reader.read_docx(buf.getvalue(), "continued.docx").grids[1]
    assert grid.rows[5][0].text == "三、本年度办理结果\n（续）" and grid.rows[5][0].rowspan == 22


@pytest.mark.parametrize(
    ("runs", "printed"),
    [
        ('<w:moveFrom w:id="1" w:author="a"><w:r><w:t>7</w:t></w:r></w:moveFrom><w:r><w:t>38</w:t></w:r>', "38"),
        ('<w:del w:id="1" w:author="a"><w:r><w:delText>39</w:delText></w:r></w:del>'
         '<w:ins w:id="2" w:author="a"><w:r><w:t>38</w:t></w:r></w:ins>', "38"),
        ('<w:del w:id="1" w:author="a"><w:r><w:t>7</w:t></w:r></w:del><w:r><w:t>38</w:t></w:r>', "38"),
        ('<w:moveTo w:id="1" w:author="a"><w:r><w:t>38</w:t></w:r></w:moveTo>', "38"),
    ],
    ids=["moved-away", "deleted", "deleted-as-text", "moved-here"],
)
def test_tracked_changes_print_only_their_result(runs, printed):
    """A cell left with a tracked move read the moved-away 7 too: 738 for a printed 38."""
    from lxml import etree

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    p = etree.fromstring(f'<w:p xmlns:w="{w}">{runs}</w:p>')
    assert reader._paragraph_text(p) == printed


def test_a_continuation_with_no_restart_above_extends_the_cell_above(tmp_path):
    """A w:vMerge continuation under a cell that starts no merge: viewers may show the two merged, so the row is read
    a cell short and is ambiguous, not read with a blank total that may not be what is shown."""
    document = docx.Document(io.BytesIO(docx_bytes("huaian-gov-2024")))
    (tr,) = [tr for tr in document.tables[1]._tbl.tr_lst if "（二）部分公开" in "".join(tr.itertext())]
    tc = tr.tc_lst[-1]  # 总计 of 部分公开; the 总计 of 予以公开 above it starts no merge
    above = tr.getprevious().tc_lst[-1]
    assert above.tcPr is None or above.tcPr.vMerge is None
    tc.get_or_add_tcPr().append(docx.oxml.parse_xml(f'<w:vMerge {docx.oxml.ns.nsdecls("w")}/>'))
    docx.table._Cell(tc, document.tables[1]).text = ""
    path = tmp_path / "orphan.docx"
    document.save(path)
    report = du.read_report(path)
    requests = report.cells[report.cells.table == "requests"]
    assert set(requests[requests.row == "partially_granted"].kind) == {"ambiguous"}
    assert ((report.findings.check == "READ_SHAPE") & (report.findings.row == "partially_granted")).sum() == 1
    truth = {c["column"]: c["value"] for c in expected("huaian-gov-2024")["cells"] if c["row"] == "granted"}
    granted = requests[requests.row == "granted"]
    assert len(granted) == 7 and all(granted.value == granted.column.map(truth))


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _tbl(*rows: str):
    return etree.fromstring(f'<w:tbl xmlns:w="{_W}">' + "".join(f"<w:tr>{r}</w:tr>" for r in rows) + "</w:tbl>")


def _tc(text: str, props: str = "") -> str:
    return f"<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>"


@pytest.mark.parametrize(
    "rows",
    [  # the cell above F is C, widened over two columns; the row above 5 reaches only two columns
        (_tc("A") + _tc("B"), _tc("C", '<w:hMerge w:val="restart"/>') + _tc("", "<w:hMerge/>"),
         _tc("E") + _tc("F", "<w:vMerge/>")),
        (_tc("A") + _tc("B") + _tc("F"), _tc("a") + _tc("b"), _tc("e") + _tc("f") + _tc("F", "<w:vMerge/>")),
    ],
    ids=["under-a-widened-cell", "under-a-short-row"],
)  # fmt: skip
def test_a_continuation_extends_only_the_cell_directly_above(rows):
    """A continuation with no cell of its width directly above it is a cell of its own, never merged into a cell
    two rows up."""
    grid = reader._grid(_tbl(*rows), 1)
    assert [c.text for c in grid.rows[-1]][-1] == "F" and all(c.rowspan == 1 for row in grid.rows for c in row)
