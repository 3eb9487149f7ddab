"""Label normalisation and the one alias table: printed labels → codebook codes.

Every variant of a printed row, column, caption or template marker that the
reader knows lives here and nowhere else. Keys are matched on normalised text
(`norm`): full-width folded, no whitespace, brackets unified to ``()``, quotes dropped,
row numbers written ``1.``.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from . import charscan
from .codebook import codes

# Full-width ASCII → ASCII, odd spaces → space, every bracket → ( ): what NFKC does to report text.
# A regex over the few characters that change (NFKC is ~10x slower on a whole report, str.translate ~4x).
_FOLD = {chr(cp): chr(cp - 0xFEE0) for cp in range(0xFF01, 0xFF5F)}
_FOLD.update(dict.fromkeys("\u3000\xa0\u2002\u2003\u2009", " "))
_FOLD.update(dict.fromkeys("〔【[（", "(") | dict.fromkeys("〕】]）", ")"))
_FOLDED = re.compile("[" + "".join(map(re.escape, _FOLD)) + "]")
# The commonest of them in reports, replaced first by str.replace (a C scan each); only characters whose
# replacement is not itself folded, so the result is the one-pass fold all the same.
_COMMON = tuple(c for c in "，（）：；〔〕\u3000" if _FOLD[c] not in _FOLD)
_QUOTES = "\"'“”‘’「」『』"
_QUOTE = re.compile(f"[{re.escape(_QUOTES)}]")
# A row number's mark after a lone digit ("3、", "3．"): written "3.". Applied to folded text, where "．" is
# already ".", so only "、" is left to rewrite: a literal first, so the search skips ahead to it (a character
# class first is tried at every character), and the lone digit checked behind it.
_ORDINAL = re.compile(r"、(?<=(?<![\d.])\d、)")


# From this length, whether any of the others is left is told faster by a table lookup over the code points
# (charscan) than by the regex, which tests each character in turn; most reports have none left.
_LONG = 256
_FOLDED_MARKS = charscan.Marks(_FOLDED.pattern)


def fold(text: str) -> str:
    """Full-width letters, digits and punctuation to ASCII, odd spaces to spaces, brackets to ( )."""
    if text.isascii() and "[" not in text and "]" not in text:
        return text
    for c in _COMMON:
        if c in text:
            text = text.replace(c, _FOLD[c])
    if len(text) >= _LONG and not _FOLDED_MARKS.of(charscan.codepoints(text)).any():
        return text
    return _FOLDED.sub(_folded_char, text)


def _folded_char(m: re.Match) -> str:
    return _FOLD[m[0]]


def norm(text: str) -> str:
    """Normalise a label for matching: width folded, whitespace removed, brackets and ordinals unified."""
    return _ORDINAL.sub(".", _unquoted("".join(fold(text).split())))


def norm_of_spaced(spaced: str) -> str:
    """`norm` of text that `norm_spaced` (or `norm`) gave, without folding it again: it is folded and unquoted but
    for "[" and "]", which "［" and "］" fold to and `norm` folds once more, to "(" and ")"."""
    return _ORDINAL.sub(".", "".join(spaced.split()).replace("[", "(").replace("]", ")"))


def norm_spaced(text: str) -> str:
    """Like `norm` but keeps runs of whitespace as one space (they separate glued values)."""
    text = _unquoted(fold(text))
    out = " ".join(text.split())  # str.split and the regex \s agree on what whitespace is
    if not out:
        return " " if text else ""
    return (" " if text[0].isspace() else "") + out + (" " if text[-1].isspace() else "")


def _unquoted(text: str) -> str:
    if len(text) < _LONG and _QUOTE.search(text) is None:  # a label: one search, not a scan for each quote
        return text
    for quote in _QUOTES:
        if quote in text:
            text = text.replace(quote, "")
    return text


def any_of(words) -> re.Pattern:
    """A regex that finds a text holding any of `words` (one search, not a loop over them)."""
    return re.compile("|".join(map(re.escape, words)))


def fuzzy(literal: str) -> str:
    """A regex for `literal` that tolerates whitespace between its characters."""
    return r"\s*".join(re.escape(ch) for ch in literal)


# --- template markers (templates.md §5): decide the version per table from printed labels ---------------
PROACTIVE_MARKERS = {
    "v2019": ("本年新制作数量", "对外公开总数量", "上一年项目数量", "其他对外管理服务事项", "政府集中采购", "采购总金额", "本年新公开数量"),
    "v2021": ("本年制发件数", "本年废止件数", "现行有效件数", "先行有效件数", "本年处理决定数量", "本年收费金额"),
}
REQUESTS_V2021_MARKERS = ("逾期不补正", "收费通知", "缴纳费用")
PRE2019_MARKERS = ("同意公开答复", "否决公开答复", "非《条例》所指政府信息", "信息不存在", "咨询处理", "收费及减免", "概述", "指标名称")

# --- table anchors ----------------------------------------------------------------------------------
PROACTIVE_START = fuzzy("第二十条第") + r"\s*\(?\s*一\s*\)?\s*" + fuzzy("项")
CAPTION = r"第\s*(?:二\s*十|20)\s*条\s*第?\s*\(?\s*[一二三四五六七八九\d]\s*\)?\s*项"
FEE_IN_YUAN = re.compile(r"单位:?元")  # a v2021 fee header printed in 元 instead of the template's 万元
REQUESTS_HEADER = ("申请人情况", "勾稽关系", "钩稽关系", "自然人")  # words that open table 三
REQUESTS_START = "|".join(fuzzy(s) for s in REQUESTS_HEADER)
REVIEW_HEADER = ("行政复议", "行政诉讼")  # words that open table 四
# Column headers in the template's order (regex per column, on `norm` text): a table that prints them in
# another order is not read by position.
HEADER_ORDER = {
    "requests": ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构"),
    "review_litigation": ("结果维持", "结果纠正", "其他结果", "尚未审结"),
    "proactive": ("新制作数量|制发件数", "(?:新|本年)公开数量|废止件数", "公开总数量|有效件数"),
}
REVIEW_ANCHOR = fuzzy("行政复议") + r"[^\d]{0,60}?" + fuzzy("行政诉讼")
SECTION_AFTER_TABLES = ("存在的主要问题", "主要问题", "改进情况", "改进措施", "其他需要报告")

# --- rows: (code, keywords found anywhere in the label, labels that must match exactly) -------------
# Order matters: the first row whose alias matches wins, so specific aliases come first.
PROACTIVE_ROWS = (
    ("rules", ("规章",), ()),
    ("normative_docs", ("规范性文件", "規範性檔案"), ()),
    ("other_external_services", ("其他对外管理服务事项", "对外管理服务"), ()),
    ("admin_license", ("行政许可",), ()),
    ("admin_penalty", ("行政处罚",), ()),
    ("admin_coercion", ("行政强制",), ()),
    ("admin_fees", ("行政事业性收费",), ()),
    ("central_procurement", ("政府集中采购", "集中采购"), ()),
)
REQUESTS_ROWS = (
    ("new_received", ("本年新收",), ()),
    ("carried_in", ("上年结转",), ()),
    ("carried_out", ("结转下年", "下年度继续办理"), ()),
    ("partially_granted", ("部分公开",), ()),
    ("denied_state_secret", ("国家秘密",), ()),
    ("denied_law_prohibited", ("法律行政法规禁止", "禁止公开"), ()),
    ("denied_security_stability", ("三安全一稳定", "危及"), ()),
    ("denied_third_party", ("第三方",), ()),
    ("denied_internal_affairs", ("内部事务",), ()),
    ("denied_process_info", ("过程性",), ()),
    ("denied_enforcement_file", ("执法案卷",), ()),
    ("denied_admin_query", ("行政查询",), ()),
    ("unable_not_held", ("不掌握",), ()),
    ("unable_needs_creation", ("另行制作", "没有现成"), ()),
    ("unable_unclear", ("仍不明确", "补正后"), ()),
    ("not_processed_complaint", ("信访", "举报投诉"), ()),
    ("not_processed_repeat", ("重复申请",), ()),
    ("not_processed_publication", ("公开出版物",), ()),
    ("not_processed_excessive", ("大量反复",), ()),
    ("not_processed_confirm", ("重新出具", "确认或"), ()),
    ("other_overdue_correction", ("逾期不补正",), ()),
    ("other_unpaid_fee", ("收费通知", "缴纳费用"), ()),
    ("other_other", (), ("3.其他", "其他")),
    ("other_disposition", ("其他处理",), ()),
    ("disposition_total", ("(七)总计", "(七)合计"), ("总计", "合计")),
    ("granted", ("予以公开",), ()),
)
REVIEW_ROWS = (
    ("litigation_after_review", ("复议后起诉",), ()),
    ("litigation_direct", ("未经复议", "直接起诉"), ()),
    ("review", ("行政复议",), ()),
)
ROWS = {"proactive": PROACTIVE_ROWS, "requests": REQUESTS_ROWS, "review_litigation": REVIEW_ROWS}

# Parent labels and notes that carry no cells of their own: removed before matching a row label.
PARENTS = re.compile(r"三\.?、?本年度办理结果|\((?:三|四|五|六)\)(?:不予公开|无法提供|不予处理|其他处理)(?=\d\.)")
_NOTE = re.compile(r"\((?![一二三四五六七八九十]\))[^()]{3,}\)")


def strip_notes(label: str) -> str:
    """Drop parenthesised notes (e.g. ``(区分处理的,只计这一情形…)``) but keep ordinals like ``(一)``."""
    return _NOTE.sub("", label)


_KEYWORDS = {table: any_of(k for _, keywords, _ in rows for k in keywords) for table, rows in ROWS.items()}
# each table's rows as (rank, code) by exact label, the first row's kept, and as (keyword, rank, code) in row order
_EXACT = {table: {e: (rank, code) for rank, (code, _, exact) in reversed([*enumerate(rows)]) for e in exact}
          for table, rows in ROWS.items()}
_KEYWORD_ROWS = {table: tuple((k, rank, code) for rank, (code, keywords, _) in enumerate(rows) for k in keywords)
                 for table, rows in ROWS.items()}


@lru_cache(maxsize=1024)  # few entries: a label may be long (a DOCX layout table's cell)
def row_code(table: str, key: str) -> str | None:
    """The row code for a label of `table` normalised by `norm`, or None when no alias matches (cached: a corpus
    prints the same template labels again and again)."""
    full = PARENTS.sub("", key)
    for key in (strip_notes(full), full):  # a note may be the label itself: 行政诉讼（复议后起诉）
        if not key:
            continue
        exact = _EXACT[table].get(key)
        if exact is None and not _KEYWORDS[table].search(key):
            continue  # no alias of the table's rows is in it: told by one search instead of the loop below
        limit = len(ROWS[table]) if exact is None else exact[0]  # a row printed exactly wins over those after it
        for keyword, rank, code in _KEYWORD_ROWS[table]:  # one loop over the keywords, in row order
            if rank >= limit:
                break
            if keyword in key:
                return code
        if exact is not None:
            return exact[1]
    return None


@cache
def row_pattern(table: str, code: str) -> re.Pattern:
    """A compiled regex locating the row's label in running (glued) text.

    Bare two-character labels ("其他", "总计") are left out: in running text they also occur inside
    notes (不计其他情形) and headers; "3.其他" is matched with its number.
    """
    for row, keywords, exact in ROWS[table]:
        if row == code:
            literals = keywords + tuple(e for e in exact if len(e) > 2)
            return re.compile("|".join(fuzzy(k).replace(r"\.", "[.、]") for k in literals))
    raise KeyError(code)


# --- proactive table layout (templates.md §2): columns per row group, per version -------------------
PROACTIVE_COLUMNS = {
    "v2019": {
        "rules": ("made", "published", "published_total"),
        "normative_docs": ("made", "published", "published_total"),
        "admin_license": ("prev_items", "items_change", "decisions"),
        "other_external_services": ("prev_items", "items_change", "decisions"),
        "admin_penalty": ("prev_items", "items_change", "decisions"),
        "admin_coercion": ("prev_items", "items_change", "decisions"),
        "admin_fees": ("prev_items", "items_change"),
        "central_procurement": ("projects", "amount_yuan"),
    },
    "v2021": {
        "rules": ("issued", "repealed", "in_force"),
        "normative_docs": ("issued", "repealed", "in_force"),
        "admin_license": ("decisions",),
        "admin_penalty": ("decisions",),
        "admin_coercion": ("decisions",),
        "admin_fees": ("amount_yuan",),
    },
}
REQUESTS_COLUMNS = tuple(codes("requests", "column"))  # six applicant columns, then total
REVIEW_COLUMNS = tuple(codes("review_litigation", "column"))
REVIEW_GROUPS = tuple(codes("review_litigation", "row"))  # printed left to right as one row of 15 cells

# Row ordinals as printed before a sub-row label ("2.其他法律行政法规禁止公开"): glued text puts them right
# after the previous row's digits, so the reader strips them from that run.
ORDINALS = {
    "denied_state_secret": 1, "denied_law_prohibited": 2, "denied_security_stability": 3,
    "denied_third_party": 4, "denied_internal_affairs": 5, "denied_process_info": 6,
    "denied_enforcement_file": 7, "denied_admin_query": 8, "unable_not_held": 1,
    "unable_needs_creation": 2, "unable_unclear": 3, "not_processed_complaint": 1,
    "not_processed_repeat": 2, "not_processed_publication": 3, "not_processed_excessive": 4,
    "not_processed_confirm": 5, "other_overdue_correction": 1, "other_unpaid_fee": 2, "other_other": 3,
}
