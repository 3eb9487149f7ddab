"""Figure theme and the one figure writer.

`set_theme` registers the Noto Sans CJK SC font shipped by the ``mplfonts`` package (no system fonts),
`label` builds Chinese, English or bilingual labels, and `save_figure` writes PNG/SVG with stable bytes
plus a CSV of the plotted data.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Sequence
from pathlib import Path

import matplotlib as mpl
import pandas as pd
from matplotlib import font_manager
from matplotlib.figure import Figure

__all__ = ["font_path", "label", "save_figure", "set_theme"]

FONT_PACKAGE = "mplfonts"
FONT_FILE = "NotoSansCJKsc-Regular.otf"  # SIL Open Font License 1.1
LANGUAGES = ("zh", "en", "both")
NAME_PATTERN = re.compile(r"^\d{2}-[a-z0-9-]+$")
CSV_FLOAT_FORMAT = "%.10g"

_METADATA = {"png": {"Software": None}, "svg": {"Date": None}}
_THEME = {
    "figure.figsize": (7.0, 4.0),
    "figure.dpi": 100,
    "savefig.dpi": 200,
    "font.family": ["sans-serif"],
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 9,
    "legend.title_fontsize": 9,
    "axes.unicode_minus": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    # Okabe-Ito: distinguishable in colour-blind vision and in greyscale print.
    "axes.prop_cycle": mpl.cycler(
        color=["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
    ),
    "svg.fonttype": "path",
    "svg.hashsalt": "disclosure_utils",
}
_settings = {"lang": "zh"}


def font_path() -> Path:
    """Path of the bundled CJK font file inside the installed ``mplfonts`` package."""
    spec = importlib.util.find_spec(FONT_PACKAGE)  # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"package {FONT_PACKAGE!r} is not installed; it ships the CJK font {FONT_FILE}")
    path = Path(spec.submodule_search_locations[0]) / "fonts" / FONT_FILE
    if not path.is_file():
        raise RuntimeError(f"{FONT_FILE} not found in package {FONT_PACKAGE!r} (expected at {path})")
    return path


def set_theme(lang: str = "zh") -> str:
    """Register the bundled CJK font, apply the figure defaults and set the label language.

    Parameters
    ----------
    lang : {"zh", "en", "both"}
        Default language of `label`.

    Returns
    -------
    str
        The font family now first in ``font.sans-serif``.

    Examples
    --------
    >>> set_theme("en")
    'Noto Sans CJK SC'
    """
    _check_lang(lang)
    path = font_path()
    if not any(Path(entry.fname) == path for entry in font_manager.fontManager.ttflist):
        font_manager.fontManager.addfont(path)
    family = font_manager.FontProperties(fname=path).get_name()
    mpl.rcParams.update(_THEME)
    mpl.rcParams["font.sans-serif"] = [family, "DejaVu Sans"]
    _settings["lang"] = lang
    return family


def label(zh: str, en: str, lang: str | None = None) -> str:
    """A label in Chinese, English or both (``"中文 / English"``); `lang` defaults to `set_theme`'s.

    Examples
    --------
    >>> label("申请数（件）", "Requests (count)", lang="both")
    '申请数（件） / Requests (count)'
    """
    lang = _settings["lang"] if lang is None else lang
    _check_lang(lang)
    return {"zh": zh, "en": en, "both": f"{zh} / {en}"}[lang]


def save_figure(
    fig: Figure,
    name: str,
    *,
    data: pd.DataFrame | None = None,
    keys: Sequence[str] | None = None,
    out_dir: str | Path = "figures",
    formats: Sequence[str] = ("png", "svg"),
    dpi: int = 200,
) -> list[Path]:
    """Write `fig` as ``out_dir/name.{png,svg}`` and the plotted `data` as ``out_dir/name.csv``.

    PNG and SVG carry no timestamp or software version in their metadata, so rerunning gives the same
    SVG bytes. The CSV (UTF-8 with BOM, so spreadsheet programs read the Chinese) is sorted by `keys`
    (default: every column, left to right) and uses the float format ``CSV_FLOAT_FORMAT``. Named index
    levels become columns; an unnamed index (row positions after filtering) is dropped.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    name : str
        ``NN-slug``: the notebook number, then lowercase words joined by hyphens.
    data : DataFrame, optional
        The values drawn in the figure.
    keys : sequence of str, optional
        Columns to sort the CSV by.
    out_dir : str or Path
    formats : sequence of {"png", "svg"}
    dpi : int
        Resolution of the PNG.

    Returns
    -------
    list of Path
        The files written, images first, then the CSV.

    Examples
    --------
    >>> fig, ax = plt.subplots(figsize=(7, 4))  # doctest: +SKIP
    >>> save_figure(fig, "03-denial-rate-by-level", data=plot_df)  # doctest: +SKIP
    """
    if not NAME_PATTERN.fullmatch(name):
        raise ValueError(
            f"figure name {name!r} does not match {NAME_PATTERN.pattern} (e.g. '03-denial-rate')"
        )
    unknown = sorted(set(formats) - set(_METADATA))
    if unknown or not formats:
        raise ValueError(f"formats must be a non-empty subset of {sorted(_METADATA)}, got {list(formats)}")
    table = None if data is None else _plotted_table(data, keys, name)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for fmt in dict.fromkeys(formats):
        path = out / f"{name}.{fmt}"
        fig.savefig(path, format=fmt, dpi=dpi, bbox_inches="tight", metadata=_METADATA[fmt])
        paths.append(path)
    if table is not None:
        path = out / f"{name}.csv"
        table.to_csv(
            path, index=False, float_format=CSV_FLOAT_FORMAT, encoding="utf-8-sig", lineterminator="\n"
        )
        paths.append(path)
    return paths


def _plotted_table(data: pd.DataFrame, keys: Sequence[str] | None, name: str) -> pd.DataFrame:
    """`data` with named index levels as columns (an unnamed index is dropped), sorted by `keys`."""
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"data for figure {name!r} must be a DataFrame, got {type(data).__name__}")
    data = data.reset_index(drop=all(level is None for level in data.index.names))
    keys = list(data.columns) if keys is None else list(keys)
    missing = [key for key in keys if key not in data.columns]
    if missing:
        raise ValueError(f"sort keys {missing} are not columns of the data for figure {name!r}")
    return data.sort_values(keys, kind="mergesort", na_position="last", ignore_index=True)


def _check_lang(lang: str) -> None:
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {LANGUAGES}, got {lang!r}")
