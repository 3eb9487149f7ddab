"""Glued digit runs → every split into a row's cells that the reading rules allow.

Rules (templates.md §6.5): a number has no leading zero unless it is "0"; a sign only starts an
`items_change` cell; decimals and units only in `amount_yuan`; whitespace in the run is a cell
boundary; a dash or slash is one cell. A "-" glued before digits is a sign or a dash cell: both readings are
candidates. A comma between digits (, or ，) is a cell boundary or a thousands separator (1,064: a number whose
groups after the first are of three digits): both readings are candidates. Identities then choose between the
candidates (tables.py).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from typing import Any

from . import values

UNIT = r"(?:\s*(?:万元|万|亿元|亿|元))"  # amount units, as values.parse reads them
COMMAS = ",，"  # between digits: a cell boundary, or a thousands separator
WITHOUT_COMMAS = str.maketrans("", "", COMMAS)  # for str.translate: 1,064 → 1064
TOKEN = re.compile(rf"[+\-−]?\d+(?:[{COMMAS}]\d+)*(?:\.\d+)?{UNIT}?|[—–/／\-−]")
_APART = re.compile(rf"[+\-−]?\d+(?:\.\d+)?{UNIT}?|[—–/／\-−]")  # values with every comma a boundary
_THOUSANDS = re.compile(rf"(?<=\d)[{COMMAS}](?=\d{{3}})")  # a comma that may separate thousands
_WHOLE = rf"(?:0|[1-9]\d*|[1-9]\d{{0,2}}(?:[{COMMAS}]\d{{3}})+)"  # no leading zero; thousands grouped by three
_KIND = {
    "int": re.compile(_WHOLE),
    "signed": re.compile(rf"[+\-−]?{_WHOLE}"),
    "amount": re.compile(rf"{_WHOLE}(?:\.\d+)?{UNIT}?"),
}
DASHES = frozenset({"—", "–", "/", "／", "-", "−"})
_MINUS = ("-", "−")  # a sign, or a dash cell, when glued before digits
MAX_STEPS = 200_000
CACHE_BUDGET = 20_000  # candidates the caches of splits (`cached`) hold in all: a few MB at most


class TooManySplits(Exception):
    """The run admits more splits than can be enumerated; its cells stay ambiguous."""


def cached(size: Callable[[Any], int]) -> Callable:
    """Memoise a function of glued runs whose results hold `size(result)` candidates, up to CACHE_BUDGET of them
    in all: when a result would pass it, the cache is emptied first, and a larger result is not kept. (A run's
    splits can number tens of thousands; most runs have one, and a report prints the same runs many times.)"""

    def decorate(fn: Callable) -> Callable:
        store: dict = {}
        held = 0

        @functools.wraps(fn)
        def memoised(*args):
            nonlocal held
            result = store.get(args, store)  # the store itself marks a miss: one lookup, one hash of the args
            if result is not store:
                return result
            result = fn(*args)
            n = max(size(result), 1)
            if n <= CACHE_BUDGET:
                if held + n > CACHE_BUDGET:
                    store.clear()
                    held = 0
                store[args] = result
                held += n
            return result

        def cache_clear() -> None:
            nonlocal held
            store.clear()
            held = 0

        memoised.cache_clear = cache_clear
        return memoised

    return decorate


def tokens(run: str) -> list[str]:
    """Value tokens of a run; everything else (labels, captions, junk) separates them."""
    words = run.split()
    digits = "".join(words)
    if digits.isdigit() and digits.isascii():  # most runs: ASCII digits and spaces, whose tokens are the words
        return words
    return TOKEN.findall(run)


def fewest_values(run: str, toks: Sequence[str]) -> int:
    """The fewest values a run may print apart: its tokens with every comma between digits a boundary, less the
    commas that may separate thousands (three digits or more after them). `toks`: its tokens, as many as that in a
    run without commas (most runs)."""
    if not any(map(run.__contains__, COMMAS)):
        return len(toks)
    return len(_APART.findall(run)) - len(_THOUSANDS.findall(run))


def holds_several(raws: Sequence[str]) -> bool:
    """A cell of these holds several values ("258 1"); "1,209,500元" is one (an amount), though its commas make
    three tokens. Cells of ASCII digits or nothing (most rows) hold one value at most: told at once for the row."""
    printed = "".join(raws)
    return not (printed.isdigit() and printed.isascii() or not printed) and any(
        values.parse(raw)[1] == "text" and len(_APART.findall(values.clean(raw))) > 1  # 258,12: may be two
        and values.parse(raw, amount_unit="")[1] == "text" for raw in raws)


def candidates(
    toks: list[str],
    kinds: Sequence[str],
    *,
    prune: Callable[[tuple[str, ...]], bool] | None = None,
) -> list[tuple[str, ...]]:
    """Every way to cut `toks` into len(kinds) cells, in order.

    `prune(prefix)` is called each time a cell is added and may reject the partial split.
    Raises TooManySplits past MAX_STEPS steps.
    """
    n = len(kinds)
    simple = _one_per_cell(toks, kinds)
    if simple is not None:
        if not simple or prune is None:
            return simple
        return simple if all(prune(simple[0][:i]) for i in range(1, n + 1)) else []
    out: list[tuple[str, ...]] = []
    steps = 0
    count = len(toks)
    lengths = list(map(len, toks))
    after = [sum(lengths[i + 1 :]) for i in range(count)]  # characters after each token
    plain = [t.isascii() and t.isdigit() for t in toks]  # every kind reads these as "no leading zero"

    def rec(ti: int, ci: int, acc: tuple[str, ...], m: int) -> None:  # m cells made, in acc
        nonlocal steps
        if ti == count:
            if m == n:
                out.append(acc)
            return
        if m == n:
            return
        tok = toks[ti]
        if tok in DASHES:
            new = acc + (tok,)
            if prune is None or prune(new):
                rec(ti + 1, 0, new, m + 1)
            return
        if ci == 0 and tok[0] in _MINUS and m + 1 < n:  # "-29": also a dash cell, then 29
            new = acc + (tok[0],)
            if prune is None or prune(new):
                rec(ti, 1, new, m + 1)
        size = lengths[ti]
        steps += size - ci  # one step per cut point considered
        if steps > MAX_STEPS:
            raise TooManySplits
        left = n - m - 1  # cells still to fill after this one
        # each of them needs a character (conditionals, not min(): a builtin call costs more, here at every step)
        last = size if after[ti] >= left else size + after[ti] - left
        kind = None if plain[ti] else _KIND[kinds[m]]
        if kind is None and tok[ci] == "0" and last > ci + 1:
            last = ci + 1  # "0" is a cell; "07…" is not
        rest = count - ti  # this token and those after it each need a cell of their own
        if left >= rest:
            ends = range(ci + 1, last + 1)
        else:  # too few cells left for another cut in this token: only its end may close this cell
            ends = (size,) if left == rest - 1 and last == size else ()
        for end in ends:
            part = tok[ci:end]
            if kind is not None and not kind.fullmatch(part):
                continue
            new = acc + (part,)
            if prune is not None and not prune(new):
                continue
            if end == size:
                rec(ti + 1, 0, new, m + 1)
            else:  # a comma the cell ends at is a boundary: the next cell starts after it
                rec(ti, end + 1 if tok[end] in COMMAS else end, new, m + 1)

    rec(0, 0, (), 0)
    return out


def _one_per_cell(toks: list[str], kinds: Sequence[str]) -> list[tuple[str, ...]] | None:
    """The only split when there is one token per cell, or one plain digit per cell; else None."""
    n = len(kinds)
    if len(toks) == n:
        parts = tuple(toks)
    elif len(joined := "".join(toks)) == n and joined.isdigit():
        if joined.isascii():
            return [tuple(joined)]  # one ASCII digit per cell: every kind reads it
        parts = tuple(joined)
    else:
        return None
    ok = all(p in DASHES or _KIND[k].fullmatch(p) for p, k in zip(parts, kinds, strict=True))
    return [parts] if ok else []
