"""DOCX bytes → `Document`: body paragraphs and tables in document order.

The zip is inspected before anything is unpacked: a total uncompressed size over MAX_UNPACKED, a
member expanding more than MAX_RATIO times, encrypted members, or no word/document.xml are refused.
python-docx then opens the package (its lxml parser resolves no entities and loads no DTD or network
resource; zipfile never unpacks more than a member's declared size).

Tables keep their merged cells: w:gridSpan is the colspan (at most MAX_COLSPAN), a w:vMerge run of
cells is one cell whose rowspan counts the rows it covers (its text printed once; text in a continuation
cell, which Word does not show apart, is appended), as in HTML. A continuation with no restart above it extends
the cell above all the same: viewers may show the two merged, so its row is read a cell short (and is ambiguous if
that was a value), not with a blank that may not be what is shown. A table whose cells hold tables is page
layout: the paragraphs and tables inside it are read in its place. Sources: "docx paragraph N" (N counts
the paragraphs in reading order, empty ones too), "docx table T" and "docx table T row R cell C" (C
counts the row's w:tc).
"""

from __future__ import annotations

import io
import re
import zipfile

import docx

from ..document import Block, Cell, Document, Grid, Paragraph
from ..errors import ReportError
from . import MAX_COLSPAN, OLE_MAGIC

MAX_UNPACKED = 100 * 1024 * 1024  # bytes the whole package may unpack to
MAX_RATIO = 100  # how many times its compressed size one member may expand to
MAX_MEMBERS = 10_000  # files in the package

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_NOT_PRINTED = frozenset({f"{_MC}Fallback", f"{_W}tabs", f"{_W}moveFrom", f"{_W}del"})
_CONTAINERS = (
    f"{_W}sdt",
    f"{_W}sdtContent",
    f"{_W}customXml",
    f"{_W}smartTag",
    f"{_MC}AlternateContent",
    f"{_MC}Choice",
)


def read_docx(data: bytes, path: str) -> Document:
    """Read a Word (.docx) file into paragraphs and grids.

    Raises `ReportError` for a file that is not a DOCX (a legacy or encrypted OLE file, another zip,
    a damaged zip), one that unpacks too large or too compressed (a zip bomb), or one without text.
    """
    _check_zip(data, path)
    try:
        body = docx.Document(io.BytesIO(data)).element.body
    except Exception as exc:  # python-docx / lxml / zipfile fail in many ways on a broken package
        reason = _ADDRESS.sub("", f"{type(exc).__name__}: {exc}")  # an object's address differs from run to run
        raise ReportError(path, f"the DOCX cannot be opened as a Word document ({reason})") from None
    if body is None:
        raise ReportError(path, "the DOCX has no document body (w:body), so no text")
    blocks: list[Block] = []
    counts = {"p": 0, "tbl": 0}
    title: list[str] = []
    for el in _blocks(body):
        if el.tag == f"{_W}p":
            counts["p"] += 1
            if text := _paragraph_text(el).strip():
                if len(blocks) == len(title) and _is_title(el):
                    title.append(text)
                blocks.append(Paragraph(text, f"docx paragraph {counts['p']}"))
        else:
            counts["tbl"] += 1
            blocks.append(_grid(el, counts["tbl"]))
    if not any(isinstance(b, Paragraph) or any(c.text for row in b.rows for c in row) for b in blocks):
        raise ReportError(path, "the DOCX has no text")
    return Document(path=path, format="docx", blocks=blocks, title="".join(title) or None)


def _check_zip(data: bytes, path: str) -> None:
    if data.startswith(OLE_MAGIC):
        raise ReportError(path, "an OLE compound file (a legacy .doc or .wps, or an encrypted DOCX), not a DOCX "
                          "that can be read: save it as DOCX or PDF")
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as exc:  # the last: a version zipfile lacks
        raise ReportError(path, f"the DOCX is damaged: not a readable zip archive ({exc})") from None
    if len(infos) > MAX_MEMBERS:
        raise ReportError(path, f"the DOCX holds {len(infos)} files, over the limit of {MAX_MEMBERS}")
    if "word/document.xml" not in {i.filename for i in infos}:
        raise ReportError(path, "a zip archive without word/document.xml, so not a Word document")
    if any(i.flag_bits & 0x1 for i in infos):
        raise ReportError(path, "the DOCX has encrypted parts and cannot be read")
    total = sum(i.file_size for i in infos)
    if total > MAX_UNPACKED:
        raise ReportError(
            path, f"the DOCX unpacks to {total} bytes, over the limit of {MAX_UNPACKED} (a zip bomb?)"
        )
    for i in infos:
        if i.file_size > 1024 * 1024 and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            ratio = i.file_size / max(i.compress_size, 1)
            raise ReportError(
                path,
                f"{i.filename} in the DOCX expands {ratio:.0f} times, over the limit of {MAX_RATIO} (a zip bomb?)",
            )


def _within(parent, *tags: str):
    """Children of `parent` with one of `tags`, in order, looking inside content controls and custom XML."""
    for el in parent.iterchildren():
        if el.tag in tags:
            yield el
        elif el.tag in _CONTAINERS:
            yield from _within(el, *tags)


def _blocks(parent):
    """Paragraphs and tables in order; a table holding tables is layout: its cells' contents are read instead."""
    for el in _within(parent, f"{_W}p", f"{_W}tbl"):
        if el.tag == f"{_W}tbl" and next(el.iterdescendants(f"{_W}tbl"), None) is not None:
            for tr in _within(el, f"{_W}tr"):
                for tc in _within(tr, f"{_W}tc"):
                    yield from _blocks(tc)
        else:
            yield el


def _paragraph_text(p) -> str:
    """Printed text of a w:p: runs (inserted ones too), tabs and line breaks; hidden and deleted text left out."""
    parts = []
    for el in p.iter(f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr", f"{_W}noBreakHyphen"):
        if _hidden(el, p):
            continue
        if el.tag == f"{_W}t":
            parts.append(el.text or "")
        elif el.tag == f"{_W}tab":
            parts.append("\t")
        elif el.tag == f"{_W}noBreakHyphen":
            parts.append("-")
        elif el.get(f"{_W}type") in (None, "textWrapping"):
            parts.append("\n")
    return "".join(parts)


def _hidden(el, stop) -> bool:
    """Is `el` in a fallback copy (mc:Fallback), a tab stop definition, text a tracked change moved or deleted
    (w:moveFrom, w:del), or a run marked hidden (w:vanish)?"""
    node = el.getparent()
    while node is not None and node is not stop:
        if node.tag in _NOT_PRINTED:
            return True
        if node.tag == f"{_W}r":
            rpr = node.find(f"{_W}rPr")
            if rpr is not None and rpr.find(f"{_W}vanish") is not None:
                return True
        node = node.getparent()
    return False


def _is_title(p) -> bool:
    """A centred or title-styled paragraph (report titles are set that way)."""
    ppr = p.find(f"{_W}pPr")
    if ppr is None:
        return False
    jc, style = ppr.find(f"{_W}jc"), ppr.find(f"{_W}pStyle")
    centred = jc is not None and jc.get(f"{_W}val") == "center"
    return centred or (style is not None and (style.get(f"{_W}val") or "").lower() == "title")


def _int(el, tag: str, default: int, most: int | None = None) -> int:
    """The integer w:val of `tag` under `el`, never below `default` (its value when absent or unreadable) nor above
    `most`."""
    child = el.find(tag) if el is not None else None
    try:
        value = max(int(child.get(f"{_W}val")), default) if child is not None else default
        return value if most is None else min(value, most)
    except (TypeError, ValueError):
        return default


def _merge(tcpr, tag: str) -> str | None:
    """ "restart", "continue" or None for a w:vMerge / w:hMerge in a cell's properties."""
    el = tcpr.find(tag) if tcpr is not None else None
    if el is None:
        return None
    return "restart" if el.get(f"{_W}val") == "restart" else "continue"


def _cell_text(tc) -> str:
    """The cell's paragraphs, one line each (an innermost table's cells hold no tables)."""
    return "\n".join(t for p in _blocks(tc) if (t := _paragraph_text(p).strip()))


def _grid(tbl, t: int) -> Grid:
    rows: list[list[dict]] = []
    above: dict[int, dict] = {}  # grid column → the cell starting there in the row above (a continuation extends it)
    for r, tr in enumerate(_within(tbl, f"{_W}tr"), 1):
        col = _int(tr.find(f"{_W}trPr"), f"{_W}gridBefore", 0)
        row: list[dict] = []
        here: dict[int, dict] = {}  # `above` for the next row: the cells this row holds, merged ones included
        for c, tc in enumerate(_within(tr, f"{_W}tc"), 1):
            tcpr = tc.find(f"{_W}tcPr")
            span = _int(tcpr, f"{_W}gridSpan", 1, MAX_COLSPAN)
            text = _cell_text(tc)
            target = above.get(col)
            if _merge(tcpr, f"{_W}vMerge") == "continue" and target is not None and target["colspan"] == span:
                target["rowspan"] += 1
                target["text"] = "\n".join(x for x in (target["text"], text) if x)
                here[col] = target
            elif _merge(tcpr, f"{_W}hMerge") == "continue" and row:
                row[-1]["colspan"] = min(row[-1]["colspan"] + span, MAX_COLSPAN)
                row[-1]["text"] = "\n".join(x for x in (row[-1]["text"], text) if x)
            else:
                cell = dict(text=text, source=f"docx table {t} row {r} cell {c}", colspan=span, rowspan=1)
                row.append(cell)
                here[col] = cell
            col += span
        rows.append(row)
        above = here
    return Grid(tuple(tuple(Cell(**cell) for cell in row) for row in rows), f"docx table {t}")
