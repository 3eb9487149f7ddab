"""Seconds per page for `read_pdf` on a report PDF (default: the shared Huai'an 2024 report).

Usage: python benchmarks/bench_pdf.py [PDF] [--repeat N]

Prints the best of N runs (the least disturbed by other load on the machine), for the full reader
and for pdfplumber's page parsing alone, which the reader spends most of its time in.
"""

from __future__ import annotations

import argparse
import io
import time
from pathlib import Path

import pdfplumber

from disclosure_utils.sources.pdf import read_pdf

DEFAULT = Path(__file__).resolve().parents[1] / "data" / "raw" / "huaian-gov-2024.pdf"


def best(run, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def parse_only(data: bytes) -> None:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            page.chars, page.edges  # noqa: B018 - the parse is the work being timed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdf", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    data = args.pdf.read_bytes()
    pages = len(pdfplumber.open(io.BytesIO(data)).pages)
    full = best(lambda: read_pdf(data, str(args.pdf)), args.repeat)
    parse = best(lambda: parse_only(data), args.repeat)
    print(f"{args.pdf.name}: {pages} pages, best of {args.repeat}")
    print(f"read_pdf:          {full / pages:.3f} s/page ({full:.2f} s)")
    print(f"pdfplumber parse:  {parse / pages:.3f} s/page ({parse:.2f} s)")


if __name__ == "__main__":
    main()
