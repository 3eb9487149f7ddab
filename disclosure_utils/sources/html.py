"""HTML page bytes → `Document`: report tables as grids, the other text as paragraphs, in reading order.

Source strings are 1-based: a grid is "table T" (T counts grids), its cells "table T row R cell C" (R counts
the <tr>, C the <td>/<th> as printed, spans not expanded); a paragraph is "html block N" (N counts paragraphs).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping
from types import MappingProxyType

from lxml import etree

from ..document import Block, Cell, Document, Grid, Paragraph, from_fields
from ..errors import ReportError
from . import MAX_COLSPAN

MAX_HTML_DEPTH = 200  # element nesting deeper than this is refused (report pages stay far below it)
MAX_CELL_CHARS = 400  # a longer cell is page layout, not a table cell (report labels are < 100 characters)
MAX_BAD_CHARS = 0.001  # share of undecodable bytes tolerated (kept visible as U+FFFD) in a last-resort decode

_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_DECLARED = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([\w.:-]+)|<\?xml[^>]*?encoding\s*=\s*["']([\w.:-]+)""", re.I
)
_COMMENT = re.compile(rb"<!--.*?(?:-->|$)", re.S)
# The page is scanned as UTF-8 bytes (a UTF-8 page is not encoded again), where \s is ASCII only: its whitespace
# is what \s matches in a str pattern, taken from Python itself (every such character lies below U+3001).
_SPACES = re.findall(r"\s", "".join(map(chr, range(0x3001))))
_HTML_END = re.compile(  # libxml2 drops all that follows one; pages have text there
    rb"</html(?:" + b"|".join(re.escape(space.encode()) for space in _SPACES) + rb")*>", re.I
)
# The last "<tr" before a point, whatever its case: a greedy .* runs to the end, then backs up to the last "<" that
# starts one (a tight loop in C; an rfind for each case of "<tr" scanned the whole page).
_LAST_TR = re.compile(rb".*<[tT][rR]", re.S)
_ROW_CLOSED = re.compile(rb"</(?:tr|table|body)", re.I)
_BIG5 = frozenset({"big5", "big5hkscs", "cp950"})  # the declarations worth trying before gb18030
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_CONTROL_CODES = bytes(b for b in range(256) if _CONTROL_BYTES.fullmatch(bytes([b])))
_NOT_CONTROL_BYTES = bytes(b for b in range(256) if b not in _CONTROL_CODES)
# Marks of line boundaries and of grids, joined into the page text as it is read: noncharacters, never meant to
# occur in a page.
_LINE, _GRID = "\ufdd0", "\ufdd1"
_DROPPED = (_LINE, _GRID, "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")  # marks, zero-width characters

_SKIP = ("head", "title", "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "select")  # fmt: skip
_BLOCK = frozenset({
    "html", "body", "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
    "blockquote", "pre", "center", "section", "article", "header", "footer", "nav", "aside", "main", "address",
    "figure", "figcaption", "form", "fieldset", "legend", "hr", "caption", "table", "thead", "tbody", "tfoot",
    "tr", "td", "th",
})  # fmt: skip
_FOOTNOTE = frozenset({"sup", "sub"})
_NUMBERS = tuple(map(str, range(1000)))  # cell numbers as text: a lookup costs less than formatting an int
_SPANS = {str(n): n for n in range(1, MAX_COLSPAN + 1)}  # spans as most pages print them, within either limit


def read_html(data: bytes, path: str) -> Document:
    """Read an HTML page: innermost tables become `Grid`s, all other text `Paragraph`s.

    Tables that hold other tables are layout: their own text becomes paragraphs and only the tables
    inside become grids. <br> and block elements (<p>, <div> …) end a paragraph, and inside a cell
    become a newline; whitespace (&nbsp; and U+3000 included) collapses to one space; a footnote mark
    (<sup>, <sub>) is set apart by spaces. The tree is only read, never written: a character reference to a
    control character (&#1;) reads as that character. Raises
    `ReportError` for bytes that are not text, nesting deeper than MAX_HTML_DEPTH, or no text at all.
    """
    raw = _HTML_END.sub(b"", _utf8(data, path))
    # The HTML parser loads no DTD and expands only the predefined HTML entities.
    parser = etree.HTMLParser(
        encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True, huge_tree=False,
        default_doctype=False, collect_ids=False,
    )  # fmt: skip
    root = etree.fromstring(_without_controls(raw, path), parser)
    if root is None:
        raise ReportError(path, "the HTML page has no text")
    _check_depth(root, path)
    fatal = [e.message for e in parser.error_log if e.level_name == "FATAL"]
    if fatal:
        raise ReportError(path, f"the HTML parser stopped early: {fatal[0]}")
    title = _title(root)
    etree.strip_elements(root, *_SKIP, with_tail=False)
    grids, places = _grids(root, _cut_row(raw, root))
    flat = _text(root, places)
    if flat.count(_GRID) != len(grids):
        raise ReportError(path, "the page contains U+FDD1, a noncharacter this reader reserves")
    blocks: list[Block] = []
    paragraphs = 0
    for piece in flat.split(_LINE):
        if piece in grids:
            blocks.append(grids[piece])
        elif line := _clean(piece):
            paragraphs += 1
            blocks.append(Paragraph(line, f"html block {paragraphs}"))
    if not blocks:
        raise ReportError(path, "the HTML page has no text")
    return Document(path=path, format="html", blocks=blocks, title=title)


def _utf8(data: bytes, path: str) -> bytes:
    """The page in UTF-8 without the _DROPPED characters, decoded by its BOM, else as UTF-8, else a declared
    Big5, else GB18030 (what GBK/GB2312 pages are read as).

    Each is taken if it decodes strictly, or with at most MAX_BAD_CHARS of bytes left as U+FFFD. UTF-8 that
    decodes strictly and drops nothing is returned as it is, not encoded again."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            data, candidates = data[len(bom) :], [encoding]
            break
    else:
        # Valid UTF-8 wins over any declaration: UTF-8 Chinese often decodes "strictly" as GBK mojibake,
        # while GBK text is practically never valid UTF-8. A GBK/GB2312 declaration adds nothing to gb18030.
        declared = _declared(data[:4096])
        candidates = ["utf-8", *([declared] if declared in _BIG5 else []), "gb18030"]
    for encoding in candidates:
        try:
            text, exact = data.decode(encoding), True
        except UnicodeDecodeError as exc:
            if exc.start >= len(data) - 3 and exc.reason == "unexpected end of data":
                data = data[: exc.start]  # a page cut off inside its last character
                text, exact = data.decode(encoding), True
            else:
                # a few broken bytes (a page cut off inside a character) are tolerated, left visible
                text, exact = data.decode(encoding, errors="replace"), False
                if text.count("\ufffd") > MAX_BAD_CHARS * len(text):
                    continue
        if any(char in text for char in _DROPPED):
            return text.translate(dict.fromkeys(map(ord, _DROPPED))).encode()
        return data if exact and encoding == "utf-8" else text.encode()
    raise ReportError(path, f"the bytes cannot be decoded as text (tried {', '.join(candidates)})")


def _declared(head: bytes) -> str | None:
    """The charset a <meta> tag or XML declaration names, as a Python codec name."""
    match = _DECLARED.search(head)
    if not match:
        return None
    try:
        return codecs.lookup((match.group(1) or match.group(2)).decode("ascii")).name
    except LookupError:
        return None


def _without_controls(raw: bytes, path: str) -> bytes:
    """UTF-8 bytes without control characters, unless they show the file is binary data."""
    if not any(map(raw.__contains__, _CONTROL_CODES)):  # a memchr for each code, not a count over every byte
        return raw
    controls = len(raw.translate(None, _NOT_CONTROL_BYTES))
    if b"\x00" in raw or controls > 0.01 * len(raw):
        raise ReportError(path, "the file holds binary data, not an HTML page")
    return _CONTROL_BYTES.sub(b"", raw)


# An element below MAX_HTML_DEPTH others: XPath steps down level by level, visiting each element once.
_TOO_DEEP = etree.XPath("boolean(" + "/*" * (MAX_HTML_DEPTH + 1) + ")")


def _check_depth(root: etree._Element, path: str) -> None:
    if _TOO_DEEP(root):
        raise ReportError(path, f"HTML elements are nested deeper than {MAX_HTML_DEPTH} levels")


def _title(root: etree._Element) -> str | None:
    """<title> text, else the first <h1>/<h2>."""
    for node in (*root.iter("title"), *root.iter("h1", "h2")):
        if text := _clean(_flat(node)):
            return text
    return None


def _cut_row(text: bytes, root: etree._Element) -> etree._Element | None:
    """The row a download cut short: the page ends inside its last <tr> (no </tr>, </table> or </body> after
    it; a "<tr" in a comment is none). Its cells may have lost text (a 0 cut off reads blank), so it is left
    out of its grid."""
    at = len(text)
    while True:
        if (row := _LAST_TR.match(text, 0, at)) is None:
            return None
        at = row.end() - 3
        opened = text.rfind(b"<!--", 0, at)
        if opened < 0 or text.rfind(b"-->", opened, at) >= 0:
            break  # not inside a comment
        at = opened
    tail = _COMMENT.sub(b"", text[at:])
    if tail[3:4] not in (b" ", b"\t", b"\n", b"\r", b">", b"/", b"") or _ROW_CLOSED.search(tail):
        return None
    rows = list(root.iter("tr"))
    return rows[-1] if rows else None


def _grids(root: etree._Element, cut: etree._Element | None = None) -> tuple[dict[str, Grid], dict]:
    """(grids by key, places): each innermost table as a Grid, the row `cut` left out, and for each such table
    element the text that stands in its place in the page text (its captions and the key, a line each)."""
    grids: dict[str, Grid] = {}
    places: dict[etree._Element, str] = {}
    for table in [t for t in root.iter("table") if next(t.iterdescendants("table"), None) is None]:
        t = len(grids) + 1
        rows, texts = [], []
        for r, tr in enumerate(table.iter("tr"), 1):
            if tr is cut:
                continue
            row, at = [], f"table {t} row {r} cell "
            for c, td in enumerate(tr.iterchildren("td", "th"), 1):
                texts.append(text := _cell_text(td))
                names = td.keys()  # most cells have no span (many no attribute): one read, not one per span
                row.append(from_fields(Cell, (text, at + _NUMBERS[c] if c < 1000 else f"{at}{c}",
                                              _span(td.get("colspan"), MAX_COLSPAN) if "colspan" in names else 1,
                                              _span(td.get("rowspan"), 65534) if "rowspan" in names else 1)))
            rows.append(tuple(row))
        if not any(texts):
            continue  # a spacer table: nothing printed in it
        if max(map(len, texts)) > MAX_CELL_CHARS:
            continue  # a layout table holding paragraphs (a whole report in one cell): read as text
        key = f"{_GRID}{t}"
        grids[key] = Grid(tuple(rows), f"table {t}")
        captions = [_text(node).replace(_LINE, "") for node in table.iterchildren("caption")]
        places[table] = _LINE.join(["", *captions, key, ""])
    return grids, places


def _cell_text(td: etree._Element) -> str:
    n, text = len(td), td.text
    if not n:
        return _clean(text) if text else ""
    if n == 1 and not len(child := td[0]) and (text is None or text.isspace()) and (
        (tail := child.tail) is None or tail.isspace()
    ):
        inner = child.text  # the usual <td><p>text</p></td>
        return _clean(inner) if inner else ""
    return _clean(_text(td))


def _text(node: etree._Element, places: Mapping[etree._Element, str] = MappingProxyType({})) -> str:
    """The text under `node`, with a line mark at each <br> and around each block element, a space either side
    of a footnote mark (65<sup>1</sup>: set apart, not more digits), and the text of `places` (`_grids`) for
    the elements it holds."""
    parts: list[str] = []
    _text_parts(node, parts, places)
    return "".join(parts)


def _text_parts(node: etree._Element, parts: list[str], places: Mapping[etree._Element, str]) -> None:
    """Append the text under `node` to `parts` in order (see `_text`)."""
    if node.text:
        parts.append(node.text)
    for child in node:
        tag = child.tag
        if tag == "br":
            parts.append(_LINE)
        elif tag in _BLOCK:
            parts.append(_LINE)
            if child in places:
                parts.append(places[child])
            else:
                _text_parts(child, parts, places)
            parts.append(_LINE)
        elif tag in _FOOTNOTE:
            parts.append(" ")
            _text_parts(child, parts, places)
            parts.append(" ")
        else:
            _text_parts(child, parts, places)
        if child.tail:
            parts.append(child.tail)


def _flat(node: etree._Element) -> str:
    return etree.tostring(node, method="text", encoding="unicode", with_tail=False)


def _clean(text: str) -> str:
    """Whitespace runs (&nbsp; and U+3000 included) → one space; lines (between marks) stripped and
    joined by \\n, empty ones dropped."""
    if " " not in text and text.isprintable():  # what split() splits at is " " or not printable; so is _LINE
        return text  # the usual cell: nothing to collapse
    if _LINE not in text:
        return " ".join(text.split())
    lines = (" ".join(line.split()) for line in text.split(_LINE))
    return "\n".join(line for line in lines if line)


def _span(value: str, limit: int) -> int:
    """A colspan/rowspan attribute as HTML reads it: leading ASCII digits, at least 1, at most the HTML limit."""
    if (span := _SPANS.get(value)) is not None:
        return min(span, limit)
    if not (value.isascii() and value.isdigit()):  # "²".isdigit(), yet int("²") fails
        value = re.match(r"\s*([0-9]*)", value).group(1) or "1"
    return min(max(int(value), 1), limit)
