"""`read_report`: one file → a `Report` (meta, cells, findings, narrative, quality)."""

from __future__ import annotations

from pathlib import Path

from . import checks, meta, narrative, tables
from .document import Document
from .schema import (
    CELL_COLUMNS,
    FINDING_COLUMNS,
    NARRATIVE_COLUMNS,
    NARRATIVE_DTYPES,
    QUALITY_COLUMNS,
    QUALITY_DTYPES,
    SECTION_COLUMNS,
    SECTION_DTYPES,
    CellRecord,
    as_cells,
    frame,
)
from .sources import load_document


class _Frame:
    """A Report attribute held as records (dicts; `CellRecord`s for `cells`) until first read as a DataFrame.

    Reading a corpus touches most reports' frames never; building a pandas frame costs more than
    reading the report, so it is built on first access and kept. Records set as a list pass through
    `convert` (the cells: any form → `CellRecord`s).
    """

    def __init__(self, columns: list[str], dtypes: dict[str, str] | None = None, convert=None):
        self.columns, self.dtypes, self.convert = columns, dtypes, convert

    def __set_name__(self, owner, name: str) -> None:
        self.name = name

    def __get__(self, obj, objtype=None):
        if obj is None:
            return self
        value = obj.__dict__.get(self.name)
        if value is None:
            value = []
        if isinstance(value, list):
            value = frame(value, self.columns, self.dtypes)
        obj.__dict__[self.name] = value
        return value

    def __set__(self, obj, value) -> None:
        obj.__dict__[self.name] = self.convert(value) if self.convert and isinstance(value, list) else value


class Report:
    """One report as read.

    `meta`: agency, year, template, templates (per table), format, sha256, title, published, file.
    `cells`: one row per printed data cell (see `schema.CELL_COLUMNS`).
    `findings`: reading problems and failed checks (see `schema.FINDING_COLUMNS`).
    `sections` / `narrative`: the six sections and the facts stated in them.
    `quality`: one-row summary of the checks (filled by `check`).
    `used`: (check, table, row, column) of the identities and narrative cells the reader used to choose
    how to cut glued digits; the checks count them as used, not as passed.
    """

    cells = _Frame(CELL_COLUMNS, convert=as_cells)
    findings = _Frame(FINDING_COLUMNS)
    sections = _Frame(SECTION_COLUMNS, SECTION_DTYPES)
    narrative = _Frame(NARRATIVE_COLUMNS, NARRATIVE_DTYPES)
    quality = _Frame(QUALITY_COLUMNS, QUALITY_DTYPES)

    def __init__(self, meta: dict, cells=None, findings=None, sections=None, narrative=None, quality=None,
                 document: Document | None = None, used: set[tuple[str, str, str, str]] | None = None):
        self.meta = meta
        self.used = used if used is not None else set()
        self.cells, self.findings, self.sections = cells, findings, sections
        self.narrative, self.quality, self.document = narrative, quality, document

    def records(self, name: str) -> list[dict]:
        """One of the frames as a list of dicts, without building the DataFrame when not built yet. The cells'
        dicts are built on each call (copies: `cell_records()` gives the cells as held)."""
        value = self.__dict__.get(name)
        if isinstance(value, list):
            return [c._asdict() for c in value] if name == "cells" else value
        df = getattr(self, name)
        columns = list(df.columns)
        return [dict(zip(columns, row, strict=True)) for row in zip(*(df[c].tolist() for c in columns), strict=True)]

    def cell_records(self) -> list[CellRecord]:
        """The cells as `CellRecord`s (tuples in `CELL_COLUMNS` order), as read: `records("cells")` without a dict per
        cell, for the checks and the corpus build."""
        value = self.__dict__.get("cells")
        return value if isinstance(value, list) else as_cells(self.records("cells"))

    def __repr__(self) -> str:
        m = self.meta
        return (
            f"Report({m.get('agency')!r}, {m.get('year')}, {m.get('template')}, "
            f"{len(self.cell_records())} cells, {len(self.records('findings'))} findings)"
        )


def read_report(path: str | Path, *, check: bool = True, blank_policy: str = "lenient") -> Report:
    """Read one report file (text, HTML, PDF or DOCX).

    Raises `ReportError` for input that is not a readable report (empty, random bytes,
    no tables, pre-2019 format, image-only PDF …) with the file and the reason.
    """
    return read_document(load_document(path), check=check, blank_policy=blank_policy)


def read_document(doc: Document, *, check: bool = True, blank_policy: str = "lenient") -> Report:
    """A `Document` (from any source reader) → `Report`: tables, narrative, then checks."""
    recognised = tables.recognise(doc)
    info = meta.describe(doc, recognised.templates, sha256=doc.sha256)
    sections, facts = narrative.extract_records(doc, info["year"])
    tables.narrow(recognised, facts)
    report = Report(info, cells=recognised.cell_records, findings=recognised.finding_records, sections=sections,
                    narrative=facts, document=doc, used=recognised.used)
    if check:
        checks.check(report, blank_policy=blank_policy)
    return report
