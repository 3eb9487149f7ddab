"""The `disclosure` command line: read, check and build."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import ReportError


def _read(args: argparse.Namespace) -> int:
    from .report import read_report

    try:
        report = read_report(args.file)
    except ReportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    cells = report.cells
    if args.format == "json":
        import json

        def clean(records: list[dict]) -> list[dict]:  # NaN is not JSON: an empty value is null
            return [{k: None if isinstance(v, float) and v != v else v for k, v in r.items()} for r in records]

        payload = {"meta": report.meta, "cells": clean(report.records("cells")),
                   "findings": clean(report.records("findings"))}
        print(json.dumps(payload, ensure_ascii=False, indent=1, default=str))
    elif args.format == "csv":
        sys.stdout.write(cells.to_csv(index=False))
    else:
        print(" ".join(f"{k}={v}" for k, v in report.meta.items() if k != "sha256"))
        import pandas as pd

        with pd.option_context("display.max_rows", None, "display.width", 160):
            print(cells.to_string(index=False))
            if len(report.findings):
                print()
                print(report.findings.to_string(index=False))
    return 0


def _check(args: argparse.Namespace) -> int:
    import pandas as pd

    from .report import read_report

    status = 0
    for file in args.files:
        try:
            report = read_report(file, blank_policy=args.blank_policy)
        except ReportError as exc:
            print(f"error: {exc}", file=sys.stderr)
            status = 2
            continue
        findings = report.findings
        print(f"== {file}: {report.meta.get('agency')} {report.meta.get('year')} {report.meta.get('template')}"
              f" — {len(findings)} findings")
        if len(findings):
            with pd.option_context("display.max_rows", None, "display.width", 200, "display.max_colwidth", 80):
                print(findings.to_string(index=False))
    return status


def _seconds(text: str) -> float:
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text}: a time limit is 0 (none) or more seconds")
    return value


def _build(args: argparse.Namespace) -> int:
    from .corpus import TIME_LIMIT, build_corpus, summary

    try:
        reports = build_corpus(args.dir, args.out, jobs=args.jobs, progress=not args.quiet,
                               time_limit=TIME_LIMIT if args.time_limit is None else args.time_limit or None)
    except FileNotFoundError as exc:
        if Path(args.dir).exists():
            raise  # not the folder named: an internal error, shown as one
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(summary(reports))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="disclosure", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p_read = sub.add_parser("read", help="read one report and print its cells")
    p_read.add_argument("file")
    p_read.add_argument("--format", choices=["table", "json", "csv"], default="table")
    p_read.set_defaults(func=_read)
    p_check = sub.add_parser("check", help="read reports and print their findings")
    p_check.add_argument("files", nargs="+")
    p_check.add_argument("--blank-policy", choices=["lenient", "strict"], default="lenient")
    p_check.set_defaults(func=_check)
    p_build = sub.add_parser("build", help="build a corpus dataset from a folder of reports")
    p_build.add_argument("dir")
    p_build.add_argument("-o", "--out", required=True)
    p_build.add_argument("-j", "--jobs", type=int, default=None, help="worker processes (default: all cores)")
    p_build.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p_build.add_argument("--time-limit", type=_seconds, metavar="SECONDS",
                         help="a worker gives up on a file after this long (default 120; 0: no limit)")
    p_build.set_defaults(func=_build)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
