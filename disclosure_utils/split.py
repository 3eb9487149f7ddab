"""Glued digit runs → every split into a row's cells that the reading rules allow.

Rules (templates.md §6.5): a number has no leading zero unless it is "0"; a sign only starts an
`items_change` cell; decimals and units only in `amount_yuan`; whitespace in the run is a cell
boundary; a dash or slash is one cell. Identities then choose between the candidates (tables.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

UNIT = r"(?:\s*(?:万元|万|亿元|亿|元))"  # amount units, as values.parse reads them
TOKEN = re.compile(rf"[+\-−]?\d+(?:\.\d+)?{UNIT}?|[—–/／]|(?<![\d])-(?![\d])")
_KIND = {
    "int": re.compile(r"0|[1-9]\d*"),
    "signed": re.compile(r"[+\-−]?(?:0|[1-9]\d*)"),
    "amount": re.compile(rf"(?:0|[1-9]\d*)(?:\.\d+)?{UNIT}?"),
}
DASHES = frozenset({"—", "–", "/", "／", "-"})
MAX_STEPS = 200_000


class TooManySplits(Exception):
    """The run admits more splits than can be enumerated; its cells stay ambiguous."""


def tokens(run: str) -> list[str]:
    """Value tokens of a run; everything else (labels, captions, junk) separates them."""
    return TOKEN.findall(run)


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
    after = [sum(map(len, toks[i + 1 :])) for i in range(len(toks))]  # characters after each token
    plain = [t.isascii() and t.isdigit() for t in toks]  # every kind reads these as "no leading zero"

    def rec(ti: int, ci: int, acc: tuple[str, ...]) -> None:
        nonlocal steps
        if ti == len(toks):
            if len(acc) == n:
                out.append(acc)
            return
        if len(acc) == n:
            return
        tok = toks[ti]
        if tok in DASHES:
            if prune is None or prune(acc + (tok,)):
                rec(ti + 1, 0, acc + (tok,))
            return
        steps += len(tok) - ci  # one step per cut point considered
        if steps > MAX_STEPS:
            raise TooManySplits
        left = n - len(acc) - 1  # cells still to fill after this one
        last = min(len(tok), len(tok) + after[ti] - left)  # each of them needs a character
        kind = None if plain[ti] else _KIND[kinds[len(acc)]]
        if kind is None and tok[ci] == "0":
            last = min(last, ci + 1)  # "0" is a cell; "07…" is not
        for end in range(ci + 1, last + 1):
            part = tok[ci:end]
            if kind is not None and not kind.fullmatch(part):
                continue
            done = end == len(tok)
            if left < len(toks) - ti - done:  # the remaining tokens need a cell each
                continue
            new = acc + (part,)
            if prune is not None and not prune(new):
                continue
            rec(ti + 1, 0, new) if done else rec(ti, end, new)

    rec(0, 0, ())
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
