"""Where characters of a few classes stand in a text, all classes at once.

A regex that starts with a character class tests it one character at a time: about 15 ns a character of CJK
text, so a scan of a whole report costs tens of µs. A table lookup over the text's code points (NumPy) marks
every class in a few µs; the marks pick the few places a pattern can start, and the pattern, matched there,
decides.
"""

from __future__ import annotations

import re

import numpy as np

_LAST = 0x10FFFF
_BMP = "".join(map(chr, range(0x10000)))  # lone surrogates included: a class may hold them


def codepoints(s: str) -> np.ndarray:
    """The code points of s (lone surrogates included)."""
    return np.frombuffer(s.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


class Marks:
    """A bit per regex character class (at most 8), looked up for every character of a text at once.

    Characters past the BMP carry every bit, so a place next to one is always tried."""

    def __init__(self, *classes: str):
        self.table = np.zeros(_LAST + 1, dtype=np.uint8)
        for k, cls in enumerate(classes):
            self.table[[ord(m[0]) for m in re.finditer(cls, _BMP)]] |= 1 << k
        self.table[0x10000:] = (1 << len(classes)) - 1

    def of(self, cps: np.ndarray) -> np.ndarray:
        """The bits of each character (of `codepoints`): bit k for the k-th class."""
        return self.table.take(cps)
