"""The corpus's data dictionary (the `codebook` table): table, template and code labels, units, and a
description of every column of every corpus table."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from .codebook import TABLE_ZH, TABLES, codebook

TABLE_NAMES = ("reports", "cells", "findings", "narrative", "codebook")  # the corpus tables, in writing order
TABLE_EN = {"proactive": "Table 2: proactive disclosure", "requests": "Table 3: requests received and handled",
            "review_litigation": "Table 4: administrative reconsideration and litigation"}
UNITS = {  # unit of the cells under a code (table 二 by column; tables 三 and 四 count applications/cases)
    ("proactive", "made"): "件", ("proactive", "published"): "件", ("proactive", "published_total"): "件",
    ("proactive", "issued"): "件", ("proactive", "repealed"): "件", ("proactive", "in_force"): "件",
    ("proactive", "prev_items"): "项", ("proactive", "items_change"): "项", ("proactive", "decisions"): "件",
    ("proactive", "projects"): "个", ("proactive", "amount_yuan"): "元",
}
TEMPLATE_NOTES = [
    ("v2019", "《中华人民共和国政府信息公开工作年度报告格式（试行）》国办公开办函〔2019〕60号",
     "National format (trial), reports on 2019 and 2020"),
    ("v2021", "《中华人民共和国政府信息公开工作年度报告格式》国办公开办函〔2021〕30号",
     "National format, reports on 2021 onward"),
    ("mixed", "混合格式", "v2021 table 二 with the single v2019 （六）其他处理 row in table 三 (templates per table)"),
    ("pre2019", "2019年前格式", "Reports on 2018 and earlier (no national table format); refused by the reader"),
    ("unknown", "未识别", "No template recognised"),
]
COLUMN_NOTES = {
    "reports": {
        "report_id": "Report key: first 16 hex of sha256, '-2', '-3' … for further copies of the same bytes",
        "file": "Path relative to the built folder, POSIX slashes",
        "sha256": "SHA-256 of the file's bytes", "format": "Source form: text, html, pdf or docx",
        "agency": "Agency as read from the report", "unit_key": "Agency normalised (NFKC, no whitespace "
        "or brackets): the panel unit that links an agency's reports across years",
        "year": "Report year", "year_source": "Where the year was read: title, text (first lines) or file name",
        "template": "Template: v2019, v2021, mixed, pre2019 or unknown",
        "published": "Publication date as printed", "title": "Title as printed",
        "n_cells": "Rows in `cells`", "n_errors": "Findings of severity error",
        "n_warnings": "Findings of severity warning (cross-year checks included)",
        "error": "Why the report was refused (ReportError reason, or 'internal error: …'); empty if read",
        "duplicate_of": "report_id of the first report this one duplicates (file order); empty if none",
        "duplicate_kind": "same_file (identical bytes) or same_unit_year (same unit_key and year)",
    },
    "cells": {
        "report_id": "Report key (see reports)", "table": "Table code: proactive (二), requests (三), "
        "review_litigation (四)", "row": "Row code (codebook)", "column": "Column code (codebook)",
        "value": "Value as a number (amounts in yuan); empty unless kind is number",
        "kind": "number, blank, na (dash or slash), text or ambiguous", "raw": "Text as printed",
        "source": "Where the cell was read (line, HTML table/row/cell, PDF page and box)",
    },
    "findings": {
        "report_id": "Report key; a cross-year finding belongs to the later year's report",
        "check": "Check or reading-problem name (T3_COL, T3_XYEAR …)", "severity": "error, warning or info",
        "table": "Table code involved", "row": "Row code involved", "column": "Column code involved",
        "expected": "Expected value (sum of the parts, or the bound)", "observed": "Printed value",
        "message": "What was found, in plain language",
    },
    "narrative": {
        "report_id": "Report key", "metric": "Fact name (applications_received, website_posts …)",
        "value": "Stated number", "unit": "Unit as printed (条/件/次/人 …)",
        "approx": "Stated approximately (约/近/余/超 …)", "scope": "agency or region",
        "account": "Quoted account name, if any", "section": "Section code the fact is in",
        "evidence": "The sentence", "start": "Start offset of the number in the document text",
        "end": "End offset of the number in the document text", "raw": "The number as printed",
    },
    "codebook": {
        "entry": "table, template, code or column", "table": "Table code (codes) or dataset table (columns)",
        "axis": "row or column (codes)", "code": "Code, template or column name",
        "label_zh": "Chinese label as printed", "label_en": "English label",
        "unit": "Unit of the cells under this code", "templates": "Templates that print the code",
        "group": "Codebook group (denied, unable … for table 三 rows)", "dtype": "Column type (columns)",
        "description": "Notes (codes) or meaning (columns)",
    },
}
QUALITY_NOTE = "Quality summary from the checks (report.quality; see disclosure_utils.checks.check)"
EXTRA_NOTE = "Column added by the reader or the checks (not in the corpus layout)"


def data_dictionary(schemas: dict[str, pa.Schema]) -> pd.DataFrame:
    """The `codebook` table: tables, templates, codes (labels, units, templates, groups) and the columns
    of every corpus table (`schemas`: the Arrow schema of each table but the codebook itself)."""
    rows = [{"entry": "table", "table": t, "label_zh": TABLE_ZH[t], "label_en": TABLE_EN[t]} for t in TABLES]
    rows += [{"entry": "template", "code": c, "label_zh": zh, "label_en": en} for c, zh, en in TEMPLATE_NOTES]
    for r in codebook().itertuples(index=False):
        unit = UNITS.get((r.table, r.code), "") if r.table == "proactive" else "件"  # 二: by column
        rows.append({"entry": "code", "table": r.table, "axis": r.axis, "code": r.code, "label_zh": r.label_zh,
                     "label_en": r.label_en, "unit": unit, "templates": r.templates, "group": r.group,
                     "description": r.notes})
    schemas = {**schemas, "codebook": pa.schema([(c, pa.string()) for c in COLUMN_NOTES["codebook"]])}
    for name in TABLE_NAMES:
        for field in schemas[name]:
            note = COLUMN_NOTES[name].get(field.name) or (QUALITY_NOTE if name == "reports" else EXTRA_NOTE)
            rows.append({"entry": "column", "table": name, "code": field.name, "dtype": str(field.type),
                         "description": note})
    return pd.DataFrame(rows, columns=list(COLUMN_NOTES["codebook"])).fillna("")
