"""Every limit on hostile input: an input just over it is refused with a clear `ReportError`, one at
it is read. Parsing never touches the network and never expands an entity."""

from __future__ import annotations

import http.server
import io
import os
import re
import socket
import threading
import time
import zipfile
from types import SimpleNamespace

import pytest
from fpdf import FPDF

import disclosure_utils as du
from disclosure_utils import labels, sources, split, tables
from disclosure_utils.document import Document, Paragraph
from disclosure_utils.sources import docx as docx_reader
from disclosure_utils.sources import html as html_reader
from disclosure_utils.sources import pdf as pdf_reader

from .conftest import reports_dir
from .report_fixtures import docx_bytes
from .test_source_docx import _zip


def _cells(report: du.Report) -> list[tuple]:
    return [(c.table, c.row, c.column, c.kind, c.raw) for c in report.cells.itertuples()]


# --------------------------------------------------------------------------- file size


def test_file_size_limit(monkeypatch, tmp_path):
    data = (reports_dir() / "pingtan-jsp-2021.txt").read_bytes()
    monkeypatch.setattr(sources, "MAX_FILE_BYTES", len(data))
    at, over = tmp_path / "at.txt", tmp_path / "over.txt"
    at.write_bytes(data)
    over.write_bytes(data + b"\n")
    assert len(du.read_report(at).cells) == 200
    with pytest.raises(du.ReportError) as info:
        du.read_report(over)
    assert (
        info.value.kind == "limit"
        and f"{len(data) + 1} bytes, over the {len(data)}-byte limit" in info.value.reason
    )


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_endless_file_is_read_only_up_to_the_limit(monkeypatch):
    """A device that reports size 0 but never ends (/dev/zero) is refused once past the limit, not read forever."""
    monkeypatch.setattr(sources, "MAX_FILE_BYTES", 1000)
    with pytest.raises(du.ReportError) as info:
        sources.load_document("/dev/zero")
    assert info.value.kind == "limit"


def test_a_folder_is_not_a_report(tmp_path):
    with pytest.raises(du.ReportError, match="cannot open the file"):
        du.read_report(tmp_path)


# --------------------------------------------------------------------------- HTML nesting


def _wrapped(body: str, divs: int) -> bytes:
    return f"<html><body>{'<div>' * divs}{body}{'</div>' * divs}</body></html>".encode()


def _depth(data: bytes) -> int:
    """Levels of the deepest element (html is level 1), as the reader parses the page."""
    from lxml import etree

    root = etree.fromstring(data, etree.HTMLParser())
    return max(len(list(el.iterancestors())) + 1 for el in root.iter())


def test_html_nesting_limit(tmp_path):
    """A real report wrapped in <div>s: its deepest element at level MAX_HTML_DEPTH reads to the same
    cells as the page itself; one level deeper is refused."""
    page = (reports_dir() / "pingtan-nyn-2023-web.html").read_text(encoding="utf-8")
    body = re.search(r"<body[^>]*>(.*)</body>", page, re.S)[1]
    base = _depth(_wrapped(body, 0))
    at, over = tmp_path / "at.html", tmp_path / "over.html"
    at.write_bytes(_wrapped(body, html_reader.MAX_HTML_DEPTH - base))
    over.write_bytes(_wrapped(body, html_reader.MAX_HTML_DEPTH - base + 1))
    assert _depth(at.read_bytes()) == html_reader.MAX_HTML_DEPTH
    assert _cells(du.read_report(at)) == _cells(du.read_report(reports_dir() / "pingtan-nyn-2023-web.html"))
    with pytest.raises(du.ReportError, match=f"nested deeper than {html_reader.MAX_HTML_DEPTH} levels"):
        du.read_report(over)


def test_absurdly_deep_html_is_refused_quickly():
    start = time.perf_counter()
    with pytest.raises(du.ReportError, match="nested deeper"):
        html_reader.read_html(_wrapped("<p>文字</p>", 200_000), "deep.html")
    assert time.perf_counter() - start < 5


# --------------------------------------------------------------------------- DOCX package


def _members(data: bytes) -> dict[str, bytes]:
    package = zipfile.ZipFile(io.BytesIO(data))
    return {name: package.read(name) for name in package.namelist()}


def _infos(data: bytes) -> list[zipfile.ZipInfo]:
    return zipfile.ZipFile(io.BytesIO(data)).infolist()


def test_docx_unpacked_size_limit(monkeypatch):
    data = docx_bytes("huaian-gov-2024")
    total = sum(i.file_size for i in _infos(data))
    monkeypatch.setattr(docx_reader, "MAX_UNPACKED", total)
    assert docx_reader.read_docx(data, "at.docx").grids
    monkeypatch.setattr(docx_reader, "MAX_UNPACKED", total - 1)
    with pytest.raises(du.ReportError, match=f"unpacks to {total} bytes, over the limit of {total - 1}"):
        docx_reader.read_docx(data, "over.docx")


@pytest.mark.parametrize("extra", [0, 1])
def test_docx_compression_ratio_limit(extra):
    """A member of zeros (deflates ~1000 times) is tolerated up to 1 MiB and refused one byte over it."""
    members = _members(docx_bytes("huaian-gov-2024"))
    members["word/media/padding.bin"] = bytes(1024 * 1024 + extra)
    data = _zip(members)
    if not extra:
        assert docx_reader.read_docx(data, "at.docx").grids
        return
    with pytest.raises(du.ReportError, match=f"padding.bin in the DOCX expands \\d+ times, over the limit of "
                                             f"{docx_reader.MAX_RATIO}"):  # fmt: skip
        docx_reader.read_docx(data, "over.docx")


def test_docx_ratio_just_over_the_limit(monkeypatch):
    members = _members(docx_bytes("huaian-gov-2024"))
    members["word/media/padding.bin"] = bytes(2 * 1024 * 1024)
    data = _zip(members)
    info = next(i for i in _infos(data) if i.filename == "word/media/padding.bin")
    monkeypatch.setattr(docx_reader, "MAX_RATIO", info.file_size / info.compress_size)
    assert docx_reader.read_docx(data, "at.docx").grids
    monkeypatch.setattr(docx_reader, "MAX_RATIO", (info.file_size - 1) / info.compress_size)
    with pytest.raises(du.ReportError, match="expands \\d+ times, over the limit"):
        docx_reader.read_docx(data, "over.docx")


def test_docx_member_count_limit(monkeypatch):
    data = docx_bytes("huaian-gov-2024")
    count = len(_infos(data))
    monkeypatch.setattr(docx_reader, "MAX_MEMBERS", count)
    assert docx_reader.read_docx(data, "at.docx").grids
    monkeypatch.setattr(docx_reader, "MAX_MEMBERS", count - 1)
    with pytest.raises(du.ReportError, match=f"holds {count} files, over the limit of {count - 1}"):
        docx_reader.read_docx(data, "over.docx")


# --------------------------------------------------------------------------- PDF pages and time


def _pdf(pages: int) -> bytes:
    doc = FPDF()
    doc.set_font("helvetica", size=12)
    for n in range(pages):
        doc.add_page()
        doc.cell(text=f"page {n + 1} of a report")
    return bytes(doc.output())


def test_pdf_page_limit(monkeypatch):
    data = _pdf(3)
    monkeypatch.setattr(pdf_reader, "MAX_PAGES", 3)
    assert "page 3" in pdf_reader.read_pdf(data, "at.pdf").text()
    monkeypatch.setattr(pdf_reader, "MAX_PAGES", 2)
    with pytest.raises(du.ReportError, match="has 3 pages, over the limit of 2"):
        pdf_reader.read_pdf(data, "over.pdf")


def _clock(after_first_page: float):
    """A monotonic clock for the PDF reader that stands still until page 1 is read, then jumps."""
    ticks = iter([0.0, 0.0])
    return SimpleNamespace(monotonic=lambda: next(ticks, after_first_page))


def test_pdf_time_limit(monkeypatch):
    data = _pdf(3)
    monkeypatch.setattr(pdf_reader, "time", _clock(pdf_reader.MAX_SECONDS))
    assert "page 3" in pdf_reader.read_pdf(data, "at.pdf").text()
    monkeypatch.setattr(pdf_reader, "time", _clock(pdf_reader.MAX_SECONDS + 0.001))
    with pytest.raises(
        du.ReportError, match=f"took over {pdf_reader.MAX_SECONDS:g} s \\(stopped at page 2\\)"
    ):
        pdf_reader.read_pdf(data, "slow.pdf")


# --------------------------------------------------------------------------- glued runs


def test_glued_run_with_too_many_splits_is_ambiguous_not_slow():
    """A table-三 row printed as 80 glued digits admits more splits than MAX_STEPS: its cells are
    ambiguous with a finding, in bounded time."""
    run = "1234567890" * 8
    text = (
        "三、收到和处理政府信息公开申请情况 申请人情况 自然人 商业企业 科研机构 社会公益组织 法律服务机构 其他 总计\n"
        f"一、本年新收政府信息公开申请数量{run}\n二、上年结转政府信息公开申请数量0000000\n五、存在的主要问题及改进情况"
    )  # fmt: skip
    start = time.perf_counter()
    rec = tables.recognise(Document("long.txt", "text", [Paragraph(text, "line 1")]))
    assert time.perf_counter() - start < 5
    row = [c for c in rec.cell_records if c.row == "new_received"]
    assert len(row) == 7 and all(c.kind == "ambiguous" for c in row)
    assert any(f["check"] == "READ_UNSPLITTABLE" and f["row"] == "new_received" for f in rec.finding_records)
    with pytest.raises(split.TooManySplits):
        split.candidates(split.tokens(run), ["int"] * 7)


def test_cached_splits_stay_within_their_budget(monkeypatch):
    """The splits of glued runs are memoised only up to split.CACHE_BUDGET candidates in all: a run with more
    splits than that is not kept, and the cache is emptied before a result would pass the budget."""
    monkeypatch.setattr(split, "CACHE_BUDGET", 38)
    tables._row_split.cache_clear()
    cols = labels.REQUESTS_COLUMNS
    runs = {name: ("requests", (run,), cols) for name, run in
            [("one", "0000000"), ("31", "21710000218"), ("126", "2171000021811"), ("7", "217100002")]}
    kept = {name: tables._row_split(*runs[name]) for name in ("one", "31")}  # 1 + 31 candidates: within 38
    assert [len(kept[name][0]) for name in kept] == [1, 31]
    assert all(tables._row_split(*runs[name]) is kept[name] for name in kept)
    assert len(tables._row_split(*runs["126"])[0]) == 126
    assert tables._row_split(*runs["126"]) is not tables._row_split(*runs["126"])  # over the budget: not kept
    seven = tables._row_split(*runs["7"])  # 32 + 7 > 38: the cache is emptied, then holds these 7
    assert tables._row_split(*runs["7"]) is seven
    assert all(tables._row_split(*runs[name]) is not kept[name] for name in kept)
    tables._row_split.cache_clear()


# --------------------------------------------------------------------------- no network, no entities


@pytest.fixture
def no_network(monkeypatch):
    """A local HTTP server that counts requests (libxml2 fetches in C, below Python's socket module), and
    Python-level connects refused. Yields the server's base URL and the list of requested paths."""
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            requests.append(self.path)
            body = b'<!ENTITY fetched "FETCHED-FROM-THE-NETWORK">'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    connects: list[object] = []

    def refuse(self, address, *args):
        connects.append(address)
        raise OSError("network access during a test of parsing")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requests, connects
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


SECRET = "SECRET-FILE-CONTENT-7f3a"
# What a DOCTYPE may smuggle in: a local file, an external DTD and entity, exponential expansion.
DOCTYPES = {
    "file": '<!ENTITY x SYSTEM "{secret}">',
    "network": '<!ENTITY x SYSTEM "{url}/entity.txt">',
    "laughs": '<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY x "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">',
}


def _doctype(root: str, case: str, url: str, tmp_path) -> str:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    external = f' SYSTEM "{url}/external.dtd"' if case == "network" else ""
    return f"<!DOCTYPE {root}{external} [{DOCTYPES[case].format(secret=secret.as_uri(), url=url)}]>"


def _no_leak(text: str, requests: list, connects: list) -> None:
    assert SECRET not in text and "FETCHED" not in text and "lollol" not in text
    assert requests == [] and connects == []


@pytest.mark.parametrize("case", DOCTYPES)
def test_html_parsing_fetches_nothing_and_expands_no_entity(case, no_network, tmp_path):
    url, requests, connects = no_network
    page = (f'<?xml version="1.0"?>{_doctype("html", case, url, tmp_path)}<html><head><meta charset="utf-8">'
            f'<link rel="stylesheet" href="{url}/style.css"><script src="{url}/x.js"></script></head><body>'
            f'<p>报告正文 &x; 结束</p><img src="{url}/img.png"><iframe src="{url}/frame.html"></iframe>'
            f"<p>第二段</p></body></html>")  # fmt: skip
    doc = html_reader.read_html(page.encode(), "entities.html")
    _no_leak(doc.text(), requests, connects)
    assert "报告正文" in doc.text() and "第二段" in doc.text()


@pytest.mark.parametrize("case", DOCTYPES)
def test_docx_parsing_fetches_nothing_and_expands_no_entity(case, no_network, tmp_path):
    """The entity is used in a paragraph of a real report's DOCX. Refusing the package is as good as
    reading it without the entity (checked to fail if python-docx's parser resolved entities)."""
    url, requests, connects = no_network
    members = _members(docx_bytes("huaian-gov-2024"))
    xml = members["word/document.xml"].decode("utf-8")
    xml = re.sub(
        r"^(<\?xml[^>]*\?>)", lambda m: m[1] + _doctype("w:document", case, url, tmp_path), xml, count=1
    )
    xml = xml.replace("</w:body>", "<w:p><w:r><w:t>实体 &x; 结束</w:t></w:r></w:p></w:body>", 1)
    assert "<!DOCTYPE" in xml
    members["word/document.xml"] = xml.encode("utf-8")
    try:
        text = docx_reader.read_docx(_zip(members), "entities.docx").text()
    except du.ReportError as exc:
        text = exc.reason
    _no_leak(text, requests, connects)
