"""The codebook: stable codes for tables, rows and columns with Chinese and English labels."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

import pandas as pd

TABLES = ("proactive", "requests", "review_litigation")
TABLE_ZH = {"proactive": "表二 主动公开", "requests": "表三 收到和处理申请", "review_litigation": "表四 复议诉讼"}


@cache
def _frame() -> pd.DataFrame:
    with files("disclosure_utils").joinpath("codebook.csv").open(encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False)


def codebook() -> pd.DataFrame:
    """The codebook as a DataFrame (a copy): table, axis, code, label_zh, label_en, templates, group, notes."""
    return _frame().copy()


def codes(table: str, axis: str, template: str | None = None) -> list[str]:
    """Codes of one table axis in codebook order, optionally only those printed in `template`."""
    return list(_codes(table, axis, template))


@cache
def _codes(table: str, axis: str, template: str | None) -> tuple[str, ...]:
    df = _frame()
    sel = df[(df.table == table) & (df.axis == axis)]
    if template is not None:
        sel = sel[sel.templates.str.split(";").apply(lambda t: template in t)]
    return tuple(sel.code)


def group_of(table: str, axis: str, code: str) -> str:
    df = _frame()
    hit = df[(df.table == table) & (df.axis == axis) & (df.code == code)]
    return hit.group.iloc[0] if len(hit) else ""


def label(table: str, axis: str, code: str, lang: str = "zh") -> str:
    """The printed (zh) or English (en) label of a code."""
    df = _frame()
    hit = df[(df.table == table) & (df.axis == axis) & (df.code == code)]
    if not len(hit):
        raise KeyError(f"{table}/{axis}/{code} is not in the codebook")
    return hit[f"label_{lang}"].iloc[0]
