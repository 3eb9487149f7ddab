"""Text files → `Document`: flattened-cell text (tab-led cells), crawled page text and plain text.

Flattened-cell text (the 安康 form) has one cell per tab-led line, a label continuing on the lines
below it (down to one character per line) and a blank line after each row: those rows become
grids. Everything else becomes one paragraph per line; the table recogniser finds tables that
were glued into running text.
"""

from __future__ import annotations

import codecs
import re

from ..document import Cell, Document, Grid, Paragraph
from ..errors import ReportError

CRAWLER_RULE = re.compile(r"^=+\s*正文\s*=+\s*$")
_HEADER_LINE = re.compile(r"^(?P<key>[^:：\s]{1,8})\s*[:：]\s*(?P<value>.*)$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NOT_CONTROL_BYTES = bytes(b for b in range(256) if not _CONTROL.fullmatch(chr(b)))


def decode(data: bytes, path: str) -> str:
    """Bytes → str: BOM first, then strict UTF-8, then GB18030; binary data is refused.

    A BOM the bytes do not follow is dropped (GBK text behind a UTF-8 BOM). A file cut inside its last
    character (a truncated download) loses only that partial character.
    """
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return _text_only(data.decode(enc), path)
            except UnicodeDecodeError:
                data = data[len(bom) :]
                break
    for enc in ("utf-8", "gb18030"):
        try:
            return _text_only(data.decode(enc), path, data)
        except UnicodeDecodeError as exc:
            if exc.end == len(data) and len(data) - exc.start < 4:  # only the last character is incomplete
                whole = data[: exc.start]
                return _text_only(whole.decode(enc), path, whole)
    raise ReportError(path, "not text: the bytes are neither UTF-8 nor GB18030 (GBK) text", kind="binary")


def _text_only(text: str, path: str, data: bytes | None = None) -> str:
    """`text`, unless control characters show binary data. They are counted in the bytes it was decoded from
    when given (UTF-8 and GB18030 write them as single bytes no other character uses), a C-speed count."""
    controls = len(data.translate(None, _NOT_CONTROL_BYTES)) if data is not None else len(_CONTROL.findall(text))
    if controls > max(3, len(text) // 1000):
        raise ReportError(path, "binary data, not a text report (control characters throughout)", kind="binary")
    return text


def _header(lines: list[str]) -> tuple[dict[str, str], int]:
    """Crawler metadata above a '==== 正文 ====' rule: (fields, index of the first body line)."""
    for i, line in enumerate(lines[:30]):
        if "正文" in line and CRAWLER_RULE.match(line.strip()):  # the rule names 正文: a plain scan passes the rest
            fields = {}
            for head in lines[:i]:
                m = _HEADER_LINE.match(head.strip())
                if m:
                    fields[m["key"]] = m["value"].strip()
            return fields, i + 1
    return {}, 0


def _flattened(lines: list[str], first: int) -> list:
    """Blocks of flattened-cell text: rows of tab-led cells as grids, other lines as paragraphs."""
    blocks: list = []
    rows: list[tuple[Cell, ...]] = []
    i = first

    def flush_grid() -> None:
        if rows:
            blocks.append(Grid(tuple(rows), f"lines {rows[0][0].source[5:]}-{i}"))
            rows.clear()

    while i < len(lines):
        if not lines[i].strip() and not lines[i].startswith("\t"):
            i += 1
            continue
        j = i
        while j < len(lines) and (lines[j].strip() or lines[j].startswith("\t")):
            j += 1
        block = lines[i:j]
        if block[0].startswith("\t"):
            cells: list[list] = []
            for k, line in enumerate(block):
                if line.startswith("\t"):
                    cells.append([line[1:].strip(), f"line {i + k + 1}"])
                else:
                    cells[-1][0] += "\n" + line.strip()
            rows.append(tuple(Cell(t, s) for t, s in cells))
        else:
            flush_grid()
            blocks.extend(Paragraph(line.strip(), f"line {i + k + 1}") for k, line in enumerate(block) if line.strip())
        i = j
    flush_grid()
    return blocks


def read_text(data: bytes, path: str) -> Document:
    """Read a text report (UTF-8 or GB18030) into a `Document`."""
    text = decode(data, path).replace("\r\n", "\n").replace("\r", "\n")
    if text[:2048].lstrip().startswith("{\\rtf"):  # RTF is ASCII: it decodes, and would read as text
        raise ReportError(path, "an RTF document (often saved as .doc), which is not read: save it as DOCX or PDF")
    lines = text.split("\n")
    header, first = _header(lines)
    tab_led = sum(1 for line in lines[first:] if line.startswith("\t"))
    if tab_led >= 20:
        blocks = _flattened(lines, first)
    else:
        blocks = [Paragraph(line.strip(), f"line {n + 1}") for n, line in enumerate(lines[first:], start=first)
                  if line.strip()]
    if not blocks:
        raise ReportError(path, "no text after the page header", kind="empty")
    title = header.get("标题") or next(
        (b.text for b in blocks[:6] if isinstance(b, Paragraph) and "报告" in b.text and len(b.text) < 80), None)
    return Document(path=path, format="text", blocks=blocks, title=title, header=header)
