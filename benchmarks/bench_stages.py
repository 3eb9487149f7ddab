"""Time the stages of `read_report` separately on every report in data/raw.

Stages: read_report whole, then load_document, tables.recognise, narrative.extract_records, checks.check.
Each repeat is one pass over the files in order, as a corpus build reads them, after clearing the
caches keyed by printed text (`CONTENT_CACHES`). read_report is each file's first read in a pass: it gains
from the runs and labels of the reports read before it, never from an earlier read of itself. The stage
columns are timed after it, so tables.recognise finds the file's own glued runs already split (on the
bundled text reports it is about a quarter faster than in a first read): they show where the time goes,
read_report what a read costs. A file's figure is its best pass (CPU time of this process, so that other
work on a shared machine counts less). The calibration line times a fixed pure-Python loop, to compare
figures taken on different machines or under different load.
Run: `.venv/bin/python benchmarks/bench_stages.py [--repeat N] [--dir DIR] [--per-file]`.
Prints figures only; no test depends on timings.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd

from disclosure_utils import checks, labels, locate, narrative, tables, values
from disclosure_utils.errors import ReportError
from disclosure_utils.report import read_document, read_report
from disclosure_utils.sources import load_document

ROOT = Path(__file__).resolve().parents[1]
STAGES = ["load_document", "recognise", "extract", "check", "read_report"]
# memoised functions whose keys are printed text (labels, digit runs), cleared before each pass
CONTENT_CACHES = (labels.row_code, tables._row_split, tables._review_splits, values.clean, values.is_value_text,
                  values.parse, locate._label_key, locate._context)


def clear_content_caches() -> None:
    """Forget what earlier reads left in `CONTENT_CACHES`: the next read gains from nothing read before."""
    for fn in CONTENT_CACHES:
        fn.cache_clear()


def best_time(fn, repeat: int) -> float:
    """Best CPU time of `repeat` calls after one warm-up call, in seconds."""
    fn()
    best = float("inf")
    for _ in range(repeat):
        t = time.process_time()
        fn()
        best = min(best, time.process_time() - t)
    return best


def _cpu(fn) -> float:
    t = time.process_time()
    fn()
    return time.process_time() - t


def corpus_passes(files: list[Path], stages, repeat: int) -> pd.DataFrame:
    """Best seconds per file and stage over `repeat` passes (plus one warm-up pass), each pass over all files
    in order after clearing `CONTENT_CACHES`. `stages(path)` yields (stage, seconds) for one file."""
    best: dict[tuple[str, str], float] = {}
    for n in range(repeat + 1):
        clear_content_caches()
        for path in files:
            for stage, seconds in stages(path):
                if n:  # the first pass compiles patterns and fills structural caches: a warm-up
                    best[path.name, stage] = min(best.get((path.name, stage), float("inf")), seconds)
    return pd.Series(best).unstack()


def _stages(path: Path):
    """(stage, seconds) for one report: read_report first, so that it is the file's first read in the pass
    (the stages after it find this file's own runs cached); a ReportError leaves stages out."""
    refused = False
    try:
        seconds = _cpu(lambda: read_report(path))
    except ReportError:
        refused = True
    if not refused:
        yield "read_report", seconds
    yield "load_document", _cpu(lambda: load_document(path))
    doc = load_document(path)
    yield "extract", _cpu(lambda: narrative.extract_records(doc))
    try:
        report = read_document(doc, check=False)
    except ReportError:
        return
    yield "recognise", _cpu(lambda: tables.recognise(doc))
    yield "check", _cpu(lambda: checks.check(report))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--dir", default=str(ROOT / "data" / "raw"))
    parser.add_argument("--per-file", action="store_true", help="also print every report's timings")
    args = parser.parse_args()
    files = sorted(p for p in Path(args.dir).iterdir() if p.suffix in (".txt", ".html", ".pdf", ".docx"))
    df = corpus_passes(files, _stages, args.repeat).reindex(columns=STAGES).rename_axis("file").reset_index()
    df.insert(1, "format", df.file.str.rsplit(".", n=1).str[1])
    ms = df[STAGES] * 1000
    if args.per_file:
        print(pd.concat([df[["file"]], ms.round(2)], axis=1).to_string(index=False))
    summary = pd.DataFrame(
        {
            "reports": ms.count(),
            "median_ms": ms.median(),
            "p90_ms": ms.quantile(0.9),
            "max_ms": ms.max(),
            "total_ms": ms.sum(),
        }
    )
    calibration = best_time(lambda: sum(range(100_000)), 20) * 1e4
    print(
        f"best of {args.repeat}, {len(files)} reports in {args.dir}; "
        f"calibration sum(range(1000)) = {calibration:.1f} µs"
    )
    print(summary.round(2).to_string())
    text = ms.loc[df.format == "txt", "read_report"].dropna()
    print(
        f"read_report on {len(text)} text reports: {text.sum():.1f} ms → {1000 * len(text) / text.sum():.0f} reports/s"
    )


if __name__ == "__main__":
    main()
