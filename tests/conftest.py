"""Shared test fixtures: where the real reports and their hand-checked values live."""

from __future__ import annotations

import csv
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "reports"
RAW = ROOT / "data" / "raw"


def reports_dir() -> Path:
    """The shared reports when present (development, CI), else the bundled copy in data/raw."""
    return SHARED if SHARED.is_dir() else RAW


def manifest() -> list[dict]:
    with open(reports_dir() / "manifest.csv", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def expected(name: str) -> dict:
    return json.loads((reports_dir() / "expected" / f"{name}.json").read_text(encoding="utf-8"))

