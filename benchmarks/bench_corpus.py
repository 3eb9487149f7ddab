"""Benchmark `build_corpus`: the bundled real reports replicated to N files, built, then rebuilt.

    .venv/bin/python benchmarks/bench_corpus.py                 # 10,000 files
    .venv/bin/python benchmarks/bench_corpus.py -n 1000         # fewer
    .venv/bin/python benchmarks/bench_corpus.py --unique-bytes  # every copy made distinct, so every file is read

Copies get distinct names (`NAME~00042.txt`). Results are cached by content (sha256 + suffix), so by
default each distinct report is read once and the benchmark measures the rest of the build (hashing,
assembly, cross-year checks, writing) at full size. With `--unique-bytes` each copy ends in a line of
spaces and tabs spelling its number (bytes the reader ignores), so every one of the N files is read.

Reported: wall time of the first build (jobs=2 by default), of a rebuild with nothing changed, and of a
rebuild from the cache with the outputs deleted; peak memory of the first build as the largest sum of the
resident sizes of this process and its workers, sampled every 20 ms from /proc (Linux), and as
`resource.getrusage` max RSS of this process and of the largest worker; and the per-file read time of
every bundled report read once in this process, by format.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path

from disclosure_utils import read_report
from disclosure_utils.corpus import SUFFIXES, TABLE_NAMES, build_corpus, summary
from disclosure_utils.errors import ReportError

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"


def replicate(folder: Path, n: int, *, unique_bytes: bool) -> None:
    sources = sorted(p for p in RAW.iterdir() if p.suffix in SUFFIXES)
    for i in range(n):
        src = sources[i % len(sources)]
        dest = folder / f"{src.stem}~{i:05d}{src.suffix}"
        shutil.copyfile(src, dest)
        if unique_bytes:
            with open(dest, "ab") as fh:
                fh.write(b"\n" + f"{i:b}".replace("0", " ").replace("1", "\t").encode() + b"\n")


class TreeMemory(threading.Thread):
    """Samples the resident memory of this process and its children (from /proc) until stopped."""

    def __init__(self):
        super().__init__(daemon=True)
        self.peak, self.done = 0, threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.02):
            self.peak = max(self.peak, self.total())

    @staticmethod
    def total() -> int:
        me, pages = os.getpid(), 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                pid, fields = stat.parent.name, stat.read_text().rsplit(")", 1)[1].split()
                if int(pid) == me or int(fields[1]) == me:  # fields[1] is the parent pid
                    pages += int((stat.parent / "statm").read_text().split()[1])
            except (OSError, IndexError, ValueError):
                continue  # a process that ended while being read
        return pages * os.sysconf("SC_PAGE_SIZE")


def timed(label: str, fn):
    start = time.perf_counter()
    result = fn()
    print(f"{label:<44} {time.perf_counter() - start:8.2f} s")
    return result


def read_times() -> None:
    """Per-file read time of each bundled report (one read, in this process), by format."""
    by_format: dict[str, list[float]] = {}
    for path in sorted(p for p in RAW.iterdir() if p.suffix in SUFFIXES):
        start = time.perf_counter()
        try:
            fmt = read_report(path).meta["format"]
        except ReportError:
            fmt = "refused"
        by_format.setdefault(fmt, []).append(time.perf_counter() - start)
    every = [t for ts in by_format.values() for t in ts]
    for fmt, ts in sorted(by_format.items()) + [("all", every)]:
        print(f"read time {fmt:<8} n={len(ts):3d}  mean {statistics.mean(ts) * 1000:7.1f} ms  "
              f"median {statistics.median(ts) * 1000:7.1f} ms  max {max(ts) * 1000:7.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=10_000, help="number of files (default 10,000)")
    parser.add_argument("-j", "--jobs", type=int, default=2)
    parser.add_argument("--unique-bytes", action="store_true", help="make every copy distinct, so every file is read")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder, out = Path(tmp, "reports"), Path(tmp, "out")
        folder.mkdir()
        replicate(folder, args.n, unique_bytes=args.unique_bytes)
        print(f"{args.n} files ({'distinct bytes' if args.unique_bytes else 'copies'}), jobs={args.jobs}")
        sampler = TreeMemory()
        if Path("/proc/self/statm").exists():
            sampler.start()
        reports = timed("first build", lambda: build_corpus(folder, out, jobs=args.jobs, progress=False))
        sampler.done.set()
        self_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        child_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        tree = f"{sampler.peak / 2**20:.0f} MB" if sampler.peak else "not measured (no /proc)"
        print(f"peak memory, this process and its workers together: {tree}; max RSS of this process "
              f"{self_mb:.0f} MB, of the largest worker {child_mb:.0f} MB")
        timed("rebuild, nothing changed", lambda: build_corpus(folder, out, jobs=args.jobs, progress=False))
        for name in TABLE_NAMES:
            for ext in ("parquet", "csv"):
                (out / f"{name}.{ext}").unlink()
        timed("rebuild from the cache, outputs deleted", lambda: build_corpus(folder, out, jobs=args.jobs,
                                                                             progress=False))
        sizes = ", ".join(f"{p.name} {p.stat().st_size / 1e6:.1f} MB" for p in sorted(out.glob("*.*")))
        print(f"outputs: {sizes}")
        print(summary(reports).splitlines()[0])
    read_times()


if __name__ == "__main__":
    main()
