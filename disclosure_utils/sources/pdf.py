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
"""

from __future__ import annotations

import bisect
import io
import re
import statistics
import time
import zlib
from dataclasses import dataclass, field, replace
from functools import cached_property

import pdfplumber
from pdfminer import settings as pdfminer_settings
from pdfminer.cmapdb import CMapDB
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfexceptions import PDFException
from pdfminer.pdftypes import PDFStream, resolve1
from pdfminer.psparser import PSLiteral
from pdfplumber.utils.exceptions import PdfminerException

from ..document import Block, Cell, Document, Grid, Paragraph
from ..errors import ReportError
from ..values import is_value_text

MAX_PAGES = 200  # a report longer than this is refused
MAX_SECONDS = 60.0  # reading stops with an error after this long (checked between pages)
EOF_WINDOW = 4096  # a complete PDF ends with its %%EOF marker within this many bytes
MAX_UNMAPPED = 0.01  # share of characters without a Unicode mapping above which the text is unreadable

_PAGE_NUMBER = re.compile(
    r"^[-－—–\s]*(?:第\s*)?\d{1,4}\s*页?(?:\s*[/，,]?\s*共\s*\d+\s*页)?[-－—–\s]*$|^\d+\s*/\s*\d+$"
)
_ORDINAL = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|[（(]\s*[一二三四五六七八九十\d]+\s*[)）]|\d+\s*[、.．](?!\d)"
    r"|第\s*[一二三四五六七八九十\d]+\s*[条项])"
)
_TOL = 2.0  # points: ruled edges this close are one line
_ROW = 10.0  # lattice step between rows of a table read from text positions (well above _TOL)


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
        items = _layout(raw, carry)
        pages.append(items)
        carry = items[-1].columns if items and isinstance(items[-1], _Table) else None
    if not any(pages):
        raise ReportError(
            path, "the PDF has no text layer (image-only or scanned pages), so it cannot be read"
        )
    return Document(path=path, format="pdf", blocks=_blocks(pages), title=_title(pages))


@dataclass
class _Raw:
    """What the parser gives of one page: its printed characters and the cells of its ruled tables."""

    number: int
    height: float
    chars: list[dict]  # text, x0, x1, top, bottom, size
    ruled: list[tuple[tuple[float, ...], list[tuple[float, ...]]]]  # (table box, cell boxes)


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
                    path, f"reading the PDF took over {MAX_SECONDS:g} s (stopped at page {number})"
                )
            _check_page(page, number, path)
            chars = [{k: c[k] for k in _KEYS} for c in page.chars if c["text"].strip()]
            tables = page.find_tables() if ruled and chars else []
            boxes = [(tuple(map(float, t.bbox)), [tuple(map(float, c)) for c in t.cells]) for t in tables]
            raws.append(_Raw(number, float(page.height), chars, boxes))
            page.close()
    return raws


def _check_page(page, number: int, path: str) -> None:
    """Refuse a page whose text sources are damaged, before pdfminer reads it without a word.

    pdfminer reads a content stream, form, character map or font program that does not decompress
    intact as empty (or as whatever the damaged bytes inflate to), and the characters of a font whose
    encoding it does not know as nothing at all. Those streams are decoded strictly first (and kept
    for the page's parse); other streams (images, font outlines behind a character map) carry no text.
    """
    for what, stream in _text_sources(page):
        if stream is None:
            raise ReportError(path, f"the PDF is damaged: the {what} of page {number} is missing or unknown")
        strict, pdfminer_settings.STRICT = pdfminer_settings.STRICT, True
        try:
            stream.get_data()
        except PDFException as exc:
            if isinstance(exc.__cause__, zlib.error):
                reason = f"the {what} of page {number} cannot be decompressed ({exc.__cause__})"
                raise ReportError(path, f"the PDF is damaged: {reason}") from None
        finally:
            pdfminer_settings.STRICT = strict


def _text_sources(page):
    """(what, stream) for each stream a page's text is decoded from; (what, None) where one is missing."""
    seen: set[int] = set()

    def one(what: str, obj):
        obj = resolve1(obj)
        if not isinstance(obj, PDFStream):
            yield what, None
        elif id(obj) not in seen:
            seen.add(id(obj))
            yield what, obj

    def fonts(res):
        for font in (resolve1(f) for f in _dict(res.get("Font")).values()):
            if not isinstance(font, dict):
                continue
            encoding = resolve1(font.get("Encoding"))
            if getattr(font.get("Subtype"), "name", None) == "Type0":  # its codes mean nothing without one
                if encoding is None:
                    yield "encoding of a font", None
                elif isinstance(encoding, PSLiteral):
                    try:
                        CMapDB.get_cmap(encoding.name)
                    except CMapDB.CMapNotFound:
                        yield f"font encoding {encoding.name}", None
            if "ToUnicode" in font:
                yield from one("character map", font["ToUnicode"])
                continue
            for desc in (resolve1(d) for d in _list(font.get("DescendantFonts"))):
                program = (
                    _dict(desc.get("FontDescriptor")).get("FontFile2") if isinstance(desc, dict) else None
                )
                if program is not None:
                    yield from one("font", program)

    def resources(res, depth: int):
        res = resolve1(res)
        if not isinstance(res, dict) or depth > 8:
            return
        yield from fonts(res)
        for form in (resolve1(x) for x in _dict(res.get("XObject")).values()):
            if isinstance(form, PDFStream) and getattr(form.get("Subtype"), "name", None) == "Form":
                yield from one("form", form)
                yield from resources(form.get("Resources"), depth + 1)

    for content in page.page_obj.contents:
        yield from one("content", content)
    yield from resources(page.page_obj.resources, 0)


def _dict(obj) -> dict:
    obj = resolve1(obj)
    return obj if isinstance(obj, dict) else {}


def _list(obj) -> list:
    obj = resolve1(obj)
    return obj if isinstance(obj, list) else []


def _reason(exc: BaseException) -> str:
    if isinstance(exc, PDFPasswordIncorrect | PDFEncryptionError):
        return "the PDF is encrypted and cannot be read without its password"
    return f"the PDF is damaged: {type(exc).__name__}: {exc}"


def _layout(raw: _Raw, carry: _Columns | None) -> list[_Table | _Line]:
    """One page's tables and free text lines, top to bottom (page numbers dropped)."""
    tables = _ruled_tables(raw)
    inside = {id(c) for t in tables for c in t.chars}
    lines = [
        ln
        for ln in _group_lines([c for c in raw.chars if id(c) not in inside], raw.number)
        if not ((ln.top > 0.88 * raw.height or ln.bottom < 0.1 * raw.height) and _PAGE_NUMBER.match(ln.text))
    ]
    more, lines = _borderless_tables(lines, raw.number, carry)
    items: list[_Table | _Line] = [*tables, *more, *lines]
    items.sort(key=lambda it: it.top)
    return items


# --- characters → lines and runs ----------------------------------------------------------------------


class _Line:
    """Characters on one baseline of one page, left to right; `runs` are its pieces between wide gaps."""

    def __init__(self, page: int, chars: list[dict]):
        self.page = page
        self.chars = sorted(chars, key=lambda c: c["x0"])
        self.x0 = min(c["x0"] for c in chars)
        self.x1 = max(c["x1"] for c in chars)
        self.top = min(c["top"] for c in chars)
        self.bottom = max(c["bottom"] for c in chars)
        self.size = statistics.median(c["size"] for c in chars)
        self.text = _join(self.chars)

    @cached_property
    def runs(self) -> list[_Line]:
        """Pieces of the line separated by a gap wider than text inside one cell has."""
        out, cur = [], [self.chars[0]]
        for a, b in zip(self.chars, self.chars[1:], strict=False):
            limit = 0.35 if a["text"].isascii() and b["text"].isascii() else 0.8
            if b["x0"] - a["x1"] > limit * max(a["size"], b["size"]):
                out.append(_Line(self.page, cur))
                cur = []
            cur.append(b)
        out.append(_Line(self.page, cur))
        return out

    @property
    def box(self) -> _Box:
        return _Box(self.page, self.x0, self.top, self.x1, self.bottom)


def _join(chars: list[dict]) -> str:
    """Text of chars on one line: a space only where the gap is a word space (not CJK/number spacing)."""
    parts = [chars[0]["text"]]
    for a, b in zip(chars, chars[1:], strict=False):
        gap = b["x0"] - a["x1"]
        both_ascii = a["text"].isascii() and b["text"].isascii()
        if gap > (0.15 if both_ascii else 1.0) * max(a["size"], b["size"]):
            parts.append(" ")
        parts.append(b["text"])
    return "".join(parts)


def _group_lines(chars: list[dict], page: int) -> list[_Line]:
    """Chars → lines: a char joins the line whose first char's vertical band holds its centre."""
    lines, cur, band = [], [], (0.0, 0.0)
    for ch in sorted(chars, key=lambda c: (c["top"], c["x0"])):
        cy = (ch["top"] + ch["bottom"]) / 2
        if cur and band[0] <= cy <= band[1]:
            cur.append(ch)
            continue
        if cur:
            lines.append(_Line(page, cur))
        cur, band = [ch], (ch["top"], ch["bottom"])
    if cur:
        lines.append(_Line(page, cur))
    return lines


def _is_value(text: str) -> bool:
    return bool(text.strip()) and is_value_text(text)


def _is_ordinal(text: str) -> bool:
    return bool(_ORDINAL.match(text))


# --- tables: cells with coordinates, joined over page breaks, then a Grid ------------------------------


@dataclass(frozen=True)
class _Box:
    page: int
    x0: float
    top: float
    x1: float
    bottom: float

    def source(self) -> str:
        return f"page {self.page} box {self.x0:.1f},{self.top:.1f},{self.x1:.1f},{self.bottom:.1f}"


def _source(boxes: list[_Box]) -> str:
    """One box per page: the union of `boxes` on it."""
    pages: dict[int, list[_Box]] = {}
    for b in boxes:
        pages.setdefault(b.page, []).append(b)
    return "; ".join(
        _Box(
            p, min(b.x0 for b in bs), min(b.top for b in bs), max(b.x1 for b in bs), max(b.bottom for b in bs)
        ).source()
        for p, bs in pages.items()
    )


@dataclass(eq=False)
class _TCell:
    """A cell on a table's lattice: x in page points, y in the table's own stacked coordinate."""

    x0: float
    x1: float
    y0: float
    y1: float
    text: str
    boxes: list[_Box]  # where the text (or the empty cell) is on the page(s)
    head: bool = False  # a header or caption cell of a table read from text positions: never joined


@dataclass(frozen=True)
class _Columns:
    """The value columns of a table read from text positions: left edge of the values, boundaries."""

    xv: float  # where the value area starts (labels are left of it)
    bounds: tuple[float, ...]  # boundaries between value columns
    right: float
    em: float


@dataclass
class _Table:
    cells: list[_TCell]
    boxes: list[_Box]  # the table's extent on each page
    top: float  # on its first page, for reading order
    columns: _Columns | None = None  # set when read from text positions
    chars: list[dict] = field(default_factory=list)  # the page chars it holds (ruled tables)

    @property
    def bottom(self) -> float:
        return max(c.y1 for c in self.cells)

    @property
    def head(self) -> float:
        return min(c.y0 for c in self.cells)

    def continues_with(self, other: _Table) -> bool:
        """Is `other` (first on the next page) this table (last on its page) going on?"""
        if (self.columns is None) != (other.columns is None):
            return False
        a, b = self.boxes[-1], other.boxes[0]
        if self.columns is None:
            return abs(a.x0 - b.x0) <= 3 and abs(a.x1 - b.x1) <= 3
        return abs(a.x0 - b.x0) <= self.columns.em  # the labels' left edge; values move with cell spans

    def extend(self, other: _Table) -> None:
        """Append `other` below; join the cells a page break cut in two (see `_split_pairs`).

        Its column edges are first moved onto this table's where they are within 3.5 points: the
        rule finder can shift a page's edges by that much when it snaps them to another table's.
        """
        xs = _cluster(v for c in self.cells for v in (c.x0, c.x1))

        def snap(x: float) -> float:
            near = min(xs, key=lambda v: abs(v - x))
            return near if abs(near - x) <= 3.5 else x

        if self.columns is not None and any(c.head for c in other.cells if c.y0 == other.head):
            self._caption_last_row()
        shift = self.bottom - other.head
        moved = [
            replace(c, x0=snap(c.x0), x1=snap(c.x1), y0=c.y0 + shift, y1=c.y1 + shift) for c in other.cells
        ]
        last = [c for c in self.cells if abs(c.y1 - self.bottom) <= _TOL]
        first = [c for c in moved if abs(c.y0 - self.bottom) <= _TOL]
        for a, b in _split_pairs(last, first):
            self.cells.remove(a)
            moved.remove(b)
            text = "\n".join(t for t in (a.text, b.text) if t)
            self.cells.append(_TCell(a.x0, a.x1, a.y0, b.y1, text, a.boxes + b.boxes))
        self.cells += moved
        self.boxes += other.boxes
        self.columns = other.columns or self.columns

    def _caption_last_row(self) -> None:
        """A last row of one label and blank cells, followed by a header, was the next block's caption."""
        bottom = self.bottom
        top = max(c.y0 for c in self.cells if c.y1 == bottom)
        row = [c for c in self.cells if c.y0 == top and c.y1 == bottom]
        labels = [c for c in row if c.text]
        if len(labels) == 1 and not _is_value(labels[0].text) and not labels[0].head:
            for c in row:
                self.cells.remove(c)
            x0, x1 = min(c.x0 for c in row), max(c.x1 for c in row)
            self.cells.append(_TCell(x0, x1, top, bottom, labels[0].text, labels[0].boxes, head=True))

    def grid(self) -> Grid:
        xs = _cluster(v for c in self.cells for v in (c.x0, c.x1))
        ys = _cluster(v for c in self.cells for v in (c.y0, c.y1))
        rows: dict[int, list[tuple[int, Cell]]] = {}
        for c in self.cells:
            c0, c1, r0, r1 = _at(xs, c.x0), _at(xs, c.x1), _at(ys, c.y0), _at(ys, c.y1)
            cell = Cell(c.text, _source(c.boxes), colspan=max(c1 - c0, 1), rowspan=max(r1 - r0, 1))
            rows.setdefault(r0, []).append((c0, cell))
        ordered = tuple(tuple(cell for _, cell in sorted(rows[r], key=lambda p: p[0])) for r in sorted(rows))
        return Grid(ordered, _source(self.boxes))


def _split_pairs(last: list[_TCell], first: list[_TCell]) -> list[tuple[_TCell, _TCell]]:
    """Cells cut by a page break: (cell ending the page, cell starting the next) to be joined.

    Pairs are cells under the same column edges. The next page's first row goes on with the last row
    when its row label (its last label cell) does not start with an ordinal and no column has a value
    on both sides: then every pair is joined. Otherwise only parent labels left of that row label are
    joined, when one part is empty or the lower part does not start with an ordinal ("（四）无" +
    "法提供"). Header and caption cells are never joined.
    """
    pairs = [(a, b) for b in first for a in last if abs(a.x0 - b.x0) <= _TOL and abs(a.x1 - b.x1) <= _TOL]
    pairs = [
        (a, b) for a, b in pairs if sum(p[0] is a for p in pairs) == 1 and sum(p[1] is b for p in pairs) == 1
    ]
    labels = sorted((b for b in first if b.text and not _is_value(b.text)), key=lambda c: c.x0)
    if not labels or any(c.head for c in first):
        return []
    leaf = labels[-1]
    if not _is_ordinal(leaf.text) and not any(_is_value(a.text) and _is_value(b.text) for a, b in pairs):
        return pairs
    return [
        (a, b)
        for a, b in pairs
        if b.x1 <= leaf.x0 + _TOL
        and not _is_value(a.text)
        and not _is_value(b.text)
        and (not a.text or not b.text or not _is_ordinal(b.text))
    ]


def _cluster(values) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > _TOL:
            out.append(v)
    return out


def _at(coords: list[float], v: float) -> int:
    """Index of the lattice coordinate nearest to v."""
    i = bisect.bisect_left(coords, v)
    if i == len(coords) or (i > 0 and v - coords[i - 1] <= coords[i] - v):
        return i - 1
    return i


# --- ruled tables --------------------------------------------------------------------------------------


def _ruled_tables(raw: _Raw) -> list[_Table]:
    """Tables drawn by ruling lines, each char in the cell that holds its centre."""
    found = []
    for (x0, top, x1, bottom), cells_found in raw.ruled:
        boxes = sorted(cells_found, key=lambda b: (b[1], b[0]))
        if (
            len(_cluster(v for b in boxes for v in (b[0], b[2]))) < 3
            or len(_cluster(v for b in boxes for v in (b[1], b[3]))) < 3
        ):
            continue  # one column or one row: a shaded or boxed paragraph, not a table
        mine = [c for c in raw.chars if x0 <= _cx(c) <= x1 and top <= _cy(c) <= bottom]
        held: list[list[dict]] = [[] for _ in boxes]
        for ch in mine:
            cx, cy = _cx(ch), _cy(ch)
            for i, (bx0, btop, bx1, bbottom) in enumerate(boxes):
                if bx0 <= cx <= bx1 and btop <= cy <= bbottom:
                    held[i].append(ch)
                    break
        cells = []
        for (bx0, btop, bx1, bbottom), cs in zip(boxes, held, strict=True):
            lines = _group_lines(cs, raw.number)
            if any(sum(_is_value(r.text) for r in ln.runs) > 1 for ln in lines):
                break  # numbers of several columns in one cell: the value columns are not ruled apart
            text = "\n".join(ln.text for ln in lines)
            cells.append(_TCell(bx0, bx1, btop, bbottom, text, [_Box(raw.number, bx0, btop, bx1, bbottom)]))
        else:
            found.append(_Table(cells, [_Box(raw.number, x0, top, x1, bottom)], top, chars=mine))
    return found


def _cx(ch: dict) -> float:
    return (ch["x0"] + ch["x1"]) / 2


def _cy(ch: dict) -> float:
    return (ch["top"] + ch["bottom"]) / 2


# --- tables from text positions -------------------------------------------------------------------------


def _value_runs(line: _Line) -> list[_Line]:
    """Runs holding values: after the line's first run, or all of them in a line of values only."""
    runs = line.runs
    if len(runs) > 1 and _is_value(runs[0].text) and _is_value(runs[1].text):
        return [r for r in runs if _is_value(r.text)]
    return [r for r in runs[1:] if _is_value(r.text)]


def _borderless_tables(
    lines: list[_Line], page: int, carry: _Columns | None
) -> tuple[list[_Table], list[_Line]]:
    """Find tables among a page's free lines; return them and the lines left for paragraphs."""
    tables, used = [], set()
    for zone in _zones(lines):
        table = _Zone(zone, page).table(carry)
        if table is not None:
            tables.append(table)
            carry = table.columns
            used.update(id(ln) for ln in zone)
    return tables, [ln for ln in lines if id(ln) not in used]


def _zones(lines: list[_Line]) -> list[list[_Line]]:
    """Runs of lines that look like one table: lines with values, and the header and label lines near them."""
    values = [bool(_value_runs(ln)) for ln in lines]
    zones, taken = [], set()
    for i, ln in enumerate(lines):
        if not values[i] or i in taken:
            continue
        shape = _Shape.of(ln)
        zone, pending, j = [i], [], i + 1
        while j < len(lines):
            grown = shape.grow(lines[j]) if values[j] else shape
            if not _fits(lines[j], lines[j - 1], grown, values[j]):
                break
            shape = grown
            if values[j]:
                zone += [*pending, j]
                pending = []
            else:
                pending.append(j)
            j += 1
        zone += pending
        k = i - 1
        while k >= 0 and k not in taken and not values[k] and _fits(lines[k], lines[k + 1], shape, False):
            zone.insert(0, k)
            k -= 1
        taken.update(zone)
        zones.append([lines[z] for z in sorted(zone)])
    return zones


@dataclass(frozen=True)
class _Shape:
    """What a table's value lines show: text size, where labels end and where values start."""

    size: float
    label_right: float
    xv: float

    @staticmethod
    def of(line: _Line) -> _Shape:
        values = _value_runs(line)
        labels = [r.x1 for r in line.runs if r.x1 <= values[0].x0 and not _is_value(r.text)]
        return _Shape(line.size, max(labels, default=-1.0), values[0].x0)

    def grow(self, line: _Line) -> _Shape:
        other = _Shape.of(line)
        return _Shape(
            max(self.size, other.size), max(self.label_right, other.label_right), min(self.xv, other.xv)
        )


def _fits(line: _Line, neighbour: _Line, shape: _Shape, has_values: bool) -> bool:
    """May `line` belong to the table of `shape`, next to its line `neighbour`?"""
    if line.size > 1.15 * shape.size:
        return False  # headings and body text are set larger than table text
    em = line.size
    runs = line.runs
    if any(r.x0 < shape.label_right and r.x1 > shape.xv + em for r in runs):
        return False  # text from the labels' area into the values' is not a cell
    gap = max(line.top - neighbour.bottom, neighbour.top - line.bottom)
    return gap <= (8 if has_values or len(runs) > 1 else 3.5) * em


class _Zone:
    """One table among a page's lines, read from the positions of its text.

    `xv` is where its values start (the leftmost value that follows a label or another value);
    inside the zone a value alone on its line counts too when it lies right of that edge.
    """

    def __init__(self, lines: list[_Line], page: int):
        self.lines, self.page = lines, page
        strict = {id(r) for ln in lines for r in _value_runs(ln)}
        self.xv = min(r.x0 for ln in lines for r in ln.runs if id(r) in strict)
        self.em = statistics.median(ln.size for ln in lines)
        self.right = max(ln.x1 for ln in lines)
        self._values = {
            id(ln): [
                r for r in ln.runs if _is_value(r.text) and (id(r) in strict or r.x0 >= self.xv - self.em)
            ]
            for ln in lines
        }

    def values(self, line: _Line) -> list[_Line]:
        return self._values[id(line)]

    def header_runs(self, line: _Line) -> list[_Line]:
        """Non-value runs right of the labels: column headers."""
        return [r for r in line.runs if not _is_value(r.text) and r.x1 > self.xv + 0.5 * r.size]

    def kind(self, line: _Line) -> str:
        return "data" if self.values(line) else "head" if self.header_runs(line) else "label"

    def table(self, carry: _Columns | None) -> _Table | None:
        data = [ln for ln in self.lines if self.values(ln)]
        if (
            not any(self.kind(ln) == "head" for ln in self.lines)
            and len(data) < 2
            and max(len(self.values(d)) for d in data) < 3
        ):
            return None  # one line with a number in it is not a table
        cells: list[_TCell] = []
        y, columns = 0.0, carry
        for caption, head, body in self.blocks():
            columns = self.columns(head, body, columns)
            for ln in caption:
                cells.append(
                    _TCell(min(ln.x0, self.xv), columns.right, y, y + _ROW, ln.text, [ln.box], head=True)
                )
                y += _ROW
            y = self.header_cells(head, columns, y, cells)
            y = self.body_cells(body, columns, y, cells)
        box = _Box(
            self.page, min(ln.x0 for ln in self.lines), self.lines[0].top, self.right, self.lines[-1].bottom
        )
        return _Table(cells, [box], self.lines[0].top, columns=columns)

    def blocks(self) -> list[tuple[list[_Line], list[_Line], list[_Line]]]:
        """(caption lines, header lines, body lines), one block per header.

        A header is a run of lines with column headers (label lines between them included). The label
        lines just above it, from the first that starts with an ordinal ("第二十条第（五）项"), are its
        caption; the lines after it up to the next caption are its body.
        """
        zone = self.lines
        kinds = [self.kind(ln) for ln in zone]
        groups: list[list[int]] = []
        for i in (i for i, k in enumerate(kinds) if k == "head"):
            if groups and all(k == "label" for k in kinds[groups[-1][1] + 1 : i]):
                groups[-1][1] = i
            else:
                groups.append([i, i])
        blocks: list[tuple[list[_Line], list[_Line], list[_Line]]] = [([], [], [])]
        start = 0
        for first, last in groups:
            c = first
            while c > start and kinds[c - 1] == "label":
                c -= 1
            c = next((m for m in range(c, first) if _is_ordinal(zone[m].text)), first)
            blocks[-1][2].extend(zone[start:c])
            blocks.append((zone[c:first], zone[first : last + 1], []))
            start = last + 1
        blocks[-1][2].extend(zone[start:])
        return [b for b in blocks if any(b)]

    def leaves(self, head: list[_Line]) -> tuple[list[list[_Line]], list[_Line]]:
        """Header runs → leaf columns (each its runs, top first) and parent headers, found bottom-up.

        A run over no column yet starts one. A run over exactly one column, in line with its text, with
        no parent header between them and none beside it on its line, is that header wrapped. Any other
        run is a parent header.
        """
        leaves: list[list[_Line]] = []
        parents: list[_Line] = []
        for line in sorted(head, key=lambda ln: -ln.top):
            runs = self.header_runs(line)
            over = [[c for c in leaves if _overlap(run, c[0]) > 0] for run in runs]
            level = any(len(o) > 1 for o in over)  # a line holding a parent holds only parents and new leaves
            for run, o in zip(runs, over, strict=True):
                if not o:
                    leaves.append([run])
                elif (
                    not level
                    and len(o) == 1
                    and _aligned(run, o[0][0])
                    and not any(run.bottom <= p.top and p.bottom <= o[0][0].top for p in parents)
                ):
                    o[0].insert(0, run)
                else:
                    parents.append(run)
        leaves.sort(key=lambda c: min(r.x0 for r in c))
        return leaves, parents

    def columns(self, head: list[_Line], body: list[_Line], before: _Columns | None) -> _Columns:
        """Value columns: the leaf headers, else those of the table part above; values under no header add one."""
        spans = [(min(r.x0 for r in c), max(r.x1 for r in c)) for c in self.leaves(head)[0]]
        if not spans and before is not None and abs(before.xv - self.xv) <= self.em:
            return before
        for r in (r for d in body for r in self.values(d)):
            if not any(r.x0 < b and r.x1 > a for a, b in spans):
                spans.append((r.x0, r.x1))
        merged: list[tuple[float, float]] = []
        for a, b in sorted(spans):
            if merged and a < merged[-1][1]:
                merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
            else:
                merged.append((a, b))
        bounds = tuple((merged[k][1] + merged[k + 1][0]) / 2 for k in range(len(merged) - 1))
        return _Columns(self.xv, bounds, max([self.right, *(b for _, b in merged)]), self.em)

    def header_cells(self, head: list[_Line], columns: _Columns, y: float, cells: list[_TCell]) -> float:
        """Header rows: one per line of parent headers, then the label-area text and the leaf headers.

        Parents side by side share the columns up to the next one's; a lone parent covers the columns
        under its text (without rules its true span is unknown).
        """
        if not head:
            return y
        leaves, parents = self.leaves(head)
        parent_ids = {id(r) for r in parents}
        last = len(columns.bounds)
        for line in head:
            line_parents = [r for r in line.runs if id(r) in parent_ids]
            starts = [_col_of(columns, r.x0 + 0.5 * r.size) for r in line_parents]
            for k, run in enumerate(line_parents):
                end = (
                    starts[k + 1] - 1
                    if k + 1 < len(starts)
                    else last
                    if len(starts) > 1
                    else _col_of(columns, run.x1 - 0.5 * run.size)
                )
                a, b = _col_edges(columns, starts[k])[0], _col_edges(columns, max(end, starts[k]))[1]
                cells.append(_TCell(a, b, y, y + _ROW, run.text, [run.box], head=True))
            y += _ROW if line_parents else 0
        label_runs = [r for line in head for r in line.runs if r.x1 <= self.xv + 0.5 * r.size]
        if label_runs:
            text = "\n".join(r.text for r in label_runs)
            cells.append(
                _TCell(
                    min(r.x0 for r in label_runs),
                    self.xv,
                    y,
                    y + _ROW,
                    text,
                    [r.box for r in label_runs],
                    head=True,
                )
            )
        by_col: dict[int, list[_Line]] = {}
        for leaf in leaves:
            by_col.setdefault(_col_of(columns, (leaf[0].x0 + leaf[0].x1) / 2), []).extend(leaf)
        for k in range(last + 1):
            a, b = _col_edges(columns, k)
            runs = by_col.get(k, [])
            boxes = [r.box for r in runs] or [_Box(self.page, a, head[0].top, b, head[-1].bottom)]
            cells.append(_TCell(a, b, y, y + _ROW, "\n".join(r.text for r in runs), boxes, head=True))
        return y + _ROW

    def body_cells(self, body: list[_Line], columns: _Columns, y: float, cells: list[_TCell]) -> float:
        """Rows: one per leaf label cell or label-less value line; parent labels span the rows beside them."""
        if not body:
            return y
        data = [ln for ln in body if self.values(ln)]
        value_ids = {id(r) for d in data for r in self.values(d)}
        runs = [
            r for ln in body for r in ln.runs if id(r) not in value_ids and r.x1 <= self.xv + 0.5 * r.size
        ]
        starts = _cluster_starts([r.x0 for r in runs], self.em)
        blocks = _label_blocks(runs, starts, data, self.em)
        leaves, parents = [], []
        for blk in blocks:
            col = _sub(starts, blk[0].x0, self.em)
            top, bottom = min(r.top for r in blk), max(r.bottom for r in blk)
            is_parent = any(
                _sub(starts, o[0].x0, self.em) > col
                and min(r.top for r in o) < bottom
                and max(r.bottom for r in o) > top
                for o in blocks
                if o is not blk
            )
            (parents if is_parent else leaves).append((col, top, bottom, blk))
        rows: list[dict] = [dict(top=t, bottom=b, col=c, label=blk, data=[]) for c, t, b, blk in leaves]
        for d in data:
            best = max(rows, key=lambda r: _vov(r, d), default=None)
            if best is not None and _vov(best, d) > 0:
                best["data"].append(d)
            else:
                rows.append(dict(top=d.top, bottom=d.bottom, col=None, label=[], data=[d]))
        rows.sort(key=lambda r: r["top"])
        bands = [
            (min([r["top"], *(d.top for d in r["data"])]), max([r["bottom"], *(d.bottom for d in r["data"])]))
            for r in rows
        ]
        for i, (row, (lo, hi)) in enumerate(zip(rows, bands, strict=True)):
            y0, y1 = y + i * _ROW, y + (i + 1) * _ROW
            if row["label"]:
                label = row["label"]
                cells.append(
                    _TCell(
                        starts[row["col"]],
                        self.xv,
                        y0,
                        y1,
                        "\n".join(r.text for r in label),
                        [r.box for r in label],
                    )
                )
            for k in range(len(columns.bounds) + 1):
                a, b = _col_edges(columns, k)
                chars = [
                    ch for d in row["data"] for ch in d.chars
                    if _cx(ch) >= self.xv - 0.5 * ch["size"] and _col_of(columns, _cx(ch)) == k
                ]  # fmt: skip
                lines = _group_lines(chars, self.page)
                boxes = [ln.box for ln in lines] or [_Box(self.page, a, lo, b, hi)]
                cells.append(_TCell(a, b, y0, y1, "\n".join(ln.text for ln in lines), boxes))
        for col, top, bottom, blk in parents:
            covered = [i for i, (lo, hi) in enumerate(bands) if lo < bottom and hi > top]
            if not covered:
                covered = [min(range(len(rows)), key=lambda i: abs(bands[i][0] - top))]
            x1 = starts[col + 1] if col + 1 < len(starts) else self.xv
            text = "\n".join(r.text for r in blk)
            cells.append(
                _TCell(
                    starts[col],
                    x1,
                    y + covered[0] * _ROW,
                    y + (covered[-1] + 1) * _ROW,
                    text,
                    [r.box for r in blk],
                )
            )
        return y + len(rows) * _ROW


def _overlap(a: _Line, b: _Line) -> float:
    return min(a.x1, b.x1) - max(a.x0, b.x0)


def _aligned(run: _Line, below: _Line) -> bool:
    """Wrapped header text: left, centre or right edge in line with the text below it."""
    tol = 0.6 * run.size
    return (
        abs(run.x0 - below.x0) <= tol
        or abs(run.x1 - below.x1) <= tol
        or abs((run.x0 + run.x1) - (below.x0 + below.x1)) / 2 <= tol
    )


def _col_of(columns: _Columns, x: float) -> int:
    return bisect.bisect_left(columns.bounds, x)


def _col_edges(columns: _Columns, k: int) -> tuple[float, float]:
    edges = (columns.xv, *columns.bounds, columns.right)
    return edges[k], edges[k + 1]


def _vov(row: dict, line: _Line) -> float:
    """Vertical overlap of a value line with a row's label extent."""
    return min(row["bottom"], line.bottom) - max(row["top"], line.top)


def _cluster_starts(xs: list[float], em: float) -> list[float]:
    out: list[float] = []
    for x in sorted(xs):
        if not out or x - out[-1] > em:
            out.append(x)
    return out


def _sub(starts: list[float], x: float, em: float) -> int:
    """The label sub-column a run starting at x is in."""
    return max(bisect.bisect_right(starts, x + em) - 1, 0)


def _label_blocks(runs: list[_Line], starts: list[float], data: list[_Line], em: float) -> list[list[_Line]]:
    """Label runs → label cells, per sub-column, top to bottom.

    A run starts a new cell when it begins with an ordinal, when it is more than 1.3 line heights below
    the run above, or when it and the cell above each sit on a different value line of which they are
    the rightmost label (rows without ordinals set close together).
    """

    def value_line(r: _Line) -> _Line | None:
        return next(
            (d for d in data if min(d.bottom, r.bottom) - max(d.top, r.top) > 0.3 * (r.bottom - r.top)), None
        )

    def rightmost(r: _Line, d: _Line) -> bool:
        return not any(o.x0 > r.x1 and value_line(o) is d for o in runs)

    blocks: list[list[_Line]] = []
    last: dict[int, list[_Line]] = {}
    for r in sorted(runs, key=lambda r: (r.top, r.x0)):
        col = _sub(starts, r.x0, em)
        prev = last.get(col)
        new = prev is None or _is_ordinal(r.text) or r.top - prev[-1].bottom > 1.3 * (r.bottom - r.top)
        if not new:
            d, dp = value_line(r), next((value_line(p) for p in prev if value_line(p)), None)
            new = d is not None and dp is not None and d is not dp and rightmost(r, d)
        if new:
            prev = []
            blocks.append(prev)
            last[col] = prev
        prev.append(r)
    return blocks


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
