"""PDF tables without rules (or whose value columns are not ruled apart), rebuilt from the positions
of their text: value columns from the column headers, rows from the value and label lines."""

from __future__ import annotations

import bisect
import statistics
from dataclasses import dataclass

from .pdf_page import _Box, _cx, _group_lines, _is_ordinal, _is_value, _Line, _Moved
from .pdf_tables import _cell_groups, _Columns, _numbers, _Table, _TCell

_ROW = 10.0  # lattice step between rows of a table read from text positions (well above _TOL)


def _value_runs(line: _Line) -> list[_Line]:
    """Runs holding values: after the line's first run, or all of them in a line of values only."""
    runs = line.runs
    if len(runs) > 1 and _is_value(runs[0].text) and _is_value(runs[1].text):
        return [r for r in runs if _is_value(r.text)]
    return [r for r in runs[1:] if _is_value(r.text)]


def _borderless_tables(
    lines: list[_Line], page: int, carry: _Columns | None, tail: list[_Line]
) -> tuple[list[_Table], list[_Line], list[_Line]]:
    """Find tables among a page's free lines; return them, the lines left for paragraphs, and the lines of
    `tail` (the free lines ending the page before) taken as the header of the table that starts this page."""
    tables, used, taken = [], set(), []
    for zone in _zones(lines):
        top = zone[0] is lines[0]
        head = _header_before(zone, page, tail) if top else []
        table = _Zone(head + zone, page).table(carry, top=top)
        if table is not None:
            tables.append(table)
            carry = table.columns
            used.update(id(ln) for ln in zone)
            if head:
                taken = tail[len(tail) - len(head) :]
    return tables, [ln for ln in lines if id(ln) not in used], taken


def _header_before(zone: list[_Line], page: int, tail: list[_Line]) -> list[_Line]:
    """The last lines of the page before that are (part of) the header of `zone`, the table starting this
    page (a page break under or inside a table's header): value-free lines that fit the table's shape, as
    its lines above would, of which one at least is a header line."""
    if not tail:
        return []
    data = [ln for ln in zone if _value_runs(ln)]
    shape = _Shape.of(data[0])
    for ln in data[1:]:
        shape = shape.grow(ln)
    head = []
    for ln in reversed(tail):
        if _value_runs(ln) or not _fits(ln, head[0] if head else zone[0], shape, False):
            break
        head.insert(0, ln)
    if not head:
        return []
    dy = zone[0].top - 0.3 * zone[0].size - head[-1].bottom
    moved = [_Moved.of(ln, dy) for ln in head]
    return moved if any(_Zone(moved + zone, page).kind(ln) == "head" for ln in moved) else []


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
    if line.page != neighbour.page:
        return True  # the page break between them is no gap
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

    def table(self, carry: _Columns | None, *, top: bool = False) -> _Table | None:
        """The zone's table; `carry`: the columns of the table the page before ended with, `top`: the zone
        starts the page."""
        data = [ln for ln in self.lines if self.values(ln)]
        if (
            not any(self.kind(ln) == "head" for ln in self.lines)
            and len(data) < 2
            and max(len(self.values(d)) for d in data) < 3
            and not (top and self.goes_on(carry))
        ):
            return None  # one line with a number in it is not a table, unless a page break left it alone
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
        boxes = []
        for number in dict.fromkeys(ln.page for ln in self.lines):  # a header taken from the page before first
            on = [ln.box for ln in self.lines if ln.page == number]
            boxes.append(_Box(number, min(b.x0 for b in on), on[0].top, self.right, on[-1].bottom))
        return _Table(cells, boxes, boxes[-1].top, columns=columns)

    def goes_on(self, carry: _Columns | None) -> bool:
        """Do the zone's values lie within the value area of `carry`, the table ending the page before?"""
        return carry is not None and all(
            carry.xv - self.em <= r.x0 and r.x1 <= carry.right + self.em for ln in self.lines for r in self.values(ln)
        )

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
            boxes = [r.box for r in runs] or [_Box(head[0].page, a, head[0].top, b, head[-1].bottom)]
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
            for (k, m), chars in _value_cells(row["data"], columns, self.xv, self.page):
                a, b = _col_edges(columns, k)[0], _col_edges(columns, m)[1]
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


def _value_cells(data: list[_Line], columns: _Columns, xv: float, page: int) -> list[tuple[tuple[int, int], list]]:
    """((first column, last column), chars) of a row's value cells: each char in the column holding its centre, but
    a number printed across a column's edge (2 | 52 for 252) is one cell with the columns it crosses
    (`_cell_groups`), and its digits left of the value area (column -1) are its own."""
    chars = [ch for d in data for ch in d.chars]
    col = {id(ch): _col_of(columns, _cx(ch)) if _cx(ch) >= xv - 0.5 * ch["size"] else -1 for ch in chars}
    spans = []
    for number in _numbers(chars, page):
        first, last = max(min(ks := {col[id(ch)] for ch in number}), 0), max(ks)
        if last >= 0:  # wholly left of the value area it is no value of the row
            col.update(dict.fromkeys(map(id, number), first))
            spans.append(range(first, last + 1))
    return [
        ((group[0], group[-1]), [ch for ch in chars if group[0] <= col[id(ch)] <= group[-1]])
        for group in _cell_groups(len(columns.bounds) + 1, spans)
    ]


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
