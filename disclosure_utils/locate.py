"""Find the printed rows of the three tables in a `Document`.

Two ways, one result (`RowRead`): in grids, a row's label cells name it and the cells after
them are its values; in running text (crawled pages whose cell boundaries are gone), row labels
are found in template order and the text between one label and the next is the row's value run.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import compress
from operator import itemgetter, not_
from typing import NamedTuple

from . import labels, split, values
from .codebook import TABLES, codes
from .document import Document, Grid, from_fields


class RowRead(NamedTuple):
    """One printed row: its cells when boundaries are known, else the glued run of its values."""

    table: str
    code: str
    cells: tuple[tuple[str, ...], tuple[str, ...]] | None  # (raw texts, sources) of the printed value cells
    run: str | None  # running text holding the row's values
    source: str
    cut: bool = False  # the text ends inside the run (a download cut short): its last values may be lost
    doubt: str = ""  # why what the row prints may not be its values (READ_DISPLACED): then they are not read


@dataclass
class Located:
    rows: list[RowRead]
    unknown: list[tuple[str, str, str]]  # (table, label, source) of value rows no alias matched
    table_text: dict[str, str]  # normalised text of each table found (labels and values), for markers
    templates: dict[str, str] = field(default_factory=dict)  # table → the template its rows were read by, if told
    unlabelled: list[tuple[str, str, str]] = field(default_factory=list)  # (table, values, source) of grid rows
    # that print values without any label (not table 四's one row)


_TEXT, _SOURCE = itemgetter(0), itemgetter(1)  # of a Cell


def _split_label(texts: list[str]) -> tuple[str, int]:
    """(the row's label: its cells that are not values, joined; the place of the first cell after the last of
    them). Most rows print one or two label cells, then cells of nothing or ASCII digits, values all: those are
    told at once, as one string."""
    rest = "".join(texts[1:])
    if not rest or rest.isdigit() and rest.isascii():
        if texts and not values.is_value_text(texts[0]):  # the commonest row: one label cell, then values
            return texts[0], 1
        k = 1
    else:
        rest = "".join(texts[2:])
        k = 2 if not rest or rest.isdigit() and rest.isascii() else len(texts)
    is_value = list(map(values.is_value_text, texts[:k]))  # the cells from k on are values
    if all(is_value):
        return "", 0
    return "".join(compress(texts, map(not_, is_value))), k - is_value[::-1].index(False)


def _values_between_labels(texts: list[str], table: str) -> str:
    """Why a row's label cells may be two rows' (value cells stand between them: a flattened row whose blank end
    line was lost runs into the next, 规章 | 0 | 0 | 0 | 规范性文件 | 9 | 9 | 66, and was read with the second's
    values), or "". Empty cells between them are a spacer (三、本年度办理结果 |  | （一）予以公开) unless the label
    cells before them name a row of `table` on their own (6.属于行政查询事项 |  | … |  | （四）无法提供 | 1.本机关…),
    not only as the group of the row after them."""
    if len(texts) < 3:
        return ""
    is_value = list(map(values.is_value_text, texts))
    first = is_value.index(False)
    between = list(compress(texts[first:], is_value[first:]))
    if not between:
        return ""
    if not any(map(values.clean, between)):
        at = texts.index(between[0], first)
        before = "".join(texts[first:at])
        after = next(t for t, v in zip(texts[at:], is_value[at:], strict=True) if not v)
        # group labels ((六)其他处理 before 1.申请人…) name no row of their own, though their words may name one; a row's
        # label after them does ((三)不予公开1.属于国家秘密)
        key, joined = _label_key(before), _label_key(before + after)
        if labels.row_code(table, key) is None or len(labels.PARENTS.sub("", joined)) <= len(joined) - len(key):
            return ""
    named = " | ".join(compress(texts, map(not_, is_value)))
    shown = " | ".join(values.clean(t) or "blank" for t in between)
    return f"value cells ({shown}) stand between its label cells ({named}): it may be two rows run together"


def _prints_value(texts: tuple[str, ...]) -> bool:
    return any(map(values.clean, texts))


_CAPTION = re.compile(labels.CAPTION)
_DIGIT = re.compile(r"\d")
# A number in a label, after its words or alone on a line, not an ordinal (1. 2、 3）): in a PDF, a value set left of
# its column joins the label's text (…相关政府信息746, …只计这一\n3\n情形…), which still names the row.
_NUMBER_IN_LABEL = re.compile(r"(?:^|[^\W\d_]|[)）])\s*[0-9][0-9,]*(?:\.[0-9]+)?(?![0-9.,、．)）:：])", re.M)
_COLUMN_NUMBERS = tuple(map(str, range(1, 100)))


def _numbers_columns(raws: tuple[str, ...]) -> bool:
    """The row prints 1, 2, 3 … (three or more, blanks aside): it numbers the columns above it."""
    printed = tuple(filter(None, map(values.clean, raws)))
    return len(printed) >= 3 and printed == _COLUMN_NUMBERS[: len(printed)]


_PROACTIVE_WORDS = labels.any_of(m for v in labels.PROACTIVE_MARKERS.values() for m in v)
_REQUESTS_HEADER, _REVIEW_HEADER = labels.any_of(labels.REQUESTS_HEADER), labels.any_of(labels.REVIEW_HEADER)


@lru_cache(maxsize=values.CACHE_SIZE)
def _label_key(label: str) -> str:
    """A grid row label normalised for matching (cached: reports print the same labels again and again)."""
    return labels.norm(label)


def _names_new_received(key: str) -> bool:
    """The label of row new_received: looked up only when it holds 收, as 本年新收, its one keyword, does."""
    return "收" in key and labels.row_code("requests", labels.norm_of_spaced(key)) == "new_received"


@lru_cache(maxsize=values.CACHE_SIZE)
def _context(ctx: str | None, key: str) -> str | None:
    """The table a grid row belongs to, from the captions and headers seen so far."""
    if _CAPTION.search(key) or _PROACTIVE_WORDS.search(key):
        return "proactive"
    if _REQUESTS_HEADER.search(key) or _names_new_received(key):
        return "requests"
    if ctx == "requests" and _REVIEW_HEADER.search(key):
        return "review_litigation"
    return ctx


def from_grids(doc: Document) -> Located:
    """Rows of every grid in the document, in reading order (tables may span several grids)."""
    out = Located([], [], {})
    ctx: str | None = None
    pdf = doc.format == "pdf"
    for grid in doc.grids:
        unlabelled, labelled = [], set()  # a grid's rows printing values without a label count for a table it holds
        read = None  # the place in out.rows of the grid row just read
        for row in grid.rows:
            above, read = read, None
            texts = list(map(_TEXT, row))
            label, k = _split_label(texts)
            key = _label_key(label)
            ctx = _context(ctx, key)
            if ctx is None:
                continue
            out.table_text[ctx] = out.table_text.get(ctx, "") + key
            vals, raws = row[k:], tuple(texts[k:])  # the value cells, and their texts
            if ctx == "review_litigation" and not key and len(vals) >= 15:
                sources = tuple(map(_SOURCE, vals))
                if len(raws) > 15:  # a cell too many, blank or not: which one is unknown, so none is read
                    out.unknown.append((ctx, f"unlabelled row of {len(raws)} value cells (table 四 has 15)", sources[0]))
                    continue
                # a cell holding several values took them from a cell beside it, maybe in the next group: none is read
                doubt = (f"a cell of table 四's row holds several values ({' | '.join(map(values.clean, raws))}): one "
                         "was printed into a cell beside its own") if split.holds_several(raws) else ""
                for i, code in enumerate(labels.REVIEW_GROUPS):
                    part = (raws[5 * i : 5 * i + 5], sources[5 * i : 5 * i + 5])
                    out.rows.append(from_fields(RowRead, (ctx, code, part, None, sources[5 * i], False, doubt)))
                continue
            code = labels.row_code(ctx, key) if key else None
            if code is None:
                if not _prints_value(raws):
                    continue
                if key:
                    out.unknown.append((ctx, label, row[0].source))
                    if above is not None:  # a label going on in a row of its own, with values (…只计这一 / 情形…)
                        out.rows[above] = out.rows[above]._replace(doubt=f"the grid row under it, {label!r}, names no "
                                                                   "row but prints values: its label may go on there, "
                                                                   "with its values or a part of them")
                elif not _numbers_columns(raws):
                    unlabelled.append((ctx, " | ".join(map(values.clean, raws)), row[0].source))
                continue
            labelled.add(ctx)
            doubt = _values_between_labels(texts[:k], ctx) if vals else ""  # a header row is never read
            if not doubt and pdf and not (raws and all(map(values.clean, raws))) and _NUMBER_IN_LABEL.search(labels.fold(label)):
                doubt = f"its label {label!r} holds a number, which may be the value of a blank cell set into it"
            if doubt or vals and (ctx == "requests" or len(vals) > 1 or _prints_value(raws)):
                cells = (raws, tuple(map(_SOURCE, vals)))
                out.rows.append(from_fields(RowRead, (ctx, code, cells, None, row[0].source, False, doubt)))
                read = len(out.rows) - 1
        out.unlabelled += [u for u in unlabelled if u[0] in labelled]
    return out


class _Text:
    """All paragraphs as one normalised string, with a map back to each paragraph's source, and where the grids
    printing digits stand in it (`grid_between`)."""

    def __init__(self, doc: Document):
        parts, self.starts, self.sources, self.grid_at, self.grids = [], [], [], [], []
        pos = 0
        for p in doc.blocks:
            if isinstance(p, Grid):
                if any(_DIGIT.search(c.text) for row in p.rows for c in row):
                    self.grid_at.append(pos)  # the offset of the paragraph after it (past the end after the last)
                    self.grids.append(p)
                continue
            t = labels.norm_spaced(p.text)
            self.starts.append(pos)
            self.sources.append(p.source)
            parts.append(t)
            pos += len(t) + 1
        self.s = "\n".join(parts)

    def grid_between(self, lo: int, hi: int, table: str = "") -> str:
        """The source of the first grid printing digits between offsets lo and hi (a grid after the last paragraph
        stands at the end), or "". With `table`, grids of another table (printing labels of its rows, none of the
        table's) are passed over."""
        for i in range(bisect.bisect_left(self.grid_at, lo), len(self.grid_at)):
            if min(self.grid_at[i], len(self.s)) > hi:
                break
            if not (table and _of_another_table(self.grids[i], table)):
                return self.grids[i].source
        return ""

    def where(self, a: int, b: int) -> str:
        if not self.starts:
            return f"text chars {a}-{b}"
        i = bisect.bisect_right(self.starts, a) - 1  # starts[0] is 0, so i >= 0
        base = self.starts[i]
        return f"{self.sources[i]} chars {a - base}-{b - base}"


# A row's values: from the first value character (digit, sign, dash) on, digits, signs, dashes, decimals and amount
# units (万元 万 亿元 亿 元: any run of 万亿元), with the spaces between them. One character class: sre repeats it in a
# tight loop, an alternation a branch at a time.
_RUN = re.compile(r"[\d+\-−—–/／][\d\s+\-−—–/／.,万亿元]*")


# A printed row number ("2." before 其他法律…) just before a row's label keyword, which then starts the label.
_ORDINAL_BEFORE = {code: re.compile(rf"{n}\s*[.、]\s*[^\d]{{0,12}}$") for code, n in labels.ORDINALS.items()}


def _rows_in(text: _Text, table: str, codes: list[str], lo: int, hi: int) -> list[RowRead]:
    """The rows of `codes` found in order in text.s[lo:hi]: a row's values run from the first value character
    after its label keyword up to the next label."""
    s = text.s
    found: list[tuple[str, int, int, int]] = []  # (code, label start, keyword end, place in codes)
    pos = lo
    for i, code in enumerate(codes):
        m = labels.row_pattern(table, code).search(s, pos, hi)
        if m is None:
            continue
        start = m.start()
        ordinal = _ORDINAL_BEFORE.get(code)  # $ matches at `start`, as at the end of a slice ending there
        if ordinal is not None and (number := ordinal.search(s, found[-1][2] if found else lo, start)):
            start = number.start()
        pos = m.end()
        found.append((code, start, pos, i))
    rows = []
    nexts = [(start, i) for _, start, _, i in found[1:]] + [(hi, len(codes))]  # the next label: where, its place
    for (code, _, kw_end, place), (nxt, end) in zip(found, nexts, strict=False):  # one (hi, …) when none is found
        run = _RUN.search(s, kw_end, nxt)
        a, b = run.span() if run else (nxt, nxt)
        doubt = ""
        if text.grids or end > place + 1:  # most rows of most texts (crawled pages: no grids) have neither
            missing = codes[place + 1 : end]  # the rows not found after it
            last = a + len(s[a:b].rstrip())  # a run may end in spaces
            # the last row's run goes on to the table's end, which other tables' grids may come before (a PDF whose
            # table 二 has no rules, read from its text, and whose table 三 is ruled): those are passed over
            doubt = _grid_doubt(text, "the row's", "label", kw_end, a, last, nxt, "the next label" if nxt < hi else
                                "the end of the table's text", table if nxt >= hi else "")
            if not doubt and missing and a < b < len(s) and not _DIGIT.search(_CAPTION.sub("", s[last:nxt])):
                doubt = (f"the row after it ({', '.join(missing)}) is not found, and no digit stands between its values "
                         f"{s[a:b].strip()!r} and the next label: that row's label may be lost and its values in this "
                         "run")
        rows.append(from_fields(RowRead, (table, code, None, s[a:b].strip(), text.where(a, b), a < b == len(s), doubt)))
    return rows


_AFTER_TABLES = re.compile("|".join(labels.fuzzy(w) for w in labels.SECTION_AFTER_TABLES))
_HEADER_END = re.compile(r"总\s*计|合\s*计|审\s*结|起\s*诉")
_VALUES = re.compile(rf"[\d\-—–/／](?:[\d\s\-—–/／]|[{split.COMMAS}](?=\s*\d))*")  # a comma before a digit: 1,000 or 1,0
_UNIT_NEXT = re.compile(r"\s*[年月日号条件%]")  # after a run: a date or a count in a sentence, not table values
_PROACTIVE_START = re.compile(labels.PROACTIVE_START)
_REQUESTS_START = re.compile(labels.REQUESTS_START)
_REVIEW_ANCHOR = re.compile(labels.REVIEW_ANCHOR)


def _of_another_table(grid: Grid, table: str) -> bool:
    """The grid prints labels naming rows of another table, and none naming a row of `table`."""
    keys = [_label_key(c.text) for row in grid.rows for c in row if not values.is_value_text(c.text)]
    others = [t for t in TABLES if t != table]
    return not any(labels.row_code(table, k) for k in keys) and any(labels.row_code(t, k) for t in others for k in keys)


def _grid_doubt(text: _Text, who: str, head: str, lo: int, a: int, last: int, hi: int, after: str,
                table: str = "") -> str:
    """Why the values s[a:last], read from running text after a label or header ending at lo, may not be all there is:
    a grid printing digits stands between the two, among the values, or between them and hi (what `after` names; with
    `table`, a grid of another table is passed over there); else ""."""
    if not text.grids:  # most texts (crawled pages) hold none
        return ""
    run = " ".join(text.s[a:last].split())  # a run over two paragraphs: one line
    if grid := text.grid_between(lo, a):
        printed = f"its values {run!r}" if a < last else after
        return f"a grid printing digits ({grid}) stands between {who} {head} and {printed}: its values may be in it"
    if a < last and (grid := text.grid_between(a + 1, last - 1)):
        return f"a grid printing digits ({grid}) stands among {who} values {run!r}: a part of them may be in it"
    if a < last and (grid := text.grid_between(last, hi, table)):
        return (f"a grid printing digits ({grid}) stands between {who} values {run!r} and {after}: a part of them may "
                "be in it")
    return ""


def _review_run(text: _Text, lo: int) -> RowRead | None:
    """Table 四's values: the first run of values after its header, before section 五 begins.

    Numbers in a sentence between heading and table ("2021年我局未有…") are passed over. A grid printing digits
    between the header and the run, among its values, or between the run and section 五, may hold its values or a
    part of them: the run is read with that doubt.
    """
    s = text.s
    end = _AFTER_TABLES.search(s, lo)
    hi = end.start() if end else len(s)
    headers = list(_HEADER_END.finditer(s, lo, hi))
    start = headers[-1].end() if headers else lo
    for m in _VALUES.finditer(s, start, hi):
        if _UNIT_NEXT.match(s, m.end(), m.end() + 2):
            continue
        a, b = m.start(), m.end()
        last = a + len(m.group().rstrip())
        doubt = _grid_doubt(text, "table 四's", "header", start, a, last, hi, "what follows the table")
        return RowRead("review_litigation", "*", None, s[a:last].strip(), text.where(a, b), b == len(s), doubt)
    return None


def from_text(doc: Document, wanted: set[str]) -> Located:
    """Rows of the `wanted` tables found in running text, for the templates their headers print."""
    text = _Text(doc)
    s = text.s
    out = Located([], [], {})
    t2 = _PROACTIVE_START.search(s)
    t3_anchor = _REQUESTS_START.search(s, t2.end() if t2 else 0)
    t3 = labels.row_pattern("requests", "new_received").search(s, t3_anchor.start()) if t3_anchor else None
    t4 = _REVIEW_ANCHOR.search(s, t3.end() if t3 else (t2.end() if t2 else 0))
    if t2 and "proactive" in wanted:
        hi = t3_anchor.start() if t3_anchor else (t4.start() if t4 else len(s))
        out.table_text["proactive"] = labels.norm_of_spaced(s[t2.start() : hi])
        template = detect_proactive(out.table_text["proactive"])
        if template:
            out.templates["proactive"] = template
            codes = list(labels.PROACTIVE_COLUMNS[template])
            out.rows += _rows_in(text, "proactive", codes, t2.start(), hi)
    if t3 and "requests" in wanted:
        hi = t4.start() if t4 else len(s)
        out.table_text["requests"] = labels.norm_of_spaced(s[t3_anchor.start() : hi])
        template = out.templates["requests"] = detect_requests(out.table_text["requests"])
        out.rows += _rows_in(text, "requests", requests_rows(template), t3.start(), hi)
    if t4 and "review_litigation" in wanted:
        row = _review_run(text, t4.end())
        if row is not None:
            out.table_text["review_litigation"] = labels.norm_of_spaced(s[t4.start() : s.find(row.run, t4.end())])
            out.rows.append(row)
    return out


def detect_proactive(key: str) -> str | None:
    """The table-二 version from its printed column headers (templates.md §5)."""
    hits = {v: sum(m in key for m in ms) for v, ms in labels.PROACTIVE_MARKERS.items()}
    if not any(hits.values()):
        return None
    return max(hits, key=lambda v: (hits[v], v))


def detect_requests(key: str) -> str:
    """v2021 when the three （六） sub-rows are printed, else the single-row v2019 layout."""
    return "v2021" if any(m in key for m in labels.REQUESTS_V2021_MARKERS) else "v2019"


def requests_rows(template: str) -> list[str]:
    return codes("requests", "row", template)
