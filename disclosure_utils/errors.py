"""The one exception a caller needs to handle for unreadable input."""

from __future__ import annotations


class ReportError(Exception):
    """Input that is not a readable report. Carries the file and a reason a person understands."""

    def __init__(self, path: object, reason: str, *, kind: str = "unreadable", meta: dict | None = None):
        self.path = str(path)
        self.reason = reason
        self.kind = kind  # unreadable | empty | binary | no_tables | pre2019 | limit | time
        self.meta = meta or {}  # what could still be read (agency, year) for a refused report
        super().__init__(f"{self.path}: {reason}")
