"""`read_report`: one file → a `Report` (meta, cells, findings, narrative, quality)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import checks, meta, narrative, tables
from .document import Document
from .schema import empty_findings
from .sources import load_document


@dataclass
class Report:
    """One report as read.

    `meta`: agency, year, template, templates (per table), format, sha256, title, published, path.
    `cells`: one row per printed data cell (see `schema.CELL_COLUMNS`).
    `findings`: reading problems and failed checks (see `schema.FINDING_COLUMNS`).
    `sections` / `narrative`: the six sections and the facts stated in them.
    `quality`: one-row summary of the checks (filled by `check`).
    """

    meta: dict
    cells: pd.DataFrame
    findings: pd.DataFrame = field(default_factory=empty_findings)
    sections: pd.DataFrame = field(default_factory=pd.DataFrame)
    narrative: pd.DataFrame = field(default_factory=pd.DataFrame)
    quality: pd.DataFrame = field(default_factory=pd.DataFrame)
    document: Document | None = field(default=None, repr=False)

    def __repr__(self) -> str:
        m = self.meta
        return (
            f"Report({m.get('agency')!r}, {m.get('year')}, {m.get('template')}, "
            f"{len(self.cells)} cells, {len(self.findings)} findings)"
        )


def read_report(path: str | Path, *, check: bool = True, blank_policy: str = "lenient") -> Report:
    """Read one report file (text, HTML, PDF or DOCX).

    Raises `ReportError` for input that is not a readable report (empty, random bytes,
    no tables, pre-2019 format, image-only PDF …) with the file and the reason.
    """
    path = Path(path)
    doc = load_document(path)
    recognised = tables.recognise(doc)
    info = meta.describe(doc, recognised.templates, sha256=hashlib.sha256(path.read_bytes()).hexdigest())
    report = Report(meta=info, cells=recognised.cells, findings=recognised.findings, document=doc)
    report.sections, report.narrative = narrative.extract(doc)
    if check:
        checks.check(report, blank_policy=blank_policy)
    return report
