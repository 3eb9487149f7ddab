"""Section headings (一、总体情况 … 六、其他需要报告的事项), found in the normalised text, and the
sections they bound."""

from __future__ import annotations

import re

from .narrative_text import _Text

SECTION_CODES = ("overview", "proactive", "requests", "review_litigation", "problems", "other")

_HEADINGS = {  # the names of each section's heading: alternatives, each starting with a plain character
    "overview": ("总体情况", "总体概况", "总体概述", "概述"),
    "proactive": ("主动公开政府信息的?情况", "政府信息主动公开的?情况"),
    "requests": (
        "收到和处理政府信息公开申请的?情况",
        "政府信息依申请公开(?:工作|办理)?的?情况",
        "依申请公开政府信息的?情况",
    ),
    "review_litigation": tuple(
        f"{who}信息公开(?:工作)?被?(?:申请)?行政法?复议[、,，和与及]*(?:提起)?(?:行政)?诉讼的?情况"
        for who in ("因政府", "政府")
    ),
    "problems": tuple(
        f"{problems}(?:及|和|与)(?:改进|整改)的?(?:情况|措施)"
        for problems in (
            "政府信息公开(?:工作)?(?:存在的?)?(?:主要)?问题",
            "存在的?(?:主要)?问题",
            "主要问题",
            "问题",
        )
    ),
    "other": ("其[他它](?:需要|需)(?:报告|说明)的事项", "需要说明的其他事项(?:与附表)?"),
}
_ORDINAL_ONLY = {"other": ("附表", "政府信息公开情况统计表")}  # headings accepted only after an ordinal
# 二、主动公开… (one or two numerals, not after another or an opening bracket), or 一总体情况 right after a
# sentence when the 、 was lost (NFKC has made ． a .); the lookbehinds check the numeral with the one before it
_ORDINAL = r"[一二三四五六七八九十](?:(?<![(\[{一二三四五六七八九十][\s\S])[一二三四五六七八九十]?[、.]|(?<=[。)][一二三四五六七]))"


# every name of every section (those accepted only after an ordinal too) as a trie of the plain characters they start
# with, and a group for each name's rest: an alternation whose every branch starts with a literal lets a search skip
# ahead to those characters, and the characters names share are matched once (a text holds 政府信息 dozens of times).
# No two names of different sections overlap in any text, so one search finds what one search per section would;
# no name holds a numeral, so none found spans an ordinal, and the same search finds the names after an ordinal.
_NAMED = [(code, name) for code, names in _HEADINGS.items() for name in (*names, *_ORDINAL_ONLY.get(code, ()))]


def _trie(names: list[tuple[int, str]]) -> tuple[str, list[int]]:
    """(regex, indices): an alternation of the (index, regex) names (none with a | outside parentheses or a
    capturing group), the plain characters they start with matched once (a trie) and each name's rest a group, that
    tries the names that could match at a place in their given order; the indices are the names' in the order of
    their groups."""
    if any(not name or name[0] in "\\[](){}?*+|.^$" or name[1:2] in ("?", "*", "+", "{") for _, name in names):
        # a name that does not start with one plain character may match where any other does: all in their order
        return "|".join(f"({name})" for _, name in names), [k for k, _ in names]
    branches, order = [], []
    for first in dict.fromkeys(name[0] for _, name in names):  # names with another first character never match
        same = [(k, name[1:]) for k, name in names if name[0] == first]  # where these do: their order is kept
        rest, ks = _trie(same) if len(same) > 1 else (f"({same[0][1]})", [same[0][0]])
        branches.append(f"{first}(?:{rest})")
        order += ks
    return "|".join(branches), order


_NAMES_PATTERN, _NAME_ORDER = _trie(list(enumerate(name for _, name in _NAMED)))
_NAMES = re.compile(_NAMES_PATTERN)
_NAME_CODES = [_NAMED[k][0] for k in _NAME_ORDER]  # by group
_AFTER_ORDINAL_ONLY = {g for g, k in enumerate(_NAME_ORDER) if _NAMED[k][1] in _ORDINAL_ONLY.get(_NAMED[k][0], ())}
_ORDINAL_BEFORE = re.compile(rf"(?:{_ORDINAL})\Z")  # an ordinal that ends where the search ends
_ORDINAL_CHARS = 3  # the longest ordinal: two numerals and a mark (十二、)
_TABLE_START = re.compile(r"第二十条|信息内容|\(本列数据|\(有关情况附表|申请人情况|行政复议行政诉讼")


def _heading_candidates(t: _Text) -> list[tuple[int, int, str]]:
    """(start, end, code) in normalised text of every plausible section heading, in text order: a name after an
    ordinal (from the ordinal on), and one alone on its line or followed by a table."""
    s = t.s
    hits = []
    for m in _NAMES.finditer(s):
        a, b = m.span()
        k = m.lastindex - 1
        ordinal = _ORDINAL_BEFORE.search(s, max(a - _ORDINAL_CHARS, 0), a)
        if ordinal:
            hits.append((ordinal.start(), b, _NAME_CODES[k]))
        if k in _AFTER_ORDINAL_ONLY:
            continue
        alone = a in t.line_starts and (b in t.line_starts or b == len(s))
        if alone or _TABLE_START.match(s, b):
            hits.append((a, b, _NAME_CODES[k]))
    return sorted(hit for hit in hits if not _listed(s, hit[0], hit[1]))


def _listed(s: str, a: int, b: int) -> bool:
    """A name inside a list of the parts (…情况、主动公开政府信息情况、…)."""
    return (a > 0 and s[a - 1] in "、和及") or (b < len(s) and s[b] in "、")


def _section_bounds(t: _Text) -> list[tuple[str, int, int]]:
    """(code, heading start, heading end) in reading order, each code at most once."""
    chosen, last = [], -1
    candidates = _heading_candidates(t)
    for code in SECTION_CODES:
        hit = next(((a, b) for a, b, c in candidates if c == code and a > last), None)
        if hit:
            chosen.append((code, *hit))
            last = hit[1]
    return chosen


def _sections(t: _Text) -> tuple[list[dict], list[tuple[str, int, int]]]:
    bounds = _section_bounds(t)
    records, spans = [], []
    for k, (code, a, b) in enumerate(bounds):
        end_n = bounds[k + 1][1] if k + 1 < len(bounds) else len(t.s)
        start, end = t.offset(a), t.offset(end_n)
        records.append(
            dict(section=code, heading=t.orig(a, b), start=start, end=end, text=t.original[start:end])
        )
        spans.append((code, a, end_n))
    return records, spans
