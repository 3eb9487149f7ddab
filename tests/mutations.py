"""Seeded mutants of the real reports: the broken and hostile input a crawler saves.

`Mutator(originals).mutants(seed, n)` draws `n` distinct mutants with `random.Random(seed)`: an
original report, then one mutation that applies to its form. Every mutant records what it changed.

Text and HTML reports are mutated as bytes (then read like any file). The PDF is mutated as bytes
for the reader's own defences (`pdf_truncate`, `pdf_cut`, `pdf_flip`), and as its parsed `Document`
for everything else (rows, digits, junk, whitespace), so its tables are exercised without parsing
the PDF again for every mutant.

Kinds:
- ``truncate``: the file cut at a random byte (mid-character and mid-tag included).
- ``delete_line`` / ``duplicate_line``: one line of the file (the PDF: one block) removed or doubled.
- ``delete_row`` / ``duplicate_row`` / ``swap_rows``: table rows — HTML ``<tr>``s of one table,
  flattened-cell row blocks, PDF grid rows, or, in glued text, the segments between two known row
  labels (a label with its row number, e.g. ``1.属于国家秘密``, up to the next label).
- ``change_digit``: one ASCII digit anywhere in the text (tags and attributes included) replaced by
  another; `Mutant.digit` holds (old, new).
- ``dash_digit``: the last ASCII digit of a number (a one-digit cell, or the end of a glued run)
  replaced by a dash or slash (``-``, ``—``, ``/``), as a report prints for "not applicable";
  `Mutant.digit` holds (old, dash). Row numbers (``3.``, ``3、``, ``（3）``) are left alone: a report
  prints no dash there.
- ``insert_junk``: 1–12 characters from `JUNK`, or one of `JUNK_STRINGS` (markup, entities), at a
  random place that does not split a digit run. Junk holds no digit, sign, dash, decimal point, unit
  or anything folded into one, so it changes no printed value (only, perhaps, the layout around it).
- ``gbk``: re-encoded as GBK under a wrong or missing declaration (text: bare GBK, or GBK behind a
  UTF-8 BOM; HTML: ``<meta charset>`` saying utf-8 or big5 over GBK bytes, or gbk over UTF-8 bytes).
- ``strip_whitespace``: every whitespace character removed (HTML: outside tags only).
- ``wrap_html``: the report put inside unrelated site chrome (navigation, breadcrumbs, link lists,
  a visitor-count table, footer with numbers) and nested layout ``<div>``s / ``<table>``s.
- ``pdf_truncate`` / ``pdf_cut`` / ``pdf_flip``: the PDF's bytes cut at the end, a chunk cut out of
  the middle (its end marker kept), or 1–8 bytes flipped.
"""

from __future__ import annotations

import hashlib
import html
import random
import re
from dataclasses import dataclass, replace
from pathlib import Path

from disclosure_utils.document import Cell, Document, Grid, Paragraph

KINDS = ("truncate", "delete_line", "duplicate_line", "delete_row", "duplicate_row", "swap_rows",
         "change_digit", "dash_digit", "insert_junk", "gbk", "strip_whitespace", "wrap_html",
         "pdf_truncate", "pdf_cut", "pdf_flip")  # fmt: skip
PDF_BYTE_KINDS = ("pdf_truncate", "pdf_cut", "pdf_flip")
DASH_MARKS = ("-", "—", "/")
_DASHABLE = r"(?<![(（])[0-9](?![0-9.．、)）])"  # a number's last digit; not a row number's

JUNK = (
    "abcxyzQWE!@#$%^&*()_=[]{};:'\"<>?|`~ \t\n\r\u3000\xa0\u200b\u200d\ufeff\x00\x01\x1b\x7f\ufffd\ufdd0\ufdd1"
    "的是了我不在人有这中大为上个国，。；：（）【】《》、“”·\U0001f600"
)  # fmt: skip
JUNK_STRINGS = ("&nbsp;", "&#1;", "&#xFDD1;", "&amp;", "<!--", "-->", "]]>", "<br>", "</td>", "<tr>", "<table>",
                "</table>", "<p>", "</div>", "<script>", "<![CDATA[", "\r\n", "&lt;td&gt;")  # fmt: skip

# Row labels of the glued tables (keyword as printed, after an optional row number): the boundaries
# of the row segments that `swap_rows` & co. move in glued text. Not the reader's alias table on
# purpose: the generator only needs a few unambiguous labels, found in the raw text.
_GLUED_LABELS = {
    "proactive": ("规章", "行政规范性文件|规范性文件", "行政许可", "其他对外管理服务事项", "行政处罚", "行政强制",
                  "行政事业性收费", "政府集中采购"),
    "requests": ("本年新收", "上年结转", "予以公开", "部分公开", "国家秘密", "禁止公开", "三安全一稳定",
                 "第三方", "内部事务", "过程性", "执法案卷", "行政查询", "不掌握", "另行制作", "仍不明确",
                 "信访", "重复申请", "公开出版物", "大量反复", "重新出具", "逾期不补正", "收费通知",
                 "3.其他", "其他处理", "总计", "结转下年"),
}  # fmt: skip
_ORDINAL = (
    r"(?:[（(]\s*[一二三四五六七八九十]+\s*[)）]|[一二三四五六七八九十]+\s*、|\d\s*[.、．])[^\d\s]{0,12}?"
)
_T2_START = re.compile(r"第\s*二\s*十\s*条\s*第\s*[（(]\s*一\s*[)）]\s*项")
_TR = re.compile(r"<tr\b.*?</tr\s*>", re.I | re.S)
_TABLE = re.compile(r"<table\b.*?</table\s*>", re.I | re.S)
_META_CHARSET = re.compile(r"<meta[^>]*charset[^>]*>", re.I)
_BODY = re.compile(r"<body[^>]*>(.*?)(?:</body\s*>|$)", re.I | re.S)


@dataclass(frozen=True)
class Original:
    """A real report as the generator sees it."""

    name: str
    data: bytes
    form: str  # glued | flattened | html | pdf
    doc: Document | None = None  # the parsed PDF, for document mutations

    @property
    def text(self) -> str:
        return self.data.decode("utf-8")


@dataclass(frozen=True)
class Mutant:
    """One mutated report and what was done to it."""

    original: str  # file name of the report it was made from
    kind: str
    detail: str  # what was changed
    data: bytes | None = None  # the mutated file, or …
    doc: Document | None = None  # … the mutated Document (PDF)
    digit: tuple[str, str] | None = None  # change_digit, dash_digit: (old, new)

    @property
    def name(self) -> str:
        """A file name for the mutant, with the original's suffix (.html once wrapped in a page)."""
        suffix = ".html" if self.kind == "wrap_html" else Path(self.original).suffix
        return f"{Path(self.original).stem}.{self.kind}{suffix}"

    def key(self) -> str:
        body = self.data if self.data is not None else repr(self.doc.blocks).encode()
        return hashlib.sha256(self.original.encode() + b"\0" + body).hexdigest()


def form_of(name: str, data: bytes) -> str:
    suffix = Path(name).suffix.lower()
    if suffix == ".pdf":
        return "pdf"
    if suffix in (".html", ".htm"):
        return "html"
    lines = data.decode("utf-8").split("\n")
    return "flattened" if sum(line.startswith("\t") for line in lines) >= 20 else "glued"


def applicable(form: str) -> tuple[str, ...]:
    if form == "pdf":
        return ("delete_line", "duplicate_line", "delete_row", "duplicate_row", "swap_rows", "change_digit",
                "dash_digit", "insert_junk", "strip_whitespace", "truncate", *PDF_BYTE_KINDS)  # fmt: skip
    return tuple(k for k in KINDS if k not in PDF_BYTE_KINDS)


class Mutator:
    """Draws mutants of `originals`; `pdf_bytes` caps the (slow to read) PDF byte mutants."""

    def __init__(self, originals: list[Original], *, pdf_bytes: int = 6):
        self.originals = originals
        self.pdf_bytes = pdf_bytes
        self._segments: dict[str, list[list[tuple[int, int]]]] = {}

    def mutants(self, seed: int, n: int) -> list[Mutant]:
        """`n` distinct mutants: `pdf_bytes` PDF byte mutants (spread over the three kinds), then random draws."""
        rng = random.Random(seed)
        pdfs = [o for o in self.originals if o.form == "pdf"]
        wanted = [(rng.choice(pdfs), PDF_BYTE_KINDS[i % 3]) for i in range(self.pdf_bytes if pdfs else 0)]
        out: list[Mutant] = []
        seen: set[str] = set()
        draws = 0
        while len(out) < n:
            draws += 1
            if draws > 20 * n + 1000:
                raise RuntimeError(f"only {len(out)} distinct mutants after {draws} draws")
            if len(out) < len(wanted):
                orig, kind = wanted[len(out)]
            else:
                orig = rng.choice(self.originals)
                kind = rng.choice([k for k in applicable(orig.form) if k not in PDF_BYTE_KINDS])
            mutant = self.mutate(rng, orig, kind)
            if mutant is not None and (key := mutant.key()) not in seen:
                seen.add(key)
                out.append(mutant)
        return out

    def mutate(self, rng: random.Random, orig: Original, kind: str) -> Mutant | None:
        """One mutant of `orig`, or None when the mutation does not apply (e.g. no rows found)."""
        if orig.form == "pdf":
            return _pdf_bytes(rng, orig, kind) if kind in PDF_BYTE_KINDS else _pdf_doc(rng, orig, kind)
        if kind == "truncate":
            cut = rng.randrange(len(orig.data))
            return Mutant(orig.name, kind, f"cut at byte {cut} of {len(orig.data)}", data=orig.data[:cut])
        if kind == "gbk":
            return _gbk(rng, orig)
        text = orig.text
        if kind in ("delete_line", "duplicate_line"):
            lines = text.split("\n")
            i = rng.choice([i for i, line in enumerate(lines) if line.strip()])
            detail = f"line {i + 1}: {_short(lines[i])}"
            lines[i : i + 1] = [] if kind == "delete_line" else [lines[i], lines[i]]
            return _utf8(orig, kind, detail, "\n".join(lines))
        if kind in ("delete_row", "duplicate_row", "swap_rows"):
            return self._rows(rng, orig, kind)
        if kind in ("change_digit", "dash_digit"):
            positions = [m.start() for m in re.finditer(_DASHABLE if kind == "dash_digit" else r"[0-9]", text)]
            if not positions:
                return None
            at = rng.choice(positions)
            old = text[at]
            new = rng.choice(DASH_MARKS if kind == "dash_digit" else [d for d in "0123456789" if d != old])
            return Mutant(orig.name, kind, f"char {at}: {old}→{new} in {_short(text[max(at - 20, 0) : at + 20])}",
                          data=(text[:at] + new + text[at + 1 :]).encode("utf-8"), digit=(old, new))  # fmt: skip
        if kind == "insert_junk":
            at = _junk_place(rng, text)
            junk = _junk(rng)
            return _utf8(orig, kind, f"char {at}: inserted {junk!r}", text[:at] + junk + text[at:])
        if kind == "strip_whitespace":
            if orig.form == "html":
                stripped = re.sub(r">([^<]*)<", lambda m: ">" + re.sub(r"\s+", "", m[1]) + "<", text)
            else:
                stripped = re.sub(r"\s+", "", text)
            return _utf8(
                orig,
                kind,
                "all whitespace removed" + (" outside tags" if orig.form == "html" else ""),
                stripped,
            )
        if kind == "wrap_html":
            return _wrap(rng, orig)
        raise ValueError(kind)

    def _rows(self, rng: random.Random, orig: Original, kind: str) -> Mutant | None:
        groups = [g for g in self.segments(orig) if len(g) >= (2 if kind == "swap_rows" else 1)]
        if not groups:
            return None
        group = rng.choice(groups)
        text = orig.text
        if kind == "swap_rows":
            (a0, a1), (b0, b1) = sorted(rng.sample(group, 2))
            out = text[:a0] + text[b0:b1] + text[a1:b0] + text[a0:a1] + text[b1:]
            return _utf8(orig, kind, f"swapped {_short(text[a0:a1])} and {_short(text[b0:b1])}", out)
        a0, a1 = rng.choice(group)
        out = text[:a0] + text[a1:] if kind == "delete_row" else text[:a1] + text[a0:a1] + text[a1:]
        return _utf8(orig, kind, f"row at chars {a0}-{a1}: {_short(text[a0:a1])}", out)

    def segments(self, orig: Original) -> list[list[tuple[int, int]]]:
        """Row spans of `orig`'s text, grouped by table (spans within a group may be exchanged)."""
        if orig.name not in self._segments:
            finder = {"glued": _glued_rows, "flattened": _flattened_rows, "html": _html_rows}[orig.form]
            self._segments[orig.name] = [g for g in finder(orig.text) if g]
        return self._segments[orig.name]


# --------------------------------------------------------------------------- rows per form


def _glued_rows(text: str) -> list[list[tuple[int, int]]]:
    """Row segments of the glued tables 二 and 三: each from a row label (with its row number) to the next."""
    t2 = _T2_START.search(text)
    if t2 is None:
        return []
    groups = []
    pos = t2.end()
    for table in ("proactive", "requests"):
        starts = []
        for label in _GLUED_LABELS[table]:
            kw = "|".join(r"\s*".join(map(re.escape, alt)) for alt in label.split("|"))
            m = re.compile(rf"(?:{_ORDINAL})?(?:{kw})").search(text, pos)
            if m is None or (starts and m.start() - starts[-1] > 600):
                continue
            starts.append(m.start())
            pos = m.end()
        groups.append(list(zip(starts, starts[1:], strict=False)))
    return groups


def _flattened_rows(text: str) -> list[list[tuple[int, int]]]:
    """Blocks of tab-led lines holding a digit (the value rows), each with the blank line after it,
    grouped by table (table 三 starts at 本年新收; table 四 is the unlabelled row after 结转下年)."""
    t3 = text.find("本年新收")
    t4 = text.find("\n\n", text.find("结转下年"))
    groups: list[list[tuple[int, int]]] = [[], [], []]
    for m in re.finditer(r"(?m)^\t[^\n]*\n(?:[^\n]+\n)*\n?", text):
        if re.search(r"\d", m[0]):
            groups[(m.end() > t3 >= 0) + (m.start() > t4 >= 0)].append((m.start(), m.end()))
    return groups


def _html_rows(text: str) -> list[list[tuple[int, int]]]:
    groups = []
    for t in _TABLE.finditer(text):
        groups.append([(t.start() + m.start(), t.start() + m.end()) for m in _TR.finditer(t[0])])
    return groups


# --------------------------------------------------------------------------- encodings and wrappers


def _gbk(rng: random.Random, orig: Original) -> Mutant:
    text = orig.text
    if orig.form == "html":
        variant = rng.choice(
            ("meta utf-8 over GBK bytes", "meta big5 over GBK bytes", "meta gbk over UTF-8 bytes")
        )
        decl = variant.split()[1]
        head = f'<meta charset="{decl}">'
        text = _META_CHARSET.sub(head, text, count=1) if _META_CHARSET.search(text) else head + text
        data = text.encode("utf-8") if decl == "gbk" else text.encode("gbk", errors="xmlcharrefreplace")
        return Mutant(orig.name, "gbk", variant, data=data)
    variant = rng.choice(("GBK bytes", "UTF-8 BOM before GBK bytes"))
    data = text.encode("gbk", errors="replace")
    lost = data.count(b"?") - text.count("?")
    if variant.startswith("UTF-8 BOM"):
        data = b"\xef\xbb\xbf" + data
    return Mutant(orig.name, "gbk", f"{variant} ({lost} characters not in GBK written as ?)", data=data)


_CHROME_TOP = (
    '<div class="header"><a href="/">首页</a> | <a href="/zwgk/">政务公开</a> | <a href="/hdjl/">互动交流</a>'
    ' | <a href="/bsfw/">办事服务</a></div>',
    '<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 政府信息公开年报</div>',
    '<div class="tools">字号：<a>大</a> <a>中</a> <a>小</a> 【打印本页】【关闭窗口】 浏览次数：1024</div>',
    '<table class="nav"><tr><td><a href="/zfxxgkzn/">政府信息公开指南</a></td><td><a href="/zfxxgkzd/">'
    "政府信息公开制度</a></td><td><a>法定主动公开内容</a></td></tr></table>",
)
_CHROME_BOTTOM = (
    '<div class="related"><h3>相关文章</h3><ul><li><a>2019年度政府信息公开工作年度报告</a> 2020-01-15</li>'
    "<li><a>2018年度政府信息公开工作年度报告</a> 2019-01-20</li></ul></div>",
    '<table class="stat"><tr><th>今日访问</th><th>累计访问</th></tr><tr><td>123</td><td>4567890</td></tr></table>',
    '<div class="footer">主办单位：某某人民政府办公室 地址：某某路1号 邮编：350400 电话：0591-23100000<br>'
    "版权所有 © 2024 闽ICP备05000123号-1 网站标识码：3501000012</div>",
    '<script>var _hmt = _hmt || []; document.write("<table><tr><td>1</td></tr></table>");</script>',
    "<style>td { padding: 2px } .x > .y { width: 100% }</style>",
)


def _wrap(rng: random.Random, orig: Original) -> Mutant:
    text = orig.text
    if orig.form == "html":
        m = _BODY.search(text)
        body = m[1] if m else text
    else:
        lines = (html.escape(line) for line in text.split("\n") if line.strip())
        body = "\n".join(f"<p>{line}</p>" for line in lines)
    top = rng.sample(_CHROME_TOP, rng.randint(0, len(_CHROME_TOP)))
    bottom = rng.sample(_CHROME_BOTTOM, rng.randint(0, len(_CHROME_BOTTOM)))
    depth = rng.randint(1, 8)
    for level in range(depth):
        if rng.random() < 0.4:
            side = '<td class="side"><ul><li><a>通知公告</a></li><li><a>政策解读</a></li></ul></td>'
            body = f'<table class="layout{level}"><tr>{side}<td>{body}</td></tr></table>'
        else:
            body = f'<div class="wrap{level}">{body}</div>'
    page = ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>政府信息公开年报 - 某某政府网</title></head>'
            f"<body>{''.join(top)}{body}{''.join(bottom)}</body></html>")  # fmt: skip
    detail = f"{len(top)} chrome blocks above, {len(bottom)} below, {depth} wrapping levels"
    return Mutant(orig.name, "wrap_html", detail, data=page.encode("utf-8"))


# --------------------------------------------------------------------------- PDF


def _pdf_bytes(rng: random.Random, orig: Original, kind: str) -> Mutant:
    data = bytearray(orig.data)
    if kind == "pdf_truncate":
        cut = rng.randrange(len(data))
        return Mutant(orig.name, kind, f"cut at byte {cut} of {len(data)}", data=bytes(data[:cut]))
    if kind == "pdf_cut":
        a = rng.randrange(1024, len(data) - 8192)
        b = min(a + rng.randint(1, 4096), len(data) - 4096)
        return Mutant(orig.name, kind, f"bytes {a}-{b} removed", data=bytes(data[:a] + data[b:]))
    at = sorted(rng.sample(range(len(data)), rng.randint(1, 8)))
    for i in at:
        data[i] ^= rng.randint(1, 255)
    return Mutant(orig.name, kind, f"bytes flipped at {at}", data=bytes(data))


def _pdf_doc(rng: random.Random, orig: Original, kind: str) -> Mutant | None:
    """A mutation of the parsed PDF `Document`: its blocks, grid rows and cell texts."""
    blocks = list(orig.doc.blocks)
    grids = [i for i, b in enumerate(blocks) if isinstance(b, Grid) and len(b.rows) >= 2]
    if kind in ("delete_line", "duplicate_line"):
        i = rng.randrange(len(blocks))
        what = f"block {i + 1} ({blocks[i].source})"
        blocks[i : i + 1] = [] if kind == "delete_line" else [blocks[i], blocks[i]]
        return _doc_mutant(orig, kind, what, blocks)
    if kind in ("delete_row", "duplicate_row", "swap_rows"):
        g = rng.choice(grids)
        rows = list(blocks[g].rows)
        if kind == "swap_rows":
            a, b = sorted(rng.sample(range(len(rows)), 2))
            rows[a], rows[b] = rows[b], rows[a]
            what = f"grid {g + 1} rows {a + 1} and {b + 1} swapped"
        else:
            a = rng.randrange(len(rows))
            rows[a : a + 1] = [] if kind == "delete_row" else [rows[a], rows[a]]
            what = f"grid {g + 1} row {a + 1}"
        blocks[g] = replace(blocks[g], rows=tuple(rows))
        return _doc_mutant(orig, kind, what, blocks)
    if kind == "truncate":
        i = rng.randrange(len(blocks))
        cut = _cut_block(rng, blocks[i])
        blocks = [*blocks[:i], *([cut] if cut is not None else [])]
        return _doc_mutant(
            orig, kind, f"document cut inside block {i + 1} ({orig.doc.blocks[i].source})", blocks
        )
    texts = _texts(blocks)  # (block, row, cell) → text
    if kind in ("change_digit", "dash_digit"):
        digits = _DASHABLE if kind == "dash_digit" else r"[0-9]"
        spots = [(k, m.start()) for k, t in texts.items() for m in re.finditer(digits, t)]
        k, at = rng.choice(spots)
        old = texts[k][at]
        new = rng.choice(DASH_MARKS if kind == "dash_digit" else [d for d in "0123456789" if d != old])
        blocks = _set_text(blocks, k, texts[k][:at] + new + texts[k][at + 1 :])
        return _doc_mutant(
            orig, kind, f"{k} char {at}: {old}→{new} in {_short(texts[k])}", blocks, digit=(old, new)
        )
    if kind == "insert_junk":
        k = rng.choice(list(texts))
        at = _junk_place(rng, texts[k])
        junk = _junk(rng)
        blocks = _set_text(blocks, k, texts[k][:at] + junk + texts[k][at:])
        return _doc_mutant(orig, kind, f"{k} char {at}: inserted {junk!r}", blocks)
    if kind == "strip_whitespace":
        for k, t in texts.items():
            blocks = _set_text(blocks, k, re.sub(r"\s+", "", t))
        return _doc_mutant(orig, kind, "all whitespace removed from every block and cell", blocks)
    raise ValueError(kind)


def _doc_mutant(orig: Original, kind: str, detail: str, blocks: list, digit=None) -> Mutant:
    return Mutant(orig.name, kind, detail, doc=replace(orig.doc, blocks=blocks), digit=digit)


def _texts(blocks: list) -> dict[tuple[int, int, int], str]:
    out = {}
    for i, b in enumerate(blocks):
        if isinstance(b, Paragraph):
            out[(i, -1, -1)] = b.text
        else:
            for r, row in enumerate(b.rows):
                for c, cell in enumerate(row):
                    out[(i, r, c)] = cell.text
    return out


def _set_text(blocks: list, key: tuple[int, int, int], text: str) -> list:
    i, r, c = key
    blocks = list(blocks)
    b = blocks[i]
    if r < 0:
        blocks[i] = replace(b, text=text)
    else:
        rows = [list(row) for row in b.rows]
        rows[r][c] = rows[r][c]._replace(text=text)
        blocks[i] = replace(b, rows=tuple(tuple(row) for row in rows))
    return blocks


def _cut_block(rng: random.Random, block):
    """The part of `block` before a random point (a grid: rows before it, the last one cut in a cell)."""
    if isinstance(block, Paragraph):
        cut = rng.randrange(len(block.text))
        return replace(block, text=block.text[:cut]) if cut else None
    r = rng.randrange(len(block.rows))
    row = block.rows[r]
    c = rng.randrange(len(row))
    cell = row[c]
    part = (*row[:c], Cell(cell.text[: rng.randrange(len(cell.text) + 1)], cell.source))
    rows = (*block.rows[:r], part)
    return replace(block, rows=rows)


# --------------------------------------------------------------------------- helpers


def _utf8(orig: Original, kind: str, detail: str, text: str) -> Mutant:
    return Mutant(orig.name, kind, detail, data=text.encode("utf-8", errors="surrogatepass"))


def _junk(rng: random.Random) -> str:
    if rng.random() < 0.25:
        return rng.choice(JUNK_STRINGS)
    return "".join(rng.choice(JUNK) for _ in range(rng.randint(1, 12)))


def _junk_place(rng: random.Random, text: str) -> int:
    """A random insertion point that does not fall between two digits."""
    for _ in range(100):
        at = rng.randrange(len(text) + 1)
        if not (0 < at < len(text) and text[at - 1].isdigit() and text[at].isdigit()):
            return at
    return 0


def _short(text: str, n: int = 40) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= n else text[:n] + "…")
