"""The one model every source form is read into: a `Document` of paragraphs and grids.

Readers for text, HTML, PDF and DOCX each turn bytes into a `Document`; table
recognition, narrative extraction and checks are written once, against it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import attrgetter
from typing import NamedTuple

# from_fields(T, fields): a named tuple T made from all its fields in C, for the hot paths that make hundreds
# (T(*fields) runs the named tuple's constructor, which is Python code); a global name, not an attribute looked up
from_fields = tuple.__new__


class Cell(NamedTuple):
    """One printed cell of a grid: its text as printed and where it came from (a named tuple: a report
    has hundreds, made faster than frozen dataclasses)."""

    text: str
    source: str
    colspan: int = 1
    rowspan: int = 1


@dataclass(frozen=True)
class Grid:
    """A table as rows of cells (spans kept as printed, not expanded)."""

    rows: tuple[tuple[Cell, ...], ...]
    source: str


@dataclass(frozen=True)
class Paragraph:
    """A run of narrative text.

    Glued crawler text (table cells run together) arrives as paragraphs too; the
    table recogniser finds the tables inside them.
    """

    text: str
    source: str


Block = Paragraph | Grid


@dataclass
class Document:
    """A report read from any source form, in reading order."""

    path: str
    format: str  # text | html | pdf | docx
    blocks: list[Block] = field(default_factory=list)
    title: str | None = None
    header: dict[str, str] = field(default_factory=dict)  # crawler metadata lines (标题, 发布时间, 发布机构 …)
    sha256: str = ""  # of the bytes read

    @property
    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]

    @property
    def grids(self) -> list[Grid]:
        return [b for b in self.blocks if isinstance(b, Grid)]

    @property
    def printed(self) -> list[Block]:
        """The blocks that print text, in reading order: all but grids without rows (a DOCX table with none)."""
        return [b for b in self.blocks if isinstance(b, Paragraph) or b.rows]

    def text(self) -> str:
        """All text in reading order, grid cells joined by spaces and rows by newlines."""
        return "\n".join(map(block_text, self.printed))

    def tail(self, n: int) -> str:
        """The last n characters of `text()`, built from the last blocks only."""
        if n <= 0:
            return ""
        parts, size = [], -1
        for block in reversed(self.printed):
            parts.append(block_text(block))
            size += len(parts[-1]) + 1
            if size >= n:
                break
        return "\n".join(reversed(parts))[-n:]


_TEXT = attrgetter("text")


def block_text(block: Block) -> str:
    """A printed block's part of `Document.text()`."""
    if isinstance(block, Paragraph):
        return block.text
    return "\n".join([" ".join(map(_TEXT, row)) for row in block.rows])  # lists and a C getter: no generators
