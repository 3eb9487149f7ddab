"""Analyst helpers over the `cells` table: a wide requests table, derived groups, standard rates.

Printed cells are never changed or mixed with derived values: derived groups come back in their own
frame marked `derived=True`, and every rate says where its numerator and denominator came from.

Row totals of table 三 are the printed `total` column. When a row's printed total is blank (or a dash)
the sum of its printed applicant columns is used instead and marked `applicant_sum` (Shanghai 2019
leaves most totals blank). A total that is ambiguous or unreadable text makes its sum NaN
(`ambiguous`): it is never replaced.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .codebook import codebook, codes

R, L = "requests", "review_litigation"
APPLICANTS = [c for c in codes(R, "column") if c != "total"]
GROUPS = ("denied", "unable", "not_processed", "other")
UNKNOWN = ("ambiguous", "text")  # kinds whose value is not known: sums over them are NaN
SOURCES = ("ambiguous", "applicant_sum", "blank", "printed")  # where a summed term came from (sorted)
ROW_GROUP = codebook().query("table == @R and axis == 'row'").set_index("code").group.to_dict()

# measure → (numerator terms, denominator terms). A term is a table-三 row ("granted"), a table-三 group
# ("group:denied"), or a table-四 cell ("review/corrected"). The definitions of templates.md §10, once.
MEASURES = {
    "disclosure_rate": (["granted", "partially_granted"], ["disposition_total"]),
    "full_grant_rate": (["granted"], ["disposition_total"]),
    "denial_rate": (["group:denied"], ["disposition_total"]),
    "unable_rate": (["group:unable"], ["disposition_total"]),
    "not_held_rate": (["unable_not_held"], ["disposition_total"]),
    "not_processed_rate": (["group:not_processed"], ["disposition_total"]),
    "other_rate": (["group:other"], ["disposition_total"]),
    "backlog_rate": (["carried_out"], ["new_received", "carried_in"]),
    "review_correction_rate": (["review/corrected"], ["review/upheld", "review/corrected", "review/other"]),
    "litigation_correction_rate": (
        ["litigation_direct/corrected", "litigation_after_review/corrected"],
        [f"{g}/{c}" for g in ("litigation_direct", "litigation_after_review") for c in ("upheld", "corrected", "other")],
    ),
}


def definition(terms: list[str]) -> str:
    """A sum of terms written as in templates.md: R[row] for table-三 totals, L[row,column] for table 四."""
    return " + ".join(f"L[{t.replace('/', ',')}]" if "/" in t else f"R[{t.replace('group:', 'group=')}]"
                      for t in terms)


def requests_wide(cells: pd.DataFrame) -> pd.DataFrame:
    """One row per report: the printed `total` of every table-三 row, then the table-四 group totals.

    Columns are the row codes in codebook order and `review_total`, `litigation_direct_total`,
    `litigation_after_review_total`; a blank or absent cell is NaN (no applicant-sum fallback here).
    """
    cells = _plain(cells)
    req = cells[(cells.table == R) & (cells.column == "total")]
    wide = req.pivot(index="report_id", columns="row", values="value")
    wide = wide.reindex(columns=codes(R, "row") + sorted(set(wide.columns) - set(codes(R, "row"))))
    lit = cells[(cells.table == L) & (cells.column == "total")]
    lit = lit.pivot(index="report_id", columns="row", values="value").reindex(columns=codes(L, "row"))
    wide = wide.join(lit.add_suffix("_total"), how="outer")
    wide.columns.name = None
    return wide.reset_index()


def derived_groups(cells: pd.DataFrame) -> pd.DataFrame:
    """Sums of the table-三 disposition groups (denied, unable, not_processed, other) per report and column.

    Columns: report_id, table, row (the group name), column, value, n_cells (cells of the group printed),
    n_blank (blank or dash), n_unknown (ambiguous or text), derived (always True). A group of blank cells
    only is NaN, not 0; blanks beside numbers add nothing; an ambiguous or text cell makes the sum NaN.
    """
    cells = _plain(cells)
    req = cells[cells.table == R].assign(group=lambda d: d.row.map(ROW_GROUP))
    req = req[req.group.isin(GROUPS)]
    req = req.assign(number=req.kind == "number", unknown=req.kind.isin(UNKNOWN), blank=req.kind.isin(("blank", "na")))
    out = req.groupby(["report_id", "group", "column"], observed=True, sort=False).agg(
        total=("value", "sum"), n_cells=("kind", "size"), n_number=("number", "sum"),
        n_blank=("blank", "sum"), n_unknown=("unknown", "sum"),
    ).reset_index()
    out["value"] = out.total.where((out.n_number > 0) & (out.n_unknown == 0))
    out = out.rename(columns={"group": "row"}).assign(table=R, derived=True)
    return out[["report_id", "table", "row", "column", "value", "n_cells", "n_blank", "n_unknown", "derived"]]


def wilson(k, n, z: float = 1.96):
    """Wilson score interval (low, high) for k successes in n trials; NaN unless 0 <= k <= n and n > 0.

    Works on scalars and arrays alike.
    """
    k, n = np.asarray(k, dtype="float64"), np.asarray(n, dtype="float64")
    with np.errstate(invalid="ignore", divide="ignore"):
        valid = (n > 0) & (k >= 0) & (k <= n)
        p = k / n
        centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
        half = z / (1 + z**2 / n) * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
        low = np.where(valid, np.where(k == 0, 0.0, centre - half), np.nan)
        high = np.where(valid, np.where(k == n, 1.0, centre + half), np.nan)
    return (float(low), float(high)) if low.ndim == 0 else (low, high)


def rates(cells: pd.DataFrame, *, blank_policy: str = "lenient", z: float = 1.96) -> pd.DataFrame:
    """The standard rates per report (`MEASURES`), tidy, with Wilson intervals.

    Columns: report_id, measure, numerator, denominator, rate, ci_low, ci_high, numerator_definition,
    denominator_definition, numerator_source, denominator_source. A source names where the summed
    terms came from, joined by "+": ambiguous, applicant_sum, blank, printed; "absent" when no term is
    printed. Under `blank_policy="lenient"` (the checks' default) a side whose printed terms are all
    blank counts as 0 (source "blank"); under "strict" it is NaN. A side with an ambiguous term is NaN.
    A rate needs a denominator above 0; the interval also needs numerator <= denominator.
    """
    if blank_policy not in ("lenient", "strict"):
        raise ValueError(f"blank_policy must be 'lenient' or 'strict', not {blank_policy!r}")
    cells = _plain(cells)
    terms = pd.DataFrame([(m, side, t) for m, pair in MEASURES.items()
                          for side, ts in zip(("numerator", "denominator"), pair, strict=True) for t in ts],
                         columns=["measure", "side", "term"])
    found = _term_values(cells).merge(terms, on="term")
    found["number"] = found.value.where(found.source.isin(("printed", "applicant_sum")))
    flags = {f"has_{s}": found.source == s for s in SOURCES}
    sides = found.assign(**flags).groupby(["report_id", "measure", "side"], observed=True, sort=False).agg(
        total=("number", "sum"), n_numbers=("number", "count"), **{f: (f, "max") for f in flags})
    full = pd.MultiIndex.from_product([pd.unique(cells.report_id), list(MEASURES), ["numerator", "denominator"]],
                                      names=["report_id", "measure", "side"])
    sides = sides.reindex(full)
    has = {s: sides[f"has_{s}"].fillna(False).astype(bool) for s in SOURCES}
    bits = sum(has[s].astype(int) * (1 << i) for i, s in enumerate(SOURCES))
    sides["source"] = bits.map({b: "+".join(s for i, s in enumerate(SOURCES) if b >> i & 1) or "absent"
                                for b in range(1 << len(SOURCES))})
    blank = 0.0 if blank_policy == "lenient" else np.nan
    sides["value"] = np.select([has["ambiguous"], sides.n_numbers.fillna(0) > 0, bits == 0],
                               [np.nan, sides.total, np.nan], blank)
    wide = sides[["value", "source"]].unstack("side", sort=False)
    out = pd.DataFrame({
        "report_id": wide.index.get_level_values("report_id"), "measure": wide.index.get_level_values("measure"),
        "numerator": wide["value", "numerator"].to_numpy(float), "denominator": wide["value", "denominator"].to_numpy(float),
    })
    out["rate"] = (out.numerator / out.denominator).where(out.denominator > 0)
    out["ci_low"], out["ci_high"] = wilson(out.numerator.to_numpy(), out.denominator.to_numpy(), z)
    out["numerator_definition"] = out.measure.map({m: definition(pair[0]) for m, pair in MEASURES.items()})
    out["denominator_definition"] = out.measure.map({m: definition(pair[1]) for m, pair in MEASURES.items()})
    out["numerator_source"] = wide["source", "numerator"].to_numpy()
    out["denominator_source"] = wide["source", "denominator"].to_numpy()
    return out


def _plain(cells: pd.DataFrame) -> pd.DataFrame:
    """The columns rates need, codes as categoricals (cheap to compare and group), a report_id ("" if none)."""
    cells = cells if "report_id" in cells else cells.assign(report_id="")
    cells = cells[["report_id", "table", "row", "column", "value", "kind"]]
    return cells.astype({c: "category" for c in ("report_id", "table", "row", "column", "kind")})


def _term_values(cells: pd.DataFrame) -> pd.DataFrame:
    """(report_id, term, value, source) for every table-三 row total, group member and table-四 cell."""
    req = cells[cells.table == R]
    total = req[req.column == "total"][["report_id", "row", "value", "kind"]]
    parts = req[req.column.isin(APPLICANTS)]
    parts = parts.assign(number=parts.kind == "number", unknown=parts.kind.isin(UNKNOWN))
    parts = parts.groupby(["report_id", "row"], observed=True).agg(
        sum=("value", "sum"), number=("number", "sum"), unknown=("unknown", "sum")).reset_index()
    rows = total.merge(parts, on=["report_id", "row"], how="outer")
    printed = rows.kind == "number"
    fallback = ~printed & ~rows.kind.isin(UNKNOWN) & (rows.unknown.fillna(0) == 0) & (rows.number.fillna(0) > 0)
    unknown = rows.kind.isin(UNKNOWN) | (~printed & (rows.unknown.fillna(0) > 0))
    rows["source"] = np.select([printed, unknown, fallback], ["printed", "ambiguous", "applicant_sum"], "blank")
    rows["value"] = np.select([printed, fallback], [rows.value, rows["sum"]], np.nan)
    rows["term"] = rows.row.astype(str)
    groups = rows.assign(term="group:" + rows.row.map(ROW_GROUP).astype(str))
    lit = cells[cells.table == L]
    lit = lit.assign(term=lit.row.astype(str) + "/" + lit.column.astype(str),
                     source=np.select([lit.kind == "number", lit.kind.isin(UNKNOWN)], ["printed", "ambiguous"], "blank"),
                     value=lit.value.where(lit.kind == "number"))
    cols = ["report_id", "term", "value", "source"]
    return pd.concat([rows[cols], groups[cols], lit[cols]], ignore_index=True)
