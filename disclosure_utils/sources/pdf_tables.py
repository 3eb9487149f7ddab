"""PDF tables as cells with page coordinates: `_Table` (joined over page breaks, then a `Grid`), its
cells and lattice helpers, and the tables drawn by ruling lines."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field, replace

from ..document import Cell, Grid
from .pdf_page import _ASCII_SPACE, _Box, _cx, _cy, _group_lines, _is_ordinal, _is_value, _Raw, _source

_TOL = 2.0  # points: ruled edges this close are one line


# --- tables: cells with coordinates, joined over page breaks, then a Grid ------------------------------


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

    @property
    def one_row(self) -> bool:
        """Drawn by rules around a single row of cells (a page break's piece of a table, or a boxed line)."""
        return self.columns is None and len(_cluster(v for c in self.cells for v in (c.y0, c.y1))) <= 2

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
    "法提供"). Header and caption cells are never joined, nor is a row below a header row (text above a
    value in one column).
    """
    pairs = [(a, b) for b in first for a in last if abs(a.x0 - b.x0) <= _TOL and abs(a.x1 - b.x1) <= _TOL]
    pairs = [
        (a, b) for a, b in pairs if sum(p[0] is a for p in pairs) == 1 and sum(p[1] is b for p in pairs) == 1
    ]
    labels = sorted((b for b in first if b.text and not _is_value(b.text)), key=lambda c: c.x0)
    if not labels or any(c.head for c in first):
        return []
    if any(a.text and not _is_value(a.text) and _is_value(b.text) for a, b in pairs):
        return []  # a column's title above its value: the last row is the header, the next a row of its own
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


_NUMBER_CHARS = frozenset("0123456789.,")


def _numbers(chars: list[dict], page: int) -> list[list[dict]]:
    """The chars of each number of two or more digits, as printed on one line without a word space."""
    out = []
    for line in _group_lines(chars, page):
        run: list[dict] = []
        for ch in [*line.chars, None]:
            digit = ch is not None and ch["text"] in _NUMBER_CHARS
            if digit and run and ch["x0"] - run[-1]["x1"] <= _ASCII_SPACE * max(ch["size"], run[-1]["size"]):
                run.append(ch)
                continue
            if sum(c["text"].isdigit() for c in run) > 1:
                out.append(run)
            run = [ch] if digit else []
    return out


def _cell_groups(count: int, spans) -> list[list[int]]:
    """Cells 0 … count - 1 in groups, in order: the cells of each of `spans` (those one number is printed across) in
    one. A number too wide for its cell spills over a rule or a column's edge, and which cell it is in is not known:
    the row then has one cell for two, which the recogniser cuts by its rules as glued values (or leaves ambiguous),
    never a number cut in two (行政处罚 3 | 985758 for 3985758)."""
    root = list(range(count))

    def find(i: int) -> int:
        while root[i] != i:
            i = root[i]
        return i

    for span in spans:
        first, *others = sorted({find(i) for i in span})
        for i in others:
            root[i] = first
    groups: dict[int, list[int]] = {}
    for i in range(count):
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())


def _ruled_tables(raw: _Raw) -> list[_Table]:
    """Tables drawn by ruling lines, each char in the cell that holds its centre; the cells a number is printed
    across are one (`_cell_groups`)."""
    found = []
    for (x0, top, x1, bottom), cells_found in raw.ruled:
        boxes = sorted(cells_found, key=lambda b: (b[1], b[0]))
        if len(_cluster(v for b in boxes for v in (b[0], b[2]))) < 3:
            continue  # one column: a shaded or boxed paragraph, not a table (one row of cells may be a table's
            # piece a page break left alone, joined to the table beside it)
        mine = [c for c in raw.chars if x0 <= _cx(c) <= x1 and top <= _cy(c) <= bottom]
        held: list[list[dict]] = [[] for _ in boxes]
        cell_of: dict[int, int] = {}
        for ch in mine:
            cx, cy = _cx(ch), _cy(ch)
            for i, (bx0, btop, bx1, bbottom) in enumerate(boxes):
                if bx0 <= cx <= bx1 and btop <= cy <= bbottom:
                    held[i].append(ch)
                    cell_of[id(ch)] = i
                    break
        spans = []
        for number in _numbers([c for c in raw.chars if top <= _cy(c) <= bottom], raw.number):
            if inside := {cell_of[id(c)] for c in number if id(c) in cell_of}:
                spans.append(inside)
                past = [c for c in number if id(c) not in cell_of]  # past the table's edge (or between its cells)
                held[min(inside)] += past
                mine += [c for c in past if not (x0 <= _cx(c) <= x1)]
        cells = []
        for group in _cell_groups(len(boxes), spans):
            bx0, btop, bx1, bbottom = (f(boxes[i][k] for i in group) for k, f in enumerate((min, min, max, max)))
            lines = _group_lines([ch for i in group for ch in held[i]], raw.number)
            if len(group) == 1 and any(sum(_is_value(r.text) for r in ln.runs) > 1 for ln in lines):
                break  # numbers of several columns in one cell: the value columns are not ruled apart
            text = "\n".join(ln.text for ln in lines)
            cells.append(_TCell(bx0, bx1, btop, bbottom, text, [_Box(raw.number, bx0, btop, bx1, bbottom)]))
        else:
            found.append(_Table(cells, [_Box(raw.number, x0, top, x1, bottom)], top, chars=mine))
    return found
