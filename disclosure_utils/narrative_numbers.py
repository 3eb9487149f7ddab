"""Numbers as printed (1.18万, 160多万, 三十二, 1,235) and the counts the narrative states: a number with its
unit or 万/亿 multiplier, not a share, an ordinal or a number inside 《》."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from typing import NamedTuple

from . import charscan
from .document import from_fields

_CN_DIGITS = dict(zip("零〇一二两三四五六七八九", (0, 0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9), strict=True))
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
UNITS = ("人次", "篇次", "条次", "场次", "万元", "条", "件", "次", "人", "个", "篇", "期", "场", "项", "起", "家", "户",
         "名", "份", "元", "宗", "位")  # fmt: skip
_QTY = re.compile(
    r"(?=[\d零〇一二两三四五六七八九十百千超突接将大近约逾])"  # the first character, so that a search skips ahead fast
    r"(?P<pre>超过|突破|接近|将近|大约|超|近|约|逾)?"
    r"(?P<num>(?<![\d.,])\d+(?:,\d{3})+(?![\d,])(?:\.\d+)?|(?<![\d.,])\d+(?:\.\d+)?"
    r"|(?<![零〇一二两三四五六七八九十百千第])[零〇一二两三四五六七八九十百千]+)"
    r"(?P<mid>余|多)?(?P<mult>万|亿)?(?P<post>余|多|以上)?"
    rf"(?P<unit>{'|'.join(UNITS)})?"
)
_MULTIPLIERS = {"万": 10**4, "亿": 10**8, None: 1}
_NOT_A_COUNT = re.compile(
    r"[%‰]|百分点|(?:方面|领域|类|大类|工作日|部门|单位|批次|小时|分钟|季度|月|周|天|年|岁)"
)


def cn_number(text: str) -> int | None:
    """Chinese numerals of two or more characters with 十/百/千 (三十二 → 32, 一百零五 → 105), else None."""
    if len(text) < 2 or not any(u in text for u in _CN_UNITS):
        return None
    total, digit = 0, None
    for ch in text:
        if ch in _CN_DIGITS:
            if digit is not None and _CN_DIGITS[ch] != 0:
                return None  # two digits in a row (一二)
            digit = _CN_DIGITS[ch] or None
        else:
            total += (digit if digit is not None else 1) * _CN_UNITS[ch]
            digit = None
    return total + (digit or 0)


def parse_number(raw: str) -> tuple[float, bool] | None:
    """(value, approx) of a number as printed: 1.18万 → 11800, 160多万 → 1600000 (approx), 三十二 → 32."""
    m = _QTY.fullmatch(unicodedata.normalize("NFKC", re.sub(r"\s+", "", raw)))
    if not m or m["unit"]:
        return None
    return _number(*m.groups()[:5])


def _number(pre: str | None, num: str, mid: str | None, mult: str | None, post: str | None) -> tuple[float, bool] | None:
    """(value, approx) of the parts of a `_QTY` match."""
    num = num.replace(",", "")
    if not num[0].isdigit():
        value = cn_number(num)
        if value is None:
            return None
    else:  # a decimal as a Decimal (1.18万 is 11800, exactly); a whole number of up to 15 digits as an int, faster
        value = int(num) if len(num) <= 15 and "." not in num else Decimal(num)
    return float(value * _MULTIPLIERS[mult]), bool(pre or mid or post)


class _Qty(NamedTuple):
    a: int  # number span in normalised text (approximation markers and multiplier included)
    b: int
    unit: str
    value: float
    approx: bool
    end: int  # end of the unit


# the last digit of a number with a unit or multiplier after it: every count has one
_NUMERAL = r"[\d零〇一二两三四五六七八九十百千]"
_AFTER_NUMERAL = rf"[余多万亿以{''.join(sorted({u[0] for u in UNITS}))}]"
_COUNT_HINT = re.compile(rf"{_NUMERAL}(?={_AFTER_NUMERAL})(?:余|多)?(?:[万亿]|(?:余|多|以上)?(?:{'|'.join(UNITS)}))")
_HINT_MARKS = charscan.Marks(_NUMERAL, _AFTER_NUMERAL)  # bits 1 and 2: a mark >> 1 is 0 or 1


def count_hints(s: str) -> list[int]:
    """Where `_COUNT_HINT` matches in s: each numeral before what may follow it, marked for the whole text at once
    (`charscan`), confirmed by the pattern. A match holds no numeral after its first character, so none starts
    inside another: each place is matched on its own."""
    marks = _HINT_MARKS.of(charscan.codepoints(s))
    match = _COUNT_HINT.match
    return [i for i in (marks[:-1] & (marks[1:] >> 1)).nonzero()[0].tolist() if match(s, i) is not None]


_TITLE = re.compile(r"《[^《》]*》")


def _quantities(s: str, a: int, b: int) -> list[_Qty]:
    """Counts stated in s[a:b]: a number with a unit (or a 万/亿 multiplier), not a share or ordinal."""
    out, titles = [], None
    for m in _QTY.finditer(s, a, b):
        pre, num, mid, mult, post, unit = m.groups()  # most matches are bare numerals (一 of 进一步): no unit
        if not (unit or mult):
            continue
        if titles is None:  # looked for only in a clause with a 《
            titles = [t.span() for t in _TITLE.finditer(s, a, b)] if s.find("《", a, b) >= 0 else []
        if titles and any(x < m.start("num") < y for x, y in titles):
            continue
        start, end = m.span()
        if (start and s[start - 1] in "第-~—") or _NOT_A_COUNT.match(s, end):
            continue
        parsed = _number(pre, num, mid, mult, post)
        if parsed is not None:
            out.append(from_fields(_Qty, (start, m.start("unit") if unit else end, unit or "", *parsed, end)))
    return out
