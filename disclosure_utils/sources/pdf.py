"""PDF bytes → `Document`: tables as `Grid`s, the other text as `Paragraph`s, in reading order.

Only PDFs with a text layer are read (pdfplumber: characters with their boxes, and the ruling lines).
A ruled table takes its cells from the rules. A table without rules, or whose value columns are not
ruled apart, is rebuilt from the text positions alone: value columns from the column headers (wrapped
header lines merged bottom-up), rows from the lines holding values and the row labels (a label line
that starts with an ordinal such as "1." or "（二）" starts a row; one that does not continues the label
above it), parent labels ("三、本年度办理结果") as cells spanning the rows beside them. A blank printed
cell is an empty `Cell` at its column. A table that runs over a page break becomes one `Grid` when the
next page starts with a table of the same columns; a merged label cell cut by the break becomes one cell.
Without rules, header and parent-label spans are estimates (the row labels and values are not).

Damage pdfminer would pass over in silence is refused instead: a page whose content, form, character
map or (unmapped) font program does not decompress intact, a missing content stream or font encoding,
pages missing from the page tree, or text mostly without a Unicode mapping (unmapped glyphs left are
written U+FFFD).

Sources are "page P box x0,top,x1,bottom" in PDF points from the page's top-left (rounded to 0.1),
joined by "; " for a thing on several pages.

The parts: `pdf_page` (page damage checks, characters → lines, boxes), `pdf_tables` (table cells,
joining over page breaks, ruled tables), `pdf_borderless` (tables from text positions).
"""

from __future__ import annotations

import io
import re
import time
from dataclasses import dataclass

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfplumber.utils.exceptions import PdfminerException

from ..document import Block, Document, Paragraph
from ..errors import ReportError
from .pdf_borderless import _borderless_tables
from .pdf_page import _check_page, _dict, _group_lines, _Line, _Raw, _source
from .pdf_tables import _Columns, _ruled_tables, _Table

MAX_PAGES = 200  # a report longer than this is refused
MAX_SECONDS = 60.0  # reading stops with an error after this long (checked between pages)
EOF_WINDOW = 4096  # a complete PDF ends with its %%EOF marker within this many bytes
MAX_UNMAPPED = 0.01  # share of characters without a Unicode mapping above which the text is unreadable

_PAGE_NUMBER = re.compile(
    r"^[-－—–\s]*(?:第\s*)?\d{1,4}\s*页?(?:\s*[/，,]?\s*共\s*\d+\s*页)?[-－—–\s]*$|^\d+\s*/\s*\d+$"
)


def read_pdf(data: bytes, path: str) -> Document:
    """Read a PDF with a text layer into paragraphs and grids.

    Raises `ReportError` for a PDF that is encrypted, damaged or truncated, has no text layer
    (scanned pages), has more than MAX_PAGES pages, or takes longer than MAX_SECONDS to read.
    """
    return _read(data, path, ruled=True)


def _read(data: bytes, path: str, *, ruled: bool) -> Document:
    """`read_pdf`; with `ruled=False` the rules are ignored and every table is read from text positions."""
    if b"%%EOF" not in data[-EOF_WINDOW:]:
        raise ReportError(
            path, "the PDF is damaged: it has no end-of-file marker, so it is probably truncated"
        )
    pages: list[list[_Table | _Line]] = []
    carry: _Columns | None = None
    for raw in _parse(data, path, ruled):
        items, taken = _layout(raw, carry, _tail(pages[-1]) if pages else [])
        if taken:  # a header the page before ended with, now read with its table
            pages[-1] = [it for it in pages[-1] if all(it is not t for t in taken)]
        pages.append(items)
        carry = items[-1].columns if items and isinstance(items[-1], _Table) else None
    pages = _boxed_lines_as_text(pages)
    if not any(pages):
        raise ReportError(
            path, "the PDF has no text layer (image-only or scanned pages), so it cannot be read"
        )
    return Document(path=path, format="pdf", blocks=_blocks(pages), title=_title(pages))


_KEYS = ("text", "x0", "x1", "top", "bottom", "size")
_UNMAPPED = re.compile(r"^\(cid:\d+\)$")  # how pdfminer writes a glyph its font maps to no character


def _parse(data: bytes, path: str, ruled: bool) -> list[_Raw]:
    """Every page through pdfplumber; its errors (and the limits) become `ReportError`s with the reason."""
    try:
        raws = _parse_pages(data, path, ruled)
    except ReportError:
        raise
    except PdfminerException as exc:
        raise ReportError(path, _reason(exc.args[0] if exc.args else exc)) from None
    except Exception as exc:  # a parser fails in many ways on a broken file; none may escape unexplained
        raise ReportError(path, _reason(exc)) from None
    chars = [c for raw in raws for c in raw.chars]
    unmapped = sum(bool(_UNMAPPED.match(c["text"])) for c in chars)
    if unmapped > MAX_UNMAPPED * len(chars):
        raise ReportError(
            path,
            f"the PDF's text cannot be decoded: {unmapped} of its {len(chars)} characters have no Unicode mapping "
            "(a font without a ToUnicode map, or a damaged one)",
        )
    for c in chars:
        if _UNMAPPED.match(c["text"]):
            c["text"] = "\ufffd"
    return raws


def _parse_pages(data: bytes, path: str, ruled: bool) -> list[_Raw]:
    started = time.monotonic()
    raws = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        if not pdf.pages:
            raise ReportError(path, "the PDF is damaged: it has no pages")
        if len(pdf.pages) > MAX_PAGES:
            raise ReportError(path, f"the PDF has {len(pdf.pages)} pages, over the limit of {MAX_PAGES}")
        listed = _dict(_dict(pdf.doc.catalog).get("Pages")).get("Count")
        if isinstance(listed, int) and listed != len(pdf.pages):
            raise ReportError(
                path,
                f"the PDF is damaged: its page tree lists {listed} pages but {len(pdf.pages)} can be read",
            )
        for number, page in enumerate(pdf.pages, 1):
            if time.monotonic() - started > MAX_SECONDS:
                raise ReportError(
                    path, f"reading the PDF took over {MAX_SECONDS:g} s (stopped at page {number})", kind="time"
                )
            _check_page(page, number, path)
            chars = [{k: c[k] for k in _KEYS} for c in page.chars if c["text"].strip()]
            tables = page.find_tables() if ruled and chars else []
            boxes = [(tuple(map(float, t.bbox)), [tuple(map(float, c)) for c in t.cells]) for t in tables]
            raws.append(_Raw(number, float(page.height), chars, boxes))
            page.close()
    return raws


def _reason(exc: BaseException) -> str:
    if isinstance(exc, PDFPasswordIncorrect | PDFEncryptionError):
        return "the PDF is encrypted and cannot be read without its password"
    return f"the PDF is damaged: {type(exc).__name__}: {exc}"


def _boxed_lines_as_text(pages: list[list[_Table | _Line]]) -> list[list[_Table | _Line]]:
    """Pages with each one-row ruled table that no table goes on with across a page break (a boxed line,
    such as 标题 | …年度报告) read as text lines again."""
    out = []
    for n, items in enumerate(pages):
        kept: list[_Table | _Line] = []
        for k, item in enumerate(items):
            before = pages[n - 1][-1] if k == 0 and n and pages[n - 1] else None
            after = pages[n + 1][0] if k == len(items) - 1 and n + 1 < len(pages) and pages[n + 1] else None
            if not (isinstance(item, _Table) and item.one_row) or (
                (isinstance(before, _Table) and before.continues_with(item))
                or (isinstance(after, _Table) and item.continues_with(after))
            ):
                kept.append(item)
            else:
                kept += _group_lines(item.chars, item.boxes[0].page)
        out.append(kept)
    return out


def _tail(items: list[_Table | _Line]) -> list[_Line]:
    """The free lines a page ends with, after its last table."""
    last = max((k for k, it in enumerate(items) if isinstance(it, _Table)), default=-1)
    return [it for it in items[last + 1 :] if isinstance(it, _Line)]


def _layout(raw: _Raw, carry: _Columns | None, tail: list[_Line]) -> tuple[list[_Table | _Line], list[_Line]]:
    """One page's tables and free text lines, top to bottom (page numbers dropped), and the lines of `tail`
    (the page before's last free lines) taken as the header of a table at the top of this page."""
    tables = _ruled_tables(raw)
    inside = {id(c) for t in tables for c in t.chars}
    lines = [
        ln
        for ln in _group_lines([c for c in raw.chars if id(c) not in inside], raw.number)
        if not ((ln.top > 0.88 * raw.height or ln.bottom < 0.1 * raw.height) and _PAGE_NUMBER.match(ln.text))
    ]
    more, lines, taken = _borderless_tables(lines, raw.number, carry, tail)
    items: list[_Table | _Line] = [*tables, *more, *lines]
    items.sort(key=lambda it: it.top)
    return items, taken


# --- pages → blocks: paragraphs and tables continued over page breaks are joined ----------------------


@dataclass(frozen=True)
class _Margins:
    left: float
    right: float
    size: float  # body text size


def _margins(lines: list[_Line]) -> _Margins:
    weight: dict[int, int] = {}
    for ln in lines:
        weight[round(ln.size)] = weight.get(round(ln.size), 0) + len(ln.text)
    body = max(weight, key=weight.get)
    body_lines = [ln for ln in lines if round(ln.size) == body]
    lefts: dict[int, int] = {}
    for ln in body_lines:
        lefts[round(ln.x0)] = lefts.get(round(ln.x0), 0) + 1
    rights = sorted(ln.x1 for ln in body_lines)
    return _Margins(
        float(min(lefts, key=lambda x: (-lefts[x], x))), rights[int(0.9 * (len(rights) - 1))], float(body)
    )


def _blocks(pages: list[list[_Table | _Line]]) -> list[Block]:
    lines = [it for items in pages for it in items if isinstance(it, _Line)]
    margins = _margins(lines) if lines else _Margins(0.0, 0.0, 0.0)
    blocks: list[Block] = []
    table: _Table | None = None  # open: last on its page, may go on at the top of the next
    para: list[_Line] = []
    for items in pages:
        for k, item in enumerate(items):
            if isinstance(item, _Table):
                if para:
                    blocks.append(_paragraph(para))
                    para = []
                if table is not None and k == 0 and table.continues_with(item):
                    table.extend(item)
                else:
                    if table is not None:
                        blocks.append(table.grid())
                    table = item
                if k < len(items) - 1:
                    blocks.append(table.grid())
                    table = None
                continue
            if table is not None:
                blocks.append(table.grid())
                table = None
            if para and not _continues(para[-1], item, margins, new_page=k == 0):
                blocks.append(_paragraph(para))
                para = []
            para.append(item)
        if not items and table is not None:  # a blank page ends a table
            blocks.append(table.grid())
            table = None
    if para:
        blocks.append(_paragraph(para))
    if table is not None:
        blocks.append(table.grid())
    return blocks


def _continues(prev: _Line, line: _Line, m: _Margins, *, new_page: bool) -> bool:
    """Does `line` go on with the paragraph that `prev` ends?"""
    em = max(prev.size, 1.0)
    if abs(line.size - prev.size) > 1.5 or line.x0 > m.left + 0.9 * em or prev.x1 < m.right - 1.5 * em:
        return False
    return new_page or line.top - prev.bottom <= 1.5 * em


def _paragraph(lines: list[_Line]) -> Paragraph:
    text = ""
    for ln in lines:
        glue = (
            " "
            if text[-1:].isascii() and text[-1:].isalpha() and ln.text[:1].isascii() and ln.text[:1].isalpha()
            else ""
        )
        text += glue + ln.text
    return Paragraph(text, _source([ln.box for ln in lines]))


def _title(pages: list[list[_Table | _Line]]) -> str | None:
    """The lines set larger than the body text at the top of the first page with text."""
    lines = [it for items in pages for it in items if isinstance(it, _Line)]
    if not lines:
        return None
    body = _margins(lines).size
    for items in pages:
        head = []
        for it in items:
            if not isinstance(it, _Line) or it.size < 1.15 * body:
                break
            head.append(it.text)
        if items:
            return "".join(head) or None
    return None
