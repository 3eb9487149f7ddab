"""Bytes of a file → `Document`, whatever its form (text, HTML, PDF, DOCX)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from ..document import Document
from ..errors import ReportError

MAX_FILE_BYTES = 50 * 1024 * 1024  # a report larger than this is refused, not read
MAX_COLSPAN = 1000  # columns one cell may span: HTML's limit on a colspan, which a DOCX w:gridSpan is held to too
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a legacy .doc/.wps or an encrypted DOCX: the DOCX reader says so


def sniff_format(data: bytes, path: str) -> str:
    """The source form from magic bytes first, then the file name."""
    head = data[:2048].lstrip()
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04") or data.startswith(OLE_MAGIC):
        return "docx"
    low = head.lower()
    if b"<html" in low or b"<!doctype html" in low or b"<table" in low or b"<body" in low or b"<div" in low:
        return "html"
    suffix = os.path.splitext(path)[1].lower()
    if suffix in (".htm", ".html", ".shtml"):
        return "html"
    return "text"


def load_document(path: str | Path) -> Document:
    """Read `path` into a `Document`, or raise `ReportError` naming the file and the reason."""
    path = os.fspath(path)
    try:
        size = os.stat(path).st_size
        if size > MAX_FILE_BYTES:
            raise ReportError(path, f"file is {size} bytes, over the {MAX_FILE_BYTES}-byte limit for one report",
                              kind="limit")
        with open(path, "rb") as fh:
            data = fh.read(size + 1)  # asking for the limit would allocate it
            if len(data) > size:  # a file growing since stat() (or a device) is still held to the limit
                data += fh.read(MAX_FILE_BYTES + 1 - len(data))
    except OSError as exc:
        raise ReportError(path, f"cannot open the file ({exc.strerror or exc})") from None
    if len(data) > MAX_FILE_BYTES:
        raise ReportError(path, f"file is over the {MAX_FILE_BYTES}-byte limit for one report", kind="limit")
    if not data.strip():
        raise ReportError(path, "the file is empty", kind="empty")
    return parse_bytes(data, path)


def parse_bytes(data: bytes, path: str) -> Document:
    """Bytes of one file → `Document` (its sha256 recorded), by the sniffed form."""
    doc = _parse(data, path)
    doc.sha256 = hashlib.sha256(data).hexdigest()
    return doc


def _parse(data: bytes, path: str) -> Document:
    fmt = sniff_format(data, path)
    if fmt == "pdf":
        from .pdf import read_pdf

        return read_pdf(data, path)
    if fmt == "docx":
        from .docx import read_docx

        return read_docx(data, path)
    if fmt == "html":
        from .html import read_html

        return read_html(data, path)
    from .text import read_text

    return read_text(data, path)
