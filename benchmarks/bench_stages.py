"""Time the stages of `read_report` separately on every report in data/raw.

Stages: load_document, tables.recognise, narrative.extract_records, checks.check (best of N runs each, CPU time
of this process, so that other work on a shared machine counts less). The calibration line times a fixed
pure-Python loop, to compare figures taken on different machines or under different load.
Run: `.venv/bin/python benchmarks/bench_stages.py [--repeat N] [--dir DIR] [--per-file]`.
Prints figures only; no test depends on timings.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd

from disclosure_utils import checks, narrative, tables
from disclosure_utils.errors import ReportError
from disclosure_utils.report import read_document, read_report
from disclosure_utils.sources import load_document

ROOT = Path(__file__).resolve().parents[1]
STAGES = ["load_document", "recognise", "extract", "check", "read_report"]


def best_time(fn, repeat: int) -> float:
    """Best CPU time of `repeat` calls after one warm-up call, in seconds."""
    fn()
    best = float("inf")
    for _ in range(repeat):
        t = time.process_time()
        fn()
        best = min(best, time.process_time() - t)
    return best


def _stages(path: Path, repeat: int) -> dict:
    """Seconds per stage for one report, and for `read_report` whole; a ReportError leaves the rest out."""
    doc = load_document(path)
    row = {"file": path.name, "format": path.suffix[1:]}
    row["load_document"] = best_time(lambda: load_document(path), repeat)
    row["extract"] = best_time(lambda: narrative.extract_records(doc), repeat)
    try:
        report = read_document(doc, check=False)
    except ReportError:
        return row
    row["recognise"] = best_time(lambda: tables.recognise(doc), repeat)
    row["check"] = best_time(lambda: checks.check(report), repeat)
    row["read_report"] = best_time(lambda: read_report(path), repeat)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--dir", default=str(ROOT / "data" / "raw"))
    parser.add_argument("--per-file", action="store_true", help="also print every report's timings")
    args = parser.parse_args()
    files = sorted(p for p in Path(args.dir).iterdir() if p.suffix in (".txt", ".html", ".pdf", ".docx"))
    df = pd.DataFrame([_stages(p, args.repeat) for p in files], columns=["file", "format", *STAGES])
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
