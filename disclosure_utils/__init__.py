"""disclosure_utils: read, check and analyse 政府信息公开工作年度报告.

>>> import disclosure_utils as du
>>> report = du.read_report("data/raw/ankang-natural-resources-2020.txt")  # doctest: +SKIP
"""

from .checks import check
from .codebook import codebook
from .errors import ReportError
from .report import Report, read_report

__all__ = ["Report", "ReportError", "check", "codebook", "read_report"]
