"""Time `read_report` on every shared report, and `pandas.read_html` on the HTML reports.

`read_report` is timed in passes over all files as a corpus build reads them (see bench_stages.py). Each HTML
report is then compared with `pandas.read_html` in rounds: each round clears the caches keyed by printed text
and times a read of the file (a first read: nothing gained from other reports), then pandas on the same page.
The ratio given is the median over the rounds (--rounds, 15) of each round's own ratio: the machine's speed
drifts (up to 2× within minutes on a shared one) and touches both sides of a round alike, while the best time of
each side may come from different minutes (four runs of 40 rounds on the Shanghai page: best times' ratio
0.53–0.69, the median 0.62–0.63). Its tables alone (load_document + tables.recognise: what pandas.read_html does,
without the narrative and the checks) are timed the same way, and so is a read followed by building its cells as
a DataFrame (`read_report` keeps its frames as records until first asked for, as a corpus build never asks;
pandas.read_html builds frames).

Run: `make bench` (or `.venv/bin/python benchmarks/bench_read.py [--repeat N] [--rounds N]`). Prints figures only;
no test depends on timings.
"""

from __future__ import annotations

import argparse
import io
import statistics
from operator import truediv
from pathlib import Path

import pandas as pd

# run as a script: benchmarks/ is on sys.path
from bench_stages import _cpu, clear_content_caches, corpus_passes

import disclosure_utils as du
from disclosure_utils import tables
from disclosure_utils.sources import load_document

ROOT = Path(__file__).resolve().parents[1]


REFUSED: set[str] = set()  # files read_report refuses (pre-2019, no tables): fast, so counted apart as well


def _read(path: Path) -> None:
    try:
        du.read_report(path)
    except du.ReportError:
        REFUSED.add(path.name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3, help="corpus passes (best of N per file)")
    parser.add_argument("--rounds", type=int, default=15, help="paired rounds per HTML page against pandas")
    parser.add_argument("--dir", default=str(ROOT / "data" / "raw"))
    args = parser.parse_args()
    files = sorted(p for p in Path(args.dir).iterdir() if p.suffix in (".txt", ".html", ".pdf", ".docx"))
    df = corpus_passes(files, lambda p: [("seconds", _cpu(lambda: _read(p)))], args.repeat)
    df = df.rename_axis("file").reset_index()
    df["format"] = df.file.str.rsplit(".", n=1).str[1]
    text = df[df.format == "txt"]
    read = text[~text.file.isin(REFUSED)]
    for what, part in (("text files", text), ("text reports read (refused ones left out)", read)):
        print(f"{what}: {len(part)} in {part.seconds.sum():.3f} s → {len(part) / part.seconds.sum():.0f} reports/s "
              f"(median {part.seconds.median() * 1000:.1f} ms)")
    for fmt, grp in df.groupby("format"):
        print(f"{fmt:5s} n={len(grp):3d}  median {grp.seconds.median() * 1000:8.1f} ms  max {grp.seconds.max() * 1000:8.1f} ms")
    for p in files:
        if p.suffix == ".html":
            (ours, ratio), (theirs, _), (tables_only, tables_ratio), (with_frame, frame_ratio) = _paired(p, args.rounds)
            print(f"{p.name}, best of {args.rounds} rounds (ratio to pandas: the median of the rounds' own): "
                  f"read_report {ours * 1000:.1f} ms vs pandas.read_html {theirs * 1000:.1f} ms (ratio {ratio:.2f}); "
                  f"its tables alone (load_document + tables.recognise, no narrative or checks) "
                  f"{tables_only * 1000:.1f} ms (ratio {tables_ratio:.2f}); read_report and its cells as a DataFrame "
                  f"{with_frame * 1000:.1f} ms (ratio {frame_ratio:.2f})")


def _paired(path: Path, rounds: int) -> list[tuple[float, float]]:
    """(best seconds, median ratio to pandas over the rounds) of a first read of the page, of pandas.read_html on
    it, of its tables alone and of a first read with its cells as a DataFrame, timed in turn in each round."""
    html = path.read_text(encoding="utf-8")
    timed = []
    for n in range(rounds + 1):  # the first round is a warm-up
        times = []
        for fn in (lambda: du.read_report(path), lambda: pd.read_html(io.StringIO(html)),
                   lambda: tables.recognise(load_document(path)), lambda: du.read_report(path).cells):
            clear_content_caches()
            times.append(_cpu(fn))
        if n:
            timed.append(times)
    columns = list(zip(*timed, strict=True))  # each function's times, round by round
    return [(min(times), statistics.median(map(truediv, times, columns[1]))) for times in columns]


if __name__ == "__main__":
    main()
