"""Arithmetic identities of the templates, narrative cross-checks and the quality summary.

Checks read `report.cells` and never change them. Check names (the `check` column of a finding):

- ``T3_COL`` new_received + carried_in = disposition_total + carried_out, per table-三 column (error).
- ``T3_ROWSUM`` total = the six applicant columns, per table-三 row (error); ``T3_ROWSUM_MISSING``
  when the printed total is blank beside non-zero parts (info: missing, not a failure).
- ``T3_DISP`` disposition_total = the sum of the disposition rows, per column (error); the
  "other" group is the other_* rows as printed (one other_disposition row or the three v2021 rows).
- ``T4_SUM`` total = upheld + corrected + other + pending, per table-四 row (error).
- ``NONNEG`` / ``INTEGER`` a negative count / a fractional count (error); items_change may be
  negative, amount_yuan may be fractional.
- ``T2_V2019_LE`` published <= published_total on the art20_1 rows (warning).
- ``NARR`` a count stated in the narrative matches none of the table readings tried (warning).
- ``TABLE_ABSENT`` a table has no cells, so none of its identities can be assessed (info).
- ``T3_XYEAR``, ``T2_V2021_XYEAR``, ``T2_V2019_XYEAR`` cross-year (warning; `check_series` only).

An identity touching a cell that is absent, ambiguous, not a number, or blank under the strict
policy is not assessable: an info finding under the identity's own name, never an error.
Findings carry expected (the sum of the parts, or the bound) and observed (the printed value).
"""

from __future__ import annotations

import math
from collections import Counter
from functools import cache, cached_property, partial, reduce
from itertools import compress, repeat
from operator import add, eq, itemgetter, le, sub

import pandas as pd

from .codebook import codes, group_of
from .schema import FINDING_COLUMNS, CellRecord, finding, frame
from .tables import NARRATIVE_CELLS

POLICIES = ("lenient", "strict")
SERIES_CHECKS = ("T3_XYEAR", "T2_V2021_XYEAR", "T2_V2019_XYEAR")
CHECK_NAMES = (
    "T3_COL",
    "T3_ROWSUM",
    "T3_ROWSUM_MISSING",
    "T3_DISP",
    "T4_SUM",
    "NONNEG",
    "INTEGER",
    "T2_V2019_LE",
    "NARR",
    "TABLE_ABSENT",
    *SERIES_CHECKS,
)

R, L, P = "requests", "review_litigation", "proactive"
COLUMNS = codes(R, "column")  # six applicant columns, then total
APPLICANTS = [c for c in COLUMNS if c != "total"]
_APPLICANT_SET = frozenset(APPLICANTS)
OUTCOMES = ["upheld", "corrected", "other", "pending"]
T4_ROWS = codes(L, "row")
OTHER_V2019, OTHER_V2021 = (
    ["other_disposition"],
    ["other_overdue_correction", "other_unpaid_fee", "other_other"],
)
GROUPS = {
    "granted": ["granted"],
    "partially_granted": ["partially_granted"],
    **{
        g: [r for r in codes(R, "row") if group_of(R, "row", r) == g]
        for g in ("denied", "unable", "not_processed")
    },
}
PROACTIVE_STOCK = ["rules", "normative_docs"]
PROACTIVE_ITEMS = [
    "admin_license",
    "other_external_services",
    "admin_penalty",
    "admin_coercion",
    "admin_fees",
]
TOLERANCE = 1e-6
# the cells of the fixed identities, keyed once: T3_COL (parts, printed) per column, the applicant
# cells of a table-三 row, the outcome cells of a table-四 row
T3_COL_ROWS = ("new_received", "carried_in", "disposition_total", "carried_out")  # the first two = the last two
_T3_COL_KEYS = {c: ([(R, r, c) for r in T3_COL_ROWS[:2]], [(R, r, c) for r in T3_COL_ROWS[2:]]) for c in COLUMNS}
_T3_ROW_KEYS = {r: [(R, r, c) for c in APPLICANTS] for r in codes(R, "row")}
_T4_KEYS = {g: [(L, g, c) for c in OUTCOMES] for g in T4_ROWS}


# --------------------------------------------------------------------------- cell access


# a sum of cells: its value, the cells that block it, and the blanks counted as 0 (a tuple: made by the hundred)
_Side = tuple[float, list[str], int]


class _Cells:
    """Cell lookup by (table, row, column) under a blank policy; duplicates count as ambiguous.

    Built from cell records (`Report.cell_records()`), kept as `records`; `cell_tables` …
    `cell_kinds` hold each field of the records in order (read in one pass); `numbers` holds the value of each
    cell that is a number (not NaN, not printed twice), `others` the kind of every other cell ("duplicated" when
    printed twice): each cell is keyed once, in one of the two."""

    def __init__(self, records: list[CellRecord], policy: str):
        if policy not in POLICIES:
            raise ValueError(f"blank_policy must be one of {POLICIES}, not {policy!r}")
        self.policy = policy
        self.records = records
        fields = list(zip(*records, strict=True)) or [()] * len(CellRecord._fields)
        self.cell_tables, self.cell_rows, self.cell_columns, self.cell_values, self.cell_kinds, *_ = fields
        self.keys = keys = list(zip(*fields[:3], strict=True))
        numbers: dict[tuple[str, str, str], float] = {}
        others: dict[tuple[str, str, str], str] = {}
        for key, kind, v in zip(keys, self.cell_kinds, self.cell_values, strict=True):
            if kind == "number" and v == v:  # not NaN
                numbers[key] = v
            else:
                others[key] = kind
        self.numbers, self.others = numbers, others
        self.unique = len(numbers) + len(others) == len(keys) and numbers.keys().isdisjoint(others)  # none twice
        if not self.unique:  # a cell printed twice
            for key, n in Counter(keys).items():
                if n > 1:
                    others[key] = "duplicated"
                    numbers.pop(key, None)
        self.tables = set(self.cell_tables)
        self.rows = set(self.cell_rows)

    @cached_property
    def table_rows(self) -> set[tuple[str, str]]:
        """(table, row) of every cell: built when first asked (most reports never ask)."""
        return set(zip(self.cell_tables, self.cell_rows, strict=True))

    def has_table(self, table: str) -> bool:
        return table in self.tables

    def has(self, table: str, row: str | None = None, column: str | None = None) -> bool:
        if row is None:
            if column is None:
                return table in self.tables
            # scans, as asked once a report: the column alone first (the pair needs a tuple per cell)
            if column not in self.cell_columns:
                return False
            return (table, column) in zip(self.cell_tables, self.cell_columns, strict=True)
        if column is None:  # rows are looked up first: most rows asked about and not printed are in no table
            return row in self.rows and (table, row) in self.table_rows
        key = (table, row, column)
        return key in self.numbers or key in self.others

    def kind(self, key: tuple[str, str, str]) -> str:
        return "number" if key in self.numbers else self.others.get(key, "absent")

    def cell(self, key: tuple[str, str, str]) -> tuple[str, float]:
        """The kind of a cell and its value when a number (NaN otherwise)."""
        value = self.numbers.get(key)
        return ("number", value) if value is not None else (self.others.get(key, "absent"), math.nan)

    def holds(self, parts: list[tuple[str, str, str]], printed: list[tuple[str, str, str]]) -> bool:
        """Every cell of both sides is a number and the sums (left to right, as `side`) agree."""
        get = self.numbers.get
        try:  # a cell that is not a number gives None, and None cannot be added
            return abs(reduce(add, map(get, parts), 0.0) - reduce(add, map(get, printed), 0.0)) <= TOLERANCE
        except TypeError:
            return False

    @cached_property
    def zeros(self) -> frozenset[tuple[str, str, str]]:
        """The blank cells a sum counts as 0: under the lenient policy every blank but a missing total, under the
        strict none (built when first asked: in most reports every cell of an identity is a number)."""
        if self.policy != "lenient":
            return frozenset()
        others = self.others
        blanks = frozenset(compress(others, map(eq, others.values(), repeat("blank"))))
        totals = [key for key in blanks if key[2] == "total" and key[0].endswith(R)]
        if not totals:
            return blanks
        # a blank table-三 total whose row prints a non-zero applicant cell is missing, not zero
        counted = {(t, r) for (t, r, c), v in self.numbers.items() if c in _APPLICANT_SET and v is not None and v != 0}
        return blanks.difference([key for key in totals if key[:2] in counted])

    def side(self, keys: list[tuple[str, str, str]]) -> _Side:
        """The sum of the number cells of `keys` (in order), the cells that block it and the blanks."""
        found = list(map(self.numbers.get, keys))
        if None not in found:  # every cell a number, as in most identities: summed left to right, as below
            return reduce(add, found, 0.0), [], 0
        total, blocked, blanks, zeros = 0.0, [], 0, self.zeros
        for key, value in zip(keys, found, strict=True):
            if value is not None:
                total += value
            elif key in zeros:
                blanks += 1
            else:
                blocked.append(self._blocking(key))
        return total, blocked, blanks

    def _blocking(self, key: tuple[str, str, str]) -> str:
        """Why a cell that is neither a number nor a blank counted as 0 blocks a sum."""
        kind = self.kind(key)
        if kind == "blank" and self.policy == "lenient":
            return f"{'/'.join(key)} blank beside non-zero parts (missing)"
        return f"{'/'.join(key)} {'blank (strict policy)' if kind == 'blank' else kind}"


def _listing(items: list[str], shown: int = 3) -> str:
    more = f" and {len(items) - shown} more" if len(items) > shown else ""
    return ", ".join(items[:shown]) + more


def _template(report, table: str) -> str:
    return (report.meta.get("templates") or {}).get(table) or report.meta.get("template") or ""


def _other_rows(cells: _Cells, template: str) -> list[str]:
    """The "other" disposition rows printed; the template's rows when none is. A row with its total printed is
    told by that cell, before the set of printed (table, row) pairs is built, which most reports never need."""
    printed = [r for r in OTHER_V2019 + OTHER_V2021 if cells.has(R, r, "total") or cells.has(R, r)]
    return printed or (OTHER_V2021 if template == "v2021" else OTHER_V2019)


# --------------------------------------------------------------------------- one report


class _Run:
    """Collects findings and the passed/failed/not-assessable/used counts (`tally`) for one report."""

    def __init__(self, cells: _Cells, used: set[tuple[str, str, str, str]] = frozenset()):
        self.cells, self.used = cells, used
        self.findings: list[dict] = []
        self.tally = dict.fromkeys(("passed", "failed", "not_assessable", "used"), 0)

    def note(self, blanks: int = 0) -> str:
        counted = f"; {blanks} blank cell(s) counted as 0" if blanks else ""
        return f"[blank policy {self.cells.policy}{counted}]"

    def add(self, *args, **kwargs) -> None:
        """Record a finding (arguments of `schema.finding`)."""
        self.findings.append(finding(*args, **kwargs))

    def not_assessable(self, check, table, row, column, what, blocked):
        self.tally["not_assessable"] += 1
        self.add(
            check,
            "info",
            table,
            row,
            column,
            message=f"{what}: not assessable ({_listing(blocked)}) {self.note()}",
        )

    def compare(self, check, table, row, column, what, parts, printed, *, lhs, rhs, severity="error"):
        """Identity sum(parts) == sum(printed); lhs/rhs describe the two sides in the message."""
        if self.cells.holds(parts, printed):  # the common case, told in one pass: every cell a number, sums equal
            self.held(check, table, row, column)
            return
        e, e_blocked, e_blanks = self.cells.side(parts)
        o, o_blocked, o_blanks = self.cells.side(printed)
        if e_blocked or o_blocked:
            self.not_assessable(check, table, row, column, what, e_blocked + o_blocked)
        elif abs(e - o) > TOLERANCE:
            self.tally["failed"] += 1
            self.add(
                check,
                severity,
                table,
                row,
                column,
                e,
                o,
                f"{what}: {lhs} = {e:g} but {rhs} = {o:g} {self.note(e_blanks + o_blanks)}",
            )
        else:
            self.held(check, table, row, column)

    def held_all(self, identities: set[tuple[str, str, str, str]]) -> None:
        """`held` for each of these identities (check, table, row, column), counted at once."""
        used = len(identities & self.used)
        self.tally["used"] += used
        self.tally["passed"] += len(identities) - used

    def held(self, check: str, table: str, row: str, column: str) -> None:
        """Count an identity that holds: passed, or used when it chose the reading of glued digits (it holds by
        construction)."""
        self.tally["used" if (check, table, row, column) in self.used else "passed"] += 1


@cache
def _disposition_keys(other_rows: tuple[str, ...]) -> dict[str, list[tuple[str, str, str]]]:
    """The T3_DISP parts per column: the disposition rows, with these "other" rows."""
    rows = [r for rows in GROUPS.values() for r in rows] + list(other_rows)
    return {c: [(R, r, c) for r in rows] for c in COLUMNS}


@cache
def _t3_grid(template: str) -> tuple[dict[str, int], list[tuple[str, str, str]], tuple[tuple[str, ...], ...]]:
    """The template's table-三 rows → their place, the cells row by row in codebook order, and the identities
    of the grid as (check, table, row, column): T3_ROWSUM row by row, then T3_COL and T3_DISP column by column."""
    rows = codes(R, "row", template)
    identities = (*[("T3_ROWSUM", R, r, "") for r in rows], *[("T3_COL", R, "", c) for c in COLUMNS],
                  *[("T3_DISP", R, "", c) for c in COLUMNS])
    return {r: i for i, r in enumerate(rows)}, [(R, r, c) for r in rows for c in COLUMNS], identities


@cache
def _t3_places(template: str, other_rows: tuple[str, ...]) -> tuple[itemgetter, tuple[int, ...]] | None:
    """Where in a column of the template's table-三 grid the T3_DISP parts are (a getter of the disposition rows,
    with these "other" rows) and the places of `T3_COL_ROWS`; None when one of them is not in the template."""
    at = _t3_grid(template)[0]
    try:
        disposition = itemgetter(*[at[r] for rows in GROUPS.values() for r in rows], *map(at.__getitem__, other_rows))
        return disposition, tuple(map(at.__getitem__, T3_COL_ROWS))
    except KeyError:
        return None


def _t3_held(cells: _Cells, template: str, other_rows: tuple[str, ...]) -> set[tuple[str, str, str, str]]:
    """The T3_ROWSUM, T3_COL and T3_DISP identities that hold when table 三 is printed as its template's full grid
    (most reports), each summed in the order `_Cells.side` sums. Checked a column at a time instead of cell by
    cell; in any other case none, for `_t3` to ask each identity."""
    if template not in ("v2019", "v2021") or not cells.unique:
        return set()
    _, grid, identities = _t3_grid(template)
    places = _t3_places(template, other_rows)
    if places is None:
        return set()
    disposition, (received, carried_in, handled, carried_out) = places
    keys, n = cells.keys, len(grid)
    try:
        start = keys.index(grid[0])
    except ValueError:  # table 三 does not print the grid's first cell
        return set()
    if keys[start : start + n] != grid or cells.cell_tables.count(R) != n:
        return set()  # not the grid, or more table-三 cells than it
    values, totals = _grid_values(cells, grid, start)
    columns = [values[j :: len(COLUMNS)] for j in range(len(COLUMNS))]  # each column down the rows
    row_sums = reduce(partial(map, add), columns[:-1], repeat(0.0))  # 0.0 + applicant 1 + … + applicant 6, per row
    verdicts = [
        *map(le, map(abs, map(sub, row_sums, totals)), repeat(TOLERANCE)),
        *[abs(0.0 + col[received] + col[carried_in] - (0.0 + col[handled] + col[carried_out])) <= TOLERANCE
          for col in columns],
        *[abs(reduce(add, disposition(col), 0.0) - col[handled]) <= TOLERANCE for col in columns],
    ]
    return set(compress(identities, verdicts))


def _grid_values(cells: _Cells, grid: list[tuple[str, str, str]], start: int) -> tuple[list, list]:
    """The values of table 三's grid (its cells from `start` on) and of its total column as T3_ROWSUM reads them.
    A blank counts 0 where sums count it so (`_Cells.zeros`), but a blank total is NaN to T3_ROWSUM (`_t3` reads
    such a row apart); any other cell that is not a number is NaN, with which no identity holds."""
    n = len(grid)
    kinds, values = cells.cell_kinds[start : start + n], cells.cell_values[start : start + n]
    if kinds.count("number") == n:  # most reports
        return values, values[len(COLUMNS) - 1 :: len(COLUMNS)]
    zeros = cells.zeros
    values = [v if kind == "number" else 0.0 if key in zeros else math.nan
              for key, kind, v in zip(grid, kinds, values, strict=True)]
    totals = values[len(COLUMNS) - 1 :: len(COLUMNS)]
    return values, [math.nan if kind == "blank" else v
                    for kind, v in zip(kinds[len(COLUMNS) - 1 :: len(COLUMNS)], totals, strict=True)]


def _t3(run: _Run, template: str) -> None:
    """T3_COL, T3_DISP and T3_ROWSUM: those `_t3_held` tells at once are counted, the others asked one by one."""
    cells = run.cells
    other_rows = tuple(_other_rows(cells, template))
    held = _t3_held(cells, template, other_rows)
    run.held_all(held)
    if held and len(held) == len(_t3_grid(template)[2]):  # every identity holds (most reports)
        return
    disposition = _disposition_keys(other_rows)
    for c, (parts, printed) in _T3_COL_KEYS.items():
        if ("T3_COL", R, "", c) not in held:
            run.compare(
                "T3_COL",
                R,
                "",
                c,
                f"column {c}",
                parts,
                printed,
                lhs="new_received + carried_in",
                rhs="disposition_total + carried_out",
            )
        if ("T3_DISP", R, "", c) not in held:
            run.compare(
                "T3_DISP",
                R,
                "",
                c,
                f"column {c}",
                disposition[c],
                [(R, "disposition_total", c)],
                lhs="sum of the disposition rows",
                rhs="printed (七) total",
            )
    for r, parts in _T3_ROW_KEYS.items():
        if ("T3_ROWSUM", R, r, "") in held or not cells.has(R, r):
            continue
        total = (R, r, "total")
        if cells.kind(total) == "blank":
            value, blocked, _ = cells.side(parts)
            if cells.policy == "lenient" and not blocked and value == 0:
                run.tally["passed"] += 1  # an all-empty row: a blank total is its zero
            else:
                run.tally["not_assessable"] += 1
                run.add(
                    "T3_ROWSUM_MISSING",
                    "info",
                    R,
                    r,
                    "total",
                    value if not blocked else math.nan,
                    message=f"row {r}: printed total is blank, so the row sum is missing {run.note()}",
                )
            continue
        run.compare(
            "T3_ROWSUM",
            R,
            r,
            "",
            f"row {r}",
            parts,
            [total],
            lhs="sum of the six applicant columns",
            rhs="printed total",
        )


def _t4(run: _Run) -> None:
    for g, parts in _T4_KEYS.items():
        run.compare(
            "T4_SUM",
            L,
            g,
            "",
            f"{g}",
            parts,
            [(L, g, "total")],
            lhs="upheld + corrected + other + pending",
            rhs="printed total",
        )


def _t2(run: _Run) -> None:
    if not run.cells.has(P, column="published_total"):
        return
    for r in PROACTIVE_STOCK:
        e, e_blocked, _ = run.cells.side([(P, r, "published_total")])
        o, o_blocked, _ = run.cells.side([(P, r, "published")])
        if e_blocked or o_blocked:
            run.not_assessable(
                "T2_V2019_LE", P, r, "published", f"{r}: published <= published_total", e_blocked + o_blocked
            )
        elif o > e + TOLERANCE:
            run.tally["failed"] += 1
            run.add(
                "T2_V2019_LE",
                "warning",
                P,
                r,
                "published",
                e,
                o,
                f"{r}: newly published ({o:g}) exceeds total published ({e:g}) {run.note()}",
            )
        else:
            run.tally["passed"] += 1


def _whole_and_nonneg(numbers) -> bool:
    try:  # one pass in C
        return min(numbers, default=0.0) >= 0 and all(map(float.is_integer, numbers))
    except TypeError:  # a value that is not a float (cells built by hand): looked at one by one
        return False


def _nonneg(run: _Run, numbered: int) -> None:
    """Counts are integers >= 0; items_change is a signed integer; amount_yuan a decimal >= 0.

    `numbered`: the cells of kind number. When each is in `_Cells.numbers` (none NaN or printed twice), all are
    in tables 二–四 and none is negative or fractional (most reports), each table with a number passes at once."""
    cells = run.cells
    distinct = set(cells.numbers.values())  # a few dozen values: each told once
    if numbered == len(cells.numbers) and cells.tables <= {P, R, L} and _whole_and_nonneg(distinct):
        run.tally["passed"] += len(set(map(itemgetter(0), cells.numbers)))
        return
    counted = [c for c in cells.records if c.kind == "number" and c.table in (P, R, L)]
    suspects = [c for c in counted if c.value < 0 or c.value % 1]  # negative or fractional (or NaN)
    for table in dict.fromkeys(c.table for c in counted):  # tables in the order first seen
        before = len(run.findings)
        for cell in (c for c in suspects if c.table == table):
            row, column, value = cell.row, cell.column, cell.value
            where = f"{table}/{row}/{column}"
            if value < 0 and column != "items_change":
                run.add("NONNEG", "error", table, row, column, 0.0, value, f"{where} is negative ({value:g})")
            if column != "amount_yuan" and (not math.isfinite(value) or abs(value - round(value)) > TOLERANCE):
                run.add(
                    "INTEGER",
                    "error",
                    table,
                    row,
                    column,
                    float(round(value)) if math.isfinite(value) else math.nan,
                    value,
                    f"{where} is not a whole number ({value:g})",
                )
        run.tally["failed" if len(run.findings) > before else "passed"] += 1


def _absent(run: _Run, table: str, template: str) -> None:
    identities = {R: "T3_COL, T3_ROWSUM, T3_DISP", L: "T4_SUM"}[table]
    rows = codes(R, "row", template if template in ("v2019", "v2021") else None)
    count = {R: 2 * len(COLUMNS) + len(rows), L: len(T4_ROWS)}[table] + 1  # + NONNEG
    run.tally["not_assessable"] += count
    run.add(
        "TABLE_ABSENT",
        "info",
        table,
        message=f"table {table} has no cells: {identities} and NONNEG not assessable {run.note()}",
    )


# --------------------------------------------------------------------------- narrative

# metric -> readings: (label, table, rows summed over the total column)
READINGS: dict[str, list[tuple[str, str, list[str]]]] = {
    "applications_received": [
        ("new_received", R, ["new_received"]),
        ("new_received + carried_in", R, ["new_received", "carried_in"]),
    ],
    "applications_handled": [
        ("disposition_total", R, ["disposition_total"]),
        ("disposition_total + carried_out", R, ["disposition_total", "carried_out"]),
    ],
    "applications_carried_over": [("carried_out", R, ["carried_out"])],
    "applications_carried_in": [("carried_in", R, ["carried_in"])],
    "applications_granted_or_partial": [("granted + partially_granted", R, ["granted", "partially_granted"])],
    "applications_granted": [
        ("granted", R, ["granted"]),
        ("granted + partially_granted", R, ["granted", "partially_granted"]),
    ],
    "applications_partial": [("partially_granted", R, ["partially_granted"])],
    "applications_denied": [("denied group (三)", R, GROUPS["denied"])],
    "applications_unable": [
        ("unable group (四)", R, GROUPS["unable"]),
        ("unable_not_held", R, ["unable_not_held"]),
    ],
    "applications_not_held": [
        ("unable_not_held", R, ["unable_not_held"]),
        ("unable group (四)", R, GROUPS["unable"]),
    ],
    "applications_not_processed": [("not_processed group (五)", R, GROUPS["not_processed"])],
    "applications_other": [("other group (六)", R, [])],  # rows as printed, filled in per report
    "review_cases": [("review total", L, ["review"])],
    "litigation_cases": [
        (
            "litigation_direct + litigation_after_review totals",
            L,
            ["litigation_direct", "litigation_after_review"],
        )
    ],
}
_COMPARED = frozenset(READINGS).union(NARRATIVE_CELLS)  # the metrics a narrative fact is compared with tables for
APPROX_TOLERANCE = 0.1  # an approximate statement (约, 近, 余 …) agrees within 10 %


def _row_total(cells: _Cells, table: str, row: str) -> float | None:
    """The printed total of a row; when the total is blank or absent, the sum of its parts (blanks as 0). None when
    the total is of another kind, or a part is neither a number nor blank."""
    kind, value = cells.cell((table, row, "total"))
    if kind == "number":
        return value
    if kind not in ("blank", "absent"):
        return None
    parts = []
    for column in APPLICANTS if table == R else OUTCOMES:
        kind, value = cells.cell((table, row, column))  # a number cell whose value is NaN: ("number", NaN)
        if kind == "number":
            parts.append(value)
        elif kind != "blank":
            return None
    return sum(parts)


def _readings(cells: _Cells, metric: str, template: str) -> list[tuple[str, str, list[str], float | None]]:
    out = []
    for label, table, rows in READINGS[metric]:
        rows = rows or _other_rows(cells, template)
        values = [_row_total(cells, table, r) for r in rows]
        out.append((label, table, rows, None if any(v is None for v in values) else float(sum(values))))
    if metric in ("review_cases", "litigation_cases"):  # the parts, read across the outcome columns
        rows = READINGS[metric][0][2]
        value, blocked, _ = cells.side([(L, g, c) for g in rows for c in OUTCOMES])
        out.append((f"sum of {' + '.join(rows)} outcomes", L, rows, None if blocked else value))
    return out


AGREEMENT_COLUMNS = ["metric", "stated", "approx", "evidence", "readings", "matched", "agreed", "table", "row",
                     "expected", "column"]  # fmt: skip


def narrative_agreement(report, *, blank_policy: str = "lenient") -> pd.DataFrame:
    """One row per agency-scope narrative fact about requests, review, litigation or normative documents.

    Columns: metric, stated, approx, evidence, readings (each "label = value" tried), matched (the
    reading that agrees, or ""), agreed (bool), table, row (the single row compared, or ""),
    expected (the matched reading's value, else the first one tried), column (the column compared:
    "total", or the table-二 column of 制发/现行有效 规范性文件). A row's value is its printed
    total, or the sum of its parts when the total is blank. Facts no reading can be computed for
    (cells absent, ambiguous) are left out. Approximate statements agree within 10 %.
    """
    records = _agreement(report, _Cells(report.cell_records(), blank_policy))
    for record in records:
        record["readings"] = _listed(record.pop("tried"))
    return pd.DataFrame.from_records(records, columns=AGREEMENT_COLUMNS)


def _listed(tried: list[tuple[str, str, list[str], float]]) -> str:
    """The readings tried, as `narrative_agreement` lists them."""
    return "; ".join(f"{label} = {v:g}" for label, _, _, v in tried)


def _agreement(report, cells: _Cells) -> list[dict]:
    """`narrative_agreement` as records, with the readings tried as (label, table, rows, value) (`tried`), not
    listed: only the facts no reading agrees with are written out in a check."""
    facts = [f for f in report.records("narrative") if f.get("metric") in _COMPARED]
    if not facts:
        return []

    def column(name, default):
        return [f.get(name, default) for f in facts]

    template = _template(report, R)
    records = []
    for metric, value, scope, approx, evidence in zip(
        [f["metric"] for f in facts],
        column("value", math.nan),
        column("scope", "agency"),
        column("approx", False),
        column("evidence", ""),
        strict=True,
    ):
        if scope == "region" or pd.isna(value):
            continue
        approx = bool(approx)
        col = "total"
        if metric in NARRATIVE_CELLS:
            table, row, by_template = NARRATIVE_CELLS[metric]
            col = by_template.get(_template(report, table), "")
            kind, cell = cells.cell((table, row, col))
            tried = [(f"{row} {col}", table, [row], cell)] if kind == "number" else []
        else:
            tried = [t for t in _readings(cells, metric, template) if t[3] is not None]
        if not tried:
            continue
        slack = APPROX_TOLERANCE if approx else 0.0
        matched = next((t for t in tried if abs(t[3] - value) <= slack * t[3] + TOLERANCE), None)
        first = matched or tried[0]
        records.append(
            dict(
                metric=metric,
                stated=float(value),
                approx=approx,
                evidence=str(evidence),
                tried=tried,
                matched=matched[0] if matched else "",
                agreed=matched is not None,
                table=first[1],
                row=first[2][0] if len(first[2]) == 1 else "",
                expected=first[3],
                column=col,
            )
        )
    return records


def _narrative(run: _Run, report) -> tuple[int, int]:
    """NARR findings; (facts checked, facts agreeing), leaving out the exact statements that chose a reading
    (they agree by construction; an approximate one about the same cell did not choose it, and is checked)."""
    records = [f for f in _agreement(report, run.cells)
               if f["approx"] or ("NARR", f["table"], f["row"], f["column"]) not in run.used]
    for fact in records:
        if not fact["agreed"]:
            run.add(
                "NARR",
                "warning",
                fact["table"],
                fact["row"],
                fact["column"],
                fact["expected"],
                fact["stated"],
                f"narrative states {fact['stated']:g} for {fact['metric']} (“{fact['evidence']}”) but no table "
                f"reading agrees: {_listed(fact['tried'])}",
            )
    return len(records), sum(fact["agreed"] for fact in records)


# --------------------------------------------------------------------------- public API


def check(report, *, blank_policy: str = "lenient"):
    """Add check findings to `report.findings` and fill `report.quality`; never changes `cells`.

    Findings of an earlier `check` (names in `CHECK_NAMES`) are replaced; reading findings stay.
    `report.quality` is one row:

    - checks_run: identity instances evaluated (T3_COL, T3_ROWSUM, T3_DISP, T4_SUM, T2_V2019_LE, and
      NONNEG once per table) = checks_passed + checks_failed + not_assessable + checks_used;
    - checks_used: identities the reader used to choose how to cut glued digits (`Report.used`): they
      hold by construction, so they are not counted as passed;
    - checks_failed: failed strict (error) or soft (warning) identities; not_assessable includes
      blank totals reported as T3_ROWSUM_MISSING and the identities of absent tables;
    - blank_share: blank cells / all cells; ambiguous_cells: cells of kind "ambiguous";
    - narrative_checked / narrative_agreed: agency-scope narrative facts compared with the tables /
      those matching one reading (see `narrative_agreement`), without facts that chose a reading;
    - blank_policy: "lenient" (a blank counts as 0, except a blank T3_ROWSUM total beside non-zero
      parts, which is missing) or "strict" (a blank is not a number; identities touching it are not
      assessable).
    """
    cells = _Cells(report.cell_records(), blank_policy)
    run = _Run(cells, report.used)
    if cells.has_table(R):
        _t3(run, _template(report, R))
    else:
        _absent(run, R, _template(report, R))
    if cells.has_table(L):
        _t4(run)
    else:
        _absent(run, L, _template(report, L))
    _t2(run)
    kinds = cells.cell_kinds
    _nonneg(run, kinds.count("number"))
    checked, agreed = _narrative(run, report)
    kept = [f for f in report.records("findings") if f["check"] not in CHECK_NAMES]
    report.findings = kept + run.findings  # records: the frame is built when first read
    n = len(kinds)
    quality = dict(
        checks_run=sum(run.tally.values()),
        checks_passed=run.tally["passed"],
        checks_failed=run.tally["failed"],
        not_assessable=run.tally["not_assessable"],
        checks_used=run.tally["used"],
        blank_share=kinds.count("blank") / n if n else math.nan,
        ambiguous_cells=kinds.count("ambiguous"),
        narrative_checked=checked,
        narrative_agreed=agreed,
        blank_policy=blank_policy,
    )
    report.quality = [quality]  # records: the frame is built when first read
    return report


def check_series(reports, *, blank_policy: str = "lenient") -> pd.DataFrame:
    """Cross-year findings over reports of one agency (T3_XYEAR, T2_V2021_XYEAR, T2_V2019_XYEAR).

    Only consecutive years are compared; all findings are warnings (or info when not assessable)
    and name both years. Raises ValueError for several agencies or two reports of one year.
    """
    reports = sorted(reports, key=lambda r: r.meta["year"])
    agencies = {r.meta.get("agency") for r in reports}
    years = [r.meta["year"] for r in reports]
    if len(agencies) > 1:
        raise ValueError(f"check_series needs reports of one agency, got {sorted(map(str, agencies))}")
    if len(set(years)) < len(years):
        raise ValueError(f"check_series got two reports for one year: {years}")
    findings: list[dict] = []
    for prev, cur in zip(reports, reports[1:], strict=False):
        t0, t1 = prev.meta["year"], cur.meta["year"]
        if t1 != t0 + 1:
            continue
        run = _Run(_Cells(_tagged(prev, "prev") + _tagged(cur, "cur"), blank_policy))
        span = f"{t0}→{t1}"
        if run.cells.has_table("prev:" + R) and run.cells.has_table("cur:" + R):
            for c in COLUMNS:
                run.compare(
                    "T3_XYEAR",
                    R,
                    "carried_in",
                    c,
                    f"{span} column {c}",
                    [("prev:" + R, "carried_out", c)],
                    [("cur:" + R, "carried_in", c)],
                    lhs=f"carried_out {t0}",
                    rhs=f"carried_in {t1}",
                    severity="warning",
                )
        if _template(prev, P) == _template(cur, P) == "v2021":
            for r in PROACTIVE_STOCK:
                _stock(run, span, r, t0, t1)
        if _template(prev, P) == _template(cur, P) == "v2019":
            for r in PROACTIVE_ITEMS:
                if run.cells.has("prev:" + P, r) or run.cells.has("cur:" + P, r):
                    run.compare(
                        "T2_V2019_XYEAR",
                        P,
                        r,
                        "prev_items",
                        f"{span} {r}",
                        [("prev:" + P, r, "prev_items"), ("prev:" + P, r, "items_change")],
                        [("cur:" + P, r, "prev_items")],
                        lhs=f"prev_items {t0} + items_change {t0}",
                        rhs=f"prev_items {t1}",
                        severity="warning",
                    )
        findings += [
            {**f, "message": f.get("message", "").replace("prev:", f"{t0}:").replace("cur:", f"{t1}:")}
            for f in run.findings
        ]
    return frame(findings, FINDING_COLUMNS)


def _stock(run: _Run, span: str, r: str, t0: int, t1: int) -> None:
    """in_force(t) = in_force(t-1) + issued(t) - repealed(t); repealed enters with a minus sign."""
    cells = run.cells
    base, base_blocked, _ = cells.side([("prev:" + P, r, "in_force"), ("cur:" + P, r, "issued")])
    repealed, repealed_blocked, _ = cells.side([("cur:" + P, r, "repealed")])
    printed, printed_blocked, _ = cells.side([("cur:" + P, r, "in_force")])
    blocked = base_blocked + repealed_blocked + printed_blocked
    what = f"{span} {r}"
    if blocked:
        run.not_assessable("T2_V2021_XYEAR", P, r, "in_force", what, blocked)
        return
    expected = base - repealed
    if abs(expected - printed) > TOLERANCE:
        run.add(
            "T2_V2021_XYEAR",
            "warning",
            P,
            r,
            "in_force",
            expected,
            printed,
            f"{what}: in_force {t0} + issued {t1} - repealed {t1} = {expected:g} but in_force {t1} = "
            f"{printed:g} (amendments and expiry also change the stock) {run.note()}",
        )


def _tagged(report, tag: str) -> list[CellRecord]:
    return [c._replace(table=f"{tag}:{c.table}") for c in report.cell_records()]
