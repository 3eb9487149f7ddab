"""disclosure_utils: read, check and analyse 政府信息公开工作年度报告.

>>> import disclosure_utils as du
>>> report = du.read_report("data/raw/ankang-natural-resources-2020.txt")  # doctest: +SKIP
>>> report.cells.head()  # doctest: +SKIP
"""

from importlib import import_module

from .checks import check, check_series, narrative_agreement
from .codebook import codebook
from .errors import ReportError
from .report import Report, read_document, read_report

# Heavier layers load on first use, so reading one report never imports matplotlib or pyarrow.
_LAZY = {
    "build_corpus": "corpus", "load_corpus": "corpus", "summary": "corpus",
    "rates": "rates", "requests_wide": "rates", "derived_groups": "rates", "wilson": "rates",
    "set_theme": "figures", "label": "figures", "save_figure": "figures",
}

__all__ = ["Report", "ReportError", "check", "check_series", "codebook", "narrative_agreement",
           "read_document", "read_report", *_LAZY]


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'disclosure_utils' has no attribute {name!r}")
