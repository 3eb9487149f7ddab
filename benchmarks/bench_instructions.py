"""Count the CPU instructions `read_report` takes per report, with valgrind's callgrind.

Timings on a shared machine swing by up to 2× within minutes; an instruction count is the same on every run
(hash seed fixed), so it tells whether a change made reading cheaper. The reports are read in corpus passes as
in bench_stages.py (`CONTENT_CACHES` cleared before each pass): one warm-up pass, then `--passes` counted ones.
Only the counted passes are measured: they run inside itertools.dropwhile, the function callgrind is told to
collect in (nothing else here calls it).

Run: `.venv/bin/python benchmarks/bench_instructions.py [--dir DIR] [--suffix .txt] [--passes 2]`. Needs
valgrind (`apt install valgrind`); takes about a minute. Prints figures only; no test depends on them.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _passes(files: list[Path], n: int) -> bool:
    from bench_stages import clear_content_caches  # run as a script: benchmarks/ is on sys.path

    import disclosure_utils as du

    for _ in range(n):
        clear_content_caches()
        for path in files:
            with contextlib.suppress(du.ReportError):
                du.read_report(path)
    return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dir", default=str(ROOT / "data" / "raw"))
    parser.add_argument("--suffix", default=".txt")
    parser.add_argument("--passes", type=int, default=2)
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    files = sorted(p for p in Path(args.dir).iterdir() if p.suffix == args.suffix)
    if args.inner:
        _passes(files, 1)
        list(itertools.dropwhile(lambda _: _passes(files, args.passes), [0]))
        return
    with tempfile.TemporaryDirectory() as tmp:
        run = subprocess.run(
            ["valgrind", "--tool=callgrind", "--collect-atstart=no", "--toggle-collect=dropwhile_next",
             f"--callgrind-out-file={Path(tmp) / 'callgrind.out'}", sys.executable, __file__, "--inner",
             "--dir", args.dir, "--suffix", args.suffix, "--passes", str(args.passes)],
            capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"}, check=True,
        )  # fmt: skip
    collected = int(re.search(r"Collected\s*:\s*(\d+)", run.stderr)[1])
    reads = len(files) * args.passes
    print(f"{len(files)} {args.suffix} files, {args.passes} passes: {collected:,} instructions, "
          f"{collected / reads / 1e6:.2f} M per file read")


if __name__ == "__main__":
    main()
