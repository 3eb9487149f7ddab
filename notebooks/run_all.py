"""Execute every analysis notebook headlessly, in order; the figures land in figures/.

    .venv/bin/python notebooks/run_all.py            # all notebooks/NN-*.ipynb
    .venv/bin/python notebooks/run_all.py 02 04      # only those whose name starts with 02 or 04

Each notebook runs with its default parameters in a fresh ``python3`` kernel whose working folder is
notebooks/ (as under nbval). The committed notebooks are never written: executed copies go to
build/notebooks/ (git-ignored). Exits 1 if any notebook fails, after running the others.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

HERE = Path(__file__).resolve().parent
BUILD = HERE.parent / "build" / "notebooks"
NAME = re.compile(r"^\d{2}-[a-z0-9-]+\.ipynb$")


def notebooks(prefixes: list[str]) -> list[Path]:
    """The notebooks/NN-*.ipynb files in name order, restricted to names starting with one of `prefixes`."""
    found = sorted(path for path in HERE.glob("*.ipynb") if NAME.match(path.name))
    return [path for path in found if not prefixes or path.name.startswith(tuple(prefixes))]


def execute(path: Path, *, timeout: int, out_dir: Path) -> str | None:
    """Run one notebook; write the executed copy to `out_dir`. Returns None, or why it failed."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(HERE)}}
    )
    error = None
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as exc:
        ename, evalue = getattr(exc, "ename", type(exc).__name__), getattr(exc, "evalue", str(exc))
        error = f"{ename}: {evalue}".strip()
    out_dir.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, out_dir / path.name)
    return error


def shown(path: Path) -> str:
    """`path` relative to the working folder when it is inside it (no machine paths in the log)."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("prefixes", nargs="*", help="run only notebooks whose name starts with one of these")
    parser.add_argument("--timeout", type=int, default=900, help="seconds allowed per cell (default 900)")
    parser.add_argument(
        "--out", type=Path, default=BUILD, help="folder for executed copies (default build/notebooks)"
    )
    args = parser.parse_args(argv)
    paths = notebooks(args.prefixes)
    if not paths:
        print(f"no notebook matches {args.prefixes} in {HERE.name}/", file=sys.stderr)
        return 1
    failed = []
    for path in paths:
        start = time.monotonic()
        error = execute(path, timeout=args.timeout, out_dir=args.out)
        status = "ok" if error is None else f"FAILED: {error}"
        print(f"{path.name}: {status} ({time.monotonic() - start:.0f} s)", flush=True)
        if error is not None:
            failed.append(path.name)
    if failed:
        print(
            f"{len(failed)} of {len(paths)} notebooks failed: {', '.join(failed)}; "
            f"see the executed copies in {shown(args.out)}",
            file=sys.stderr,
        )
        return 1
    print(f"{len(paths)} notebooks executed; executed copies in {shown(args.out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
