"""Glued digit runs → every split into a row's cells that the reading rules allow.

Rules (templates.md §6.5): a number has no leading zero unless it is "0"; a sign only starts an
`items_change` cell; decimals and units only in `amount_yuan`; whitespace in the run is a cell
boundary; a dash or slash is one cell. Identities then choose between the candidates (tables.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

TOKEN = re.compile(r"[+\-−]?\d+(?:\.\d+)?(?:万元|万|亿元|元)?|[—–/／]|(?<![\d])-(?![\d])")
_INT = re.compile(r"0|[1-9]\d*")
_SIGNED = re.compile(r"[+\-−]?(?:0|[1-9]\d*)")
_AMOUNT = re.compile(r"(?:0|[1-9]\d*)(?:\.\d+)?(?:万元|万|亿元|元)?")
_KIND = {"int": _INT, "signed": _SIGNED, "amount": _AMOUNT}
MAX_STEPS = 200_000


class TooManySplits(Exception):
    """The run admits more splits than can be enumerated; its cells stay ambiguous."""


def tokens(run: str) -> list[str]:
    """Value tokens of a run; everything else (labels, captions, junk) separates them."""
    return TOKEN.findall(run)


DASHES = frozenset({"—", "–", "/", "／", "-"})


def _valid(part: str, kind: str, whole: bool) -> bool:
    if part in DASHES:
        return whole  # a dash is a cell of its own, never a piece cut from a number
    return bool(_KIND[kind].fullmatch(part))


def candidates(
    toks: list[str],
    kinds: list[str],
    *,
    accept: Callable[[tuple[str, ...]], bool] | None = None,
    prune: Callable[[tuple[str, ...]], bool] | None = None,
) -> list[tuple[str, ...]]:
    """Every way to cut `toks` into len(kinds) cells, in order; `accept` filters whole splits and
    `prune(prefix)` may reject a partial split early. Raises TooManySplits past MAX_STEPS."""
    n = len(kinds)
    out: list[tuple[str, ...]] = []
    steps = 0

    def parts_of(tok: str, first: int, count: int, first_cut: bool = True) -> Iterator[tuple[str, ...]]:
        # all cuts of tok into `count` valid parts for kinds[first:first+count]
        if count == 1:
            if _valid(tok, kinds[first], whole=first_cut):
                yield (tok,)
            return
        for i in range(1, len(tok)):
            head = tok[:i]
            if _valid(head, kinds[first], whole=False):
                for rest in parts_of(tok[i:], first + 1, count - 1, first_cut=False):
                    yield (head, *rest)

    def rec(ti: int, acc: tuple[str, ...]) -> None:
        nonlocal steps
        steps += 1
        if steps > MAX_STEPS:
            raise TooManySplits
        if prune is not None and acc and not prune(acc):
            return
        if ti == len(toks):
            if len(acc) == n and (accept is None or accept(acc)):
                out.append(acc)
            return
        room = n - len(acc) - (len(toks) - ti - 1)
        for count in range(1, min(room, len(toks[ti])) + 1):
            for parts in parts_of(toks[ti], len(acc), count):
                rec(ti + 1, acc + parts)

    rec(0, ())
    return out
