"""The text the narrative is read in: `doc.text()` with whitespace removed and NFKC applied, with the way
back to the original offsets and the spans of grid blocks, and its splitting into sentences and clauses."""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache, partial
from itertools import accumulate, pairwise

from . import charscan
from .document import Block, Document, Grid, block_text

_KEEP = set("，")  # kept as printed so that "1,235" (ASCII comma) stays distinguishable from a clause break
# the non-space characters NFKC may change (ASCII, CJK ideographs and common marks never change), marked for a
# whole text at once (charscan); characters past the BMP are always looked at
_MAY_CHANGE = charscan.Marks(r"[^\s\x21-\x7e\u4e00-\u9fff，、。“”《》]")


@dataclass
class _Text:
    """`doc.text()` with whitespace removed and NFKC applied, and the way back to original offsets.

    s is cut into segments: s[at[k]:at[k + 1]] stands for the original text from offset origin[k] on, one
    character for one (each character of an NFKC expansion such as ⑩ → 10 is a segment of its own); at ends
    with len(s).
    """

    original: str
    s: str
    at: list[int]
    origin: list[int]
    line_starts: set[int]  # indices of s that follow a line break in the original
    grids: list[tuple[int, int]]  # spans of s that come from grid blocks

    def offset(self, i: int) -> int:
        """Original offset of s[i] (len(original) for i == len(s))."""
        if i == len(self.s):
            return len(self.original)
        k = bisect_right(self.at, i) - 1
        return self.origin[k] + i - self.at[k]

    def indices(self, offsets: Iterable[int]) -> list[int]:
        """The first index of s whose original offset is p or more, for each offset p that is not inside a
        segment (whitespace, or where a segment starts)."""
        return list(map(self.at.__getitem__, map(partial(bisect_left, self.origin), offsets)))

    def span(self, i: int, j: int) -> tuple[int, int]:
        """Original offsets of s[i:j]."""
        return self.offset(i), self.offset(j - 1) + 1

    def orig(self, i: int, j: int) -> str:
        a, b = self.span(i, j)
        return self.original[a:b]

    def in_grid(self, a: int, b: int) -> bool:
        """Some character of s[a:b] comes from a grid block."""
        return any(x < b and a < y for x, y in self.grids)


def _grid_spans(blocks: list[Block], texts: list[str]) -> list[tuple[int, int]]:
    """Offsets of grid blocks in `doc.text()`, from the printed blocks and their texts (joined by newlines)."""
    spans, at = [], 0
    for block, text in zip(blocks, texts, strict=True):
        if isinstance(block, Grid):
            spans.append((at, at + len(text)))
        at += len(text) + 1
    return spans


@cache
def _replacement(c: str) -> str:
    """What a non-space character becomes in the normalised text: its NFKC form without spaces."""
    return c if c in _KEEP else "".join(n for n in unicodedata.normalize("NFKC", c) if not n.isspace())


def _normalise(doc: Document) -> _Text:
    blocks = doc.printed
    texts = list(map(block_text, blocks))
    text = "\n".join(texts)
    pieces = text.split()
    origin, end = [], 0
    for piece in pieces:
        end = text.find(piece[0], end)  # only whitespace lies before it: its first character is found first
        origin.append(end)
        end += len(piece)
    s = "".join(pieces)
    at = list(accumulate(map(len, pieces), initial=0))
    cps = charscan.codepoints(s)
    odd = set(cps[_MAY_CHANGE.of(cps) != 0].tolist())
    changed = {c: r for c in map(chr, odd) if (r := _replacement(c)) != c}
    if any(len(r) != 1 for r in changed.values()):
        s, at, origin = _expand(_Text(text, s, at, origin, set(), []), changed)
    else:
        for c, r in changed.items():
            s = s.replace(c, r)
    t = _Text(text, s, at, origin, set(), [])
    t.line_starts = {0, *t.indices(_find_all(text, "\n")), *t.indices(_find_all(text, "\r"))}
    t.grids = [(x, y) for x, y in map(t.indices, _grid_spans(blocks, texts)) if x < y]
    return t


def _expand(t: _Text, changed: dict[str, str]) -> tuple[str, list[int], list[int]]:
    """s, segment starts and origins once the characters NFKC makes longer or shorter are replaced."""
    chars, origin = [], []
    for i, c in enumerate(t.s):
        r = changed.get(c, c)
        chars.append(r)
        origin += [t.offset(i)] * len(r)
    return "".join(chars), list(range(len(origin) + 1)), origin


def _find_all(text: str, sub: str, start: int = 0, end: int | None = None) -> Iterator[int]:
    """Offsets of every occurrence of `sub` in `text[start:end]` (str.find is far faster than a regex)."""
    i = text.find(sub, start, end)
    while i >= 0:
        yield i
        i = text.find(sub, i + 1, end)


_SENTENCE_MARKS = re.compile("[。!?“”《》]")  # separators and quotes, for `_sentence_at`
_CLAUSE_MARKS = re.compile("[,，;:“”《》]")
_QUOTES = {"“": 1, "《": 1, "”": -1, "》": -1}
_THOUSANDS = re.compile(r"\d{3}(?!\d)")


def _clauses(s: str, a: int, b: int) -> list[tuple[int, int]]:
    """Pieces of s[a:b] ending at a ,，;: outside “…” and 《…》 (not the comma of 1,235)."""
    ends = _quoted_ends(s, a, b, _CLAUSE_MARKS)
    if (ends[-1] if ends else a) < b:
        ends.append(b)
    return list(pairwise([a, *ends]))


def _sentence_at(s: str, a: int, b: int, i: int, boundaries: Sequence[int], marks: bool) -> tuple[int, int]:
    """The sentence of s[a:b] that holds index i, found from i alone. Sentences end after a 。 (quoted or not: it closes
    every quote), before a boundary index (`boundaries` is sorted) and after a !? outside “…” and 《…》, looked for only
    when `marks` (s[a:b] holds a !?)."""
    x = s.rfind("。", a, i) + 1 or a  # the stretch between two 。 that holds i
    y = s.find("。", i, b)
    start, end = x, y + 1
    if y < 0:
        y = end = b
    k = bisect_right(boundaries, i)
    if k and boundaries[k - 1] > start:
        start = boundaries[k - 1]
    if k < len(boundaries) and boundaries[k] < end:
        end = boundaries[k]
    if marks and (s.find("!", start, end) >= 0 or s.find("?", start, end) >= 0):
        for e in _quoted_ends(s, x, y, _SENTENCE_MARKS):  # quotes are followed from the stretch's start
            if start < e <= i:
                start = e
            elif i < e < end:
                end = e
    return start, end


def _quoted_ends(s: str, a: int, b: int, marks: re.Pattern) -> list[int]:
    """The ends of the pieces of s[a:b] that `marks` cuts, following “…” and 《…》 from depth 0 (for sentences, s[a:b]
    holds no 。)."""
    ends, depth = [], 0
    for m in marks.finditer(s, a, b):
        i = m.start()
        ch = s[i]
        if ch in _QUOTES:
            depth = max(depth + _QUOTES[ch], 0)
            continue
        thousands = ch == "," and s[i - 1 : i].isdigit() and _THOUSANDS.match(s, i + 1)
        if not thousands and depth == 0:
            ends.append(i + 1)
    return ends
