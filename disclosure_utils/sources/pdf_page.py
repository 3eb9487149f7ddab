"""One PDF page as the reader sees it: its raw contents, the checks that its text sources are intact,
its characters grouped into lines and runs, and boxes (where a thing is on the pages) as sources."""

from __future__ import annotations

import re
import statistics
import zlib
from dataclasses import dataclass
from functools import cached_property

from pdfminer import settings as pdfminer_settings
from pdfminer.cmapdb import CMapDB
from pdfminer.pdfexceptions import PDFException
from pdfminer.pdftypes import PDFStream, resolve1
from pdfminer.psparser import PSLiteral

from ..errors import ReportError
from ..values import is_value_text

_ORDINAL = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|[（(]\s*[一二三四五六七八九十\d]+\s*[)）]|\d+\s*[、.．](?!\d)"
    r"|第\s*[一二三四五六七八九十\d]+\s*[条项])"
)


@dataclass
class _Raw:
    """What the parser gives of one page: its printed characters and the cells of its ruled tables."""

    number: int
    height: float
    chars: list[dict]  # text, x0, x1, top, bottom, size
    ruled: list[tuple[tuple[float, ...], list[tuple[float, ...]]]]  # (table box, cell boxes)


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


# --- characters → lines and runs ----------------------------------------------------------------------


_SAME_LINE = 0.35  # ems between the centres of two chars on one line, at most (see `_group_lines`)
_ASCII_SPACE = 0.15  # ems: a wider gap between two ASCII chars is a word space (`_join`); digits closer are one number


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
                out.append(self._piece(cur))
                cur = []
            cur.append(b)
        out.append(self._piece(cur))
        return out

    def _piece(self, chars: list[dict]) -> _Line:
        return _Line(self.page, chars)

    @property
    def box(self) -> _Box:
        return _Box(self.page, self.x0, self.top, self.x1, self.bottom)


class _Moved(_Line):
    """A line of the page before, set `dy` lower, just above this page's first line, so that a table's header
    a page break cut off is read with the table; its box stays where it is printed."""

    def __init__(self, page: int, chars: list[dict], dy: float):
        super().__init__(page, chars)
        self.dy = dy

    @classmethod
    def of(cls, line: _Line, dy: float) -> _Moved:
        return cls(line.page, [dict(c, top=c["top"] + dy, bottom=c["bottom"] + dy) for c in line.chars], dy)

    def _piece(self, chars: list[dict]) -> _Line:
        return _Moved(self.page, chars, self.dy)

    @property
    def box(self) -> _Box:
        return _Box(self.page, self.x0, self.top - self.dy, self.x1, self.bottom - self.dy)


def _join(chars: list[dict]) -> str:
    """Text of chars on one line: a space only where the gap is a word space (not CJK/number spacing)."""
    parts = [chars[0]["text"]]
    for a, b in zip(chars, chars[1:], strict=False):
        gap = b["x0"] - a["x1"]
        both_ascii = a["text"].isascii() and b["text"].isascii()
        if gap > (_ASCII_SPACE if both_ascii else 1.0) * max(a["size"], b["size"]):
            parts.append(" ")
        parts.append(b["text"])
    return "".join(parts)


def _group_lines(chars: list[dict], page: int) -> list[_Line]:
    """Chars → lines: taken by vertical centre, a char starts a new line when its centre lies more than _SAME_LINE em
    (of the larger of its size and the char before's) below the char before. The characters of one printed line
    lie far closer, even in fonts of other heights (SimSun labels, Times digits, smaller figures on the same
    baseline); text centred in a cell beside a two-line label lies half a line off both, and is a line of its own."""
    lines, cur, last, size = [], [], 0.0, 0.0
    for ch in sorted(chars, key=lambda c: (_cy(c), c["x0"])):
        cy = _cy(ch)
        if cur and cy - last > _SAME_LINE * max(ch["size"], size):
            lines.append(_Line(page, cur))
            cur = []
        cur.append(ch)
        last, size = cy, ch["size"]
    if cur:
        lines.append(_Line(page, cur))
    return lines


def _is_value(text: str) -> bool:
    return bool(text.strip()) and is_value_text(text)


def _is_ordinal(text: str) -> bool:
    return bool(_ORDINAL.match(text))


def _cx(ch: dict) -> float:
    return (ch["x0"] + ch["x1"]) / 2


def _cy(ch: dict) -> float:
    return (ch["top"] + ch["bottom"]) / 2


# --- boxes: where a thing is on the page(s), as a source -----------------------------------------------


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
