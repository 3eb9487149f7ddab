"""Hostile and broken input never crashes a read and never slips a wrong number through (issue 8).

A fixed-seed run of `N` mutants of every real report (see `tests/mutations.py`): each is read and
must either raise `ReportError` with a reason or return. No other exception may escape. Where it
returns, its cells are compared with the original report's cells (key: table, row, column;
compared: kind and value):

- an equal cell is fine;
- a cell that differs (changed or new) must be *flagged*: the mutant's cell is `ambiguous`, or a
  finding of severity error or warning, or a reading finding (READ_*), names it: its table, and its
  row and column where the finding gives them (READ_RESOLVED names the row whose split it chose, T3_COL
  the column). A warning elsewhere in the table excuses nothing. A cell gone from the mutant invents
  nothing: a warning anywhere in its table (READ_MISSING_ROW …) flags it. A cell the original left
  `ambiguous` has no printed value to compare with. Otherwise a differing cell is *silently different*.
- ``change_digit`` legitimately changes one printed value: the one differing cell that is a number
  in both readings and whose raw text is the original raw with exactly one character changed, from
  the mutated digit's old value to its new one, reads the new printed number correctly and is not
  silently different. ``dash_digit`` likewise: the cell holding the dash reads `na` (in a glued run the
  dash may take a cell of its own), or, in one printed cell with digits, as that text reads (`text`; a
  sign in "-1"). Any other differing cell of that mutant must be
  flagged as above.

Findings of `checks.check` count as flags; narrative facts do not (the tables are checked with no
narrative, so a NARR warning cannot excuse a wrong cell).

Speed: every mutant goes through the source reader and `tables.recognise` (parsed in memory; the
narrative only when glued rows are left open for it to narrow; `checks.check` only when a differing
cell is not already flagged by a reading finding). Every
`FULL_EVERY`-th mutant is also read end to end with `read_report` from a file (narrative and checks
included), which must neither crash nor read other cells than the fast path.

Longer runs: DISCLOSURE_MUTATIONS=200000 (about 20 minutes on one core; 200 PDF byte mutants), and
DISCLOSURE_FULL_EVERY=1 to read every mutant end to end (about ten times slower).
"""

from __future__ import annotations

import collections
import json
import math
import os
import re
import traceback
from dataclasses import dataclass, field
from unittest import mock

import pytest

import disclosure_utils as du
from disclosure_utils import checks, meta, narrative, sources, tables, values
from disclosure_utils import report as report_module
from disclosure_utils.report import Report

from .conftest import manifest, reports_dir
from .mutations import Mutant, Mutator, Original, form_of

SEED = 20260601
N = int(os.environ.get("DISCLOSURE_MUTATIONS", "10000"))
FULL_EVERY = int(os.environ.get("DISCLOSURE_FULL_EVERY", "20"))  # every how many mutants read_report runs too
SHOWN = 8  # problems listed in a failure message


@dataclass
class Baseline:
    original: Original
    cells: dict  # (table, row, column) → cell record; empty when the original is refused
    refused: str | None


@dataclass
class Tally:
    counts: collections.Counter = field(default_factory=collections.Counter)
    by_kind: dict = field(default_factory=lambda: collections.defaultdict(collections.Counter))
    refusals: collections.Counter = field(default_factory=collections.Counter)
    crashes: list = field(default_factory=list)
    silent: list = field(default_factory=list)
    lenient_silent: int = 0  # silent cells whose table has no finding at all (the definition)

    def summary(self) -> dict:
        return {
            "mutants": self.counts["mutants"], "read": self.counts["read"], "refused": self.counts["refused"],
            "unexpected_exceptions": len(self.crashes), "silently_different_cells": len(self.silent),
            "silently_different_cells_no_finding_in_table": self.lenient_silent,
            "flagged_different_cells": self.counts["flagged"], "digit_changes_read": self.counts["digit_read"],
            "checks_run": self.counts["checks_run"], "full_reads": self.counts["full"],
            "full_read_mismatches": self.counts["mismatch"],
            "by_kind": {k: dict(v) for k, v in sorted(self.by_kind.items())},
            "refusal_kinds": dict(self.refusals),
        }  # fmt: skip


@pytest.fixture(scope="module")
def baselines() -> dict[str, Baseline]:
    return load_baselines()


def load_baselines() -> dict[str, Baseline]:
    """Every real report as bytes (the PDF also parsed) with the cells `read_report` reads from it."""
    out = {}
    for row in manifest():
        path = reports_dir() / row["file"]
        data = path.read_bytes()
        form = form_of(path.name, data)
        doc = sources.parse_bytes(data, path.name) if form == "pdf" else None
        try:
            cells, refused = _cells(du.read_report(path).records("cells")), None
        except du.ReportError as exc:
            cells, refused = {}, exc.reason
        out[path.name] = Baseline(Original(path.name, data, form, doc), cells, refused)
    return out


def _cells(records: list[dict]) -> dict:
    return {(c["table"], c["row"], c["column"]): c for c in records}


def _same(a: dict | None, b: dict | None) -> bool:
    if a is None or b is None:
        return a is b
    va, vb = a["value"], b["value"]
    return a["kind"] == b["kind"] and (va == vb or (math.isnan(va) and math.isnan(vb)))


def _digit_read(before: dict | None, after: dict | None, digit: tuple[str, str] | None) -> bool:
    """Is `after` the cell `before` with the mutated digit changed, read as what is now printed: the new
    number; for a dash, the dash itself read `na` (in a glued run it may take a cell of its own), or the
    cell's printed text as it reads (`text` beside digits, a sign in "-1")?"""
    if digit is None or before is None or after is None or before["kind"] != "number":
        return False
    a, b = before["raw"], after["raw"]
    if not digit[1].isdigit() and b == digit[1] and after["kind"] == "na":
        return True
    diff = [i for i in range(len(a)) if len(a) == len(b) and a[i] != b[i]]
    if not (len(a) == len(b) and len(diff) == 1 and (a[diff[0]], b[diff[0]]) == digit):
        return False
    if digit[1].isdigit():
        return after["kind"] == "number"
    return _same(after, dict(zip(("value", "kind"), values.parse(b)[:2], strict=True)))


def _covers(finding: dict, key: tuple[str, str, str]) -> bool:
    """The finding names the cell: its table, and its row and column where the finding gives them."""
    table, row, column = key
    return finding["table"] == table and finding["row"] in ("", row) and finding["column"] in ("", column)


def _unflagged(base: dict, cells: dict, findings: list[dict], digit) -> tuple[list, int, int, int]:
    """(silent differing cells, of which in a table without any finding, flagged cells, digit reads)."""
    flags = [f for f in findings if f["severity"] in ("error", "warning") or f["check"].startswith("READ_")]
    loud = {f["table"] for f in flags}
    tables_with_findings = {f["table"] for f in findings}
    silent, flagged, digit_reads = [], 0, 0
    for key in base.keys() | cells.keys():
        before, after = base.get(key), cells.get(key)
        if _same(before, after):
            continue
        if (
            after is not None and after["kind"] == "ambiguous"
            or before is not None and before["kind"] == "ambiguous"  # no printed value to be wrong about
            or after is None and key[0] in loud  # gone, nothing invented: the table says it is incomplete
            or any(_covers(f, key) for f in flags)
        ):
            flagged += 1
        elif not digit_reads and _digit_read(before, after, digit):
            digit_reads += 1
        else:
            silent.append((key, before, after))
    return silent, sum(k[0] not in tables_with_findings for k, _, _ in silent), flagged, digit_reads


def _read_fast(mutant: Mutant) -> tuple[list[dict], list[dict], Report]:
    """Cells and reading findings of a mutant, parsed in memory: `read_report` without its file, and
    with the narrative extracted only when glued rows are left open for it to narrow."""
    doc = mutant.doc if mutant.doc is not None else sources.parse_bytes(mutant.data, mutant.name)
    rec = tables.recognise(doc)
    info = meta.describe(doc, rec.templates, sha256="")
    facts = None
    if rec.open_rows:
        facts = narrative.extract_records(doc, info["year"])[1]
        tables.narrow(rec, facts)
    report = Report(info, cells=rec.cell_records, findings=rec.finding_records, narrative=facts, document=doc)
    return report.records("cells"), rec.finding_records, report


def _read_full(mutant: Mutant, tmp_path) -> du.Report:
    """`read_report` on the mutant written to a file (a Document mutant: handed to read_report as loaded)."""
    path = tmp_path / mutant.name
    if mutant.doc is None:
        path.write_bytes(mutant.data)
        return du.read_report(path)
    path.write_bytes(b"%PDF-1.4 stand-in: the Document is handed over as loaded")
    with mock.patch.object(report_module, "load_document", return_value=mutant.doc):
        return du.read_report(path)


def _crash(tally: Tally, mutant: Mutant, exc: BaseException, stage: str) -> None:
    frame = traceback.extract_tb(exc.__traceback__)[-1]
    tally.crashes.append(f"{stage}: {type(exc).__name__}: {str(exc)[:120]} at {frame.filename.split('/')[-1]}:"
                         f"{frame.lineno} — {mutant.original} {mutant.kind} {mutant.detail[:100]}")  # fmt: skip


def _refused(tally: Tally, mutant: Mutant, exc: du.ReportError) -> None:
    if not (isinstance(exc.reason, str) and exc.reason.strip()):
        tally.crashes.append(
            f"ReportError without a reason — {mutant.original} {mutant.kind} {mutant.detail}"
        )
    tally.refusals[exc.kind] += 1


def run(mutants: list[Mutant], baselines: dict[str, Baseline], tmp_path) -> Tally:
    tally = Tally()
    for i, mutant in enumerate(mutants):
        base = baselines[mutant.original].cells
        tally.counts["mutants"] += 1
        tally.by_kind[mutant.kind]["mutants"] += 1
        records = None
        try:
            records, findings, report = _read_fast(mutant)
            cells = _cells(records)
            silent, *_ = _unflagged(base, cells, findings, mutant.digit)
            if silent:  # the identities may flag what reading did not
                tally.counts["checks_run"] += 1
                findings = checks.check(report).records("findings")
            silent, lenient, flagged, digit_reads = _unflagged(base, cells, findings, mutant.digit)
        except du.ReportError as exc:
            _refused(tally, mutant, exc)
            tally.counts["refused"] += 1
            tally.by_kind[mutant.kind]["refused"] += 1
            if base:  # refused although the report it was made from reads
                tally.by_kind[mutant.kind]["refused_original_reads"] += 1
        except Exception as exc:  # noqa: BLE001 — the point is to count what escapes
            _crash(tally, mutant, exc, "read")
        else:
            tally.counts["read"] += 1
            tally.by_kind[mutant.kind]["read"] += 1
            tally.counts["flagged"] += flagged
            tally.counts["digit_read"] += digit_reads
            tally.lenient_silent += lenient
            tally.silent += [(mutant, *s) for s in silent]
            tally.by_kind[mutant.kind]["silent"] += len(silent)
        if i % FULL_EVERY == 0:
            _full(tally, mutant, records, tmp_path)
    return tally


def _full(tally: Tally, mutant: Mutant, records: list[dict] | None, tmp_path) -> None:
    """Read end to end; the cells must be those the fast path read (or both refuse)."""
    tally.counts["full"] += 1
    try:
        got = _read_full(mutant, tmp_path).records("cells")
    except du.ReportError as exc:
        _refused(tally, mutant, exc)
        got = None
    except Exception as exc:  # noqa: BLE001
        _crash(tally, mutant, exc, "read_report")
        return
    if _shape(got) != _shape(records):
        tally.counts["mismatch"] += 1
        tally.crashes.append(
            f"read_report and the fast path disagree — {mutant.original} {mutant.kind} {mutant.detail}"
        )


def _shape(records: list[dict] | None) -> list[tuple] | None:
    if records is None:
        return None
    return [(c["table"], c["row"], c["column"], c["kind"], c["raw"]) for c in records]


def _describe(silent: list) -> list[str]:
    return [f"{m.original} {m.kind} {m.detail[:100]}: {key} {b and (b['kind'], b['value'], b['raw'])} → "
            f"{a and (a['kind'], a['value'], a['raw'])}" for m, key, b, a in silent[:SHOWN]]  # fmt: skip


def test_mutants_never_crash_and_never_read_silently_wrong(baselines, tmp_path, record_property):
    originals = [b.original for b in baselines.values()]
    mutants = Mutator(originals, pdf_bytes=6 if N <= 10_000 else max(6, N // 1000)).mutants(SEED, N)
    kinds = collections.Counter(m.kind for m in mutants)
    assert len(mutants) >= min(N, 10_000) and len(kinds) >= 14, kinds
    tally = run(mutants, baselines, tmp_path)
    counts = tally.summary()
    record_property("mutation_counts", json.dumps(counts, ensure_ascii=False))
    print(json.dumps(counts, ensure_ascii=False, indent=1))
    problems = tally.crashes[:SHOWN] + _describe(tally.silent)
    total = len(tally.crashes) + len(tally.silent)
    assert not total, f"{total} problems; counts: {json.dumps(counts, ensure_ascii=False)}\n" + "\n".join(
        problems
    )
    # the run exercises both outcomes for most kinds (a mutation that never reads or never refuses tests little)
    assert counts["read"] > N // 3 and counts["refused"] > N // 20, counts


def test_corpus_build_survives_a_folder_of_mutants_and_lists_each_refusal(baselines, tmp_path):
    """~50 mutant files (about half of them unreadable) in one folder: every file gets a row; a refused
    one carries exactly the reason `read_report` gives, a read one its cells; nothing is an internal error."""
    from disclosure_utils.corpus import build_corpus

    folder = tmp_path / "mutants"
    folder.mkdir()
    mutants = [m for m in Mutator([b.original for b in baselines.values()], pdf_bytes=3).mutants(SEED + 1, 400)
               if m.data is not None]  # fmt: skip
    expect: dict[str, str] = {}  # file → the reason read_report refuses it, "" when it reads
    for i, mutant in enumerate(mutants):
        reasons = list(expect.values())
        if sum(map(bool, reasons)) >= 25 and reasons.count("") >= 25:
            break
        path = folder / f"{i:03d}-{mutant.name}"
        path.write_bytes(mutant.data)
        try:
            du.read_report(path)
            reason = ""
        except du.ReportError as exc:
            reason = exc.reason
        if (sum(map(bool, reasons)) if reason else reasons.count("")) >= 25:
            path.unlink()  # enough of this outcome
        else:
            expect[path.name] = reason
    (folder / "empty.txt").write_bytes(b"")
    expect["empty.txt"] = "the file is empty"
    reports = build_corpus(folder, tmp_path / "corpus", jobs=1, progress=False).set_index("file")
    assert sorted(reports.index) == sorted(expect)
    assert not reports.error.str.startswith("internal error").any(), reports.error[
        reports.error != ""
    ].tolist()
    assert reports.error.to_dict() == expect
    assert (reports.n_cells[reports.error == ""] > 0).all()
    assert (reports.error != "").sum() >= 26 and (reports.error == "").sum() >= 25


# --------------------------------------------------------------------------- cases the mutants found


def _read_bytes(data: bytes, name: str, tmp_path) -> du.Report:
    path = tmp_path / name
    path.write_bytes(data)
    return du.read_report(path)


def test_text_cut_inside_its_last_character_reads_like_the_whole(baselines, tmp_path):
    """A crawler's download cut inside a UTF-8 character was refused as "not text"."""
    data = (reports_dir() / "pingtan-jsp-2021.txt").read_bytes()
    cut = data + "报".encode()[:2]
    assert (
        _cells(_read_bytes(cut, "cut.txt", tmp_path).records("cells"))
        == baselines["pingtan-jsp-2021.txt"].cells
    )


def test_gbk_text_behind_a_utf8_bom_reads_like_the_original(baselines, tmp_path):
    """The BOM promised UTF-8; it is dropped and the GBK bytes read (not decoded one byte out of step)."""
    text = (reports_dir() / "pingtan-jsp-2021.txt").read_text(encoding="utf-8")
    data = b"\xef\xbb\xbf" + text.encode("gbk")
    assert (
        _cells(_read_bytes(data, "bom.txt", tmp_path).records("cells"))
        == baselines["pingtan-jsp-2021.txt"].cells
    )


def test_table4_row_with_a_cell_too_many_is_not_read_shifted(tmp_path):
    """Table 四 printed as one unlabelled row of 16 cells (a value line doubled in flattened text): the
    reader cannot know which cell is extra, so none of the 15 is read, and a warning says why."""
    text = (reports_dir() / "ankang-natural-resources-2020.txt").read_text(encoding="utf-8")
    row = re.search(r"\n\n(\t\d+\n){15}", text)
    assert row is not None
    doubled = text[: row.start() + 2] + "\t0\n" + text[row.start() + 2 :]
    report = _read_bytes(doubled.encode(), "ankang.txt", tmp_path)
    assert not (report.cells.table == "review_litigation").any()
    warned = report.findings[
        (report.findings.table == "review_litigation") & (report.findings.severity == "warning")
    ]
    assert warned.message.str.contains("16 value cells").any()


def test_table4_row_with_a_blank_cell_too_many_is_not_read_shifted(tmp_path):
    """Shanghai's table 四 with an empty cell after its first value: the row ends in blanks (复议后起诉 is all
    blank), so dropping its last blank would fit 15 cells and read 2 as the review total. None is read."""
    page = (reports_dir() / "shanghai-gov-office-2019.html").read_text(encoding="utf-8")
    first = '<td style="width:28px;"><p>5</p></td>'
    assert page.count(first) == 1
    report = _read_bytes(page.replace(first, first + "<td>&nbsp;</td>").encode(), "shanghai.html", tmp_path)
    assert not (report.cells.table == "review_litigation").any()
    assert report.findings.message.str.contains("unlabelled row of 16 value cells").any()
    review = _read_bytes(page.encode(), "shanghai.html", tmp_path).cells.query("row == 'review'")
    assert dict(zip(review.column, review.raw, strict=True)) == {"upheld": "5", "corrected": "", "other": "",
                                                                 "pending": "2", "total": "7"}  # fmt: skip
