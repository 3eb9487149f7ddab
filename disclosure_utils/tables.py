"""Document → the three report tables as coded cells, with the problems met while reading them.

Rows come from `locate` (grids or running text). A row whose cell boundaries are known is parsed
cell by cell; a glued run is cut by `split` into every split the reading rules allow, and the
table's own identities (T3_ROWSUM, T4_SUM, then T3_DISP and T3_COL across rows) choose between
them. A cell that the candidates do not agree on is `ambiguous`, with a finding listing them.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache, partial
from operator import le

import pandas as pd

from . import labels, locate, split, values
from .codebook import TABLES, codes
from .document import Document, from_fields
from .errors import ReportError
from .schema import CELL_COLUMNS, FINDING_COLUMNS, CellRecord, finding, frame

MAX_JOINT = 50_000  # joint assignments of ambiguous table-三 rows tried against the column identities


# Narrative facts that state a table-二 cell: metric → (table, row, column by template). The reader narrows glued
# rows with them; the checks compare them with the cell.
NARRATIVE_CELLS = {
    "normative_docs_issued": ("proactive", "normative_docs", {"v2021": "issued", "v2019": "made"}),
    # v2019 has no in-force column: its 对外公开总数量 (published_total) counts documents made public, not in force
    "normative_docs_in_force": ("proactive", "normative_docs", {"v2021": "in_force"}),
}


@dataclass
class Recognised:
    cell_records: list[CellRecord]
    finding_records: list[dict]  # schema.FINDING_COLUMNS
    templates: dict[str, str]  # table → v2019 | v2021, for the tables found
    open_rows: dict = field(default_factory=dict)  # (table, row) → (RowRead, columns, template, candidates)
    # (check, table, row, column) of the identity instances and narrative cells that chose a split: they hold
    # by construction, so the checks count them as used, not as passed
    used: set[tuple[str, str, str, str]] = field(default_factory=set)

    @property
    def cells(self) -> pd.DataFrame:
        return frame(self.cell_records, CELL_COLUMNS)

    @property
    def findings(self) -> pd.DataFrame:
        return frame(self.finding_records, FINDING_COLUMNS)


def layout(table: str, template: str) -> dict[str, tuple[str, ...]]:
    """Printed rows → their value columns, in order, for one table of one template."""
    if table == "proactive":
        return dict(labels.PROACTIVE_COLUMNS[template])
    if table == "requests":
        return {row: labels.REQUESTS_COLUMNS for row in codes("requests", "row", template)}
    return {row: labels.REVIEW_COLUMNS for row in labels.REVIEW_GROUPS}


@cache
def _kinds(columns: tuple[str, ...]) -> tuple[str, ...]:
    """The split kind of each column: signed for the items change, amount for the fee, else int."""
    return tuple({"items_change": "signed", "amount_yuan": "amount"}.get(c, "int") for c in columns)


def _int(raw: str) -> int:
    """A part's count for identities: dashes and blanks count 0, as in the lenient policy; 1,064 is 1064."""
    try:
        return int(raw)
    except ValueError:
        bare = raw.translate(split.WITHOUT_COMMAS)
        return _int(bare) if bare != raw else 0


class _Builder:
    def __init__(self):
        self.fee_unit = "万元"  # the v2021 fee column's unit as its header prints it
        self.cells: list[CellRecord] = []
        self.ranks: list[int] = []  # each cell's place in codebook order (`_row_ranks`), to sort them by
        self.findings: list[dict] = []
        self.open: dict = {}
        self.used: set[tuple[str, str, str, str]] = set()

    def finding(self, check: str, severity: str, table: str, row: str, column: str, message: str) -> None:
        self.findings.append(finding(check, severity, table, row, column, message=message))

    def cells_of(self, table: str, row: str, items, template: str) -> None:
        """Write one row's cells from (column, raw, source) triples; a raw of None (a part the candidate splits
        of a glued run disagree on) is skipped, for `ambiguous` to write."""
        ranks, cells, order = _row_ranks(table, row), self.cells, self.ranks
        for column, raw, source in items:
            if raw is None:
                continue
            if column == "amount_yuan":
                value, kind, note = values.parse(raw, amount_unit=self.fee_unit if template == "v2021" else "")
                if note:
                    self.finding("READ_UNIT", "info", table, row, column, f"{raw.strip()!r}: {note}")
            else:
                value, kind, _ = values.parse(raw)  # a count: no unit to assume, so no note
            cells.append(from_fields(CellRecord, (table, row, column, value, kind, raw.strip(), source)))
            order.append(ranks[column])

    def ambiguous(self, table: str, row: str, column: str, run: str, source: str) -> None:
        self.cells.append(from_fields(CellRecord, (table, row, column, math.nan, "ambiguous", run, source)))
        self.ranks.append(_row_ranks(table, row)[column])

    def unread(self, table: str, row: str, cols: tuple[str, ...], printed: str, source: str, check: str = "",
               message: str = "") -> None:
        """Every cell of a row `ambiguous` (raw: what it prints), after a warning `check` saying why (when given)."""
        if check:
            self.finding(check, "warning", table, row, "", message)
        for col in cols:
            self.ambiguous(table, row, col, printed, source)

    def sorted_cells(self) -> list[CellRecord]:
        """The cells in codebook order: table, then row, then column (most reports are written in it already)."""
        ranks = self.ranks
        if all(map(le, ranks, ranks[1:])):
            return self.cells
        return [self.cells[i] for i in sorted(range(len(self.cells)), key=ranks.__getitem__)]


def _agree(cands: list[tuple[str, ...]], n: int) -> list[str | None]:
    """Per cell: the part every candidate agrees on, else None."""
    if len(cands) == 1:
        return list(cands[0])
    return [cands[0][i] if len({c[i] for c in cands}) == 1 else None for i in range(n)]


def _emit_split(b: _Builder, rr: locate.RowRead, cols: tuple[str, ...], template: str,
                cands: list[tuple[str, ...]], how: str, note: str = "") -> None:
    """Write a glued row's cells from its surviving candidates."""
    table, row = rr.table, rr.code
    if not cands:
        b.unread(table, row, cols, rr.run or "", rr.source, "READ_UNSPLITTABLE",
                 f"values {rr.run!r} cannot be cut into {len(cols)} cells; marked ambiguous")
        return
    agreed = _agree(cands, len(cols))
    b.cells_of(table, row, zip(cols, agreed, itertools.repeat(rr.source)), template)  # agreed: a part per column
    open_cols = [c for c, p in zip(cols, agreed, strict=True) if p is None] if None in agreed else []
    for col in open_cols:
        b.ambiguous(table, row, col, rr.run or "", rr.source)
    if len(cands) > 1:
        shown = "; ".join("|".join(c) for c in cands[:8]) + (" …" if len(cands) > 8 else "")
        if open_cols:
            b.open[(table, row)] = (rr, cols, template, cands)
            b.finding("READ_AMBIGUOUS", "warning", table, row, "",
                      f"glued values {rr.run!r} split {len(cands)} ways ({shown}){note}; "
                      f"ambiguous: {', '.join(open_cols)}")
    elif how:
        b.finding("READ_RESOLVED", "warning", table, row, "", f"glued values {rr.run!r} split as "
                  f"{'|'.join(cands[0])}, the only split {how}")


@split.cached(lambda result: len(result[0]))
def _row_split(table: str, toks: tuple[str, ...], cols: tuple[str, ...]) -> tuple[tuple, tuple, str]:
    """(all candidates, candidates passing the row's own identity, identity name) for a glued row.

    Cached: most rows of a report, and of a corpus, print the same few runs ("0000000")."""
    cands = tuple(split.candidates(list(toks), _kinds(cols)))
    if table == "requests":
        return cands, tuple(c for c in cands if sum(map(_int, c[:6])) == _int(c[6])), "T3_ROWSUM"
    if table == "review_litigation":
        return cands, tuple(c for c in cands if sum(map(_int, c[:4])) == _int(c[4])), "T4_SUM"
    return cands, (), ""


def _good_splits(table: str, cols: tuple[str, ...], toks: tuple[str, ...]) -> tuple:
    """The splits of a glued row's tokens that satisfy its own identity (`_row_split`)."""
    return _row_split(table, toks, cols)[1]


# whitespace between two digits of a glued run, with the token it ends (its digits, commas and all: 2,0 00)
_GAP = re.compile(rf"(?<!\d)(?<!\d[{split.COMMAS}])(\d++(?:[{split.COMMAS}]\d++)*+)\s+(?=\d)")
_GAP_NOTE = ", some reading a space between digits as inside a number"


def _spaces_undecided(b: _Builder, rr: locate.RowRead, cols: tuple[str, ...]) -> None:
    """Mark a glued row ambiguous: its digits split too many ways to list once a space between them is read as inside
    a number, so the splits with its spaces as cell boundaries are not known to be the only ones."""
    b.unread(rr.table, rr.code, cols, rr.run or "", rr.source, "READ_AMBIGUOUS", f"glued values {rr.run!r} split too "
             "many ways to list with a space between digits read as inside a number; marked ambiguous")


def _closed_gap_splits(
    run: str, toks: Sequence[str], reading: Sequence[tuple[str, ...]], good: Callable[[tuple[str, ...]], Sequence]
) -> list[tuple[str, ...]] | None:
    """The splits `good` accepts once one gap between digits in `run` (whose tokens are `toks`) is closed, other than
    those of `reading`; None when the digits split too many ways to list with a gap closed (a space may then have
    made the run readable).

    Whitespace in a glued run is read as a cell boundary; a stray space inside a number (2 70020130 for 270020130)
    makes that reading wrong, yet it may satisfy the row's identity, or fail it as a report that does not add up
    would. When closing a gap gives a split `good` accepts (one the identity accepts, or any, for a run with no split
    the identity accepts), the space decided the reading: the cells the splits disagree on are not certain. Only for
    a reading that cuts inside a printed token: a run printing every cell apart (27 0 0 2 0 1 30) is read as printed,
    as a stray space there would make a token too many. A gap after zeros alone (0 18) is passed over: a number across
    it would start with 0. A run without such a gap, or with no reading, has none."""
    words = run.split()
    if len(words) < 2 or not "".join(words[:-1]).strip("0") or not reading or len(toks) >= len(reading[0]):
        return []  # no gap, zeros alone before each (most spaced runs), no reading, or every cell printed apart
    found: set[tuple[str, ...]] = set()
    for m in _GAP.finditer(run):
        if not m[1].translate(split.WITHOUT_COMMAS).strip("0"):
            continue  # zeros alone before it (0 18): a number across it starts with 0 (unlike 1,0 00, which may be 1,000)
        try:
            found.update(good(tuple(split.tokens(run[: m.end(1)] + run[m.end() :]))))
        except split.TooManySplits:
            return None
    return sorted(found.difference(reading)) if found else []


def _grid_parts(
    rr: locate.RowRead, k: int, spare: Callable[[int, int], bool]
) -> tuple[tuple[tuple[str, ...], ...] | None, str | None, bool]:
    """((raws, sources) of a grid row's cells, trimmed to k when `spare(n, k)` (the blank cells past the k columns of a
    row of n cells are spare, asked only of a row with some); else a run to split when printed cells hold several values;
    else None, None when the row cannot be read by position; and whether a cell holds several values)."""
    raws, sources = rr.cells  # locate reads a grid row only with a value cell at least
    n = len(raws)
    if n > k and not values.clean(raws[n - 1]) and spare(n, k):
        while n > k and not values.clean(raws[n - 1]):
            n -= 1
    raws, sources = raws[:n], sources[:n]
    merged = split.holds_several(raws)
    if n == k and not merged:
        return (raws, sources), None, False
    if not merged or n == k or not all(map(values.clean, raws)):
        return None, None, merged  # joining would let a blank cell vanish, or the cells already fit: a shape problem
    return None, " | ".join(map(values.clean, raws)), True  # "|": a cell boundary, not a space that may be stray


def _printed(rr: locate.RowRead) -> str:
    """What a row prints after its label: its value cells (cleaned, joined by " | "), or its run of glued text."""
    return " | ".join(map(values.clean, rr.cells[0])) if rr.cells is not None else rr.run or ""


def _table(b: _Builder, table: str, template: str, rows: list[locate.RowRead]) -> None:
    plan = layout(table, template)
    seen: dict[str, locate.RowRead] = {}
    again: dict[str, list[locate.RowRead]] = {}  # the printings of rows printed more than once
    for rr in rows:
        if rr.code in seen:
            again.setdefault(rr.code, [seen[rr.code]]).append(rr)
        elif rr.code not in plan:
            b.finding("READ_UNEXPECTED_ROW", "warning", table, rr.code, "",
                      f"row {rr.code} is not part of the {template} table; not read")
        else:
            seen[rr.code] = rr
    clashing: dict[str, str] = {}  # rows printed again with other values (which is the row's is unknown): all printed
    for code, printings in again.items():
        times = "twice" if len(printings) == 2 else f"{len(printings)} times"
        if len(shown := list(dict.fromkeys(map(_printed, printings)))) == 1:
            b.finding("READ_DUPLICATE_ROW", "warning", table, code, "",
                      f"row printed {times} ({'; '.join(rr.source for rr in printings)}); the first is kept")
        else:
            b.finding("READ_DUPLICATE_ROW", "warning", table, code, "", f"row printed {times} with other values ("
                      f"{'; '.join(f'{_printed(rr)!r} at {rr.source}' for rr in printings)}); marked ambiguous")
            clashing[code] = " ; ".join(shown)
    # A row printing a number past its own columns, or anything past the table's widest row, shows a column too
    # many somewhere in the table's grid (a header cut in two, a stray cell): the values after it sit one place off,
    # so blank cells at the end of the other rows are not known to be spare, and those rows are not read by position
    # either. (Table 二's rows are of 1 to 3 columns: a "/" in a column a row does not have is no sign of one.)
    # A row wider than the table's widest row is cut back to its columns only when most rows read by position run
    # just as far past their own, or are as wide (a column of empty cells the whole grid has): a cell only it has may
    # stand anywhere in it (an empty <td> slipped in before its last value, with the 总计 it ends in left blank, read
    # one place off). Rows padded within the table's width (a one-column row printed as 782 |  | ) show no such column.
    width = max(map(len, plan.values()))
    shapes = [(len(rr.cells[0]), len(plan[code])) for code, rr in seen.items() if rr.cells is not None]

    def spare(n: int, k: int) -> bool:
        if n > width and 2 * sum(w - own == n - k or w >= n for w, own in shapes) <= len(shapes):
            return False
        return not any(
            rr.cells is not None
            and (any(map(values.clean, rr.cells[0][width:]))
                 or any(values.parse(raw)[1] == "number" for raw in rr.cells[0][len(plan[code]) : width]))
            for code, rr in seen.items()
        )  # fmt: skip

    glued: dict[str, tuple[locate.RowRead, tuple, str]] = {}  # row → (read, splits satisfying T3_ROWSUM, note)
    for code, cols in plan.items():
        rr = seen.get(code)
        if rr is None:
            b.finding("READ_MISSING_ROW", "warning", table, code, "", f"row {code} not found in the {template} table")
            continue
        if code in clashing or rr.doubt:  # rr.doubt: a PDF row's digits parted from its label, say
            b.unread(table, code, cols, clashing.get(code) or _printed(rr), rr.source,
                     "READ_DISPLACED" if rr.doubt else "", f"{rr.doubt}; marked ambiguous")
            continue
        if rr.cells is not None:
            parts, run, merged = _grid_parts(rr, len(cols), spare)
            if parts is not None:
                b.cells_of(table, code, zip(cols, *parts, strict=True), template)
                continue
            printed = _printed(rr)
            if run is None:
                shape = (f"a cell of the row holds several values ({printed})" if merged else
                         f"row has {len(rr.cells[0])} value cells ({printed}) where the {template} table has {len(cols)}")
                b.unread(table, code, cols, printed, rr.source, "READ_SHAPE", f"{shape}; marked ambiguous")
                continue
            b.finding("READ_GLUED_CELL", "info", table, code, "", f"printed cells hold several values "
                      f"({printed}); cut into {len(cols)} cells by the reading rules")
            rr = locate.RowRead(rr.table, rr.code, None, run, rr.source)
        if rr.cut:
            _cut(b, rr, [(code, cols)], template)
            continue
        toks = split.tokens(rr.run or "")
        if not toks:  # the label is followed by the next one: nothing printed
            b.finding("READ_NO_VALUES", "info", table, code, "", "row prints no values; its cells are blank")
            b.cells_of(table, code, zip(cols, itertools.repeat(""), itertools.repeat(rr.source)), template)
            continue
        try:
            cands, good, ident = _row_split(table, tuple(toks), cols)
        except split.TooManySplits:
            _emit_split(b, rr, cols, template, [], "")
            continue
        short = len((rr.run or "").split()) > 1 and split.fewest_values(rr.run or "", toks) < len(cols)
        if short and not (ident and len(good) == 1):
            # spaced values, fewer than the cells: a blank cell may have vanished, so no cut is certain
            b.unread(table, code, cols, rr.run or "", rr.source, "READ_SPACING", f"values {rr.run!r} are printed "
                     f"apart but fewer than its {len(cols)} cells (a blank may have vanished); marked ambiguous")
        elif not ident or (len(cands) == 1 and not short):
            _emit_split(b, rr, cols, template, cands, "")
        elif len(good) == 1:
            b.used.add((ident, table, code, ""))
            closed = _closed_gap_splits(rr.run or "", toks, good, partial(_good_splits, table, cols))
            if closed is None:
                _spaces_undecided(b, rr, cols)
            elif closed and table == "requests":  # the column identities may choose
                glued[code] = (rr, (*good, *closed), _GAP_NOTE)
            elif closed:
                _emit_split(b, rr, cols, template, [*good, *closed], "", _GAP_NOTE)
            else:
                _emit_split(b, rr, cols, template, good, f"satisfying {ident} ({len(cands) - 1} other splits "
                            "of the printed digits rejected)")
        elif table == "requests" and good:
            if len(good) < len(cands):
                b.used.add((ident, table, code, ""))
            glued[code] = (rr, good, "")
        else:
            if good and len(good) < len(cands):
                b.used.add((ident, table, code, ""))
            _emit_split(b, rr, cols, template, good or cands, "")
    if glued:
        _resolve_requests(b, template, plan, glued)


def _resolve_requests(b: _Builder, template: str, plan: dict, glued: dict) -> None:
    """Choose between row splits of table 三 with the column identities T3_DISP and T3_COL."""
    fixed: dict[str, list[int]] = {}
    for c in b.cells:
        if c.table == "requests":
            v = c.value
            fixed.setdefault(c.row, [0] * 7)[labels.REQUESTS_COLUMNS.index(c.column)] = (
                int(v) if c.kind == "number" and not math.isnan(v) else 0)
    open_rows = list(glued)
    options = [glued[r][1] for r in open_rows]
    survivors: list[tuple] = []
    if math.prod(len(o) for o in options) <= MAX_JOINT:
        disp_rows = [r for r in plan if r not in ("new_received", "carried_in", "disposition_total", "carried_out")]
        for combo in itertools.product(*options):
            grid = dict(fixed)
            grid.update({r: [_int(x) for x in cand] for r, cand in zip(open_rows, combo, strict=True)})
            if _columns_hold(grid, disp_rows):
                survivors.append(combo)
        if survivors:  # the column identities that rejected a combination chose the reading
            rejecting = _rejecting(fixed, dict(zip(open_rows, options, strict=True)), disp_rows)
            b.used.update((check, "requests", "", col) for check, col in rejecting)
    for i, code in enumerate(open_rows):
        rr, good, note = glued[code]
        chosen = sorted({combo[i] for combo in survivors}) if survivors else good
        how = "satisfying T3_ROWSUM, T3_DISP and T3_COL" if survivors else ""
        _emit_split(b, rr, plan[code], template, chosen, how, note)


def _rejecting(fixed: dict[str, list[int]], options: dict[str, list[tuple]], disp_rows: list[str]) -> set[tuple]:
    """(check, column) of the column identities that reject some combination of the open rows' splits.

    An identity of column c sees only the rows' values in c, so the combinations of those suffice.
    """
    out = set()
    for c, col in enumerate(labels.REQUESTS_COLUMNS):
        printed = {r: v[c] for r, v in fixed.items()}
        per_row = {r: sorted({_int(cand[c]) for cand in opts}) for r, opts in options.items()}
        for values_c in itertools.product(*per_row.values()):
            out.update((check, col) for check in _broken(printed | dict(zip(per_row, values_c, strict=True)),
                                                         disp_rows))
    return out


def _columns_hold(grid: dict[str, list[int]], disp_rows: list[str]) -> bool:
    return not any(_broken({r: v[c] for r, v in grid.items()}, disp_rows) for c in range(7))


def _broken(column: dict[str, int], disp_rows: list[str]) -> list[str]:
    """The column identities one column's values break (rows not printed count 0): T3_DISP, T3_COL."""
    get = column.get
    total = get("disposition_total", 0)
    holds = {
        "T3_DISP": sum(get(r, 0) for r in disp_rows) == total,
        "T3_COL": get("new_received", 0) + get("carried_in", 0) == total + get("carried_out", 0),
    }
    return [check for check, held in holds.items() if not held]


def _review(b: _Builder, rows: list[locate.RowRead]) -> None:
    """Table 四 printed as one glued run of 15 values: cut it by the three group totals (with a gap between digits
    closed, too: `_closed_gap_splits`; when no split adds up, every split of the run closed so is a candidate)."""
    (rr,) = rows
    cols = labels.REVIEW_COLUMNS
    if rr.doubt:
        for group in labels.REVIEW_GROUPS:
            b.unread(rr.table, group, cols, rr.run or "", rr.source, "READ_DISPLACED", f"{rr.doubt}; marked ambiguous")
        return
    if rr.cut:
        _cut(b, rr, [(group, cols) for group in labels.REVIEW_GROUPS], "")
        return
    toks = tuple(split.tokens(rr.run or ""))
    good, cands = _review_splits(toks)
    chose = bool(good) and (cands is None or len(good) < len(cands))
    chosen, how = good or cands or [], "satisfying T4_SUM" if chose else ""
    if chose:
        b.used.update(("T4_SUM", "review_litigation", g, "") for g in labels.REVIEW_GROUPS)
    closed = _closed_gap_splits(rr.run or "", toks, chosen, _review_adding_up if good else _review_splits_all)
    parts = [rr._replace(code=group) for group in labels.REVIEW_GROUPS]  # the run, read for each group
    if closed is None:
        for part in parts:
            _spaces_undecided(b, part, cols)
        return
    chosen = [*chosen, *closed]
    for g, part in enumerate(parts):
        sub = sorted({c[5 * g: 5 * g + 5] for c in chosen})
        _emit_split(b, part, cols, "", sub, how if len(sub) == 1 else "", _GAP_NOTE if closed and len(sub) > 1 else "")


def _cut(b: _Builder, rr: locate.RowRead, rows: list[tuple[str, tuple[str, ...]]], template: str) -> None:
    """Rows (code, columns) whose values the text ends inside. When the run prints one value per cell, each
    apart, only the last can have lost digits: it is ambiguous and the others are read. Otherwise a digit cut
    off changes every split: every cell is ambiguous."""
    run = rr.run or ""
    cols = tuple(c for _, row_cols in rows for c in row_cols)
    toks = split.tokens(run)
    cands = split.candidates(toks, _kinds(cols)) if len(toks) == len(cols) == len(run.split()) else []
    apart = bool(cands)
    parts: list[str | None] = list(cands[0]) if apart else [None] * len(cols)
    parts[-1] = None
    for code, row_cols in rows:
        row, parts = parts[: len(row_cols)], parts[len(row_cols) :]
        if None in row:
            b.finding("READ_CUT", "warning", rr.table, code, "", f"the text ends inside the row's values {run!r} (a "
                      f"file cut short?): {'its last value' if apart else 'its values'} may be cut; marked ambiguous")
        _emit_split(b, rr._replace(code=code), row_cols, template, [tuple(row)], "")  # a None part: ambiguous


def _group_adds_up(prefix: tuple[str, ...]) -> bool:
    """A partial table-四 split whose last complete group of five has total = the four outcomes."""
    if len(prefix) % 5:
        return True
    group = prefix[-5:]
    return sum(map(_int, group[:4])) == _int(group[4])


def _review_adding_up(toks: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The splits of table 四's run whose group totals add up, found with the totals checked as the search goes."""
    return split.candidates(list(toks), ["int"] * 15, prune=_group_adds_up)


def _review_splits_all(toks: tuple[str, ...]) -> list[tuple[str, ...]]:
    """Every split of table 四's run (when none adds up, each is a reading)."""
    return split.candidates(list(toks), ["int"] * 15)


@split.cached(lambda result: len(result[0]) + len(result[1] or ()))
def _review_splits(toks: tuple[str, ...]) -> tuple[tuple, tuple | None]:
    """(splits of table 四's run whose group totals add up, every split or None when too many to list)."""
    try:  # every split: the reading when no split adds up, and to know whether the group totals chose one
        cands = tuple(_review_splits_all(toks))
    except split.TooManySplits:  # the group totals, checked as the search goes, may prune it to a few
        try:
            return tuple(_review_adding_up(toks)), None
        except split.TooManySplits:
            return (), None
    return tuple(c for c in cands if _group_adds_up(c[:5]) and _group_adds_up(c[:10]) and _group_adds_up(c)), cands


def _refuse(doc: Document) -> None:
    text = labels.norm(doc.text())
    markers = [m for m in labels.PRE2019_MARKERS if m in text]
    if len(markers) >= 2 or (markers and re.search(r"20(0\d|1[0-8])年", text[:300])):
        raise ReportError(doc.path, "pre-2019 report format (no 2019/2021 template tables; printed "
                          f"{'、'.join(markers)}); only reports under the 2019 template are read",
                          kind="pre2019")
    if len(text) < 200:
        raise ReportError(doc.path, f"no report tables: the page holds only {len(text)} characters "
                          "(a title or a link; the report may be an attachment)", kind="no_tables")
    if "公开" not in text:  # every report says 信息公开: mojibake, or not a report
        raise ReportError(doc.path, "no report tables found, and the text never says 公开: not a disclosure report, "
                          "or text in an encoding other than UTF-8 and GB18030/GBK (Big5, say)", kind="no_tables")
    raise ReportError(doc.path, "no report tables found (none of tables 二–四 of the 2019/2021 "
                      "templates is printed in the text)", kind="no_tables")


def recognise(doc: Document) -> Recognised:
    """Read the three tables of a document into tidy cells and reading findings."""
    found = locate.from_grids(doc)
    templates: dict[str, str] = {}
    tables_found = {r.table for r in found.rows}
    missing = set(TABLES) - tables_found
    if missing and doc.paragraphs:
        more = locate.from_text(doc, missing)
        found.rows += more.rows
        found.table_text.update({k: v for k, v in more.table_text.items() if k in missing})
        found.templates.update(more.templates)
    if not found.rows:
        _refuse(doc)
    b = _Builder()
    if labels.FEE_IN_YUAN.search(found.table_text.get("proactive", "")):
        b.fee_unit = ""
    for table in TABLES:
        rows = [r for r in found.rows if r.table == table]
        if not rows:
            b.finding("READ_MISSING_TABLE", "warning", table, "", "", f"table {table} not found")
            continue
        key = found.table_text.get(table, "")
        if table == "proactive":
            templates[table] = found.templates.get(table) or locate.detect_proactive(key) or _proactive_by_shape(rows)
        elif table == "requests":
            has_sub = any(r.code.startswith("other_") and r.code != "other_disposition" for r in rows)
            templates[table] = found.templates.get(table) or ("v2021" if has_sub else locate.detect_requests(key))
        if table == "review_litigation" and rows[0].code == "*":
            _review(b, rows)
        else:
            _table(b, table, templates.get(table, "v2019"), rows)
    for table in _misordered(found.table_text):
        b.finding("READ_HEADER", "warning", table, "", "", "column headers are printed in another order than "
                  "the template's; cells are not read by position (marked ambiguous)")
        b.cells = [c._replace(value=math.nan, kind="ambiguous") if c.table == table else c for c in b.cells]
        # nothing chose its cells: no narrative narrows them, no identity counts as used
        b.open = {key: row for key, row in b.open.items() if key[0] != table}
        b.used = {u for u in b.used if u[1] != table}
    for table, label, source in found.unknown:
        b.finding("READ_UNKNOWN_LABEL", "warning", table, "", "", f"row label {label!r} ({source}) matches no "
                  "known row; its values are not read")
    for table in dict.fromkeys(t for t, _, _ in found.unlabelled):
        _unlabelled(b, table, [(printed, source) for t, printed, source in found.unlabelled if t == table])
    return Recognised(b.sorted_cells(), b.findings, templates, b.open, b.used)


def _unlabelled(b: _Builder, table: str, rows: list[tuple[str, str]]) -> None:
    """Values printed without a row label (a PDF line of digits parted from its label): not read, and the rows of
    the table printing none, whose values they may be, are ambiguous rather than blank."""
    printed: dict[str, bool] = {}
    for c in b.cells:
        if c.table == table:
            printed[c.row] = printed.get(c.row, False) or c.kind != "blank"
    empty = [row for row, any_printed in printed.items() if not any_printed]
    marked = f"the rows printing none ({', '.join(empty)}) are marked ambiguous" if empty else "no row prints none"
    for values_printed, source in rows:
        b.finding("READ_UNLABELLED", "warning", table, "", "", f"values {values_printed!r} ({source}) are printed "
                  f"without a row label; not read, and {marked}")
    b.cells = [c._replace(kind="ambiguous") if c.table == table and c.row in empty else c for c in b.cells]


def narrow(rec: Recognised, facts: list[dict]) -> None:
    """Narrow glued rows left open with counts the narrative states for their cells.

    `facts` are narrative records (`narrative.extract_records`). "动态更新本年度制发的规范性文件77件" fixes
    制发 at 77 in "77132470": only the splits agreeing with the sentence are kept, and the sentence is
    quoted in the finding. A stated count no split agrees with (or sentences that disagree) narrows nothing.
    """
    targets = {(t, r) for t, r, _ in NARRATIVE_CELLS.values()}
    if not targets & rec.open_rows.keys():
        return
    stated: dict[str, list[dict]] = {}
    for f in facts:
        if f["metric"] in NARRATIVE_CELLS and f["scope"] == "agency" and not f["approx"]:
            stated.setdefault(f["metric"], []).append(f)
    for (table, row), (rr, cols, template, cands) in list(rec.open_rows.items()):
        kept, quoted = cands, []
        for metric, (t, r, by_template) in NARRATIVE_CELLS.items():
            col = by_template.get(template)
            said = stated.get(metric, [])
            if (t, r) != (table, row) or col not in cols or len({f["value"] for f in said}) != 1:
                continue
            i, value = cols.index(col), float(said[0]["value"])
            agreeing = [c for c in kept if values.parse(c[i])[0] == value]
            if agreeing:
                if len(agreeing) < len(kept):
                    rec.used.add(("NARR", table, row, col))
                kept = agreeing
                quoted.append(f"{said[0]['evidence']!r}")
        if kept is cands:
            continue
        b = _Builder()
        how = f"agreeing with the narrative {'; '.join(quoted)}"
        _emit_split(b, rr, cols, template, kept, how, note=f", narrowed by the narrative {'; '.join(quoted)}")
        at = [i for i, c in enumerate(rec.cell_records) if c.row == row and c.table == table]
        rec.cell_records[at[0] : at[-1] + 1] = b.sorted_cells()  # a row's cells are contiguous in codebook order
        rec.finding_records = [f for f in rec.finding_records
                               if not (f["check"] == "READ_AMBIGUOUS" and (f["table"], f["row"]) == (table, row))]
        rec.finding_records += b.findings
        rec.open_rows.pop((table, row))
        rec.open_rows.update(b.open)


_HEADER_ORDER = {table: [re.compile(h) for h in heads] for table, heads in labels.HEADER_ORDER.items()}


def _misordered(table_text: dict[str, str]) -> list[str]:
    """Tables whose printed column headers (all found) come in another order than the template's."""
    out = []
    for table, heads in _HEADER_ORDER.items():
        key = table_text.get(table, "")
        hits = [h.search(key) for h in heads]
        if all(hits) and [m.start() for m in hits] != sorted(m.start() for m in hits):
            out.append(table)
    return out


def _proactive_by_shape(rows: list[locate.RowRead]) -> str:
    lic = next((r for r in rows if r.code == "admin_license" and r.cells is not None), None)
    v2019_only = {"other_external_services", "central_procurement"}
    if any(r.code in v2019_only for r in rows) or (lic is not None and len(lic.cells[0]) >= 3):
        return "v2019"
    return "v2021"


@cache
def _row_ranks(table: str, row: str) -> dict[str, int]:
    """Column → the place of the row's cell in codebook order: table, then row, then column."""
    cells = [(t, r, c) for t in TABLES for r in codes(t, "row") for c in codes(t, "column")]
    return {c: i for i, (t, r, c) in enumerate(cells) if (t, r) == (table, row)}
